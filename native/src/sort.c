/* Stable sort of each row (last axis): LSD radix sort on order-preserving unsigned keys, the same
 * keys as the JS backend (NaN above +inf, -0 equal to +0, descending = complemented keys), so the
 * order is identical: a stable sort by key has exactly one result. */
#include <stdlib.h>

#include "internal.h"

#define INSERTION_MAX 24

static inline uint32_t key_f32(uint32_t u, uint32_t flip) {
  uint32_t k;
  if ((u & 0x7fffffffu) > 0x7f800000u) k = 0xffffffffu;
  else if (u == 0x80000000u) k = 0x80000000u;
  else k = (u & 0x80000000u) ? ~u : (u | 0x80000000u);
  return k ^ flip;
}

static inline uint64_t key_f64(uint64_t u, uint64_t flip) {
  uint64_t k;
  if ((u & 0x7fffffffffffffffull) > 0x7ff0000000000000ull) k = ~0ull;
  else if (u == 0x8000000000000000ull) k = 0x8000000000000000ull;
  else k = (u & 0x8000000000000000ull) ? ~u : (u | 0x8000000000000000ull);
  return k ^ flip;
}

#define DEFINE_RADIX(NAME, K, BYTES)                                                             \
  /* Sorts key/idx (length n) stably; k2/i2 are scratch. Returns 1 when the result ended in the  \
   * scratch buffers. */                                                                          \
  static int NAME(int64_t n, K *key, int32_t *idx, K *k2, int32_t *i2) {                          \
    if (n <= INSERTION_MAX) {                                                                     \
      for (int64_t i = 1; i < n; i++) {                                                           \
        const K k = key[i];                                                                       \
        const int32_t p = idx[i];                                                                 \
        int64_t j = i - 1;                                                                        \
        for (; j >= 0 && key[j] > k; j--) key[j + 1] = key[j], idx[j + 1] = idx[j];              \
        key[j + 1] = k, idx[j + 1] = p;                                                           \
      }                                                                                           \
      return 0;                                                                                   \
    }                                                                                             \
    uint32_t hist[BYTES][256];                                                                    \
    memset(hist, 0, sizeof hist);                                                                 \
    for (int64_t i = 0; i < n; i++) {                                                             \
      const K k = key[i];                                                                         \
      for (int b = 0; b < BYTES; b++) hist[b][(k >> (8 * b)) & 255]++;                            \
    }                                                                                             \
    int swapped = 0;                                                                              \
    for (int b = 0; b < BYTES; b++) {                                                             \
      if (hist[b][(key[0] >> (8 * b)) & 255] == (uint32_t)n) continue;                            \
      uint32_t sum = 0;                                                                           \
      for (int v = 0; v < 256; v++) {                                                            \
        const uint32_t c = hist[b][v];                                                            \
        hist[b][v] = sum;                                                                         \
        sum += c;                                                                                 \
      }                                                                                           \
      for (int64_t i = 0; i < n; i++) {                                                           \
        const uint32_t at = hist[b][(key[i] >> (8 * b)) & 255]++;                                 \
        k2[at] = key[i];                                                                          \
        i2[at] = idx[i];                                                                          \
      }                                                                                           \
      K *tk = key;                                                                                \
      key = k2, k2 = tk;                                                                          \
      int32_t *ti = idx;                                                                          \
      idx = i2, i2 = ti;                                                                          \
      swapped ^= 1;                                                                               \
    }                                                                                             \
    return swapped;                                                                               \
  }

DEFINE_RADIX(radix32, uint32_t, 4)
DEFINE_RADIX(radix64, uint64_t, 8)

typedef struct {
  int dtype, descending;
  int64_t n;
  const char *x;
  char *v;
  int32_t *ix;
  int rc;
} sort_job;

