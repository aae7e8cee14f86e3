/* The worker pool behind nnc_parallel_for (POSIX threads; the WebAssembly build replaces this file,
 * see wasm/src/). */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#if defined(__linux__)
#include <linux/futex.h>
#include <sys/syscall.h>
#endif

#include "internal.h"

/* ---------------- worker pool ----------------
 * Work is handed out in chunks that threads claim with an atomic counter: the caller claims chunks
 * too, so when a worker is slow to wake (the cores are busy with other processes) the caller just
 * does more of the work and waits only for chunks already being computed. Workers spin for a while
 * after a job (NNC_SPIN_US, 200 µs by default: measured by the clock, since a pause instruction
 * lasts from ~10 ns to ~50 ns depending on the CPU) and then sleep, so an idle pool costs no CPU
 * time that anyone else might need; before libnnc hands a call to the BLAS's own threads it tells
 * the spinning workers to sleep at once (nnc_pool_quiet), so the two never compete for the cores.
 * The window matters on virtual machines, where waking a sleeping thread costs tens of
 * microseconds: a training step's kernels follow each other within that window.
 *
 * A worker takes part in a job only after registering in `g_active` and re-checking that the job
 * is still open; the caller closes the job and waits for `g_active` to drain before it returns, so
 * no worker ever touches a finished job's (stack-allocated) context. */

#define POOL_MAX 64
#define OPEN_BIT 1ull

static _Atomic uint32_t g_seq;      /* bumped at every job: what sleeping workers wait on */
#if !defined(__linux__)
static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_cv = PTHREAD_COND_INITIALIZER;
#endif
static _Atomic uint64_t g_job;      /* generation << 1 | open */
static _Atomic int64_t g_next;      /* next unclaimed item */
static _Atomic int64_t g_done;      /* items finished */
static atomic_int g_active;         /* workers inside the current job */
static atomic_int g_sleepers;
static _Atomic uint32_t g_quiet;    /* bumped by nnc_pool_quiet: spinning workers sleep at once */
static atomic_flag g_busy = ATOMIC_FLAG_INIT;
static int g_threads = 0; /* 0: not set yet */
static int g_started = 0;
static int64_t g_spin_ns = 200000;
static nnc_task_fn g_fn;
static void *g_ctx;
static int64_t g_n, g_chunk;
static int g_job_threads; /* threads the current job may use, caller included */
static __thread int t_in_pool;

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

int nnc_default_threads(void) {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    int n = CPU_COUNT(&set);
    if (n > 0) return n > POOL_MAX ? POOL_MAX : n;
  }
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n < 1 ? 1 : n > POOL_MAX ? POOL_MAX : (int)n;
}

int nnc_threads(void) { return g_threads > 0 ? g_threads : 1; }

int nnc_in_parallel(void) { return t_in_pool; }

int nnc_pool_workers(void) { return g_started; }

int nnc_pool_set_threads(int n) {
  if (n <= 0) n = nnc_default_threads();
  if (n > POOL_MAX) n = POOL_MAX;
  g_threads = n;
  const char *spin = getenv("NNC_SPIN_US");
  if (spin && *spin) g_spin_ns = atoll(spin) < 0 ? 0 : atoll(spin) * 1000;
  return n;
}

void nnc_pool_quiet(void) { atomic_fetch_add(&g_quiet, 1); }

static int64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* Claims and runs chunks until none is left. */
static void run_chunks(void) {
  const int64_t n = g_n, c = g_chunk;
  for (;;) {
    const int64_t b = atomic_fetch_add(&g_next, c);
    if (b >= n) return;
    const int64_t e = b + c < n ? b + c : n;
    g_fn(g_ctx, b, e);
    atomic_fetch_add(&g_done, e - b);
  }
}

/* Sleeps until g_seq differs from `seen`. On Linux a futex: the kernel compares the value
 * atomically, so a wake-up cannot be lost (glibc 2.36's condition variables can lose one and hang
 * pthread_cond_broadcast in __condvar_quiesce_and_switch_g1, sourceware bug 25847). */
static void sleep_while_seq(uint32_t seen) {
#if defined(__linux__)
  syscall(SYS_futex, (uint32_t *)&g_seq, FUTEX_WAIT_PRIVATE, seen, NULL, NULL, 0);
#else
  pthread_mutex_lock(&g_mu);
  while (atomic_load(&g_seq) == seen) pthread_cond_wait(&g_cv, &g_mu);
  pthread_mutex_unlock(&g_mu);
#endif
}

