/* Convolutions (PyTorch's cross-correlation, 1-, 2- and 3-d, stride, padding, dilation, groups)
 * and their gradients for the input and the weight, image by image: each thread unfolds one image
 * (one group) into a scratch buffer of its own that stays in its cache (C·∏kernel × L elements:
 * 225 KiB for the 32→64 3×3 layer of a 28×28 CNN) and multiplies it there, where im2col + one
 * batched GEMM wrote and read back an unfolded copy of the whole batch (14 MiB for that layer, in
 * fresh pages) and added the bias in one more pass. 1×1 convolutions with stride 1 and no padding
 * need no unfolding: the image is the GEMM's operand.
 *
 * How a float32 image is unfolded and folded back, with AVX-512 (otherwise the row loops):
 * rows of at most 32 elements (28×28 and smaller maps) through registers, one permute per tap and
 * row (small_unfold, small_fold); longer rows with a stride through gather tables
 * (unfold_table_float, fold_table_float); longer stride-1 rows by the row loops' memcpy. Each
 * fold sums an input element's taps from zero in tap order, so all of them give the same bits.
 *
 * Operands: 0 out, 1 x (or dy), 2 w (or x), 3 bias; parameters as window.c's (spatial rank,
 * kernel, stride, padding, dilation) plus groups at 13. out is contiguous; w must be contiguous
 * (the JS side makes it so: a weight is small).
 *
 * Float32 stride-1 2-d convolutions on x86-64 machines with AVX-512 or AVX2 skip the unfolding
 * (stride-2 ones too, over phase planes of the input or, for their input gradient, of dx): see "implicit
 * GEMM" below; 3×3 ones with padding 1 take Winograd's algorithms where they measured
 * faster (see "Winograd" below). */
#include "internal.h"
#include "window.h"
#include <stdlib.h>

/* A convolution's three products (prepare_product): y = x ⊛ w, dx = dy ⊛ wflip, dw = Σ dy ⋆ x. */
#define WINO_FORWARD 0
#define WINO_INPUT_GRAD 1
#define WINO_WEIGHT_GRAD 2

typedef struct {
  nnc_arr *x;           /* the image side: x (forward, weight grad) or dx (input grad) */
  nnc_arr *w;           /* weight [Cout, CinG, ...kernel] (forward, input grad) or dw */
  nnc_arr *y;           /* the output side: out (forward) or dy (both grads) */
  const nnc_arr *bias;  /* forward only, may be NULL */
  axis_t ax[3];
  int64_t xs[3];        /* spatial strides of x, lifted */
  int64_t lo[3][64], hi[3][64];
  int64_t N, Cin, Cout, G, CinG, CoutG, KK, L, inPlane;
  int direct;           /* 1×1, stride 1, no padding, contiguous planes: no unfolding */
  int es;
  int parts;            /* weight grad: accumulators */
  char *acc;            /* weight grad: parts × Cout·CinG·KK */
  int64_t ld;           /* row pitch of the unfolded scratch: a full block's columns */
  int32_t *utab;        /* strided float32 unfold: [KK][L] input offsets, -1 on padding; or NULL */
  int32_t *ftab;        /* strided float32 fold: [fmax][inPlane] scratch offsets, -1 for none; or NULL */
  int64_t fmax;         /* most taps reaching one input element */
  int small;            /* strided float32 rows short enough for small_rows (AVX-512) */
  float *pooled;        /* nnc_conv_max_pool: the pooled output [N, Cout, pH, pW]; else NULL */
  int32_t *pidx;        /* its argmax indices, flat within each plane of the convolution's output */
  int64_t pk[2], ps[2], pPlane; /* the pooling window, its stride, pH·pW */
  const char *pg;       /* the *_pooled gradients: max pooling's output gradient [N, Cout, ...]; else NULL */
  const int32_t *pix;   /* its argmax indices within each plane of the convolution's output */
  int64_t pQ;           /* pooled positions per plane */
  int pDistinct;        /* each index at most once per plane: stored, not added */
#if defined(NNC_IMPLICIT_CONV)
  /* The implicit GEMM (float32, stride 1, dilation 1, 2-d, one group; see implicit_ok): */
  int implicit;
  int64_t xst;           /* the stride (1 or 2): x's strips hold xst × xst phase planes per channel */
  int64_t S;             /* images stitched side by side into one strip per product (stitch_of) */
  int64_t Wi, Wp, PP, P, NP; /* x padded: an image's segment, the strip's row length (S·Wi), plane
                              * stride, outputs over the strip's width, P to 32 */
  int64_t Wqi, Wq, PQ, Pq, NPq; /* dy padded for the input gradient: the same */
  int32_t *boff;         /* [Cin·KK]: channel c, tap t → c·PP + kh·Wp + kw */
  int32_t *boffq;        /* [Cout·KK]: channel c, tap t → c·PQ + kh·Wq + kw */
  float *wflip;          /* [Cin, Cout·KK]: wflip[ci][co·KK + t] = w[co][ci][KK − 1 − t] */
  /* Winograd F(2×2, 3×3) (the forward pass and the input gradient of 3×3 padding-1 layers; see
   * winograd_ok): */
  int wino;              /* this product runs on it */
  int wig;               /* which product: WINO_FORWARD, WINO_INPUT_GRAD, WINO_WEIGHT_GRAD */
  int64_t wtH, wtW, wT;  /* tiles of 2×2 outputs per column, row, image (rows padded: wtWp) */
  int64_t wtWp, wL;      /* a row of tiles padded to the transforms' vector of wL tiles */
  int64_t wG, wTp;       /* images per group, the group's tiles to 16 */
  float *wU;             /* [16, Co, Ci]: the transformed weight, Ci → Co channels */
  int32_t *woff;         /* [Ci]: k → k·wTp (rows of the transformed tiles) */
  /* Winograd F(2, 3) along rows (3×3 padding-1 layers with fewer channels; see row_winograd_ok): */
  int rwino;             /* the weight gradient runs on it */
  int64_t rtW, rPL, rN;  /* output pairs per row, a transformed plane's stride, the product's depth */
  int32_t *roff;         /* [Ci·3]: (c, kh) → c·rPL + kh·rtW */
  /* The stride-2 input gradient over phases (see phase_ig_ok), on the strips' Wqi, Wq, PQ, S: */
  int pig;               /* this input gradient runs on it */
  int64_t gTh, gTw;      /* dy's strips: zero rows above, zero columns left of each image */
  int64_t gM[2], gN[2];  /* taps of row phase r (kernel rows r, r + 2, …), of column phase q */
  int64_t gI0[2], gI[2]; /* rows of row phase r computed: gI0[r] .. gI[r] − 1 (the image's) */
  int64_t gNP;           /* a phase product's row pitch */
  int64_t gwo[4];        /* phase p = 2r + q: its first tap column (its weight at gw + Cin·gwo[p]) */
  float *gw;             /* phase p's weight [Cin, Cout·gM[r]·gN[q]], the four one after another */
  int32_t *goff;         /* [Cout·KK]: phase p's taps' offsets into dy's strips from goff + gwo[p] */
#endif
  int rc;
} conv_job;

/* Rows [c0, c0 + CinG) of image n unfolded into cols [CinG·KK, L] with row pitch ld (>= L: the
 * images of a block lie side by side). */
#define UNFOLD(T)                                                                                  \
  static void unfold_##T(const conv_job *j, int64_t n, int64_t c0, T *cols, int64_t ld) {         \
    const axis_t *ad = &j->ax[0], *ah = &j->ax[1], *aw = &j->ax[2];                                \
    const int64_t oH = ah->o, oW = aw->o, L = j->L;                                                \
    const int64_t sW = aw->s * j->xs[2];                                                           \
    for (int64_t c = 0; c < j->CinG; c++) {                                                        \
      const T *xc = (const T *)j->x->data + j->x->off + n * j->x->strides[0] +                     \
                    (c0 + c) * j->x->strides[1];                                                   \
      T *o = cols + c * j->KK * ld;                                                                \
      for (int64_t kd = 0; kd < ad->k; kd++) {                                                     \
        const int64_t dlo = j->lo[0][kd], dhi = j->hi[0][kd], dS = kd * ad->dil - ad->p;           \
        for (int64_t kh = 0; kh < ah->k; kh++) {                                                   \
          const int64_t hlo = j->lo[1][kh], hhi = j->hi[1][kh], hS = kh * ah->dil - ah->p;         \
          for (int64_t kw = 0; kw < aw->k; kw++, o += ld) {                                        \
            const int64_t wlo = j->lo[2][kw], whi = j->hi[2][kw], wS = kw * aw->dil - aw->p;       \
            if (dlo >= dhi || hlo >= hhi || wlo >= whi) {                                          \
              memset(o, 0, (size_t)L * sizeof(T));                                                 \
              continue;                                                                            \
            }                                                                                      \
            T *r = o;                                                                              \
            for (int64_t od = 0; od < ad->o; od++) {                                               \
              if (od < dlo || od >= dhi) {                                                         \
                memset(r, 0, (size_t)(oH * oW) * sizeof(T));                                       \
                r += oH * oW;                                                                      \
                continue;                                                                          \
              }                                                                                    \
              const int64_t xd = (od * ad->s + dS) * j->xs[0];                                     \
              for (int64_t oh = 0; oh < oH; oh++, r += oW) {                                       \
                if (oh < hlo || oh >= hhi) {                                                       \
                  memset(r, 0, (size_t)oW * sizeof(T));                                            \
                  continue;                                                                        \
                }                                                                                  \
                for (int64_t w = 0; w < wlo; w++) r[w] = 0;                                        \
                const T *src = xc + xd + (oh * ah->s + hS) * j->xs[1] + (wlo * aw->s + wS) * j->xs[2]; \
                if (sW == 1) memcpy(r + wlo, src, (size_t)(whi - wlo) * sizeof(T));                \
                else                                                                               \
                  for (int64_t w = wlo; w < whi; w++, src += sW) r[w] = *src;                      \
                for (int64_t w = whi; w < oW; w++) r[w] = 0;                                       \
              }                                                                                    \
            }                                                                                      \
          }                                                                                        \
        }                                                                                          \
      }                                                                                            \
    }                                                                                              \
  }

/* The adjoint: cols [CinG·KK, L] (row pitch ld) summed into channels [c0, c0 + CinG) of image n of
 * x (a contiguous dx), which it zeroes first. */
#define FOLD(T)                                                                                    \
  static void fold_##T(const conv_job *j, int64_t n, int64_t c0, const T *cols, int64_t ld) {     \
    const axis_t *ad = &j->ax[0], *ah = &j->ax[1], *aw = &j->ax[2];                                \
    const int64_t oH = ah->o, oW = aw->o, H = ah->n, W = aw->n, sW = aw->s;                        \
    T *img = (T *)j->x->data + j->x->off + (n * j->Cin + c0) * j->inPlane;                         \
    memset(img, 0, (size_t)(j->CinG * j->inPlane) * sizeof(T));                                    \
    for (int64_t c = 0; c < j->CinG; c++) {                                                        \
      T *oc = img + c * j->inPlane;                                                                \
      const T *q0 = cols + c * j->KK * ld;                                                         \
      for (int64_t kd = 0; kd < ad->k; kd++) {                                                     \
        const int64_t dS = kd * ad->dil - ad->p;                                                   \
        for (int64_t kh = 0; kh < ah->k; kh++) {                                                   \
          const int64_t hS = kh * ah->dil - ah->p;                                                 \
          for (int64_t kw = 0; kw < aw->k; kw++, q0 += ld) {                                       \
            const int64_t wlo = j->lo[2][kw], whi = j->hi[2][kw], wS = kw * aw->dil - aw->p;       \
            for (int64_t od = j->lo[0][kd]; od < j->hi[0][kd]; od++) {                             \
              const int64_t outD = (od * ad->s + dS) * H * W;                                      \
              for (int64_t oh = j->lo[1][kh]; oh < j->hi[1][kh]; oh++) {                           \
                T *p = oc + outD + (oh * ah->s + hS) * W + wlo * sW + wS;                          \
                const T *q = q0 + (od * oH + oh) * oW + wlo;                                       \
                if (sW == 1)                                                                       \
                  for (int64_t w = 0; w < whi - wlo; w++) p[w] += q[w];                            \
                else                                                                               \
                  for (int64_t w = 0; w < whi - wlo; w++) p[w * sW] += q[w];                       \
              }                                                                                    \
            }                                                                                      \
          }                                                                                        \
        }                                                                                          \
      }                                                                                            \
    }                                                                                              \
  }

UNFOLD(float)
UNFOLD(double)
FOLD(float)
FOLD(double)

/* Strided float32 convolutions (the 4×4 stride-2 layers of a DCGAN) unfold and fold through
 * tables of offsets with AVX-512 gathers: the row loops above copy such rows element by element,
 * a handful of elements per row (7×7 outputs), and the fold adds them one by one into memory it
 * cleared first; together they were a quarter of a DCGAN step. The tables depend on the geometry
 * only (and the fold's on the scratch pitch), so one pair serves every image and channel. */
#if defined(__AVX512F__)
/* cols[t, l] = x[c, offset(t, l)] or 0 on padding, for every tap t and output position l. */
static void unfold_table_float(const conv_job *j, int64_t n, int64_t c0, float *cols, int64_t ld) {
  const int64_t L = j->L, KK = j->KK;
  const __m512i none = _mm512_set1_epi32(-1);
  for (int64_t c = 0; c < j->CinG; c++) {
    const float *xc = (const float *)j->x->data + j->x->off + n * j->x->strides[0] + (c0 + c) * j->x->strides[1];
    for (int64_t t = 0; t < KK; t++) {
      const int32_t *tab = j->utab + t * L;
      float *row = cols + (c * KK + t) * ld;
      for (int64_t l = 0; l < L; l += 16) {
        const __mmask16 m = first_lanes(L - l);
        const __m512i at = _mm512_maskz_loadu_epi32(m, tab + l);
        const __mmask16 inside = _mm512_mask_cmpgt_epi32_mask(m, at, none);
        const __m512 v = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), inside, at, xc, 4);
        _mm512_mask_storeu_ps(row + l, m, v);
      }
    }
  }
}

/* The adjoint, element by element of the image: each input element is the sum of the scratch
 * elements of the taps that read it, taken in tap order from zero, as fold_float adds them; so the
 * bits are fold_float's. */
static void fold_table_float(const conv_job *j, int64_t n, int64_t c0, const float *cols, int64_t ld) {
  const int64_t P = j->inPlane;
  float *img = (float *)j->x->data + j->x->off + (n * j->Cin + c0) * P;
  const __m512i none = _mm512_set1_epi32(-1);
  for (int64_t c = 0; c < j->CinG; c++) {
    const float *q = cols + c * j->KK * ld;
    float *out = img + c * P;
    for (int64_t p = 0; p < P; p += 16) {
      const __mmask16 m = first_lanes(P - p);
      __m512 sum = _mm512_setzero_ps();
      for (int64_t k = 0; k < j->fmax; k++) {
        const __m512i at = _mm512_maskz_loadu_epi32(m, j->ftab + k * P + p);
        const __mmask16 some = _mm512_mask_cmpgt_epi32_mask(m, at, none);
        sum = _mm512_add_ps(sum, _mm512_mask_i32gather_ps(_mm512_setzero_ps(), some, at, q, 4));
      }
      _mm512_mask_storeu_ps(out + p, m, sum);
    }
  }
}

