/* Fresh output memory without a page fault per 4 KiB.
 *
 * JavaScript allocates every array afresh (calloc behind V8), and libnnc keeps glibc serving large
 * arrays from its heap (blas.c, tune_malloc) so that memory the garbage collector frees is reused.
 * Until the collector first runs, though, every new array is memory the process has never touched:
 * a 1024² float32 product writes 4 MiB of fresh pages, 1,024 page faults, which on the virtual
 * machines this library is measured on cost 1–10 µs each (up to half the product's time). The
 * collector runs only after ~64 MiB of new arrays, so the first ~20 calls of a large op, the first
 * steps of a training loop and every growth phase after them paid it.
 *
 * Transparent huge pages make the same memory cost one fault per 2 MiB (measured here: touching
 * 4 MiB of fresh memory took 1.2 ms in 4 KiB pages, 0.08 ms in huge pages; 60 calls of a 1024²
 * matmul: 821 faults per call before, 2–5 after). glibc grows the heap with a 64 MiB pad
 * (M_TOP_PAD: the mapping above the top exists before anything touches it), and when a kernel writes
 * an output of at least 1 MiB, the heap from that output up to the top is advised MADV_HUGEPAGE
 * (once per growth: the advised range is remembered). Untouched pages in it then fault in 2 MiB
 * at a time; pages already present stay as they are. A large array outside the heap (glibc's own
 * mmap above 32 MiB) has its aligned interior advised. Nothing happens where the kernel's THP
 * setting is `never` or `always` (then it needs no advice), or under NNC_HUGEPAGES=0. */
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#if defined(__linux__) && !defined(__wasm__)
#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#define HUGE_PAGE ((uintptr_t)2 << 20)
#define ADVISE_MIN_BYTES ((size_t)1 << 20)
#define TOP_PAD_BYTES (64 << 20)

static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static int g_mode;             /* 0 off, 1 advise */
static char g_state[48] = "off";
static uintptr_t g_heap_start; /* the [heap] mapping's start, 0 when unknown */
static _Atomic uintptr_t g_adv_lo, g_adv_hi; /* heap range already advised */

static void read_first_line(const char *path, char *buf, size_t cap) {
  buf[0] = 0;
  FILE *f = fopen(path, "r");
  if (!f) return;
  if (!fgets(buf, (int)cap, f)) buf[0] = 0;
  fclose(f);
}

static uintptr_t find_heap_start(void) {
  FILE *f = fopen("/proc/self/maps", "r");
  if (!f) return 0;
  char line[512];
  uintptr_t start = 0;
  while (fgets(line, sizeof line, f)) {
    if (strstr(line, "[heap]")) {
      start = (uintptr_t)strtoull(line, NULL, 16);
      break;
    }
  }
  fclose(f);
  return start;
}

static void init_memory(void) {
  const char *env = getenv("NNC_HUGEPAGES");
  const char *tune = getenv("NNC_MALLOC_TUNE");
  if ((env && strcmp(env, "0") == 0) || (tune && strcmp(tune, "0") == 0)) {
    snprintf(g_state, sizeof g_state, "off (%s=0)", env && strcmp(env, "0") == 0 ? "NNC_HUGEPAGES" : "NNC_MALLOC_TUNE");
    return;
  }
  char thp[128];
  read_first_line("/sys/kernel/mm/transparent_hugepage/enabled", thp, sizeof thp);
  if (strstr(thp, "[always]")) {
    snprintf(g_state, sizeof g_state, "always (the kernel's setting)");
    return;
  }
  if (!strstr(thp, "[madvise]")) {
    snprintf(g_state, sizeof g_state, thp[0] ? "never (the kernel's setting)" : "unavailable");
    return;
  }
#if defined(__GLIBC__)
  mallopt(M_TOP_PAD, TOP_PAD_BYTES);
#endif
  g_heap_start = find_heap_start();
  g_mode = 1;
  snprintf(g_state, sizeof g_state, "advised (outputs from 1 MiB)");
}

static void advise(uintptr_t lo, uintptr_t hi) {
  if (hi > lo) madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
}

void nnc_prepare_output(const void *data, size_t bytes) {
  if (bytes < ADVISE_MIN_BYTES || !data) return;
  pthread_once(&g_once, init_memory);
  if (!g_mode) return;
  const uintptr_t lo = (uintptr_t)data, hi = lo + bytes;
  const uintptr_t top = (uintptr_t)sbrk(0);
  if (g_heap_start && lo >= g_heap_start && hi <= top) {
    const uintptr_t from = lo & ~(HUGE_PAGE - 1);
    const uintptr_t alo = atomic_load_explicit(&g_adv_lo, memory_order_relaxed);
    const uintptr_t ahi = atomic_load_explicit(&g_adv_hi, memory_order_relaxed);
    if (alo && from >= alo && top <= ahi) return; /* advised already */
    /* One range from the lowest advised output to the top: the kernel merges it into one area. */
    const uintptr_t start = alo && alo < from && from <= ahi ? alo : from;
    advise(start < g_heap_start ? g_heap_start : start, top);
    atomic_store_explicit(&g_adv_lo, start, memory_order_relaxed);
    atomic_store_explicit(&g_adv_hi, top, memory_order_relaxed);
    return;
  }
  /* Its own mapping: the whole huge pages inside it. */
  advise((lo + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1), hi & ~(HUGE_PAGE - 1));
}

const char *nnc_hugepages_state(void) {
  pthread_once(&g_once, init_memory);
  return g_state;
}

void nnc_memory_init(void) { pthread_once(&g_once, init_memory); }

#else
void nnc_prepare_output(const void *data, size_t bytes) { (void)data, (void)bytes; }
const char *nnc_hugepages_state(void) { return "unavailable"; }
void nnc_memory_init(void) {}
#endif
