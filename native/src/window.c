/* Sliding windows: im2col, col2im and max/avg pooling over 1-, 2- and 3-d windows with stride,
 * padding and dilation. As in the JS backend, the geometry is lifted to three spatial axes and
 * each loop runs only over the taps or positions whose input index lies inside the array, so no
 * read or write ever leaves its operand (ranges are computed once per axis). */
#include <stdatomic.h>
#include <string.h>

#include "internal.h"

#include "window.h"

typedef struct {
  const nnc_arr *x, *o;
  axis_t ax[3];
  int64_t xs[3];
  int64_t *lo[3], *hi[3];
  int64_t C, KK, L;
} win_job;

static void im2col_task(void *ctx, int64_t b, int64_t e) {
  win_job *j = ctx;
  const int64_t es = nnc_elsize(j->x->dtype);
  const axis_t *ad = &j->ax[0], *ah = &j->ax[1], *aw = &j->ax[2];
  const int64_t oH = ah->o, oW = aw->o, plane = oH * oW, L = j->L;
  const int64_t stepW = aw->s * j->xs[2];
  for (int64_t nc = b; nc < e; nc++) {
    const int64_t n = nc / j->C, c = nc % j->C;
    const char *xc = j->x->data + (j->x->off + n * j->x->strides[0] + c * j->x->strides[1]) * es;
    char *o = j->o->data + (j->o->off + nc * j->KK * L) * es;
    for (int64_t kd = 0; kd < ad->k; kd++) {
      const int64_t dlo = j->lo[0][kd], dhi = j->hi[0][kd], dShift = kd * ad->dil - ad->p;
      for (int64_t kh = 0; kh < ah->k; kh++) {
        const int64_t hlo = j->lo[1][kh], hhi = j->hi[1][kh], hShift = kh * ah->dil - ah->p;
        for (int64_t kw = 0; kw < aw->k; kw++) {
          const int64_t wlo = j->lo[2][kw], whi = j->hi[2][kw], wShift = kw * aw->dil - aw->p;
          if (dlo >= dhi || hlo >= hhi || wlo >= whi) {
            memset(o, 0, (size_t)(L * es));
            o += L * es;
            continue;
          }
          for (int64_t od = 0; od < ad->o; od++) {
            if (od < dlo || od >= dhi) {
              memset(o, 0, (size_t)(plane * es));
              o += plane * es;
              continue;
            }
            const int64_t xd = (od * ad->s + dShift) * j->xs[0];
            for (int64_t oh = 0; oh < oH; oh++) {
              if (oh < hlo || oh >= hhi) {
                memset(o, 0, (size_t)(oW * es));
                o += oW * es;
                continue;
              }
              if (wlo > 0) memset(o, 0, (size_t)(wlo * es));
              const int64_t p0 = xd + (oh * ah->s + hShift) * j->xs[1] + (wlo * aw->s + wShift) * j->xs[2];
              if (es == 4) {
                const uint32_t *src = (const uint32_t *)xc + p0;
                uint32_t *dst = (uint32_t *)o;
                if (stepW == 1) memcpy(dst + wlo, src, (size_t)(whi - wlo) * 4);
                else
                  for (int64_t w = wlo; w < whi; w++, src += stepW) dst[w] = *src;
              } else {
                const uint64_t *src = (const uint64_t *)xc + p0;
                uint64_t *dst = (uint64_t *)o;
                if (stepW == 1) memcpy(dst + wlo, src, (size_t)(whi - wlo) * 8);
                else
                  for (int64_t w = wlo; w < whi; w++, src += stepW) dst[w] = *src;
              }
              if (whi < oW) memset(o + whi * es, 0, (size_t)((oW - whi) * es));
              o += oW * es;
            }
          }
        }
      }
    }
  }
}

/* Validates x [N, C, ...spatial] against the geometry and fills the job's axes. */
static int window_setup(const char *op, const geo_t *g, const nnc_arr *x, const int64_t *spatialOut,
                        win_job *j, int64_t *ranges) {
  lift(g, x->shape + 2, spatialOut, j->ax);
  spatial_strides(x, g->d, j->xs);
  int64_t *r = ranges;
  for (int i = 0; i < 3; i++) {
    j->lo[i] = r;
    j->hi[i] = r + j->ax[i].k;
    r += 2 * j->ax[i].k;
    tap_ranges(&j->ax[i], j->lo[i], j->hi[i]);
  }
  (void)op;
  return NNC_OK;
}