/* Short rows (input and output rows of at most 32 elements: the 28×28 and smaller maps of a CNN)
 * go through registers: an input row is loaded once into two vectors, and each half of the output
 * row of each tap kw that reads it is one two-source permute of them, padding zeroed by its mask;
 * the row loops copied such rows element by element (strided) or by a memcpy call each, and a
 * gather per 16 outputs cost about three times as much. The fold runs the other way: each half of
 * an input row sums, from zero and in tap order (kh, then kw) as fold_float does, one permute of
 * each output row that reaches it, so the bits are fold_float's; no clearing pass, no
 * read-modify-write of the image. */
static int small_rows(const conv_job *j) {
  const axis_t *a = j->ax;
  return j->es == 4 && !j->direct && a[2].n <= 32 && a[2].o <= 32 && a[0].n == 1 && a[0].o == 1 &&
         a[0].k == 1 && j->xs[2] == 1;
}

/* Tap kw, half h of the output row: lane ow reads input element ow·s + kw·dil − p (`at`), where
 * `in`. */
static void small_unfold_lanes(const conv_job *j, int64_t kw, int h, __m512i *at, __mmask16 *in) {
  const axis_t *aw = &j->ax[2];
  int32_t idx[16];
  __mmask16 m = 0;
  for (int lane = 0; lane < 16; lane++) {
    const int64_t ow = h * 16 + lane, w = ow * aw->s + kw * aw->dil - aw->p;
    const int inside = ow < aw->o && w >= 0 && w < aw->n;
    idx[lane] = inside ? (int32_t)w : 0;
    if (inside) m |= (__mmask16)(1u << lane);
  }
  *at = _mm512_loadu_si512(idx);
  *in = m;
}

/* Tap kw, half h of the input row: lane w takes output element ow (`from`), where `in`. */
static void small_fold_lanes(const conv_job *j, int64_t kw, int h, __m512i *from, __mmask16 *in) {
  const axis_t *aw = &j->ax[2];
  int32_t idx[16];
  __mmask16 m = 0;
  for (int lane = 0; lane < 16; lane++) {
    const int64_t w = h * 16 + lane, t = w + aw->p - kw * aw->dil;
    idx[lane] = 0;
    if (w >= aw->n || t < 0 || t % aw->s || t / aw->s >= aw->o) continue;
    idx[lane] = (int32_t)(t / aw->s);
    m |= (__mmask16)(1u << lane);
  }
  *from = _mm512_loadu_si512(idx);
  *in = m;
}

static void small_unfold(const conv_job *j, int64_t n, int64_t c0, float *cols, int64_t ld) {
  const axis_t *ah = &j->ax[1], *aw = &j->ax[2];
  const int64_t oH = ah->o, oW = aw->o, W = aw->n;
  const int halves = oW > 16 ? 2 : 1;
  const __mmask16 lo = first_lanes(W), hi = first_lanes(W - 16);
  const __mmask16 out[2] = {first_lanes(oW), first_lanes(oW - 16)};
  __m512i at[64][2];
  __mmask16 in[64][2];
  for (int64_t kw = 0; kw < aw->k; kw++)
    for (int h = 0; h < 2; h++) small_unfold_lanes(j, kw, h, &at[kw][h], &in[kw][h]);
  for (int64_t c = 0; c < j->CinG; c++) {
    const float *xc = (const float *)j->x->data + j->x->off + n * j->x->strides[0] + (c0 + c) * j->x->strides[1];
    float *o = cols + c * j->KK * ld;
    for (int64_t kh = 0; kh < ah->k; kh++) {
      float *taps = o + kh * aw->k * ld;
      for (int64_t oh = 0; oh < oH; oh++) {
        const int64_t ih = oh * ah->s + kh * ah->dil - ah->p;
        const int inside = ih >= 0 && ih < ah->n;
        __m512 a = _mm512_setzero_ps(), b = _mm512_setzero_ps();
        if (inside) {
          a = _mm512_maskz_loadu_ps(lo, xc + ih * j->xs[1]);
          b = _mm512_maskz_loadu_ps(hi, xc + ih * j->xs[1] + 16);
        }
        for (int64_t kw = 0; kw < aw->k; kw++)
          for (int h = 0; h < halves; h++) {
            const __m512 v = _mm512_maskz_permutex2var_ps(inside ? in[kw][h] : 0, a, at[kw][h], b);
            _mm512_mask_storeu_ps(taps + kw * ld + oh * oW + 16 * h, out[h], v);
          }
      }
    }
  }
}

static void small_fold(const conv_job *j, int64_t n, int64_t c0, const float *cols, int64_t ld) {
  const axis_t *ah = &j->ax[1], *aw = &j->ax[2];
  const int64_t oW = aw->o, W = aw->n, P = j->inPlane;
  const __mmask16 lo = first_lanes(W), hi = first_lanes(W - 16);
  const __mmask16 out0 = first_lanes(oW), out1 = first_lanes(oW - 16);
  __m512i from[64][2];
  __mmask16 in[64][2];
  for (int64_t kw = 0; kw < aw->k; kw++)
    for (int h = 0; h < 2; h++) small_fold_lanes(j, kw, h, &from[kw][h], &in[kw][h]);
  float *img = (float *)j->x->data + j->x->off + (n * j->Cin + c0) * P;
  for (int64_t c = 0; c < j->CinG; c++) {
    const float *q = cols + c * j->KK * ld;
    for (int64_t ih = 0; ih < ah->n; ih++) {
      __m512 a = _mm512_setzero_ps(), b = _mm512_setzero_ps();
      for (int64_t kh = 0; kh < ah->k; kh++) {
        const int64_t t = ih + ah->p - kh * ah->dil;
        if (t < 0 || t % ah->s || t / ah->s >= ah->o) continue;
        const float *rows = q + kh * aw->k * ld + (t / ah->s) * oW;
        for (int64_t kw = 0; kw < aw->k; kw++) {
          const __m512 v0 = _mm512_maskz_loadu_ps(out0, rows + kw * ld);
          const __m512 v1 = _mm512_maskz_loadu_ps(out1, rows + kw * ld + 16);
          a = _mm512_mask_add_ps(a, in[kw][0], a, _mm512_permutex2var_ps(v0, from[kw][0], v1));
          b = _mm512_mask_add_ps(b, in[kw][1], b, _mm512_permutex2var_ps(v0, from[kw][1], v1));
        }
      }
      float *row = img + c * P + ih * W;
      _mm512_mask_storeu_ps(row, lo, a);
      _mm512_mask_storeu_ps(row + 16, hi, b);
    }
  }
}
#endif

/* Offset of output position l = (od, oh, ow) under tap t = (kd, kh, kw) in the input's channel,
 * by the input's strides `xs` (element units), or -1 when it falls on padding. */
static int64_t tap_source(const conv_job *j, int64_t t, int64_t l, const int64_t *xs) {
  const axis_t *a = j->ax;
  const int64_t k[3] = {t / (a[1].k * a[2].k), t / a[2].k % a[1].k, t % a[2].k};
  const int64_t o[3] = {l / (a[1].o * a[2].o), l / a[2].o % a[1].o, l % a[2].o};
  int64_t off = 0;
  for (int i = 0; i < 3; i++) {
    const int64_t at = o[i] * a[i].s + k[i] * a[i].dil - a[i].p;
    if (at < 0 || at >= a[i].n) return -1;
    off += at * xs[i];
  }
  return off;
}

/* Builds the gather tables for a strided float32 convolution on a machine with AVX-512, when
 * every offset fits in 32 bits and the tables stay small; leaves them NULL otherwise (the row
 * loops serve). `fold`: the input gradient's table too, for scratch pitch j->ld. */
static int build_tables(conv_job *j, int fold) {
#if defined(__AVX512F__)
  const axis_t *a = j->ax;
  if ((j->small = small_rows(j))) return NNC_OK;
  if (j->es != 4 || j->direct || a[2].s * j->xs[2] == 1) return NNC_OK;
  const int64_t KK = j->KK, L = j->L, P = j->inPlane;
  if (KK * L > ((int64_t)1 << 22) || KK * j->ld >= ((int64_t)1 << 31)) return NNC_OK;
  int64_t reach = 0; /* the largest offset; -1 must stay free for padding */
  for (int i = 0; i < 3; i++) {
    if (j->xs[i] < 0) return NNC_OK;
    reach += (a[i].n - 1) * j->xs[i];
  }
  if (reach >= ((int64_t)1 << 31)) return NNC_OK;
  j->utab = nnc_alloc((size_t)(KK * L) * sizeof(int32_t));
  if (!j->utab) return NNC_E_NOMEM;
  for (int64_t t = 0; t < KK; t++)
    for (int64_t l = 0; l < L; l++) j->utab[t * L + l] = (int32_t)tap_source(j, t, l, j->xs);
  if (!fold) return NNC_OK;
  /* The fold writes a contiguous image: its offsets are element indices of the plane. */
  const int64_t plane[3] = {a[1].n * a[2].n, a[2].n, 1};
  int32_t *count = nnc_alloc((size_t)P * sizeof(int32_t));
  if (!count) return NNC_E_NOMEM;
  memset(count, 0, (size_t)P * sizeof(int32_t));
  int64_t most = 0;
  for (int64_t t = 0; t < KK; t++)
    for (int64_t l = 0; l < L; l++) {
      const int64_t at = tap_source(j, t, l, plane);
      if (at >= 0 && ++count[at] > most) most = count[at];
    }
  if (most * P > ((int64_t)1 << 22)) {
    nnc_free(count);
    return NNC_OK;
  }
  j->fmax = most;
  j->ftab = nnc_alloc((size_t)(most * P + 1) * sizeof(int32_t));
  if (!j->ftab) {
    nnc_free(count);
    return NNC_E_NOMEM;
  }
  memset(j->ftab, 0xff, (size_t)(most * P + 1) * sizeof(int32_t));
  memset(count, 0, (size_t)P * sizeof(int32_t));
  /* Taps in ascending order, so each element's list is in fold_float's order of addition. */
  for (int64_t t = 0; t < KK; t++)
    for (int64_t l = 0; l < L; l++) {
      const int64_t at = tap_source(j, t, l, plane);
      if (at >= 0) j->ftab[count[at]++ * P + at] = (int32_t)(t * j->ld + l);
    }
  nnc_free(count);
#else
  (void)j, (void)fold;
#endif
  return NNC_OK;
}

static void free_tables(conv_job *j) {
  nnc_free(j->utab);
  nnc_free(j->ftab);
  j->utab = j->ftab = NULL;
#if defined(NNC_IMPLICIT_CONV)
  nnc_free(j->boff);
  nnc_free(j->boffq);
  nnc_free(j->wflip);
  nnc_free(j->wU);
  nnc_free(j->woff);
  nnc_free(j->roff);
  nnc_free(j->goff);
  nnc_free(j->gw);
  j->boff = j->boffq = j->woff = j->roff = j->goff = NULL;
  j->wflip = j->wU = j->gw = NULL;
#endif
}

static int gemm_t(int es, int64_t M, int64_t N, int64_t K, const void *A, int64_t rsa, int64_t csa,
                  const void *B, int64_t rsb, int64_t csb, void *C, int64_t ldc) {
  if (es == 4)
    return nnc_gemm_f32(M, N, K, A, rsa, csa, B, rsb, csb, C, ldc, 0);
  return nnc_gemm_f64(M, N, K, A, rsa, csa, B, rsb, csb, C, ldc, 0);
}

/* Images per GEMM: one when an image has enough output positions, else as many as make about
 * BLOCK_COLUMNS columns (7×7 maps of a ResNet's last stage: one image gives a 49-column GEMM
 * that runs at a fraction of the BLAS's speed), side by side in the scratch. */
#define BLOCK_COLUMNS 384

static int64_t block_of(const conv_job *j, int64_t left) {
  if (j->direct || j->L >= BLOCK_COLUMNS) return 1;
  const int64_t b = (BLOCK_COLUMNS + j->L - 1) / j->L;
  return b < left ? b : left;
}

/* Images [n0, n0 + B) of group g unfolded side by side: [CinG·KK, B·L]. The image itself (B = 1,
 * row pitch = its channel stride) when direct. NULL when scratch cannot be had. */
static const char *columns(const conv_job *j, int64_t n0, int64_t B, int64_t g, int slot, int64_t *ld) {
  const int64_t c0 = g * j->CinG;
  if (j->direct) {
    *ld = j->x->strides[1];
    return j->x->data + (j->x->off + n0 * j->x->strides[0] + c0 * j->x->strides[1]) * j->es;
  }
  *ld = B * j->L;
  char *cols = nnc_scratch(slot, (size_t)(j->CinG * j->KK * B * j->L) * (size_t)j->es);
  if (!cols) return NULL;
  for (int64_t i = 0; i < B; i++) {
#if defined(__AVX512F__)
    if (j->small) {
      small_unfold(j, n0 + i, c0, (float *)cols + i * j->L, B * j->L);
      continue;
    }
    if (j->utab) {
      unfold_table_float(j, n0 + i, c0, (float *)cols + i * j->L, B * j->L);
      continue;
    }
#endif
    if (j->es == 4) unfold_float(j, n0 + i, c0, (float *)cols + i * j->L, B * j->L);
    else unfold_double(j, n0 + i, c0, (double *)cols + i * j->L, B * j->L);
  }
  return cols;
}

/* The [CoutG, L] block of group g of image n of a [N, Cout, ...] array. */
static char *out_block(const conv_job *j, const nnc_arr *a, int64_t n, int64_t g) {
  return a->data + (a->off + (n * j->Cout + g * j->CoutG) * j->L) * j->es;
}

/* Copies group g of images [n0, n0 + B) between the NCHW array a and a [CoutG, B·L] block. */
static void gather_block(const conv_job *j, const nnc_arr *a, int64_t n0, int64_t B, int64_t g,
                         char *block, int to_block) {
  const int64_t L = j->L, es = j->es;
  for (int64_t i = 0; i < B; i++) {
    char *img = out_block(j, a, n0 + i, g);
    for (int64_t co = 0; co < j->CoutG; co++) {
      char *b = block + (co * B * L + i * L) * es, *m = img + co * L * es;
      if (to_block) memcpy(b, m, (size_t)(L * es));
      else memcpy(m, b, (size_t)(L * es));
    }
  }
}

/* ---------------- forward ---------------- */

static void add_bias(const conv_job *j, char *out, int64_t g) {
  for (int64_t co = 0; co < j->CoutG; co++) {
    const int64_t bi = j->bias->off + (g * j->CoutG + co) * j->bias->strides[0];
    if (j->es == 4) {
      const float v = ((const float *)j->bias->data)[bi];
      float *r = (float *)out + co * j->L;
      for (int64_t l = 0; l < j->L; l++) r[l] += v;
    } else {
      const double v = ((const double *)j->bias->data)[bi];
      double *r = (double *)out + co * j->L;
      for (int64_t l = 0; l < j->L; l++) r[l] += v;
    }
  }
}

/* nnc_conv_max_pool: each plane of group g of images [n0, n0 + B), in the [CoutG, B·L] block,
 * gets its bias (the same addition as add_bias) and is max-pooled into j->pooled while it is in
 * cache; the convolution's output itself is never written. */
static void pool_block(const conv_job *j, int64_t n0, int64_t B, int64_t g, float *block) {
  const int64_t L = j->L, H = j->ax[1].o, W = j->ax[2].o;
  for (int64_t co = 0; co < j->CoutG; co++) {
    const int64_t c = g * j->CoutG + co;
    for (int64_t i = 0; i < B; i++) {
      float *plane = block + co * B * L + i * L;
      if (j->bias) {
        const float v = ((const float *)j->bias->data)[j->bias->off + c * j->bias->strides[0]];
        for (int64_t l = 0; l < L; l++) plane[l] += v;
      }
      const int64_t o = ((n0 + i) * j->Cout + c) * j->pPlane;
      nnc_max_pool_plane_f32(plane, H, W, W, j->pk[0], j->pk[1], j->ps[0], j->ps[1], j->pooled + o, j->pidx + o);
    }
  }
}

