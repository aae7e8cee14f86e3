/* Finding and loading a BLAS/LAPACK at start-up, choosing OpenBLAS's kernel set from cpuid, the
 * thread setting, and nnc_info(). */
#define _GNU_SOURCE
#include <dlfcn.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <string.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "internal.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

nnc_blas_t nnc_blas;

typedef struct {
  char vendor[13];
  int family, model;
  int sse3, avx, fma, avx2, avx512f, avx512dq, avx512cd, avx512bw, avx512vl, avx512bf16;
  int os_ymm, os_zmm;
} cpu_t;

static struct {
  int initialised;
  int builtin_forced;            /* NNC_BLAS=builtin */
  void *handle;                  /* the BLAS library */
  char lib_name[256];            /* candidate name that loaded */
  char lib_path[512];            /* resolved file */
  char kind[16];                 /* openblas, mkl, blis, cblas */
  char coretype_requested[64];   /* the OPENBLAS_CORETYPE in force when OpenBLAS loaded */
  char coretype_source[32];      /* where it came from */
  int preloaded;                 /* OpenBLAS was in the process before us: too late to choose */
  char lapack_from[256];
  const char *(*openblas_corename)(void);
  const char *(*openblas_config)(void);
  void (*openblas_set_threads)(int);
  int (*openblas_get_threads)(void);
  void (*mkl_set_threads)(int);
  void (*blis_set_threads)(long);
  int threads;
  int blas_threaded;
  cpu_t cpu;
  int core_chosen;         /* best_coretype ran (it measures once) */
  const char *core_best;
  double fma512_ratio;     /* 0: not measured */
  char core_reason[160];
  int own_sgemm;           /* float32 mid-size GEMMs on libnnc's kernels (own_sgemm_policy) */
  char own_sgemm_reason[96];
} S;

static pthread_once_t g_once = PTHREAD_ONCE_INIT;

/* ---------------- cpuid ---------------- */

static void detect_cpu(cpu_t *c) {
  memset(c, 0, sizeof *c);
  strcpy(c->vendor, "unknown");
#if defined(__x86_64__) || defined(__i386__)
  unsigned a, b, cx, d;
  if (!__get_cpuid(0, &a, &b, &cx, &d)) return;
  unsigned maxleaf = a;
  memcpy(c->vendor, &b, 4);
  memcpy(c->vendor + 4, &d, 4);
  memcpy(c->vendor + 8, &cx, 4);
  c->vendor[12] = 0;
  __get_cpuid(1, &a, &b, &cx, &d);
  int fam = (a >> 8) & 0xf, mod = (a >> 4) & 0xf;
  if (fam == 0xf) fam += (a >> 20) & 0xff;
  if (fam == 0x6 || fam >= 0xf) mod += ((a >> 16) & 0xf) << 4;
  c->family = fam;
  c->model = mod;
  c->sse3 = cx & 1;
  c->fma = (cx >> 12) & 1;
  c->avx = (cx >> 28) & 1;
  int osxsave = (cx >> 27) & 1;
  if (osxsave) {
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    c->os_ymm = (lo & 0x6) == 0x6;
    c->os_zmm = c->os_ymm && (lo & 0xe0) == 0xe0;
  }
  if (maxleaf >= 7) {
    __cpuid_count(7, 0, a, b, cx, d);
    c->avx2 = (b >> 5) & 1;
    c->avx512f = (b >> 16) & 1;
    c->avx512dq = (b >> 17) & 1;
    c->avx512cd = (b >> 28) & 1;
    c->avx512bw = (b >> 30) & 1;
    c->avx512vl = (b >> 31) & 1;
    unsigned sub = a;
    if (sub >= 1) {
      __cpuid_count(7, 1, a, b, cx, d);
      c->avx512bf16 = (a >> 5) & 1;
    }
  }
#endif
}

