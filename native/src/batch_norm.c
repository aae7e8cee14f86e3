/* Batch normalisation and its gradients over contiguous [N, C, ...] arrays, channel by channel
 * across the worker pool: two passes for the statistics and one for the output, two for all three
 * gradients. Double arithmetic with the JS kernels' expressions and order of summation
 * (tensor/js/batch_norm.ts), so both backends give the same bits.
 *
 * The order of summation ("lane sums"): element s of every row of a channel goes to partial sum
 * s mod 8, in row order, and the eight partials are added pairwise at the end. One running sum per
 * channel was a chain of dependent additions (4 cycles each) that took 0.6 ms for a DCGAN layer's
 * statistics; eight partials are one vector register, and GROUP channels summed side by side keep
 * GROUP such chains in flight.
 *
 * An activation may follow in the same pass (a ResNet's batch norm → ReLU, a DCGAN's → leaky
 * ReLU): y = f(t), t = (x − mean)·s + β rounded to the dtype, f as the relu op or activationGrad's
 * leaky relu computes it, so the values are the unfused pair's bit for bit. The backward pass takes
 * f's gradient from t recomputed from x with the forward pass's expression — g where t > 0, else 0
 * (relu) or g·slope — instead of reading the output: the statistics the forward pass normalises
 * with are the stored ones (rounded to the dtype), which the backward pass reads, so t and the mask
 * are the forward pass's exactly. A separate ReLU cost a pass over memory forward and three back. */
#include "internal.h"

typedef struct {
  void *y, *dx, *dw, *db;
  void *mean, *var; /* written in training (forward), read otherwise */
  const void *x, *g, *w, *b;
  int64_t N, C, S;
  double eps, slope;
  int training, f64, act; /* act: 0 none, 1 relu, 2 leaky relu (slope) */
} bn_job;

/* The activation of t, and the gradient through it from g: see the top of the file. */
#define ACT_OUT(T, t, act, sl) \
  ((act) == 0 ? (t) : (t) > 0 ? (t) : (act) == 1 ? ((t) != (t) ? (t) : (T)0) : (T)((t) * (sl)))
#define ACT_GRAD(T, t, g, act, sl) \
  ((act) == 0 ? (g) : (t) > 0 ? (g) : (act) == 1 ? (T)0 : (T)((g) * (sl)))

#define LD(p, i) (j->f64 ? ((const double *)(p))[i] : (double)((const float *)(p))[i])
#define ST(p, i, v)                                                                              \
  do {                                                                                           \
    if (j->f64) ((double *)(p))[i] = (v);                                                        \
    else ((float *)(p))[i] = (float)(v);                                                         \
  } while (0)

#define LANES NNC_LANES
#define GROUP 8

static inline int64_t imin(int64_t a, int64_t b) { return a < b ? a : b; }

/* Lane sums of channels [c, c + m) (m <= GROUP), side by side. `what`: 0 Σ x into a; 1 Σ (x − mean)²
 * into a; 2 Σ g into a and Σ g·(x − mean) into b, with g through the activation's gradient (at
 * t = (x − mean)·sc + bt, sc and bt per channel) when j->act. */
#if defined(__AVX512F__)
#include <immintrin.h>

/* Eight elements of type T in a vector (float: __m256, double: __m512d): masked load and store,
 * widening to double and rounding back, and g through the activation's gradient at t (t in double,
 * rounded to T first as the forward pass stored it): g where t > 0, else 0 (relu) or g·slope
 * rounded to T. GCC keeps the scalar selects as branches; these are the kernels' vector forms. */
typedef __m256 vec8_float;
typedef __m512d vec8_double;
static inline vec8_float load8_float(__mmask8 m, const float *p) { return _mm256_maskz_loadu_ps(m, p); }
static inline vec8_double load8_double(__mmask8 m, const double *p) { return _mm512_maskz_loadu_pd(m, p); }
static inline void store8_float(float *p, __mmask8 m, vec8_float v) { _mm256_mask_storeu_ps(p, m, v); }
static inline void store8_double(double *p, __mmask8 m, vec8_double v) { _mm512_mask_storeu_pd(p, m, v); }
static inline __m512d wide8_float(vec8_float v) { return _mm512_cvtps_pd(v); }
static inline __m512d wide8_double(vec8_double v) { return v; }
static inline vec8_float narrow8_float(__m512d v) { return _mm512_cvtpd_ps(v); }
static inline vec8_double narrow8_double(__m512d v) { return v; }
static inline vec8_float act_grad8_float(vec8_float g, __m512d t, int act, float sl) {
  const __mmask8 pos = _mm256_cmp_ps_mask(_mm512_cvtpd_ps(t), _mm256_setzero_ps(), _CMP_GT_OQ);
  return act == 1 ? _mm256_maskz_mov_ps(pos, g)
                  : _mm256_mask_mov_ps(_mm256_mul_ps(g, _mm256_set1_ps(sl)), pos, g);
}
static inline vec8_double act_grad8_double(vec8_double g, __m512d t, int act, double sl) {
  const __mmask8 pos = _mm512_cmp_pd_mask(t, _mm512_setzero_pd(), _CMP_GT_OQ);
  return act == 1 ? _mm512_maskz_mov_pd(pos, g)
                  : _mm512_mask_mov_pd(_mm512_mul_pd(g, _mm512_set1_pd(sl)), pos, g);
}
/* The lanes of the eight elements from s on of a row of n. */
static inline __mmask8 lanes8(int64_t s, int64_t n) {
  return n - s >= 8 ? (__mmask8)0xff : (__mmask8)((1u << (n - s)) - 1);
}

/* One vector of eight partials per channel; a row's tail goes to the first lanes under a mask (a
 * masked-off lane keeps its partial: adding the zeros a masked load gives would change squares). */