static void forward_task(void *ctx, int64_t b, int64_t e) {
  conv_job *j = ctx;
  const int es = j->es;
  const int64_t KW = j->CinG * j->KK; /* weight row length */
  for (int64_t n = b; n < e;) {
    const int64_t B = block_of(j, e - n);
    for (int64_t g = 0; g < j->G; g++) {
      int64_t ld;
      const char *cols = columns(j, n, B, g, 0, &ld);
      const int block = B > 1 || j->pooled;
      char *tmp = block ? nnc_scratch(1, (size_t)(j->CoutG * B * j->L) * (size_t)es) : NULL;
      if (!cols || (block && !tmp)) {
        j->rc = NNC_E_NOMEM;
        return;
      }
      const char *w = j->w->data + (j->w->off + g * j->CoutG * KW) * es;
      char *dst = block ? tmp : out_block(j, j->y, n, g);
      int rc = gemm_t(es, j->CoutG, B * j->L, KW, w, KW, 1, cols, ld, 1, dst, B * j->L);
      if (rc) j->rc = rc;
      if (j->pooled) {
        pool_block(j, n, B, g, (float *)tmp);
        continue;
      }
      if (B > 1) gather_block(j, j->y, n, B, g, tmp, 0);
      if (j->bias)
        for (int64_t i = 0; i < B; i++) add_bias(j, out_block(j, j->y, n + i, g), g);
    }
    n += B;
  }
}

/* The *_pooled gradients: the convolution's output gradient for group g of images [n0, n0 + B)
 * as a [CoutG, B·L] block, made from max pooling's output gradient: every plane cleared and each
 * pooled gradient added at its argmax in order, as nnc_max_pool_grad makes it, so the block holds
 * the same values as the full gradient would. Returns NNC_E_BOUNDS for an index outside a plane. */
static int unpool_block(const conv_job *j, int64_t n0, int64_t B, int64_t g, char *block) {
  const int64_t L = j->L, Q = j->pQ;
  memset(block, 0, (size_t)(j->CoutG * B * L) * (size_t)j->es);
  for (int64_t co = 0; co < j->CoutG; co++) {
    for (int64_t i = 0; i < B; i++) {
      const int64_t src = ((n0 + i) * j->Cout + g * j->CoutG + co) * Q, at = co * B * L + i * L;
      const int32_t *ix = j->pix + src;
      /* Distinct indices (windows that do not overlap) each land on a zero: a store of g + 0
       * gives the bits of 0 + g (-0 becomes +0) without a dependent load. */
      if (j->es == 4) {
        float *plane = (float *)block + at;
        const float *gp = (const float *)j->pg + src;
        for (int64_t q = 0; q < Q; q++) {
          const uint32_t v = (uint32_t)ix[q];
          if (v >= (uint64_t)L) return NNC_E_BOUNDS;
          if (j->pDistinct) plane[v] = gp[q] + 0.0f;
          else plane[v] += gp[q];
        }
      } else {
        double *plane = (double *)block + at;
        const double *gp = (const double *)j->pg + src;
        for (int64_t q = 0; q < Q; q++) {
          const uint32_t v = (uint32_t)ix[q];
          if (v >= (uint64_t)L) return NNC_E_BOUNDS;
          if (j->pDistinct) plane[v] = gp[q] + 0.0;
          else plane[v] += gp[q];
        }
      }
    }
  }
  return NNC_OK;
}

/* The [CoutG, B·L] output-gradient block of group g of images [n0, n0 + B): unpooled into scratch
 * slot 2 (*_pooled), gathered there (B > 1), or the array's own block. NULL on failure (j->rc). */
static const char *dy_block(conv_job *j, int64_t n0, int64_t B, int64_t g) {
  if (!j->pg && B == 1) return out_block(j, j->y, n0, g);
  char *b = nnc_scratch(2, (size_t)(j->CoutG * B * j->L) * (size_t)j->es);
  if (!b) {
    j->rc = NNC_E_NOMEM;
    return NULL;
  }
  if (!j->pg) {
    gather_block(j, j->y, n0, B, g, b, 1);
    return b;
  }
  const int rc = unpool_block(j, n0, B, g, b);
  if (rc) {
    j->rc = rc;
    return NULL;
  }
  return b;
}

/* ---------------- gradient for the input ---------------- */

static void input_grad_task(void *ctx, int64_t b, int64_t e) {
  conv_job *j = ctx;
  const int es = j->es;
  const int64_t KW = j->CinG * j->KK;
  for (int64_t n = b; n < e;) {
    const int64_t B = block_of(j, e - n);
    for (int64_t g = 0; g < j->G; g++) {
      const char *w = j->w->data + (j->w->off + g * j->CoutG * KW) * es;
      int rc;
      const char *dy = dy_block(j, n, B, g);
      if (!dy) return;
      if (j->direct) {
        /* dx[n, group] = w_gᵀ · dy[n, group]: [CinG, L] */
        char *dx = j->x->data + (j->x->off + (n * j->Cin + g * j->CinG) * j->L) * es;
        rc = gemm_t(es, KW, j->L, j->CoutG, w, 1, KW, dy, j->L, 1, dx, j->L);
      } else {
        /* Pitch j->ld, a full block's, whatever B: the fold's table holds offsets for it. */
        char *cols = nnc_scratch(0, (size_t)(KW * j->ld) * (size_t)es);
        if (!cols) {
          j->rc = NNC_E_NOMEM;
          return;
        }
        const int64_t ld = j->ld;
        rc = gemm_t(es, KW, B * j->L, j->CoutG, w, 1, KW, dy, B * j->L, 1, cols, ld);
        for (int64_t i = 0; i < B; i++) {
#if defined(__AVX512F__)
          if (j->small) {
            small_fold(j, n + i, g * j->CinG, (const float *)cols + i * j->L, ld);
            continue;
          }
          if (j->ftab) {
            fold_table_float(j, n + i, g * j->CinG, (const float *)cols + i * j->L, ld);
            continue;
          }
#endif
          if (es == 4) fold_float(j, n + i, g * j->CinG, (const float *)cols + i * j->L, ld);
          else fold_double(j, n + i, g * j->CinG, (const double *)cols + i * j->L, ld);
        }
      }
      if (rc) j->rc = rc;
    }
    n += B;
  }
}

/* ---------------- gradient for the weight ---------------- */

/* Part p of the images sums Σ dy[n, group] · cols[n, group]ᵀ into its own accumulator. */
static void weight_grad_task(void *ctx, int64_t b, int64_t e) {
  conv_job *j = ctx;
  const int es = j->es;
  const int64_t KW = j->CinG * j->KK, wsize = j->Cout * KW;
  for (int64_t p = b; p < e; p++) {
    const int64_t n0 = j->N * p / j->parts, n1 = j->N * (p + 1) / j->parts;
    char *acc = j->acc + p * wsize * es;
    char *tmp = nnc_scratch(1, (size_t)(j->CoutG * KW) * (size_t)es);
    if (!tmp) {
      j->rc = NNC_E_NOMEM;
      return;
    }
    for (int64_t n = n0; n < n1;) {
      const int64_t B = block_of(j, n1 - n);
      for (int64_t g = 0; g < j->G; g++) {
        int64_t ld;
        const char *cols = columns(j, n, B, g, 0, &ld);
        if (!cols) {
          j->rc = NNC_E_NOMEM;
          return;
        }
        const char *dy = dy_block(j, n, B, g);
        if (!dy) return;
        char *dst = acc + g * j->CoutG * KW * es;
        /* The part's first block writes its accumulator, later ones add to it. */
        char *into = n == n0 ? dst : tmp;
        int rc = gemm_t(es, j->CoutG, KW, B * j->L, dy, B * j->L, 1, cols, 1, ld, into, KW);
        if (rc) j->rc = rc;
        if (into == dst) continue;
        const int64_t m = j->CoutG * KW;
        if (es == 4)
          for (int64_t i = 0; i < m; i++) ((float *)dst)[i] += ((const float *)tmp)[i];
        else
          for (int64_t i = 0; i < m; i++) ((double *)dst)[i] += ((const double *)tmp)[i];
      }
      n += B;
    }
  }
}

#if defined(NNC_IMPLICIT_CONV)
/* ---------------- implicit GEMM ----------------
 * A stride-1 2-d convolution of float32 images without the unfolded copy: each image is padded
 * once (zeros around it, in scratch; S small images side by side in one strip, see stitch_of),
 * and the unfolded matrix — row (channel, tap), column output position — is read from the padded
 * planes at offset channel·PP + kh·Wp + kw + position, output positions running over the strip's
 * width (Wi − oW dropped columns per image and row). The forward pass and
 * the input gradient are then one product each (nnc_sgemm_offsets_b; the input gradient is the
 * convolution of the padded output gradient with the flipped, transposed weight), the weight
 * gradient its transpose: dwᵀ = (the matrix's rows, read in place) · dyᵀ (nnc_sgemm_offsets_at),
 * turned around at the end of each thread's share. small_unfold, the GEMM's packing of what it
 * wrote and small_fold were a third of a ResNet-20's convolution time. */

/* Short copies and clears (rows of a 28×28 map) inline: a memcpy or memset call per row was a
 * tenth of the implicit convolutions' time. add_floats: d = s + v, one rounding (add_bias's sum). */
#if defined(__AVX512F__)
static inline void copy_floats(float *d, const float *s, int64_t n) {
  for (int64_t i = 0; i < n; i += 16) {
    const __mmask16 k = first_lanes(n - i);
    _mm512_mask_storeu_ps(d + i, k, _mm512_maskz_loadu_ps(k, s + i));
  }
}
static inline void zero_floats(float *d, int64_t n) {
  for (int64_t i = 0; i < n; i += 16) _mm512_mask_storeu_ps(d + i, first_lanes(n - i), _mm512_setzero_ps());
}
static inline void add_floats(float *d, const float *s, int64_t n, float v) {
  const __m512 vv = _mm512_set1_ps(v);
  for (int64_t i = 0; i < n; i += 16) {
    const __mmask16 k = first_lanes(n - i);
    _mm512_mask_storeu_ps(d + i, k, _mm512_add_ps(_mm512_maskz_loadu_ps(k, s + i), vv));
  }
}
#else
static inline void copy_floats(float *d, const float *s, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(d + i, _mm256_loadu_ps(s + i));
  if (i < n) {
    const __m256i k = nnc_first_lanes8(n - i);
    _mm256_maskstore_ps(d + i, k, _mm256_maskload_ps(s + i, k));
  }
}
static inline void zero_floats(float *d, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(d + i, _mm256_setzero_ps());
  if (i < n) _mm256_maskstore_ps(d + i, nnc_first_lanes8(n - i), _mm256_setzero_ps());
}
static inline void add_floats(float *d, const float *s, int64_t n, float v) {
  const __m256 vv = _mm256_set1_ps(v);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(d + i, _mm256_add_ps(_mm256_loadu_ps(s + i), vv));
  if (i < n) {
    const __m256i k = nnc_first_lanes8(n - i);
    _mm256_maskstore_ps(d + i, k, _mm256_add_ps(_mm256_maskload_ps(s + i, k), vv));
  }
}
#endif

/* Images per strip. A small map's product is a few column panels wide, part of the last one past
 * the map (a 7×7 map over a padded width of 9: 63 columns, four 16-column panels, 49 real): S
 * images side by side in one strip, about STITCH_COLUMNS wide, sharing their padding columns,
 * make the product S times wider and its panels full (7×7: 87.5 % real columns, was 77 %). No
 * more than each thread's share of the images, so that small batches still spread over the
 * threads. NNC_CONV_STITCH=<columns> sets the width (0: one image a strip), for comparisons. */
#define STITCH_COLUMNS 64

static int64_t stitch_columns(void) {
  static int64_t cols = -1;
  if (cols < 0) {
    const char *v = getenv("NNC_CONV_STITCH");
    cols = v && *v ? strtol(v, NULL, 10) : STITCH_COLUMNS;
    if (cols < 0) cols = 0;
  }
  return cols;
}

/* An image's segment of a strip row of x: pw zeros and its row (the next segment's zeros are its
 * right padding); with stride 2, each of the two column phases of its padded row, (W + 2pw) / 2
 * rounded up (see phase_strip_images). */
static int64_t segment_width(const conv_job *j) {
  const axis_t *aw = &j->ax[2];
  return aw->s == 2 ? (aw->n + 2 * aw->p + 1) / 2 : aw->n + aw->p;
}

static int64_t stitch_of(const conv_job *j) {
  const int64_t T = nnc_threads(), share = (j->N + T - 1) / T;
  int64_t S = stitch_columns() / segment_width(j);
  if (S > share) S = share;
  return S < 1 ? 1 : S;
}

/* Stride 1 for every product; stride 2 (both axes) for the forward pass and the weight gradient,
 * which read x's phase planes (phase_strip_images); its input gradient, a strided scatter, runs
 * over the input's phases instead (phase_ig_ok). */
static int implicit_ok(const conv_job *j, int inputGrad) {
  const axis_t *a = j->ax;
  /* Stride 2 needs a kernel of 2 or more: a 1×1 one reads one phase plane of the four. */
  const int stride1 = a[1].s == 1 && a[2].s == 1;
  const int stride2 = a[1].s == 2 && a[2].s == 2 && a[1].k >= 2 && a[2].k >= 2 && !inputGrad;
  if (j->es != 4 || j->direct || j->G != 1 || a[0].k != 1 || a[0].n != 1 || a[0].o != 1 ||
      !(stride1 || stride2) || a[1].dil != 1 || a[2].dil != 1 || a[1].p >= a[1].k ||
      a[2].p >= a[2].k || a[1].o <= 0 || a[2].o <= 0 || j->xs[2] != 1)
    return 0;
  /* Products of depth below 32 (a first layer's one or three channels) spend more on their C
   * tiles than on multiply-adds, and a weight gradient that narrow fills a fraction of a panel:
   * the unfolding path batches images and serves them better. */
  if (j->Cin * j->KK < 32 || j->Cout * j->KK < 32) return 0;
  /* Every offset and scratch index in 32 bits: the strips of x and of the padded dy. */
  const double S = (double)stitch_of(j), qh = (double)(a[1].k - 1 - a[1].p), qw = (double)(a[2].k - 1 - a[2].p);
  const double xs = (double)(a[1].n + 2 * a[1].p + 1) * S * (double)segment_width(j) * (stride2 ? 2 : 1);
  const double dys = ((double)a[1].o + 2 * qh) * S * ((double)a[2].o + qw);
  return ((xs > dys ? xs : dys) + 64 + (double)a[2].k) * (double)(j->Cin > j->Cout ? j->Cin : j->Cout) < 2e9;
}

/* Plane stride of a strip of H rows of RW elements padded by ph rows above and below for a kernel
 * kw wide: the padded strip and past its end the kw + 31 elements that a product's last column
 * panel reads (zeros), to 16 elements. */
static int64_t plane_stride(int64_t H, int64_t RW, int64_t ph, int64_t kw) {
  return ((H + 2 * ph) * RW + kw + 32 + 15) / 16 * 16;
}

