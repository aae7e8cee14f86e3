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
  type Backend,
  type BinaryOp,
  type NDArray,
  type ReduceOp,
  referenceBackend,
  type TypedArray,
  type UnaryOp,
  type WindowGeometry,
} from "@nnc/tensor";
import type { NncExports, WasmKernels } from "./load.ts";
import { WASM_THRESHOLDS, type WasmThresholds } from "./thresholds.ts";

// ---- descriptor (see native/src/nnc.h) ----

const SLOT = 20;
const PARAMS = 80;
const DESC_LEN = 128;
const DESC_BYTES = DESC_LEN * 8;
const MAX_DIMS = 8;
const ERR_BYTES = 512;
const COEFF_LEN = 16;
const ALIGN = 64;

const E_ARG = -1;
const E_BOUNDS = -2;
const E_UNSUPPORTED = -3;
const E_NOMEM = -4;
const E_NOLAPACK = -5;

const UNARY_CODES: Record<UnaryOp, number> = {
  neg: 0,
  abs: 1,
  sign: 2,
  exp: 3,
  expm1: 4,
  log: 5,
  log1p: 6,
  sqrt: 7,
  rsqrt: 8,
  square: 9,
  reciprocal: 10,
  sin: 11,
  cos: 12,
  tan: 13,
  tanh: 14,
  sigmoid: 15,
  relu: 16,
  softplus: 17,
  floor: 18,
  ceil: 19,
  round: 20,
  trunc: 21,
  erf: 22,
  gelu: 23,
  geluGrad: 24,
};

const BINARY_CODES: Record<BinaryOp, number> = {
  add: 0,
  sub: 1,
  mul: 2,
  div: 3,
  pow: 4,
  mod: 5,
  minimum: 6,
  maximum: 7,
  atan2: 8,
  eq: 9,
  ne: 10,
  lt: 11,
  le: 12,
  gt: 13,
  ge: 14,
};

const REDUCE_CODES: Record<ReduceOp, number> = { sum: 0, prod: 1, max: 2, min: 3 };

const DTYPE_CODES = { float32: 0, float64: 1, int32: 2 } as const;

const CHEAP_UNARY: ReadonlySet<UnaryOp> = new Set<UnaryOp>([
  "neg",
  "abs",
  "square",
  "relu",
  "floor",
  "ceil",
  "round",
  "trunc",
  "sign",
]);