int32_t nnc_im2col(const double *desc, int32_t desc_bytes, void *out, const void *x) {
  static const char *op = "im2col";
  nnc_arr o, a;
  geo_t g;
  int rc;
  if ((rc = nnc_check_desc(desc, desc_bytes, op)) || (rc = nnc_parse(desc, 0, out, "im2col: out", &o)) ||
      (rc = nnc_parse(desc, 1, x, "im2col: x", &a)) || (rc = read_geometry(desc, op, &g)) ||
      (rc = check_window_operand(op, &a, g.d, "x")) || (rc = nnc_require_dtype(&o, a.dtype, op, "out")) ||
      (rc = nnc_require_contiguous(&o, op, "out")))
    return rc;
  int64_t outSp[3], KK, L;
  if ((rc = unfold_geometry(op, &g, a.shape + 2, outSp, &KK, &L))) return rc;
  const int64_t N = a.shape[0], C = a.shape[1];
  if (o.ndim != 3 || o.shape[0] != N || o.shape[1] != C * KK || o.shape[2] != L)
    return nnc_fail(NNC_E_ARG, "im2col: out must have shape [%lld, %lld, %lld]", (long long)N,
                    (long long)(C * KK), (long long)L);
  if (o.size == 0) return NNC_OK;
  int64_t *ranges;
  if ((rc = ranges_alloc(&g, &ranges))) return rc;
  win_job j = {.x = &a, .o = &o, .C = C, .KK = KK, .L = L};
  window_setup(op, &g, &a, outSp, &j, ranges);
  int64_t grain = 32768 / (KK * L);
  nnc_parallel_for(N * C, grain < 1 ? 1 : grain, im2col_task, &j);
  nnc_free(ranges);
  return NNC_OK;
}

/* ---------------- col2im ---------------- */

typedef struct {
  const nnc_arr *cols, *o;
  axis_t ax[3];
  int64_t *lo[3], *hi[3];
  int64_t C, KK, inPlane;
} fold_job;

#define FOLD_PLANE(T, ADD)                                                                       \
  for (int64_t c = 0; c < 1; c++) {                                                               \
    T *oc = (T *)j->o->data + j->o->off + nc * j->inPlane;                                        \
    const T *cd = (const T *)j->cols->data + j->cols->off;                                        \
    int64_t r = (nc % j->C) * j->KK;                                                              \
    const int64_t n = nc / j->C;                                                                  \
    for (int64_t kd = 0; kd < ad->k; kd++) {                                                      \
      const int64_t dShift = kd * ad->dil - ad->p;                                                \
      for (int64_t kh = 0; kh < ah->k; kh++) {                                                    \
        const int64_t hShift = kh * ah->dil - ah->p;                                              \
        for (int64_t kw = 0; kw < aw->k; kw++, r++) {                                             \
          const int64_t wlo = j->lo[2][kw], whi = j->hi[2][kw], wShift = kw * aw->dil - aw->p;    \
          const int64_t cr = n * csN + r * csR;                                                   \
          for (int64_t od = j->lo[0][kd]; od < j->hi[0][kd]; od++) {                              \
            const int64_t outD = (od * ad->s + dShift) * H * W;                                   \
            for (int64_t oh = j->lo[1][kh]; oh < j->hi[1][kh]; oh++) {                            \
              int64_t p = outD + (oh * ah->s + hShift) * W + wlo * sW + wShift;                   \
              int64_t q = cr + ((od * oH + oh) * oW + wlo) * csL;                                 \
              for (int64_t ow = wlo; ow < whi; ow++, p += sW, q += csL) oc[p] = ADD(oc[p], cd[q]); \
            }                                                                                     \
          }                                                                                       \
        }                                                                                         \
      }                                                                                           \
    }                                                                                             \
  }

#define ADDF(a, b) ((a) + (b))
#define ADDI(a, b) js_toint32((double)(a) + (double)(b))

static void col2im_task(void *ctx, int64_t b, int64_t e) {
  fold_job *j = ctx;
  const axis_t *ad = &j->ax[0], *ah = &j->ax[1], *aw = &j->ax[2];
  const int64_t oH = ah->o, oW = aw->o, H = ah->n, W = aw->n, sW = aw->s;
  const int64_t csN = j->cols->strides[0], csR = j->cols->strides[1], csL = j->cols->strides[2];
  const int64_t es = nnc_elsize(j->o->dtype);
  for (int64_t nc = b; nc < e; nc++) {
    memset(j->o->data + (j->o->off + nc * j->inPlane) * es, 0, (size_t)(j->inPlane * es));
    switch (j->o->dtype) {
      case NNC_F32: FOLD_PLANE(float, ADDF) break;
      case NNC_F64: FOLD_PLANE(double, ADDF) break;
      default: FOLD_PLANE(int32_t, ADDI) break;
    }
  }
}

