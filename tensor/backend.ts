/**
 * The kernel set: the only thing a backend implements. Every kernel writes into an output array
 * the caller allocated (JavaScript owns every byte); inputs are strided views.
 *
 * Conventions every kernel follows:
 * - Arrays are {@link NDArray}s: `data` (the storage's typed array), `shape`, `strides` (elements,
 *   possibly 0 for broadcast dimensions or negative for reversed views) and `offset`.
 * - Unless a kernel says otherwise, `out` is contiguous and inputs may have any strides.
 * - Kernels trust their arguments: the ops in this package validate shapes, dtypes and indices
 *   before they call a kernel, so a kernel never sees bad input from them.
 *
 * @module
 */
import type { NDArray } from "./ndarray.ts";

/** Elementwise functions of one argument. */
export type UnaryOp =
  | "neg"
  | "abs"
  | "sign"
  | "exp"
  | "expm1"
  | "log"
  | "log1p"
  | "sqrt"
  | "rsqrt"
  | "square"
  | "reciprocal"
  | "sin"
  | "cos"
  | "tan"
  | "tanh"
  | "sigmoid"
  | "relu"
  | "softplus"
  | "floor"
  | "ceil"
  | "round"
  | "trunc"
  | "erf"
  | "gelu"
  | "geluGrad";

/**
 * Elementwise functions of two broadcast arguments. Comparisons write 1 or 0 in `out`'s dtype.
 * `sigmoidCrossEntropy(x, y)` is `(1 − y)·x + softplus(−x)` and `sigmoidCrossEntropyGrad(x, y)` is
 * `sigmoid(x) − y`, each computed in double and rounded once (the loss of logits and its
 * derivative, in one pass each). `geluGradFromOutput(x, y)` is GELU's derivative `Φ(x) + x·φ(x)` with
 * `Φ(x)` read off its output `y = x·Φ(x)` as `y/x` (0.5 where |x| < 2⁻⁶⁰): one exponential an element
 * instead of erf and exp.
 */
export type BinaryOp =
  | "add"
  | "sub"
  | "mul"
  | "div"
  | "pow"
  | "mod"
  | "minimum"
  | "maximum"
  | "atan2"
  | "eq"
  | "ne"
  | "lt"
  | "le"
  | "gt"
  | "ge"
  | "sigmoidCrossEntropy"
  | "sigmoidCrossEntropyGrad"
  | "geluGradFromOutput";

/** Reductions over a set of axes. */
export type ReduceOp = "sum" | "prod" | "max" | "min";

/** Reductions of the rows that share a segment id (see {@link Backend.segmentReduce}). */
export type SegmentOp = "sum" | "max" | "min";

/**
 * Geometry of a sliding window over the trailing `d` spatial dimensions of an `[N, C, ...spatial]`
 * array (d = 1, 2 or 3). All arrays have length d.
 */
export interface WindowGeometry {
  /** Kernel (window) size per spatial dimension. */
  kernel: readonly number[];
  /** Step between windows. */
  stride: readonly number[];
  /** Zero padding added before and after each spatial dimension. */
  padding: readonly number[];
  /** Spacing between kernel taps. */
  dilation: readonly number[];
}

/**
 * Coefficients of one SGD step (PyTorch's arithmetic): `d = sign·g + weightDecay·x`; with a momentum
 * buffer `b ← first ? d : momentum·b + (1 − dampening)·d` and the step is `nesterov ? d + momentum·b : b`;
 * without one the step is `d`; then `x ← x − lr·step`.
 */
export interface SgdStep {
  /** Learning rate. */
  lr: number;
  /** L2 penalty added to the gradient. */
  weightDecay: number;
  /** 1 to descend, -1 to ascend (`maximize`). */
  sign: number;
  /** Momentum factor (ignored without a buffer). */
  momentum: number;
  /** Dampening of the gradient in the momentum buffer. */
  dampening: number;
  /** Nesterov momentum. */
  nesterov: boolean;
  /** True on the first step, when the buffer starts as the gradient itself. */
  first: boolean;
}

