// Shared checks and conversions of the training loop, metrics and callbacks.
import { NDArray, type TypedArray } from "@nnc/tensor";
import { Tensor } from "@nnc/autograd";

import type { ArrayInput } from "./metrics.ts";

export type { ArrayInput };

/** `[2, 3]` for messages. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/** Describes a value for an error message without dumping it. */
export function describe(v: unknown): string {
  if (v === null) return "null";
  if (v === undefined) return "undefined";
  if (v instanceof NDArray) return `an NDArray of shape ${fmtShape(v.shape)}`;
  if (v instanceof Tensor) return `a Tensor of shape ${fmtShape(v.shape)}`;
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "object") return `an object (${(v as object).constructor?.name ?? "Object"})`;
  return typeof v;
}

/** The NDArray behind an input, validated. */
export function toNd(x: unknown, op: string, name: string): NDArray {
  if (x instanceof NDArray) return x;
  if (x instanceof Tensor) return x.data;
  throw new TypeError(`${op}: ${name} must be an NDArray or a Tensor, got ${describe(x)}`);
}

/** A contiguous view's typed array and offset, for tight loops. */
export function flatData(a: NDArray): { data: TypedArray; offset: number } {
  const c = a.isContiguous ? a : a.contiguous();
  return { data: c.data, offset: c.offset };
}

/** Checks an options argument is a plain object (or undefined → `{}`). */
export function checkOptions<T extends object>(options: T | undefined, op: string): T {
  if (options === undefined) return {} as T;
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new TypeError(`${op}: options must be an object, got ${describe(options)}`);
  }
  return options;
}

/** An integer in `[min, max]`, or the fallback when undefined. */
export function checkInt(
  v: unknown,
  fallback: number,
  op: string,
  name: string,
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (v === undefined) return fallback;
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `in [${min}, ${max}]`;
    throw new RangeError(`${op}: ${name} must be an integer ${range}, got ${describe(v)}`);
  }
  return v;
}

/** A finite number ≥ `min`, or the fallback when undefined. */
export function checkNumber(
  v: unknown,
  fallback: number,
  op: string,
  name: string,
  min = -Infinity,
): number {
  if (v === undefined) return fallback;
  if (typeof v !== "number" || !Number.isFinite(v) || v < min) {
    const bound = min === -Infinity ? "" : ` ≥ ${min}`;
    throw new RangeError(`${op}: ${name} must be a finite number${bound}, got ${describe(v)}`);
  }
  return v;
}

/** One of the allowed strings, or the fallback when undefined. */
export function checkChoice<T extends string>(
  v: unknown,
  allowed: readonly T[],
  fallback: T,
  op: string,
  name: string,
): T {
  if (v === undefined) return fallback;
  if (typeof v !== "string" || !(allowed as readonly string[]).includes(v)) {
    throw new TypeError(
      `${op}: ${name} must be one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}, got ${
        describe(v)
      }`,
    );
  }
  return v as T;
}

/** A boolean, or the fallback when undefined. */
export function checkBool(v: unknown, fallback: boolean, op: string, name: string): boolean {
  if (v === undefined) return fallback;
  if (typeof v !== "boolean") {
    throw new TypeError(`${op}: ${name} must be a boolean, got ${describe(v)}`);
  }
  return v;
}

/** Creates the parent folder of a file path. */
export async function ensureParent(path: string): Promise<void> {
  const i = path.lastIndexOf("/");
  if (i > 0) await Deno.mkdir(path.slice(0, i), { recursive: true });
}
