/*
 * libnnc: the native kernels of @nnc/native.
 *
 * Every kernel takes one descriptor (an array of doubles, see below) plus one pointer per operand,
 * and returns an int: >= 0 on success (some kernels return a value there), < 0 an error code
 * (NNC_E_*); the message of the last error on the calling thread is available from
 * nnc_last_error(). No kernel aborts, allocates memory the caller sees, or keeps state between
 * calls beyond the BLAS handle and the worker threads.
 *
 * Descriptor layout (doubles, so that JavaScript writes plain numbers with no conversion):
 *   operand k (k = 0..3) at k * NNC_SLOT:
 *     [0] dtype code (NNC_F32, NNC_F64, NNC_I32)
 *     [1] ndim (0..8)
 *     [2] offset of the first element, in elements
 *     [3] byte length of the buffer passed for this operand
 *     [4..11] shape, [12..19] strides (elements; 0 broadcasts, negative reverses)
 *   kernel parameters from NNC_PARAMS on (op codes, axes, window geometry).
 * Every field must be an integer; the library checks each one, and checks that every element a
 * kernel touches lies inside its buffer.
 */
#ifndef NNC_H
#define NNC_H

#include <stdint.h>

#define NNC_MAX_DIMS 8
#define NNC_SLOT 20
#define NNC_MAX_OPERANDS 4
#define NNC_PARAMS (NNC_SLOT * NNC_MAX_OPERANDS)
#define NNC_DESC_LEN 128

enum { NNC_F32 = 0, NNC_F64 = 1, NNC_I32 = 2 };

enum {
  NNC_OK = 0,
  NNC_E_ARG = -1,         /* malformed descriptor or argument */
  NNC_E_BOUNDS = -2,      /* an element or index lies outside its buffer or axis */
  NNC_E_UNSUPPORTED = -3, /* dtype or op the kernel does not implement */
  NNC_E_NOMEM = -4,       /* scratch allocation failed */
  NNC_E_NOLAPACK = -5,    /* no LAPACK library loaded: the caller should use another backend */
  NNC_E_LAPACK = -6       /* LAPACK reported an illegal argument */
};

/* Unary op codes, in the order of @nnc/tensor's UnaryOp. */
enum {
  NNC_NEG, NNC_ABS, NNC_SIGN, NNC_EXP, NNC_EXPM1, NNC_LOG, NNC_LOG1P, NNC_SQRT, NNC_RSQRT,
  NNC_SQUARE, NNC_RECIPROCAL, NNC_SIN, NNC_COS, NNC_TAN, NNC_TANH, NNC_SIGMOID, NNC_RELU,
  NNC_SOFTPLUS, NNC_FLOOR, NNC_CEIL, NNC_ROUND, NNC_TRUNC, NNC_ERF, NNC_GELU, NNC_GELU_GRAD,
  NNC_UNARY_COUNT
};

/* Binary op codes, in the order of @nnc/tensor's BinaryOp. */
enum {
  NNC_ADD, NNC_SUB, NNC_MUL, NNC_DIV, NNC_POW, NNC_MOD, NNC_MINIMUM, NNC_MAXIMUM, NNC_ATAN2,
  NNC_EQ, NNC_NE, NNC_LT, NNC_LE, NNC_GT, NNC_GE, NNC_SIGMOID_CE, NNC_SIGMOID_CE_GRAD,
  NNC_GELU_GRAD_OUT, NNC_BINARY_COUNT
};

enum { NNC_SUM = 0, NNC_PROD = 1, NNC_MAX = 2, NNC_MIN = 3 };

#define NNC_API __attribute__((visibility("default")))

/* Library set-up: reads NNC_THREADS, NNC_BLAS, NNC_OPENBLAS_CORETYPE, loads BLAS. Idempotent. */
NNC_API int32_t nnc_init(void);
/* JSON description of the BLAS in use, the CPU features and the thread count. */
NNC_API int32_t nnc_info(char *buf, int32_t cap);
/* Copies the last error message of this thread into buf (NUL-terminated); returns its length. */
NNC_API int32_t nnc_last_error(char *buf, int32_t cap);
/* Sets the number of threads of libnnc and of the BLAS (n <= 0: the number of cores). */
NNC_API int32_t nnc_set_threads(int32_t n);
NNC_API int32_t nnc_get_threads(void);
/* Does nothing: measures the cost of an FFI call with a descriptor and one buffer. */
NNC_API int32_t nnc_noop(const double *desc, int32_t desc_bytes, void *p);
/* Where p points, modulo m (> 0): how far a buffer is from an m-byte boundary. @nnc/tensor aligns
 * large storages with it; a call with a buffer argument is the one way a script reads an address
 * without Deno.UnsafePointer.of, which kept every ArrayBuffer it saw alive longer (W8: +45 MB peak,
 * 10–20 % slower steps). */