int32_t nnc_col2im(const double *desc, int32_t desc_bytes, void *out, const void *cols) {
  static const char *op = "col2im";
  nnc_arr o, c;
  geo_t g;
  int rc;
  if ((rc = nnc_check_desc(desc, desc_bytes, op)) || (rc = nnc_parse(desc, 0, out, "col2im: out", &o)) ||
      (rc = nnc_parse(desc, 1, cols, "col2im: cols", &c)) || (rc = read_geometry(desc, op, &g)) ||
      (rc = check_window_operand(op, &o, g.d, "out")) || (rc = nnc_require_dtype(&c, o.dtype, op, "cols")) ||
      (rc = nnc_require_contiguous(&o, op, "out")))
    return rc;
  int64_t outSp[3], KK, L;
  if ((rc = unfold_geometry(op, &g, o.shape + 2, outSp, &KK, &L))) return rc;
  const int64_t N = o.shape[0], C = o.shape[1];
  if (c.ndim != 3 || c.shape[0] != N || c.shape[1] != C * KK || c.shape[2] != L)
    return nnc_fail(NNC_E_ARG, "col2im: cols must have shape [%lld, %lld, %lld]", (long long)N,
                    (long long)(C * KK), (long long)L);
  if (o.size == 0) return NNC_OK;
  int64_t *ranges;
  if ((rc = ranges_alloc(&g, &ranges))) return rc;
  win_job w = {.x = &o, .o = &o};
  window_setup(op, &g, &o, outSp, &w, ranges);
  fold_job j = {.cols = &c, .o = &o, .C = C, .KK = KK, .inPlane = o.size / (N * C)};
  memcpy(j.ax, w.ax, sizeof j.ax);
  for (int i = 0; i < 3; i++) j.lo[i] = w.lo[i], j.hi[i] = w.hi[i];
  int64_t grain = 32768 / (KK * (L ? L : 1));
  nnc_parallel_for(N * C, grain < 1 ? 1 : grain, col2im_task, &j);
  nnc_free(ranges);
  return NNC_OK;
}

/* ---------------- pooling ---------------- */

typedef struct {
  int64_t *k0, *k1, *padded, *first;
} wranges;

/* Per output position: the first and one-past-last taps inside the input, the taps inside the
 * padded extent (avg divisor with countIncludePad), and PyTorch's index for an empty window. */
static void window_ranges(const axis_t *a, wranges *w) {
  for (int64_t o = 0; o < a->o; o++) {
    const int64_t start = o * a->s - a->p;
    const int64_t lo = start >= 0 ? 0 : ceil_div(-start, a->dil);
    const int64_t hi = imin(a->k, floor_div(a->n - 1 - start, a->dil) + 1);
    w->k0[o] = imin(lo, a->k);
    w->k1[o] = imax(w->k0[o], hi);
    w->first[o] = start + lo * a->dil;
    const int64_t plo = ceil_div(-a->p - start, a->dil);
    const int64_t phi = imin(a->k, floor_div(a->n + a->p - 1 - start, a->dil) + 1);
    w->padded[o] = imax(0, phi - imax(0, plo));
  }
}

typedef struct {
  const nnc_arr *x, *o, *ix;
  int max, includePad;
  axis_t ax[3];
  int64_t xs[3];
  wranges w[3];
  int64_t C, outPlane;
} pool_job;

static inline void std_(char *p, int dt, int64_t i, double v) {
  switch (dt) {
    case NNC_F32: ((float *)p)[i] = (float)v; break;
    case NNC_F64: ((double *)p)[i] = v; break;
    default: ((int32_t *)p)[i] = js_toint32(v); break;
  }
}

/* One output row (fixed n, c, od, oh) of max or average pooling, typed loads. Values compare
 * and sum in double, as the JS backend's numbers do. */
