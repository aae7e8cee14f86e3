/**
 * JS sort kernel: a stable LSD radix sort on order-preserving integer keys, so that every dtype
 * sorts without a comparison callback.
 *
 * @module
 */
import type { NDArray } from "../ndarray.ts";
import { sizeOf } from "../shape.ts";

// Rows up to this length use insertion sort: radix histograms would cost more than they save.
const INSERTION_MAX = 24;
// Long rows use 11-bit digits (3 passes per 32-bit word instead of 4); short rows 8-bit digits,
// whose 256-entry histograms are cheaper to clear and scan.
const WIDE_DIGIT_MIN = 1 << 16;
const SIGN = 0x80000000;

/**
 * Sorts each row (last axis) of the contiguous `x` into the contiguous `values` (same dtype) and
 * `indices` (int32, the position of each value in its row).
 *
 * Order, as NumPy and PyTorch: the sort is stable (equal values keep their order, in both
 * directions); NaN counts as larger than +∞, so it comes last when ascending and first when
 * descending; -0 and +0 are equal.
 *
 * @example
 * ```ts
 * import { jsBackend, NDArray } from "@nnc/tensor";
 * const x = NDArray.fromTyped(new Float32Array([3, NaN, 1, 2]), [4]);
 * const values = NDArray.fromTyped(new Float32Array(4), [4]);
 * const indices = NDArray.fromTyped(new Int32Array(4), [4]);
 * jsBackend.sort(values, indices, x, false);
 * console.assert(values.data.join() === "1,2,3,NaN" && indices.data.join() === "2,3,0,1");
 * ```
 */
export function sort(values: NDArray, indices: NDArray, x: NDArray, descending: boolean): void {
  const n = x.ndim === 0 ? 1 : x.shape[x.ndim - 1];
  const size = sizeOf(x.shape);
  if (size === 0) return;
  const wide = x.dtype === "float64";
  const s = new RowSorter(n, wide);
  const xd = x.data, vd = values.data, id = indices.data;
  // The float keys come from the bit patterns.
  const bits = x.dtype === "int32"
    ? null
    : new Uint32Array(xd.buffer, xd.byteOffset, xd.length * (wide ? 2 : 1));
  for (let r = 0, rows = size / n; r < rows; r++) {
    const xo = x.offset + r * n;
    if (bits === null) s.keysInt32(xd as Int32Array, xo, descending);
    else if (wide) s.keysFloat64(bits, xo, descending);
    else s.keysFloat32(bits, xo, descending);
    const order = s.sort();
    const vo = values.offset + r * n, io = indices.offset + r * n;
    for (let i = 0; i < n; i++) {
      const j = order[i];
      vd[vo + i] = xd[xo + j];
      id[io + i] = j;
    }
  }
}

/** Scratch buffers for sorting rows of one length; keys are unsigned and compare as the values do. */
class RowSorter {
  readonly n: number;
  readonly wide: boolean;
  // `lo` holds the whole key of 32-bit dtypes and the low word of float64 keys; `hi` its high word.
  lo: Uint32Array;
  hi: Uint32Array;
  idx: Int32Array;
  lo2: Uint32Array;
  hi2: Uint32Array;
  idx2: Int32Array;
  readonly hist: Uint32Array;
  readonly bits: number;
  readonly passes: number;

  constructor(n: number, wide: boolean) {
    this.bits = n >= WIDE_DIGIT_MIN ? 11 : 8;
    this.passes = Math.ceil(32 / this.bits);
    this.n = n;
    this.wide = wide;
    this.lo = new Uint32Array(n);
    this.lo2 = new Uint32Array(n);
    this.hi = new Uint32Array(wide ? n : 0);
    this.hi2 = new Uint32Array(wide ? n : 0);
    this.idx = new Int32Array(n);
    this.idx2 = new Int32Array(n);
    this.hist = new Uint32Array((wide ? 2 : 1) * this.passes << this.bits);
  }

  keysFloat32(bits: Uint32Array, xo: number, descending: boolean): void {
    const lo = this.lo, flip = descending ? 0xffffffff : 0;
    for (let i = 0; i < this.n; i++) {
      const u = bits[xo + i];
      let k: number;
      if ((u & 0x7fffffff) > 0x7f800000) k = 0xffffffff; // NaN above +inf
      else if (u === SIGN) k = SIGN; // -0 ties with +0
      else k = u & SIGN ? ~u : u | SIGN;
      lo[i] = k ^ flip;
    }
  }

  keysInt32(xd: Int32Array, xo: number, descending: boolean): void {
    const lo = this.lo, flip = descending ? 0x7fffffff : SIGN;
    for (let i = 0; i < this.n; i++) lo[i] = xd[xo + i] ^ flip;
  }