/* How many more flops per cycle 512-bit FMAs deliver than 256-bit ones: ≈ 2 where the FPU executes
 * a zmm FMA at full width (Intel server cores with two FMA units, AMD Zen 5), ≈ 1 where it splits
 * it into two 256-bit halves (AMD Zen 4) or has one 512-bit unit. Measured, not looked up: the
 * machine kind under this project has changed between Zen 4 and Zen 5 EPYCs, and virtual machines
 * mask cpuid (no Zen 5 feature bit, cache leaves of a template), so family/model numbers are not
 * evidence of the FPU's width. Twelve independent FMA chains per loop cover the latency of two
 * pipes; the best of seven alternating runs of ~30 µs each shrugs off preemption. */
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#include <time.h>
__attribute__((target("avx512f"), noinline)) static float fma_chain_512(long n) {
  __m512 a[12];
  const __m512 m = _mm512_set1_ps(0.999f), c = _mm512_set1_ps(0.001f);
  for (int i = 0; i < 12; i++) a[i] = _mm512_set1_ps((float)i);
  for (long k = 0; k < n; k++) {
#pragma GCC unroll 12
    for (int i = 0; i < 12; i++) a[i] = _mm512_fmadd_ps(a[i], m, c);
  }
  for (int i = 1; i < 12; i++) a[0] = _mm512_add_ps(a[0], a[i]);
  return _mm512_reduce_add_ps(a[0]);
}
__attribute__((target("avx2,fma"), noinline)) static float fma_chain_256(long n) {
  __m256 a[12];
  const __m256 m = _mm256_set1_ps(0.999f), c = _mm256_set1_ps(0.001f);
  for (int i = 0; i < 12; i++) a[i] = _mm256_set1_ps((float)i);
  for (long k = 0; k < n; k++) {
#pragma GCC unroll 12
    for (int i = 0; i < 12; i++) a[i] = _mm256_fmadd_ps(a[i], m, c);
  }
  for (int i = 1; i < 12; i++) a[0] = _mm256_add_ps(a[0], a[i]);
  float out[8];
  _mm256_storeu_ps(out, a[0]);
  return out[0];
}
static double seconds_now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}
static double fma512_ratio(void) {
  volatile float sink = 0;
  double t512 = 1e30, t256 = 1e30;
  for (int r = 0; r < 7; r++) {
    double t = seconds_now();
    sink += fma_chain_512(8000);
    t = seconds_now() - t;
    if (t < t512) t512 = t;
    t = seconds_now();
    sink += fma_chain_256(8000);
    t = seconds_now() - t;
    if (t < t256) t256 = t;
  }
  (void)sink;
  return t512 > 0 ? 2.0 * t256 / t512 : 0;
}
#else
static double fma512_ratio(void) { return 0; }
#endif

/* The best OpenBLAS kernel set the CPU supports, or NULL, with the reason in S.core_reason.
 * OpenBLAS 0.3.21 (Debian 12) reports newer Intel server parts (Sapphire/Emerald Rapids) as
 * Prescott and runs SSE3 kernels at a fifth of the speed, and treats every AMD part as ZEN, so
 * libnnc names the kernel set itself. On AMD the AVX-512 kernels pay only where 512-bit FMAs run
 * at full width: sgemm n=512, one thread, on a Zen 4 EPYC: ZEN 109, HASWELL 111, COOPERLAKE 104
 * GFLOP/s; on a Zen 5 EPYC ≈ 100 (ZEN/HASWELL) against ≈ 175 (COOPERLAKE/SKYLAKEX). */