/* A strip's rows run S segments of Wi = pw + W elements: pw zeros, then an image's row. The zeros
 * of the next segment (or row) are this one's right padding: an output column w < oW reads up to
 * w + kw − 1 < Wi + pw. The frame: ph zero rows above the H data rows of each of C planes (stride
 * PP) and zeros from below them to the plane's end. */
static void strip_frame(int64_t C, int64_t H, int64_t ph, int64_t RW, int64_t PP, float *dst) {
  for (int64_t c = 0; c < C; c++) {
    float *d = dst + c * PP;
    zero_floats(d, ph * RW);
    zero_floats(d + (ph + H) * RW, PP - (ph + H) * RW);
  }
}

/* Segment s of each data row of the strips: pw zeros and a row of the image src (C channels of
 * stride cs, rows of stride rs, unit column stride), or Wi zeros when src is NULL (past the
 * batch's last image). */
static void strip_segment(const float *src, int64_t C, int64_t cs, int64_t rs, int64_t H, int64_t W,
                          int64_t ph, int64_t pw, int64_t RW, int64_t s, int64_t PP, float *dst) {
  const int64_t Wi = W + pw;
  for (int64_t c = 0; c < C; c++) {
    float *d = dst + c * PP + ph * RW + s * Wi;
    const float *r = src ? src + c * cs : NULL;
    for (int64_t h = 0; h < H; h++, d += RW) {
      if (!r) {
        zero_floats(d, Wi);
        continue;
      }
      /* A store or two each (a masked clear of one element costs more, microcoded on Zen 3). */
      for (int64_t i = 0; i < pw; i++) d[i] = 0;
      copy_floats(d + pw, r + h * rs, W);
    }
  }
}

/* Rows [0, M) of a product over a strip (row stride ld; rows of RW positions, an image's oW real
 * ones from src) into dst [M, oH·oW] (row stride dcs), plus bias[m] when given (the sum add_bias
 * forms). */
static void compact(const float *src, int64_t ld, int64_t M, int64_t oH, int64_t RW, int64_t oW,
                    float *dst, int64_t dcs, const nnc_arr *bias) {
  for (int64_t m = 0; m < M; m++) {
    const float *s = src + m * ld;
    float *d = dst + m * dcs;
    if (!bias) {
      for (int64_t h = 0; h < oH; h++) copy_floats(d + h * oW, s + h * RW, oW);
      continue;
    }
    const float v = ((const float *)bias->data)[bias->off + m * bias->strides[0]];
    for (int64_t h = 0; h < oH; h++) add_floats(d + h * oW, s + h * RW, oW, v);
  }
}

/* The strips' geometry and offset tables (and for the input gradient the flipped weight). */
static int build_implicit(conv_job *j, int inputGrad) {
  const axis_t *ah = &j->ax[1], *aw = &j->ax[2];
  const int64_t KK = j->KK, kw = aw->k;
  j->xst = aw->s;
  j->S = stitch_of(j);
  j->Wi = segment_width(j);
  j->Wp = j->S * j->Wi;
  /* Stride 2: each of the four phase planes has (H + 2ph) / 2 rows, rounded up, and past them the
   * slack a product's last panel reads. */
  j->PP = j->xst == 2 ? (((ah->n + 2 * ah->p + 1) / 2) * j->Wp + kw / 2 + 32 + 15) / 16 * 16
                     : plane_stride(ah->n, j->Wp, ah->p, kw);
  j->P = ah->o * j->Wp;
  j->NP = (j->P + 31) / 32 * 32;
  j->boff = nnc_alloc((size_t)(j->Cin * KK) * sizeof(int32_t));
  if (!j->boff) return NNC_E_NOMEM;
  for (int64_t c = 0; c < j->Cin; c++)
    for (int64_t t = 0; t < KK; t++) {
      const int64_t kh = t / kw, kx = t % kw;
      /* Stride 2: tap (kh, kw) of output (h, w) is element (h + kh / 2, w + kw / 2) of the phase
       * plane (kh mod 2, kw mod 2). */
      j->boff[c * KK + t] = (int32_t)(j->xst == 2 ? (c * 4 + (kh & 1) * 2 + (kx & 1)) * j->PP + (kh >> 1) * j->Wp + (kx >> 1)
                                                 : c * j->PP + kh * j->Wp + kx);
    }
  if (inputGrad) {
    const int64_t qh = ah->k - 1 - ah->p, qw = kw - 1 - aw->p;
    j->Wqi = aw->o + qw;
    j->Wq = j->S * j->Wqi;
    j->PQ = plane_stride(ah->o, j->Wq, qh, kw);
    j->Pq = ah->n * j->Wq;
    j->NPq = (j->Pq + 31) / 32 * 32;
    j->boffq = nnc_alloc((size_t)(j->Cout * KK) * sizeof(int32_t));
    j->wflip = nnc_alloc((size_t)(j->Cin * j->Cout * KK) * sizeof(float));
    if (!j->boffq || !j->wflip) return NNC_E_NOMEM;
    for (int64_t c = 0; c < j->Cout; c++)
      for (int64_t t = 0; t < KK; t++) j->boffq[c * KK + t] = (int32_t)(c * j->PQ + t / kw * j->Wq + t % kw);
    const float *w = (const float *)j->w->data + j->w->off;
    for (int64_t ci = 0; ci < j->Cin; ci++)
      for (int64_t co = 0; co < j->Cout; co++)
        for (int64_t t = 0; t < KK; t++)
          j->wflip[(ci * j->Cout + co) * KK + t] = w[(co * j->Cin + ci) * KK + KK - 1 - t];
  }
  j->implicit = 1;
  return NNC_OK;
}

/* d0[m] = s[2m] and d1[m] = s[2m + 1] for the n elements of s: 16 and then 8 at a time in vectors
 * (a 28-wide row is one of each and two pairs). */
static void deinterleave(const float *s, int64_t n, float *d0, float *d1) {
  int64_t m = 0;
  for (; 2 * m + 16 <= n; m += 8) {
    const __m256 a = _mm256_loadu_ps(s + 2 * m), b = _mm256_loadu_ps(s + 2 * m + 8);
    /* Per 128-bit lane (a0 a2 b0 b2 | a4 a6 b4 b6), then the 64-bit pairs in order. */
    const __m256 ev = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0)), od = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1));
    _mm256_storeu_ps(d0 + m, _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(ev), _MM_SHUFFLE(3, 1, 2, 0))));
    _mm256_storeu_ps(d1 + m, _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(od), _MM_SHUFFLE(3, 1, 2, 0))));
  }
  if (2 * m + 8 <= n) {
    const __m256 a = _mm256_loadu_ps(s + 2 * m);
    const __m256 ev = _mm256_shuffle_ps(a, a, _MM_SHUFFLE(2, 0, 2, 0)), od = _mm256_shuffle_ps(a, a, _MM_SHUFFLE(3, 1, 3, 1));
    _mm_storeu_ps(d0 + m, _mm256_castps256_ps128(_mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(ev), _MM_SHUFFLE(3, 1, 2, 0)))));
    _mm_storeu_ps(d1 + m, _mm256_castps256_ps128(_mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(od), _MM_SHUFFLE(3, 1, 2, 0)))));
    m += 4;
  }
  for (; 2 * m < n; m++) {
    d0[m] = s[2 * m];
    if (2 * m + 1 < n) d1[m] = s[2 * m + 1];
  }
}

/* The strips of a stride-2 convolution: for each channel the four phase planes (r, q) of the padded
 * images, plane (r, q) holding padded element (2h + r, 2w + q) at (h, w), so that each tap of every
 * output reads one plane with unit stride along the output's row (its offsets in boff); each image
 * a segment of Wi columns in every plane's rows, zeros where the padded image has them. A channel's
 * planes are cleared whole (whole vectors: Zen 3 runs a masked store as microcode) and the images'
 * rows written over them: one pass over the images, where unfolding wrote each element once per
 * tap. */
static void phase_strip_images(const conv_job *j, int64_t n0, int64_t count, float *xpad) {
  const axis_t *ah = &j->ax[1], *aw = &j->ax[2];
  const int64_t H = ah->n, W = aw->n, ph = ah->p, pw = aw->p, RW = j->Wp;
  for (int64_t c = 0; c < j->Cin; c++) {
    float *planes = xpad + c * 4 * j->PP;
    zero_floats(planes, 4 * j->PP);
    for (int64_t s = 0; s < count; s++) {
      const float *img = (const float *)j->x->data + j->x->off + (n0 + s) * j->x->strides[0] + c * j->x->strides[1];
      for (int64_t xr = 0; xr < H; xr++) {
        /* Padded row ph + xr is row (ph + xr) / 2 of the planes of row phase (ph + xr) mod 2; image
         * column i is padded column pw + i: phase (pw + i) mod 2, column (pw + i) / 2. */
        const int64_t pr = ph + xr;
        float *row0 = planes + (pr & 1) * 2 * j->PP + (pr >> 1) * RW + s * j->Wi, *row1 = row0 + j->PP;
        float *even = (pw & 1) ? row1 : row0, *odd = (pw & 1) ? row0 : row1;
        deinterleave(img + xr * j->xs[1], W, even + pw / 2, odd + (pw + 1) / 2);
      }
    }
  }
}

/* Images [n0, n0 + count) of x as the strips of x (count ≤ S; the rest of the segments zeros). */
static void strip_images(const conv_job *j, int64_t n0, int64_t count, float *xpad) {
  const axis_t *ah = &j->ax[1], *aw = &j->ax[2];
  if (j->xst == 2) {
    phase_strip_images(j, n0, count, xpad);
    return;
  }
  strip_frame(j->Cin, ah->n, ah->p, j->Wp, j->PP, xpad);
  for (int64_t s = 0; s < j->S; s++) {
    const float *x = s < count ? (const float *)j->x->data + j->x->off + (n0 + s) * j->x->strides[0] : NULL;
    strip_segment(x, j->Cin, j->x->strides[1], j->xs[1], ah->n, aw->n, ah->p, aw->p, j->Wp, s, j->PP, xpad);
  }
}

/* Images in the strip from image n0 of a range ending at end: at most S. */
static int64_t strip_count(const conv_job *j, int64_t n0, int64_t end) {
  return end - n0 < j->S ? end - n0 : j->S;
}

static void forward_implicit_task(void *ctx, int64_t b, int64_t e) {
  conv_job *j = ctx;
  const axis_t *ah = &j->ax[1], *aw = &j->ax[2];
  const int64_t K = j->Cin * j->KK;
  float *xpad = nnc_scratch(0, (size_t)(j->Cin * j->xst * j->xst * j->PP) * sizeof(float));
  float *prod = nnc_scratch(1, (size_t)(j->Cout * j->NP) * sizeof(float));
  float *block = j->pooled ? nnc_scratch(2, (size_t)(j->Cout * j->L) * sizeof(float)) : NULL;
  if (!xpad || !prod || (j->pooled && !block)) {
    j->rc = NNC_E_NOMEM;
    return;
  }
  const float *w = (const float *)j->w->data + j->w->off;
  for (int64_t g = b; g < e; g++) {
    const int64_t n0 = g * j->S, count = strip_count(j, n0, j->N);
    strip_images(j, n0, count, xpad);
    const int rc = nnc_sgemm_offsets_b(j->Cout, j->P, K, w, K, xpad, j->boff, prod, j->NP);
    if (rc) j->rc = rc;
    for (int64_t s = 0; s < count; s++) {
      const float *part = prod + s * j->Wi;
      if (j->pooled) {
        compact(part, j->NP, j->Cout, ah->o, j->Wp, aw->o, block, j->L, NULL);
        pool_block(j, n0 + s, 1, 0, block);
      } else {
        compact(part, j->NP, j->Cout, ah->o, j->Wp, aw->o, (float *)out_block(j, j->y, n0 + s, 0), j->L, j->bias);
      }
    }
  }
}

static void input_grad_implicit_task(void *ctx, int64_t b, int64_t e) {
  conv_job *j = ctx;
  const axis_t *ah = &j->ax[1], *aw = &j->ax[2];
  const int64_t K = j->Cout * j->KK, qh = ah->k - 1 - ah->p, qw = aw->k - 1 - aw->p;
  float *dpad = nnc_scratch(0, (size_t)(j->Cout * j->PQ) * sizeof(float));
  float *prod = nnc_scratch(1, (size_t)(j->Cin * j->NPq) * sizeof(float));
  if (!dpad || !prod) {
    j->rc = NNC_E_NOMEM;
    return;
  }
  for (int64_t g = b; g < e; g++) {
    const int64_t n0 = g * j->S, count = strip_count(j, n0, j->N);
    strip_frame(j->Cout, ah->o, qh, j->Wq, j->PQ, dpad);
    for (int64_t s = 0; s < j->S; s++) {
      /* Each image's dy as soon as it is had: dy_block may reuse one scratch buffer. */
      const float *dy = s < count ? (const float *)dy_block(j, n0 + s, 1, 0) : NULL;
      if (s < count && !dy) return;
      strip_segment(dy, j->Cout, j->L, aw->o, ah->o, aw->o, qh, qw, j->Wq, s, j->PQ, dpad);
    }
    const int rc = nnc_sgemm_offsets_b(j->Cin, j->Pq, K, j->wflip, K, dpad, j->boffq, prod, j->NPq);
    if (rc) j->rc = rc;
    for (int64_t s = 0; s < count; s++) {
      float *dx = (float *)j->x->data + j->x->off + (n0 + s) * j->Cin * j->inPlane;
      compact(prod + s * j->Wqi, j->NPq, j->Cin, ah->n, j->Wq, aw->n, dx, j->inPlane, NULL);
    }
  }
}

/* ---------------- the stride-2 input gradient over phases ----------------
 * A stride-2 convolution's input gradient scatters each output's gradient to every second input:
 * padded input (2i + r, 2j + q) receives dy(i − m, j − n)·w(r + 2m, q + 2n) only. Each of the four
 * phases (r, q) of the padded input is thus a stride-1 full correlation of dy with the phase's
 * taps (kernel rows r, r + 2, …, columns q, q + 2, …, flipped): one product on the implicit GEMM's
 * kernel (nnc_sgemm_offsets_b) over strips of dy padded by ⌈k/2⌉ − 1 zeros above and to the left,
 * the four together of depth Cout·k², as the forward pass. The phases' rows are then interleaved
 * into dx's rows, each input written once. Unfolding instead multiplied into an unfolded copy of
 * the gradient (Cin·k² rows) and folded it back tap by tap, at half the forward pass's rate. */

/* Float32 2-d stride-2 input gradients with kernels of 2 or more (every phase has a tap), on the
 * same terms as the implicit GEMM (implicit_ok). */
static int phase_ig_ok(const conv_job *j) {
  const axis_t *a = j->ax;
  return j->es == 4 && !j->direct && j->G == 1 && a[0].k == 1 && a[0].n == 1 && a[0].o == 1 && a[1].s == 2 &&
         a[2].s == 2 && a[1].k >= 2 && a[2].k >= 2 && a[1].dil == 1 && a[2].dil == 1 && a[1].p < a[1].k &&
         a[2].p < a[2].k && a[1].o > 0 && a[2].o > 0 && j->xs[2] == 1 && j->Cin * j->KK >= 32 &&
         j->Cout * j->KK >= 32;
}

/* A strip's working set: with 192 KiB (2 to 5 images of a ResNet's or a DCGAN's layers) the
 * 16 → 32-channel 28² layer's input gradient ran 1.6 times as fast as unfolded, the 32 → 64 14²
 * one 1.1–1.2 times; as many images as STITCH_COLUMNS allows (up to 8) made a DCGAN's 64 → 128
 * 4×4 one slower than unfolded, its strip of dy alone 320 KiB. */