/**
 * Coefficients of one Adam/AdamW/AMSGrad step (PyTorch's arithmetic): `d = sign·g + l2·x`,
 * `m ← β1·m + (1−β1)·d`, `v ← β2·v + (1−β2)·d²`, `v̂ = max(vmax, v)` with AMSGrad (else `v`),
 * `x ← x·(1 − lr·decay) − lr/(1−β1ᵗ) · m / (√v̂/√(1−β2ᵗ) + ε)`; m and v flush to zero below the
 * dtype's smallest normal number (PyTorch keeps subnormals, which a zero gradient can leave stuck in
 * m and v and which cost x86 cores ~100 cycles per vector operation; see libnnc's optim.c).
 */
export interface AdamStep {
  /** Step number t, counting from 1. */
  step: number;
  /** Learning rate. */
  lr: number;
  /** First-moment decay β1. */
  beta1: number;
  /** Second-moment decay β2. */
  beta2: number;
  /** ε added to the denominator. */
  eps: number;
  /** L2 penalty added to the gradient (Adam's weight decay). */
  l2: number;
  /** Decoupled weight decay (AdamW's). */
  decay: number;
  /** 1 to descend, -1 to ascend (`maximize`). */
  sign: number;
}

/**
 * Options of the fused attention kernels. `scale` multiplies `q·k`; with `causal`, query `i` (one of
 * the last `Lq` of `Lk` positions, as when new tokens attend to a cache) sees keys `j ≤ i + Lk − Lq`.
 */
export interface AttentionKernelParams {
  /** Factor of the dot products (usually `1/√D`). */
  scale: number;
  /** Hide the keys after each query's own position. */
  causal: boolean;
}

/**
 * Activations whose gradient {@link Backend.activationGrad} computes from their output (for
 * `leakyRelu`, from the sign of its input or output, which agree for a slope ≥ 0).
 */
export type ActivationGradOp = "relu" | "sigmoid" | "tanh" | "leakyRelu";

/**
 * Max pooling's side of the convolution gradients that start from the pooled gradient
 * ({@link Backend.convInputGrad}, {@link Backend.convWeightGrad}).
 *
 * @example
 * ```ts
 * import { NDArray, type PooledGradient } from "@nnc/tensor";
 * const pooled: PooledGradient = { indices: NDArray.fromTyped(new Int32Array([3]), [1, 1, 1, 1]), distinct: true };
 * ```
 */
export interface PooledGradient {
  /** Argmax of each pooled value within its plane of the convolution's output (int32, contiguous, `dy`'s shape). */
  indices: NDArray;
  /**
   * Whether an index occurs at most once within its plane, as with pooling windows that do not
   * overlap: a kernel may then store each gradient instead of adding it. Default false.
   */
  distinct?: boolean;
}

/** The kernels behind `@nnc/tensor`. The JS backend implements all of them and is the oracle. */
export interface Backend {
  /** Name used by `useBackend` (`"js"`, `"native"`). */
  readonly name: string;