#define LANE_SUMS(T)                                                                             \
  static inline __attribute__((always_inline)) void lane_sums_##T(                                \
      const bn_job *j, int64_t c, int64_t m, int what, const double *mu, const double *sc,       \
      const double *bt, double (*pa)[LANES], double (*pb)[LANES]) {                              \
    const T *x = (const T *)j->x, *g = (const T *)j->g;                                          \
    const int64_t S = j->S, full = S & ~(int64_t)(LANES - 1);                                    \
    const __mmask8 tail = (__mmask8)((1u << (S - full)) - 1);                                    \
    const int act = what == 2 ? j->act : 0;                                                      \
    __m512d a[GROUP], b[GROUP], mv[GROUP], sv[GROUP], bv[GROUP];                                 \
    for (int64_t k = 0; k < m; k++) {                                                            \
      a[k] = b[k] = _mm512_setzero_pd();                                                         \
      mv[k] = what ? _mm512_set1_pd(mu[k]) : _mm512_setzero_pd();                                \
      sv[k] = _mm512_set1_pd(act ? sc[k] : 0);                                                   \
      bv[k] = _mm512_set1_pd(act ? bt[k] : 0);                                                   \
    }                                                                                            \
    for (int64_t n = 0; n < j->N; n++) {                                                         \
      const int64_t row = (n * j->C + c) * S;                                                    \
      for (int64_t s = 0; s <= full; s += LANES) {                                               \
        const __mmask8 lanes = s < full ? (__mmask8)0xff : tail;                                 \
        if (!lanes) break;                                                                       \
        for (int64_t k = 0; k < m; k++) {                                                        \
          const int64_t i = row + k * S + s;                                                     \
          const __m512d v = wide8_##T(load8_##T(lanes, x + i));                                  \
          if (what == 0) a[k] = _mm512_mask_add_pd(a[k], lanes, a[k], v);                        \
          if (what == 1) {                                                                       \
            const __m512d d = _mm512_sub_pd(v, mv[k]);                                           \
            a[k] = _mm512_mask_add_pd(a[k], lanes, a[k], _mm512_mul_pd(d, d));                   \
          }                                                                                      \
          if (what == 2) {                                                                       \
            vec8_##T gt = load8_##T(lanes, g + i);                                               \
            if (act) {                                                                           \
              const __m512d t = _mm512_add_pd(_mm512_mul_pd(_mm512_sub_pd(v, mv[k]), sv[k]), bv[k]); \
              gt = act_grad8_##T(gt, t, act, (T)j->slope);                                       \
            }                                                                                    \
            const __m512d gv = wide8_##T(gt);                                                    \
            a[k] = _mm512_mask_add_pd(a[k], lanes, a[k], gv);                                    \
            b[k] = _mm512_mask_add_pd(b[k], lanes, b[k], _mm512_mul_pd(gv, _mm512_sub_pd(v, mv[k]))); \
          }                                                                                      \
        }                                                                                        \
      }                                                                                          \
    }                                                                                            \
    for (int64_t k = 0; k < m; k++) {                                                            \
      _mm512_storeu_pd(pa[k], a[k]);                                                             \
      if (pb) _mm512_storeu_pd(pb[k], b[k]);                                                     \
    }                                                                                            \
  }
#elif defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>

/* The AVX-512 kernels' vector forms for AVX2 (same expressions, same order, so the same bits):
 * eight doubles as two halves, and a lane mask in both widths (32-bit lanes for eight floats,
 * 64-bit lanes for the halves). A masked-off lane keeps its partial by a blend. */
typedef struct {
  __m256d lo, hi;
} d8;
typedef struct {
  __m256i f;
  __m256d lo, hi;
} m8;
typedef __m256 vec8_float;
typedef d8 vec8_double;
static inline d8 d8_set1(double v) { return (d8){_mm256_set1_pd(v), _mm256_set1_pd(v)}; }
static inline d8 d8_add(d8 a, d8 b) { return (d8){_mm256_add_pd(a.lo, b.lo), _mm256_add_pd(a.hi, b.hi)}; }
static inline d8 d8_sub(d8 a, d8 b) { return (d8){_mm256_sub_pd(a.lo, b.lo), _mm256_sub_pd(a.hi, b.hi)}; }
static inline d8 d8_mul(d8 a, d8 b) { return (d8){_mm256_mul_pd(a.lo, b.lo), _mm256_mul_pd(a.hi, b.hi)}; }
/* a + v in the mask's lanes, a elsewhere. */
static inline d8 d8_mask_add(d8 a, m8 m, d8 v) {
  return (d8){_mm256_blendv_pd(a.lo, _mm256_add_pd(a.lo, v.lo), m.lo),
              _mm256_blendv_pd(a.hi, _mm256_add_pd(a.hi, v.hi), m.hi)};
}
/* The lanes of the eight elements from s on of a row of n. */
static inline m8 lanes8(int64_t s, int64_t n) {
  const int64_t live = n - s;
  const __m256i l64 = _mm256_set1_epi64x(live);
  return (m8){nnc_first_lanes8(live),
              _mm256_castsi256_pd(_mm256_cmpgt_epi64(l64, _mm256_setr_epi64x(0, 1, 2, 3))),
              _mm256_castsi256_pd(_mm256_cmpgt_epi64(l64, _mm256_setr_epi64x(4, 5, 6, 7)))};
}
static inline vec8_float load8_float(m8 m, const float *p) { return _mm256_maskload_ps(p, m.f); }
static inline vec8_double load8_double(m8 m, const double *p) {
  return (d8){_mm256_maskload_pd(p, _mm256_castpd_si256(m.lo)),
              _mm256_maskload_pd(p + 4, _mm256_castpd_si256(m.hi))};
}
static inline void store8_float(float *p, m8 m, vec8_float v) { _mm256_maskstore_ps(p, m.f, v); }
static inline void store8_double(double *p, m8 m, vec8_double v) {
  _mm256_maskstore_pd(p, _mm256_castpd_si256(m.lo), v.lo);
  _mm256_maskstore_pd(p + 4, _mm256_castpd_si256(m.hi), v.hi);
}
/* Eight whole elements: plain loads and stores. Zen 3 runs a masked store as microcode (about
 * ten cycles each), which made the input gradient's pass twice as slow as its arithmetic. */