#define PHASE_IG_BYTES (192 * 1024)

/* The phases' geometry, weights and offsets; j->pig stays 0 (the unfolding path) when an offset
 * would not fit in 32 bits. */
static int build_phase_ig(conv_job *j) {
  const axis_t *ah = &j->ax[1], *aw = &j->ax[2];
  int64_t J[2], maxI = 0, maxJ = 0;
  for (int r = 0; r < 2; r++) {
    j->gM[r] = (ah->k + 1 - r) / 2, j->gN[r] = (aw->k + 1 - r) / 2;
    /* Padded rows 2i + r up to the image's last, ph + H − 1 (none for a one-row image's phase 1). */
    const int64_t lastRow = ah->n - 1 + ah->p - r, lastCol = aw->n - 1 + aw->p - r;
    j->gI[r] = lastRow >= 0 ? lastRow / 2 + 1 : 0;
    j->gI0[r] = ah->p > r ? (ah->p - r + 1) / 2 : 0; /* padded rows 2i + r ≥ ph */
    if (j->gI0[r] > j->gI[r]) j->gI0[r] = j->gI[r];
    J[r] = lastCol >= 0 ? lastCol / 2 + 1 : 0;
    if (j->gI[r] - j->gI0[r] > maxI) maxI = j->gI[r] - j->gI0[r];
    if (J[r] > maxJ) maxJ = J[r];
  }
  j->gTh = j->gM[0] - 1, j->gTw = j->gN[0] - 1;
  /* An image's segment: its left zeros and dy's row, at least as wide as a phase's columns. A
   * phase's column j reads dy's columns j − n, those past dy's row zeros: the segment's own, or the
   * next one's left zeros (the next row's first segment's, past a strip row's end). */
  j->Wqi = j->gTw + aw->o > maxJ ? j->gTw + aw->o : maxJ;
  /* Rows: the zeros above, dy's (or as far as the phases read), one more zero row; past them the
   * slack a product's last column panel reads. */
  const int64_t lastI = j->gI[0] > j->gI[1] ? j->gI[0] : j->gI[1];
  const int64_t rows = j->gTh + (ah->o > lastI ? ah->o : lastI) + 1;
  /* Images per strip: up to STITCH_COLUMNS wide, and with the strip of dy and the two products
   * within PHASE_IG_BYTES. */
  const int64_t T = nnc_threads(), share = (j->N + T - 1) / T;
  const int64_t perImage = (j->Cout * rows + 2 * j->Cin * maxI) * j->Wqi * (int64_t)sizeof(float);
  j->S = stitch_columns() / j->Wqi;
  if (j->S > PHASE_IG_BYTES / perImage) j->S = PHASE_IG_BYTES / perImage;
  if (j->S > share) j->S = share;
  if (j->S < 1) j->S = 1;
  j->Wq = j->S * j->Wqi;
  j->PQ = (rows * j->Wq + 32 + 15) / 16 * 16;
  j->gNP = (maxI * j->Wq + 31) / 32 * 32;
  if ((double)j->Cout * (double)j->PQ >= 2e9 || 4.0 * (double)j->Cin * (double)j->gNP >= 2e9) return NNC_OK;
  j->goff = nnc_alloc((size_t)(j->Cout * j->KK) * sizeof(int32_t));
  j->gw = nnc_alloc((size_t)(j->Cin * j->Cout * j->KK) * sizeof(float));
  if (!j->goff || !j->gw) return NNC_E_NOMEM;
  const float *w = (const float *)j->w->data + j->w->off;
  int64_t first = 0;
  for (int p = 0; p < 4; p++) {
    const int r = p >> 1, q = p & 1;
    const int64_t Mr = j->gM[r], Nq = j->gN[q], Kp = j->Cout * Mr * Nq;
    j->gwo[p] = first;
    float *wp = j->gw + j->Cin * first;
    int32_t *op = j->goff + first;
    /* Column (co, m', n') multiplies dy(i − m, j − n), m = Mr − 1 − m', n = Nq − 1 − n': the strip's
     * element (i + gTh − m, j + gTw − n) of channel co, for the product's row i − gI0[r]. */
    for (int64_t co = 0; co < j->Cout; co++)
      for (int64_t m = 0; m < Mr; m++)
        for (int64_t n = 0; n < Nq; n++) {
          const int64_t k = (co * Mr + m) * Nq + n, kh = r + 2 * (Mr - 1 - m), kw = q + 2 * (Nq - 1 - n);
          op[k] = (int32_t)(co * j->PQ + (j->gI0[r] + j->gTh - Mr + 1 + m) * j->Wq + (j->gTw - Nq + 1 + n));
          for (int64_t c = 0; c < j->Cin; c++) wp[c * Kp + k] = w[((co * j->Cin + c) * ah->k + kh) * aw->k + kw];
        }
    first += Kp;
  }
  j->pig = 1;
  return NNC_OK;
}

/* d[2m] = e[m] and d[2m + 1] = o[m] for the n elements of d (deinterleave's inverse): 16 and then 8
 * at a time in vectors. */
static void interleave(const float *e, const float *o, int64_t n, float *d) {
  int64_t m = 0;
  for (; 2 * m + 16 <= n; m += 8) {
    const __m256 a = _mm256_loadu_ps(e + m), b = _mm256_loadu_ps(o + m);
    /* Per 128-bit lane (a0 b0 a1 b1 | a4 b4 a5 b5) and (a2 b2 a3 b3 | a6 b6 a7 b7): lanes in order. */
    const __m256 lo = _mm256_unpacklo_ps(a, b), hi = _mm256_unpackhi_ps(a, b);
    _mm256_storeu_ps(d + 2 * m, _mm256_permute2f128_ps(lo, hi, 0x20));
    _mm256_storeu_ps(d + 2 * m + 8, _mm256_permute2f128_ps(lo, hi, 0x31));
  }
  if (2 * m + 8 <= n) {
    const __m128 a = _mm_loadu_ps(e + m), b = _mm_loadu_ps(o + m);
    _mm_storeu_ps(d + 2 * m, _mm_unpacklo_ps(a, b));
    _mm_storeu_ps(d + 2 * m + 4, _mm_unpackhi_ps(a, b));
    m += 4;
  }
  for (; 2 * m < n; m++) {
    d[2 * m] = e[m];
    if (2 * m + 1 < n) d[2 * m + 1] = o[m];
  }
}

static void input_grad_phase_task(void *ctx, int64_t b, int64_t e) {
  conv_job *j = ctx;
  const axis_t *ah = &j->ax[1], *aw = &j->ax[2];
  const int64_t H = ah->n, W = aw->n, oH = ah->o, oW = aw->o, ph = ah->p, pw = aw->p, Ci = j->Cin;
  float *dpad = nnc_scratch(0, (size_t)(j->Cout * j->PQ) * sizeof(float));
  float *prod = nnc_scratch(1, (size_t)(2 * Ci * j->gNP) * sizeof(float));
  if (!dpad || !prod) {
    j->rc = NNC_E_NOMEM;
    return;
  }
  for (int64_t g = b; g < e; g++) {
    const int64_t n0 = g * j->S, count = strip_count(j, n0, j->N);
    zero_floats(dpad, j->Cout * j->PQ);
    for (int64_t s = 0; s < count; s++) {
      const float *dy = (const float *)dy_block(j, n0 + s, 1, 0);
      if (!dy) return;
      for (int64_t co = 0; co < j->Cout; co++)
        for (int64_t h = 0; h < oH; h++)
          copy_floats(dpad + co * j->PQ + (j->gTh + h) * j->Wq + s * j->Wqi + j->gTw, dy + co * j->L + h * oW, oW);
    }
    /* Row phase by row phase: its two column phases' products, then dx's rows of that phase. */
    for (int r = 0; r < 2; r++) {
      if (j->gI[r] == j->gI0[r]) continue; /* no input row in this phase */
      for (int q = 0; q < 2; q++) {
        const int p = 2 * r + q;
        const int64_t Kp = j->Cout * j->gM[r] * j->gN[q];
        const int rc = nnc_sgemm_offsets_b(Ci, (j->gI[r] - j->gI0[r]) * j->Wq, Kp, j->gw + Ci * j->gwo[p], Kp, dpad,
                                           j->goff + j->gwo[p], prod + q * Ci * j->gNP, j->gNP);
        if (rc) j->rc = rc;
      }
      /* dx(xr, xc) is padded (a, b) = (xr + ph, xc + pw): phase (a mod 2, b mod 2), element (a / 2,
       * b / 2). Along a row, even columns come from one column phase, odd ones from the other. */
      const int64_t qe = pw & 1, je = pw >> 1, jo = (pw + 1) >> 1, first = (ph + r) & 1;
      for (int64_t s = 0; s < count; s++) {
        float *dx = (float *)j->x->data + j->x->off + (n0 + s) * Ci * j->inPlane;
        for (int64_t c = 0; c < Ci; c++)
          for (int64_t xr = first; xr < H; xr += 2) {
            const float *row = prod + c * j->gNP + ((xr + ph) / 2 - j->gI0[r]) * j->Wq + s * j->Wqi;
            interleave(row + qe * Ci * j->gNP + je, row + (1 - qe) * Ci * j->gNP + jo, W, dx + c * j->inPlane + xr * W);
          }
      }
    }
  }
}

static void weight_grad_implicit_task(void *ctx, int64_t b, int64_t e) {
  conv_job *j = ctx;
  const axis_t *ah = &j->ax[1], *aw = &j->ax[2];
  const int64_t KW = j->Cin * j->KK, oH = ah->o, oW = aw->o;
  float *xpad = nnc_scratch(0, (size_t)(j->Cin * j->xst * j->xst * j->PP) * sizeof(float));
  float *dyw = nnc_scratch(3, (size_t)(j->Cout * j->P) * sizeof(float));
  /* dwᵀ [KW, Cout]: the product's rows are the strips' (channel, tap) rows. */
  float *dwt = nnc_alloc((size_t)(KW * j->Cout) * sizeof(float));
  if (!xpad || !dyw || !dwt) {
    nnc_free(dwt);
    j->rc = NNC_E_NOMEM;
    return;
  }
  for (int64_t p = b; p < e; p++) {
    const int64_t n0 = j->N * p / j->parts, n1 = j->N * (p + 1) / j->parts;
    float *acc = (float *)j->acc + p * j->Cout * KW;
    for (int64_t n = n0; n < n1; n += j->S) {
      const int64_t count = strip_count(j, n, n1);
      strip_images(j, n, count, xpad);
      /* dy laid out as the product's columns: each image's rows in its segment of the strip's
       * width, zeros in the dropped columns and in segments past the last image (they add
       * nothing). */
      for (int64_t s = 0; s < j->S; s++) {
        const float *dy = s < count ? (const float *)dy_block(j, n + s, 1, 0) : NULL;
        if (s < count && !dy) {
          nnc_free(dwt);
          return;
        }
        for (int64_t co = 0; co < j->Cout; co++)
          for (int64_t h = 0; h < oH; h++) {
            float *d = dyw + co * j->P + h * j->Wp + s * j->Wi;
            if (!dy) {
              zero_floats(d, j->Wi);
              continue;
            }
            copy_floats(d, dy + co * j->L + h * oW, oW);
            for (int64_t i = oW; i < j->Wi; i++) d[i] = 0;
          }
      }
      const int rc = nnc_sgemm_offsets_at(KW, j->Cout, j->P, xpad, j->boff, dyw, j->P, dwt, j->Cout, n > n0);
      if (rc) j->rc = rc;
    }
    if (n1 > n0)
      for (int64_t k = 0; k < KW; k++)
        for (int64_t co = 0; co < j->Cout; co++) acc[co * KW + k] = dwt[k * j->Cout + co];
  }
  nnc_free(dwt);
}
#endif

#if defined(NNC_IMPLICIT_CONV)
/* ---------------- Winograd F(2×2, 3×3) ----------------
 * A 3×3 convolution with padding 1 (stride 1: on the implicit GEMM's path) computes each 2×2 block
 * of outputs from the 4×4 block of inputs around it as Y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A (Lavin and Gray,
 * "Fast Algorithms for Convolutional Neural Networks", 2016): per block and channel pair 16
 * multiply-adds where the direct sum takes 36. Over channels the 16 element-wise products are 16
 * products of matrices, M[ξ] = U[ξ]·V[ξ] (U[ξ] [Co, Ci] the transformed weight, V[ξ] [Ci, tiles]
 * the transformed input blocks), which run on the implicit GEMM's kernel (nnc_sgemm_offsets_b)
 * while V and M stay in the thread's cache: a group of images at a time, about WINO_TILES blocks
 * or one image. B, G and A hold 0, ±1 and ±½ only: the rounding error grows by a small factor over
 * the direct sum's (the tests' bound, tensor/conv_test.ts). The input gradient, the convolution of
 * the padded dy with the flipped, transposed weight, is the same computation; the weight gradient
 * runs along rows (below). NNC_CONV=implicit keeps these layers on the implicit GEMM (for
 * comparisons). */
#define WINO_TILES 64

/* The convolutions' paths NNC_CONV leaves on (for comparisons): CONV_UNFOLD ("unfold": every
 * convolution unfolded), CONV_IMPLICIT ("implicit": no Winograd), CONV_WINOGRAD (the default). */
#define CONV_UNFOLD 0
#define CONV_IMPLICIT 1
#define CONV_WINOGRAD 2
static int conv_paths(void) {
  static int level = -1;
  if (level < 0) {
    const char *v = getenv("NNC_CONV");
    level = v && strcmp(v, "unfold") == 0 ? CONV_UNFOLD : v && strcmp(v, "implicit") == 0 ? CONV_IMPLICIT : CONV_WINOGRAD;
  }
  return level;
}
static int winograd_enabled(void) { return conv_paths() >= CONV_WINOGRAD; }

/* 3×3, padding 1, on the implicit GEMM's path (stride 1, dilation 1, one group, float32), both
 * channel counts at least WINO_CHANNELS: with fewer the products' depth (the channels) is too short
 * for the kernel and the transforms weigh as much as the multiply-adds saved (a ResNet's 16-channel
 * 28×28 layers ran as fast as on the implicit GEMM; its 32-channel 14×14 ones 1.27× faster). */
#define WINO_CHANNELS 32
static int winograd_ok(const conv_job *j) {
  const axis_t *a = j->ax;
  return j->implicit && j->xst == 1 && a[1].k == 3 && a[2].k == 3 && a[1].p == 1 && a[2].p == 1 && j->Cin >= WINO_CHANNELS &&
         j->Cout >= WINO_CHANNELS;
}

/* The 4×4 transform G g Gᵀ of a 3×3 kernel g (rows of 3), in double, rounded once. */
static void wino_kernel(const float *g, float *u, int64_t ustride) {
  double t[4][3];
  for (int c = 0; c < 3; c++) {
    const double g0 = g[c], g1 = g[3 + c], g2 = g[6 + c];
    t[0][c] = g0, t[1][c] = 0.5 * (g0 + g1 + g2), t[2][c] = 0.5 * (g0 - g1 + g2), t[3][c] = g2;
  }
  for (int i = 0; i < 4; i++) {
    const double a = t[i][0], b = t[i][1], c = t[i][2];
    u[(4 * i + 0) * ustride] = (float)a;
    u[(4 * i + 1) * ustride] = (float)(0.5 * (a + b + c));
    u[(4 * i + 2) * ustride] = (float)(0.5 * (a - b + c));
    u[(4 * i + 3) * ustride] = (float)c;
  }
}

