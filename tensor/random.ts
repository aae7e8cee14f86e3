/**
 * Seeded random numbers: the {@link Rng} generator (xoshiro128**, seeded through SplitMix32), a
 * default generator reseeded by {@link manualSeed}, and `rand`, `randn`, `randint`, `randperm`.
 * The same seed gives the same numbers on every backend and platform.
 *
 * @module
 */
import { allocTyped, checkDType, type DType, type TypedArray } from "./dtype.ts";
import { NDArray, Storage } from "./ndarray.ts";
import { checkShape, sizeOf } from "./shape.ts";
import { checkInt, checkNumber, checkOptions, describe } from "./check.ts";

/** The four 32-bit words of a generator's state (for checkpoints). */
export type RngState = [number, number, number, number];

/**
 * A small, fast, seeded generator (xoshiro128**). Integers, uniform and normal floats, shuffles.
 *
 * @example
 * ```ts
 * import { Rng } from "@nnc/tensor";
 * const a = new Rng(42), b = new Rng(42);
 * console.assert(a.random() === b.random());
 * const x = a.normal();
 * console.assert(Number.isFinite(x));
 * ```
 */
export class Rng {
  // The four state words s0..s3 (one array: the bulk fills run on it without field accesses).
  readonly #st = new Uint32Array(4);
  #spare: number | null = null;

  /** A generator seeded with an integer (default 0). */
  constructor(seed = 0) {
    this.seed(seed);
  }

  /** Reseeds: SplitMix32 expands the seed into a non-zero 128-bit state. */
  seed(seed: number): void {
    if (typeof seed !== "number" || !Number.isFinite(seed)) {
      throw new RangeError(`Rng.seed: seed must be a finite number, got ${describe(seed)}`);
    }
    // Fold seeds beyond 32 bits in so that 2^32 + 1 and 1 differ.
    let x = (Math.trunc(seed) ^ Math.trunc(seed / 4294967296)) >>> 0;
    const next = () => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    const st = this.#st;
    for (let i = 0; i < 4; i++) st[i] = next();
    if ((st[0] | st[1] | st[2] | st[3]) === 0) st[0] = 1;
    this.#spare = null;
  }

  /** The current state, to restore later with {@link Rng.setState}. */
  getState(): RngState {
    const st = this.#st;
    return [st[0], st[1], st[2], st[3]];
  }

  /** Restores a state from {@link Rng.getState}. */
  setState(state: RngState): void {
    if (!Array.isArray(state) || state.length !== 4 || state.some((w) => !Number.isInteger(w))) {
      throw new TypeError("Rng.setState: expected four 32-bit integers");
    }
    this.#st.set(state.map((w) => w >>> 0));
    this.#spare = null;
  }

