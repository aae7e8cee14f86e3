/**
 * Helpers of the backend conformance suite (exported from `@nnc/tensor/conformance`): a seeded
 * generator of random strided views (transposed, sliced, reversed, broadcast, offset) and a tolerant
 * comparison of two backends' outputs.
 *
 * @module
 */
import { type DType, NDArray, Storage, type TypedArray } from "./mod.ts";
import { checkInt, checkNDArray, checkNumber, checkOneOf, checkOptions } from "./check.ts";
import { describe } from "./_describe.ts";

const DTYPES = ["float32", "float64", "int32"] as const;

/** Throws unless `value` is a Float32Array, Float64Array or Int32Array (a storage's data). */
function checkData(value: unknown, op: string, name: string): asserts value is TypedArray {
  if (
    !(value instanceof Float32Array || value instanceof Float64Array || value instanceof Int32Array)
  ) {
    throw new TypeError(
      `${op}: ${name} must be a Float32Array, Float64Array or Int32Array, got ${describe(value)}`,
    );
  }
}

/**
 * A small seeded generator (mulberry32): fast and the same on every run.
 *
 * @example
 * ```ts
 * import { Rand } from "@nnc/tensor/conformance";
 * const r = new Rand(7);
 * console.assert(r.next() === new Rand(7).next());
 * const n = r.int(1, 6); // 1 ≤ n ≤ 6
 * ```
 */
export class Rand {
  #s: number;
  /** A generator whose sequence is fixed by `seed` (an integer, taken modulo 2³²). */
  constructor(seed: number) {
    checkInt(seed, "Rand", "seed");
    this.#s = seed >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.#s = (this.#s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }
  /** One of the items. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
  /** A random permutation of 0..n-1. */
  perm(n: number): number[] {
    const p = [...Array(n).keys()];
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(0, i);
      [p[i], p[j]] = [p[j], p[i]];
    }
    return p;
  }
  /** A random shape of `ndim` dims with extents in [lo, hi]. */
  shape(ndim: number, lo = 1, hi = 5): number[] {
    return Array.from({ length: ndim }, () => this.int(lo, hi));
  }
}

/** How {@link fillRandom} and {@link randomView} draw values. */
export interface Fill {
  /** Probability of a special value (NaN, ±Infinity, ±0) per element (floats only). */
  special?: number;
  /** Float range half-width (default 3). */
  scale?: number;
  /** Integer range [-intRange, intRange] (default 9). */
  intRange?: number;
  /** Only non-negative values. */
  positive?: boolean;
  /** Draw values from a small set so that ties are common. */
  ties?: boolean;
}

const SPECIALS = [NaN, Infinity, -Infinity, 0, -0];

/**
 * Fills a typed array with random values of its dtype (integers for an Int32Array).
 *
 * @example
 * ```ts
 * import { fillRandom, Rand } from "@nnc/tensor/conformance";
 * const data = new Float64Array(4);
 * fillRandom(new Rand(1), data, { positive: true });
 * console.assert(data.every((v) => v >= 0 && v < 3));
 * ```
 */
export function fillRandom(r: Rand, data: TypedArray, f: Fill = {}): void {
  checkData(data, "fillRandom", "data");
  checkOptions(f, "fillRandom");
  const isInt = data instanceof Int32Array;
  const scale = f.scale ?? 3, ir = f.intRange ?? 9;
  for (let i = 0; i < data.length; i++) {
    if (isInt) {
      const v = r.int(f.positive ? 0 : -ir, ir);
      data[i] = v;
    } else if (f.special && r.chance(f.special)) {
      data[i] = r.pick(SPECIALS);
    } else if (f.ties) {
      data[i] = r.int(f.positive ? 0 : -3, 3) / 2;
    } else {
      const v = (r.next() * 2 - 1) * scale;
      data[i] = f.positive ? Math.abs(v) : v;
    }
  }
}

function alloc(dtype: DType, n: number): TypedArray {
  return dtype === "float32"
    ? new Float32Array(n)
    : dtype === "float64"
    ? new Float64Array(n)
    : new Int32Array(n);
}

/** Layout options of a view {@link randomView} generates. */
export interface ViewOptions {
  /** Allow stride-0 (broadcast) dimensions (inputs only). */
  broadcast?: boolean;
  /** Force a contiguous array with offset 0 (what some kernels require of outputs). */
  contiguous?: boolean;
  /** Value distribution. */
  fill?: Fill;
}

/**
 * A random view of the given shape over fresh random storage: dimensions permuted in memory,
 * stepped (1..3), reversed, broadcast (stride 0), with a random offset and slack.
 *
 * @example
 * ```ts
 * import { Rand, randomView } from "@nnc/tensor/conformance";
 * const a = randomView(new Rand(3), "float32", [2, 3], { broadcast: true });
 * console.assert(a.shape.join() === "2,3");
 * ```
 */
