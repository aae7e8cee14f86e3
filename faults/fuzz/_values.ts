// Argument values for the public-API fuzzer, drawn with fast-check from a parameter's type (as
// `deno doc` prints it) and its name: mostly values of the right kind and of fitting shapes (so
// that calls get past the checks and compute), and, at every level, wrong ones — other types,
// wrong ranks and dtypes, NaN/Inf, empty and huge sizes, out-of-range options.
import fc from "fast-check";
import { NDArray, Rng } from "@nnc/tensor";
import { Tensor } from "@nnc/autograd";
import { Linear, ReLU, Sequential } from "@nnc/layers";
import { SGD } from "@nnc/optim";
import { TensorDataset } from "@nnc/datasets";
import type { DocIndex, DocParam, DocProperty, DocType } from "./_doc.ts";

/** fast-check's dependent-draw function (from `fc.gen()`). */
export type Draw = <T>(arb: () => fc.Arbitrary<T>) => T;

/** Where values are drawn for one call. */
export interface Scene {
  draw: Draw;
  /** The call's base shape: most arrays of one call share it (or broadcast against it). */
  base: number[];
  /** Whether arrays default to autograd Tensors (autograd, layers, train) or NDArrays. */
  tensors: boolean;
  index: DocIndex;
  /** Folder where file paths point (the worker's temporary folder). */
  dir: string;
}

const SPECIAL = [NaN, Infinity, -Infinity, 0, -0, 1e38, -1e38, 1e-40, 3.4e38, -1, 1];
const HUGE = [2 ** 31, 2 ** 32 + 1, 2 ** 53, 1e12, 1e300, Infinity];

/** A value of the wrong kind: what a JS caller (or a bad config file) passes. */
export function junk(s: Scene): unknown {
  const k = s.draw(() => fc.integer({ min: 0, max: 15 }));
  switch (k) {
    case 0:
      return null;
    case 1:
      return undefined;
    case 2:
      return s.draw(() => fc.constantFrom(NaN, Infinity, -Infinity, -1, 0.5, -0, 2 ** 31, 1e300));
    case 3:
      return s.draw(() => fc.constantFrom("", "x", "1", "mean", "float32", "../x"));
    case 4:
      return {};
    case 5:
      return [];
    case 6:
      return s.draw(() => fc.boolean());
    case 7:
      return () => 0;
    case 8:
      return 3n;
    case 9:
      return Symbol("junk");
    case 10:
      return [1, [2, 3]];
    case 11:
      return new Float32Array(3);
    case 12:
      return { shape: [2, 2], data: [1, 2, 3, 4] };
    case 13:
      return ndarray(s, { shape: s.draw(() => shapeArb(s, true)) });
    case 14:
      return new Map([["a", 1]]);
    default:
      return Object.create(null);
  }
}

/** A shape: the base, a broadcastable variant of it, another small one, or a bad one. */
function shapeArb(s: Scene, allowBad: boolean): fc.Arbitrary<number[]> {
  const small = fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 });
  const variants: fc.Arbitrary<number[]>[] = [
    fc.constant(s.base),
    fc.constant(s.base),
    fc.constant(s.base.slice(1)),
    fc.constant(s.base.map((d, i) => (i % 2 === 0 ? 1 : d))),
    small,
  ];
  if (allowBad) {
    variants.push(
      fc.constantFrom<number[]>(
        [-1],
        [1.5],
        [NaN],
        [2 ** 31],
        [2 ** 20, 2 ** 20],
        [1, 1, 1, 1, 1, 1, 1],
        [Infinity],
      ),
    );
  }
  return fc.oneof(...variants);
}

/** Fills an array's values: ordinary numbers mostly, special ones sometimes. */
function fill(s: Scene, data: Float32Array | Float64Array | Int32Array, int: boolean): void {
  const mode = s.draw(() => fc.integer({ min: 0, max: 9 }));
  const seed = s.draw(() => fc.integer({ min: 0, max: 1 << 30 }));
  const rng = new Rng(seed);
  for (let i = 0; i < data.length; i++) {
    if (int) data[i] = Math.floor(rng.random() * 6) - (mode === 0 ? 3 : 0);
    else if (mode === 0 && rng.random() < 0.3) data[i] = SPECIAL[i % SPECIAL.length];
    else if (mode === 1) data[i] = Math.round(rng.random() * 4);
    else if (mode === 2) data[i] = rng.random();
    else data[i] = (rng.random() - 0.5) * 4;
  }
}