static inline vec8_float loadu8_float(const float *p) { return _mm256_loadu_ps(p); }
static inline vec8_double loadu8_double(const double *p) {
  return (d8){_mm256_loadu_pd(p), _mm256_loadu_pd(p + 4)};
}
static inline void storeu8_float(float *p, vec8_float v) { _mm256_storeu_ps(p, v); }
static inline void storeu8_double(double *p, vec8_double v) {
  _mm256_storeu_pd(p, v.lo);
  _mm256_storeu_pd(p + 4, v.hi);
}
static inline d8 wide8_float(vec8_float v) {
  return (d8){_mm256_cvtps_pd(_mm256_castps256_ps128(v)), _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1))};
}
static inline d8 wide8_double(vec8_double v) { return v; }
static inline vec8_float narrow8_float(d8 v) {
  return _mm256_set_m128(_mm256_cvtpd_ps(v.hi), _mm256_cvtpd_ps(v.lo));
}
static inline vec8_double narrow8_double(d8 v) { return v; }
/* g where t > 0 (t rounded to T first), else 0 (relu) or g·slope rounded to T. */
static inline vec8_float act_grad8_float(vec8_float g, d8 t, int act, float sl) {
  const __m256 pos = _mm256_cmp_ps(narrow8_float(t), _mm256_setzero_ps(), _CMP_GT_OQ);
  return act == 1 ? _mm256_and_ps(pos, g) : _mm256_blendv_ps(_mm256_mul_ps(g, _mm256_set1_ps(sl)), g, pos);
}
static inline vec8_double act_grad8_double(vec8_double g, d8 t, int act, double sl) {
  const __m256d plo = _mm256_cmp_pd(t.lo, _mm256_setzero_pd(), _CMP_GT_OQ);
  const __m256d phi = _mm256_cmp_pd(t.hi, _mm256_setzero_pd(), _CMP_GT_OQ);
  if (act == 1) return (d8){_mm256_and_pd(plo, g.lo), _mm256_and_pd(phi, g.hi)};
  const __m256d s = _mm256_set1_pd(sl);
  return (d8){_mm256_blendv_pd(_mm256_mul_pd(g.lo, s), g.lo, plo),
              _mm256_blendv_pd(_mm256_mul_pd(g.hi, s), g.hi, phi)};
}

/* One step of LANE_SUMS: eight elements of each of the m channel rows at i0 (+ k·S), read by LOAD
 * and summed by ADD (plain for whole vectors, masked for a row's tail). */
#define LANE_SUMS_STEP(T, LOAD, ADD)                                                             \
  for (int64_t k = 0; k < m; k++) {                                                              \
    const int64_t i = i0 + k * S;                                                                \
    const d8 v = wide8_##T(LOAD(x + i));                                                         \
    if (what == 0) a[k] = ADD(a[k], v);                                                          \
    if (what == 1) {                                                                             \
      const d8 d = d8_sub(v, mv[k]);                                                             \
      a[k] = ADD(a[k], d8_mul(d, d));                                                            \
    }                                                                                            \
    if (what == 2) {                                                                             \
      vec8_##T gt = LOAD(g + i);                                                                 \
      if (act) {                                                                                 \
        const d8 t = d8_add(d8_mul(d8_sub(v, mv[k]), sv[k]), bv[k]);                             \
        gt = act_grad8_##T(gt, t, act, (T)j->slope);                                             \
      }                                                                                          \
      const d8 gv = wide8_##T(gt);                                                               \
      a[k] = ADD(a[k], gv);                                                                      \
      b[k] = ADD(b[k], d8_mul(gv, d8_sub(v, mv[k])));                                            \
    }                                                                                            \
  }