export function randomView(
  r: Rand,
  dtype: DType,
  shape: readonly number[],
  o: ViewOptions = {},
): NDArray {
  checkOneOf(dtype, "randomView", "dtype", DTYPES);
  if (!Array.isArray(shape)) {
    throw new TypeError(`randomView: shape must be an array of sizes, got ${describe(shape)}`);
  }
  shape.forEach((d, i) => checkInt(d, "randomView", `shape[${i}]`, 0));
  checkOptions(o, "randomView");
  const n = shape.length;
  const size = shape.reduce((a, b) => a * b, 1);
  if (o.contiguous || (n === 0 && r.chance(0.5))) {
    const data = alloc(dtype, size);
    fillRandom(r, data, o.fill);
    return new NDArray(new Storage(data), shape);
  }
  const step = shape.map(() => (r.chance(0.3) ? r.int(2, 3) : 1));
  const rev = shape.map(() => r.chance(0.25));
  const bcast = shape.map((d) => !!o.broadcast && d > 1 && r.chance(0.25));
  const len = shape.map((
    d,
    i,
  ) => (bcast[i] ? 1 : Math.max(1, (d - 1) * step[i] + 1 + (r.chance(0.2) ? 1 : 0))));
  const perm = r.chance(0.5) ? r.perm(n) : [...Array(n).keys()];
  const memStride = new Array<number>(n).fill(0);
  let acc = 1;
  for (let j = n - 1; j >= 0; j--) {
    memStride[perm[j]] = acc;
    acc *= len[perm[j]];
  }
  const base = r.int(0, 3);
  const total = base + acc + r.int(0, 3);
  let offset = base;
  const strides = shape.map((d, i) => {
    if (bcast[i]) return 0;
    const s = memStride[i] * step[i];
    if (rev[i] && d > 0) {
      offset += (d - 1) * s;
      return -s;
    }
    return s;
  });
  const data = alloc(dtype, size === 0 ? r.int(0, 2) : total);
  fillRandom(r, data, o.fill);
  return new NDArray(
    new Storage(data),
    shape,
    strides,
    size === 0 ? 0 : offset,
  );
}

/**
 * A copy of an array that shares nothing with it (same layout, same storage contents): the output
 * the oracle writes while the candidate writes the original.
 *
 * @example
 * ```ts
 * import { Rand, randomView, twin } from "@nnc/tensor/conformance";
 * const a = randomView(new Rand(3), "float64", [4]);
 * const b = twin(a);
 * console.assert(b.data !== a.data && b.strides.join() === a.strides.join());
 * ```
 */
export function twin(a: NDArray): NDArray {
  checkNDArray(a, "twin", "a");
  return new NDArray(new Storage(a.data.slice()), a.shape, a.strides, a.offset);
}

/** Tolerances of a comparison by {@link diff}: `|got - want| <= atol + rtol * |want|`. */
export interface Tol {
  /** Relative tolerance. */
  rtol: number;
  /** Absolute tolerance. */
  atol: number;
}

/**
 * Exact comparison (bit for bit, except that 0 equals -0).
 *
 * @example
 * ```ts
 * import { diff, EXACT } from "@nnc/tensor/conformance";
 * console.assert(diff(new Float32Array([1]), new Float32Array([1]), EXACT) === null);
 * ```
 */
export const EXACT: Tol = { rtol: 0, atol: 0 };

/**
 * Tolerance for results computed in the dtype's precision with a different operation order,
 * `scale` times the base (2e-5 for float32, 1e-10 for float64; exact for int32).
 *
 * @example
 * ```ts
 * import { tolFor } from "@nnc/tensor/conformance";
 * console.assert(tolFor("float32", 10).rtol === 2e-4);
 * console.assert(tolFor("int32").atol === 0);
 * ```
 */
export function tolFor(dtype: DType, scale = 1): Tol {
  checkOneOf(dtype, "tolFor", "dtype", DTYPES);
  checkNumber(scale, "tolFor", "scale", 0);
  if (dtype === "float32") return { rtol: 2e-5 * scale, atol: 2e-5 * scale };
  if (dtype === "float64") return { rtol: 1e-10 * scale, atol: 1e-10 * scale };
  return EXACT;
}

/**
 * Compares whole storages of two outputs (so that elements a kernel must not touch are compared
 * too); returns a description of the first difference, or null.
 *
 * @example
 * ```ts
 * import { diff, tolFor } from "@nnc/tensor/conformance";
 * const got = new Float32Array([1, 2.5]), want = new Float32Array([1, 2]);
 * console.assert(diff(got, want, tolFor("float32")) === "[1]: got 2.5, want 2");
 * ```
 */
export function diff(
  got: TypedArray,
  want: TypedArray,
  tol: Tol,
): string | null {
  checkData(got, "diff", "got");
  checkData(want, "diff", "want");
  checkOptions(tol, "diff", "rtol and atol");
  checkNumber(tol.rtol, "diff", "tol.rtol", 0);
  checkNumber(tol.atol, "diff", "tol.atol", 0);
  if (got.length !== want.length) {
    return `length ${got.length} vs ${want.length}`;
  }
  for (let i = 0; i < got.length; i++) {
    const g = got[i], w = want[i];
    if (Object.is(g, w) || g === w) continue;
    if (Number.isNaN(w) || Number.isNaN(g)) {
      return `[${i}]: got ${g}, want ${w}`;
    }
    if (!Number.isFinite(w) || !Number.isFinite(g)) {
      return `[${i}]: got ${g}, want ${w}`;
    }
    if (Math.abs(g - w) > tol.atol + tol.rtol * Math.abs(w)) {
      return `[${i}]: got ${g}, want ${w}`;
    }
  }
  return null;
}

/**
 * Describes an array's layout for failure messages.
 *
 * @example
 * ```ts
 * import { layout } from "@nnc/tensor/conformance";
 * import { NDArray } from "@nnc/tensor";
 * const a = NDArray.fromTyped(new Float32Array(6), [2, 3]);
 * console.assert(layout(a) === "float32[2,3] strides [3,1] offset 0 len 6");
 * ```
 */
export function layout(a: NDArray): string {
  checkNDArray(a, "layout", "a");
  return `${a.dtype}[${a.shape.join(",")}] strides [${
    a.strides.join(",")
  }] offset ${a.offset} len ${a.data.length}`;
}
