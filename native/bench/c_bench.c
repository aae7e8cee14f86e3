/* Baselines in plain C for the native benchmarks: cblas_sgemm (OpenBLAS with its own threads, as
 * any C program would call it), plain add/mul loops over 4M floats, and libnnc's GEMM entry points.
 * Built and run by c_bench.ts; prints one JSON object per line. Best of `reps` runs, after warm-up.
 *
 * usage: c_bench <libnnc.so> [threads] */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef void (*sgemm_t)(int, int, int, int, int, int, float, const float *, int, const float *, int, float,
                        float *, int);

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static float *rnd(size_t n) {
  float *p = aligned_alloc(64, (n * sizeof(float) + 63) / 64 * 64);
  for (size_t i = 0; i < n; i++) p[i] = (float)rand() / RAND_MAX - 0.5f;
  return p;
}

/* Best time of `reps` runs of body, in seconds. */
#define BEST(reps, body)                                \
  ({                                                    \
    double best_ = 1e30;                                \
    for (int r_ = 0; r_ < (reps); r_++) {               \
      double t0_ = now();                               \
      body;                                             \
      double t_ = now() - t0_;                          \
      if (t_ < best_) best_ = t_;                       \
    }                                                   \
    best_;                                              \
  })

static void __attribute__((noinline)) add_loop(float *restrict o, const float *restrict a,
                                                const float *restrict b, long n) {
  for (long i = 0; i < n; i++) o[i] = a[i] + b[i];
}

static void __attribute__((noinline)) mul_loop(float *restrict o, const float *restrict a,
                                                const float *restrict b, long n) {
  for (long i = 0; i < n; i++) o[i] = a[i] * b[i];
}

int main(int argc, char **argv) {
  const char *nnc_path = argc > 1 ? argv[1] : NULL;
  const int threads = argc > 2 ? atoi(argv[2]) : 0;
  void *ob = dlopen("libopenblas.so.0", RTLD_NOW | RTLD_LOCAL);
  sgemm_t sgemm = ob ? (sgemm_t)dlsym(ob, "cblas_sgemm") : NULL;
  void (*set_threads)(int) = ob ? (void (*)(int))dlsym(ob, "openblas_set_num_threads") : NULL;
  const char *(*corename)(void) = ob ? (const char *(*)(void))dlsym(ob, "openblas_get_corename") : NULL;
  if (set_threads && threads > 0) set_threads(threads);
  printf("{\"what\":\"openblas\",\"loaded\":%s,\"core\":\"%s\",\"OPENBLAS_CORETYPE\":\"%s\"}\n", sgemm ? "true" : "false",
         corename ? corename() : "", getenv("OPENBLAS_CORETYPE") ? getenv("OPENBLAS_CORETYPE") : "");

  const int sizes[] = {128, 1024};
  for (int si = 0; si < 2 && sgemm; si++) {
    const int n = sizes[si];
    float *A = rnd((size_t)n * n), *B = rnd((size_t)n * n), *C = rnd((size_t)n * n);
    const int reps = n <= 128 ? 2000 : 15;
    for (int w = 0; w < 3; w++) sgemm(101, 111, 111, n, n, n, 1, A, n, B, n, 0, C, n);
    /* Many calls per timing sample for the small size, so the clock's resolution does not matter. */
    const int inner = n <= 128 ? 20 : 1;
    double t = BEST(reps / inner, for (int k = 0; k < inner; k++) sgemm(101, 111, 111, n, n, n, 1, A, n, B, n, 0, C, n)) / inner;
    printf("{\"what\":\"cblas_sgemm\",\"n\":%d,\"seconds\":%.9f,\"gflops\":%.2f}\n", n, t, 2.0 * n * n * n / t * 1e-9);
    free(A), free(B), free(C);
  }

  const long N = 4L << 20;
  float *a = rnd(N), *b = rnd(N), *o = rnd(N);
  for (int w = 0; w < 3; w++) add_loop(o, a, b, N);
  double ta = BEST(50, add_loop(o, a, b, N));
  double tm = BEST(50, mul_loop(o, a, b, N));
  printf("{\"what\":\"c_add_4M\",\"seconds\":%.9f,\"GBps\":%.2f}\n", ta, 12.0 * N / ta * 1e-9);
  printf("{\"what\":\"c_mul_4M\",\"seconds\":%.9f,\"GBps\":%.2f}\n", tm, 12.0 * N / tm * 1e-9);

  if (nnc_path) {
    void *h = dlopen(nnc_path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
      printf("{\"what\":\"libnnc\",\"error\":\"%s\"}\n", dlerror());
      return 0;
    }
    int (*init)(void) = (int (*)(void))dlsym(h, "nnc_init");
    int (*nsg)(int, int, int, const float *, const float *, float *, int) =
        (int (*)(int, int, int, const float *, const float *, float *, int))dlsym(h, "nnc_sgemm");
    int (*nset)(int) = (int (*)(int))dlsym(h, "nnc_set_threads");
    init();
    if (threads > 0) nset(threads);
    for (int builtin = 0; builtin < 2; builtin++) {
      for (int si = 0; si < 2; si++) {
        const int n = sizes[si];
        float *A = rnd((size_t)n * n), *B = rnd((size_t)n * n), *C = rnd((size_t)n * n);
        const int reps = n <= 128 ? 2000 : 15, inner = n <= 128 ? 20 : 1;
        for (int w = 0; w < 3; w++) nsg(n, n, n, A, B, C, builtin);
        double t = BEST(reps / inner, for (int k = 0; k < inner; k++) nsg(n, n, n, A, B, C, builtin)) / inner;
        printf("{\"what\":\"nnc_sgemm_%s\",\"n\":%d,\"seconds\":%.9f,\"gflops\":%.2f}\n", builtin ? "builtin" : "blas", n, t,
               2.0 * n * n * n / t * 1e-9);
        free(A), free(B), free(C);
      }
    }
  }
  return 0;
}