/* The job's Winograd plan for the forward pass (inputGrad 0) or the input gradient (1), when
 * winograd_ok: tiles, groups and the transformed weight. */
static int build_winograd(conv_job *j, int mode) {
  /* Not the weight gradient: along rows (build_row_winograd) it ran 4–10 % faster than in 2-d. */
  if (!winograd_enabled() || mode == WINO_WEIGHT_GRAD || !winograd_ok(j)) return NNC_OK;
  const int inputGrad = mode == WINO_INPUT_GRAD;
  const int64_t Co = inputGrad ? j->Cin : j->Cout, Ci = inputGrad ? j->Cout : j->Cin;
  const int64_t oH = inputGrad ? j->ax[1].n : j->ax[1].o, oW = inputGrad ? j->ax[2].n : j->ax[2].o;
  const int64_t T = nnc_threads(), share = (j->N + T - 1) / T;
  j->wtH = (oH + 1) / 2, j->wtW = (oW + 1) / 2;
  j->wL = j->wtW <= 4 ? 4 : 8;
  j->wtWp = (j->wtW + j->wL - 1) / j->wL * j->wL;
  j->wT = j->wtH * j->wtWp;
  j->wG = (WINO_TILES + j->wT - 1) / j->wT;
  if (j->wG > share) j->wG = share;
  if (j->wG < 1) j->wG = 1;
  j->wTp = (j->wG * j->wT + 15) / 16 * 16;
  if ((double)Ci * (double)j->wTp * 16.0 >= 2e9 || (double)Co * (double)j->wTp * 16.0 >= 2e9) return NNC_OK;
  j->woff = nnc_alloc((size_t)Ci * sizeof(int32_t));
  if (!j->woff) return NNC_E_NOMEM;
  for (int64_t k = 0; k < Ci; k++) j->woff[k] = (int32_t)(k * j->wTp);
  j->wU = nnc_alloc((size_t)(16 * Co * Ci) * sizeof(float));
  if (!j->wU) return NNC_E_NOMEM;
  /* [Co, Ci, 3, 3] either way: w itself, or wflip (dx = dy ⊛ wflip, Cout → Cin channels). */
  const float *g = inputGrad ? j->wflip : (const float *)j->w->data + j->w->off;
  for (int64_t co = 0; co < Co; co++)
    for (int64_t ci = 0; ci < Ci; ci++) wino_kernel(g + (co * Ci + ci) * 9, j->wU + co * Ci + ci, Co * Ci);
  j->wino = 1, j->wig = mode;
  return NNC_OK;
}

/* The transforms run on vectors of L consecutive blocks of a row of blocks (L = 8, or 4 when a row
 * has at most 4: 7×7 maps). Columns: block (ty, tx) of an image at ty·wtWp + tx, wtWp = wtW to a
 * multiple of L (the GEMM multiplies the padding columns too, never read back). An input row is
 * split into its even and odd columns of the padded row (pe, po: pad[2i], pad[2i + 1]), so that the
 * four columns of block tx are pe[tx], po[tx], pe[tx + 1], po[tx + 1]: unit-stride loads. */
typedef float wv8 __attribute__((vector_size(32)));
typedef float wv4 __attribute__((vector_size(16)));
typedef int32_t wi8 __attribute__((vector_size(32)));
typedef int32_t wi4 __attribute__((vector_size(16)));

/* Row h of a plane (H × W, row stride rs) split into pe, po of `cols` elements each (zeros past the
 * plane): pe[i] = x[h][2i − 1], po[i] = x[h][2i] (column 0 of the padded row is padding). Whole
 * vectors of 16 (or 8) elements, the last one overlapping the one before when W is not a multiple
 * (the same values stored twice). */
static void wino_split_row(const float *x, int64_t W, int64_t cols, float *pe, float *po) {
  const int64_t even = W & ~(int64_t)1, half = W / 2; /* pairs: x[2i], x[2i + 1] for i < half */
  if (even >= 16) {
    for (int64_t i = 0;; i += 8) {
      if (2 * i + 16 > even) i = half - 8;
      wv8 a, b;
      memcpy(&a, x + 2 * i, sizeof a);
      memcpy(&b, x + 2 * i + 8, sizeof b);
      const wv8 ev = __builtin_shuffle(a, b, (wi8){0, 2, 4, 6, 8, 10, 12, 14});
      const wv8 od = __builtin_shuffle(a, b, (wi8){1, 3, 5, 7, 9, 11, 13, 15});
      memcpy(po + i, &ev, sizeof ev);
      memcpy(pe + i + 1, &od, sizeof od);
      if (i == half - 8) break;
    }
  } else if (even >= 8) {
    for (int64_t i = 0;; i += 4) {
      if (2 * i + 8 > even) i = half - 4;
      wv4 a, b;
      memcpy(&a, x + 2 * i, sizeof a);
      memcpy(&b, x + 2 * i + 4, sizeof b);
      const wv4 ev = __builtin_shuffle(a, b, (wi4){0, 2, 4, 6});
      const wv4 od = __builtin_shuffle(a, b, (wi4){1, 3, 5, 7});
      memcpy(po + i, &ev, sizeof ev);
      memcpy(pe + i + 1, &od, sizeof od);
      if (i == half - 4) break;
    }
  } else {
    for (int64_t i = 0; i < half; i++) po[i] = x[2 * i], pe[i + 1] = x[2 * i + 1];
  }
  pe[0] = 0;
  int64_t o = half;
  if (W % 2) po[o++] = x[W - 1];
  /* Zeros to the row's end in whole vectors, past it by up to 7 elements: into the next row, written
   * after this one, or the zero rows below the plane (a masked store is microcode on Zen 3). */
  for (int64_t i = half + 1; i < cols; i += 8) memset(pe + i, 0, 8 * sizeof(float));
  for (int64_t i = o; i < cols; i += 8) memset(po + i, 0, 8 * sizeof(float));
}

#define DEFINE_WINO_TRANSFORMS(L, VT, IT)                                                           \
  static inline VT wld##L(const float *p) {                                                         \
    VT v;                                                                                           \
    memcpy(&v, p, sizeof v);                                                                        \
    return v;                                                                                       \
  }                                                                                                 \
  static inline void wst##L(float *p, VT v) { memcpy(p, &v, sizeof v); }                          \
  /* Blocks of one row of blocks from four split rows (e[i], o[i]: padded rows 2ty + i) into V. */ \
  static void wino_in_row##L(const float *const *e, const float *const *o, int64_t tWp, float *v,  \
                             int64_t xs) {                                                          \
    for (int64_t tx = 0; tx < tWp; tx += L) {                                                       \
      VT a[4][4];                                                                                   \
      VT d[4][4]; /* d[q][i]: column 2tx + q of padded row 2ty + i */                               \
      for (int i = 0; i < 4; i++) {                                                                 \
        d[0][i] = wld##L(e[i] + tx), d[1][i] = wld##L(o[i] + tx);                                   \
        d[2][i] = wld##L(e[i] + tx + 1), d[3][i] = wld##L(o[i] + tx + 1);                           \
      }                                                                                             \
      for (int q = 0; q < 4; q++) {                                                                 \
        a[0][q] = d[q][0] - d[q][2], a[1][q] = d[q][1] + d[q][2];                                   \
        a[2][q] = d[q][2] - d[q][1], a[3][q] = d[q][1] - d[q][3];                                   \
      }                                                                                             \
      for (int i = 0; i < 4; i++) {                                                                 \
        wst##L(v + (4 * i + 0) * xs + tx, a[i][0] - a[i][2]);                                       \
        wst##L(v + (4 * i + 1) * xs + tx, a[i][1] + a[i][2]);                                       \
        wst##L(v + (4 * i + 2) * xs + tx, a[i][2] - a[i][1]);                                       \
        wst##L(v + (4 * i + 3) * xs + tx, a[i][1] - a[i][3]);                                       \
      }                                                                                             \
    }                                                                                               \
  }                                                                                                 \
  /* One row of blocks of the products (m: its first column, ξ rows xs apart) into output rows      \
   * y0, y1 (2·tWp wide). */                                                                        \
  static void wino_out_row##L(const float *m, int64_t xs, int64_t tWp, float *y0, float *y1) {     \
    for (int64_t tx = 0; tx < tWp; tx += L) {                                                       \
      VT s[2][4];                                                                                   \
      for (int q = 0; q < 4; q++) {                                                                 \
        const VT m0 = wld##L(m + q * xs + tx), m1 = wld##L(m + (4 + q) * xs + tx);                  \
        const VT m2 = wld##L(m + (8 + q) * xs + tx), m3 = wld##L(m + (12 + q) * xs + tx);           \
        s[0][q] = m0 + m1 + m2, s[1][q] = m1 - m2 - m3;                                             \
      }                                                                                             \
      for (int r = 0; r < 2; r++) {                                                                 \
        const VT c0 = s[r][0] + s[r][1] + s[r][2], c1 = s[r][1] - s[r][2] - s[r][3];                \
        float *y = (r ? y1 : y0) + 2 * tx;                                                          \
        wst##L(y, __builtin_shuffle(c0, c1, WINO_LO##L));                                           \
        wst##L(y + L, __builtin_shuffle(c0, c1, WINO_HI##L));                                       \
      }                                                                                             \
    }                                                                                               \
  }
#define WINO_LO8 ((wi8){0, 8, 1, 9, 2, 10, 3, 11})
#define WINO_HI8 ((wi8){4, 12, 5, 13, 6, 14, 7, 15})
#define WINO_LO4 ((wi4){0, 4, 1, 5})
#define WINO_HI4 ((wi4){2, 6, 3, 7})
DEFINE_WINO_TRANSFORMS(8, wv8, wi8)
DEFINE_WINO_TRANSFORMS(4, wv4, wi4)

/* One image's Ci planes (channel c at src + c·cs, rows rs apart, H × W) as transformed blocks
 * Bᵀ d B into V: block (ty, tx) of channel c at column t0 + ty·wtWp + tx of row ξ·Ci + c (row
 * stride wTp). split: scratch for a plane's split rows, 2 × (2·wtH + 2) × (wtWp + 8). */
static void wino_input(const conv_job *j, const float *src, int64_t Ci, int64_t cs, int64_t rs, int64_t H,
                       int64_t W, int64_t t0, float *split, float *V) {
  const int64_t tH = j->wtH, tWp = j->wtWp, PH = 2 * tH + 2, RC = tWp + 8, xs = Ci * j->wTp;
  float *pe = split, *po = split + PH * RC;
  /* Padding rows: the first, and those below the plane. */
  for (int64_t r = 0; r < PH; r++)
    if (r == 0 || r > H) zero_floats(pe + r * RC, RC), zero_floats(po + r * RC, RC);
  for (int64_t c = 0; c < Ci; c++) {
    const float *plane = src + c * cs;
    for (int64_t h = 0; h < H; h++) wino_split_row(plane + h * rs, W, RC, pe + (h + 1) * RC, po + (h + 1) * RC);
    float *v = V + c * j->wTp + t0;
    for (int64_t ty = 0; ty < tH; ty++) {
      const float *e[4], *o[4];
      for (int i = 0; i < 4; i++) e[i] = pe + (2 * ty + i) * RC, o[i] = po + (2 * ty + i) * RC;
      if (j->wL == 8) wino_in_row8(e, o, tWp, v + ty * tWp, xs);
      else wino_in_row4(e, o, tWp, v + ty * tWp, xs);
    }
  }
}

/* The products' blocks of one image (columns from t0) back to outputs Aᵀ m A: O [Co, 2·wtH, 2·wtWp]. */
static void wino_output(const conv_job *j, const float *M, int64_t Co, int64_t t0, float *O) {
  const int64_t tH = j->wtH, tWp = j->wtWp, xs = Co * j->wTp, OW = 2 * tWp;
  for (int64_t co = 0; co < Co; co++) {
    const float *m = M + co * j->wTp + t0;
    float *o = O + co * 2 * tH * OW;
    for (int64_t ty = 0; ty < tH; ty++) {
      float *y0 = o + 2 * ty * OW;
      if (j->wL == 8) wino_out_row8(m + ty * tWp, xs, tWp, y0, y0 + OW);
      else wino_out_row4(m + ty * tWp, xs, tWp, y0, y0 + OW);
    }
  }
}

/* Groups [b, e) of wG images: the forward pass (its output, or its pooled output) or the input
 * gradient. */
static void winograd_task(void *ctx, int64_t b, int64_t e) {
  conv_job *j = ctx;
  const int ig = j->wig == WINO_INPUT_GRAD;
  const int64_t Ci = ig ? j->Cout : j->Cin, Co = ig ? j->Cin : j->Cout;
  const int64_t H = ig ? j->ax[1].o : j->ax[1].n, W = ig ? j->ax[2].o : j->ax[2].n;
  const int64_t oH = ig ? j->ax[1].n : j->ax[1].o, oW = ig ? j->ax[2].n : j->ax[2].o;
  const int64_t T = j->wT, Tp = j->wTp, OP = 4 * T, padSize = 2 * (2 * j->wtH + 2) * (j->wtWp + 8) + 8;
  /* V with 32 columns of slack: the products read their B rows to N rounded up to 32. */
  float *V = nnc_scratch(0, (size_t)(16 * Ci * Tp + 32) * sizeof(float));
  float *M = nnc_scratch(1, (size_t)(16 * Co * Tp) * sizeof(float));
  float *O = nnc_scratch(3, (size_t)(Co * OP + padSize) * sizeof(float));
  /* Slot 2: the pooled forward's output block; the pooled input gradient's dy (dy_block). */
  float *block = !ig && j->pooled ? nnc_scratch(2, (size_t)(Co * j->L) * sizeof(float)) : NULL;
  if (!V || !M || !O || (!ig && j->pooled && !block)) {
    j->rc = NNC_E_NOMEM;
    return;
  }
  float *pad = O + Co * OP;
  for (int64_t g = b; g < e; g++) {
    const int64_t n0 = g * j->wG, count = j->N - n0 < j->wG ? j->N - n0 : j->wG;
    for (int64_t s = 0; s < count; s++) {
      if (ig) {
        const float *dy = (const float *)dy_block(j, n0 + s, 1, 0);
        if (!dy) return;
        wino_input(j, dy, Ci, j->L, W, H, W, s * T, pad, V);
      } else {
        const float *x = (const float *)j->x->data + j->x->off + (n0 + s) * j->x->strides[0];
        wino_input(j, x, Ci, j->x->strides[1], j->xs[1], H, W, s * T, pad, V);
      }
    }
    /* Columns past the group's blocks: zeros (never read back; finite for the kernel). */
    if (count * T < Tp)
      for (int64_t r = 0; r < 16 * Ci; r++) zero_floats(V + r * Tp + count * T, Tp - count * T);
    for (int x = 0; x < 16; x++) {
      const int rc = nnc_sgemm_offsets_b(Co, Tp, Ci, j->wU + x * Co * Ci, Ci, V + x * Ci * Tp, j->woff,
                                         M + x * Co * Tp, Tp);
      if (rc) j->rc = rc;
    }
    for (int64_t s = 0; s < count; s++) {
      wino_output(j, M, Co, s * T, O);
      if (ig) {
        float *dx = (float *)j->x->data + j->x->off + (n0 + s) * j->Cin * j->inPlane;
        compact(O, OP, Co, oH, 2 * j->wtWp, oW, dx, j->inPlane, NULL);
      } else if (j->pooled) {
        compact(O, OP, Co, oH, 2 * j->wtWp, oW, block, j->L, NULL);
        pool_block(j, n0 + s, 1, 0, block);
      } else {
        compact(O, OP, Co, oH, 2 * j->wtWp, oW, (float *)out_block(j, j->y, n0 + s, 0), j->L, j->bias);
      }
    }
  }
}
#endif

