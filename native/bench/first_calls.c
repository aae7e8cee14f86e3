/* The C reference of first_calls.ts: cblas_sgemm on two n×n float32 matrices as a C program calls
 * it, one warm-up call, then `calls` calls timed one by one, writing into the same output (allocated
 * once, as C code does); then the same number of calls each writing into fresh pages (an mmap per
 * call, as a runtime that allocates every output afresh gets them). OpenBLAS is the library libnnc
 * opened, with the same kernel set (OPENBLAS_CORETYPE, set by the caller) and thread count.
 * Prints one JSON line.
 *
 * usage: first_calls <libopenblas.so> <threads> <n> <calls> */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

typedef void (*sgemm_t)(int, int, int, int, int, int, float, const float *, int, const float *, int, float,
                        float *, int);

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static void print_times(const char *name, const double *t, int calls) {
  printf("\"%s\":[", name);
  for (int i = 0; i < calls; i++) printf("%s%.9f", i ? "," : "", t[i]);
  printf("]");
}

int main(int argc, char **argv) {
  if (argc < 5) {
    printf("{\"error\":\"usage: first_calls <libopenblas.so> <threads> <n> <calls>\"}\n");
    return 0;
  }
  const int threads = atoi(argv[2]), n = atoi(argv[3]), calls = atoi(argv[4]);
  void *ob = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (!ob) {
    printf("{\"error\":\"dlopen %s failed\"}\n", argv[1]);
    return 0;
  }
  sgemm_t sgemm = (sgemm_t)dlsym(ob, "cblas_sgemm");
  void (*set_threads)(int) = (void (*)(int))dlsym(ob, "openblas_set_num_threads");
  const char *(*corename)(void) = (const char *(*)(void))dlsym(ob, "openblas_get_corename");
  if (!sgemm || calls < 1 || calls > 1000 || n < 1) {
    printf("{\"error\":\"no cblas_sgemm in %s, or bad arguments\"}\n", argv[1]);
    return 0;
  }
  if (set_threads) set_threads(threads);
  const size_t bytes = (size_t)n * n * sizeof(float);
  float *a = aligned_alloc(64, (bytes + 63) / 64 * 64), *b = aligned_alloc(64, (bytes + 63) / 64 * 64);
  float *c = aligned_alloc(64, (bytes + 63) / 64 * 64);
  if (!a || !b || !c) {
    printf("{\"error\":\"out of memory\"}\n");
    return 0;
  }
  srand(0);
  for (size_t i = 0; i < (size_t)n * n; i++) {
    a[i] = (float)rand() / RAND_MAX - 0.5f;
    b[i] = (float)rand() / RAND_MAX - 0.5f;
  }
  double *reused = calloc(calls, sizeof(double)), *fresh = calloc(calls, sizeof(double));
  sgemm(101, 111, 111, n, n, n, 1, a, n, b, n, 0, c, n); /* the single warm-up call */
  for (int i = 0; i < calls; i++) {
    double t0 = now();
    sgemm(101, 111, 111, n, n, n, 1, a, n, b, n, 0, c, n);
    reused[i] = now() - t0;
  }
  for (int i = 0; i < calls; i++) {
    double t0 = now();
    float *out = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (out == MAP_FAILED) {
      printf("{\"error\":\"mmap failed\"}\n");
      return 0;
    }
    sgemm(101, 111, 111, n, n, n, 1, a, n, b, n, 0, out, n);
    fresh[i] = now() - t0;
    munmap(out, bytes);
  }
  printf("{\"core\":\"%s\",\"threads\":%d,\"n\":%d,", corename ? corename() : "", threads, n);
  print_times("times", reused, calls);
  printf(",");
  print_times("freshTimes", fresh, calls);
  printf("}\n");
  return 0;
}