#define LANE_SUMS(T)                                                                             \
  static inline __attribute__((always_inline)) void lane_sums_##T(                                \
      const bn_job *j, int64_t c, int64_t m, int what, const double *mu, const double *sc,       \
      const double *bt, double (*pa)[LANES], double (*pb)[LANES]) {                              \
    const T *x = (const T *)j->x, *g = (const T *)j->g;                                          \
    const int64_t S = j->S, full = S & ~(int64_t)(LANES - 1);                                    \
    const m8 tail = lanes8(full, S);                                                             \
    const int act = what == 2 ? j->act : 0;                                                      \
    d8 a[GROUP], b[GROUP], mv[GROUP], sv[GROUP], bv[GROUP];                                      \
    for (int64_t k = 0; k < m; k++) {                                                            \
      a[k] = b[k] = d8_set1(0);                                                                  \
      mv[k] = d8_set1(what ? mu[k] : 0);                                                         \
      sv[k] = d8_set1(act ? sc[k] : 0);                                                          \
      bv[k] = d8_set1(act ? bt[k] : 0);                                                          \
    }                                                                                            \
    for (int64_t n = 0; n < j->N; n++) {                                                         \
      const int64_t row = (n * j->C + c) * S;                                                    \
      for (int64_t s = 0; s < full; s += LANES) {                                                \
        const int64_t i0 = row + s;                                                              \
        LANE_SUMS_STEP(T, loadu8_##T, d8_add)                                                    \
      }                                                                                          \
      if (full < S) {                                                                            \
        const int64_t i0 = row + full;                                                           \
        LANE_SUMS_STEP(T, TAIL_LOAD_##T, TAIL_ADD)                                               \
      }                                                                                          \
    }                                                                                            \
    for (int64_t k = 0; k < m; k++) {                                                            \
      _mm256_storeu_pd(pa[k], a[k].lo);                                                          \
      _mm256_storeu_pd(pa[k] + 4, a[k].hi);                                                      \
      if (pb) {                                                                                  \
        _mm256_storeu_pd(pb[k], b[k].lo);                                                        \
        _mm256_storeu_pd(pb[k] + 4, b[k].hi);                                                    \
      }                                                                                          \
    }                                                                                            \
  }
#define TAIL_LOAD_float(p) load8_float(tail, p)
#define TAIL_LOAD_double(p) load8_double(tail, p)
#define TAIL_ADD(acc, v) d8_mask_add(acc, tail, v)
#else
/* Plain C with the same order (the WebAssembly build, and machines without AVX2). The
 * WebAssembly build keeps one compact copy of it: the fused activation's branches had grown this
 * file's share of the binary by 13 KB, past the web pages' JavaScript budget. */
#if defined(__wasm__)
#define BN_GENERIC static __attribute__((minsize))
#else
#define BN_GENERIC static inline
#endif
#define LANE_SUMS(T)                                                                             \
  BN_GENERIC void lane_sums_##T(const bn_job *j, int64_t c, int64_t m, int what, const double *mu, \
                                   const double *sc, const double *bt, double (*pa)[LANES],      \
                                   double (*pb)[LANES]) {                                        \
    const T *x = (const T *)j->x, *g = (const T *)j->g;                                          \
    const int64_t S = j->S;                                                                      \
    for (int64_t k = 0; k < m; k++)                                                              \
      for (int l = 0; l < LANES; l++) {                                                          \
        pa[k][l] = 0;                                                                            \
        if (pb) pb[k][l] = 0;                                                                    \
      }                                                                                          \
    for (int64_t n = 0; n < j->N; n++)                                                           \
      for (int64_t k = 0; k < m; k++) {                                                          \
        const int64_t row = (n * j->C + c + k) * S;                                              \
        for (int64_t s = 0; s < S; s++) {                                                        \
          const double v = (double)x[row + s];                                                   \
          const int l = (int)(s % LANES);                                                        \
          if (what == 0) pa[k][l] += v;                                                          \
          if (what == 1) {                                                                       \
            const double d = v - mu[k];                                                          \
            pa[k][l] += d * d;                                                                   \
          }                                                                                      \
          if (what == 2) {                                                                       \
            T gt = g[row + s];                                                                   \
            if (j->act) {                                                                        \
              const T t = (T)((v - mu[k]) * sc[k] + bt[k]);                                      \
              gt = ACT_GRAD(T, t, gt, j->act, (T)j->slope);                                      \
            }                                                                                    \
            const double gv = (double)gt;                                                        \
            pa[k][l] += gv;                                                                      \
            pb[k][l] += gv * (v - mu[k]);                                                        \
          }                                                                                      \
        }                                                                                        \
      }                                                                                          \
  }
#endif
LANE_SUMS(float)
LANE_SUMS(double)

/* How many channels the gradient sums (what = 2) take side by side. Each keeps five vectors of
 * eight doubles live (the two sums, the mean, scale and shift): GROUP of them spilled to the stack
 * on every element (40 vectors; AVX2 has 16 registers of half that width, AVX-512 32), and one
 * batchNormBackward of a ResNet's 16 channels at 28² took 1.3-1.6x the time of channels one at a
 * time at 1 thread (bench/batch_norm_shapes.ts; at 2 threads memory bounds both). Pairs fit
 * AVX-512's registers. */
#if defined(__AVX512F__)
#define GRAD_SUMS_WIDTH 2
#elif defined(__AVX2__) && defined(__FMA__)
#define GRAD_SUMS_WIDTH 1
#else
#define GRAD_SUMS_WIDTH GROUP /* the plain C form keeps its partials in memory: no registers to fit */
#endif

/* Channels [c, c + m) in one pass, side by side in sets of a constant count (their partials stay
 * in registers): GROUP for the statistics, GRAD_SUMS_WIDTH for the gradient sums; the rest one by
 * one. */
#define LANE_SUMS_AT(W)                                                                          \
  (j->f64 ? lane_sums_double(j, c + k, W, what, mu + k, sc + k, bt + k, pa + k, pb ? pb + k : NULL) \
          : lane_sums_float(j, c + k, W, what, mu + k, sc + k, bt + k, pa + k, pb ? pb + k : NULL))
static void lane_sums(const bn_job *j, int64_t c, int64_t m, int what, const double *mu,
                      const double *sc, const double *bt, double (*pa)[LANES], double (*pb)[LANES]) {
  int64_t k = 0;
  if (what != 2 || GRAD_SUMS_WIDTH == GROUP)
    for (; k + GROUP <= m; k += GROUP) LANE_SUMS_AT(GROUP);
  else if (GRAD_SUMS_WIDTH > 1)
    for (; k + GRAD_SUMS_WIDTH <= m; k += GRAD_SUMS_WIDTH) LANE_SUMS_AT(GRAD_SUMS_WIDTH);
  for (; k < m; k++) LANE_SUMS_AT(1);
}

/* Mean and biased variance of channels [c, c + m) (training). */
static void group_stats(const bn_job *j, int64_t c, int64_t m, double *mu, double *var) {
  const int64_t M = j->N * j->S;
  double part[GROUP][LANES];
  lane_sums(j, c, m, 0, mu, mu, mu, part, NULL);
  for (int64_t k = 0; k < m; k++) mu[k] = M > 0 ? nnc_lane_total(part[k]) / (double)M : 0;
  lane_sums(j, c, m, 1, mu, mu, mu, part, NULL);
  for (int64_t k = 0; k < m; k++) var[k] = M > 0 ? nnc_lane_total(part[k]) / (double)M : 0;
}

/* y = f((x − mean)·scale + β) for channel c (one loop per activation, each vectorised). */
#define NORMALISE(T)                                                                             \
  static void normalise_##T(const bn_job *j, int64_t c, double mu, double scale, double bt) {    \
    const T *x = (const T *)j->x;                                                                \
    T *y = (T *)j->y;                                                                            \
    const T sl = (T)j->slope;                                                                    \
    for (int64_t n = 0; n < j->N; n++) {                                                         \
      const T *xr = x + (n * j->C + c) * j->S;                                                   \
      T *yr = y + (n * j->C + c) * j->S;                                                         \
      if (j->act == 0)                                                                           \
        for (int64_t s = 0; s < j->S; s++) yr[s] = (T)(((double)xr[s] - mu) * scale + bt);       \
      else                                                                                       \
        for (int64_t s = 0; s < j->S; s++) {                                                     \
          const T t = (T)(((double)xr[s] - mu) * scale + bt);                                    \
          yr[s] = ACT_OUT(T, t, j->act, sl);                                                     \
        }                                                                                        \
    }                                                                                            \
  }