/** An NDArray of the given (or a drawn) shape and dtype; sometimes a strided or broadcast view. */
export function ndarray(
  s: Scene,
  opts: { shape?: number[]; dtype?: "float32" | "float64" | "int32" } = {},
): NDArray {
  const shape = opts.shape ?? s.draw(() => shapeArb(s, false));
  const dtype = opts.dtype ??
    s.draw(() => fc.constantFrom("float32", "float32", "float32", "float64", "int32" as const));
  let size = 1;
  for (const d of shape) size *= d;
  if (!(size >= 0 && size <= 4096 && shape.every((d) => Number.isInteger(d) && d >= 0))) {
    return NDArray.fromTyped(new Float32Array(1), [1]);
  }
  const data = dtype === "float64"
    ? new Float64Array(size)
    : dtype === "int32"
    ? new Int32Array(size)
    : new Float32Array(size);
  fill(s, data, dtype === "int32");
  const a = NDArray.fromTyped(data, shape);
  const view = s.draw(() => fc.integer({ min: 0, max: 7 }));
  if (view === 0 && shape.length >= 2) {
    // The same shape as a transposed (non-contiguous) view.
    const rev = [...shape].reverse();
    const t = NDArray.fromTyped(data.slice(), rev);
    const perm = rev.map((_, i) => rev.length - 1 - i);
    return t.permute(perm);
  }
  if (view === 1 && shape.length >= 1 && shape[0] === 1) {
    return a.expand([1, ...shape.slice(1)]);
  }
  return a;
}

/** An autograd Tensor over a drawn NDArray; float ones sometimes require gradients. */
export function tensor(s: Scene, opts: { shape?: number[] } = {}): Tensor {
  const a = ndarray(s, opts);
  const grad = a.dtype !== "int32" && s.draw(() => fc.boolean());
  return new Tensor(a, { requiresGrad: grad });
}

/** A number for a parameter, guided by its name. */
export function numberFor(s: Scene, name: string): number {
  const n = name.toLowerCase();
  const bad = s.draw(() => fc.integer({ min: 0, max: 9 })) === 0;
  if (bad) return s.draw(() => fc.constantFrom(NaN, Infinity, -Infinity, -1, -3, 0.5, ...HUGE));
  if (/axis|dim$|^dim|axes/.test(n)) return s.draw(() => fc.integer({ min: -4, max: 4 }));
  if (/seed/.test(n)) return s.draw(() => fc.integer({ min: 0, max: 1000 }));
  if (/^p$|prob|rate|dropout|momentum|alpha|beta|gamma|decay|factor|smoothing|eps|tol/.test(n)) {
    return s.draw(() => fc.constantFrom(0, 0.1, 0.5, 0.9, 0.99, 1, 1e-8, 1.5, -0.1));
  }
  if (/^lr|learning/.test(n)) return s.draw(() => fc.constantFrom(0.1, 0.01, 1, 0, -0.1));
  if (
    /size|features|channels|^n$|^n[A-Z_]|^k$|num|count|epoch|steps|length|width|height|heads|classes|groups|stride|padding|dilation|depth|units|hidden|layers|rows|cols|batch|^m$|^d$|index|start|stop|end/i
      .test(name)
  ) {
    return s.draw(() => fc.oneof(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 1, max: 3 })));
  }
  return s.draw(() =>
    fc.oneof(
      fc.integer({ min: -3, max: 5 }),
      fc.double({ min: -4, max: 4, noNaN: true }),
      fc.constantFrom(...SPECIAL),
    )
  );
}

const TENSORISH = new Set([
  "TensorLike",
  "ArrayOrScalar",
  "MatrixLike",
  "VectorLike",
  "NDArrayLike",
  "ArrayInput",
  "NestedArray",
  "Target",
]);

/** A value for a type; `name` is the parameter or property name (for numbers and shapes). */
export function valueFor(
  s: Scene,
  type: DocType | null | undefined,
  name: string,
  depth = 0,
): unknown {
  if (depth > 4) return undefined;
  // One value in twelve is junk, whatever the type.
  if (s.draw(() => fc.integer({ min: 0, max: 11 })) === 0) return junk(s);
  if (!type) return untyped(s, name, depth);
  switch (type.kind) {
    case "keyword":
      return keyword(s, type.value, name);
    case "literal":
      return literal(type.value);
    case "union":
    case "intersection": {
      const options = type.value as DocType[];
      if (type.kind === "intersection") return valueFor(s, options[0], name, depth + 1);
      const i = s.draw(() => fc.integer({ min: 0, max: options.length - 1 }));
      return valueFor(s, options[i], name, depth + 1);
    }
    case "array":
      return arrayOf(s, type.value, name, depth);
    case "typeOperator":
      return valueFor(s, type.value.tsType, name, depth + 1);
    case "parenthesized":
    case "optional":
      return valueFor(s, type.value, name, depth + 1);
    case "tuple":
      return (type.value as DocType[]).map((t, i) => valueFor(s, t, `${name}${i}`, depth + 1));
    case "typeLiteral":
      return objectOf(
        s,
        // deno-lint-ignore no-explicit-any
        (type.value.properties ?? []).map((p: any) => ({
          name: p.name,
          optional: Boolean(p.optional),
          type: p.tsType ?? null,
        })),
        depth,
      );
    case "fnOrConstructor":
      return (...args: unknown[]) => args[0];
    case "typeRef":
      return typeRef(s, type, name, depth);
    case "indexedAccess":
    case "typeQuery":
    case "conditional":
    case "mapped":
    default:
      return untyped(s, name, depth);
  }
}