#define POOL_ROW(NAME, T)                                                                        \
  static void NAME(const pool_job *j, const T *xc, char *ob, int32_t *ib, int64_t o, int64_t od, \
                   int64_t oh) {                                                                  \
    const axis_t *ad = &j->ax[0], *ah = &j->ax[1], *aw = &j->ax[2];                               \
    const wranges *wd = &j->w[0], *wh = &j->w[1], *ww = &j->w[2];                                 \
    const int64_t H = ah->n, W = aw->n;                                                           \
    const int64_t stepD = ad->dil * j->xs[0], stepH = ah->dil * j->xs[1], stepW = aw->dil * j->xs[2]; \
    const int64_t kd0 = wd->k0[od], kd1 = wd->k1[od], d0 = od * ad->s - ad->p;                    \
    const int64_t kh0 = wh->k0[oh], kh1 = wh->k1[oh], h0 = oh * ah->s - ah->p;                    \
    const int dt = j->x->dtype;                                                                   \
    for (int64_t ow = 0; ow < aw->o; ow++, o++) {                                                 \
      const int64_t kw0 = ww->k0[ow], kw1 = ww->k1[ow], w0 = ow * aw->s - aw->p;                  \
      const int64_t pd0 = (d0 + kd0 * ad->dil) * j->xs[0] + (h0 + kh0 * ah->dil) * j->xs[1] +     \
                          (w0 + kw0 * aw->dil) * j->xs[2];                                        \
      if (j->max) {                                                                               \
        double best = -INFINITY;                                                                  \
        int64_t bestAt = (wd->first[od] * H + wh->first[oh]) * W + ww->first[ow];                 \
        int64_t pd = pd0;                                                                         \
        for (int64_t kd = kd0; kd < kd1; kd++, pd += stepD) {                                     \
          const int64_t flatD = (d0 + kd * ad->dil) * H;                                          \
          int64_t ph = pd;                                                                        \
          for (int64_t kh = kh0; kh < kh1; kh++, ph += stepH) {                                   \
            const int64_t flatH = (flatD + h0 + kh * ah->dil) * W + w0;                           \
            int64_t pw = ph;                                                                      \
            for (int64_t kw = kw0; kw < kw1; kw++, pw += stepW) {                                 \
              const double v = xc[pw];                                                            \
              if (v > best || v != v) {                                                           \
                best = v;                                                                         \
                bestAt = flatH + kw * aw->dil;                                                    \
              }                                                                                   \
            }                                                                                     \
          }                                                                                       \
        }                                                                                         \
        std_(ob, dt, o, best);                                                                    \
        if (ib) ib[o] = js_toint32((double)bestAt);                                               \
      } else {                                                                                    \
        double sum = 0;                                                                           \
        int64_t pd = pd0;                                                                         \
        for (int64_t kd = kd0; kd < kd1; kd++, pd += stepD) {                                     \
          int64_t ph = pd;                                                                        \
          for (int64_t kh = kh0; kh < kh1; kh++, ph += stepH) {                                   \
            int64_t pw = ph;                                                                      \
            for (int64_t kw = kw0; kw < kw1; kw++, pw += stepW) sum += xc[pw];                    \
          }                                                                                       \
        }                                                                                         \
        const int64_t count = j->includePad ? wd->padded[od] * wh->padded[oh] * ww->padded[ow]    \
                                            : (kd1 - kd0) * (kh1 - kh0) * (kw1 - kw0);            \
        std_(ob, dt, o, count > 0 ? sum / (double)count : 0.0);                                   \
      }                                                                                           \
    }                                                                                             \
  }
POOL_ROW(pool_row_f, float)
POOL_ROW(pool_row_d, double)
POOL_ROW(pool_row_i, int32_t)

/* Max pooling in 2-d with every window inside the input (no padding, dilation 1, floor mode) and
 * float32: the common 2×2 / 3×3 layer of a CNN, without the general row's range lookups and double
 * conversions (same comparisons, so the same values and argmax indices). */
static int pool_simple_2d(const pool_job *j) {
  const axis_t *ad = &j->ax[0], *ah = &j->ax[1], *aw = &j->ax[2];
  if (!j->max || j->x->dtype != NNC_F32 || ad->k != 1 || ad->n != 1) return 0;
  if (ah->p || aw->p || ah->dil != 1 || aw->dil != 1) return 0;
  return (ah->o - 1) * ah->s + ah->k <= ah->n && (aw->o - 1) * aw->s + aw->k <= aw->n;
}

#if defined(__AVX512F__)
/* One tap of a max window, sixteen outputs: take v where it beats the best so far or is NaN (the
 * general row's comparison: first maximum kept, NaN propagated), with its input indices. */
static inline void max_tap16(__m512 *best, __m512i *at, __m512 v, __m512i index) {
  const __mmask16 take = _mm512_cmp_ps_mask(v, *best, _CMP_GT_OQ) | _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q);
  *best = _mm512_mask_blend_ps(take, *best, v);
  *at = _mm512_mask_blend_epi32(take, *at, index);
}
#elif defined(__AVX2__)
/* The same for eight outputs: blends by the comparisons' all-ones lanes. */
static inline void max_tap8(__m256 *best, __m256i *at, __m256 v, __m256i index) {
  const __m256 take = _mm256_or_ps(_mm256_cmp_ps(v, *best, _CMP_GT_OQ), _mm256_cmp_ps(v, v, _CMP_UNORD_Q));
  *best = _mm256_blendv_ps(*best, v, take);
  *at = _mm256_castps_si256(_mm256_blendv_ps(_mm256_castsi256_ps(*at), _mm256_castsi256_ps(index), take));
}
#endif

