/**
 * The native {@link Backend}: every kernel of `@nnc/tensor` through libnnc, with small inputs
 * routed to the JS kernels where an FFI call costs more than it saves (thresholds measured, see
 * README.md).
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
  type WindowGeometry,
} from "@nnc/tensor";
import type { NativeSymbols } from "./ffi.ts";
import { THRESHOLDS, type Thresholds } from "./thresholds.ts";
import {
  ACTIVATION_CODES,
  attentionFits,
  ATTN_HEAD,
  ATTN_SLOT,
  BINARY_CODES,
  CHEAP_UNARY,
  convSpatial,
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
} from "./abi.ts";

/** Shortest sequence and smallest batch that the whole-sequence LSTM kernel takes. */
const SEQUENCE_MIN_STEPS = 4, SEQUENCE_MIN_ROWS = 4;

/**
 * Builds the native backend over an opened libnnc. `thresholds` (default {@link THRESHOLDS}) say
 * below which sizes each kernel runs in JS instead.
 *
 * @example
 * ```ts
 * import { createNativeBackend, loadNative, NO_THRESHOLDS } from "@nnc/native";
 * const lib = await loadNative();
 * if (lib.ok) console.assert(createNativeBackend(lib.symbols, NO_THRESHOLDS).name === "native");
 * ```
 */