static const char *best_coretype(const cpu_t *c) {
  if (S.core_chosen) return S.core_best;
  S.core_chosen = 1;
  const int amd = strcmp(c->vendor, "AuthenticAMD") == 0 || strcmp(c->vendor, "HygonGenuine") == 0;
  const int avx2 = c->avx2 && c->fma && c->os_ymm;
  const int skx = c->avx512f && c->avx512dq && c->avx512cd && c->avx512bw && c->avx512vl && c->os_zmm;
  const char *k512 = c->avx512bf16 ? "COOPERLAKE" : "SKYLAKEX";
  if (skx && amd && avx2) {
    S.fma512_ratio = fma512_ratio();
    const int wide = S.fma512_ratio >= 1.5;
    snprintf(S.core_reason, sizeof S.core_reason,
             "AMD with AVX-512: 512-bit FMAs give %.2fx the flops of 256-bit ones (%s)",
             S.fma512_ratio, wide ? "full-width FPU: AVX-512 kernels" : "split into halves: AVX2 kernels");
    S.core_best = wide ? k512 : "ZEN";
  } else if (skx) {
    snprintf(S.core_reason, sizeof S.core_reason, "AVX-512 (F, DQ, CD, BW, VL%s)",
             c->avx512bf16 ? ", BF16" : "");
    S.core_best = k512;
  } else if (avx2) {
    snprintf(S.core_reason, sizeof S.core_reason, "AVX2 and FMA, no AVX-512");
    S.core_best = amd ? "ZEN" : "HASWELL";
  } else {
    snprintf(S.core_reason, sizeof S.core_reason, "no AVX2: OpenBLAS's own detection");
    S.core_best = NULL;
  }
  return S.core_best;
}

/* ---------------- loading ---------------- */

static const char *const CANDIDATES[] = {
    "libopenblas.so.0", "libopenblas.so",   "libopenblasp.so.0", "libmkl_rt.so.2",
    "libmkl_rt.so",     "libblis.so.4",     "libblis.so",        "libcblas.so.3",
    "libblas.so.3",     NULL,
};

static void *sym(void *h, const char *name) { return h ? dlsym(h, name) : NULL; }

static int try_blas(const char *name) {
  void *h = dlopen(name, RTLD_NOW | RTLD_LOCAL);
  if (!h) return 0;
  void *s = dlsym(h, "cblas_sgemm"), *dd = dlsym(h, "cblas_dgemm");
  if (!s || !dd) {
    dlclose(h);
    return 0;
  }
  S.handle = h;
  nnc_blas.sgemm = (sgemm_fn)s;
  nnc_blas.dgemm = (dgemm_fn)dd;
  nnc_blas.sgemv = (sgemv_fn)dlsym(h, "cblas_sgemv");
  nnc_blas.dgemv = (dgemv_fn)dlsym(h, "cblas_dgemv");
  if (!nnc_blas.sgemv || !nnc_blas.dgemv) nnc_blas.sgemv = NULL, nnc_blas.dgemv = NULL;
  snprintf(S.lib_name, sizeof S.lib_name, "%s", name);
  Dl_info info;
  if (dladdr(s, &info) && info.dli_fname)
    snprintf(S.lib_path, sizeof S.lib_path, "%s", info.dli_fname);
  return 1;
}

static int load_lapack_from(void *h) {
  if (!h) return 0;
  nnc_blas_t *b = &nnc_blas;
  b->potrf[0] = (potrf_fn)sym(h, "spotrf_");
  b->potrf[1] = (potrf_fn)sym(h, "dpotrf_");
  b->getrf[0] = (getrf_fn)sym(h, "sgetrf_");
  b->getrf[1] = (getrf_fn)sym(h, "dgetrf_");
  b->getrs[0] = (getrs_fn)sym(h, "sgetrs_");
  b->getrs[1] = (getrs_fn)sym(h, "dgetrs_");
  b->geqrf[0] = (geqrf_fn)sym(h, "sgeqrf_");
  b->geqrf[1] = (geqrf_fn)sym(h, "dgeqrf_");
  b->orgqr[0] = (orgqr_fn)sym(h, "sorgqr_");
  b->orgqr[1] = (orgqr_fn)sym(h, "dorgqr_");
  b->syevd[0] = (syevd_fn)sym(h, "ssyevd_");
  b->syevd[1] = (syevd_fn)sym(h, "dsyevd_");
  b->gesdd[0] = (gesdd_fn)sym(h, "sgesdd_");
  b->gesdd[1] = (gesdd_fn)sym(h, "dgesdd_");
  for (int t = 0; t < 2; t++)
    if (!b->potrf[t] || !b->getrf[t] || !b->getrs[t] || !b->geqrf[t] || !b->orgqr[t] ||
        !b->syevd[t] || !b->gesdd[t])
      return 0;
  return 1;
}