NNC_API int32_t nnc_address_mod(const void *p, int32_t m);
/* The same but reads the descriptor and validates one operand (the fixed cost of every kernel). */
NNC_API int32_t nnc_touch(const double *desc, int32_t desc_bytes, void *p);

NNC_API int32_t nnc_copy(const double *desc, int32_t desc_bytes, void *out, const void *x);
NNC_API int32_t nnc_unary(const double *desc, int32_t desc_bytes, void *out, const void *x);
NNC_API int32_t nnc_binary(const double *desc, int32_t desc_bytes, void *out, const void *a,
                           const void *b);
NNC_API int32_t nnc_where(const double *desc, int32_t desc_bytes, void *out, const void *cond,
                          const void *a, const void *b);
NNC_API int32_t nnc_reduce(const double *desc, int32_t desc_bytes, void *out, const void *x);
NNC_API int32_t nnc_arg_reduce(const double *desc, int32_t desc_bytes, void *out, const void *x);
NNC_API int32_t nnc_matmul(const double *desc, int32_t desc_bytes, void *out, const void *a,
                           const void *b);
/* The same plus bias [N] (contiguous, out's float dtype; array 3 of desc) added to every row of each
 * product, rounded as a separate add would round it: libnnc's own GEMM adds it tile by tile. */
NNC_API int32_t nnc_matmul_bias(const double *desc, int32_t desc_bytes, void *out, const void *a,
                                const void *b, const void *bias);
NNC_API int32_t nnc_softmax(const double *desc, int32_t desc_bytes, void *out, const void *x);
NNC_API int32_t nnc_cumulative(const double *desc, int32_t desc_bytes, void *out, const void *x);
NNC_API int32_t nnc_sort(const double *desc, int32_t desc_bytes, void *values, void *indices,
                         const void *x);
NNC_API int32_t nnc_gather(const double *desc, int32_t desc_bytes, void *out, const void *x,
                           const void *index);
NNC_API int32_t nnc_scatter_add(const double *desc, int32_t desc_bytes, void *out,
                                const void *index, const void *src);
NNC_API int32_t nnc_index_select(const double *desc, int32_t desc_bytes, void *out,
                                 const void *x, const void *index);
NNC_API int32_t nnc_im2col(const double *desc, int32_t desc_bytes, void *out, const void *x);
NNC_API int32_t nnc_col2im(const double *desc, int32_t desc_bytes, void *out, const void *cols);
NNC_API int32_t nnc_pool(const double *desc, int32_t desc_bytes, void *out, void *indices,
                         const void *x);
/* Max pooling's gradient: out [P, S] (contiguous) cleared, then grad[p, q] added at
 * out[p, indices[p, q]] for q in order; grad [P, Q] and indices (int32 [P, Q]) contiguous.
 * NNC_E_BOUNDS for an index outside [0, S) (out is then unspecified). */
NNC_API int32_t nnc_max_pool_grad(const double *desc, int32_t desc_bytes, void *out,
                                  const void *grad, const void *indices);
/* out[i] = g[i]·f′ from the activation's output y (op 0 relu [y > 0], 1 sigmoid y(1−y), 2 tanh
 * 1−y², 3 leaky relu y > 0 ? 1 : slope), contiguous buffers of one float dtype;
 * c = [n, bytes out, bytes g, bytes y, slope (op 3 only)]. */
NNC_API int32_t nnc_activation_grad(const double *c, int32_t c_bytes, int32_t dtype, int32_t op,
                                    void *out, const void *g, const void *y);
/* The loss of logits and its derivative in one pass: loss[i] = (1 − y)·x + softplus(−x) and grad[i]
 * = σ(x) − y (x = x[i], y = y[i]), the expressions of the binary ops NNC_SIGMOID_CE and
 * NNC_SIGMOID_CE_GRAD; contiguous buffers of one float dtype, c = [n, bytes loss, bytes grad,
 * bytes x, bytes y]. */