export function createNativeBackend(
  sym: NativeSymbols,
  thresholds: Readonly<Thresholds> = THRESHOLDS,
): Backend {
  const ref = referenceBackend();
  const desc = new Float64Array(DESC_LEN);
  const errBuf = new Uint8Array(512);
  const coeff = new Float64Array(16);
  const lnc = new Float64Array(11);
  const attn = new Float64Array(ATTN_HEAD + ATTN_SLOT * 10);

  /** Writes operand k into the descriptor; false when C cannot take it (more than 8 dims). */
  function put(k: number, a: NDArray): boolean {
    const n = a.shape.length;
    if (n > MAX_DIMS) return false;
    const base = k * SLOT;
    const d = a.data;
    desc[base] = d instanceof Float32Array
      ? 0
      : d instanceof Float64Array
      ? 1
      : d instanceof Int32Array
      ? 2
      : -1;
    desc[base + 1] = n;
    desc[base + 2] = a.offset;
    desc[base + 3] = d.byteLength;
    const shape = a.shape, strides = a.strides;
    for (let i = 0; i < n; i++) {
      desc[base + 4 + i] = shape[i];
      desc[base + 12 + i] = strides[i];
    }
    return true;
  }

  /** Turns a negative status into the error the frontends expect; true when the JS kernel must run. */
  function failed(rc: number, op: string): boolean {
    if (rc >= 0) return false;
    if (fallsBack(rc)) return true;
    const n = sym.nnc_last_error(errBuf, errBuf.length);
    throw statusError(rc, `native ${op}`, new TextDecoder().decode(errBuf.subarray(0, n)));
  }

  /** A linear-algebra status: the failing batch index, or -1. */
  const batchIndex = (rc: number): number => (rc === 0 ? -1 : rc - 1);

  const geometry = (g: WindowGeometry): void => writeGeometry(desc, g);

  const T = thresholds;

  /** The coefficient array of the cell kernels: B, H and each buffer's byte length (0 for none). */
  function cellCoefficients(
    B: number,
    H: number,
    bufs: readonly (Float32Array | Float64Array | Int32Array | null)[],
  ): void {
    coeff[0] = B;
    coeff[1] = H;
    bufs.forEach((b, k) => (coeff[2 + k] = b === null ? 0 : b.byteLength));
  }

  /** `[T, B, H, reverse, byte lengths...]`, the coefficients of libnnc's `nnc_lstm_sequence*`. */
  function sequenceCoefficients(
    T: number,
    B: number,
    H: number,
    reverse: boolean,
    bufs: readonly (Float32Array | Float64Array | Int32Array)[],
  ): void {
    coeff[0] = T;
    coeff[1] = B;
    coeff[2] = H;
    coeff[3] = reverse ? 1 : 0;
    bufs.forEach((b, k) => (coeff[4 + k] = b.byteLength));
  }

  const backend: Backend = {
    name: "native",

    copy(out, x) {
      if (out.size < T.copy) return ref.copy(out, x);
      if (!(put(0, out) && put(1, x))) return ref.copy(out, x);
      if (failed(sym.nnc_copy(desc, DESC_BYTES, out.data, x.data), "copy")) {
        ref.copy(out, x);
      }
    },

    unary(op, out, x) {
      if (out.size < (CHEAP_UNARY.has(op) ? T.unaryCheap : T.unary)) {
        return ref.unary(op, out, x);
      }
      if (!(put(0, out) && put(1, x))) return ref.unary(op, out, x);
      desc[PARAMS] = UNARY_CODES[op];
      if (failed(sym.nnc_unary(desc, DESC_BYTES, out.data, x.data), op)) {
        ref.unary(op, out, x);
      }
    },

    binary(op, out, a, b) {
      if (out.size < T.binary) return ref.binary(op, out, a, b);
      if (!(put(0, out) && put(1, a) && put(2, b))) {
        return ref.binary(op, out, a, b);
      }
      desc[PARAMS] = BINARY_CODES[op];
      if (
        failed(sym.nnc_binary(desc, DESC_BYTES, out.data, a.data, b.data), op)
      ) ref.binary(op, out, a, b);
    },

    where(out, cond, a, b) {
      if (out.size < T.binary) return ref.where(out, cond, a, b);
      if (!(put(0, out) && put(1, cond) && put(2, a) && put(3, b))) {
        return ref.where(out, cond, a, b);
      }
      if (
        failed(
          sym.nnc_where(desc, DESC_BYTES, out.data, cond.data, a.data, b.data),
          "where",
        )
      ) ref.where(out, cond, a, b);
    },

    reduce(op, out, x, axes) {
      if (x.size < T.reduce) return ref.reduce(op, out, x, axes);
      if (!(put(0, out) && put(1, x))) return ref.reduce(op, out, x, axes);
      desc[PARAMS] = REDUCE_CODES[op];
      desc[PARAMS + 1] = axes.length;
      for (let i = 0; i < axes.length && i < 16; i++) {
        desc[PARAMS + 2 + i] = axes[i];
      }
      if (failed(sym.nnc_reduce(desc, DESC_BYTES, out.data, x.data), op)) {
        ref.reduce(op, out, x, axes);
      }
    },

    argReduce(op, out, x, axis) {
      if (x.size < T.reduce) return ref.argReduce(op, out, x, axis);
      if (!(put(0, out) && put(1, x))) return ref.argReduce(op, out, x, axis);
      desc[PARAMS] = op === "argmax" ? 0 : 1;
      desc[PARAMS + 1] = axis;
      if (failed(sym.nnc_arg_reduce(desc, DESC_BYTES, out.data, x.data), op)) {
        ref.argReduce(op, out, x, axis);
      }
    },

    matmul(out, a, b, bias = null) {
      if (bias !== null && out.size === 0) bias = null; // nothing to add (and no memory to pass)
      const nd = out.ndim;
      const work = out.size * a.shape[nd - 1];
      if (work < T.matmul || (bias !== null && out.dtype === "int32")) {
        return ref.matmul(out, a, b, bias);
      }
      if (!(put(0, out) && put(1, a) && put(2, b) && (bias === null || put(3, bias)))) {
        return ref.matmul(out, a, b, bias);
      }
      const rc = bias === null
        ? sym.nnc_matmul(desc, DESC_BYTES, out.data, a.data, b.data)
        : sym.nnc_matmul_bias(desc, DESC_BYTES, out.data, a.data, b.data, bias.data);
      if (failed(rc, "matmul")) ref.matmul(out, a, b, bias);
    },

    softmax(out, x, axis, log) {
      if (x.size < T.softmax) return ref.softmax(out, x, axis, log);
      if (!(put(0, out) && put(1, x))) return ref.softmax(out, x, axis, log);
      desc[PARAMS] = axis;
      desc[PARAMS + 1] = log ? 1 : 0;
      if (
        failed(
          sym.nnc_softmax(desc, DESC_BYTES, out.data, x.data),
          log ? "logSoftmax" : "softmax",
        )
      ) ref.softmax(out, x, axis, log);
    },

    cumulative(op, out, x, axis) {
      if (x.size < T.cumulative) return ref.cumulative(op, out, x, axis);
      if (!(put(0, out) && put(1, x))) return ref.cumulative(op, out, x, axis);
      desc[PARAMS] = op === "sum" ? 0 : 1;
      desc[PARAMS + 1] = axis;
      if (
        failed(
          sym.nnc_cumulative(desc, DESC_BYTES, out.data, x.data),
          `cum${op}`,
        )
      ) ref.cumulative(op, out, x, axis);
    },

    sort(values, indices, x, descending) {
      if (x.size < T.sort) return ref.sort(values, indices, x, descending);
      if (!(put(0, values) && put(1, indices) && put(2, x))) {
        return ref.sort(values, indices, x, descending);
      }
      desc[PARAMS] = descending ? 1 : 0;
      if (
        failed(
          sym.nnc_sort(desc, DESC_BYTES, values.data, indices.data, x.data),
          "sort",
        )
      ) ref.sort(values, indices, x, descending);
    },

    gather(out, x, axis, index) {
      if (index.size < T.indexing) return ref.gather(out, x, axis, index);
      if (!(put(0, out) && put(1, x) && put(2, index))) {
        return ref.gather(out, x, axis, index);
      }
      desc[PARAMS] = axis;
      if (
        failed(
          sym.nnc_gather(desc, DESC_BYTES, out.data, x.data, index.data),
          "gather",
        )
      ) ref.gather(out, x, axis, index);
    },

    scatterAdd(out, axis, index, src) {
      if (index.size < T.indexing) return ref.scatterAdd(out, axis, index, src);
      if (!(put(0, out) && put(1, index) && put(2, src))) {
        return ref.scatterAdd(out, axis, index, src);
      }
      desc[PARAMS] = axis;
      if (
        failed(
          sym.nnc_scatter_add(desc, DESC_BYTES, out.data, index.data, src.data),
          "scatterAdd",
        )
      ) ref.scatterAdd(out, axis, index, src);
    },

    indexSelect(out, x, axis, index) {
      if (out.size < T.indexing) return ref.indexSelect(out, x, axis, index);
      if (!(put(0, out) && put(1, x) && put(2, index))) {
        return ref.indexSelect(out, x, axis, index);
      }
      desc[PARAMS] = axis;
      if (
        failed(
          sym.nnc_index_select(desc, DESC_BYTES, out.data, x.data, index.data),
          "indexSelect",
        )
      ) ref.indexSelect(out, x, axis, index);
    },

    im2col(out, x, g) {
      if (out.size < T.window) return ref.im2col(out, x, g);
      if (!(put(0, out) && put(1, x))) return ref.im2col(out, x, g);
      geometry(g);
      if (
        failed(sym.nnc_im2col(desc, DESC_BYTES, out.data, x.data), "im2col")
      ) ref.im2col(out, x, g);
    },

    col2im(out, cols, g) {
      if (cols.size < T.window) return ref.col2im(out, cols, g);
      if (!(put(0, out) && put(1, cols))) return ref.col2im(out, cols, g);
      geometry(g);
      if (
        failed(sym.nnc_col2im(desc, DESC_BYTES, out.data, cols.data), "col2im")
      ) ref.col2im(out, cols, g);
    },

    pool(kind, out, indices, x, g, countIncludePad) {
      if (x.size < T.window) {
        return ref.pool(kind, out, indices, x, g, countIncludePad);
      }
      if (!(put(0, out) && put(2, x) && (!indices || put(1, indices)))) {
        return ref.pool(kind, out, indices, x, g, countIncludePad);
      }
      geometry(g);
      desc[PARAMS + 13] = kind === "max" ? 0 : 1;
      desc[PARAMS + 14] = countIncludePad ? 1 : 0;
      desc[PARAMS + 15] = indices ? 1 : 0;
      // A null buffer is fine: the kernel never touches indices when the flag is 0.
      if (
        failed(
          sym.nnc_pool(
            desc,
            DESC_BYTES,
            out.data,
            indices ? indices.data : null,
            x.data,
          ),
          `${kind}Pool`,
        )
      ) ref.pool(kind, out, indices, x, g, countIncludePad);
    },

    maxPoolGrad(out, grad, indices) {
      if (out.size + grad.size < T.window) return ref.maxPoolGrad(out, grad, indices);
      if (!(put(0, out) && put(1, grad) && put(2, indices))) {
        return ref.maxPoolGrad(out, grad, indices);
      }
      if (
        failed(
          sym.nnc_max_pool_grad(desc, DESC_BYTES, out.data, grad.data, indices.data),
          "maxPoolGrad",
        )
      ) ref.maxPoolGrad(out, grad, indices);
    },

    conv(out, x, w, bias, g, groups) {
      // GEMM work: output elements × (Cin/groups)·∏kernel multiply-adds, as matmul's threshold.
      if (
        convWork(x, w, g) < T.matmul ||
        !(put(0, out) && put(1, x) && put(2, w) && (bias === null || put(3, bias)))
      ) return ref.conv(out, x, w, bias, g, groups);
      writeConvParams(desc, g, groups);
      const rc = sym.nnc_conv(desc, DESC_BYTES, out.data, x.data, w.data, bias?.data ?? null);
      if (failed(rc, "conv")) ref.conv(out, x, w, bias, g, groups);
    },

    convMaxPool(out, indices, x, w, bias, g, groups, pool) {
      // The fused kernel: float32, 2-d, a pooling window inside the convolution's output (no
      // padding, dilation 1; floor mode, which out's shape says); elsewhere this backend's conv and pool.
      if (
        x.dtype !== "float32" || x.ndim !== 4 || convWork(x, w, g) < T.matmul ||
        pool.padding.some((p) => p !== 0) || pool.dilation.some((d) => d !== 1) ||
        !poolInside(out, convSpatial(x, g), pool) ||
        !(put(0, out) && put(1, indices) && put(2, x) && put(3, w))
      ) return convThenMaxPool(backend, out, indices, x, w, bias, g, groups, pool);
      writeConvParams(desc, g, groups);
      desc[PARAMS + 14] = pool.kernel[0];
      desc[PARAMS + 15] = pool.kernel[1];
      desc[PARAMS + 16] = pool.stride[0];
      desc[PARAMS + 17] = pool.stride[1];
      const b = bias === null ? null : flat(bias);
      const rc = sym.nnc_conv_max_pool(desc, DESC_BYTES, out.data, indices.data, x.data, w.data, b);
      if (failed(rc, "convMaxPool")) {
        convThenMaxPool(ref, out, indices, x, w, bias, g, groups, pool);
      }
    },

    convInputGrad(dx, dy, w, g, groups, pooled = null) {
      // GEMM work over the convolution's output (dy may be max pooling's smaller gradient).
      if (
        convWork(dx, w, g) < T.matmul ||
        !(put(0, dx) && put(1, dy) && put(2, w) && (!pooled || put(3, pooled.indices)))
      ) return ref.convInputGrad(dx, dy, w, g, groups, pooled);
      writeConvParams(desc, g, groups, pooled?.distinct);
      const rc = pooled
        ? sym.nnc_conv_input_grad_pooled(
          desc,
          DESC_BYTES,
          dx.data,
          dy.data,
          w.data,
          pooled.indices.data,
        )
        : sym.nnc_conv_input_grad(desc, DESC_BYTES, dx.data, dy.data, w.data);
      if (failed(rc, "convInputGrad")) ref.convInputGrad(dx, dy, w, g, groups, pooled);
    },

    convWeightGrad(dw, dy, x, g, groups, pooled = null) {
      if (
        convWork(x, dw, g) < T.matmul ||
        !(put(0, dw) && put(1, dy) && put(2, x) && (!pooled || put(3, pooled.indices)))
      ) return ref.convWeightGrad(dw, dy, x, g, groups, pooled);
      writeConvParams(desc, g, groups, pooled?.distinct);
      const rc = pooled
        ? sym.nnc_conv_weight_grad_pooled(
          desc,
          DESC_BYTES,
          dw.data,
          dy.data,
          x.data,
          pooled.indices.data,
        )
        : sym.nnc_conv_weight_grad(desc, DESC_BYTES, dw.data, dy.data, x.data);
      if (failed(rc, "convWeightGrad")) ref.convWeightGrad(dw, dy, x, g, groups, pooled);
    },

    activationGrad(op, out, g, y, negativeSlope = 0) {
      const n = out.size;
      if (n < T.binary) return ref.activationGrad(op, out, g, y, negativeSlope);
      const os = flat(out), gs = flat(g), ys = flat(y);
      coeff[0] = n;
      coeff[1] = os.byteLength;
      coeff[2] = gs.byteLength;
      coeff[3] = ys.byteLength;
      coeff[4] = negativeSlope;
      const code = ACTIVATION_CODES[op];
      const rc = sym.nnc_activation_grad(
        coeff,
        coeff.byteLength,
        DTYPE_CODES[out.dtype],
        code,
        os,
        gs,
        ys,
      );
      if (failed(rc, "activationGrad")) ref.activationGrad(op, out, g, y, negativeSlope);
    },

    sigmoidCrossEntropyWithGrad(loss, grad, x, y) {
      const n = loss.size;
      if (n < T.binary) return ref.sigmoidCrossEntropyWithGrad(loss, grad, x, y);
      const ls = flat(loss), gs = flat(grad), xs = flat(x), ys = flat(y);
      coeff[0] = n;
      coeff[1] = ls.byteLength;
      coeff[2] = gs.byteLength;
      coeff[3] = xs.byteLength;
      coeff[4] = ys.byteLength;
      const dtype = DTYPE_CODES[loss.dtype];
      const rc = sym.nnc_sigmoid_ce_with_grad(coeff, coeff.byteLength, dtype, ls, gs, xs, ys);
      if (failed(rc, "sigmoidCrossEntropyWithGrad")) {
        ref.sigmoidCrossEntropyWithGrad(loss, grad, x, y);
      }
    },

    batchNorm(...args) {
      const [y, mean, variance, x, weight, bias, eps, training, activation = null] = args;
      if (x.size < T.binary || !contiguousAll(mean, variance, weight, bias)) {
        return ref.batchNorm(...args);
      }
      const bufs = [y, mean, variance, x, weight, bias].map((a) => a === null ? null : flat(a));
      normCoefficients(x, eps, training, activation, bufs);
      const rc = sym.nnc_batch_norm(
        coeff,
        coeff.byteLength,
        DTYPE_CODES[x.dtype],
        bufs[0],
        bufs[1],
        bufs[2],
        bufs[3],
        bufs[4],
        bufs[5],
      );
      if (failed(rc, "batchNorm")) ref.batchNorm(...args);
    },

    batchNormBackward(...args) {
      const [dx, dweight, dbias, g, x, mean, variance, weight, eps, training, bias = null] = args;
      const activation = args[11] ?? null;
      if (x.size < T.binary || !contiguousAll(dweight, dbias, mean, variance, weight, bias)) {
        return ref.batchNormBackward(...args);
      }
      const bufs = [dx, dweight, dbias, g, x, mean, variance, weight, bias].map((a) =>
        a === null ? null : flat(a)
      );
      normCoefficients(x, eps, training, activation, bufs);
      const rc = sym.nnc_batch_norm_backward(
        coeff,
        coeff.byteLength,
        DTYPE_CODES[x.dtype],
        bufs[0],
        bufs[1],
        bufs[2],
        bufs[3],
        bufs[4],
        bufs[5],
        bufs[6],
        bufs[7],
        bufs[8],
      );
      if (failed(rc, "batchNormBackward")) ref.batchNormBackward(...args);
    },

    cholesky(out, a) {
      if (a.size < T.linalg || a.dtype === "int32") return ref.cholesky(out, a);
      if (!(put(0, out) && put(1, a))) return ref.cholesky(out, a);
      const rc = sym.nnc_cholesky(desc, DESC_BYTES, out.data, a.data);
      return failed(rc, "cholesky") ? ref.cholesky(out, a) : batchIndex(rc);
    },

    lu(lu, pivots) {
      if (lu.size < T.linalg || lu.dtype === "int32") return ref.lu(lu, pivots);
      if (!(put(0, lu) && put(1, pivots))) return ref.lu(lu, pivots);
      const rc = sym.nnc_lu(desc, DESC_BYTES, lu.data, pivots.data);
      return failed(rc, "lu") ? ref.lu(lu, pivots) : batchIndex(rc);
    },

    solve(out, a, b) {
      if (a.size < T.linalg || a.dtype === "int32") return ref.solve(out, a, b);
      if (!(put(0, out) && put(1, a) && put(2, b))) return ref.solve(out, a, b);
      const rc = sym.nnc_solve(desc, DESC_BYTES, out.data, a.data, b.data);
      return failed(rc, "solve") ? ref.solve(out, a, b) : batchIndex(rc);
    },

    qr(q, r, a) {
      if (a.size < T.linalg || a.dtype === "int32") return ref.qr(q, r, a);
      if (!(put(0, q) && put(1, r) && put(2, a))) return ref.qr(q, r, a);
      if (failed(sym.nnc_qr(desc, DESC_BYTES, q.data, r.data, a.data), "qr")) {
        ref.qr(q, r, a);
      }
    },

    eigh(w, v, a) {
      if (a.size < T.linalg || a.dtype === "int32") return ref.eigh(w, v, a);
      if (!(put(0, w) && put(1, v) && put(2, a))) return ref.eigh(w, v, a);
      if (
        failed(sym.nnc_eigh(desc, DESC_BYTES, w.data, v.data, a.data), "eigh")
      ) ref.eigh(w, v, a);
    },

    svd(u, s, vt, a) {
      if (a.size < T.linalg || a.dtype === "int32") return ref.svd(u, s, vt, a);
      if (!(put(0, u) && put(1, s) && put(2, vt) && put(3, a))) {
        return ref.svd(u, s, vt, a);
      }
      if (
        failed(
          sym.nnc_svd(desc, DESC_BYTES, u.data, s.data, vt.data, a.data),
          "svd",
        )
      ) ref.svd(u, s, vt, a);
    },

    sgdStep(x, g, buf, c) {
      const n = x.size;
      if (n < T.optim || x.dtype === "int32") return ref.sgdStep(x, g, buf, c);
      const xs = flat(x), gs = flat(g), bs = buf === null ? null : flat(buf);
      coeff[0] = n;
      coeff[1] = xs.byteLength;
      coeff[2] = gs.byteLength;
      coeff[3] = bs === null ? 0 : bs.byteLength;
      coeff[4] = c.lr;
      coeff[5] = c.weightDecay;
      coeff[6] = c.sign;
      coeff[7] = c.momentum;
      coeff[8] = c.dampening;
      coeff[9] = c.nesterov ? 1 : 0;
      coeff[10] = c.first ? 1 : 0;
      const rc = sym.nnc_sgd_step(coeff, coeff.byteLength, DTYPE_CODES[x.dtype], xs, gs, bs);
      if (failed(rc, "sgdStep")) ref.sgdStep(x, g, buf, c);
    },

    adamStep(x, g, m, v, vmax, c) {
      const n = x.size;
      if (n < T.optim || x.dtype === "int32") return ref.adamStep(x, g, m, v, vmax, c);
      const xs = flat(x), gs = flat(g), ms = flat(m), vs = flat(v);
      const qs = vmax === null ? null : flat(vmax);
      coeff[0] = n;
      coeff[1] = xs.byteLength;
      coeff[2] = gs.byteLength;
      coeff[3] = ms.byteLength;
      coeff[4] = vs.byteLength;
      coeff[5] = qs === null ? 0 : qs.byteLength;
      // The same expressions as the JS kernel, so both backends round alike.
      coeff[6] = c.lr / (1 - c.beta1 ** c.step);
      coeff[7] = Math.sqrt(1 - c.beta2 ** c.step);
      coeff[8] = c.beta1;
      coeff[9] = c.beta2;
      coeff[10] = c.eps;
      coeff[11] = c.l2;
      coeff[12] = 1 - c.lr * c.decay;
      coeff[13] = c.sign;
      const rc = sym.nnc_adam_step(
        coeff,
        coeff.byteLength,
        DTYPE_CODES[x.dtype],
        xs,
        gs,
        ms,
        vs,
        qs,
      );
      if (failed(rc, "adamStep")) ref.adamStep(x, g, m, v, vmax, c);
    },

    spmm(out, rowPtr, col, values, x, accumulate = false) {
      const [n, heads, width] = out.shape;
      if (col.size * heads * width < T.sparse || x.dtype === "int32") {
        return ref.spmm(out, rowPtr, col, values, x, accumulate);
      }
      const os = flat(out), vs = values === null ? null : flat(values), xs = flat(x);
      const ps = flat(rowPtr), cs = flat(col);
      csrCoefficients(n, x.shape[0], heads, width, col.size, [os, ps, cs, vs, xs]);
      coeff[10] = accumulate ? 1 : 0;
      const rc = sym.nnc_spmm(coeff, coeff.byteLength, DTYPE_CODES[x.dtype], os, ps, cs, vs, xs);
      if (failed(rc, "spmm")) ref.spmm(out, rowPtr, col, values, x, accumulate);
    },

    sddmm(out, rowPtr, col, a, b) {
      const [n, heads, width] = a.shape;
      if (col.size * heads * width < T.sparse || a.dtype === "int32") {
        return ref.sddmm(out, rowPtr, col, a, b);
      }
      const os = flat(out), ps = flat(rowPtr), cs = flat(col), as = flat(a), bs = flat(b);
      csrCoefficients(n, b.shape[0], heads, width, col.size, [os, ps, cs, as, bs]);
      const rc = sym.nnc_sddmm(coeff, coeff.byteLength, DTYPE_CODES[a.dtype], os, ps, cs, as, bs);
      if (failed(rc, "sddmm")) ref.sddmm(out, rowPtr, col, a, b);
    },

    segmentReduce(op, out, arg, src, index) {
      const [n, width] = out.shape;
      const rows = index.size;
      if (rows * width < T.segment) return ref.segmentReduce(op, out, arg, src, index);
      const os = flat(out), as = arg === null ? null : flat(arg), ss = flat(src);
      const is = flat(index);
      coeff[0] = SEGMENT_CODES[op];
      coeff[1] = n;
      coeff[2] = width;
      coeff[3] = rows;
      coeff[4] = os.byteLength;
      coeff[5] = as === null ? 0 : as.byteLength;
      coeff[6] = ss.byteLength;
      coeff[7] = is.byteLength;
      const rc = sym.nnc_segment_reduce(
        coeff,
        coeff.byteLength,
        DTYPE_CODES[out.dtype],
        os,
        as,
        ss,
        is,
      );
      if (failed(rc, "segmentReduce")) ref.segmentReduce(op, out, arg, src, index);
    },

    lstmCell(h, c, act, xg, hg, cPrev) {
      const B = h.shape[0], H = h.shape[1];
      if (B * H < T.rnnCell) return ref.lstmCell(h, c, act, xg, hg, cPrev);
      const bufs = [h, c, act, xg, hg, cPrev].map(flat);
      cellCoefficients(B, H, bufs);
      const rc = sym.nnc_lstm_cell(coeff, coeff.byteLength, DTYPE_CODES[h.dtype], ...six(bufs));
      if (failed(rc, "lstmCell")) ref.lstmCell(h, c, act, xg, hg, cPrev);
    },

    lstmCellBackward(dGates, dcPrev, act, c, cPrev, dh, dc) {
      const B = c.shape[0], H = c.shape[1];
      if (B * H < T.rnnCell) {
        return ref.lstmCellBackward(dGates, dcPrev, act, c, cPrev, dh, dc);
      }
      const bufs = [dGates, dcPrev, act, c, cPrev, dh, dc].map(flat);
      cellCoefficients(B, H, bufs);
      const rc = sym.nnc_lstm_cell_backward(
        coeff,
        coeff.byteLength,
        DTYPE_CODES[c.dtype],
        bufs[0],
        bufs[1],
        bufs[2],
        bufs[3],
        bufs[4],
        bufs[5],
        bufs[6],
      );
      if (failed(rc, "lstmCellBackward")) {
        ref.lstmCellBackward(dGates, dcPrev, act, c, cPrev, dh, dc);
      }
    },

    lstmSequence(hs, cs, act, xg, whh, reverse) {
      const [T1, B, H] = hs.shape;
      // Packing W_hh costs about one step's product: a sequence of a few steps (generation, one
      // token at a time) or a few rows (a 12-row panel for one sequence) runs faster step by step.
      if (hs.dtype !== "float32" || T1 - 1 < SEQUENCE_MIN_STEPS || B < SEQUENCE_MIN_ROWS) {
        return false;
      }
      const bufs = [hs, cs, act, xg, whh].map(flat);
      sequenceCoefficients(T1 - 1, B, H, reverse, bufs);
      const rc = sym.nnc_lstm_sequence(
        coeff,
        coeff.byteLength,
        DTYPE_CODES.float32,
        bufs[0],
        bufs[1],
        bufs[2],
        bufs[3],
        bufs[4],
      );
      return !failed(rc, "lstmSequence");
    },

    lstmSequenceBackward(dgh, dh0, dc0, dy, act, cs, whh, reverse) {
      const [T, B, G] = dgh.shape;
      if (dgh.dtype !== "float32" || T < SEQUENCE_MIN_STEPS || B < SEQUENCE_MIN_ROWS) return false;
      const bufs = [dgh, dh0, dc0, dy, act, cs, whh].map(flat);
      sequenceCoefficients(T, B, G / 4, reverse, bufs);
      const rc = sym.nnc_lstm_sequence_backward(
        coeff,
        coeff.byteLength,
        DTYPE_CODES.float32,
        bufs[0],
        bufs[1],
        bufs[2],
        bufs[3],
        bufs[4],
        bufs[5],
        bufs[6],
      );
      return !failed(rc, "lstmSequenceBackward");
    },

    gruCell(h, act, xg, hg, bhh, hPrev) {
      const B = h.shape[0], H = h.shape[1];
      if (B * H < T.rnnCell) return ref.gruCell(h, act, xg, hg, bhh, hPrev);
      const bufs = [
        flat(h),
        flat(act),
        flat(xg),
        flat(hg),
        bhh === null ? null : flat(bhh),
        flat(hPrev),
      ];
      cellCoefficients(B, H, bufs);
      const rc = sym.nnc_gru_cell(coeff, coeff.byteLength, DTYPE_CODES[h.dtype], ...six(bufs));
      if (failed(rc, "gruCell")) ref.gruCell(h, act, xg, hg, bhh, hPrev);
    },

    gruCellBackward(dxg, dhg, dhPrev, act, hPrev, dh) {
      const B = hPrev.shape[0], H = hPrev.shape[1];
      if (B * H < T.rnnCell) return ref.gruCellBackward(dxg, dhg, dhPrev, act, hPrev, dh);
      const bufs = [dxg, dhg, dhPrev, act, hPrev, dh].map(flat);
      cellCoefficients(B, H, bufs);
      const rc = sym.nnc_gru_cell_backward(
        coeff,
        coeff.byteLength,
        DTYPE_CODES[hPrev.dtype],
        ...six(bufs),
      );
      if (failed(rc, "gruCellBackward")) ref.gruCellBackward(dxg, dhg, dhPrev, act, hPrev, dh);
    },

    attention(out, lse, q, k, v, mask, p) {
      const [n, h, lq, d] = q.shape;
      if (
        n * h * lq * k.shape[2] * d < T.attention ||
        !attentionHead(attn, q, k, v, mask, p, [out, lse, q, k, v, mask])
      ) return ref.attention(out, lse, q, k, v, mask, p);
      const rc = sym.nnc_attention(
        attn,
        attn.byteLength,
        DTYPE_CODES[q.dtype],
        out.data,
        lse.data,
        q.data,
        k.data,
        v.data,
        mask === null ? null : mask.data,
      );
      if (failed(rc, "attention")) ref.attention(out, lse, q, k, v, mask, p);
    },

    layerNorm(out, mean, rstd, x, weight, bias, eps) {
      if (x.size < T.layerNorm || x.dtype === "int32") {
        return ref.layerNorm(out, mean, rstd, x, weight, bias, eps);
      }
      const bufs = [out, mean, rstd, x, weight, bias].map((a) => a === null ? null : flat(a));
      lnc[0] = x.shape[0];
      lnc[1] = x.shape[1];
      lnc[2] = eps;
      bufs.forEach((b, i) => lnc[3 + i] = b === null ? 0 : b.byteLength);
      const rc = sym.nnc_layer_norm(
        lnc,
        lnc.byteLength,
        DTYPE_CODES[x.dtype],
        bufs[0],
        bufs[1],
        bufs[2],
        bufs[3],
        bufs[4],
        bufs[5],
      );
      if (failed(rc, "layerNorm")) ref.layerNorm(out, mean, rstd, x, weight, bias, eps);
    },

    layerNormBackward(dx, dweight, dbias, g, x, mean, rstd, weight) {
      if (x.size < T.layerNorm || x.dtype === "int32") {
        return ref.layerNormBackward(dx, dweight, dbias, g, x, mean, rstd, weight);
      }
      const bufs = [dx, dweight, dbias, g, x, mean, rstd, weight].map((a) =>
        a === null ? null : flat(a)
      );
      lnc[0] = x.shape[0];
      lnc[1] = x.shape[1];
      lnc[2] = 0;
      bufs.forEach((b, i) => lnc[3 + i] = b === null ? 0 : b.byteLength);
      const rc = sym.nnc_layer_norm_backward(
        lnc,
        lnc.byteLength,
        DTYPE_CODES[x.dtype],
        bufs[0],
        bufs[1],
        bufs[2],
        bufs[3],
        bufs[4],
        bufs[5],
        bufs[6],
        bufs[7],
      );
      if (failed(rc, "layerNormBackward")) {
        ref.layerNormBackward(dx, dweight, dbias, g, x, mean, rstd, weight);
      }
    },

    attentionBackward(dq, dk, dv, q, k, v, mask, out, lse, dout, p) {
      const [n, h, lq, d] = q.shape;
      if (
        n * h * lq * k.shape[2] * d < T.attention ||
        !attentionHead(attn, q, k, v, mask, p, [dq, dk, dv, q, k, v, mask, out, lse, dout])
      ) return ref.attentionBackward(dq, dk, dv, q, k, v, mask, out, lse, dout, p);
      const rc = sym.nnc_attention_backward(
        attn,
        attn.byteLength,
        DTYPE_CODES[q.dtype],
        dq.data,
        dk.data,
        dv.data,
        q.data,
        k.data,
        v.data,
        mask === null ? null : mask.data,
        out.data,
        lse.data,
        dout.data,
      );
      if (failed(rc, "attentionBackward")) {
        ref.attentionBackward(dq, dk, dv, q, k, v, mask, out, lse, dout, p);
      }
    },
  };
  return backend;

  /** N, C, S, eps, training, then the byte length of each buffer, as nnc_batch_norm reads them. */
  function normCoefficients(
    x: NDArray,
    eps: number,
    training: boolean,
    activation: NormActivation | null,
    buffers: readonly (ArrayBufferView | null)[],
  ): void {
    const N = x.shape[0], C = x.shape[1];
    coeff[0] = N;
    coeff[1] = C;
    coeff[2] = N * C === 0 ? 0 : x.size / (N * C);
    coeff[3] = eps;
    coeff[4] = training ? 1 : 0;
    coeff[5] = activation === null ? 0 : activation.op === "relu" ? 1 : 2;
    coeff[6] = activation === null ? 0 : activation.negativeSlope;
    for (let i = 0; i < buffers.length; i++) coeff[7 + i] = buffers[i]?.byteLength ?? 0;
  }

  /** Sizes, then the byte length of each buffer (0 for a null one), as nnc_spmm/nnc_sddmm read them. */
  function csrCoefficients(
    n: number,
    m: number,
    heads: number,
    width: number,
    nnz: number,
    buffers: readonly (ArrayBufferView | null)[],
  ): void {
    coeff[0] = n;
    coeff[1] = m;
    coeff[2] = heads;
    coeff[3] = width;
    coeff[4] = nnz;
    for (let i = 0; i < buffers.length; i++) coeff[5 + i] = buffers[i]?.byteLength ?? 0;
  }
}