static void choose_coretype(void) {
  const char *nnc = getenv("NNC_OPENBLAS_CORETYPE");
  const char *user = getenv("OPENBLAS_CORETYPE");
  const char *best = best_coretype(&S.cpu);
  if (nnc && *nnc) {
    if (strcasecmp(nnc, "openblas") == 0) {
      /* Leave the choice to OpenBLAS's own detection. */
      snprintf(S.coretype_source, sizeof S.coretype_source, "openblas");
      if (user && *user) unsetenv("OPENBLAS_CORETYPE");
      return;
    }
    setenv("OPENBLAS_CORETYPE", nnc, 1);
    snprintf(S.coretype_requested, sizeof S.coretype_requested, "%s", nnc);
    snprintf(S.coretype_source, sizeof S.coretype_source, "NNC_OPENBLAS_CORETYPE");
  } else if (user && *user) {
    snprintf(S.coretype_requested, sizeof S.coretype_requested, "%s", user);
    snprintf(S.coretype_source, sizeof S.coretype_source, "OPENBLAS_CORETYPE");
  } else if (best) {
    setenv("OPENBLAS_CORETYPE", best, 1);
    snprintf(S.coretype_requested, sizeof S.coretype_requested, "%s", best);
    snprintf(S.coretype_source, sizeof S.coretype_source, "cpuid");
  } else {
    snprintf(S.coretype_source, sizeof S.coretype_source, "openblas");
  }
}

/* JavaScript allocates every array afresh. With glibc's defaults an array above 128 KiB is its own
 * mmap, returned to the kernel when the GC frees it, so the next one page-faults all over again
 * (measured: 17 % of a 1024² matmul through the op). Serving up to 32 MiB from the heap and keeping
 * freed memory for reuse removes that; NNC_MALLOC_TUNE=0 keeps glibc's defaults. */
static void tune_malloc(void) {
#if defined(__GLIBC__)
  const char *t = getenv("NNC_MALLOC_TUNE");
  if (t && strcmp(t, "0") == 0) return;
  mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
  mallopt(M_TRIM_THRESHOLD, 256 * 1024 * 1024);
#endif
  nnc_memory_init(); /* huge pages for fresh heap memory (memory.c) */
}

/* Whether float32 GEMMs of mid size (the products of a training step) run on libnnc's own
 * kernels. On AVX-512 machines those (gemm.c: a 12×32 tile, a row-major A read in place, transposed
 * weights packed by 16×16 transposes, one share per thread) ran the steps' products 1.1–1.3× faster
 * than OpenBLAS 0.3.21's SkylakeX kernels at one thread and 1.05–1.35× at two (libnnc splitting
 * OpenBLAS calls), on an Intel Xeon; MKL was faster still, so any other BLAS keeps them. OpenBLAS
 * must be on a 512-bit kernel too: OPENBLAS_CORETYPE=Haswell asks for 256-bit arithmetic, and nnc
 * keeps to it. An AVX2 build beside a 256-bit OpenBLAS kernel (Zen 3: no AVX-512) takes the products
 * with K <= 128, or K <= 512 with at least 128 rows (gemm.c, own_gemm_shape). NNC_GEMM=blas sends every product to the BLAS. */
static void own_sgemm_policy(void) {
  const char *mode = getenv("NNC_GEMM");
  const char *core = S.openblas_corename ? S.openblas_corename() : NULL;
  const int core512 = core && (strcasestr(core, "skylakex") || strcasestr(core, "cooperlake") ||
                               strcasestr(core, "sapphirerapids"));
#if defined(__AVX512F__)
  const int kernels512 = 1, kernels256 = 0;
#elif defined(__AVX2__) && defined(__FMA__)
  const int kernels512 = 0, kernels256 = 1;
#else
  const int kernels512 = 0, kernels256 = 0;
#endif
  const char *why;
  if (mode && strcasecmp(mode, "blas") == 0) why = "NNC_GEMM=blas";
  else if (!kernels512 && !kernels256) why = "libnnc was compiled without AVX2";
  else if (strcmp(S.kind, "openblas") != 0) why = "the BLAS is not OpenBLAS";
  else if (kernels512 && !core512) why = "OpenBLAS runs a 256-bit kernel";
  else if (kernels256 && core512) why = "libnnc was compiled without AVX-512";
  else why = NULL;
  S.own_sgemm = why == NULL;
  snprintf(S.own_sgemm_reason, sizeof S.own_sgemm_reason, "%s",
           why ? why
           : kernels512 ? "AVX-512 kernels beside OpenBLAS's AVX-512 kernels"
                        : "AVX2 kernels beside OpenBLAS's 256-bit kernels, for products with K <= 128 or "
                                      "with K <= 512 and M >= 128");
}