NNC_API int32_t nnc_sigmoid_ce_with_grad(const double *c, int32_t c_bytes, int32_t dtype,
                                         void *loss, void *grad, const void *x, const void *y);
/* Batch normalisation (batch_norm.c) over contiguous [N, C, S] buffers of one float dtype, per
 * channel in double: c = [N, C, S, eps, training, activation (0 none, 1 relu, 2 leaky relu), its
 * slope, byte length of each buffer argument in order (0 for a NULL one)]. Forward: with training
 * writes mean, var (biased), else reads them; y = f((x − mean)·γ/√(var + eps) + β) with the
 * statistics as stored. Backward (g the gradient of y): dx (may be NULL), dw (NULL without weight),
 * db (may be NULL); b (β, may be NULL) is read for the activation's mask. */
NNC_API int32_t nnc_batch_norm(const double *c, int32_t c_bytes, int32_t dtype, void *y, void *mean,
                               void *var, const void *x, const void *w, const void *b);
NNC_API int32_t nnc_batch_norm_backward(const double *c, int32_t c_bytes, int32_t dtype, void *dx,
                                        void *dw, void *db, const void *g, const void *x,
                                        const void *mean, const void *var, const void *w,
                                        const void *b);
/* Convolution (conv.c): out [N, Cout, ...] = x [N, Cin, ...] ⋆ w [Cout, Cin/groups, ...kernel]
 * (+ bias [Cout], may be NULL); the gradient for the input, dx = convᵀ(dy, w); and for the
 * weight, dw = Σ dy ⋆ x. Geometry parameters as for im2col, groups at parameter 13; weight and
 * the written operand contiguous (dy too for the gradients). int32 returns NNC_E_UNSUPPORTED. */
NNC_API int32_t nnc_conv(const double *desc, int32_t desc_bytes, void *out, const void *x,
                         const void *w, const void *bias);
NNC_API int32_t nnc_conv_input_grad(const double *desc, int32_t desc_bytes, void *dx,
                                    const void *dy, const void *w);
NNC_API int32_t nnc_conv_weight_grad(const double *desc, int32_t desc_bytes, void *dw,
                                     const void *dy, const void *x);
/* Convolution then max pooling (conv.c), float32 and 2-d: out and indices [N, Cout, pH, pW] as
 * nnc_conv then nnc_pool would give them, without storing the convolution's output. Operands 0 out,
 * 1 indices, 2 x, 3 w; nnc_conv's parameters, then 14-15 the pooling window, 16-17 its stride (no
 * padding, dilation 1, floor mode); bias: NULL or Cout contiguous float32 values. */
NNC_API int32_t nnc_conv_max_pool(const double *desc, int32_t desc_bytes, void *out, void *indices,
                                  const void *x, const void *w, const void *bias);
/* The two gradients from max pooling's output gradient `grad` [N, Cout, ...pooled] and its argmax
 * `indices` (int32, the same shape, flat within each plane of the convolution's output) in place of
 * dy: the same results as nnc_max_pool_grad into dy followed by nnc_conv_input_grad or
 * nnc_conv_weight_grad, without dy in memory. Operands 0 dx (or dw), 1 grad, 2 w (or x), 3 indices;
 * parameters as nnc_conv's, then 14: 1 when an index occurs at most once per plane (windows that
 * do not overlap: gradients are stored, not added). An index outside its plane: NNC_E_BOUNDS. */
NNC_API int32_t nnc_conv_input_grad_pooled(const double *desc, int32_t desc_bytes, void *dx,
                                           const void *grad, const void *w, const void *indices);
NNC_API int32_t nnc_conv_weight_grad_pooled(const double *desc, int32_t desc_bytes, void *dw,
                                            const void *grad, const void *x, const void *indices);
NNC_API int32_t nnc_cholesky(const double *desc, int32_t desc_bytes, void *out, const void *a);
NNC_API int32_t nnc_lu(const double *desc, int32_t desc_bytes, void *lu, void *pivots);
NNC_API int32_t nnc_solve(const double *desc, int32_t desc_bytes, void *out, const void *a,
                          const void *b);