/* One output row. The comparisons are the general row's (`v > best || v is NaN`, first maximum
 * kept), without branches: on real data each is a coin toss the branch predictor loses (the
 * branchy loop took 18 ns per output of a 2×2 pool). */
static void pool_row_simple(const pool_job *j, const float *xc, float *ob, int32_t *ib, int64_t o,
                            int64_t oh) {
  const axis_t *ah = &j->ax[1], *aw = &j->ax[2];
  const int64_t kh = ah->k, kw = aw->k, sw = aw->s, W = aw->n, xsH = j->xs[1], xsW = j->xs[2];
  const int64_t h0 = oh * ah->s;
  int64_t ow = 0;
#if defined(__AVX512F__)
  /* The 2-wide, stride-2 window (the CNN's 2×2 pool): sixteen outputs from two contiguous loads of
   * sixteen inputs per window row, split into even and odd columns by two permutes — the gathers
   * below cost about three times as much per output row. Same taps in the same order. */
  if (xsW == 1 && sw == 2 && kw == 2 && h0 * W + aw->n < ((int64_t)1 << 30)) {
    const __m512i lane = _mm512_set_epi32(30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0);
    const __m512i odd = _mm512_add_epi32(lane, _mm512_set1_epi32(1));
    for (; ow < aw->o; ow += 16) {
      const int64_t left = aw->o - ow;
      const __mmask16 live = first_lanes(left);
      /* Inputs w0 … w0 + 2·left − 1, all inside the row (pool_simple_2d checked the extent). */
      const int64_t inputs = 2 * (left >= 16 ? 16 : left);
      const __mmask16 m0 = first_lanes(inputs), m1 = first_lanes(inputs > 16 ? inputs - 16 : 0);
      const int64_t w0 = ow * 2;
      __m512 best = _mm512_set1_ps(-INFINITY);
      __m512i at = _mm512_add_epi32(lane, _mm512_set1_epi32((int)(h0 * W + w0)));
      for (int64_t a = 0; a < kh; a++) {
        const float *row = xc + (h0 + a) * xsH + w0;
        const __m512 lo = _mm512_maskz_loadu_ps(m0, row), hi = _mm512_maskz_loadu_ps(m1, row + 16);
        const __m512i base = _mm512_set1_epi32((int)((h0 + a) * W + w0));
        max_tap16(&best, &at, _mm512_permutex2var_ps(lo, lane, hi), _mm512_add_epi32(lane, base));
        max_tap16(&best, &at, _mm512_permutex2var_ps(lo, odd, hi), _mm512_add_epi32(odd, base));
      }
      _mm512_mask_storeu_ps(ob + o + ow, live, best);
      if (ib) _mm512_mask_storeu_epi32(ib + o + ow, live, at);
    }
  }
  /* Sixteen outputs at a time, each tap a gather of sixteen inputs sw apart. */
  if (xsW == 1 && (aw->o - 1) * sw + kw < ((int64_t)1 << 26) && h0 * W + aw->n < ((int64_t)1 << 30)) {
    const __m512i lane = _mm512_mullo_epi32(_mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
                                            _mm512_set1_epi32((int)sw));
    for (; ow < aw->o; ow += 16) {
      const int64_t left = aw->o - ow;
      const __mmask16 live = first_lanes(left);
      const int64_t w0 = ow * sw;
      __m512 best = _mm512_set1_ps(-INFINITY);
      __m512i at = _mm512_add_epi32(lane, _mm512_set1_epi32((int)(h0 * W + w0)));
      for (int64_t a = 0; a < kh; a++) {
        const float *row = xc + (h0 + a) * xsH + w0;
        for (int64_t b = 0; b < kw; b++) {
          max_tap16(&best, &at, _mm512_mask_i32gather_ps(best, live, lane, row + b, 4),
                    _mm512_add_epi32(lane, _mm512_set1_epi32((int)((h0 + a) * W + w0 + b))));
        }
      }
      _mm512_mask_storeu_ps(ob + o + ow, live, best);
      if (ib) _mm512_mask_storeu_epi32(ib + o + ow, live, at);
    }
  }
#elif defined(__AVX2__)
  /* The 2×2-pool form for eight outputs: two loads of eight inputs per window row, split into even
   * and odd columns by in-lane shuffles, whose order (inputs 0 2 8 10 | 4 6 12 14) is undone once
   * per eight outputs by a 64-bit permute of the maxima and of their indices. Same taps in the
   * same order. */
  if (xsW == 1 && sw == 2 && kw == 2 && h0 * W + aw->n < ((int64_t)1 << 30)) {
    const __m256i even = _mm256_setr_epi32(0, 2, 8, 10, 4, 6, 12, 14);
    const __m256i odd = _mm256_add_epi32(even, _mm256_set1_epi32(1));
    for (; ow < aw->o; ow += 8) {
      const int64_t left = aw->o - ow;
      /* Inputs w0 … w0 + 2·left − 1, all inside the row (pool_simple_2d checked the extent). */
      const int64_t inputs = 2 * (left >= 8 ? 8 : left);
      const __m256i m0 = nnc_first_lanes8(inputs), m1 = nnc_first_lanes8(inputs - 8);
      const int64_t w0 = ow * 2;
      __m256 best = _mm256_set1_ps(-INFINITY);
      __m256i at = _mm256_add_epi32(even, _mm256_set1_epi32((int)(h0 * W + w0)));
      for (int64_t a = 0; a < kh; a++) {
        const float *row = xc + (h0 + a) * xsH + w0;
        const __m256 lo = inputs >= 16 ? _mm256_loadu_ps(row) : _mm256_maskload_ps(row, m0);
        const __m256 hi = inputs >= 16 ? _mm256_loadu_ps(row + 8) : _mm256_maskload_ps(row + 8, m1);
        const __m256i base = _mm256_set1_epi32((int)((h0 + a) * W + w0));
        max_tap8(&best, &at, _mm256_shuffle_ps(lo, hi, 0x88), _mm256_add_epi32(even, base));
        max_tap8(&best, &at, _mm256_shuffle_ps(lo, hi, 0xDD), _mm256_add_epi32(odd, base));
      }
      best = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(best), 0xD8));
      at = _mm256_permute4x64_epi64(at, 0xD8);
      if (left >= 8) {
        _mm256_storeu_ps(ob + o + ow, best);
        if (ib) _mm256_storeu_si256((__m256i *)(ib + o + ow), at);
      } else {
        const __m256i live = nnc_first_lanes8(left);
        _mm256_maskstore_ps(ob + o + ow, live, best);
        if (ib) _mm256_maskstore_epi32(ib + o + ow, live, at);
      }
    }
  }