int nnc_own_sgemm(void) { return S.own_sgemm; }

static void init_once(void) {
  tune_malloc();
  detect_cpu(&S.cpu);
  const char *t = getenv("NNC_THREADS");
  int threads = t && *t ? atoi(t) : 0;
  S.threads = nnc_pool_set_threads(threads);
  const char *mode = getenv("NNC_BLAS");
  if (mode && strcasecmp(mode, "builtin") == 0) {
    S.builtin_forced = 1;
    snprintf(S.kind, sizeof S.kind, "builtin");
    S.initialised = 1;
    return;
  }
  /* OpenBLAS reads OPENBLAS_CORETYPE and OPENBLAS_NUM_THREADS once, when it loads. */
  char saved_core[128] = "", saved_threads[32] = "";
  int had_core = getenv("OPENBLAS_CORETYPE") != NULL;
  int had_threads = getenv("OPENBLAS_NUM_THREADS") != NULL;
  if (had_core) snprintf(saved_core, sizeof saved_core, "%s", getenv("OPENBLAS_CORETYPE"));
  if (had_threads) snprintf(saved_threads, sizeof saved_threads, "%s", getenv("OPENBLAS_NUM_THREADS"));
  void *already = dlopen("libopenblas.so.0", RTLD_NOW | RTLD_NOLOAD);
  if (already) {
    S.preloaded = 1;
    dlclose(already);
  }
  choose_coretype();
  const char *threading = getenv("NNC_BLAS_THREADING");
  S.blas_threaded = threading && strcasecmp(threading, "blas") == 0;
  char saved_timeout[32] = "";
  const int had_timeout = getenv("OPENBLAS_THREAD_TIMEOUT") != NULL;
  if (had_timeout) snprintf(saved_timeout, sizeof saved_timeout, "%s", getenv("OPENBLAS_THREAD_TIMEOUT"));
  {
    /* OpenBLAS creates its pool for NNC_THREADS threads, but libnnc keeps it at one thread except
     * during large GEMMs; the shortest timeout (2^4 cycles) makes its threads sleep as soon as a
     * call returns, so they never spin while libnnc's pool needs the cores. */
    char n[16];
    snprintf(n, sizeof n, "%d", S.threads);
    setenv("OPENBLAS_NUM_THREADS", n, 1);
    if (!had_timeout) setenv("OPENBLAS_THREAD_TIMEOUT", "4", 1);
  }
  int ok = 0;
  if (mode && *mode && strcasecmp(mode, "auto") != 0) ok = try_blas(mode); /* a library path */
  for (int i = 0; !ok && CANDIDATES[i]; i++) ok = try_blas(CANDIDATES[i]);
  /* Leave the environment as we found it: the variables only mattered while OpenBLAS loaded. */
  if (had_core) setenv("OPENBLAS_CORETYPE", saved_core, 1);
  else unsetenv("OPENBLAS_CORETYPE");
  if (had_threads) setenv("OPENBLAS_NUM_THREADS", saved_threads, 1);
  else unsetenv("OPENBLAS_NUM_THREADS");
  if (!had_timeout) unsetenv("OPENBLAS_THREAD_TIMEOUT");
  else setenv("OPENBLAS_THREAD_TIMEOUT", saved_timeout, 1);
  if (!ok) {
    snprintf(S.kind, sizeof S.kind, "builtin");
    S.initialised = 1;
    return;
  }
  S.openblas_corename = (const char *(*)(void))sym(S.handle, "openblas_get_corename");
  S.openblas_config = (const char *(*)(void))sym(S.handle, "openblas_get_config");
  S.openblas_set_threads = (void (*)(int))sym(S.handle, "openblas_set_num_threads");
  S.openblas_get_threads = (int (*)(void))sym(S.handle, "openblas_get_num_threads");
  S.mkl_set_threads = (void (*)(int))sym(S.handle, "MKL_Set_Num_Threads");
  S.blis_set_threads = (void (*)(long))sym(S.handle, "bli_thread_set_num_threads");
  if (S.openblas_corename) snprintf(S.kind, sizeof S.kind, "openblas");
  else if (S.mkl_set_threads) snprintf(S.kind, sizeof S.kind, "mkl");
  else if (S.blis_set_threads) snprintf(S.kind, sizeof S.kind, "blis");
  else snprintf(S.kind, sizeof S.kind, "cblas");
  if (load_lapack_from(S.handle)) {
    nnc_blas.has_lapack = 1;
    snprintf(S.lapack_from, sizeof S.lapack_from, "%s", S.lib_name);
  } else {
    void *lh = dlopen("liblapack.so.3", RTLD_NOW | RTLD_LOCAL);
    if (lh && load_lapack_from(lh)) {
      nnc_blas.has_lapack = 1;
      snprintf(S.lapack_from, sizeof S.lapack_from, "liblapack.so.3");
    } else {
      memset(nnc_blas.potrf, 0, sizeof nnc_blas - offsetof(nnc_blas_t, potrf));
    }
  }
  nnc_blas_set_threads(S.threads);
  own_sgemm_policy();
  S.initialised = 1;
}