function keyword(s: Scene, kw: string, name: string): unknown {
  switch (kw) {
    case "number":
      return numberFor(s, name);
    case "boolean":
      return s.draw(() => fc.boolean());
    case "string":
      return stringFor(s, name);
    case "undefined":
    case "void":
      return undefined;
    case "null":
      return null;
    case "bigint":
      return 1n;
    default:
      return untyped(s, name, 0);
  }
}

function literal(v: { kind: string; string?: string; number?: number; boolean?: boolean }) {
  return v.kind === "string" ? v.string : v.kind === "number" ? v.number : v.boolean;
}

function stringFor(s: Scene, name: string): string {
  const n = name.toLowerCase();
  if (/path|file|dir|pointer|url/.test(n)) {
    return s.draw(() =>
      fc.constantFrom(
        `${s.dir}/a.bin`,
        `${s.dir}/sub/b.safetensors`,
        `${s.dir}/missing/c.csv`,
        `${s.dir}`,
        "",
        `${s.dir}/e{epoch}.safetensors`,
      )
    );
  }
  if (/monitor|key/.test(n)) {
    return s.draw(() => fc.constantFrom("loss", "valLoss", "accuracy", ""));
  }
  if (/dtype/.test(n)) return s.draw(() => fc.constantFrom("float32", "float64", "int32", "int8"));
  return s.draw(() => fc.constantFrom("a", "mean", "sum", "", "relu", "x y", "0"));
}

function untyped(s: Scene, name: string, depth: number): unknown {
  const n = name.toLowerCase();
  if (/shape|size$/.test(n)) return s.draw(() => shapeArb(s, true));
  if (/^(x|y|a|b|input|target|data|values|weight|bias|out|logits|labels|pred|grad)/.test(n)) {
    return s.tensors ? tensor(s) : ndarray(s);
  }
  if (/options|opts|config/.test(n)) return {};
  const k = s.draw(() => fc.integer({ min: 0, max: 3 }));
  if (k === 0) return numberFor(s, name);
  if (k === 1) return s.tensors ? tensor(s) : ndarray(s);
  if (k === 2) return depth < 2 ? [numberFor(s, name)] : 0;
  return junk(s);
}

function arrayOf(s: Scene, item: DocType, name: string, depth: number): unknown[] {
  const n = name.toLowerCase();
  if (item.kind === "keyword" && item.value === "number") {
    if (/shape|size|dims|kernel|stride|padding|axes|perm|sizes/.test(n) || n === "") {
      return s.draw(() => shapeArb(s, true));
    }
    return s.draw(() => fc.array(fc.constant(0), { maxLength: 4 })).map(() => numberFor(s, name));
  }
  const len = s.draw(() => fc.integer({ min: 0, max: 3 }));
  return Array.from({ length: len }, () => valueFor(s, item, name, depth + 1));
}

/** An options object: each property present or not; sometimes an unknown key. */
export function objectOf(s: Scene, props: DocProperty[], depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of props) {
    if (p.name.startsWith("...")) continue;
    const present = !p.optional || s.draw(() => fc.integer({ min: 0, max: 2 })) === 0;
    if (present) out[p.name] = valueFor(s, p.type, p.name, depth + 1);
  }
  if (s.draw(() => fc.integer({ min: 0, max: 15 })) === 0) out.notAnOption = 1;
  return out;
}

function typeArg(type: DocType, i = 0): DocType | null {
  return (type.value?.typeParams ?? [])[i] ?? null;
}