#if defined(NNC_IMPLICIT_CONV)
/* ---------------- Winograd F(2, 3) along rows: the weight gradient ----------------
 * A 3×3 padding-1 convolution computed along rows only takes, for each pair of outputs of a kernel
 * row, 4 multiply-adds for 6: y[2t] = m0 + m1 + m2, y[2t + 1] = m1 − m2 − m3 with
 * m = (G g_row) ⊙ (Bᵀ d), d the four padded inputs from 2t − 1. Its weight gradient is
 * dU[ξ][co][c, kh] = Σ over positions dm[ξ][co][h, t] · V[ξ][c][h + kh, t], with V the input rows'
 * transform (a plane of H + 2 rows of rtW values per ξ and channel) and dm = (dy0, dy0 + dy1,
 * dy0 − dy1, −dy1) the transpose of the output transform: for each ξ one product of depth H·rtW
 * whose rows (c, kh) are read in place through offsets (nnc_sgemm_offsets_at, as the implicit weight
 * gradient reads the padded image), then dg = Gᵀ dU per kernel row. The transforms are a few
 * operations per input and output element; 1.5 times fewer multiply-adds. */

/* The weight gradient of 3×3 padding-1 layers on the implicit GEMM's path with both channel counts
 * at least 8 (1 thread, ms, implicit → along rows: 16 channels at 28² 6.39–6.45 → 5.62–5.66, 32 at
 * 14² 6.14–6.16 → 5.05 (5.25 in 2-d), 64 at 7² 6.50–6.57 → 5.94). The forward pass and the input
 * gradient of the narrower layers along rows gained at 1 thread (16 at 28² 6.41–6.49 → 5.37–5.42
 * ms) but not at 2 (3.44–4.05 → 3.56–3.68 ms: the transformed planes' traffic): they stay on the
 * implicit GEMM. */
static int row_winograd_ok(const conv_job *j) {
  const axis_t *a = j->ax;
  return j->implicit && j->xst == 1 && a[1].k == 3 && a[2].k == 3 && a[1].p == 1 && a[2].p == 1 && j->Cin >= 8 &&
         j->Cout >= 8;
}

static int build_row_winograd(conv_job *j, int mode) {
  if (!winograd_enabled() || mode != WINO_WEIGHT_GRAD || !row_winograd_ok(j)) return NNC_OK;
  const int64_t Ci = j->Cin, Co = j->Cout, H = j->ax[1].n, W = j->ax[2].n;
  j->rtW = (W + 1) / 2;
  j->rPL = ((H + 2) * j->rtW + 48 + 15) / 16 * 16;
  j->rN = H * j->rtW;
  if ((double)Ci * (double)j->rPL * 4.0 >= 2e9 || (double)Co * (double)j->rN * 4.0 >= 2e9) return NNC_OK;
  j->roff = nnc_alloc((size_t)(3 * Ci) * sizeof(int32_t));
  if (!j->roff) return NNC_E_NOMEM;
  for (int64_t c = 0; c < Ci; c++)
    for (int64_t kh = 0; kh < 3; kh++) j->roff[c * 3 + kh] = (int32_t)(c * j->rPL + kh * j->rtW);
  j->rwino = 1;
  return NNC_OK;
}

/* One image's Ci planes (channel c at src + c·cs, rows rs apart, H × W) transformed along rows into
 * V [4, Ci, rPL]: padded row r of channel c at c·rPL + r·rtW (rows 0 and H + 1 zeros). split:
 * scratch for a split row, 2·(rtW + 24). */
static void rw_input(const conv_job *j, const float *src, int64_t Ci, int64_t cs, int64_t rs, int64_t H,
                     int64_t W, float *split, float *V) {
  const int64_t tW = j->rtW, PL = j->rPL, RC = tW + 16, xs = Ci * PL;
  float *pe = split, *po = split + RC + 8;
  for (int64_t c = 0; c < Ci; c++) {
    float *v = V + c * PL;
    for (int x = 0; x < 4; x++) memset(v + x * xs, 0, (size_t)tW * sizeof(float));
    for (int64_t h = 0; h < H; h++) {
      wino_split_row(src + c * cs + h * rs, W, RC, pe, po);
      /* Stores of whole vectors: past the row's end into the next row, written after this one. */
      float *vr = v + (h + 1) * tW;
      for (int64_t t = 0; t < tW; t += 8) {
        const wv8 d0 = wld8(pe + t), d1 = wld8(po + t), d2 = wld8(pe + t + 1), d3 = wld8(po + t + 1);
        wst8(vr + t, d0 - d2);
        wst8(vr + xs + t, d1 + d2);
        wst8(vr + 2 * xs + t, d2 - d1);
        wst8(vr + 3 * xs + t, d1 - d3);
      }
    }
    /* The bottom padding row, then zeros to the plane's end (the products read up to 32 columns past
     * their last). */
    for (int x = 0; x < 4; x++) memset(v + x * xs + (H + 1) * tW, 0, (size_t)(PL - (H + 1) * tW) * sizeof(float));
  }
}

/* Parts [b, e) of the weight gradient: each part's dU[ξ] [Ci·3, Co] summed over its images, turned
 * into its share of dw in j->acc. */
static void rw_weight_grad_task(void *ctx, int64_t b, int64_t e) {
  conv_job *j = ctx;
  const int64_t Ci = j->Cin, Co = j->Cout, K = 3 * Ci, N = j->rN, tW = j->rtW;
  const int64_t H = j->ax[1].n, W = j->ax[2].n, RC = tW + 16;
  float *V = nnc_scratch(0, (size_t)(4 * Ci * j->rPL + 16) * sizeof(float));
  /* D's ξ planes 16 elements apart: the stores of whole vectors run past a plane's last row. */
  const int64_t xs = Co * N + 16;
  float *D = nnc_scratch(1, (size_t)(4 * xs) * sizeof(float));
  float *split = nnc_scratch(3, (size_t)(2 * (RC + 8)) * sizeof(float));
  float *dUt = nnc_alloc((size_t)(4 * K * Co) * sizeof(float));
  if (!V || !D || !split || !dUt) {
    nnc_free(dUt);
    j->rc = NNC_E_NOMEM;
    return;
  }
  float *pe = split, *po = split + RC + 8;
  for (int64_t p = b; p < e; p++) {
    const int64_t n0 = j->N * p / j->parts, n1 = j->N * (p + 1) / j->parts;
    float *acc = (float *)j->acc + p * Co * Ci * 9;
    if (n1 <= n0) {
      memset(acc, 0, (size_t)(Co * Ci * 9) * sizeof(float));
      continue;
    }
    for (int64_t n = n0; n < n1; n++) {
      const float *x = (const float *)j->x->data + j->x->off + n * j->x->strides[0];
      rw_input(j, x, Ci, j->x->strides[1], j->xs[1], H, W, split, V);
      const float *dy = (const float *)dy_block(j, n, 1, 0);
      if (!dy) {
        nnc_free(dUt);
        return;
      }
      /* dm = the transpose of the output transform: dm0 = dy0, dm1 = dy0 + dy1, dm2 = dy0 − dy1,
       * dm3 = −dy1 (dy0, dy1 = dy[h][2t], dy[h][2t + 1]; zeros past the row). */
      for (int64_t co = 0; co < Co; co++)
        for (int64_t h = 0; h < H; h++) {
          wino_split_row(dy + (co * H + h) * W, W, RC, pe, po);
          float *d = D + co * N + h * tW;
          for (int64_t t = 0; t < tW; t += 8) {
            const wv8 ev = wld8(po + t), od = wld8(pe + t + 1);
            wst8(d + t, ev);
            wst8(d + xs + t, ev + od);
            wst8(d + 2 * xs + t, ev - od);
            wst8(d + 3 * xs + t, -od);
          }
        }
      for (int x = 0; x < 4; x++) {
        const int rc = nnc_sgemm_offsets_at(K, Co, N, V + x * Ci * j->rPL, j->roff, D + x * xs, N,
                                            dUt + x * K * Co, Co, n > n0);
        if (rc) j->rc = rc;
      }
    }
    /* dg = Gᵀ dU along each kernel row. */
    for (int64_t co = 0; co < Co; co++)
      for (int64_t k = 0; k < K; k++) {
        const double u0 = dUt[k * Co + co], u1 = dUt[(K + k) * Co + co], u2 = dUt[(2 * K + k) * Co + co],
                     u3 = dUt[(3 * K + k) * Co + co];
        float *g = acc + co * Ci * 9 + k * 3;
        g[0] = (float)(u0 + 0.5 * (u1 + u2));
        g[1] = (float)(0.5 * (u1 - u2));
        g[2] = (float)(0.5 * (u1 + u2) + u3);
      }
  }
  nnc_free(dUt);
}
#endif

#if defined(NNC_IMPLICIT_CONV)
/* NNC_CONV=unfold keeps every convolution on the unfolding path (for comparisons). */
static int implicit_enabled(void) { return conv_paths() >= CONV_IMPLICIT; }
#define IMPLICIT_OR(j, implicitFn, fn) ((j)->implicit ? (implicitFn) : (fn))
#define WINOGRAD_OR(j, other) ((j)->wino ? winograd_task : (other))
#define WINOGRAD_WG_OR(j, other) ((j)->rwino ? rw_weight_grad_task : (other))
#define PHASE_IG_OR(j, other) ((j)->pig ? input_grad_phase_task : (other))
#else
#define IMPLICIT_OR(j, implicitFn, fn) (fn)
#define WINOGRAD_OR(j, other) (other)
#define WINOGRAD_WG_OR(j, other) (other)
#define PHASE_IG_OR(j, other) (other)
#endif

/* A job's tables: the implicit GEMM's where it applies, else the unfolding's (build_tables). */
static int prepare_job(conv_job *j, int inputGrad) {
#if defined(NNC_IMPLICIT_CONV)
  if (implicit_enabled() && inputGrad && phase_ig_ok(j)) {
    const int rc = build_phase_ig(j);
    if (rc || j->pig) return rc;
  }
  if (implicit_enabled() && implicit_ok(j, inputGrad)) return build_implicit(j, inputGrad);
#endif
  return build_tables(j, inputGrad);
}

/* prepare_job for the forward pass, the input gradient or the weight gradient (mode: WINO_FORWARD,
 * WINO_INPUT_GRAD, WINO_WEIGHT_GRAD), and then the Winograd plan where it applies. */
static int prepare_product(conv_job *j, int mode) {
  const int rc = prepare_job(j, mode == WINO_INPUT_GRAD);
#if defined(NNC_IMPLICIT_CONV)
  if (!rc) {
    const int w = build_winograd(j, mode);
    return w ? w : build_row_winograd(j, mode);
  }
#endif
  return rc;
}

/* ---------------- set-up ---------------- */

/* Validates the three (or four) operands and fills the job. `img` is the [N, Cin, ...spatial]
 * operand, `wt` the [Cout, CinG, ...kernel] one, `oy` the [N, Cout, ...outSpatial] one. */
static int setup(const char *op, const double *desc, nnc_arr *img, nnc_arr *wt, nnc_arr *oy,
                 conv_job *j) {
  geo_t g;
  int64_t groups;
  int rc;
  if ((rc = read_geometry(desc, op, &g)) ||
      (rc = nnc_param(desc, 13, 1, (int64_t)1 << 31, op, "groups", &groups)) ||
      (rc = check_window_operand(op, img, g.d, "input")) ||
      (rc = check_window_operand(op, oy, g.d, "output")) ||
      (rc = check_window_operand(op, wt, g.d, "weight")) ||
      (rc = nnc_require_dtype(wt, img->dtype, op, "weight")) ||
      (rc = nnc_require_dtype(oy, img->dtype, op, "output")) ||
      (rc = nnc_require_contiguous(wt, op, "weight")))
    return rc;
  if (img->dtype == NNC_I32) return nnc_fail(NNC_E_UNSUPPORTED, "%s: int32 is not supported", op);
  for (int i = 0; i < g.d; i++) {
    if (g.kernel[i] > 64) return nnc_fail(NNC_E_UNSUPPORTED, "%s: kernels above 64 taps", op);
    if (wt->shape[2 + i] != g.kernel[i])
      return nnc_fail(NNC_E_ARG, "%s: weight's kernel extent %lld differs from the geometry's %lld", op,
                      (long long)wt->shape[2 + i], (long long)g.kernel[i]);
  }
  int64_t outSp[3], KK, L;
  if ((rc = unfold_geometry(op, &g, img->shape + 2, outSp, &KK, &L))) return rc;
  j->N = img->shape[0], j->Cin = img->shape[1], j->Cout = wt->shape[0], j->G = groups;
  j->CinG = wt->shape[1];
  if (j->Cin != j->CinG * groups || j->Cout % groups != 0)
    return nnc_fail(NNC_E_ARG, "%s: input channels %lld and weight [%lld, %lld, ...] do not fit groups=%lld", op,
                    (long long)j->Cin, (long long)j->Cout, (long long)j->CinG, (long long)groups);
  j->CoutG = j->Cout / groups;
  if (oy->shape[0] != j->N || oy->shape[1] != j->Cout)
    return nnc_fail(NNC_E_ARG, "%s: output must be [%lld, %lld, ...], got [%lld, %lld, ...]", op, (long long)j->N,
                    (long long)j->Cout, (long long)oy->shape[0], (long long)oy->shape[1]);
  for (int i = 0; i < g.d; i++)
    if (oy->shape[2 + i] != outSp[i])
      return nnc_fail(NNC_E_ARG, "%s: output spatial extent %lld differs from the geometry's %lld", op,
                      (long long)oy->shape[2 + i], (long long)outSp[i]);
  j->KK = KK, j->L = L, j->es = (int)nnc_elsize(img->dtype);
  j->inPlane = 1;
  for (int i = 0; i < g.d; i++) j->inPlane *= img->shape[2 + i];
  lift(&g, img->shape + 2, outSp, j->ax);
  spatial_strides(img, g.d, j->xs);
  for (int i = 0; i < 3; i++) tap_ranges(&j->ax[i], j->lo[i], j->hi[i]);
  /* Direct: every tap is the identity and the spatial axes of a channel are one contiguous run. */
  int direct = KK == 1;
  for (int i = 0; i < g.d; i++)
    if (g.stride[i] != 1 || g.padding[i] != 0) direct = 0;
  int64_t run = 1;
  for (int i = g.d - 1; i >= 0 && direct; i--) {
    if (img->shape[2 + i] != 1 && img->strides[2 + i] != run) direct = 0;
    run *= img->shape[2 + i];
  }
  j->direct = direct;
  j->x = img, j->w = wt, j->y = oy;
  j->ld = L > 0 ? block_of(j, INT64_MAX) * L : 0;
  return NNC_OK;
}

/* Images (the implicit GEMM's strips of images) per thread: whole ones in parallel when there are
 * enough of them; otherwise one after the other, each GEMM using every thread. */
static void run_images(conv_job *j, nnc_task_fn fn) {
  int64_t units = j->N;
#if defined(NNC_IMPLICIT_CONV)
  if (j->implicit || j->pig) units = (j->N + j->S - 1) / j->S; /* strips of S images */
  if (j->wino) units = (j->N + j->wG - 1) / j->wG;   /* groups of wG images */
#endif
  if (units >= 2 && nnc_threads() > 1) nnc_parallel_for(units, 1, fn, j);
  else fn(j, 0, units);
}