NNC_API int32_t nnc_qr(const double *desc, int32_t desc_bytes, void *q, void *r, const void *a);
NNC_API int32_t nnc_eigh(const double *desc, int32_t desc_bytes, void *w, void *v, const void *a);
NNC_API int32_t nnc_svd(const double *desc, int32_t desc_bytes, void *u, void *s, void *vt,
                        const void *a);

/* Fused optimiser steps over contiguous buffers of n elements of one dtype (NNC_F32 or NNC_F64),
 * updated in place, in the arithmetic of @nnc/tensor's JS kernels (tensor/js/optim_step.ts).
 * c[0] = n, c[1..] = byte lengths of the buffers passed (each must hold n elements; 0 for a NULL
 * optional buffer), then the coefficients:
 *   sgd:  c = [n, bytes x, g, buf, lr, weightDecay, sign, momentum, dampening, nesterov, first]
 *   adam: c = [n, bytes x, g, m, v, vmax, lr/(1-β1^t), sqrt(1-β2^t), beta1, beta2, eps, l2,
 *              1-lr·decay, sign]
 * buf (sgd) and vmax (adam) may be NULL. */
NNC_API int32_t nnc_sgd_step(const double *c, int32_t c_bytes, int32_t dtype, void *x,
                             const void *g, void *buf);
NNC_API int32_t nnc_adam_step(const double *c, int32_t c_bytes, int32_t dtype, void *x,
                              const void *g, void *m, void *v, void *vmax);

/* Sparse kernels over contiguous buffers (see @nnc/tensor's Backend: spmm, sddmm, segmentReduce),
 * in the arithmetic of the JS kernels (tensor/js/sparse.ts). dtype is NNC_F32 or NNC_F64 (segment
 * reductions also take NNC_I32); c holds sizes, then the byte length of each buffer passed:
 *   spmm:  c = [n, m, H, C, nnz, bytes out, rowptr, col, values, x (, accumulate)]; values may be
 *          NULL (all ones); out[i,h,:] (+)= sum over k in rowptr[i]..rowptr[i+1] of values[k,h] *
 *          x[col[k],h,:], adding to out's contents when accumulate is given and nonzero
 *   sddmm: c = [n, m, H, C, nnz, bytes out, rowptr, col, a, b]
 *          out[k,h] = sum over t of a[i,h,t] * b[col[k],h,t]
 *   segment_reduce: c = [op (0 sum, 1 max, 2 min), n, F, E, bytes out, arg, src, index]
 *          out[index[e],:] (+)= src[e,:]; max/min write the winning e into arg (-1: empty). */
NNC_API int32_t nnc_spmm(const double *c, int32_t c_bytes, int32_t dtype, void *out,
                         const void *rowptr, const void *col, const void *values, const void *x);
NNC_API int32_t nnc_sddmm(const double *c, int32_t c_bytes, int32_t dtype, void *out,
                          const void *rowptr, const void *col, const void *a, const void *b);
NNC_API int32_t nnc_segment_reduce(const double *c, int32_t c_bytes, int32_t dtype, void *out,
                                   int32_t *arg, const void *src, const int32_t *index);

/* Fused pointwise parts of LSTM and GRU steps (see tensor/backend.ts, lstmCell and gruCell), over
 * contiguous buffers of one dtype (NNC_F32 or NNC_F64), in the arithmetic of the JS kernels
 * (tensor/js/rnn_cell.ts). c[0] = B (batch rows), c[1] = H (hidden size), then the byte length of
 * each buffer passed, in order (0 for a NULL bhh):
 *   lstm_cell:          h [B,H], c [B,H], act [B,4H] <- xg [B,4H], hg [B,4H], cprev [B,H]
 *   lstm_cell_backward: dgates [B,4H], dcprev [B,H] <- act, c, cprev, dh [B,H], dc [B,H]
 *   gru_cell:           h [B,H], act [B,4H] <- xg [B,3H], hg [B,3H], bhh [3H] or NULL, hprev [B,H]
 *   gru_cell_backward:  dxg [B,3H], dhg [B,3H], dhprev [B,H] <- act [B,4H], hprev, dh [B,H] */
NNC_API int32_t nnc_lstm_cell(const double *c, int32_t c_bytes, int32_t dtype, void *h, void *cell,
                              void *act, const void *xg, const void *hg, const void *cprev);
