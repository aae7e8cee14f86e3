/**
 * libnnc's calling conventions as TypeScript sees them (`native/src/nnc.h`): the layout of the
 * operand descriptor, the status codes, and the codes of every op family. Both backends built from
 * libnnc's sources — the native one through FFI and `@nnc/wasm` — read them from here, so that a
 * code added to `nnc.h` is written once on this side too.
 *
 * @example
 * ```ts
 * import { DESC_BYTES, UNARY_CODES } from "@nnc/native/abi";
 * console.assert(DESC_BYTES === 1024 && UNARY_CODES.exp === 3);
 * ```
 *
 * @module
 */
import type {
  ActivationGradOp,
  BinaryOp,
  DType,
  NDArray,
  ReduceOp,
  UnaryOp,
  WindowGeometry,
} from "@nnc/tensor";

/**
 * Doubles per operand slot of the descriptor: dtype, rank, offset, byte length, 8 dims, 8 strides.
 *
 * @example
 * ```ts
 * import { DESC_SLOT } from "@nnc/native/abi";
 * console.assert(DESC_SLOT === 20);
 * ```
 */
export const DESC_SLOT = 20;
/**
 * Index of the first op parameter in the descriptor (after four operand slots).
 *
 * @example
 * ```ts
 * import { DESC_PARAMS, DESC_SLOT } from "@nnc/native/abi";
 * console.assert(DESC_PARAMS === 4 * DESC_SLOT);
 * ```
 */
export const DESC_PARAMS = 80;
/**
 * Doubles in a descriptor.
 *
 * @example
 * ```ts
 * import { DESC_LEN } from "@nnc/native/abi";
 * const desc = new Float64Array(DESC_LEN);
 * console.assert(desc.length === 128);
 * ```
 */
export const DESC_LEN = 128;
/**
 * Bytes of a descriptor (what every descriptor-taking kernel is passed as its length).
 *
 * @example
 * ```ts
 * import { DESC_BYTES, DESC_LEN } from "@nnc/native/abi";
 * console.assert(DESC_BYTES === DESC_LEN * 8);
 * ```
 */
export const DESC_BYTES: number = DESC_LEN * 8;
/**
 * The most dimensions an operand may have; larger ranks run on the JS kernels.
 *
 * @example
 * ```ts
 * import { MAX_DIMS } from "@nnc/native/abi";
 * console.assert(MAX_DIMS === 8);
 * ```
 */
export const MAX_DIMS = 8;

/**
 * libnnc's status codes (negative returns): a bad argument, an index or buffer out of bounds, an
 * operand it does not take (the JS kernel runs instead), no memory, no LAPACK (JS runs instead).
 *
 * @example
 * ```ts
 * import { STATUS } from "@nnc/native/abi";
 * console.assert(STATUS.unsupported === -3);
 * ```
 */
export const STATUS: {
  readonly arg: -1;
  readonly bounds: -2;
  readonly unsupported: -3;
  readonly noMemory: -4;
  readonly noLapack: -5;
} = Object.freeze({ arg: -1, bounds: -2, unsupported: -3, noMemory: -4, noLapack: -5 });

/**
 * Whether a status means "run the JS kernel instead" (an operand libnnc does not take, or no
 * LAPACK) rather than an error to report.
 *
 * @example
 * ```ts
 * import { STATUS, fallsBack } from "@nnc/native/abi";
 * console.assert(fallsBack(STATUS.noLapack) && !fallsBack(STATUS.arg) && !fallsBack(0));
 * ```
 */
export function fallsBack(rc: number): boolean {
  return rc === STATUS.unsupported || rc === STATUS.noLapack;
}

/**
 * The error a failed call becomes: a `RangeError` for bad arguments, bounds and memory (with
 * `noMemoryNote` appended), an `Error` otherwise. `who` names the backend and op, `detail` is
 * libnnc's message (`nnc_last_error`).
 *
 * @example
 * ```ts
 * import { STATUS, statusError } from "@nnc/native/abi";
 * const e = statusError(STATUS.arg, "native copy", "bad shape");
 * console.assert(e instanceof RangeError && e.message === "native copy: bad shape");
 * ```
 */
export function statusError(
  rc: number,
  who: string,
  detail: string,
  noMemoryNote = "out of memory",
): Error {
  const msg = `${who}: ${detail}`;
  if (rc === STATUS.arg || rc === STATUS.bounds) return new RangeError(msg);
  if (rc === STATUS.noMemory) return new RangeError(`${msg} (${noMemoryNote})`);
  return new Error(msg);
}