int32_t nnc_conv(const double *desc, int32_t desc_bytes, void *out, const void *x, const void *w,
                 const void *bias) {
  static const char *op = "conv";
  nnc_arr o, a, k, b;
  conv_job j = {0};
  int rc;
  if ((rc = nnc_check_desc(desc, desc_bytes, op)) || (rc = nnc_parse(desc, 0, out, "conv: out", &o)) ||
      (rc = nnc_parse(desc, 1, x, "conv: x", &a)) || (rc = nnc_parse(desc, 2, w, "conv: weight", &k)) ||
      (rc = nnc_require_contiguous(&o, op, "out")) || (rc = setup(op, desc, &a, &k, &o, &j)))
    return rc;
  if (bias) {
    if ((rc = nnc_parse(desc, 3, bias, "conv: bias", &b)) || (rc = nnc_require_dtype(&b, a.dtype, op, "bias")))
      return rc;
    if (b.ndim != 1 || b.shape[0] != j.Cout)
      return nnc_fail(NNC_E_ARG, "conv: bias must have shape [%lld]", (long long)j.Cout);
    j.bias = &b;
  }
  if (o.size == 0) return NNC_OK;
  nnc_ensure_init();
  if ((rc = prepare_product(&j, WINO_FORWARD))) return free_tables(&j), rc;
  run_images(&j, WINOGRAD_OR(&j, IMPLICIT_OR(&j, forward_implicit_task, forward_task)));
  free_tables(&j);
  return j.rc;
}

/* Describes in y (no data: never stored) the convolution's output [N, Cout, ...outSpatial] of image
 * operand img and weight wt under desc's geometry, read into geo. */
static int describe_output(const char *op, const double *desc, const nnc_arr *img, const nnc_arr *wt,
                           geo_t *geo, nnc_arr *y) {
  int64_t outSp[3], KK, L;
  int rc;
  if ((rc = read_geometry(desc, op, geo)) || (rc = check_window_operand(op, img, geo->d, "input")) ||
      (rc = check_window_operand(op, wt, geo->d, "weight")) ||
      (rc = unfold_geometry(op, geo, img->shape + 2, outSp, &KK, &L)))
    return rc;
  *y = (nnc_arr){.dtype = img->dtype, .ndim = 2 + geo->d};
  y->shape[0] = img->shape[0], y->shape[1] = wt->shape[0];
  for (int i = 0; i < geo->d; i++) y->shape[2 + i] = outSp[i];
  int64_t size = 1;
  for (int i = y->ndim - 1; i >= 0; i--) y->strides[i] = size, size *= y->shape[i];
  y->size = y->len = size;
  return NNC_OK;
}

/* Convolution then max pooling, float32, 2-d: out [N, Cout, pH, pW] and indices (int32, the same
 * shape) = max pooling, window pk, stride ps, no padding, of conv(x, w) + bias, with each plane
 * pooled from the thread's cache instead of the [N, Cout, H, W] output going to memory and back
 * (the CNN's conv → max-pool pair). Values and indices are bit for bit those of nnc_conv followed
 * by nnc_pool. Operands: 0 out, 1 indices, 2 x, 3 w; the convolution's parameters as nnc_conv's,
 * then 14-17 the pooling window and stride (height, width). `bias` (nullable) is Cout contiguous
 * float32 values: the operand slots are full. */
int32_t nnc_conv_max_pool(const double *desc, int32_t desc_bytes, void *out, void *indices, const void *x,
                          const void *w, const void *bias) {
  static const char *op = "convMaxPool";
  nnc_arr o, ix, a, k, y, b;
  conv_job j = {0};
  geo_t geo;
  int64_t pk[2], ps[2];
  int rc;
  if ((rc = nnc_check_desc(desc, desc_bytes, op)) || (rc = nnc_parse(desc, 0, out, "convMaxPool: out", &o)) ||
      (rc = nnc_parse(desc, 1, indices, "convMaxPool: indices", &ix)) ||
      (rc = nnc_parse(desc, 2, x, "convMaxPool: x", &a)) ||
      (rc = nnc_parse(desc, 3, w, "convMaxPool: weight", &k)) ||
      (rc = nnc_require_dtype(&o, NNC_F32, op, "out")) || (rc = nnc_require_dtype(&ix, NNC_I32, op, "indices")) ||
      (rc = nnc_require_contiguous(&o, op, "out")) || (rc = nnc_require_contiguous(&ix, op, "indices")) ||
      (rc = nnc_require_shape(&ix, &o, op, "indices", "out")) || (rc = nnc_require_dtype(&a, NNC_F32, op, "x")) ||
      (rc = describe_output(op, desc, &a, &k, &geo, &y)))
    return rc;
  if (geo.d != 2) return nnc_fail(NNC_E_UNSUPPORTED, "convMaxPool: only 2-d convolutions, got %d-d", geo.d);
  for (int i = 0; i < 2; i++)
    if ((rc = nnc_param(desc, 14 + i, 1, GEO_MAX, op, "pooling window", &pk[i])) ||
        (rc = nnc_param(desc, 16 + i, 1, GEO_MAX, op, "pooling stride", &ps[i])))
      return rc;
  if ((rc = check_window_operand(op, &o, 2, "out")) || (rc = setup(op, desc, &a, &k, &y, &j))) return rc;
  for (int i = 0; i < 2; i++) {
    const int64_t n = y.shape[2 + i], pooled = n >= pk[i] ? (n - pk[i]) / ps[i] + 1 : 0;
    if (o.shape[2 + i] != pooled || pooled == 0)
      return nnc_fail(NNC_E_ARG, "convMaxPool: out's spatial extent %lld differs from the pooled %lld of %lld",
                      (long long)o.shape[2 + i], (long long)pooled, (long long)n);
  }
  if (o.shape[0] != j.N || o.shape[1] != j.Cout)
    return nnc_fail(NNC_E_ARG, "convMaxPool: out must be [%lld, %lld, ...], got [%lld, %lld, ...]", (long long)j.N,
                    (long long)j.Cout, (long long)o.shape[0], (long long)o.shape[1]);
  if (bias) {
    b = (nnc_arr){.dtype = NNC_F32, .ndim = 1, .len = j.Cout, .size = j.Cout, .shape = {j.Cout}, .strides = {1},
                  .data = (char *)bias};
    j.bias = &b;
  }
  if (o.size == 0) return NNC_OK;
  j.pooled = (float *)o.data + o.off, j.pidx = (int32_t *)ix.data + ix.off;
  j.pk[0] = pk[0], j.pk[1] = pk[1], j.ps[0] = ps[0], j.ps[1] = ps[1];
  j.pPlane = o.shape[2] * o.shape[3];
  nnc_ensure_init();
  if ((rc = prepare_product(&j, WINO_FORWARD))) return free_tables(&j), rc;
  run_images(&j, WINOGRAD_OR(&j, IMPLICIT_OR(&j, forward_implicit_task, forward_task)));
  free_tables(&j);
  return j.rc;
}

/* The *_pooled gradients' operands: max pooling's output gradient pg (contiguous, of the image's
 * dtype, [N, Cout, ...pooled]) and its argmax indices ix (int32, contiguous, the same shape) in
 * place of the convolution's output gradient, which y describes; then setup. */
static int pooled_setup(const char *op, const double *desc, nnc_arr *img, nnc_arr *wt, nnc_arr *y, nnc_arr *pg,
                        nnc_arr *ix, conv_job *j) {
  geo_t geo;
  int rc;
  if ((rc = nnc_require_contiguous(pg, op, "grad")) || (rc = nnc_require_contiguous(ix, op, "indices")) ||
      (rc = nnc_require_dtype(ix, NNC_I32, op, "indices")) || (rc = nnc_require_shape(ix, pg, op, "indices", "grad")) ||
      (rc = describe_output(op, desc, img, wt, &geo, y)) || (rc = nnc_require_dtype(pg, img->dtype, op, "grad")) ||
      (rc = setup(op, desc, img, wt, y, j)))
    return rc;
  if (pg->ndim != y->ndim || pg->shape[0] != j->N || pg->shape[1] != j->Cout)
    return nnc_fail(NNC_E_ARG, "%s: grad must be [%lld, %lld, ...] with %d spatial dimensions", op, (long long)j->N,
                    (long long)j->Cout, y->ndim - 2);
  j->pg = pg->data + pg->off * j->es, j->pix = (const int32_t *)ix->data + ix->off;
  j->pQ = 1;
  for (int i = 2; i < pg->ndim; i++) j->pQ *= pg->shape[i];
  int64_t distinct;
  if ((rc = nnc_param(desc, 14, 0, 1, op, "distinct-indices flag", &distinct))) return rc;
  j->pDistinct = (int)distinct;
  return NNC_OK;
}

/* The tasks' result, with the message an index outside a plane deserves (workers cannot record
 * one: messages are per thread). */
static int32_t job_status(const char *op, const conv_job *j) {
  if (j->rc == NNC_E_BOUNDS)
    return nnc_fail(NNC_E_BOUNDS, "%s: an argmax index lies outside the convolution's output plane of %lld", op,
                    (long long)j->L);
  return j->rc;
}

/* dx from the job (dy or the pooled gradient set). */
static int32_t input_grad_run(const char *op, conv_job *j, nnc_arr *o) {
  int rc;
  if (o->size == 0) return NNC_OK;
  nnc_ensure_init();
  if (j->y->size == 0 || j->CoutG == 0) {
    memset(o->data + o->off * j->es, 0, (size_t)o->size * (size_t)j->es);
    return NNC_OK;
  }
  if ((rc = prepare_product(j, WINO_INPUT_GRAD))) return free_tables(j), rc;
  run_images(j, WINOGRAD_OR(j, PHASE_IG_OR(j, IMPLICIT_OR(j, input_grad_implicit_task, input_grad_task))));
  free_tables(j);
  return job_status(op, j);
}

int32_t nnc_conv_input_grad(const double *desc, int32_t desc_bytes, void *dx, const void *dy,
                            const void *w) {
  static const char *op = "convInputGrad";
  nnc_arr o, d, k;
  conv_job j = {0};
  int rc;
  if ((rc = nnc_check_desc(desc, desc_bytes, op)) || (rc = nnc_parse(desc, 0, dx, "convInputGrad: dx", &o)) ||
      (rc = nnc_parse(desc, 1, dy, "convInputGrad: dy", &d)) ||
      (rc = nnc_parse(desc, 2, w, "convInputGrad: weight", &k)) ||
      (rc = nnc_require_contiguous(&o, op, "dx")) || (rc = nnc_require_contiguous(&d, op, "dy")) ||
      (rc = setup(op, desc, &o, &k, &d, &j)))
    return rc;
  return input_grad_run(op, &j, &o);
}

int32_t nnc_conv_input_grad_pooled(const double *desc, int32_t desc_bytes, void *dx, const void *grad,
                                   const void *w, const void *indices) {
  static const char *op = "convInputGrad";
  nnc_arr o, g, k, ix, y;
  conv_job j = {0};
  int rc;
  if ((rc = nnc_check_desc(desc, desc_bytes, op)) || (rc = nnc_parse(desc, 0, dx, "convInputGrad: dx", &o)) ||
      (rc = nnc_parse(desc, 1, grad, "convInputGrad: grad", &g)) ||
      (rc = nnc_parse(desc, 2, w, "convInputGrad: weight", &k)) ||
      (rc = nnc_parse(desc, 3, indices, "convInputGrad: indices", &ix)) ||
      (rc = nnc_require_contiguous(&o, op, "dx")) || (rc = pooled_setup(op, desc, &o, &k, &y, &g, &ix, &j)))
    return rc;
  return input_grad_run(op, &j, &o);
}

/* dw from the job (dy or the pooled gradient set): each thread's share of the images into an
 * accumulator of its own, summed at the end. */
static int32_t weight_grad_run(const char *op, conv_job *j, nnc_arr *o) {
  int rc;
  if (o->size == 0) return NNC_OK;
  nnc_ensure_init();
  const size_t wbytes = (size_t)o->size * (size_t)j->es;
  if (j->N == 0 || j->L == 0) {
    memset(o->data + o->off * j->es, 0, wbytes);
    return NNC_OK;
  }
  const int T = nnc_threads();
  j->parts = (int)(j->N < T ? j->N : T);
  /* One part: straight into dw; several: each into memory of its own, summed at the end. */
  if ((rc = prepare_product(j, WINO_WEIGHT_GRAD))) return free_tables(j), rc;
  char *extra = j->parts > 1 ? nnc_alloc(wbytes * (size_t)j->parts) : NULL;
  if (j->parts > 1 && !extra) return free_tables(j), NNC_E_NOMEM;
  j->acc = j->parts > 1 ? extra : o->data + o->off * j->es;
  nnc_task_fn task = WINOGRAD_WG_OR(j, IMPLICIT_OR(j, weight_grad_implicit_task, weight_grad_task));
  if (j->parts > 1) nnc_parallel_for(j->parts, 1, task, j);
  else task(j, 0, 1);
  if (j->parts > 1) {
    const int64_t m = o->size;
    if (j->es == 4) {
      float *dst = (float *)o->data + o->off;
      const float *src = (const float *)extra;
      for (int64_t i = 0; i < m; i++) {
        float s = src[i];
        for (int p = 1; p < j->parts; p++) s += src[p * m + i];
        dst[i] = s;
      }
    } else {
      double *dst = (double *)o->data + o->off;
      const double *src = (const double *)extra;
      for (int64_t i = 0; i < m; i++) {
        double s = src[i];
        for (int p = 1; p < j->parts; p++) s += src[p * m + i];
        dst[i] = s;
      }
    }
  }
  nnc_free(extra);
  free_tables(j);
  return job_status(op, j);
}

int32_t nnc_conv_weight_grad(const double *desc, int32_t desc_bytes, void *dw, const void *dy,
                             const void *x) {
  static const char *op = "convWeightGrad";
  nnc_arr o, d, a;
  conv_job j = {0};
  int rc;
  if ((rc = nnc_check_desc(desc, desc_bytes, op)) || (rc = nnc_parse(desc, 0, dw, "convWeightGrad: dw", &o)) ||
      (rc = nnc_parse(desc, 1, dy, "convWeightGrad: dy", &d)) ||
      (rc = nnc_parse(desc, 2, x, "convWeightGrad: x", &a)) ||
      (rc = nnc_require_contiguous(&d, op, "dy")) || (rc = setup(op, desc, &a, &o, &d, &j)))
    return rc;
  return weight_grad_run(op, &j, &o);
}

int32_t nnc_conv_weight_grad_pooled(const double *desc, int32_t desc_bytes, void *dw, const void *grad,
                                    const void *x, const void *indices) {
  static const char *op = "convWeightGrad";
  nnc_arr o, g, a, ix, y;
  conv_job j = {0};
  int rc;
  if ((rc = nnc_check_desc(desc, desc_bytes, op)) || (rc = nnc_parse(desc, 0, dw, "convWeightGrad: dw", &o)) ||
      (rc = nnc_parse(desc, 1, grad, "convWeightGrad: grad", &g)) ||
      (rc = nnc_parse(desc, 2, x, "convWeightGrad: x", &a)) ||
      (rc = nnc_parse(desc, 3, indices, "convWeightGrad: indices", &ix)) ||
      (rc = pooled_setup(op, desc, &a, &o, &y, &g, &ix, &j)))
    return rc;
  return weight_grad_run(op, &j, &o);
}
