/* The WebAssembly build's nnc_parallel_for: one thread, so every parallel loop runs in the caller.
 * Replaces native/src/pool.c (POSIX threads) in the build of wasm/build.ts. */
#include "wasm.h"

static int g_threads = 1;
static int g_in_parallel = 0;

int nnc_default_threads(void) { return 1; }

int nnc_threads(void) { return g_threads; }

int nnc_in_parallel(void) { return g_in_parallel; }

int nnc_pool_workers(void) { return 0; }

int nnc_pool_set_threads(int n) {
  (void)n;
  g_threads = 1;
  return g_threads;
}

void nnc_parallel_for(int64_t n, int64_t grain, nnc_task_fn fn, void *ctx) {
  (void)grain;
  if (n <= 0) return;
  const int outer = g_in_parallel;
  g_in_parallel = 1;
  fn(ctx, 0, n);
  g_in_parallel = outer;
}