#endif
  for (; ow < aw->o; ow++) {
    const int64_t w0 = ow * sw;
    uint32_t best = 0xff800000u; /* -∞ */
    int64_t at = h0 * W + w0;
    for (int64_t a = 0; a < kh; a++) {
      const float *row = xc + (h0 + a) * xsH + w0 * xsW;
      for (int64_t b = 0; b < kw; b++) {
        const float v = row[b * xsW];
        float bf;
        uint32_t bits;
        memcpy(&bits, &v, 4);
        memcpy(&bf, &best, 4);
        const uint32_t take = (uint32_t)(-(int32_t)((v > bf) | ((bits & 0x7fffffffu) > 0x7f800000u)));
        best = (best & ~take) | (bits & take);
        const int64_t t64 = (int64_t)(int32_t)take;
        at = (at & ~t64) | (((h0 + a) * W + w0 + b) & t64);
      }
    }
    memcpy(ob + o + ow, &best, 4);
    if (ib) ib[o + ow] = (int32_t)at;
  }
}

/* Max pooling of one float32 plane [H, W] (row pitch ldx) in kh×kw windows with stride sh×sw, no
 * padding, every window inside: out and idx get the plane's [oH, oW] maxima and their flat indices
 * h·W + w, exactly as nnc_pool computes them (conv.c pools a convolution's output plane by plane
 * while it is in cache). */
void nnc_max_pool_plane_f32(const float *x, int64_t H, int64_t W, int64_t ldx, int64_t kh, int64_t kw,
                            int64_t sh, int64_t sw, float *out, int32_t *idx) {
  pool_job j = {.max = 1};
  const int64_t oH = (H - kh) / sh + 1, oW = (W - kw) / sw + 1;
  j.ax[1] = (axis_t){H, oH, kh, sh, 0, 1};
  j.ax[2] = (axis_t){W, oW, kw, sw, 0, 1};
  j.xs[1] = ldx, j.xs[2] = 1;
  for (int64_t oh = 0; oh < oH; oh++) pool_row_simple(&j, x, out, idx, oh * oW, oh);
}