/** How an operand is used by a kernel. */
const enum Use {
  /** Read only. */
  In,
  /** Written; the kernel overwrites every element of the view. */
  Out,
  /** Read and written (accumulating or in-place kernels). */
  InOut,
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
  let f64 = new Float64Array(buffer);
  let f32 = new Float32Array(buffer);
  let i32 = new Int32Array(buffer);
  let u8 = new Uint8Array(buffer);
  let desc = new Float64Array(buffer, DESC, DESC_LEN);
  let coeff = new Float64Array(buffer, COEFF, COEFF_LEN);

  /** Views over linear memory, re-made after it grows (growth detaches the old buffer). */
  function refresh(): void {
    if (memory.buffer === buffer) return;
    buffer = memory.buffer;
    f64 = new Float64Array(buffer);
    f32 = new Float32Array(buffer);
    i32 = new Int32Array(buffer);
    u8 = new Uint8Array(buffer);
    desc = new Float64Array(buffer, DESC, DESC_LEN);
    coeff = new Float64Array(buffer, COEFF, COEFF_LEN);
  }

  function heap(d: TypedArray): TypedArray {
    return d instanceof Float32Array ? f32 : d instanceof Float64Array ? f64 : i32;
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
    { length: 5 },
    () => ({ a: null, use: Use.In, lo: 0, count: 0, ptr: 0, inPlace: false }),
  );
  let nPlaced = 0;

  /** Registers operand k for the coming call; false when C cannot take it (more than 8 dims). */
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
    }
    if (k + 1 > nPlaced) nPlaced = k + 1;
    return true;
  }

  /** Copies inputs into the arena and fills the descriptor; returns false if nothing to run. */
  function stage(op: string): void {
    let bytes = 0;
    for (let k = 0; k < nPlaced; k++) {
      const p = placed[k];
      if (p.a && !p.inPlace) {
        bytes += Math.ceil((p.count * p.a.data.BYTES_PER_ELEMENT) / ALIGN) * ALIGN;
      }
    }
    ensureArena(bytes, op);
    refresh();
    let at = arena;
    for (let k = 0; k < nPlaced; k++) {
      const p = placed[k];
      const a = p.a;
      if (!a) continue;
      const d = a.data, es = d.BYTES_PER_ELEMENT;
      if (!p.inPlace) {
        p.ptr = at;
        at += Math.ceil((p.count * es) / ALIGN) * ALIGN;
        if (p.count > 0 && (p.use !== Use.Out || p.count !== a.size)) {
          heap(d).set(d.subarray(p.lo, p.lo + p.count), p.ptr / es);
        }
      }
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

  /** Copies outputs back into their storage and forgets the operands. */
  function unstage(): void {
    refresh();
    for (let k = 0; k < nPlaced; k++) {
      const p = placed[k];
      const a = p.a;
      if (a && p.use !== Use.In && !p.inPlace && p.count > 0) {
        const d = a.data, es = d.BYTES_PER_ELEMENT, h = heap(d);
        d.set(h.subarray(p.ptr / es, p.ptr / es + p.count), p.lo);
      }
      p.a = null;
    }
    nPlaced = 0;
  }

  function reset(): void {
    refresh();
    for (let k = 0; k < nPlaced; k++) placed[k].a = null;
    nPlaced = 0;
  }

  function ptr(k: number): number {
    return placed[k].a ? placed[k].ptr : 0;
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
    if (rc === E_NOLAPACK || rc === E_UNSUPPORTED) return true;
    refresh();
    const n = sym.nnc_last_error(ERR, ERR_BYTES);
    const msg = `wasm ${op}: ${new TextDecoder().decode(u8.slice(ERR, ERR + n))}`;
    if (rc === E_ARG || rc === E_BOUNDS) throw new RangeError(msg);
    if (rc === E_NOMEM) throw new RangeError(`${msg} (out of WebAssembly memory)`);
    throw new Error(msg);
  }

  function geometry(d: Float64Array, g: WindowGeometry): void {
    const n = g.kernel.length;
    d[PARAMS] = n;
    for (let i = 0; i < n; i++) {
      d[PARAMS + 1 + i] = g.kernel[i];
      d[PARAMS + 4 + i] = g.stride[i];
      d[PARAMS + 7 + i] = g.padding[i];
      d[PARAMS + 10 + i] = g.dilation[i];
    }
  }

  /**
   * Runs a fused optimiser step over contiguous buffers (x, g, then the state buffers, null where
   * absent); `coeff` holds the step's coefficients from index 4 (sgd) or 6 (adam) on.
   */
  function optimStep(op: string, fn: string, dtype: number, arrays: (NDArray | null)[]): boolean {
    for (let k = 0; k < arrays.length; k++) {
      const a = arrays[k];
      if (a) add(k, a, k === 1 ? Use.In : Use.InOut);
      else placed[k].a = null;
      coeff[1 + k] = a ? a.size * a.data.BYTES_PER_ELEMENT : 0;
    }
    nPlaced = arrays.length;
    let rc: number;
    try {
      stage(op);
      rc = arrays.length === 3
        ? sym[fn](COEFF, COEFF_LEN * 8, dtype, ptr(0), ptr(1), ptr(2))
        : sym[fn](COEFF, COEFF_LEN * 8, dtype, ptr(0), ptr(1), ptr(2), ptr(3), ptr(4));
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

    matmul(out, a, b) {
      const work = out.size * a.shape[out.ndim - 1];
      if (
        work < T.matmul || !(add(0, out, Use.Out) && add(1, a, Use.In) && add(2, b, Use.In))
      ) {
        reset();
        return ref.matmul(out, a, b);
      }
      if (call("matmul", "nnc_matmul")) ref.matmul(out, a, b);
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
      if (call("im2col", "nnc_im2col", (d) => geometry(d, g))) ref.im2col(out, x, g);
    },

    col2im(out, cols, g) {
      if (cols.size < T.window || !(add(0, out, Use.Out) && add(1, cols, Use.In))) {
        reset();
        return ref.col2im(out, cols, g);
      }
      if (call("col2im", "nnc_col2im", (d) => geometry(d, g))) ref.col2im(out, cols, g);
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
        geometry(d, g);
        d[PARAMS + 13] = kind === "max" ? 0 : 1;
        d[PARAMS + 14] = countIncludePad ? 1 : 0;
        d[PARAMS + 15] = indices ? 1 : 0;
      });
      if (fallback) ref.pool(kind, out, indices, x, g, countIncludePad);
    },

    sgdStep(x, g, buf, c) {
      if (x.size < T.optim || x.dtype === "int32") return ref.sgdStep(x, g, buf, c);
      refresh();
      coeff[0] = x.size;
      coeff[4] = c.lr;
      coeff[5] = c.weightDecay;
      coeff[6] = c.sign;
      coeff[7] = c.momentum;
      coeff[8] = c.dampening;
      coeff[9] = c.nesterov ? 1 : 0;
      coeff[10] = c.first ? 1 : 0;
      const fallback = optimStep("sgdStep", "nnc_sgd_step", DTYPE_CODES[x.dtype], [
        flat(x),
        flat(g),
        buf === null ? null : flat(buf),
      ]);
      if (fallback) ref.sgdStep(x, g, buf, c);
    },

    adamStep(x, g, m, v, vmax, c) {
      if (x.size < T.optim || x.dtype === "int32") return ref.adamStep(x, g, m, v, vmax, c);
      refresh();
      coeff[0] = x.size;
      // The same expressions as the JS kernel, so both backends round alike.
      coeff[6] = c.lr / (1 - c.beta1 ** c.step);
      coeff[7] = Math.sqrt(1 - c.beta2 ** c.step);
      coeff[8] = c.beta1;
      coeff[9] = c.beta2;
      coeff[10] = c.eps;
      coeff[11] = c.l2;
      coeff[12] = 1 - c.lr * c.decay;
      coeff[13] = c.sign;
      const fallback = optimStep("adamStep", "nnc_adam_step", DTYPE_CODES[x.dtype], [
        flat(x),
        flat(g),
        flat(m),
        flat(v),
        vmax === null ? null : flat(vmax),
      ]);
      if (fallback) ref.adamStep(x, g, m, v, vmax, c);
    },
  };
  // Every Backend method without a Wasm kernel (linear algebra, kernels added to the interface
  // later) is the JS backend's.
  return { ...ref, ...backend } as Backend;
}

/** A contiguous array as a 1-d view (its span is then exactly its elements, first one first). */
function flat(a: NDArray): NDArray {
  if (!a.isContiguous) throw new RangeError("wasm optimiser step: buffers must be contiguous");
  return a.ndim === 1 ? a : a.reshape(a.size);
}

function fmtBytes(n: number): string {
  return n >= 2 ** 30
    ? `${(n / 2 ** 30).toFixed(2)} GiB`
    : n >= 2 ** 20
    ? `${(n / 2 ** 20).toFixed(1)} MiB`
    : `${n} bytes`;
}
