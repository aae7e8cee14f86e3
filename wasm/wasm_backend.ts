/**
 * The WebAssembly {@link Backend}: libnnc's kernels compiled to Wasm SIMD, called with copies of the
 * operands in linear memory.
 *
 * How NDArray storage and linear memory meet: arrays stay ordinary JS-owned typed arrays, freed by
 * the garbage collector (no `dispose()`). Each call copies the span of storage every input view can
 * reach into a grow-only scratch arena in linear memory, runs the kernel there, and copies the span
 * of each output back (an output is copied in first only when the kernel reads it or when its view
 * has gaps that must survive). An array whose typed array already lives in this instance's memory is
 * passed in place. Inputs below measured sizes run on the JS kernels ({@link WASM_THRESHOLDS}), as do
 * the Backend methods this build has no kernel for (linear algebra: no LAPACK in Wasm; any kernel
 * added to the interface later until it is bound here).
 *
 * @module
 */
import {
  type AttentionKernelParams,
  type Backend,
  convThenMaxPool,
  type NDArray,
  type NormActivation,
  referenceBackend,
} from "@nnc/tensor";
import type { NncExports, WasmKernels } from "./load.ts";
import { WASM_THRESHOLDS, type WasmThresholds } from "./thresholds.ts";
import {
  ACTIVATION_CODES,
  attentionFits,
  ATTN_HEAD,
  ATTN_SLOT,
  BINARY_CODES,
  CHEAP_UNARY,
  convWork,
  DESC_BYTES,
  DESC_LEN,
  DESC_PARAMS as PARAMS,
  DESC_SLOT as SLOT,
  DTYPE_CODES,
  fallsBack,
  MAX_DIMS,
  REDUCE_CODES,
  SEGMENT_CODES,
  statusError,
  UNARY_CODES,
  writeConvParams,
  writeGeometry,
} from "@nnc/native/abi";

// ---- buffers of the wasm side (the descriptor layout is in @nnc/native/abi) ----

const ERR_BYTES = 512;
/** Doubles of the coefficient array of the kernels that take one (optimiser steps, sparse, cells,
 * attention, layer norm): attention's is the longest, 8 + 6 per operand for 10 operands. */
const COEFF_LEN = 128;
const COEFF_BYTES = COEFF_LEN * 8;
const ALIGN = 64;
/** A view whose span exceeds this many times its size (plus the slack) runs on the JS kernels. */
const SPARSE_SPAN_FACTOR = 4;
const SPARSE_SPAN_SLACK = 65536;

/** How an operand is used by a kernel. */
const enum Use {
  /** Read only. */
  In,
  /** Written; the kernel overwrites every element of the view. */
  Out,
  /** Read and written (accumulating or in-place kernels). */
  InOut,
}

/** A byte range of one buffer copied into linear memory for one call (one or more operands). */
interface Region {
  buffer: ArrayBufferLike | null;
  /** Byte range [lo, hi) in `buffer`. */
  lo: number;
  hi: number;
  /** Byte address of `lo` in linear memory. */
  ptr: number;
  copyIn: boolean;
  copyOut: boolean;
  members: number;
}

/** One operand placed in linear memory for one call. */
interface Placed {
  a: NDArray | null;
  use: Use;
  /** First element of the copied span (in the operand's storage). */
  lo: number;
  /** Elements copied (0 for an empty view). */
  count: number;
  /** Byte address in linear memory of element `lo`. */
  ptr: number;
  /** True when the storage already lives in linear memory (no copies). */
  inPlace: boolean;
}

/**
 * Builds the WebAssembly backend over an instantiated libnnc (see `loadWasm`). `thresholds`
 * (default {@link WASM_THRESHOLDS}) say below which sizes each kernel runs in JS instead.
 *
 * @example
 * ```ts
 * import { createWasmBackend, loadWasm } from "@nnc/wasm";
 * import { array, matmul, useBackend, registerBackend } from "@nnc/tensor";
 * const wasm = await loadWasm();
 * if (wasm.ok) {
 *   registerBackend({ ...createWasmBackend(wasm.kernels), name: "wasm-example" });
 *   useBackend("wasm-example");
 *   console.assert(matmul(array([[1, 2]]), array([[3], [4]])).item() === 11);
 *   useBackend("js");
 * }
 * ```
 */