/**
 * Writes the sizes, options and every buffer's geometry of an attention call into `c`; false when
 * C cannot take it (int32, or a mask of another dtype).
 */
function attentionHead(
  c: Float64Array,
  q: NDArray,
  k: NDArray,
  v: NDArray,
  mask: NDArray | null,
  p: AttentionKernelParams,
  buffers: readonly (NDArray | null)[],
): boolean {
  if (!attentionFits(q, mask, buffers)) return false;
  const [n, h, lq, d] = q.shape;
  c[0] = n;
  c[1] = h;
  c[2] = lq;
  c[3] = k.shape[2];
  c[4] = d;
  c[5] = v.shape[3];
  c[6] = p.scale;
  c[7] = p.causal ? 1 : 0;
  buffers.forEach((a, i) => {
    const at = ATTN_HEAD + ATTN_SLOT * i;
    if (a === null) {
      c.fill(0, at, at + ATTN_SLOT);
      return;
    }
    c[at] = a.data.byteLength;
    c[at + 1] = a.offset;
    for (let j = 0; j < 4; j++) c[at + 2 + j] = j < a.ndim ? a.strides[j] : 0;
  });
  return true;
}

/** Whether `out`'s spatial extents are `pool`'s windows over `spatial` with every window inside. */
function poolInside(out: NDArray, spatial: readonly number[], pool: WindowGeometry): boolean {
  return spatial.every((n, i) =>
    n >= pool.kernel[i] &&
    out.shape[2 + i] === Math.floor((n - pool.kernel[i]) / pool.stride[i]) + 1
  );
}

/** True when every given array is contiguous (the [C] operands of batch norm may be views). */
function contiguousAll(...arrays: (NDArray | null)[]): boolean {
  return arrays.every((a) => a === null || a.isContiguous);
}

/** The elements of a contiguous array as their own typed-array view (what C indexes from 0). */
function flat(a: NDArray): Float32Array | Float64Array | Int32Array {
  if (!a.isContiguous) throw new RangeError("native kernel: buffers must be contiguous");
  return a.data.subarray(a.offset, a.offset + a.size);
}

type Buf = Float32Array | Float64Array | Int32Array | null;

/** Six buffers as the cell kernels' pointer arguments (a null one passes as a null pointer). */
function six(b: readonly Buf[]): [Buf, Buf, Buf, Buf, Buf, Buf] {
  return [b[0], b[1], b[2], b[3], b[4], b[5]];
}