function typeRef(s: Scene, type: DocType, name: string, depth: number): unknown {
  const ref: string = type.value?.typeName ?? type.repr ?? "";
  switch (ref) {
    case "NDArray":
      return ndarray(s);
    case "Tensor":
    case "Parameter":
      return tensor(s);
    case "Readonly":
    case "Partial":
    case "Required":
    case "Omit":
    case "Pick":
    case "NonNullable":
      return valueFor(s, typeArg(type), name, depth + 1);
    case "Record": {
      const out: Record<string, unknown> = {};
      const len = s.draw(() => fc.integer({ min: 0, max: 2 }));
      for (let i = 0; i < len; i++) out[`k${i}`] = valueFor(s, typeArg(type, 1), name, depth + 1);
      return out;
    }
    case "Array":
    case "ReadonlyArray":
    case "Iterable": {
      const t = typeArg(type);
      return t ? arrayOf(s, t, name, depth) : [];
    }
    case "Promise":
      return Promise.resolve(valueFor(s, typeArg(type), name, depth + 1));
    case "DType":
      return s.draw(() => fc.constantFrom("float32", "float64", "int32", "float16", "int64"));
    case "Rng":
    case "RandomSource":
      return new Rng(s.draw(() => fc.integer({ min: 0, max: 99 })));
    case "URL":
      return new URL(`file://${s.dir}/u.bin`);
    case "Uint8Array":
    case "ArrayBufferView":
      return bytes(s);
    case "Float32Array":
    case "TypedArray":
    case "ArrayLike":
      return new Float32Array(
        s.draw(() => fc.array(fc.double({ noNaN: false }), { maxLength: 8 })),
      );
    case "Int32Array":
      return new Int32Array(
        s.draw(() => fc.array(fc.integer({ min: -3, max: 9 }), { maxLength: 8 })),
      );
    case "Optimizer":
      return new SGD(new Linear(2, 2).parameters(), { lr: 0.1 });
    case "Module":
    case "AnyModule":
    case "Model":
      return s.draw(() => fc.boolean())
        ? new Linear(2, 2)
        : new Sequential(new Linear(3, 3), new ReLU(), new Linear(3, 2));
    case "Dataset":
      return new TensorDataset(ndarray(s, { shape: [4, 2] }), ndarray(s, { shape: [4] }));
    case "BatchSource":
      return [[tensor(s, { shape: [3, 2] }), tensor(s, { shape: [3, 2] })]];
    case "Function":
    case "TensorFunction":
    case "MultiTensorFunction":
    case "CheckedFunction":
    case "LossFunction":
    case "Transform":
      return (...args: unknown[]) => args[0];
  }
  if (TENSORISH.has(ref)) {
    const k = s.draw(() => fc.integer({ min: 0, max: 5 }));
    if (k <= 1) return ndarray(s);
    if (k <= 3) return tensor(s);
    if (k === 4) return numberFor(s, name);
    return ndarray(s, { shape: [2, 2] }).toArray();
  }
  const iface = s.index.interfaces.get(ref);
  if (iface) return objectOf(s, iface, depth);
  const alias = s.index.aliases.get(ref);
  if (alias) return valueFor(s, alias, name, depth + 1);
  return untyped(s, name, depth);
}

/** Bytes for a parser: random, or a valid file (safetensors, NPY) with some bytes changed. */
function bytes(s: Scene): Uint8Array {
  const k = s.draw(() => fc.integer({ min: 0, max: 3 }));
  if (k === 0) return new Uint8Array(s.draw(() => fc.array(fc.integer({ min: 0, max: 255 }))));
  const header = k === 1
    ? `{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`
    : k === 2
    ? `{"x":{"dtype":"F32","shape":[2147483648],"data_offsets":[0,8]}}`
    : `{"__metadata__":{"a":"b"}}`;
  const h = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + h.length + 8);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  const flips = s.draw(() => fc.array(fc.nat({ max: out.length - 1 }), { maxLength: 2 }));
  for (const i of flips) out[i] ^= 0x5a;
  return out;
}

/** Arguments for a parameter list. */
export function argsFor(s: Scene, params: DocParam[]): unknown[] {
  const args: unknown[] = [];
  for (const p of params) {
    if (p.rest) {
      const item = p.type?.kind === "array" ? p.type.value : null;
      const len = s.draw(() => fc.integer({ min: 0, max: 3 }));
      for (let i = 0; i < len; i++) args.push(valueFor(s, item, p.name));
      break;
    }
    args.push(
      p.optional && s.draw(() => fc.integer({ min: 0, max: 2 })) === 0
        ? undefined
        : valueFor(s, p.type, p.name),
    );
  }
  // Trailing undefineds are left out, as a caller writes it; sometimes one extra argument.
  while (args.length > 0 && args[args.length - 1] === undefined) args.pop();
  if (s.draw(() => fc.integer({ min: 0, max: 19 })) === 0) args.push(junk(s));
  return args;
}

/** Draws the base shape of a call. */
export function baseShape(draw: Draw): number[] {
  return draw(() =>
    fc.oneof(
      fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }),
      fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 }),
      fc.constantFrom<number[]>([2, 3], [3, 3], [2, 3, 4, 4], [1, 3, 8, 8], [4, 2], [1, 1, 5], [
        2,
        2,
        6,
      ]),
    )
  );
}