/* Units are output rows (n, c, od, oh), so one large plane still spreads over the threads. */
static void pool_task(void *ctx, int64_t b, int64_t e) {
  pool_job *j = ctx;
  if (pool_simple_2d(j)) {
    const int64_t oH = j->ax[1].o, oW = j->ax[2].o;
    float *ob = (float *)j->o->data + j->o->off;
    int32_t *ib = j->ix ? (int32_t *)j->ix->data + j->ix->off : NULL;
    /* Divisions once per chunk, not per row: four 64-bit divisions cost more than a short row. */
    int64_t nc = b / oH, oh = b % oH, n = nc / j->C, c = nc % j->C;
    const float *x0 = (const float *)j->x->data + j->x->off;
    const float *xc = x0 + n * j->x->strides[0] + c * j->x->strides[1];
    for (int64_t u = b; u < e; u++) {
      pool_row_simple(j, xc, ob, ib, nc * j->outPlane + oh * oW, oh);
      if (++oh < oH) continue;
      oh = 0, nc++;
      if (++c == j->C) c = 0, n++;
      xc = x0 + n * j->x->strides[0] + c * j->x->strides[1];
    }
    return;
  }
  const int dt = j->x->dtype;
  const int64_t es = nnc_elsize(dt);
  const int64_t oD = j->ax[0].o, oH = j->ax[1].o, oW = j->ax[2].o;
  char *ob = j->o->data + j->o->off * es;
  int32_t *ib = j->ix ? (int32_t *)j->ix->data + j->ix->off : NULL;
  for (int64_t u = b; u < e; u++) {
    const int64_t nc = u / (oD * oH), r = u % (oD * oH), od = r / oH, oh = r % oH;
    const int64_t n = nc / j->C, c = nc % j->C;
    const char *xc = j->x->data + (j->x->off + n * j->x->strides[0] + c * j->x->strides[1]) * es;
    const int64_t o = nc * j->outPlane + (od * oH + oh) * oW;
    switch (dt) {
      case NNC_F32: pool_row_f(j, (const float *)xc, ob, ib, o, od, oh); break;
      case NNC_F64: pool_row_d(j, (const double *)xc, ob, ib, o, od, oh); break;
      default: pool_row_i(j, (const int32_t *)xc, ob, ib, o, od, oh); break;
    }
  }
}

int32_t nnc_pool(const double *desc, int32_t desc_bytes, void *out, void *indices, const void *x) {
  static const char *op = "pool";
  nnc_arr o, ix, a;
  geo_t g;
  int64_t kind, includePad, hasIdx;
  int rc;
  if ((rc = nnc_check_desc(desc, desc_bytes, op)) || (rc = nnc_parse(desc, 0, out, "pool: out", &o)) ||
      (rc = nnc_parse(desc, 2, x, "pool: x", &a)) || (rc = read_geometry(desc, op, &g)) ||
      (rc = nnc_param(desc, 13, 0, 1, op, "kind (0 max, 1 avg)", &kind)) ||
      (rc = nnc_param(desc, 14, 0, 1, op, "countIncludePad flag", &includePad)) ||
      (rc = nnc_param(desc, 15, 0, 1, op, "indices flag", &hasIdx)) ||
      (rc = check_window_operand(op, &a, g.d, "x")) || (rc = check_window_operand(op, &o, g.d, "out")) ||
      (rc = nnc_require_dtype(&o, a.dtype, op, "out")) || (rc = nnc_require_contiguous(&o, op, "out")))
    return rc;
  if (hasIdx) {
    if ((rc = nnc_parse(desc, 1, indices, "pool: indices", &ix)) ||
        (rc = nnc_require_dtype(&ix, NNC_I32, op, "indices")) ||
        (rc = nnc_require_shape(&ix, &o, op, "indices", "out")) ||
        (rc = nnc_require_contiguous(&ix, op, "indices")))
      return rc;
  }
  if (o.shape[0] != a.shape[0] || o.shape[1] != a.shape[1])
    return nnc_fail(NNC_E_ARG, "pool: out's batch and channel extents [%lld, %lld] differ from x's [%lld, %lld]",
                    (long long)o.shape[0], (long long)o.shape[1], (long long)a.shape[0], (long long)a.shape[1]);
  if (o.size == 0) return NNC_OK;
  pool_job j = {.x = &a, .o = &o, .ix = hasIdx && kind == 0 ? &ix : NULL, .max = kind == 0,
                .includePad = (int)includePad, .C = a.shape[1]};
  lift(&g, a.shape + 2, o.shape + 2, j.ax);
  spatial_strides(&a, g.d, j.xs);
  j.outPlane = j.ax[0].o * j.ax[1].o * j.ax[2].o;
  int64_t total = 0;
  for (int i = 0; i < 3; i++) total += 4 * j.ax[i].o;
  int64_t *mem = nnc_alloc((size_t)total * sizeof(int64_t));
  if (!mem) return NNC_E_NOMEM;
  int64_t *m = mem;
  for (int i = 0; i < 3; i++) {
    const int64_t n = j.ax[i].o;
    j.w[i] = (wranges){m, m + n, m + 2 * n, m + 3 * n};
    m += 4 * n;
    window_ranges(&j.ax[i], &j.w[i]);
  }
  double work = (double)j.ax[2].o;
  for (int i = 0; i < g.d; i++) work *= (double)g.kernel[i];
  int64_t grain = work >= 16384 ? 1 : (int64_t)(16384 / (work > 1 ? work : 1));
  nnc_parallel_for(a.shape[0] * a.shape[1] * j.ax[0].o * j.ax[1].o, grain, pool_task, &j);
  nnc_free(mem);
  return NNC_OK;
}