  /** `out[i] = x[i]` over `out.shape`; `out` may be strided and its dtype may differ (values convert as typed arrays do). */
  copy(out: NDArray, x: NDArray): void;
  /** `out[i] = op(x[i])`; same shape and dtype. */
  unary(op: UnaryOp, out: NDArray, x: NDArray): void;
  /** `out[i] = op(a[i], b[i])`; `a` and `b` are already broadcast to `out.shape` (stride 0) and share `out`'s dtype. */
  binary(op: BinaryOp, out: NDArray, a: NDArray, b: NDArray): void;
  /** `out[i] = cond[i] != 0 ? a[i] : b[i]`; all broadcast to `out.shape`; `a`, `b` share `out`'s dtype. */
  where(out: NDArray, cond: NDArray, a: NDArray, b: NDArray): void;
  /** Reduces `x` over `axes` (sorted, unique) into `out`, whose shape is `x.shape` with those axes set to 1. */
  reduce(op: ReduceOp, out: NDArray, x: NDArray, axes: readonly number[]): void;
  /** Index (int32) of the first maximum or minimum along `axis`; `out` has `x.shape` with `axis` set to 1. */
  argReduce(op: "argmax" | "argmin", out: NDArray, x: NDArray, axis: number): void;
  /**
   * Batched matrix product: `a` is `[...B, M, K]`, `b` is `[...B, K, N]`, `out` is `[...B, M, N]`; batch
   * dimensions are already broadcast (stride 0 where shared). Transposed operands arrive as strided views.
   * With `bias` (`[N]`, contiguous, a float `out`'s dtype) every row of each product gets it added:
   * the product's value plus the bias, rounded once, bit for bit what a separate broadcast `add`
   * would give (libnnc's own GEMM adds it to each tile while the tile is in cache).
   */
  matmul(out: NDArray, a: NDArray, b: NDArray, bias?: NDArray | null): void;
  /** Softmax (or log-softmax) of `x` along `axis`, into `out` of the same shape. */
  softmax(out: NDArray, x: NDArray, axis: number, log: boolean): void;
  /** Inclusive cumulative sum (or product) along `axis`. */
  cumulative(op: "sum" | "prod", out: NDArray, x: NDArray, axis: number): void;
  /**
   * Sorts along the last axis of the contiguous `x`: `values` gets the sorted values and `indices` (int32)
   * their positions; stable; NaN sorts last (ascending) as in NumPy.
   */
  sort(values: NDArray, indices: NDArray, x: NDArray, descending: boolean): void;
  /** `out[...i, j, ...k] = x[...i, index[...i, j, ...k], ...k]` along `axis` (PyTorch `gather`). */
  gather(out: NDArray, x: NDArray, axis: number, index: NDArray): void;
  /** `out[...i, index[...i, j, ...k], ...k] += src[...i, j, ...k]` along `axis` (PyTorch `scatter_add_`), in place. */
  scatterAdd(out: NDArray, axis: number, index: NDArray, src: NDArray): void;
  /** Selects entries `index` (1-d int32) along `axis` of `x`. */
  indexSelect(out: NDArray, x: NDArray, axis: number, index: NDArray): void;
  /**
   * Unfolds sliding windows (PyTorch `unfold`): `x` is `[N, C, ...spatial]`, `out` is `[N, C·∏kernel, L]`
   * with L the number of window positions.
   */
  im2col(out: NDArray, x: NDArray, g: WindowGeometry): void;
  /** The adjoint of `im2col`: sums `cols` `[N, C·∏kernel, L]` back into `out` `[N, C, ...spatial]` (zeroed first). */
  col2im(out: NDArray, cols: NDArray, g: WindowGeometry): void;
  /**
   * Max or average pooling of `x` `[N, C, ...spatial]` into `out` `[N, C, ...outSpatial]`. For max pooling
   * `indices` (int32, same shape as `out`) receives the flat index of the maximum within each input plane,
   * as PyTorch returns it; padding counts as -∞ for max, and as zeros for average when `countIncludePad`.
   */
  pool(
    kind: "max" | "avg",
    out: NDArray,
    indices: NDArray | null,
    x: NDArray,
    g: WindowGeometry,
    countIncludePad: boolean,
  ): void;
  /**
   * Max pooling's gradient over planes: `out` `[P, S]` (contiguous, contents ignored) gets zeros,
   * then `grad[p, q]` added at `out[p, indices[p, q]]` for each `q` in order (repeated indices sum
   * in that order); `grad` and `indices` (int32) are contiguous `[P, Q]`, `grad` of `out`'s dtype.
   * An index outside `[0, S)` is a RangeError (the output is then unspecified).
   */
  maxPoolGrad(out: NDArray, grad: NDArray, indices: NDArray): void;

  /** Cholesky factor `L` (lower) of each symmetric positive-definite matrix in `a` `[...B, n, n]`. Returns the index of the first matrix that is not positive definite, or -1. */
  cholesky(out: NDArray, a: NDArray): number;
  /** LU factorisation with partial pivoting, in place in `lu` (a contiguous copy of `[...B, n, n]`); `pivots` (int32 `[...B, n]`) gets the 0-based row swapped with each row. Returns the index of the first singular matrix or -1. */
  lu(lu: NDArray, pivots: NDArray): number;
  /** Solves `a x = b` for each batch (`a` `[...B, n, n]`, `b` and `out` `[...B, n, k]`). Returns the first singular batch index or -1. */
  solve(out: NDArray, a: NDArray, b: NDArray): number;
  /** Reduced QR: `a` `[...B, m, n]`, `q` `[...B, m, r]`, `r` `[...B, r, n]` with r = min(m, n). */
  qr(q: NDArray, r: NDArray, a: NDArray): void;
  /** Eigen-decomposition of symmetric `a` `[...B, n, n]`: eigenvalues ascending in `w` `[...B, n]`, eigenvectors as columns of `v`. */
  eigh(w: NDArray, v: NDArray, a: NDArray): void;
  /** Reduced SVD: `a` `[...B, m, n]` = `u` `[...B, m, r]` · diag(`s` `[...B, r]`, descending) · `vt` `[...B, r, n]`. */
  svd(u: NDArray, s: NDArray, vt: NDArray, a: NDArray): void;