void nnc_ensure_init(void) { pthread_once(&g_once, init_once); }

int32_t nnc_init(void) {
  nnc_ensure_init();
  return S.handle ? 1 : 0;
}

int nnc_blas_threaded(void) { return S.blas_threaded; }

int nnc_blas_can_thread(void) {
  return S.openblas_set_threads != NULL || S.mkl_set_threads != NULL || S.blis_set_threads != NULL;
}

static void set_blas_threads_raw(int n) {
  if (S.openblas_set_threads) S.openblas_set_threads(n);
  else if (S.mkl_set_threads) S.mkl_set_threads(n);
  else if (S.blis_set_threads) S.blis_set_threads(n);
}

void nnc_blas_threads_for_call(int n) {
  if (n > 1) nnc_pool_quiet();
  if (!S.blas_threaded) set_blas_threads_raw(n);
}

void nnc_blas_set_threads(int n) {
  if (!S.blas_threaded) n = 1;
  if (S.openblas_set_threads) S.openblas_set_threads(n);
  else if (S.mkl_set_threads) S.mkl_set_threads(n);
  else if (S.blis_set_threads) S.blis_set_threads(n);
}

int32_t nnc_set_threads(int32_t n) {
  nnc_ensure_init();
  S.threads = nnc_pool_set_threads(n);
  nnc_blas_set_threads(S.threads);
  return S.threads;
}

int32_t nnc_get_threads(void) {
  nnc_ensure_init();
  return S.threads;
}

/* ---------------- info ---------------- */

static size_t json_str(char *out, size_t cap, const char *s) {
  size_t n = 0;
  if (n < cap) out[n++] = '"';
  for (; s && *s && n + 2 < cap; s++) {
    unsigned char ch = (unsigned char)*s;
    if (ch == '"' || ch == '\\') out[n++] = '\\', out[n++] = (char)ch;
    else if (ch < 0x20) out[n++] = ' ';
    else out[n++] = (char)ch;
  }
  if (n < cap) out[n++] = '"';
  return n;
}