static void wake_sleepers(void) {
#if defined(__linux__)
  syscall(SYS_futex, (uint32_t *)&g_seq, FUTEX_WAKE_PRIVATE, INT32_MAX, NULL, NULL, 0);
#else
  pthread_mutex_lock(&g_mu);
  pthread_cond_broadcast(&g_cv);
  pthread_mutex_unlock(&g_mu);
#endif
}

static void *worker(void *arg) {
  const int id = (int)(intptr_t)arg; /* 1, 2, …: the caller is thread 0 */
  t_in_pool = 1;
  uint64_t seen = 0;
  for (;;) {
    /* The sequence number is read before the job word: a job published after this read changes
     * it, so the futex wait below returns at once instead of missing the job. */
    uint32_t seq = atomic_load(&g_seq);
    uint64_t job = atomic_load(&g_job);
    uint32_t quiet = atomic_load(&g_quiet);
    int64_t spin_end = g_spin_ns > 0 ? now_ns() + g_spin_ns : 0;
    for (int spins = 0; job >> 1 == seen >> 1 || !(job & OPEN_BIT); spins++) {
      /* The clock is read every 32 pauses: cheap beside them, fine-grained enough. */
      const int expired = spin_end == 0 || ((spins & 31) == 31 && now_ns() >= spin_end);
      if (expired || atomic_load(&g_quiet) != quiet) {
        atomic_fetch_add(&g_sleepers, 1);
        if (atomic_load(&g_seq) == seq) sleep_while_seq(seq);
        atomic_fetch_sub(&g_sleepers, 1);
        quiet = atomic_load(&g_quiet);
        spin_end = g_spin_ns > 0 ? now_ns() + g_spin_ns : 0;
      } else {
        cpu_relax();
      }
      seq = atomic_load(&g_seq);
      job = atomic_load(&g_job);
    }
    seen = job;
    atomic_fetch_add(&g_active, 1);
    /* g_job_threads is written before the job is published and read only while registered. */
    if (atomic_load(&g_job) == job && id < g_job_threads) run_chunks();
    atomic_fetch_sub(&g_active, 1);
  }
  return NULL;
}

static int start_workers(int total) {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  while (g_started < total - 1) {
    pthread_t th;
    if (pthread_create(&th, &attr, worker, (void *)(intptr_t)(g_started + 1)) != 0) break;
    g_started++;
  }
  pthread_attr_destroy(&attr);
  return g_started + 1;
}

void nnc_parallel_for(int64_t n, int64_t grain, nnc_task_fn fn, void *ctx) {
  if (n <= 0) return;
  if (grain < 1) grain = 1;
  int T = nnc_threads();
  if (T <= 1 || n < 2 * grain || t_in_pool) {
    fn(ctx, 0, n);
    return;
  }
  /* Another thread (a JS worker) is using the pool: run serially rather than wait. */
  if (atomic_flag_test_and_set(&g_busy)) {
    fn(ctx, 0, n);
    return;
  }
  const int started = start_workers(T);
  if (started < T) T = started;
  if (T < 2) {
    atomic_flag_clear(&g_busy);
    fn(ctx, 0, n);
    return;
  }
  /* About four chunks per thread: late workers still find work, early ones don't idle long. */
  int64_t chunk = (n + 4 * T - 1) / (4 * T);
  if (chunk < grain) chunk = grain;
  g_fn = fn;
  g_ctx = ctx;
  g_n = n;
  g_chunk = chunk;
  g_job_threads = T;
  atomic_store(&g_next, 0);
  atomic_store(&g_done, 0);
  const uint64_t gen = (atomic_load(&g_job) >> 1) + 1;
  const uint64_t job = gen << 1 | OPEN_BIT;
  atomic_store(&g_job, job);
  atomic_fetch_add(&g_seq, 1);
  if (atomic_load(&g_sleepers) > 0) wake_sleepers();
  t_in_pool = 1;
  run_chunks();
  t_in_pool = 0;
  /* Only chunks that workers already claimed remain: wait for those. */
  for (long spins = 0; atomic_load(&g_done) < n; spins++) {
    if (spins < 20000) cpu_relax();
    else sched_yield();
  }
  atomic_store(&g_job, gen << 1); /* closed */
  for (long spins = 0; atomic_load(&g_active) > 0; spins++) {
    if (spins < 20000) cpu_relax();
    else sched_yield();
  }
  atomic_flag_clear(&g_busy);
}
