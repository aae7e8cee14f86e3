/* Window geometry shared by window.c (im2col, col2im, pooling) and conv.c (convolutions): the
 * geometry read from a descriptor, lifted to three spatial axes, and per-tap ranges of the output
 * positions whose input index lies inside the array. */
#ifndef NNC_WINDOW_H
#define NNC_WINDOW_H

#include "internal.h"

typedef struct {
  int64_t n, o, k, s, p, dil;
} axis_t;

#if defined(__AVX512F__)
#include <immintrin.h>

/* A mask of the first n lanes of sixteen: none for n <= 0, all from 16 on. */
static inline __mmask16 first_lanes(int64_t n) {
  return n >= 16 ? (__mmask16)0xffff : n <= 0 ? (__mmask16)0 : (__mmask16)((1u << n) - 1);
}
#endif

static inline int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }
static inline int64_t ceil_div(int64_t a, int64_t b) { return -floor_div(-a, b); }
static inline int64_t imax(int64_t a, int64_t b) { return a > b ? a : b; }
static inline int64_t imin(int64_t a, int64_t b) { return a < b ? a : b; }

#define GEO_MAX 2147483647LL

typedef struct {
  int d;
  int64_t kernel[3], stride[3], padding[3], dilation[3];
} geo_t;

/* One float32 plane's max pooling (window.c): see its definition. */
NNC_HIDDEN void nnc_max_pool_plane_f32(const float *x, int64_t H, int64_t W, int64_t ldx, int64_t kh,
                                       int64_t kw, int64_t sh, int64_t sw, float *out, int32_t *idx);

static inline int read_geometry(const double *desc, const char *op, geo_t *g) {
  int64_t d;
  int rc;
  if ((rc = nnc_param(desc, 0, 1, 3, op, "spatial rank", &d))) return rc;
  g->d = (int)d;
  for (int i = 0; i < g->d; i++) {
    if ((rc = nnc_param(desc, 1 + i, 1, GEO_MAX, op, "kernel size", &g->kernel[i])) ||
        (rc = nnc_param(desc, 4 + i, 1, GEO_MAX, op, "stride", &g->stride[i])) ||
        (rc = nnc_param(desc, 7 + i, 0, GEO_MAX, op, "padding", &g->padding[i])) ||
        (rc = nnc_param(desc, 10 + i, 1, GEO_MAX, op, "dilation", &g->dilation[i])))
      return rc;
  }
  return NNC_OK;
}

/* Output extent of an unfold (floor mode); may be <= 0 when the window does not fit. */
static inline int64_t unfold_out(int64_t n, int64_t k, int64_t s, int64_t p, int64_t dil) {
  return floor_div(n + 2 * p - dil * (k - 1) - 1, s) + 1;
}

/* Lifts the geometry to three axes; the leading missing ones are trivial. */
static inline void lift(const geo_t *g, const int64_t *spatialIn, const int64_t *spatialOut, axis_t *ax) {
  for (int i = 0; i < 3 - g->d; i++) ax[i] = (axis_t){1, 1, 1, 1, 0, 1};
  for (int i = 0; i < g->d; i++)
    ax[3 - g->d + i] = (axis_t){spatialIn[i], spatialOut[i], g->kernel[i], g->stride[i],
                                g->padding[i], g->dilation[i]};
}

/* Spatial strides of an [N, C, ...spatial] operand lifted to three axes. */
static inline void spatial_strides(const nnc_arr *a, int d, int64_t *s) {
  s[0] = s[1] = s[2] = 0;
  for (int i = 0; i < d; i++) s[3 - d + i] = a->strides[2 + i];
}

/* For each tap k: the output positions [lo, hi) whose input index o·s − p + k·dil is inside. */
static inline void tap_ranges(const axis_t *a, int64_t *lo, int64_t *hi) {
  for (int64_t k = 0; k < a->k; k++) {
    const int64_t shift = k * a->dil - a->p;
    const int64_t first = imax(0, ceil_div(-shift, a->s));
    const int64_t last = imin(a->o, floor_div(a->n - 1 - shift, a->s) + 1);
    lo[k] = first;
    hi[k] = imax(first, last);
  }
}

static inline int check_window_operand(const char *op, const nnc_arr *x, int d, const char *name) {
  if (x->ndim != d + 2)
    return nnc_fail(NNC_E_ARG, "%s: %s must have %d dimensions ([N, C, ...%d spatial]), got %d", op, name, d + 2,
                    d, x->ndim);
  return NNC_OK;
}

/* Unfold geometry: out extents and the kernel product, with sizes checked. */
static inline int unfold_geometry(const char *op, const geo_t *g, const int64_t *spatialIn, int64_t *outSp,
                           int64_t *KK, int64_t *L) {
  *KK = 1, *L = 1;
  for (int i = 0; i < g->d; i++) {
    outSp[i] = unfold_out(spatialIn[i], g->kernel[i], g->stride[i], g->padding[i], g->dilation[i]);
    if (outSp[i] < 0) outSp[i] = 0;
    if (g->kernel[i] > ((int64_t)1 << 20) || outSp[i] > ((int64_t)1 << 40))
      return nnc_fail(NNC_E_ARG, "%s: window geometry too large", op);
    *KK *= g->kernel[i];
    *L *= outSp[i];
    if (*KK > ((int64_t)1 << 40) || *L > ((int64_t)1 << 40))
      return nnc_fail(NNC_E_ARG, "%s: window geometry too large", op);
  }
  return NNC_OK;
}

static inline int ranges_alloc(const geo_t *g, int64_t **r) {
  int64_t total = 6;
  for (int i = 0; i < g->d; i++) total += 2 * g->kernel[i];
  if (total > ((int64_t)1 << 26)) return nnc_fail(NNC_E_ARG, "window: kernel too large");
  *r = nnc_alloc((size_t)total * sizeof(int64_t));
  return *r ? NNC_OK : NNC_E_NOMEM;
}

#endif