/* ---------------- max pooling's gradient ----------------
 * Plane by plane (in parallel: planes are independent): the plane of out is cleared while it is
 * in cache and each gradient added at its argmax in order, so repeated indices (overlapping
 * windows) sum in the JS backend's order and one pass over memory replaces a zero fill of the
 * whole array followed by a scatter. */
typedef struct {
  char *o;
  const char *g;
  const int32_t *ix;
  int64_t S, Q;
  int dtype;
  atomic_int bad;
  int32_t badValue;
} unpool_job;

#define UNPOOL_PLANE(T)                                                       \
  do {                                                                        \
    T *op = (T *)j->o + p * j->S;                                             \
    const T *gp = (const T *)j->g + p * j->Q;                                 \
    memset(op, 0, (size_t)j->S * sizeof(T));                                  \
    for (int64_t q = 0; q < j->Q; q++) {                                      \
      const int32_t v = ip[q];                                                \
      if ((uint64_t)(int64_t)v >= (uint64_t)j->S) {                           \
        int expected = 0;                                                     \
        if (atomic_compare_exchange_strong(&j->bad, &expected, 1)) j->badValue = v; \
        return;                                                               \
      }                                                                       \
      op[v] += gp[q];                                                         \
    }                                                                         \
  } while (0)

static void unpool_task(void *ctx, int64_t b, int64_t e) {
  unpool_job *j = ctx;
  for (int64_t p = b; p < e; p++) {
    const int32_t *ip = j->ix + p * j->Q;
    if (j->dtype == NNC_F32) UNPOOL_PLANE(float);
    else UNPOOL_PLANE(double);
  }
}

int32_t nnc_max_pool_grad(const double *desc, int32_t desc_bytes, void *out, const void *grad,
                          const void *indices) {
  static const char *op = "maxPoolGrad";
  nnc_arr o, g, ix;
  int rc;
  if ((rc = nnc_check_desc(desc, desc_bytes, op)) || (rc = nnc_parse(desc, 0, out, "maxPoolGrad: out", &o)) ||
      (rc = nnc_parse(desc, 1, (void *)grad, "maxPoolGrad: grad", &g)) ||
      (rc = nnc_parse(desc, 2, (void *)indices, "maxPoolGrad: indices", &ix)) ||
      (rc = nnc_require_dtype(&g, o.dtype, op, "grad")) || (rc = nnc_require_dtype(&ix, NNC_I32, op, "indices")) ||
      (rc = nnc_require_shape(&ix, &g, op, "indices", "grad")) || (rc = nnc_require_contiguous(&o, op, "out")) ||
      (rc = nnc_require_contiguous(&g, op, "grad")) || (rc = nnc_require_contiguous(&ix, op, "indices")))
    return rc;
  if (o.dtype != NNC_F32 && o.dtype != NNC_F64)
    return nnc_fail(NNC_E_UNSUPPORTED, "maxPoolGrad: out must be float32 or float64");
  if (o.ndim != 2 || g.ndim != 2 || o.shape[0] != g.shape[0])
    return nnc_fail(NNC_E_ARG, "maxPoolGrad: out and grad must be [P, S] and [P, Q] with one P");
  unpool_job j = {.o = o.data + o.off * nnc_elsize(o.dtype), .g = g.data + g.off * nnc_elsize(g.dtype),
                  .ix = (const int32_t *)ix.data + ix.off, .S = o.shape[1], .Q = g.shape[1],
                  .dtype = o.dtype};
  atomic_init(&j.bad, 0);
  const int64_t P = o.shape[0], plane = j.S + 2 * j.Q;
  const int64_t grain = plane >= 16384 ? 1 : 16384 / (plane > 1 ? plane : 1);
  if (P > 0 && j.S > 0) nnc_parallel_for(P, grain, unpool_task, &j);
  if (atomic_load(&j.bad))
    return nnc_fail(NNC_E_BOUNDS, "maxPoolGrad: index %d is out of range for a plane of %lld", j.badValue,
                    (long long)j.S);
  return NNC_OK;
}