NNC_API int32_t nnc_lstm_cell_backward(const double *c, int32_t c_bytes, int32_t dtype,
                                       void *dgates, void *dcprev, const void *act,
                                       const void *cell, const void *cprev, const void *dh,
                                       const void *dc);
/* A whole LSTM recurrence of one layer and direction, float32 (autograd/recurrent.ts's loop in one
 * call; see tensor/backend.ts, lstmSequence). c = [T, B, H, reverse (0 or 1), then the byte length
 * of each buffer]; G = 4H; step k runs time t = reverse ? T-1-k : k:
 *   lstm_sequence:          hs [T+1,B,H], cs [T+1,B,H] (block 0 given: h0, c0), act [T,B,G]
 *                           <- xg [T,B,G], whh [G,H]; hs[k+1], cs[k+1] = cell(xg[t] + hs[k]·whhᵀ)
 *   lstm_sequence_backward: dgh [T,B,G] (step order), dh0 [B,H], dc0 [B,H] <- dy [T+2,B,H] (the
 *                           gradient of the outputs in time order, then of h_T and c_T), act,
 *                           cs [T+1,B,H], whh [G,H] */
NNC_API int32_t nnc_lstm_sequence(const double *c, int32_t c_bytes, int32_t dtype, float *hs,
                                  float *cs, float *act, const float *xg, const float *whh);
NNC_API int32_t nnc_lstm_sequence_backward(const double *c, int32_t c_bytes, int32_t dtype,
                                           float *dgh, float *dh0, float *dc0, const float *dy,
                                           const float *act, const float *cs, const float *whh);
NNC_API int32_t nnc_gru_cell(const double *c, int32_t c_bytes, int32_t dtype, void *h, void *act,
                             const void *xg, const void *hg, const void *bhh, const void *hprev);
NNC_API int32_t nnc_gru_cell_backward(const double *c, int32_t c_bytes, int32_t dtype, void *dxg,
                                      void *dhg, void *dhprev, const void *act, const void *hprev,
                                      const void *dh);
/* Fused scaled dot-product attention (native/src/attention.c), in the arithmetic of @nnc/tensor's
 * JS kernels (tensor/js/attention.ts), on strided [N, H, L, D] views with a unit column stride
 * (lse [N, H, Lq] and the mask with any strides). c = [N, H, Lq, Lk, D, Dv, scale, causal, then per
 * buffer argument in order: bytes, offset, stride n, stride h, stride row, stride column]; a NULL
 * mask has bytes 0. */
NNC_API int32_t nnc_attention(const double *c, int32_t c_bytes, int32_t dtype, void *out, void *lse,
                              const void *q, const void *k, const void *v, const void *mask);
NNC_API int32_t nnc_attention_backward(const double *c, int32_t c_bytes, int32_t dtype, void *dq,
                                       void *dk, void *dv, const void *q, const void *k,
                                       const void *v, const void *mask, const void *out,
                                       const void *lse, const void *dout);

/* Fused layer normalisation over the last axis of contiguous [R, C] arrays (native/src/layer_norm.c),
 * in the arithmetic of @nnc/tensor's JS kernels (tensor/js/layer_norm.ts). c = [R, C, eps, then the
 * byte length of each buffer argument in order (0 for a NULL weight, bias, dweight or dbias)]. */
NNC_API int32_t nnc_layer_norm(const double *c, int32_t c_bytes, int32_t dtype, void *out, void *mean,
                               void *rstd, const void *x, const void *w, const void *b);
NNC_API int32_t nnc_layer_norm_backward(const double *c, int32_t c_bytes, int32_t dtype, void *dx,
                                        void *dw, void *db, const void *g, const void *x,
                                        const void *mean, const void *rstd, const void *w);

/* Plain GEMM entry points for benchmarks: C[M,N] = A[M,K] B[K,N], all row-major contiguous.
 * builtin != 0 forces libnnc's own GEMM. */
NNC_API int32_t nnc_sgemm(int32_t M, int32_t N, int32_t K, const float *A, const float *B,
                          float *C, int32_t builtin);
NNC_API int32_t nnc_dgemm(int32_t M, int32_t N, int32_t K, const double *A, const double *B,
                          double *C, int32_t builtin);

#endif