int32_t nnc_info(char *buf, int32_t cap) {
  nnc_ensure_init();
  if (!buf || cap <= 1) return 0;
  char tmp[4096];
  size_t n = 0, C = sizeof tmp;
#define PUT(...) n += (size_t)snprintf(tmp + n, n < C ? C - n : 0, __VA_ARGS__)
#define STR(s) n += json_str(tmp + n, n < C ? C - n : 0, (s))
  PUT("{\"blas\":");
  STR(S.kind);
  PUT(",\"library\":");
  if (S.handle) STR(S.lib_name); else PUT("null");
  PUT(",\"path\":");
  if (S.handle) STR(S.lib_path); else PUT("null");
  PUT(",\"config\":");
  if (S.openblas_config) STR(S.openblas_config()); else PUT("null");
  PUT(",\"coreType\":");
  if (S.openblas_corename) STR(S.openblas_corename()); else PUT("null");
  PUT(",\"coreTypeRequested\":");
  if (S.coretype_requested[0] && S.openblas_corename) STR(S.coretype_requested); else PUT("null");
  PUT(",\"coreTypeSource\":");
  if (S.openblas_corename) STR(S.coretype_source); else PUT("null");
  PUT(",\"openblasPreloaded\":%s", S.preloaded ? "true" : "false");
  PUT(",\"bestCoreType\":");
  const char *best = best_coretype(&S.cpu);
  if (best) STR(best); else PUT("null");
  PUT(",\"coreTypeReason\":");
  if (S.openblas_corename) {
    if (strcmp(S.coretype_source, "cpuid") == 0) STR(S.core_reason);
    else if (strcmp(S.coretype_source, "openblas") == 0) STR("OpenBLAS's own detection");
    else {
      char why[160];
      snprintf(why, sizeof why, "set by %s (libnnc would pick %s: %s)", S.coretype_source,
               best ? best : "OpenBLAS's choice", S.core_reason);
      STR(why);
    }
  } else PUT("null");
  if (S.fma512_ratio > 0) PUT(",\"fma512Ratio\":%.2f", S.fma512_ratio);
  PUT(",\"hugePages\":");
  STR(nnc_hugepages_state());
  PUT(",\"threads\":%d", S.threads);
  PUT(",\"poolWorkers\":%d", nnc_pool_workers());
  PUT(",\"blasThreads\":%d", S.openblas_get_threads ? S.openblas_get_threads() : S.blas_threaded ? S.threads : 1);
  PUT(",\"threading\":\"%s\"", S.blas_threaded ? "blas" : "nnc");
  PUT(",\"fallbackGemm\":%s", nnc_blas.sgemm ? "false" : "true");
  PUT(",\"builtinForced\":%s", S.builtin_forced ? "true" : "false");
  PUT(",\"ownSgemm\":%s,\"ownSgemmReason\":", S.own_sgemm ? "true" : "false");
  STR(S.builtin_forced || !S.handle ? "every product runs on libnnc's kernels" : S.own_sgemm_reason);
  PUT(",\"lapack\":");
  if (nnc_blas.has_lapack) STR(S.lapack_from); else PUT("null");
  PUT(",\"cpu\":{\"vendor\":");
  STR(S.cpu.vendor);
  PUT(",\"family\":%d,\"model\":%d,\"avx2\":%s,\"fma\":%s,\"avx512f\":%s,\"avx512bw\":%s,"
      "\"avx512vl\":%s,\"avx512dq\":%s,\"avx512bf16\":%s}",
      S.cpu.family, S.cpu.model, S.cpu.avx2 ? "true" : "false", S.cpu.fma ? "true" : "false",
      S.cpu.avx512f ? "true" : "false", S.cpu.avx512bw ? "true" : "false",
      S.cpu.avx512vl ? "true" : "false", S.cpu.avx512dq ? "true" : "false",
      S.cpu.avx512bf16 ? "true" : "false");
  PUT(",\"compiledFor\":\"%s\"}",
#if defined(__AVX512F__)
      "avx512"
#elif defined(__AVX2__)
      "avx2"
#elif defined(__AVX__)
      "avx"
#else
      "generic"
#endif
  );
#undef PUT
#undef STR
  if (n >= C) n = C - 1;
  if (n >= (size_t)cap) n = (size_t)cap - 1;
  memcpy(buf, tmp, n);
  buf[n] = 0;
  return (int32_t)n;
}