static void sort_rows(void *ctx, int64_t b, int64_t e) {
  sort_job *j = ctx;
  const int64_t n = j->n;
  const int wide = j->dtype == NNC_F64;
  const size_t kb = wide ? 8 : 4;
  char *mem = nnc_scratch(0, (size_t)n * (2 * kb + 8));
  if (!mem) {
    j->rc = NNC_E_NOMEM;
    return;
  }
  void *keyA = mem, *keyB = mem + n * kb;
  int32_t *idxA = (int32_t *)(mem + 2 * n * kb), *idxB = idxA + n;
  for (int64_t r = b; r < e; r++) {
    for (int64_t i = 0; i < n; i++) idxA[i] = (int32_t)i;
    int32_t *order;
    if (j->dtype == NNC_F64) {
      const uint64_t *u = (const uint64_t *)j->x + r * n;
      const uint64_t flip = j->descending ? ~0ull : 0;
      uint64_t *k = keyA;
      for (int64_t i = 0; i < n; i++) k[i] = key_f64(u[i], flip);
      order = radix64(n, keyA, idxA, keyB, idxB) ? idxB : idxA;
      const double *xs = (const double *)j->x + r * n;
      double *vs = (double *)j->v + r * n;
      for (int64_t i = 0; i < n; i++) vs[i] = xs[order[i]];
    } else {
      const uint32_t *u = (const uint32_t *)j->x + r * n;
      uint32_t *k = keyA;
      if (j->dtype == NNC_F32) {
        const uint32_t flip = j->descending ? 0xffffffffu : 0;
        for (int64_t i = 0; i < n; i++) k[i] = key_f32(u[i], flip);
      } else {
        const uint32_t flip = j->descending ? 0x7fffffffu : 0x80000000u;
        for (int64_t i = 0; i < n; i++) k[i] = u[i] ^ flip;
      }
      order = radix32(n, keyA, idxA, keyB, idxB) ? idxB : idxA;
      const uint32_t *xs = u;
      uint32_t *vs = (uint32_t *)j->v + r * n;
      for (int64_t i = 0; i < n; i++) vs[i] = xs[order[i]];
    }
    memcpy(j->ix + r * n, order, (size_t)n * sizeof(int32_t));
  }
}

int32_t nnc_sort(const double *desc, int32_t desc_bytes, void *values, void *indices,
                 const void *x) {
  static const char *op = "sort";
  nnc_arr v, ix, a;
  int64_t desc_flag;
  int rc;
  if ((rc = nnc_check_desc(desc, desc_bytes, op)) ||
      (rc = nnc_parse(desc, 0, values, "sort: values", &v)) ||
      (rc = nnc_parse(desc, 1, indices, "sort: indices", &ix)) ||
      (rc = nnc_parse(desc, 2, x, "sort: x", &a)) ||
      (rc = nnc_param(desc, 0, 0, 1, op, "descending flag", &desc_flag)) ||
      (rc = nnc_require_shape(&v, &a, op, "values", "x")) ||
      (rc = nnc_require_shape(&ix, &a, op, "indices", "x")) ||
      (rc = nnc_require_dtype(&v, a.dtype, op, "values")) ||
      (rc = nnc_require_dtype(&ix, NNC_I32, op, "indices")) ||
      (rc = nnc_require_contiguous(&a, op, "x")) || (rc = nnc_require_contiguous(&v, op, "values")) ||
      (rc = nnc_require_contiguous(&ix, op, "indices")))
    return rc;
  if (a.size == 0) return NNC_OK;
  const int64_t n = a.ndim == 0 ? 1 : a.shape[a.ndim - 1];
  if (n > 0x7fffffff) return nnc_fail(NNC_E_ARG, "sort: rows longer than 2^31 - 1");
  const int64_t es = nnc_elsize(a.dtype);
  sort_job j = {a.dtype, (int)desc_flag, n, a.data + a.off * es, v.data + v.off * es,
                (int32_t *)ix.data + ix.off, 0};
  int64_t grain = 16384 / n;
  nnc_parallel_for(a.size / n, grain < 1 ? 1 : grain, sort_rows, &j);
  return j.rc;
}