NORMALISE(float)
NORMALISE(double)

/* dx = a·g + b·x + k for channel c, g through the activation's gradient at t = (x − mu)·sc + bt. */
#define INPUT_GRAD(T)                                                                            \
  static void input_grad_##T(const bn_job *j, int64_t c, double a, double b, double k, double mu, \
                             double sc, double bt) {                                             \
    const T *x = (const T *)j->x, *g = (const T *)j->g;                                          \
    T *dx = (T *)j->dx;                                                                          \
    const T sl = (T)j->slope;                                                                    \
    for (int64_t n = 0; n < j->N; n++) {                                                         \
      const int64_t row = (n * j->C + c) * j->S;                                                 \
      if (j->act == 0)                                                                           \
        for (int64_t s = 0; s < j->S; s++)                                                       \
          dx[row + s] = (T)(a * (double)g[row + s] + b * (double)x[row + s] + k);                \
      else /* (AVX-512 builds take input_grad_act_T instead) */                                  \
        for (int64_t s = 0; s < j->S; s++) {                                                     \
          const T t = (T)(((double)x[row + s] - mu) * sc + bt);                                  \
          const T gv = g[row + s];                                                               \
          const T ge = ACT_GRAD(T, t, gv, j->act, sl);                                           \
          dx[row + s] = (T)(a * (double)ge + b * (double)x[row + s] + k);                        \
        }                                                                                        \
    }                                                                                            \
  }
INPUT_GRAD(float)
INPUT_GRAD(double)

#if defined(__AVX512F__)
/* INPUT_GRAD's activation loops in vectors (GCC keeps their selects as branches): 8 elements at a
 * time in double, the same expressions in the same order, so the same bits. */