/**
 * The codes of `nnc_unary`.
 *
 * @example
 * ```ts
 * import { UNARY_CODES } from "@nnc/native/abi";
 * console.assert(UNARY_CODES.neg === 0 && UNARY_CODES.geluGrad === 24);
 * ```
 */
export const UNARY_CODES: Readonly<Record<UnaryOp, number>> = Object.freeze({
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
});

/**
 * Unary ops that cost a pass over memory and no arithmetic to speak of: they move to libnnc only
 * at larger sizes than the transcendental ones.
 *
 * @example
 * ```ts
 * import { CHEAP_UNARY } from "@nnc/native/abi";
 * console.assert(CHEAP_UNARY.has("relu") && !CHEAP_UNARY.has("exp"));
 * ```
 */
export const CHEAP_UNARY: ReadonlySet<UnaryOp> = new Set<UnaryOp>([
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

/**
 * The codes of the activations of `nnc_activation_grad`.
 *
 * @example
 * ```ts
 * import { ACTIVATION_CODES } from "@nnc/native/abi";
 * console.assert(ACTIVATION_CODES.leakyRelu === 3);
 * ```
 */
export const ACTIVATION_CODES: Readonly<Record<ActivationGradOp, number>> = Object.freeze({
  relu: 0,
  sigmoid: 1,
  tanh: 2,
  leakyRelu: 3,
});

/**
 * The codes of `nnc_binary`.
 *
 * @example
 * ```ts
 * import { BINARY_CODES } from "@nnc/native/abi";
 * console.assert(BINARY_CODES.add === 0 && BINARY_CODES.ge === 14);
 * ```
 */
export const BINARY_CODES: Readonly<Record<BinaryOp, number>> = Object.freeze({
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
  sigmoidCrossEntropy: 15,
  sigmoidCrossEntropyGrad: 16,
  geluGradFromOutput: 17,
});

/**
 * The codes of `nnc_reduce`.
 *
 * @example
 * ```ts
 * import { REDUCE_CODES } from "@nnc/native/abi";
 * console.assert(REDUCE_CODES.min === 3);
 * ```
 */
export const REDUCE_CODES: Readonly<Record<ReduceOp, number>> = Object.freeze({
  sum: 0,
  prod: 1,
  max: 2,
  min: 3,
});

/**
 * The codes of `nnc_segment_reduce`.
 *
 * @example
 * ```ts
 * import { SEGMENT_CODES } from "@nnc/native/abi";
 * console.assert(SEGMENT_CODES.max === 1);
 * ```
 */
export const SEGMENT_CODES: Readonly<{ sum: 0; max: 1; min: 2 }> = Object.freeze({
  sum: 0,
  max: 1,
  min: 2,
});

/**
 * The dtype codes of descriptors and of the kernels that take a dtype argument.
 *
 * @example
 * ```ts
 * import { DTYPE_CODES } from "@nnc/native/abi";
 * console.assert(DTYPE_CODES.int32 === 2);
 * ```
 */
export const DTYPE_CODES: Readonly<Record<DType, number>> = Object.freeze({
  float32: 0,
  float64: 1,
  int32: 2,
});

/**
 * Fields of the attention coefficient array before the operand slots (`native/src/attention.c`):
 * N, heads, query length, key length, head size, value size, scale, causal.
 *
 * @example
 * ```ts
 * import { ATTN_HEAD } from "@nnc/native/abi";
 * console.assert(ATTN_HEAD === 8);
 * ```
 */
export const ATTN_HEAD = 8;
/**
 * Doubles per operand slot of the attention coefficient array: byte length, offset, four strides.
 *
 * @example
 * ```ts
 * import { ATTN_SLOT } from "@nnc/native/abi";
 * console.assert(ATTN_SLOT === 6);
 * ```
 */
export const ATTN_SLOT = 6;

/**
 * Writes a window geometry (kernel, stride, padding, dilation per spatial dimension) into the
 * parameters of descriptor `desc`.
 *
 * @example
 * ```ts
 * import { DESC_LEN, DESC_PARAMS, writeGeometry } from "@nnc/native/abi";
 * const desc = new Float64Array(DESC_LEN);
 * writeGeometry(desc, { kernel: [3, 3], stride: [1, 1], padding: [1, 1], dilation: [1, 1] });
 * console.assert(desc[DESC_PARAMS] === 2 && desc[DESC_PARAMS + 1] === 3);
 * ```
 */
export function writeGeometry(desc: Float64Array, g: WindowGeometry): void {
  const n = g.kernel.length;
  desc[DESC_PARAMS] = n;
  for (let i = 0; i < n; i++) {
    desc[DESC_PARAMS + 1 + i] = g.kernel[i];
    desc[DESC_PARAMS + 4 + i] = g.stride[i];
    desc[DESC_PARAMS + 7 + i] = g.padding[i];
    desc[DESC_PARAMS + 10 + i] = g.dilation[i];
  }
}

/**
 * Writes a convolution's parameters into descriptor `desc`: its geometry, `groups` (parameter 13)
 * and, for the gradients that start from max pooling's gradient, whether the argmax indices are
 * distinct within each plane (parameter 14).
 *
 * @example
 * ```ts
 * import { DESC_LEN, DESC_PARAMS, writeConvParams } from "@nnc/native/abi";
 * const desc = new Float64Array(DESC_LEN);
 * const g = { kernel: [3, 3], stride: [1, 1], padding: [1, 1], dilation: [1, 1] };
 * writeConvParams(desc, g, 2, true);
 * console.assert(desc[DESC_PARAMS + 13] === 2 && desc[DESC_PARAMS + 14] === 1);
 * ```
 */
export function writeConvParams(
  desc: Float64Array,
  g: WindowGeometry,
  groups: number,
  distinct = false,
): void {
  writeGeometry(desc, g);
  desc[DESC_PARAMS + 13] = groups;
  desc[DESC_PARAMS + 14] = distinct ? 1 : 0;
}

/**
 * The spatial extents of a convolution's output for the image operand `x` `[N, C, ...spatial]`
 * under `g`.
 *
 * @example
 * ```ts
 * import { convSpatial } from "@nnc/native/abi";
 * import { zeros } from "@nnc/tensor";
 * const g = { kernel: [3, 3], stride: [2, 2], padding: [1, 1], dilation: [1, 1] };
 * console.assert(convSpatial(zeros([1, 1, 28, 28]), g).join() === "14,14");
 * ```
 */
export function convSpatial(x: NDArray, g: WindowGeometry): number[] {
  return x.shape.slice(2).map((n, i) =>
    Math.floor((n + 2 * g.padding[i] - g.dilation[i] * (g.kernel[i] - 1) - 1) / g.stride[i]) + 1
  );
}

/**
 * A convolution's GEMM work, what the backends weigh against their matmul threshold: the
 * elements of its output (image operand `x`, weight `w` `[Cout, Cin/groups, ...kernel]`) times
 * the multiply-adds of each.
 *
 * @example
 * ```ts
 * import { convWork } from "@nnc/native/abi";
 * import { zeros } from "@nnc/tensor";
 * const g = { kernel: [3, 3], stride: [1, 1], padding: [1, 1], dilation: [1, 1] };
 * console.assert(convWork(zeros([2, 1, 4, 4]), zeros([8, 1, 3, 3]), g) === 2 * 8 * 16 * 9);
 * ```
 */
export function convWork(x: NDArray, w: NDArray, g: WindowGeometry): number {
  const positions = convSpatial(x, g).reduce((p, n) => p * n, 1);
  return w.shape[0] > 0 ? x.shape[0] * w.size * positions : 0;
}

/**
 * Whether libnnc's attention takes these operands: a float dtype, a mask of that dtype, and rows
 * of every 4-d operand at a positive stride of at least their width (the GEMM's leading
 * dimension); otherwise the JS kernel runs.
 *
 * @example
 * ```ts
 * import { attentionFits } from "@nnc/native/abi";
 * import { zeros } from "@nnc/tensor";
 * const q = zeros([1, 1, 2, 4]);
 * console.assert(attentionFits(q, null, [q]) && !attentionFits(zeros([1, 1, 2, 4], { dtype: "int32" }), null, []));
 * ```
 */
export function attentionFits(
  q: NDArray,
  mask: NDArray | null,
  operands: readonly (NDArray | null)[],
): boolean {
  if (q.dtype === "int32" || (mask !== null && mask.dtype !== q.dtype)) return false;
  for (const a of operands) {
    if (a === null || a === mask || a.ndim !== 4) continue;
    if (a.shape[2] > 1 && a.strides[2] < Math.max(1, a.shape[3])) return false;
  }
  return true;
}