export function createWasmBackend(
  kernels: WasmKernels,
  thresholds: Readonly<WasmThresholds> = WASM_THRESHOLDS,
): Backend {
  const ref = referenceBackend();
  const sym: NncExports = kernels.exports;
  const memory = kernels.memory;
  const T = thresholds;

  // Fixed blocks: the descriptor, the error message buffer, the optimiser coefficients.
  const fixed = sym.nnc_wasm_alloc(DESC_BYTES + ERR_BYTES + COEFF_LEN * 8);
  if (fixed === 0) throw new RangeError("wasm backend: no memory for the call descriptor");
  const DESC = fixed, ERR = fixed + DESC_BYTES, COEFF = ERR + ERR_BYTES;

  let buffer: ArrayBufferLike = memory.buffer;
  let u8 = new Uint8Array(buffer);
  let desc = new Float64Array(buffer, DESC, DESC_LEN);
  let coeff = new Float64Array(buffer, COEFF, COEFF_LEN);

  /** Views over linear memory, re-made after it grows (growth detaches the old buffer). */
  function refresh(): void {
    if (memory.buffer === buffer) return;
    buffer = memory.buffer;
    u8 = new Uint8Array(buffer);
    desc = new Float64Array(buffer, DESC, DESC_LEN);
    coeff = new Float64Array(buffer, COEFF, COEFF_LEN);
  }

  // ---- the arena: one grow-only block of linear memory for operand copies ----
  let arena = 0, arenaBytes = 0;

  function ensureArena(bytes: number, op: string): void {
    if (bytes <= arenaBytes) return;
    const want = Math.max(bytes, Math.ceil(arenaBytes * 1.5), 1 << 16);
    if (arena !== 0) sym.nnc_wasm_free(arena);
    arena = 0;
    arenaBytes = 0;
    let p = want <= 0xffffffff ? sym.nnc_wasm_alloc(want) : 0;
    let got = want;
    if (p === 0 && want > bytes) {
      p = sym.nnc_wasm_alloc(bytes);
      got = bytes;
    }
    refresh();
    if (p === 0) {
      throw new RangeError(
        `wasm ${op}: the operands need ${
          fmtBytes(bytes)
        } of WebAssembly memory, more than it can ` +
          `grow to (${fmtBytes(kernels.maxMemoryBytes)} at most, ${
            fmtBytes(buffer.byteLength)
          } now); use the "js" or "native" backend for arrays this large`,
      );
    }
    arena = p >>> 0;
    arenaBytes = got;
  }

  // ---- operands ----
  const placed: Placed[] = Array.from(
    { length: 10 },
    () => ({ a: null, use: Use.In, lo: 0, count: 0, ptr: 0, inPlace: false }),
  );
  let nPlaced = 0;

  /**
   * Registers operand k for the coming call; false when the JS kernel should take the call instead
   * (more than 8 dims, which C cannot take, or a view far sparser than its span).
   */
  function add(k: number, a: NDArray, use: Use): boolean {
    if (a.shape.length > MAX_DIMS) return false;
    const p = placed[k];
    p.a = a;
    p.use = use;
    const d = a.data;
    p.inPlace = d.buffer === buffer;
    if (p.inPlace) {
      p.lo = 0;
      p.count = d.length;
      p.ptr = d.byteOffset;
    } else {
      let lo = a.offset, hi = a.offset, empty = false;
      const shape = a.shape, strides = a.strides;
      for (let i = 0; i < shape.length; i++) {
        const n = shape[i];
        if (n === 0) empty = true;
        const reach = (n - 1) * strides[i];
        if (reach < 0) lo += reach;
        else hi += reach;
      }
      p.lo = empty ? 0 : lo;
      p.count = empty ? 0 : hi - lo + 1;
      // A sparse view of a large storage (every 100th element, say): copying its whole span would
      // cost more than the kernel saves, so the JS kernel takes it.
      if (p.count > SPARSE_SPAN_FACTOR * a.size + SPARSE_SPAN_SLACK) {
        p.a = null;
        return false;
      }
    }
    if (k + 1 > nPlaced) nPlaced = k + 1;
    return true;
  }

  /** Marks operand k as absent (a null optional operand: C gets a null pointer). */
  function none(k: number): void {
    placed[k].a = null;
    if (k + 1 > nPlaced) nPlaced = k + 1;
  }

  // Operands whose spans overlap in one buffer (an in-place op; the q, k, v heads of one packed
  // projection and their gradients) share one copy, a region, so that the kernel sees them alias as
  // they do in JS and the copies back cannot overwrite each other.
  const regions: Region[] = Array.from({ length: 10 }, () => ({
    buffer: null,
    lo: 0,
    hi: 0,
    ptr: 0,
    copyIn: false,
    copyOut: false,
    members: 0,
  }));
  let nRegions = 0;

  /** Groups the placed operands into regions of overlapping byte ranges, one buffer each. */
  function group(): void {
    nRegions = 0;
    for (let k = 0; k < nPlaced; k++) {
      const p = placed[k], a = p.a;
      if (!a || p.inPlace || p.count === 0) continue;
      const d = a.data, es = d.BYTES_PER_ELEMENT;
      const lo = d.byteOffset + p.lo * es, hi = lo + p.count * es;
      const dense = p.use === Use.Out && p.count === a.size;
      let r: Region | undefined;
      for (let i = 0; i < nRegions && !r; i++) {
        const q = regions[i];
        if (q.buffer === d.buffer && lo < q.hi && q.lo < hi) r = q;
      }
      if (r) {
        r.lo = Math.min(r.lo, lo);
        r.hi = Math.max(r.hi, hi);
        r.copyIn = true;
        r.copyOut ||= p.use !== Use.In;
        r.members++;
      } else {
        r = regions[nRegions++];
        r.buffer = d.buffer;
        r.lo = lo;
        r.hi = hi;
        r.copyIn = !dense;
        r.copyOut = p.use !== Use.In;
        r.members = 1;
      }
    }
    // A range can grow to overlap a region found earlier: merge until no two overlap.
    for (let merged = true; merged;) {
      merged = false;
      for (let i = 0; i < nRegions && !merged; i++) {
        for (let j = i + 1; j < nRegions && !merged; j++) {
          const a = regions[i], b = regions[j];
          if (a.buffer === b.buffer && a.lo < b.hi && b.lo < a.hi) {
            a.lo = Math.min(a.lo, b.lo);
            a.hi = Math.max(a.hi, b.hi);
            a.copyIn = true;
            a.copyOut ||= b.copyOut;
            a.members += b.members;
            regions[j] = regions[--nRegions];
            regions[nRegions] = b;
            merged = true;
          }
        }
      }
    }
  }

  /** The region holding operand k's span. */
  function regionOf(k: number): Region {
    const p = placed[k], d = p.a!.data;
    const lo = d.byteOffset + p.lo * d.BYTES_PER_ELEMENT;
    for (let i = 0; i < nRegions; i++) {
      const r = regions[i];
      if (r.buffer === d.buffer && r.lo <= lo && lo < r.hi) return r;
    }
    throw new Error("wasm backend: operand without a region");
  }

  /** Copies inputs into the arena and, unless `describe` is false, fills the descriptor. */
  function stage(op: string, describe = true): void {
    group();
    let bytes = 0;
    for (let i = 0; i < nRegions; i++) {
      bytes += Math.ceil((regions[i].hi - regions[i].lo) / ALIGN) * ALIGN;
    }
    ensureArena(bytes, op);
    refresh();
    let at = arena;
    for (let i = 0; i < nRegions; i++) {
      const r = regions[i], n = r.hi - r.lo;
      r.ptr = at;
      at += Math.ceil(n / ALIGN) * ALIGN;
      if (r.copyIn) u8.set(new Uint8Array(r.buffer!, r.lo, n), r.ptr);
    }
    for (let k = 0; k < nPlaced; k++) {
      const p = placed[k];
      const a = p.a;
      if (!a) continue;
      const d = a.data, es = d.BYTES_PER_ELEMENT;
      if (!p.inPlace) {
        if (p.count === 0) p.ptr = arena;
        else {
          const r = regionOf(k);
          p.ptr = r.ptr + (d.byteOffset + p.lo * es - r.lo);
        }
      }
      if (!describe) continue;
      const base = k * SLOT;
      const n = a.shape.length;
      desc[base] = DTYPE_CODES[a.dtype];
      desc[base + 1] = n;
      desc[base + 2] = p.inPlace ? a.offset : a.offset - p.lo;
      desc[base + 3] = p.count * es;
      for (let i = 0; i < n; i++) {
        desc[base + 4 + i] = a.shape[i];
        desc[base + 12 + i] = a.strides[i];
      }
    }
  }

  /** Copies the regions that hold outputs back into their storage and forgets the operands. */
  function unstage(): void {
    refresh();
    for (let i = 0; i < nRegions; i++) {
      const r = regions[i];
      if (r.copyOut) {
        new Uint8Array(r.buffer!, r.lo, r.hi - r.lo).set(u8.subarray(r.ptr, r.ptr + r.hi - r.lo));
      }
      r.buffer = null;
    }
    nRegions = 0;
    for (let k = 0; k < nPlaced; k++) placed[k].a = null;
    nPlaced = 0;
  }

  function reset(): void {
    refresh();
    for (let k = 0; k < nPlaced; k++) placed[k].a = null;
    nPlaced = 0;
    for (let i = 0; i < nRegions; i++) regions[i].buffer = null;
    nRegions = 0;
  }

  /** Address of the start of operand k's span (0 when absent). */
  function ptr(k: number): number {
    return placed[k].a ? placed[k].ptr : 0;
  }

  /** Address of operand k's first element (0 when absent): what the flat-buffer kernels take. */
  function first(k: number): number {
    const p = placed[k], a = p.a;
    if (!a) return 0;
    return p.ptr + (p.inPlace ? a.offset : a.offset - p.lo) * a.data.BYTES_PER_ELEMENT;
  }

  /** Operand k's offset (elements) from the start of its span, as the view kernels take it. */
  function spanOffset(k: number): number {
    const p = placed[k], a = p.a!;
    return p.inPlace ? a.offset : a.offset - p.lo;
  }

  /** Bytes of operand k's span (0 when absent). */
  function spanBytes(k: number): number {
    const p = placed[k];
    return p.a ? p.count * p.a.data.BYTES_PER_ELEMENT : 0;
  }

  /** Bytes of operand k's elements from its first one, for the flat-buffer kernels (0 when absent). */
  function flatBytes(k: number): number {
    const a = placed[k].a;
    return a ? a.size * a.data.BYTES_PER_ELEMENT : 0;
  }

  /** Runs a kernel on the staged operands; true when the JS kernel must run instead. */
  function call(op: string, fn: string, extra?: (d: Float64Array) => void): boolean {
    let rc: number;
    try {
      stage(op);
      extra?.(desc);
      const f = sym[fn];
      switch (nPlaced) {
        case 1:
          rc = f(DESC, DESC_BYTES, ptr(0));
          break;
        case 2:
          rc = f(DESC, DESC_BYTES, ptr(0), ptr(1));
          break;
        case 3:
          rc = f(DESC, DESC_BYTES, ptr(0), ptr(1), ptr(2));
          break;
        default:
          rc = f(DESC, DESC_BYTES, ptr(0), ptr(1), ptr(2), ptr(3));
      }
    } catch (e) {
      reset();
      throw e;
    }
    if (rc < 0) {
      reset();
      return failed(rc, op);
    }
    unstage();
    return false;
  }

  /** Turns a negative status into the error the frontends expect; true when JS must run. */
  function failed(rc: number, op: string): boolean {
    if (fallsBack(rc)) return true;
    refresh();
    const n = sym.nnc_last_error(ERR, ERR_BYTES);
    const detail = new TextDecoder().decode(u8.slice(ERR, ERR + n));
    throw statusError(rc, `wasm ${op}`, detail, "out of WebAssembly memory");
  }

  /**
   * Runs a kernel that takes a coefficient array and one pointer per operand (a null pointer for an
   * absent one) on the operands registered with `add`/`none`: the fused optimiser steps, sparse,
   * cell, attention and layer-norm kernels. `fill` writes the coefficients once the operands are
   * placed; `views` passes the start of each operand's span (the kernel reads offsets and strides
   * from the coefficients) instead of its first element; `lead` are integer arguments between the
   * dtype and the pointers (the activation of activationGrad). True when the JS kernel must run
   * instead.
   */
  function callCoeff(
    op: string,
    fn: string,
    dtype: number,
    fill: (c: Float64Array) => void,
    views = false,
    lead: readonly number[] = [],
  ): boolean {
    let rc: number;
    try {
      stage(op, false);
      fill(coeff);
      const args = [COEFF, COEFF_BYTES, dtype, ...lead];
      for (let k = 0; k < nPlaced; k++) args.push(views ? ptr(k) : first(k));
      rc = sym[fn](...args);
    } catch (e) {
      reset();
      throw e;
    }
    if (rc < 0) {
      reset();
      return failed(rc, op);
    }
    unstage();
    return false;
  }

  /** Registers contiguous operands (null: absent) with their uses; false if one is not contiguous. */
  function addFlat(arrays: readonly (NDArray | null)[], uses: readonly Use[]): boolean {
    for (let k = 0; k < arrays.length; k++) {
      const a = arrays[k];
      if (a === null) none(k);
      else if (!a.isContiguous || !add(k, a, uses[k])) return false;
    }
    return true;
  }

  /** Sizes, then the byte length of each of the `count` flat operands, as nnc_spmm/nnc_sddmm read them. */
  function csr(
    k: Float64Array,
    n: number,
    m: number,
    heads: number,
    width: number,
    nnz: number,
    count: number,
  ): void {
    k[0] = n;
    k[1] = m;
    k[2] = heads;
    k[3] = width;
    k[4] = nnz;
    for (let i = 0; i < count; i++) k[5 + i] = flatBytes(i);
  }

  /** B, H, then the byte length of each of the `count` flat operands, as the cell kernels read them. */
  function cell(k: Float64Array, B: number, H: number, count: number): void {
    k[0] = B;
    k[1] = H;
    for (let i = 0; i < count; i++) k[2 + i] = flatBytes(i);
  }

  /**
   * N, C, S, eps, training, the activation (0 none, 1 relu, 2 leaky relu) and its slope, then the
   * byte length of each flat operand, as batch_norm.c reads them.
   */
  function normCoefficients(
    k: Float64Array,
    x: NDArray,
    eps: number,
    training: boolean,
    activation: NormActivation | null,
    count: number,
  ): void {
    const N = x.shape[0], C = x.shape[1];
    k[0] = N;
    k[1] = C;
    k[2] = N * C === 0 ? 0 : x.size / (N * C);
    k[3] = eps;
    k[4] = training ? 1 : 0;
    k[5] = activation === null ? 0 : activation.op === "relu" ? 1 : 2;
    k[6] = activation === null ? 0 : activation.negativeSlope;
    for (let i = 0; i < count; i++) k[7 + i] = flatBytes(i);
  }

  /** Registers strided operands (null: absent), as the attention kernels take them. */
  function addViews(arrays: readonly (NDArray | null)[], uses: readonly Use[]): boolean {
    for (let k = 0; k < arrays.length; k++) {
      const a = arrays[k];
      if (a === null) none(k);
      else if (!add(k, a, uses[k])) return false;
    }
    return true;
  }

  /**
   * The sizes, options and every operand's geometry of an attention call, as native/src/attention.c
   * reads them: 8 fields, then per operand its span's byte length, offset and four strides.
   */
  function attentionHead(
    c: Float64Array,
    q: NDArray,
    k: NDArray,
    v: NDArray,
    p: AttentionKernelParams,
    arrays: readonly (NDArray | null)[],
  ): void {
    const [n, h, lq, d] = q.shape;
    c[0] = n;
    c[1] = h;
    c[2] = lq;
    c[3] = k.shape[2];
    c[4] = d;
    c[5] = v.shape[3];
    c[6] = p.scale;
    c[7] = p.causal ? 1 : 0;
    for (let i = 0; i < arrays.length; i++) {
      const at = ATTN_HEAD + ATTN_SLOT * i, a = arrays[i];
      if (a === null) {
        c.fill(0, at, at + ATTN_SLOT);
        continue;
      }
      c[at] = spanBytes(i);
      c[at + 1] = spanOffset(i);
      for (let j = 0; j < 4; j++) c[at + 2 + j] = j < a.ndim ? a.strides[j] : 0;
    }
  }

  const backend: Partial<Backend> = {
    name: "wasm",

    copy(out, x) {
      if (out.size < T.copy || !(add(0, out, Use.Out) && add(1, x, Use.In))) {
        reset();
        return ref.copy(out, x);
      }
      if (call("copy", "nnc_copy")) ref.copy(out, x);
    },

    unary(op, out, x) {
      if (
        out.size < (CHEAP_UNARY.has(op) ? T.unaryCheap : T.unary) || T.jsUnary.includes(op) ||
        !(add(0, out, Use.Out) && add(1, x, Use.In))
      ) {
        reset();
        return ref.unary(op, out, x);
      }
      if (call(op, "nnc_unary", (d) => (d[PARAMS] = UNARY_CODES[op]))) ref.unary(op, out, x);
    },

    binary(op, out, a, b) {
      if (
        out.size < T.binary || T.jsBinary.includes(op) ||
        !(add(0, out, Use.Out) && add(1, a, Use.In) && add(2, b, Use.In))
      ) {
        reset();
        return ref.binary(op, out, a, b);
      }
      if (call(op, "nnc_binary", (d) => (d[PARAMS] = BINARY_CODES[op]))) {
        ref.binary(op, out, a, b);
      }
    },

    where(out, cond, a, b) {
      if (
        out.size < T.binary ||
        !(add(0, out, Use.Out) && add(1, cond, Use.In) && add(2, a, Use.In) && add(3, b, Use.In))
      ) {
        reset();
        return ref.where(out, cond, a, b);
      }
      if (call("where", "nnc_where")) ref.where(out, cond, a, b);
    },

    reduce(op, out, x, axes) {
      if (x.size < T.reduce || !(add(0, out, Use.Out) && add(1, x, Use.In))) {
        reset();
        return ref.reduce(op, out, x, axes);
      }
      const fallback = call(op, "nnc_reduce", (d) => {
        d[PARAMS] = REDUCE_CODES[op];
        d[PARAMS + 1] = axes.length;
        for (let i = 0; i < axes.length && i < 16; i++) d[PARAMS + 2 + i] = axes[i];
      });
      if (fallback) ref.reduce(op, out, x, axes);
    },

    argReduce(op, out, x, axis) {
      if (x.size < T.reduce || !(add(0, out, Use.Out) && add(1, x, Use.In))) {
        reset();
        return ref.argReduce(op, out, x, axis);
      }
      const fallback = call(op, "nnc_arg_reduce", (d) => {
        d[PARAMS] = op === "argmax" ? 0 : 1;
        d[PARAMS + 1] = axis;
      });
      if (fallback) ref.argReduce(op, out, x, axis);
    },

    matmul(out, a, b, bias = null) {
      if (bias !== null && out.size === 0) bias = null; // nothing to add
      const work = out.size * a.shape[out.ndim - 1];
      if (
        work < T.matmul || (bias !== null && out.dtype === "int32") ||
        !(add(0, out, Use.Out) && add(1, a, Use.In) && add(2, b, Use.In) &&
          (bias === null || add(3, bias, Use.In)))
      ) {
        reset();
        return ref.matmul(out, a, b, bias);
      }
      if (call("matmul", bias === null ? "nnc_matmul" : "nnc_matmul_bias")) {
        ref.matmul(out, a, b, bias);
      }
    },

    softmax(out, x, axis, log) {
      if (x.size < T.softmax || !(add(0, out, Use.Out) && add(1, x, Use.In))) {
        reset();
        return ref.softmax(out, x, axis, log);
      }
      const fallback = call(log ? "logSoftmax" : "softmax", "nnc_softmax", (d) => {
        d[PARAMS] = axis;
        d[PARAMS + 1] = log ? 1 : 0;
      });
      if (fallback) ref.softmax(out, x, axis, log);
    },

    cumulative(op, out, x, axis) {
      if (x.size < T.cumulative || !(add(0, out, Use.Out) && add(1, x, Use.In))) {
        reset();
        return ref.cumulative(op, out, x, axis);
      }
      const fallback = call(`cum${op}`, "nnc_cumulative", (d) => {
        d[PARAMS] = op === "sum" ? 0 : 1;
        d[PARAMS + 1] = axis;
      });
      if (fallback) ref.cumulative(op, out, x, axis);
    },

    sort(values, indices, x, descending) {
      if (
        x.size < T.sort ||
        !(add(0, values, Use.Out) && add(1, indices, Use.Out) && add(2, x, Use.In))
      ) {
        reset();
        return ref.sort(values, indices, x, descending);
      }
      if (call("sort", "nnc_sort", (d) => (d[PARAMS] = descending ? 1 : 0))) {
        ref.sort(values, indices, x, descending);
      }
    },

    gather(out, x, axis, index) {
      if (
        index.size < T.indexing ||
        !(add(0, out, Use.Out) && add(1, x, Use.In) && add(2, index, Use.In))
      ) {
        reset();
        return ref.gather(out, x, axis, index);
      }
      if (call("gather", "nnc_gather", (d) => (d[PARAMS] = axis))) {
        ref.gather(out, x, axis, index);
      }
    },

    scatterAdd(out, axis, index, src) {
      if (
        index.size < T.scatterAdd ||
        !(add(0, out, Use.InOut) && add(1, index, Use.In) && add(2, src, Use.In))
      ) {
        reset();
        return ref.scatterAdd(out, axis, index, src);
      }
      if (call("scatterAdd", "nnc_scatter_add", (d) => (d[PARAMS] = axis))) {
        ref.scatterAdd(out, axis, index, src);
      }
    },

    indexSelect(out, x, axis, index) {
      if (
        out.size < T.indexing ||
        !(add(0, out, Use.Out) && add(1, x, Use.In) && add(2, index, Use.In))
      ) {
        reset();
        return ref.indexSelect(out, x, axis, index);
      }
      if (call("indexSelect", "nnc_index_select", (d) => (d[PARAMS] = axis))) {
        ref.indexSelect(out, x, axis, index);
      }
    },

    im2col(out, x, g) {
      if (out.size < T.window || !(add(0, out, Use.Out) && add(1, x, Use.In))) {
        reset();
        return ref.im2col(out, x, g);
      }
      if (call("im2col", "nnc_im2col", (d) => writeGeometry(d, g))) ref.im2col(out, x, g);
    },

    col2im(out, cols, g) {
      if (cols.size < T.window || !(add(0, out, Use.Out) && add(1, cols, Use.In))) {
        reset();
        return ref.col2im(out, cols, g);
      }
      if (call("col2im", "nnc_col2im", (d) => writeGeometry(d, g))) ref.col2im(out, cols, g);
    },

    conv(out, x, w, bias, g, groups) {
      // GEMM work, as the native backend measures it against the matmul threshold.
      if (
        convWork(x, w, g) < T.matmul ||
        !(add(0, out, Use.Out) && add(1, x, Use.In) && add(2, w, Use.In) &&
          (bias === null || add(3, bias, Use.In)))
      ) {
        reset();
        return ref.conv(out, x, w, bias, g, groups);
      }
      if (bias === null) none(3);
      const fallback = call("conv", "nnc_conv", (d) => writeConvParams(d, g, groups));
      if (fallback) ref.conv(out, x, w, bias, g, groups);
    },

    convInputGrad(dx, dy, w, g, groups, pooled = null) {
      // GEMM work over the convolution's output (dy may be max pooling's smaller gradient).
      if (
        convWork(dx, w, g) < T.matmul ||
        !(add(0, dx, Use.Out) && add(1, dy, Use.In) && add(2, w, Use.In) &&
          (!pooled || add(3, pooled.indices, Use.In)))
      ) {
        reset();
        return ref.convInputGrad(dx, dy, w, g, groups, pooled);
      }
      const kernel = pooled ? "nnc_conv_input_grad_pooled" : "nnc_conv_input_grad";
      const fallback = call(
        "convInputGrad",
        kernel,
        (d) => writeConvParams(d, g, groups, pooled?.distinct),
      );
      if (fallback) ref.convInputGrad(dx, dy, w, g, groups, pooled);
    },

    convWeightGrad(dw, dy, x, g, groups, pooled = null) {
      if (
        convWork(x, dw, g) < T.matmul ||
        !(add(0, dw, Use.Out) && add(1, dy, Use.In) && add(2, x, Use.In) &&
          (!pooled || add(3, pooled.indices, Use.In)))
      ) {
        reset();
        return ref.convWeightGrad(dw, dy, x, g, groups, pooled);
      }
      const kernel = pooled ? "nnc_conv_weight_grad_pooled" : "nnc_conv_weight_grad";
      const fallback = call(
        "convWeightGrad",
        kernel,
        (d) => writeConvParams(d, g, groups, pooled?.distinct),
      );
      if (fallback) ref.convWeightGrad(dw, dy, x, g, groups, pooled);
    },

    activationGrad(op, out, g, y, negativeSlope = 0) {
      if (
        out.size < T.binary || out.dtype === "int32" ||
        !addFlat([out, g, y], [Use.Out, Use.In, Use.In])
      ) {
        reset();
        return ref.activationGrad(op, out, g, y, negativeSlope);
      }
      const fallback = callCoeff(
        "activationGrad",
        "nnc_activation_grad",
        DTYPE_CODES[out.dtype],
        (k) => {
          k[0] = out.size;
          for (let i = 0; i < 3; i++) k[1 + i] = flatBytes(i);
          k[4] = negativeSlope;
        },
        false,
        [ACTIVATION_CODES[op]],
      );
      if (fallback) ref.activationGrad(op, out, g, y, negativeSlope);
    },

    sigmoidCrossEntropyWithGrad(loss, grad, x, y) {
      if (
        loss.size < T.binary || !addFlat([loss, grad, x, y], [Use.Out, Use.Out, Use.In, Use.In])
      ) {
        reset();
        return ref.sigmoidCrossEntropyWithGrad(loss, grad, x, y);
      }
      const fallback = callCoeff(
        "sigmoidCrossEntropyWithGrad",
        "nnc_sigmoid_ce_with_grad",
        DTYPE_CODES[loss.dtype],
        (k) => {
          k[0] = loss.size;
          for (let i = 0; i < 4; i++) k[1 + i] = flatBytes(i);
        },
      );
      if (fallback) ref.sigmoidCrossEntropyWithGrad(loss, grad, x, y);
    },

    batchNorm(...args) {
      const [y, mean, variance, x, weight, bias, eps, training, activation = null] = args;
      const stats = training ? Use.Out : Use.In;
      if (
        x.size < T.binary || x.dtype === "int32" ||
        !addFlat([y, mean, variance, x, weight, bias], [
          Use.Out,
          stats,
          stats,
          Use.In,
          Use.In,
          Use.In,
        ])
      ) {
        reset();
        return ref.batchNorm(...args);
      }
      const fallback = callCoeff(
        "batchNorm",
        "nnc_batch_norm",
        DTYPE_CODES[x.dtype],
        (k) => normCoefficients(k, x, eps, training, activation, 6),
      );
      if (fallback) ref.batchNorm(...args);
    },

    batchNormBackward(...args) {
      const [dx, dweight, dbias, g, x, mean, variance, weight, eps, training, bias = null] = args;
      const activation = args[11] ?? null;
      const arrays = [dx, dweight, dbias, g, x, mean, variance, weight, bias];
      const uses = [Use.Out, Use.Out, Use.Out, Use.In, Use.In, Use.In, Use.In, Use.In, Use.In];
      if (x.size < T.binary || x.dtype === "int32" || !addFlat(arrays, uses)) {
        reset();
        return ref.batchNormBackward(...args);
      }
      const fallback = callCoeff(
        "batchNormBackward",
        "nnc_batch_norm_backward",
        DTYPE_CODES[x.dtype],
        (k) => normCoefficients(k, x, eps, training, activation, 9),
      );
      if (fallback) ref.batchNormBackward(...args);
    },

    pool(kind, out, indices, x, g, countIncludePad) {
      if (
        x.size < T.pool ||
        !(add(0, out, Use.Out) && add(2, x, Use.In) && (!indices || add(1, indices, Use.Out)))
      ) {
        reset();
        return ref.pool(kind, out, indices, x, g, countIncludePad);
      }
      if (!indices) placed[1].a = null;
      const fallback = call(`${kind}Pool`, "nnc_pool", (d) => {
        writeGeometry(d, g);
        d[PARAMS + 13] = kind === "max" ? 0 : 1;
        d[PARAMS + 14] = countIncludePad ? 1 : 0;
        d[PARAMS + 15] = indices ? 1 : 0;
      });
      if (fallback) ref.pool(kind, out, indices, x, g, countIncludePad);
    },

    maxPoolGrad(out, grad, indices) {
      if (
        out.size + grad.size < T.pool ||
        !(add(0, out, Use.Out) && add(1, grad, Use.In) && add(2, indices, Use.In))
      ) {
        reset();
        return ref.maxPoolGrad(out, grad, indices);
      }
      if (call("maxPoolGrad", "nnc_max_pool_grad")) ref.maxPoolGrad(out, grad, indices);
    },

    sgdStep(x, g, buf, c) {
      if (x.size < T.optim || x.dtype === "int32") return ref.sgdStep(x, g, buf, c);
      if (!addFlat([x, g, buf], [Use.InOut, Use.In, Use.InOut])) {
        reset();
        return ref.sgdStep(x, g, buf, c);
      }
      const fallback = callCoeff("sgdStep", "nnc_sgd_step", DTYPE_CODES[x.dtype], (k) => {
        k[0] = x.size;
        for (let i = 0; i < 3; i++) k[1 + i] = flatBytes(i);
        k[4] = c.lr;
        k[5] = c.weightDecay;
        k[6] = c.sign;
        k[7] = c.momentum;
        k[8] = c.dampening;
        k[9] = c.nesterov ? 1 : 0;
        k[10] = c.first ? 1 : 0;
      });
      if (fallback) ref.sgdStep(x, g, buf, c);
    },

    adamStep(x, g, m, v, vmax, c) {
      if (x.size < T.adam || x.dtype === "int32") return ref.adamStep(x, g, m, v, vmax, c);
      if (!addFlat([x, g, m, v, vmax], [Use.InOut, Use.In, Use.InOut, Use.InOut, Use.InOut])) {
        reset();
        return ref.adamStep(x, g, m, v, vmax, c);
      }
      const fallback = callCoeff("adamStep", "nnc_adam_step", DTYPE_CODES[x.dtype], (k) => {
        k[0] = x.size;
        for (let i = 0; i < 5; i++) k[1 + i] = flatBytes(i);
        // The same expressions as the JS kernel, so both backends round alike.
        k[6] = c.lr / (1 - c.beta1 ** c.step);
        k[7] = Math.sqrt(1 - c.beta2 ** c.step);
        k[8] = c.beta1;
        k[9] = c.beta2;
        k[10] = c.eps;
        k[11] = c.l2;
        k[12] = 1 - c.lr * c.decay;
        k[13] = c.sign;
      });
      if (fallback) ref.adamStep(x, g, m, v, vmax, c);
    },

    spmm(out, rowPtr, col, values, x, accumulate = false) {
      const [n, heads, width] = out.shape;
      if (
        col.size * heads * width < T.sparse || x.dtype === "int32" ||
        !addFlat(
          [out, rowPtr, col, values, x],
          [accumulate ? Use.InOut : Use.Out, Use.In, Use.In, Use.In, Use.In],
        )
      ) {
        reset();
        return ref.spmm(out, rowPtr, col, values, x, accumulate);
      }
      const fallback = callCoeff("spmm", "nnc_spmm", DTYPE_CODES[x.dtype], (k) => {
        csr(k, n, x.shape[0], heads, width, col.size, 5);
        k[10] = accumulate ? 1 : 0;
      });
      if (fallback) ref.spmm(out, rowPtr, col, values, x, accumulate);
    },

    sddmm(out, rowPtr, col, a, b) {
      const [n, heads, width] = a.shape;
      if (
        col.size * heads * width < T.sparse || a.dtype === "int32" ||
        !addFlat([out, rowPtr, col, a, b], [Use.Out, Use.In, Use.In, Use.In, Use.In])
      ) {
        reset();
        return ref.sddmm(out, rowPtr, col, a, b);
      }
      const fallback = callCoeff(
        "sddmm",
        "nnc_sddmm",
        DTYPE_CODES[a.dtype],
        (k) => csr(k, n, b.shape[0], heads, width, col.size, 5),
      );
      if (fallback) ref.sddmm(out, rowPtr, col, a, b);
    },

    segmentReduce(op, out, arg, src, index) {
      const [n, width] = out.shape;
      const rows = index.size;
      if (
        rows * width < T.segment ||
        // arg: the kernel leaves it alone for sums, so it is copied in (its elements must survive).
        !addFlat([out, arg, src, index], [Use.Out, Use.InOut, Use.In, Use.In])
      ) {
        reset();
        return ref.segmentReduce(op, out, arg, src, index);
      }
      const fallback = callCoeff(
        "segmentReduce",
        "nnc_segment_reduce",
        DTYPE_CODES[out.dtype],
        (k) => {
          k[0] = SEGMENT_CODES[op];
          k[1] = n;
          k[2] = width;
          k[3] = rows;
          for (let i = 0; i < 4; i++) k[4 + i] = flatBytes(i);
        },
      );
      if (fallback) ref.segmentReduce(op, out, arg, src, index);
    },

    lstmCell(h, c, act, xg, hg, cPrev) {
      const B = h.shape[0], H = h.shape[1];
      const arrays = [h, c, act, xg, hg, cPrev];
      if (
        B * H < T.rnnCell || !addFlat(arrays, [Use.Out, Use.Out, Use.Out, Use.In, Use.In, Use.In])
      ) {
        reset();
        return ref.lstmCell(h, c, act, xg, hg, cPrev);
      }
      const fallback = callCoeff(
        "lstmCell",
        "nnc_lstm_cell",
        DTYPE_CODES[h.dtype],
        (k) => cell(k, B, H, 6),
      );
      if (fallback) ref.lstmCell(h, c, act, xg, hg, cPrev);
    },

    lstmCellBackward(dGates, dcPrev, act, c, cPrev, dh, dc) {
      const B = c.shape[0], H = c.shape[1];
      const arrays = [dGates, dcPrev, act, c, cPrev, dh, dc];
      const uses = [Use.Out, Use.Out, Use.In, Use.In, Use.In, Use.In, Use.In];
      if (B * H < T.rnnCell || !addFlat(arrays, uses)) {
        reset();
        return ref.lstmCellBackward(dGates, dcPrev, act, c, cPrev, dh, dc);
      }
      const fallback = callCoeff(
        "lstmCellBackward",
        "nnc_lstm_cell_backward",
        DTYPE_CODES[c.dtype],
        (k) => cell(k, B, H, 7),
      );
      if (fallback) ref.lstmCellBackward(dGates, dcPrev, act, c, cPrev, dh, dc);
    },

    gruCell(h, act, xg, hg, bhh, hPrev) {
      const B = h.shape[0], H = h.shape[1];
      const arrays = [h, act, xg, hg, bhh, hPrev];
      if (
        B * H < T.rnnCell || !addFlat(arrays, [Use.Out, Use.Out, Use.In, Use.In, Use.In, Use.In])
      ) {
        reset();
        return ref.gruCell(h, act, xg, hg, bhh, hPrev);
      }
      const fallback = callCoeff(
        "gruCell",
        "nnc_gru_cell",
        DTYPE_CODES[h.dtype],
        (k) => cell(k, B, H, 6),
      );
      if (fallback) ref.gruCell(h, act, xg, hg, bhh, hPrev);
    },

    gruCellBackward(dxg, dhg, dhPrev, act, hPrev, dh) {
      const B = hPrev.shape[0], H = hPrev.shape[1];
      const arrays = [dxg, dhg, dhPrev, act, hPrev, dh];
      if (
        B * H < T.rnnCell || !addFlat(arrays, [Use.Out, Use.Out, Use.Out, Use.In, Use.In, Use.In])
      ) {
        reset();
        return ref.gruCellBackward(dxg, dhg, dhPrev, act, hPrev, dh);
      }
      const fallback = callCoeff(
        "gruCellBackward",
        "nnc_gru_cell_backward",
        DTYPE_CODES[hPrev.dtype],
        (k) => cell(k, B, H, 6),
      );
      if (fallback) ref.gruCellBackward(dxg, dhg, dhPrev, act, hPrev, dh);
    },

    attention(out, lse, q, k, v, mask, p) {
      const [n, h, lq, d] = q.shape;
      const arrays = [out, lse, q, k, v, mask];
      if (
        n * h * lq * k.shape[2] * d < T.attention || !attentionFits(q, mask, arrays) ||
        !addViews(arrays, [Use.Out, Use.Out, Use.In, Use.In, Use.In, Use.In])
      ) {
        reset();
        return ref.attention(out, lse, q, k, v, mask, p);
      }
      const fallback = callCoeff(
        "attention",
        "nnc_attention",
        DTYPE_CODES[q.dtype],
        (c) => attentionHead(c, q, k, v, p, arrays),
        true,
      );
      if (fallback) ref.attention(out, lse, q, k, v, mask, p);
    },

    attentionBackward(dq, dk, dv, q, k, v, mask, out, lse, dout, p) {
      const [n, h, lq, d] = q.shape;
      const arrays = [dq, dk, dv, q, k, v, mask, out, lse, dout];
      const uses = [
        Use.Out,
        Use.Out,
        Use.Out,
        Use.In,
        Use.In,
        Use.In,
        Use.In,
        Use.In,
        Use.In,
        Use.In,
      ];
      if (
        n * h * lq * k.shape[2] * d < T.attention || !attentionFits(q, mask, arrays) ||
        !addViews(arrays, uses)
      ) {
        reset();
        return ref.attentionBackward(dq, dk, dv, q, k, v, mask, out, lse, dout, p);
      }
      const fallback = callCoeff(
        "attentionBackward",
        "nnc_attention_backward",
        DTYPE_CODES[q.dtype],
        (c) => attentionHead(c, q, k, v, p, arrays),
        true,
      );
      if (fallback) ref.attentionBackward(dq, dk, dv, q, k, v, mask, out, lse, dout, p);
    },

    layerNorm(out, mean, rstd, x, weight, bias, eps) {
      const arrays = [out, mean, rstd, x, weight, bias];
      if (
        x.size < T.layerNorm || x.dtype === "int32" ||
        !addFlat(arrays, [Use.Out, Use.Out, Use.Out, Use.In, Use.In, Use.In])
      ) {
        reset();
        return ref.layerNorm(out, mean, rstd, x, weight, bias, eps);
      }
      const fallback = callCoeff("layerNorm", "nnc_layer_norm", DTYPE_CODES[x.dtype], (k) => {
        k[0] = x.shape[0];
        k[1] = x.shape[1];
        k[2] = eps;
        for (let i = 0; i < 6; i++) k[3 + i] = flatBytes(i);
      });
      if (fallback) ref.layerNorm(out, mean, rstd, x, weight, bias, eps);
    },

    layerNormBackward(dx, dweight, dbias, g, x, mean, rstd, weight) {
      const arrays = [dx, dweight, dbias, g, x, mean, rstd, weight];
      const uses = [Use.Out, Use.Out, Use.Out, Use.In, Use.In, Use.In, Use.In, Use.In];
      if (x.size < T.layerNorm || x.dtype === "int32" || !addFlat(arrays, uses)) {
        reset();
        return ref.layerNormBackward(dx, dweight, dbias, g, x, mean, rstd, weight);
      }
      const fallback = callCoeff(
        "layerNormBackward",
        "nnc_layer_norm_backward",
        DTYPE_CODES[x.dtype],
        (k) => {
          k[0] = x.shape[0];
          k[1] = x.shape[1];
          k[2] = 0;
          for (let i = 0; i < 8; i++) k[3 + i] = flatBytes(i);
        },
      );
      if (fallback) ref.layerNormBackward(dx, dweight, dbias, g, x, mean, rstd, weight);
    },
  };
  // Every Backend method without a Wasm kernel (linear algebra, kernels added to the interface
  // later) is the JS backend's.
  const full = { ...ref, ...backend } as Backend;
  // Convolution then max pooling as this backend's two kernels (no fused Wasm kernel: the
  // convolution's output round-trips through linear memory either way).
  full.convMaxPool = (out, indices, x, w, bias, g, groups, pool) =>
    convThenMaxPool(full, out, indices, x, w, bias, g, groups, pool);
  return full;
}

function fmtBytes(n: number): string {
  return n >= 2 ** 30
    ? `${(n / 2 ** 30).toFixed(2)} GiB`
    : n >= 2 ** 20
    ? `${(n / 2 ** 20).toFixed(1)} MiB`
    : `${n} bytes`;
}