  /** A copy with the same state (both then produce the same sequence). */
  clone(): Rng {
    const r = new Rng();
    r.setState(this.getState());
    return r;
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    return nextUint32Of(this.#st);
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  random(): number {
    return uniform53(this.#st);
  }

  /** A uniform double in [low, high). */
  uniform(low = 0, high = 1): number {
    return low + (high - low) * this.random();
  }

  /** A standard normal sample (Box–Muller; the second value of each pair is kept for the next call). */
  normal(mean = 0, std = 1): number {
    if (typeof mean !== "number" || typeof std !== "number") {
      throw new TypeError(
        `Rng.normal: mean and std must be numbers, got ${describe(mean)} and ${describe(std)}`,
      );
    }
    if (this.#spare !== null) {
      const v = this.#spare;
      this.#spare = null;
      return mean + std * v;
    }
    const r = boxMullerRadius(this.#st), angle = 2 * Math.PI * uniform53(this.#st);
    this.#spare = r * Math.sin(angle);
    return mean + std * r * Math.cos(angle);
  }

  /**
   * Fills `out` with normal samples: the same numbers, in the same order, as `out.length` calls of
   * {@link Rng.normal} (a pair's second value carried over as it would be), in one pass.
   *
   * @example
   * ```ts
   * import { Rng } from "@nnc/tensor";
   * const a = new Rng(5), b = new Rng(5);
   * const out = new Float64Array(3);
   * a.fillNormal(out, 1, 2);
   * console.assert(out.every((x) => x === b.normal(1, 2)));
   * ```
   */
  fillNormal(out: Float32Array | Float64Array, mean = 0, std = 1): void {
    if (!(out instanceof Float32Array || out instanceof Float64Array)) {
      throw new TypeError(
        `Rng.fillNormal: out must be a Float32Array or Float64Array, got ${describe(out)}`,
      );
    }
    const n = out.length;
    let i = 0;
    if (n > 0 && this.#spare !== null) {
      out[i++] = mean + std * this.#spare;
      this.#spare = null;
    }
    const st = this.#st;
    for (; i < n; i += 2) {
      const r = boxMullerRadius(st), angle = 2 * Math.PI * uniform53(st);
      const sine = r * Math.sin(angle);
      out[i] = mean + std * r * Math.cos(angle);
      if (i + 1 < n) out[i + 1] = mean + std * sine;
      else this.#spare = sine;
    }
  }

  /** A uniform integer in [low, high), without modulo bias. */
  int(low: number, high: number): number {
    if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high) || high <= low) {
      throw new RangeError(
        `Rng.int: expected integers low < high, got ${describe(low)} and ${describe(high)}`,
      );
    }
    const range = high - low;
    if (range <= 4294967296) {
      const limit = 4294967296 - (4294967296 % range);
      let x = this.nextUint32();
      while (x >= limit) x = this.nextUint32();
      return low + (x % range);
    }
    return low + Math.floor(this.random() * range);
  }

  /** Shuffles an array in place (Fisher–Yates) and returns it. */
  shuffle<T extends { length: number; [i: number]: unknown }>(items: T): T {
    if (
      items === null || typeof items !== "object" ||
      !Number.isSafeInteger((items as { length?: unknown }).length) || items.length < 0
    ) {
      throw new TypeError(
        `Rng.shuffle: items must be an array or a typed array, got ${describe(items)}`,
      );
    }
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(0, i + 1);
      const t = items[i];
      items[i] = items[j];
      items[j] = t;
    }
    return items;
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    checkInt(n, "Rng.permutation", "n", 0, 2 ** 31 - 1);
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** `Rng.nextUint32` on a state held in an array (words s0..s3). */
function nextUint32Of(st: Uint32Array): number {
  const s0 = st[0], s1 = st[1], s2 = st[2], s3 = st[3];
  const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
  const t = s1 << 9;
  let n2 = s2 ^ s0;
  let n3 = s3 ^ s1;
  const n1 = s1 ^ n2;
  const n0 = s0 ^ n3;
  n2 ^= t;
  n3 = rotl(n3, 11);
  st[0] = n0;
  st[1] = n1;
  st[2] = n2;
  st[3] = n3;
  return r;
}

/** Box–Muller's radius √(−2 ln u) from a uniform u of `st` drawn again while it is 0. */
function boxMullerRadius(st: Uint32Array): number {
  let u = 0;
  while (u === 0) u = uniform53(st);
  return Math.sqrt(-2 * Math.log(u));
}

/** `Rng.random` on a state held in an array: a double in [0, 1) with 53 random bits. */
function uniform53(st: Uint32Array): number {
  const hi = nextUint32Of(st) >>> 5, lo = nextUint32Of(st) >>> 6;
  return (hi * 67108864 + lo) / 9007199254740992;
}

const defaultGenerator = new Rng(0);

/**
 * The generator used when an op is given no `rng`.
 *
 * @example
 * ```ts
 * import { defaultRng } from "@nnc/tensor";
 * console.assert(defaultRng().random() < 1);
 * ```
 */
export function defaultRng(): Rng {
  return defaultGenerator;
}

/**
 * Reseeds the default generator (like `torch.manual_seed`).
 *
 * @example
 * ```ts
 * import { manualSeed, rand } from "@nnc/tensor";
 * manualSeed(1);
 * const a = rand([3]);
 * manualSeed(1);
 * console.assert(rand([3]).toArray().toString() === a.toArray().toString());
 * ```
 */
export function manualSeed(seed: number): void {
  if (typeof seed !== "number" || !Number.isFinite(seed)) {
    throw new RangeError(`manualSeed: seed must be a finite number, got ${describe(seed)}`);
  }
  defaultGenerator.seed(seed);
}

/** Options of the random creation functions. */
export interface RandomOptions {
  /** Element type (default float32; int32 for `randint`). */
  dtype?: DType;
  /** Generator; the default one when omitted. */
  rng?: Rng;
}

/** The generator of the options, or the default one; anything else is a TypeError. */
function checkRng(rng: unknown, op: string): Rng {
  if (rng === undefined) return defaultGenerator;
  if (!(rng instanceof Rng)) throw new TypeError(`${op}: rng must be an Rng, got ${describe(rng)}`);
  return rng;
}

/** A new array of `shape` and `dtype` that `fill` writes every element of. */
function filled(
  op: string,
  shape: readonly number[],
  dtype: DType,
  fill: (data: TypedArray) => void,
): NDArray {
  checkShape(shape, op);
  const data = allocTyped(checkDType(dtype, op), sizeOf(shape));
  fill(data);
  return new NDArray(new Storage(data), shape);
}

/** A fill that calls `draw` once per element, in order. */
function each(draw: () => number): (data: TypedArray) => void {
  return (data) => {
    for (let i = 0; i < data.length; i++) data[i] = draw();
  };
}

/**
 * Uniform samples in [low, high) (default [0, 1)).
 *
 * @example
 * ```ts
 * import { rand, Rng } from "@nnc/tensor";
 * const u = rand([2, 3], { rng: new Rng(7), low: -1, high: 1 });
 * console.assert(u.max().item() < 1 && u.min().item() >= -1);
 * ```
 */
export function rand(
  shape: readonly number[],
  options: RandomOptions & { low?: number; high?: number } = {},
): NDArray {
  const o = checkOptions(options, "rand");
  const rng = checkRng(o.rng, "rand");
  const low = checkNumber(o.low ?? 0, "rand", "low"),
    high = checkNumber(o.high ?? 1, "rand", "high");
  if (!(high > low)) throw new RangeError(`rand: expected low < high, got ${low} and ${high}`);
  return filled("rand", shape, options.dtype ?? "float32", each(() => rng.uniform(low, high)));
}

/**
 * Normal samples with the given mean (default 0) and standard deviation (default 1).
 *
 * @example
 * ```ts
 * import { randn, Rng } from "@nnc/tensor";
 * const z = randn([10000], { rng: new Rng(3) });
 * console.assert(Math.abs(z.mean().item()) < 0.05);
 * ```
 */
export function randn(
  shape: readonly number[],
  options: RandomOptions & { mean?: number; std?: number } = {},
): NDArray {
  const o = checkOptions(options, "randn");
  const rng = checkRng(o.rng, "randn");
  const mean = checkNumber(o.mean ?? 0, "randn", "mean");
  const std = checkNumber(o.std ?? 1, "randn", "std", 0);
  // Float arrays in one pass (the numbers of `normal`, in its order), not a call per element.
  return filled("randn", shape, options.dtype ?? "float32", (data) => {
    if (data instanceof Int32Array) each(() => rng.normal(mean, std))(data);
    else rng.fillNormal(data, mean, std);
  });
}

/**
 * Uniform integers in [low, high) (int32 by default).
 *
 * @example
 * ```ts
 * import { randint, Rng } from "@nnc/tensor";
 * const k = randint(0, 10, [5], { rng: new Rng(1) });
 * console.assert(k.dtype === "int32" && k.max().item() < 10);
 * ```
 */
export function randint(
  low: number,
  high: number,
  shape: readonly number[],
  options: RandomOptions = {},
): NDArray {
  const rng = checkRng(checkOptions(options, "randint").rng, "randint");
  checkInt(low, "randint", "low", -(2 ** 31), 2 ** 31 - 1);
  checkInt(high, "randint", "high", -(2 ** 31), 2 ** 31);
  if (high <= low) {
    throw new RangeError(`randint: expected integers low < high, got ${low} and ${high}`);
  }
  return filled("randint", shape, options.dtype ?? "int32", each(() => rng.int(low, high)));
}

/**
 * A random permutation of 0..n-1 as an int32 array.
 *
 * @example
 * ```ts
 * import { randperm, Rng } from "@nnc/tensor";
 * const p = randperm(5, { rng: new Rng(2) });
 * console.assert(p.sort().values.toArray().toString() === "0,1,2,3,4");
 * ```
 */
export function randperm(n: number, options: { rng?: Rng } = {}): NDArray {
  checkInt(n, "randperm", "n", 0, 2 ** 31 - 1);
  const rng = checkRng(checkOptions(options, "randperm").rng, "randperm");
  return new NDArray(new Storage(rng.permutation(n)), [n]);
}