#define INPUT_GRAD_ACT512(T)                                                                     \
  static void input_grad_act_##T(const bn_job *j, int64_t c, double a, double b, double k,       \
                                 double mu, double sc, double bt) {                               \
    const T *x = (const T *)j->x, *g = (const T *)j->g;                                          \
    T *dx = (T *)j->dx;                                                                          \
    const __m512d va = _mm512_set1_pd(a), vb = _mm512_set1_pd(b), vk = _mm512_set1_pd(k);       \
    const __m512d vmu = _mm512_set1_pd(mu), vsc = _mm512_set1_pd(sc), vbt = _mm512_set1_pd(bt);  \
    for (int64_t n = 0; n < j->N; n++) {                                                         \
      const int64_t row = (n * j->C + c) * j->S;                                                 \
      for (int64_t s = 0; s < j->S; s += 8) {                                                    \
        const __mmask8 m = lanes8(s, j->S);                                                      \
        const __m512d xv = wide8_##T(load8_##T(m, x + row + s));                                 \
        const __m512d t = _mm512_add_pd(_mm512_mul_pd(_mm512_sub_pd(xv, vmu), vsc), vbt);        \
        const vec8_##T ge = act_grad8_##T(load8_##T(m, g + row + s), t, j->act, (T)j->slope);    \
        const __m512d r =                                                                        \
            _mm512_add_pd(_mm512_add_pd(_mm512_mul_pd(va, wide8_##T(ge)), _mm512_mul_pd(vb, xv)), vk); \
        store8_##T(dx + row + s, m, narrow8_##T(r));                                             \
      }                                                                                          \
    }                                                                                            \
  }
INPUT_GRAD_ACT512(float)
INPUT_GRAD_ACT512(double)
#define INPUT_GRAD_CALL(T, ...) (j->act ? input_grad_act_##T(__VA_ARGS__) : input_grad_##T(__VA_ARGS__))
#elif defined(__AVX2__) && defined(__FMA__)
/* The same loops on the AVX2 forms above. */
#define INPUT_GRAD_ACT256_STEP(T, LOAD, STORE)                                                   \
  do {                                                                                           \
    const d8 xv = wide8_##T(LOAD(x + row + s));                                                  \
    const d8 t = d8_add(d8_mul(d8_sub(xv, vmu), vsc), vbt);                                      \
    const vec8_##T ge = act_grad8_##T(LOAD(g + row + s), t, j->act, (T)j->slope);                \
    const d8 r = d8_add(d8_add(d8_mul(va, wide8_##T(ge)), d8_mul(vb, xv)), vk);                  \
    STORE(dx + row + s, narrow8_##T(r));                                                         \
  } while (0)
#define INPUT_GRAD_ACT256(T)                                                                     \
  static void input_grad_act_##T(const bn_job *j, int64_t c, double a, double b, double k,       \
                                 double mu, double sc, double bt) {                               \
    const T *x = (const T *)j->x, *g = (const T *)j->g;                                          \
    T *dx = (T *)j->dx;                                                                          \
    const d8 va = d8_set1(a), vb = d8_set1(b), vk = d8_set1(k);                                  \
    const d8 vmu = d8_set1(mu), vsc = d8_set1(sc), vbt = d8_set1(bt);                            \
    const int64_t full = j->S & ~(int64_t)7;                                                     \
    const m8 tail = lanes8(full, j->S);                                                          \
    for (int64_t n = 0; n < j->N; n++) {                                                         \
      const int64_t row = (n * j->C + c) * j->S;                                                 \
      int64_t s = 0;                                                                             \
      for (; s < full; s += 8) INPUT_GRAD_ACT256_STEP(T, loadu8_##T, storeu8_##T);               \
      if (s < j->S) INPUT_GRAD_ACT256_STEP(T, TAIL_LOAD_##T, TAIL_STORE_##T);                    \
    }                                                                                            \
  }
#define TAIL_STORE_float(p, v) store8_float(p, tail, v)
#define TAIL_STORE_double(p, v) store8_double(p, tail, v)
INPUT_GRAD_ACT256(float)
INPUT_GRAD_ACT256(double)
#define INPUT_GRAD_CALL(T, ...) (j->act ? input_grad_act_##T(__VA_ARGS__) : input_grad_##T(__VA_ARGS__))
#else
#define INPUT_GRAD_CALL(T, ...) input_grad_##T(__VA_ARGS__)
#endif

/* One element per channel and row (BatchNorm1d, S = 1): the channel loops would step down a
 * column, one element per row; here each pass runs along the rows, ROWS channels side by side.
 * Every element of a channel falls in lane 0, so its lane sum is the plain running sum in row
 * order (the other lanes add +0, which changes nothing: a sum started at +0 is never −0). */
#define ROWS 64
#define FORWARD_ROWS(T)                                                                          \
  static void forward_rows_##T(const bn_job *j, int64_t c0, int64_t m) {                         \
    const T *x = (const T *)j->x;                                                                \
    T *y = (T *)j->y;                                                                            \
    const int64_t N = j->N, C = j->C;                                                            \
    double mu[ROWS], v[ROWS], scale[ROWS], bt[ROWS];                                             \
    for (int64_t k = 0; k < m; k++) {                                                            \
      mu[k] = j->training ? 0 : LD(j->mean, c0 + k);                                             \
      v[k] = j->training ? 0 : LD(j->var, c0 + k);                                               \
    }                                                                                            \
    if (j->training) {                                                                           \
      for (int64_t n = 0; n < N; n++)                                                            \
        for (int64_t k = 0; k < m; k++) mu[k] += (double)x[n * C + c0 + k];                      \
      for (int64_t k = 0; k < m; k++) mu[k] = N > 0 ? mu[k] / (double)N : 0;                     \
      for (int64_t n = 0; n < N; n++)                                                            \
        for (int64_t k = 0; k < m; k++) {                                                        \
          const double d = (double)x[n * C + c0 + k] - mu[k];                                    \
          v[k] += d * d;                                                                         \
        }                                                                                        \
      for (int64_t k = 0; k < m; k++) {                                                          \
        v[k] = N > 0 ? v[k] / (double)N : 0;                                                     \
        ST(j->mean, c0 + k, mu[k]);                                                              \
        ST(j->var, c0 + k, v[k]);                                                                \
        mu[k] = LD(j->mean, c0 + k), v[k] = LD(j->var, c0 + k); /* as stored: see the top */     \
      }                                                                                          \
    }                                                                                            \
    for (int64_t k = 0; k < m; k++) {                                                            \
      const double gm = j->w ? LD(j->w, c0 + k) : 1.0;                                           \
      bt[k] = j->b ? LD(j->b, c0 + k) : 0.0;                                                     \
      scale[k] = gm / sqrt(v[k] + j->eps);                                                       \
    }                                                                                            \
    const T sl = (T)j->slope;                                                                    \
    for (int64_t n = 0; n < N; n++)                                                              \
      for (int64_t k = 0; k < m; k++) {                                                          \
        const T t = (T)(((double)x[n * C + c0 + k] - mu[k]) * scale[k] + bt[k]);                 \
        y[n * C + c0 + k] = ACT_OUT(T, t, j->act, sl);                                           \
      }                                                                                          \
  }

/* out[k] = g[k] through the activation's gradient at t = (T)((x[k] − mu[k])·sc[k] + bt[k]), k < m:
 * the rows kernels' masks (vectors under AVX-512, where GCC kept the selects as branches). */
#if defined(__AVX512F__)
#define ACT_GRADS512(T)                                                                          \
  static void act_grads_##T(const T *x, const T *g, int64_t m, const double *mu, const double *sc, \
                            const double *bt, int act, T sl, T *out) {                           \
    for (int64_t k = 0; k < m; k += 8) {                                                         \
      const __mmask8 lanes = lanes8(k, m);                                                       \
      const __m512d d = _mm512_sub_pd(wide8_##T(load8_##T(lanes, x + k)),                        \
                                      _mm512_maskz_loadu_pd(lanes, mu + k));                     \
      const __m512d t = _mm512_add_pd(_mm512_mul_pd(d, _mm512_maskz_loadu_pd(lanes, sc + k)),    \
                                      _mm512_maskz_loadu_pd(lanes, bt + k));                     \
      store8_##T(out + k, lanes, act_grad8_##T(load8_##T(lanes, g + k), t, act, sl));            \
    }                                                                                            \
  }
ACT_GRADS512(float)
ACT_GRADS512(double)
#else
#define ACT_GRADS(T)                                                                             \
  static void act_grads_##T(const T *x, const T *g, int64_t m, const double *mu, const double *sc, \
                            const double *bt, int act, T sl, T *out) {                           \
    for (int64_t k = 0; k < m; k++) {                                                            \
      const T t = (T)(((double)x[k] - mu[k]) * sc[k] + bt[k]);                                   \
      out[k] = ACT_GRAD(T, t, g[k], act, sl);                                                    \
    }                                                                                            \
  }
ACT_GRADS(float)
ACT_GRADS(double)
#endif

/* The gradients for S = 1, along the rows as FORWARD_ROWS. */
#define BACKWARD_ROWS(T)                                                                         \
  static void backward_rows_##T(const bn_job *j, int64_t c0, int64_t m) {                        \
    const T *x = (const T *)j->x, *g = (const T *)j->g;                                          \
    const int64_t N = j->N, C = j->C;                                                            \
    double mu[ROWS], inv[ROWS], sg[ROWS], sgx[ROWS], a[ROWS], b[ROWS], kk[ROWS], sc[ROWS], bt[ROWS]; \
    const T sl = (T)j->slope;                                                                    \
    for (int64_t k = 0; k < m; k++) {                                                            \
      mu[k] = LD(j->mean, c0 + k), inv[k] = 1.0 / sqrt(LD(j->var, c0 + k) + j->eps);             \
      sc[k] = (j->w ? LD(j->w, c0 + k) : 1.0) / sqrt(LD(j->var, c0 + k) + j->eps);               \
      bt[k] = j->b ? LD(j->b, c0 + k) : 0.0;                                                     \
      sg[k] = 0, sgx[k] = 0;                                                                     \
    }                                                                                            \
    /* g through the activation's gradient at the forward pass's t (see the top of the file), a  \
     * row's m values at a time. */                                                              \
    T through[ROWS];                                                                             \
    for (int64_t n = 0; n < N; n++) {                                                            \
      const T *gr = g + n * C + c0;                                                              \
      if (j->act) act_grads_##T(x + n * C + c0, gr, m, mu, sc, bt, j->act, sl, through), gr = through; \
      for (int64_t k = 0; k < m; k++) {                                                          \
        const double gv = (double)gr[k];                                                         \
        sg[k] += gv;                                                                             \
        sgx[k] += gv * ((double)x[n * C + c0 + k] - mu[k]);                                      \
      }                                                                                          \
    }                                                                                            \
    for (int64_t k = 0; k < m; k++) {                                                            \
      const double dw = sgx[k] * inv[k];                                                         \
      if (j->dw) ST(j->dw, c0 + k, dw);                                                          \
      if (j->db) ST(j->db, c0 + k, sg[k]);                                                       \
      a[k] = (j->w ? LD(j->w, c0 + k) : 1.0) * inv[k];                                           \
      b[k] = j->training && N > 0 ? -a[k] * dw * inv[k] / (double)N : 0;                         \
      kk[k] = j->training && N > 0 ? -a[k] * sg[k] / (double)N - b[k] * mu[k] : 0;               \
    }                                                                                            \
    if (!j->dx) return;                                                                          \
    T *dx = (T *)j->dx;                                                                          \
    for (int64_t n = 0; n < N; n++) {                                                            \
      const T *gr = g + n * C + c0;                                                              \
      if (j->act) act_grads_##T(x + n * C + c0, gr, m, mu, sc, bt, j->act, sl, through), gr = through; \
      for (int64_t k = 0; k < m; k++) {                                                          \
        const int64_t i = n * C + c0 + k;                                                        \
        dx[i] = (T)(a[k] * (double)gr[k] + b[k] * (double)x[i] + kk[k]);                        \
      }                                                                                          \
    }                                                                                            \
  }

FORWARD_ROWS(float)
FORWARD_ROWS(double)
BACKWARD_ROWS(float)
BACKWARD_ROWS(double)

static void forward_task(void *ctx, int64_t lo, int64_t hi) {
  const bn_job *j = ctx;
  if (j->S == 1) {
    for (int64_t c0 = lo; c0 < hi; c0 += ROWS) {
      if (j->f64) forward_rows_double(j, c0, imin(ROWS, hi - c0));
      else forward_rows_float(j, c0, imin(ROWS, hi - c0));
    }
    return;
  }
  double mu[GROUP], var[GROUP];
  for (int64_t c0 = lo; c0 < hi; c0 += GROUP) {
    const int64_t m = imin(GROUP, hi - c0);
    if (j->training) group_stats(j, c0, m, mu, var);
    for (int64_t k = 0; k < m; k++) {
      const int64_t c = c0 + k;
      if (j->training) {
        ST(j->mean, c, mu[k]);
        ST(j->var, c, var[k]);
      }
      /* The statistics as stored (rounded to the dtype): the backward pass's t is then this t. */
      mu[k] = LD(j->mean, c);
      var[k] = LD(j->var, c);
      const double gm = j->w ? LD(j->w, c) : 1.0, bt = j->b ? LD(j->b, c) : 0.0;
      const double scale = gm / sqrt(var[k] + j->eps);
      if (j->f64) normalise_double(j, c, mu[k], scale, bt);
      else normalise_float(j, c, mu[k], scale, bt);
    }
  }
}

static void backward_task(void *ctx, int64_t lo, int64_t hi) {
  const bn_job *j = ctx;
  const int64_t M = j->N * j->S;
  if (j->S == 1) {
    for (int64_t c0 = lo; c0 < hi; c0 += ROWS) {
      if (j->f64) backward_rows_double(j, c0, imin(ROWS, hi - c0));
      else backward_rows_float(j, c0, imin(ROWS, hi - c0));
    }
    return;
  }
  double mu[GROUP], sc[GROUP], bt[GROUP], a[GROUP][LANES], b[GROUP][LANES];
  for (int64_t c0 = lo; c0 < hi; c0 += GROUP) {
    const int64_t m = imin(GROUP, hi - c0);
    for (int64_t k = 0; k < m; k++) {
      const int64_t c = c0 + k;
      mu[k] = LD(j->mean, c);
      /* The forward pass's scale and shift, for the activation's mask (its expression exactly). */
      sc[k] = (j->w ? LD(j->w, c) : 1.0) / sqrt(LD(j->var, c) + j->eps);
      bt[k] = j->b ? LD(j->b, c) : 0.0;
    }
    lane_sums(j, c0, m, 2, mu, sc, bt, a, b);
    for (int64_t k = 0; k < m; k++) {
      const int64_t c = c0 + k;
      const double inv = 1.0 / sqrt(LD(j->var, c) + j->eps);
      const double sg = nnc_lane_total(a[k]), dw = nnc_lane_total(b[k]) * inv;
      if (j->dw) ST(j->dw, c, dw);
      if (j->db) ST(j->db, c, sg);
      if (!j->dx) continue;
      const double ga = (j->w ? LD(j->w, c) : 1.0) * inv;
      /* dx = a·g + b·x + k, the training formula expanded (b = k = 0 in evaluation). */
      const double gb = j->training && M > 0 ? -ga * dw * inv / (double)M : 0;
      const double gk = j->training && M > 0 ? -ga * sg / (double)M - gb * mu[k] : 0;
      if (j->f64) INPUT_GRAD_CALL(double, j, c, ga, gb, gk, mu[k], sc[k], bt[k]);
      else INPUT_GRAD_CALL(float, j, c, ga, gb, gk, mu[k], sc[k], bt[k]);
    }
  }
}

/* c = [N, C, S, eps, training, activation (0 none, 1 relu, 2 leaky relu), its slope, bytes of each
 * buffer passed (0 for none)...]. */
#define BN_HEAD 7
static int read_job(const double *c, int32_t c_bytes, int32_t dtype, int nbuf, const char *op,
                    bn_job *j, int64_t *bytes) {
  if (!c || c_bytes < (int32_t)((BN_HEAD + nbuf) * sizeof(double)))
    return nnc_fail(NNC_E_ARG, "%s: coefficient array too short", op);
  if (dtype != NNC_F32 && dtype != NNC_F64)
    return nnc_fail(NNC_E_UNSUPPORTED, "%s: dtype %d is not float32 or float64", op, (int)dtype);
  for (int k = 0; k < 3; k++)
    if (!(c[k] >= 0) || c[k] > 9007199254740992.0 || c[k] != (double)(int64_t)c[k])
      return nnc_fail(NNC_E_ARG, "%s: size %d = %g is not a non-negative integer", op, k, c[k]);
  j->N = (int64_t)c[0], j->C = (int64_t)c[1], j->S = (int64_t)c[2];
  if (!(c[3] >= 0) || !isfinite(c[3])) return nnc_fail(NNC_E_ARG, "%s: eps %g is not >= 0", op, c[3]);
  j->eps = c[3];
  j->training = c[4] != 0;
  if (!(c[5] == 0 || c[5] == 1 || c[5] == 2))
    return nnc_fail(NNC_E_ARG, "%s: activation %g is not 0 (none), 1 (relu) or 2 (leaky relu)", op, c[5]);
  if (!isfinite(c[6])) return nnc_fail(NNC_E_ARG, "%s: slope %g is not finite", op, c[6]);
  j->act = (int)c[5];
  j->slope = c[6];
  j->f64 = dtype == NNC_F64;
  for (int k = 0; k < nbuf; k++) bytes[k] = (int64_t)c[BN_HEAD + k];
  return NNC_OK;
}

static int need(const void *p, int64_t have, int64_t elems, int es, const char *op, const char *name) {
  if (!p) return NNC_OK;
  if (have < elems * es)
    return nnc_fail(NNC_E_BOUNDS, "%s: %s holds %lld bytes, %lld needed", op, name, (long long)have,
                    (long long)(elems * es));
  return NNC_OK;
}

int32_t nnc_batch_norm(const double *c, int32_t c_bytes, int32_t dtype, void *y, void *mean, void *var,
                       const void *x, const void *w, const void *b) {
  static const char *op = "batchNorm";
  bn_job j = {0};
  int64_t bytes[6];
  int rc = read_job(c, c_bytes, dtype, 6, op, &j, bytes);
  if (rc) return rc;
  const int es = (int)nnc_elsize(dtype);
  const int64_t size = j.N * j.C * j.S;
  if (!y || !x || !mean || !var) return nnc_fail(NNC_E_ARG, "%s: null buffer", op);
  if ((rc = need(y, bytes[0], size, es, op, "y")) || (rc = need(mean, bytes[1], j.C, es, op, "mean")) ||
      (rc = need(var, bytes[2], j.C, es, op, "variance")) || (rc = need(x, bytes[3], size, es, op, "x")) ||
      (rc = need(w, bytes[4], j.C, es, op, "weight")) || (rc = need(b, bytes[5], j.C, es, op, "bias")))
    return rc;
  if (j.C == 0) return NNC_OK;
  nnc_prepare_output(y, (size_t)(size * es));
  j.y = y, j.mean = mean, j.var = var, j.x = x, j.w = w, j.b = b;
  const int64_t per = j.N * j.S;
  const int64_t grain = per >= 16384 ? 1 : 16384 / (per > 0 ? per : 1);
  nnc_parallel_for(j.C, grain, forward_task, &j);
  return NNC_OK;
}

int32_t nnc_batch_norm_backward(const double *c, int32_t c_bytes, int32_t dtype, void *dx, void *dw,
                                void *db, const void *g, const void *x, const void *mean,
                                const void *var, const void *w, const void *b) {
  static const char *op = "batchNormBackward";
  bn_job j = {0};
  int64_t bytes[9];
  int rc = read_job(c, c_bytes, dtype, 9, op, &j, bytes);
  if (rc) return rc;
  const int es = (int)nnc_elsize(dtype);
  const int64_t size = j.N * j.C * j.S;
  if (!g || !x || !mean || !var) return nnc_fail(NNC_E_ARG, "%s: null buffer", op);
  if ((rc = need(dx, bytes[0], size, es, op, "dx")) || (rc = need(dw, bytes[1], j.C, es, op, "dweight")) ||
      (rc = need(db, bytes[2], j.C, es, op, "dbias")) || (rc = need(g, bytes[3], size, es, op, "g")) ||
      (rc = need(x, bytes[4], size, es, op, "x")) || (rc = need(mean, bytes[5], j.C, es, op, "mean")) ||
      (rc = need(var, bytes[6], j.C, es, op, "variance")) || (rc = need(w, bytes[7], j.C, es, op, "weight")) ||
      (rc = need(b, bytes[8], j.C, es, op, "bias")))
    return rc;
  if (j.C == 0) return NNC_OK;
  if (dx) nnc_prepare_output(dx, (size_t)(size * es));
  j.dx = dx, j.dw = dw, j.db = db, j.g = g, j.x = x, j.mean = (void *)mean, j.var = (void *)var, j.w = w;
  j.b = b;
  const int64_t per = j.N * j.S;
  const int64_t grain = per >= 16384 ? 1 : 16384 / (per > 0 ? per : 1);
  nnc_parallel_for(j.C, grain, backward_task, &j);
  return NNC_OK;
}