  /**
   * One fused, in-place SGD step. `x` (parameter), `g` (gradient) and `buf` (momentum buffer, or
   * null for plain SGD) are contiguous float arrays of one dtype and size.
   */
  sgdStep(x: NDArray, g: NDArray, buf: NDArray | null, c: SgdStep): void;
  /**
   * One fused, in-place Adam step. `x`, `g`, `m`, `v` and `vmax` (AMSGrad's running maximum, or
   * null) are contiguous float arrays of one dtype and size. The arithmetic is the arrays' own
   * precision (float32 arrays in float32, as PyTorch's Adam, every operation rounded once), so
   * every backend gives the same bits.
   */
  adamStep(x: NDArray, g: NDArray, m: NDArray, v: NDArray, vmax: NDArray | null, c: AdamStep): void;

  /**
   * Sparse (CSR) times dense, with per-head edge values: `out[i, h, :] = Σ_k values[k, h] ·
   * x[col[k], h, :]` over `k` in `rowPtr[i] .. rowPtr[i+1]`, in that order. `out` `[n, H, C]`, `x`
   * `[m, H, C]` and `values` `[nnz, H]` (null: all ones) share one float dtype; `rowPtr` (int32
   * `[n+1]`, non-decreasing from 0) and `col` (int32 `[nnz]`, in `0..m-1`). All contiguous. With
   * `accumulate`, the sums start from `out`'s contents instead of 0 (`out += A·x`).
   */
  spmm(
    out: NDArray,
    rowPtr: NDArray,
    col: NDArray,
    values: NDArray | null,
    x: NDArray,
    accumulate?: boolean,
  ): void;
  /**
   * Sampled dense-dense product, the adjoint of {@link Backend.spmm} in its values:
   * `out[k, h] = Σ_c a[i, h, c] · b[col[k], h, c]` for each stored entry `k` of row `i`, `c`
   * ascending. `a` `[n, H, C]`, `b` `[m, H, C]`, `out` `[nnz, H]`, one float dtype; all contiguous.
   */
  sddmm(out: NDArray, rowPtr: NDArray, col: NDArray, a: NDArray, b: NDArray): void;
  /**
   * Unsorted segment reduction: row `e` of `src` `[E, F]` goes to row `index[e]` of `out` `[n, F]`
   * (index int32 `[E]` in `0..n-1`). Sums add in increasing `e`; `max`/`min` keep the first extreme
   * (NaN wins) and write its `e` into `arg` (int32 `[n, F]`, required for them, ignored for sum);
   * rows no `e` reaches are 0 with `arg` -1. All contiguous, `out` and `src` of one dtype.
   */
  segmentReduce(
    op: SegmentOp,
    out: NDArray,
    arg: NDArray | null,
    src: NDArray,
    index: NDArray,
  ): void;
  /**
   * Pointwise part of an LSTM step for a batch (PyTorch's gate order i, f, g, o): with
   * `a = xg + hg` (`[B, 4H]`), `i, f, o = σ(a_i, a_f, a_o)`, `g = tanh(a_g)`, writes
   * `c = f·cPrev + i·g` and `h = o·tanh(c)` (`[B, H]`) and the activated gates `[i, f, g, o]` into
   * `act` (`[B, 4H]`, what {@link Backend.lstmCellBackward} reads). Every operand is contiguous and
   * of one float dtype.
   */
  lstmCell(h: NDArray, c: NDArray, act: NDArray, xg: NDArray, hg: NDArray, cPrev: NDArray): void;
  /**
   * The gradients of {@link Backend.lstmCell}: from the activated gates `act`, the new cell state `c`,
   * the previous one `cPrev` and the gradients `dh`, `dc` of the step's outputs, writes the gradient
   * of the gate pre-activations `dGates` (`[B, 4H]`, that of `xg` and of `hg` alike) and of `cPrev`.
   * Every operand is contiguous and of one float dtype.
   */
  lstmCellBackward(
    dGates: NDArray,
    dcPrev: NDArray,
    act: NDArray,
    c: NDArray,
    cPrev: NDArray,
    dh: NDArray,
    dc: NDArray,
  ): void;
  /**
   * Optional: a whole float32 LSTM recurrence of one layer and direction in one call, the loop of
   * {@link Backend.matmul} and {@link Backend.lstmCell} that autograd's `recurrence` otherwise runs
   * step by step. `hs`, `cs` `[T+1, B, H]` hold `h0`, `c0` in block 0; step `k` (time
   * `t = reverse ? T−1−k : k`) writes block `k+1` of each and block `k` of `act` `[T, B, 4H]`
   * from `xg[t] + hs[k]·whhᵀ` (`xg` `[T, B, 4H]`, `whh` `[4H, H]`). Every operand is contiguous.
   * Returns false, having written nothing, when the backend leaves the sequence to the per-step
   * path (dtypes or sizes it does not handle).
   */
  lstmSequence?(
    hs: NDArray,
    cs: NDArray,
    act: NDArray,
    xg: NDArray,
    whh: NDArray,
    reverse: boolean,
  ): boolean;
  /**
   * Optional: the backward of {@link Backend.lstmSequence} through every step. From `dy`
   * `[T+2, B, H]` (the gradient of the outputs in time order, then of the final `h` and `c`), the
   * forward's `act` and `cs` and `whh`, writes the gradient of the gate pre-activations `dgh`
   * `[T, B, 4H]` in step order (that of `xg` and of the hidden products alike) and those of `h0`
   * and `c0` (`dh0`, `dc0`, `[B, H]`). Every operand is contiguous. Returns false, having written
   * nothing, when the backend leaves it to the per-step path.
   */
  lstmSequenceBackward?(
    dgh: NDArray,
    dh0: NDArray,
    dc0: NDArray,
    dy: NDArray,
    act: NDArray,
    cs: NDArray,
    whh: NDArray,
    reverse: boolean,
  ): boolean;
  /**
   * Pointwise part of a GRU step for a batch (PyTorch's gate order r, z, n): `xg = x W_ihᵀ + b_ih`
   * and `hg = hPrev W_hhᵀ` (`[B, 3H]`), `bhh` (`[3H]`, or null for none); `r = σ(xg_r + hg_r + b_r)`,
   * `z = σ(xg_z + hg_z + b_z)`, `hn = hg_n + b_n`, `n = tanh(xg_n + r·hn)`, writes
   * `h = (1 − z)·n + z·hPrev` (`[B, H]`) and `[r, z, n, hn]` into `act` (`[B, 4H]`). Every operand is
   * contiguous and of one float dtype.
   */
  gruCell(
    h: NDArray,
    act: NDArray,
    xg: NDArray,
    hg: NDArray,
    bhh: NDArray | null,
    hPrev: NDArray,
  ): void;
  /**
   * The gradients of {@link Backend.gruCell}: from `act`, `hPrev` and `dh`, writes the gradients of
   * `xg` (`dxg`), of `hg + bhh` (`dhg`, both `[B, 3H]`) and the direct part `dh·z` of that of `hPrev`
   * (the part through `hg` is `dhg · W_hh`, left to the caller). Every operand is contiguous and of
   * one float dtype.
   */
  gruCellBackward(
    dxg: NDArray,
    dhg: NDArray,
    dhPrev: NDArray,
    act: NDArray,
    hPrev: NDArray,
    dh: NDArray,
  ): void;
  /**
   * Fused scaled dot-product attention, one block of query rows at a time so that memory stays
   * O(Lk) per row: for batch (n, h) and query i, `s_j = scale·(q_i·k_j) + mask[n, h, i, j]` (−∞ for
   * keys the causal rule hides), `out_i = Σ_j softmax(s)_j v_j` and `lse[n, h, i] = log Σ_j exp(s_j)`.
   * A row whose keys are all masked gets `out_i = 0` and `lse = −∞`. `q` `[N, H, Lq, D]`, `k`
   * `[N, H, Lk, D]`, `v` `[N, H, Lk, Dv]` and `out` `[N, H, Lq, Dv]` are views with any strides but
   * a unit last one (the heads of a packed `[N, L, 3, H, D]` projection, say); `lse` `[N, H, Lq]`
   * has any strides; all share one float dtype; `mask` is null or an additive `[N, H, Lq, Lk]` view
   * of that dtype with any strides (0 to broadcast). Only the elements of the views are written.
   */
  attention(
    out: NDArray,
    lse: NDArray,
    q: NDArray,
    k: NDArray,
    v: NDArray,
    mask: NDArray | null,
    p: AttentionKernelParams,
  ): void;
  /**
   * Backward of {@link Backend.attention}: given its inputs, its `out` and `lse`, and the gradient
   * `dout` of the output (a view like `out`), writes the gradients into the views `dq`, `dk`, `dv`
   * (shaped as `q`, `k`, `v`, unit last stride), recomputing the weights block by block instead of
   * storing them.
   */
  attentionBackward(
    dq: NDArray,
    dk: NDArray,
    dv: NDArray,
    q: NDArray,
    k: NDArray,
    v: NDArray,
    mask: NDArray | null,
    out: NDArray,
    lse: NDArray,
    dout: NDArray,
    p: AttentionKernelParams,
  ): void;
  /**
   * Layer normalisation of each row of the contiguous `x` `[R, C]`: `mean[r]` = the row's mean,
   * `rstd[r]` = 1/√(biased variance + eps), `out = (x − mean)·rstd ⊙ weight + bias` (`weight` and
   * `bias` `[C]`, or null for 1 and 0). `out` is contiguous `[R, C]`; `mean`, `rstd` `[R]`.
   */
  layerNorm(
    out: NDArray,
    mean: NDArray,
    rstd: NDArray,
    x: NDArray,
    weight: NDArray | null,
    bias: NDArray | null,
    eps: number,
  ): void;
  /**
   * Backward of {@link Backend.layerNorm} given the upstream gradient `g` `[R, C]` and the saved
   * `mean` and `rstd`: `dx` `[R, C]`, and the column sums `dweight = Σ_r g ⊙ x̂` and `dbias = Σ_r g`
   * `[C]` (either may be null when not wanted). All contiguous.
   */
  layerNormBackward(
    dx: NDArray,
    dweight: NDArray | null,
    dbias: NDArray | null,
    g: NDArray,
    x: NDArray,
    mean: NDArray,
    rstd: NDArray,
    weight: NDArray | null,
  ): void;
  /**
   * Convolution (PyTorch's cross-correlation): `out` `[N, Cout, ...outSpatial]` (contiguous) =
   * `x` `[N, Cin, ...spatial]` ⋆ `w` `[Cout, Cin/groups, ...kernel]` (contiguous, `kernel` =
   * `g.kernel`), plus `bias` `[Cout]` when not null. One float dtype.
   */
  conv(
    out: NDArray,
    x: NDArray,
    w: NDArray,
    bias: NDArray | null,
    g: WindowGeometry,
    groups: number,
  ): void;
  /**
   * Convolution then max pooling: `out` (contiguous) and `indices` (int32, contiguous, the same
   * shape) get what {@link Backend.pool}'s max pooling with geometry `pool` (padding as -∞) gives
   * for the output {@link Backend.conv} would write for `x`, `w`, `bias`, `g` and `groups` — the
   * same values and indices (flat within each plane of the convolution's output) — with the
   * convolution's output kept out of memory where the backend can. `bias` is null or contiguous.
   * `convThenMaxPool` is the reference composition.
   */
  convMaxPool(
    out: NDArray,
    indices: NDArray,
    x: NDArray,
    w: NDArray,
    bias: NDArray | null,
    g: WindowGeometry,
    groups: number,
    pool: WindowGeometry,
  ): void;
  /**
   * The gradient of {@link Backend.conv} for its input (the transposed convolution): `dx`
   * `[N, Cin, ...spatial]` (contiguous, overwritten) from `dy` `[N, Cout, ...outSpatial]` and `w`
   * (both contiguous).
   */
  convInputGrad(
    dx: NDArray,
    dy: NDArray,
    w: NDArray,
    g: WindowGeometry,
    groups: number,
    pooled?: PooledGradient | null,
  ): void;
  /**
   * The gradient of {@link Backend.conv} for its weight: `dw` `[Cout, Cin/groups, ...kernel]`
   * (contiguous, overwritten) = Σ over the batch of `dy` (contiguous) ⋆ `x`.
   *
   * With `pooled` (both gradients): `dy` is max pooling's output gradient `[N, Cout, ...pooled]`
   * and `pooled.indices` the argmax of each pooled value within its plane of the convolution's
   * output, as {@link Backend.convMaxPool} gives them; the convolution's output gradient is what
   * {@link Backend.maxPoolGrad} makes of the two, and need not be stored.
   */
  convWeightGrad(
    dw: NDArray,
    dy: NDArray,
    x: NDArray,
    g: WindowGeometry,
    groups: number,
    pooled?: PooledGradient | null,
  ): void;
  /**
   * The gradient of a pointwise activation from its output `y`: `out = g · f′`, with `f′` = `[y > 0]`
   * (relu), `y·(1 − y)` (sigmoid), `1 − y²` (tanh) or `y > 0 ? 1 : negativeSlope` (leakyRelu: with
   * `y = g` this is the leaky ReLU itself), each step rounded to the dtype (the slope too). `out`,
   * `g` and `y` are contiguous, of one float dtype and one size.
   */
  activationGrad(
    op: ActivationGradOp,
    out: NDArray,
    g: NDArray,
    y: NDArray,
    negativeSlope?: number,
  ): void;
  /**
   * The loss of logits and its derivative in one pass around one `e^−|x|`: `loss = (1 − y)·x +
   * softplus(−x)` and `grad = σ(x) − y`, in the expressions of the binary ops `sigmoidCrossEntropy`
   * and `sigmoidCrossEntropyGrad` (the JS kernels give their bits; libnnc's may differ where its
   * vector and scalar `exp` round apart). All four arrays are contiguous, of one float dtype and one
   * size.
   */
  sigmoidCrossEntropyWithGrad(loss: NDArray, grad: NDArray, x: NDArray, y: NDArray): void;
  /**
   * Batch normalisation of `x` `[N, C, ...]` into `y` (both contiguous, one float dtype): with
   * `training` each channel's batch mean and biased variance are written into `mean`, `variance`
   * `[C]`, otherwise read from them; `y = (x − mean)·s + β`, `s = γ/√(var + eps)` (γ = 1, β = 0 for
   * a null `weight`, `bias`), computed in double with the statistics as stored (rounded to the
   * dtype) and rounded once. With an `activation`, `y` is that activation of the rounded value, bit
   * for bit what the separate op would give. Every backend sums a channel in the same order
   * (element `s` of each row into partial sum `s mod 8`, row after row, the eight partials added
   * pairwise), so that backends agree bit for bit.
   */
  batchNorm(
    y: NDArray,
    mean: NDArray,
    variance: NDArray,
    x: NDArray,
    weight: NDArray | null,
    bias: NDArray | null,
    eps: number,
    training: boolean,
    activation?: NormActivation | null,
  ): void;
  /**
   * The gradients of {@link Backend.batchNorm} from `g` (contiguous): `dx` (contiguous),
   * `dweight = Σ g·x̂`, `dbias = Σ g` (`[C]`); each output may be null. With `training` `dx` includes
   * the batch statistics' dependence on `x`. With the forward pass's `activation`, `g` is the
   * gradient of its output and first goes through the activation's derivative at the forward
   * pass's pre-activation value, recomputed from `x`, the statistics, `weight` and `bias` (`g` where
   * it is > 0, else 0 for relu or `g·negativeSlope` rounded to the dtype for leaky relu).
   */
  batchNormBackward(
    dx: NDArray | null,
    dweight: NDArray | null,
    dbias: NDArray | null,
    g: NDArray,
    x: NDArray,
    mean: NDArray,
    variance: NDArray,
    weight: NDArray | null,
    eps: number,
    training: boolean,
    bias?: NDArray | null,
    activation?: NormActivation | null,
  ): void;
}

/**
 * An activation that {@link Backend.batchNorm} applies to its output in the same pass over memory
 * (batch norm → ReLU in a ResNet, → leaky ReLU in a DCGAN's discriminator).
 *
 * @example
 * ```ts
 * import type { NormActivation } from "@nnc/tensor";
 * const leaky: NormActivation = { op: "leakyRelu", negativeSlope: 0.2 };
 * console.assert(leaky.op === "leakyRelu");
 * ```
 */
export interface NormActivation {
  /** `"relu"`: `max(t, 0)`; `"leakyRelu"`: `t > 0 ? t : t·negativeSlope`. */
  op: "relu" | "leakyRelu";
  /** The leaky ReLU's slope for negative values (not read for relu). */
  negativeSlope: number;
}