  keysFloat64(bits: Uint32Array, xo: number, descending: boolean): void {
    const lo = this.lo, hi = this.hi, flip = descending ? 0xffffffff : 0;
    // Little-endian word order (low word first), as on every platform Deno runs on.
    for (let i = 0, b = 2 * xo; i < this.n; i++, b += 2) {
      const l = bits[b], h = bits[b + 1];
      const mag = h & 0x7fffffff;
      let kh: number, kl: number;
      if (mag > 0x7ff00000 || (mag === 0x7ff00000 && l !== 0)) {
        kh = 0xffffffff;
        kl = 0xffffffff;
      } else if (h === SIGN && l === 0) {
        kh = SIGN;
        kl = 0;
      } else if (h & SIGN) {
        kh = ~h;
        kl = ~l;
      } else {
        kh = h | SIGN;
        kl = l;
      }
      hi[i] = kh ^ flip;
      lo[i] = kl ^ flip;
    }
  }

  /** Sorts the keys stably; returns the original positions in sorted order (valid until the next call). */
  sort(): Int32Array {
    const n = this.n, idx = this.idx;
    for (let i = 0; i < n; i++) idx[i] = i;
    if (n <= INSERTION_MAX) {
      if (this.wide) this.insertionWide();
      else this.insertion();
      return idx;
    }
    this.histogram();
    const p = this.passes;
    for (let pass = 0; pass < p; pass++) this.radixPass(pass, this.lo);
    if (this.wide) { for (let pass = p; pass < 2 * p; pass++) this.radixPass(pass, this.hi); }
    return this.idx;
  }

  private insertion(): void {
    const lo = this.lo, idx = this.idx;
    for (let i = 1; i < this.n; i++) {
      const k = lo[i], p = idx[i];
      let j = i - 1;
      for (; j >= 0 && lo[j] > k; j--) {
        lo[j + 1] = lo[j];
        idx[j + 1] = idx[j];
      }
      lo[j + 1] = k;
      idx[j + 1] = p;
    }
  }

  private insertionWide(): void {
    const lo = this.lo, hi = this.hi, idx = this.idx;
    for (let i = 1; i < this.n; i++) {
      const kl = lo[i], kh = hi[i], p = idx[i];
      let j = i - 1;
      for (; j >= 0 && (hi[j] > kh || (hi[j] === kh && lo[j] > kl)); j--) {
        lo[j + 1] = lo[j];
        hi[j + 1] = hi[j];
        idx[j + 1] = idx[j];
      }
      lo[j + 1] = kl;
      hi[j + 1] = kh;
      idx[j + 1] = p;
    }
  }

  /** Counts every digit of every key word in one read. */
  private histogram(): void {
    const hist = this.hist, n = this.n, bits = this.bits, mask = (1 << bits) - 1;
    hist.fill(0);
    const words = this.wide ? [this.lo, this.hi] : [this.lo];
    for (let w = 0; w < words.length; w++) {
      const key = words[w], h0 = (w * this.passes) << bits;
      if (bits === 8) {
        for (let i = 0; i < n; i++) {
          const k = key[i];
          hist[h0 + (k & 255)]++;
          hist[h0 + 256 + ((k >>> 8) & 255)]++;
          hist[h0 + 512 + ((k >>> 16) & 255)]++;
          hist[h0 + 768 + (k >>> 24)]++;
        }
      } else {
        const h1 = h0 + (1 << bits), h2 = h1 + (1 << bits);
        for (let i = 0; i < n; i++) {
          const k = key[i];
          hist[h0 + (k & mask)]++;
          hist[h1 + ((k >>> bits) & mask)]++;
          hist[h2 + (k >>> (2 * bits))]++;
        }
      }
    }
  }

  /** One stable counting-sort pass on digit `pass % passes` of `key` (this.lo or this.hi). */
  private radixPass(pass: number, key: Uint32Array): void {
    const n = this.n, hist = this.hist, bits = this.bits, mask = (1 << bits) - 1;
    const h = pass << bits, shift = (pass % this.passes) * bits, radix = 1 << bits;
    if (hist[h + ((key[0] >>> shift) & mask)] === n) return; // every key has this digit: nothing moves
    for (let b = 0, sum = 0; b < radix; b++) {
      const c = hist[h + b];
      hist[h + b] = sum;
      sum += c;
    }
    const idx = this.idx, idx2 = this.idx2;
    const lo = this.lo, lo2 = this.lo2;
    if (!this.wide) {
      for (let i = 0; i < n; i++) {
        const k = lo[i];
        const at = hist[h + ((k >>> shift) & mask)]++;
        lo2[at] = k;
        idx2[at] = idx[i];
      }
    } else {
      const hi = this.hi, hi2 = this.hi2;
      for (let i = 0; i < n; i++) {
        const at = hist[h + ((key[i] >>> shift) & mask)]++;
        lo2[at] = lo[i];
        hi2[at] = hi[i];
        idx2[at] = idx[i];
      }
    }
    this.swap();
  }

  private swap(): void {
    [this.lo, this.lo2] = [this.lo2, this.lo];
    [this.hi, this.hi2] = [this.hi2, this.hi];
    [this.idx, this.idx2] = [this.idx2, this.idx];
  }
}
