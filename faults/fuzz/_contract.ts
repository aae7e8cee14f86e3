// The fuzzer's contract for one call: a result whose arrays are well formed (and, where an entry
// knows it, of the right shape), or a TypeError/RangeError whose message names the function.
import { NDArray } from "@nnc/tensor";
import { Tensor } from "@nnc/autograd";

/** A violation of the contract (what is wrong with a result), or null. */
export type Verdict = string | null;

/** Checks every NDArray (or Tensor) inside a result, two levels deep. */
export function checkResult(result: unknown, depth = 0): Verdict {
  if (result instanceof Tensor) return checkArray(result.data, "Tensor");
  if (result instanceof NDArray) return checkArray(result, "NDArray");
  if (depth >= 2 || result === null || typeof result !== "object") return null;
  if (Array.isArray(result)) {
    for (const r of result.slice(0, 16)) {
      const v = checkResult(r, depth + 1);
      if (v) return v;
    }
    return null;
  }
  if (Object.getPrototypeOf(result) === Object.prototype) {
    for (const r of Object.values(result).slice(0, 16)) {
      const v = checkResult(r, depth + 1);
      if (v) return v;
    }
  }
  return null;
}

function checkArray(a: NDArray, what: string): Verdict {
  const { shape, strides, offset } = a;
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    return `${what} with an invalid shape [${shape}]`;
  }
  if (strides.length !== shape.length || strides.some((s) => !Number.isInteger(s))) {
    return `${what} of shape [${shape}] with invalid strides [${strides}]`;
  }
  const size = shape.reduce((p, d) => p * d, 1);
  if (a.size !== size) return `${what} of shape [${shape}] reports size ${a.size}`;
  if (size === 0) return null;
  let lo = offset, hi = offset;
  shape.forEach((d, i) => {
    const span = (d - 1) * strides[i];
    if (span < 0) lo += span;
    else hi += span;
  });
  if (lo < 0 || hi >= a.data.length) {
    return `${what} of shape [${shape}] reaches outside its storage (elements ${lo}..${hi} of ${a.data.length})`;
  }
  return null;
}

/** The shape of an argument for shape oracles: arrays and tensors by shape, numbers as []. */
export function shapeOf(x: unknown): number[] | undefined {
  if (x instanceof Tensor) return [...x.shape];
  if (x instanceof NDArray) return [...x.shape];
  if (typeof x === "number") return [];
  return undefined;
}

/** NumPy broadcasting of two shapes, or undefined when they do not broadcast. */
export function broadcast(a: number[], b: number[]): number[] | undefined {
  const n = Math.max(a.length, b.length), out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1, y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return undefined;
    out.push(x === 1 ? y : x);
  }
  return out;
}

/**
 * Kinds of contract violations. `namesAnotherOp`: a TypeError/RangeError of the library's own
 * checks (its message starts with an operation's name) that names the operation the function
 * delegates to rather than the function itself; everything else is a bug without excuse.
 */
export type Category =
  | "crash"
  | "hang"
  | "wrongClass"
  | "unnamed"
  | "namesAnotherOp"
  | "wrongShape"
  | "badArray";

/** A violation: its kind and what happened. */
export interface Violation {
  category: Category;
  text: string;
}

/** A library message starts with the operation: `zeros:`, `Linear(3→2):`, `Rng.int:`. */
const OP_PREFIX = /^[A-Za-z_$][\w$.#]*(\([^)]*\))?(\.[\w$]+)?: /;

/** Whether an error meets the contract: its kind, and a message that names the function. */
export function checkError(
  e: unknown,
  names: readonly string[],
  accept: readonly (abstract new (...args: never[]) => Error)[],
): Violation | null {
  if (!(e instanceof Error)) {
    return { category: "wrongClass", text: `threw a non-Error: ${String(e)}` };
  }
  const message = e.message ?? "";
  const accepted = accept.some((Kind) => e instanceof Kind);
  if (!accepted && !(e instanceof TypeError || e instanceof RangeError)) {
    return {
      category: "wrongClass",
      text: `threw ${e.constructor.name} (not TypeError/RangeError): ${message.slice(0, 200)}`,
    };
  }
  if (names.some((n) => message.includes(n))) return null;
  if (accepted && e.constructor !== TypeError && e.constructor !== RangeError) return null;
  return {
    category: OP_PREFIX.test(message) ? "namesAnotherOp" : "unnamed",
    text: `${e.constructor.name} does not name ${names[0]}: ${message.slice(0, 200)}`,
  };
}

/** A short description of call arguments for a report. */
export function describeArgs(args: readonly unknown[]): string {
  return args.map((a) => describeValue(a, 0)).join(", ");
}

function describeValue(v: unknown, depth: number): string {
  if (v instanceof Tensor) return `Tensor(${v.dtype}[${v.shape}])`;
  if (v instanceof NDArray) {
    return `NDArray(${v.dtype}[${v.shape}]${v.isContiguous ? "" : " strided"})`;
  }
  if (typeof v === "number" || typeof v === "boolean" || v === null || v === undefined) {
    return String(v);
  }
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "function") return v.name ? `class/fn ${v.name}` : "fn";
  if (typeof v === "bigint") return `${v}n`;
  if (typeof v === "symbol") return "Symbol";
  if (Array.isArray(v)) {
    return depth > 1
      ? `[…${v.length}]`
      : `[${v.map((x) => describeValue(x, depth + 1)).join(", ")}]`;
  }
  const name = (v as object).constructor?.name;
  if (name && name !== "Object") return name;
  if (depth > 1) return "{…}";
  return `{${
    Object.entries(v as object).map(([k, x]) => `${k}: ${describeValue(x, depth + 1)}`).join(", ")
  }}`;
}
