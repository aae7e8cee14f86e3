/*
 * libnnc_mpi: the few MPI calls @nnc/distributed needs, as plain C functions for Deno.dlopen.
 *
 * Why a shim rather than binding libmpi directly: MPI's ABI is not standard. The handles
 * (MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM, MPI_IN_PLACE, MPI_ERRORS_RETURN) are addresses of exported
 * structs in Open MPI and integer constants in MPICH, and Deno's FFI can read a static's value but
 * not take a symbol's address. Compiled with the installation's own `mpicc` against its own
 * mpi.h, this file works with any MPI, and the handles stay inside C.
 *
 * Every function returns 0 on success, a negative NNC_MPI_E_* code for the shim's own errors, or
 * the MPI error class (> 0) of a failed MPI call; nnc_mpi_last_error() gives the message. MPI's
 * error handler on MPI_COMM_WORLD is MPI_ERRORS_RETURN, so a failed collective returns an error
 * instead of aborting silently.
 *
 * Two threads of our own:
 * - a watchdog: while a collective runs it holds a deadline; a collective that has not finished
 *   by then (a peer died or hangs) makes it print which call timed out and _exit(124). mpirun
 *   then ends the other ranks: a lost rank never leaves the job hanging. MPI_Abort is not called
 *   from the watchdog: at MPI_THREAD_SERIALIZED only one thread may be inside MPI, and the main
 *   thread is (it is blocked in the collective that timed out).
 * - a communication thread (started on first use of nnc_mpi_enqueue_allreduce): it runs queued
 *   in-place allreduces one after another, so that the caller can go on computing (the rest of a
 *   backward pass) while a bucket of gradients is reduced. The caller must call nnc_mpi_wait_all
 *   before any other MPI call (the JS bindings do), which keeps to MPI_THREAD_SERIALIZED.
 *
 * Buffers are the caller's (JavaScript's typed arrays): every reduction is in place (MPI_IN_PLACE)
 * and nothing is copied. Queued buffers must stay alive until nnc_mpi_wait_all returns.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <mpi.h>

#define API __attribute__((visibility("default")))

enum {
  NNC_MPI_OK = 0,
  NNC_MPI_E_ARG = -1,      /* bad argument (dtype, op, count, root) */
  NNC_MPI_E_STATE = -2,    /* not initialised, or already finalised */
  NNC_MPI_E_NOMEM = -3,    /* the queue could not grow */
  NNC_MPI_E_THREAD = -4    /* a thread could not be started */
};

enum { DT_F32 = 0, DT_F64 = 1, DT_I32 = 2 };
enum { OP_SUM = 0, OP_MAX = 1, OP_MIN = 2 };

/* ---------------- errors ---------------- */

static __thread char t_error[512];
static char g_queue_error[512]; /* the communication thread's first error, under q_lock */

static int set_error(int code, const char *fmt, const char *what) {
  snprintf(t_error, sizeof t_error, fmt, what);
  return code;
}

static int mpi_error(int rc, const char *call) {
  char text[MPI_MAX_ERROR_STRING] = {0};
  int len = 0, cls = rc;
  MPI_Error_class(rc, &cls);
  if (MPI_Error_string(rc, text, &len) != MPI_SUCCESS) snprintf(text, sizeof text, "error %d", rc);
  snprintf(t_error, sizeof t_error, "%s failed: %s (MPI error class %d)", call, text, cls);
  return cls > 0 ? cls : 1;
}

API int nnc_mpi_last_error(char *buf, int32_t len) {
  if (buf == NULL || len <= 0) return NNC_MPI_E_ARG;
  snprintf(buf, (size_t)len, "%s", t_error);
  return (int)strlen(t_error);
}

/* ---------------- state ---------------- */

static int g_initialised = 0, g_finalised = 0, g_rank = 0, g_size = 1, g_thread_level = 0;

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Statistics: seconds inside allreduce (either thread), calls, bytes, seconds in bcast, seconds
 * the caller waited for the queue. */
static pthread_mutex_t s_lock = PTHREAD_MUTEX_INITIALIZER;
static double s_allreduce_seconds, s_allreduce_calls, s_allreduce_bytes, s_bcast_seconds,
    s_wait_seconds;

/* ---------------- the watchdog ---------------- */

static pthread_mutex_t w_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t w_cond;
static pthread_t w_thread;
static int w_running = 0, w_stop = 0;
static double w_timeout = 300.0; /* seconds; <= 0 disables */
static double w_deadline = 0.0;  /* monotonic seconds; 0 = nothing running */
static const char *w_what = "";

static void watch_begin(const char *what) {
  if (!w_running || w_timeout <= 0) return;
  pthread_mutex_lock(&w_lock);
  w_deadline = now_seconds() + w_timeout;
  w_what = what;
  pthread_cond_signal(&w_cond);
  pthread_mutex_unlock(&w_lock);
}

static void watch_end(void) {
  if (!w_running) return;
  pthread_mutex_lock(&w_lock);
  w_deadline = 0.0;
  pthread_mutex_unlock(&w_lock);
}

static void *watchdog(void *arg) {
  (void)arg;
  pthread_mutex_lock(&w_lock);
  while (!w_stop) {
    if (w_deadline == 0.0) {
      pthread_cond_wait(&w_cond, &w_lock);
      continue;
    }
    double left = w_deadline - now_seconds();
    if (left > 0) {
      struct timespec until;
      clock_gettime(CLOCK_MONOTONIC, &until);
      double s = (double)until.tv_sec + 1e-9 * (double)until.tv_nsec + left;
      until.tv_sec = (time_t)s;
      until.tv_nsec = (long)((s - (double)until.tv_sec) * 1e9);
      pthread_cond_timedwait(&w_cond, &w_lock, &until);
      continue;
    }
    fprintf(stderr,
            "@nnc/distributed: rank %d of %d: %s did not complete within %.0f s: another rank "
            "has died or hangs; exiting with status 124 so that mpirun ends the job (the limit is "
            "the timeout option of initDistributed, or NNC_MPI_TIMEOUT)\n",
            g_rank, g_size, w_what, w_timeout);
    fflush(stderr);
    _exit(124);
  }
  pthread_mutex_unlock(&w_lock);
  return NULL;
}

API int nnc_mpi_set_timeout(double seconds) {
  if (!(seconds == seconds)) return set_error(NNC_MPI_E_ARG, "timeout is NaN%s", "");
  pthread_mutex_lock(&w_lock);
  w_timeout = seconds;
  pthread_cond_signal(&w_cond);
  pthread_mutex_unlock(&w_lock);
  return NNC_MPI_OK;
}

/* ---------------- argument helpers ---------------- */

static int datatype(int32_t code, MPI_Datatype *out, size_t *bytes) {
  switch (code) {
  case DT_F32: *out = MPI_FLOAT; *bytes = 4; return 1;
  case DT_F64: *out = MPI_DOUBLE; *bytes = 8; return 1;
  case DT_I32: *out = MPI_INT32_T; *bytes = 4; return 1;
  default: return 0;
  }
}

static int reduce_op(int32_t code, MPI_Op *out) {
  switch (code) {
  case OP_SUM: *out = MPI_SUM; return 1;
  case OP_MAX: *out = MPI_MAX; return 1;
  case OP_MIN: *out = MPI_MIN; return 1;
  default: return 0;
  }
}

static int check_ready(void) {
  if (!g_initialised) return set_error(NNC_MPI_E_STATE, "MPI is not initialised%s", "");
  if (g_finalised) return set_error(NNC_MPI_E_STATE, "MPI was already finalised%s", "");
  return NNC_MPI_OK;
}

/* In-place allreduce in chunks of at most INT_MAX elements (MPI counts are ints). */
static int allreduce_now(void *buf, int64_t count, MPI_Datatype dt, size_t bytes, MPI_Op op) {
  double t0 = now_seconds();
  char *p = (char *)buf;
  int rc = MPI_SUCCESS;
  watch_begin("MPI_Allreduce");
  for (int64_t done = 0; done < count && rc == MPI_SUCCESS;) {
    int n = (int)((count - done) > INT_MAX ? INT_MAX : (count - done));
    rc = MPI_Allreduce(MPI_IN_PLACE, p + (size_t)done * bytes, n, dt, op, MPI_COMM_WORLD);
    done += n;
  }
  watch_end();
  pthread_mutex_lock(&s_lock);
  s_allreduce_seconds += now_seconds() - t0;
  s_allreduce_calls += 1;
  s_allreduce_bytes += (double)count * (double)bytes;
  pthread_mutex_unlock(&s_lock);
  return rc == MPI_SUCCESS ? NNC_MPI_OK : mpi_error(rc, "MPI_Allreduce");
}

/* ---------------- the communication thread ---------------- */

typedef struct {
  void *buf;
  int64_t count;
  MPI_Datatype dt;
  size_t bytes;
  MPI_Op op;
} job_t;

static pthread_mutex_t q_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t q_work, q_done;
static pthread_t q_thread;
static int q_running = 0, q_stop = 0, q_error = 0;
static job_t *q_jobs = NULL;
static size_t q_cap = 0, q_head = 0, q_tail = 0; /* jobs [q_head, q_tail) wait; q_busy runs */
static int q_busy = 0;

static void *communicator(void *arg) {
  (void)arg;
  pthread_mutex_lock(&q_lock);
  for (;;) {
    while (q_head == q_tail && !q_stop) pthread_cond_wait(&q_work, &q_lock);
    if (q_head == q_tail && q_stop) break;
    job_t job = q_jobs[q_head++];
    q_busy = 1;
    int failed = q_error != 0; /* after an error the rest of the queue is dropped */
    pthread_mutex_unlock(&q_lock);
    int rc = failed ? NNC_MPI_OK : allreduce_now(job.buf, job.count, job.dt, job.bytes, job.op);
    pthread_mutex_lock(&q_lock);
    if (rc != NNC_MPI_OK && q_error == 0) {
      q_error = rc;
      snprintf(g_queue_error, sizeof g_queue_error, "%s", t_error);
    }
    q_busy = 0;
    if (q_head == q_tail) q_head = q_tail = 0;
    pthread_cond_broadcast(&q_done);
  }
  pthread_mutex_unlock(&q_lock);
  return NULL;
}

/* Waits for every queued allreduce; returns the first error among them. */
API int nnc_mpi_wait_all(void) {
  if (!q_running) return NNC_MPI_OK;
  double t0 = now_seconds();
  pthread_mutex_lock(&q_lock);
  while (q_head != q_tail || q_busy) pthread_cond_wait(&q_done, &q_lock);
  int rc = q_error;
  if (rc != 0) snprintf(t_error, sizeof t_error, "%s", g_queue_error);
  q_error = 0;
  pthread_mutex_unlock(&q_lock);
  pthread_mutex_lock(&s_lock);
  s_wait_seconds += now_seconds() - t0;
  pthread_mutex_unlock(&s_lock);
  return rc;
}

/* ---------------- the API ---------------- */

/*
 * Initialises MPI (MPI_THREAD_SERIALIZED requested) and starts the watchdog. out receives
 * [rank, size, provided thread level (0 single, 1 funneled, 2 serialized, 3 multiple)].
 * Calling it again after success only fills out.
 */
API int nnc_mpi_init(double timeout_seconds, int32_t *out) {
  if (out == NULL) return set_error(NNC_MPI_E_ARG, "out must not be NULL%s", "");
  if (g_finalised) return set_error(NNC_MPI_E_STATE, "MPI was already finalised%s", "");
  if (!g_initialised) {
    /* Open MPI's components (plugins it dlopens) need libmpi's symbols in the global namespace;
     * Deno opens this shim, and with it libmpi, RTLD_LOCAL. Promote libmpi to RTLD_GLOBAL. */
    Dl_info info;
    if (dladdr((void *)&MPI_Init_thread, &info) && info.dli_fname != NULL) {
      dlopen(info.dli_fname, RTLD_NOW | RTLD_GLOBAL | RTLD_NOLOAD);
    }
#ifdef OPEN_MPI
    /* Open MPI's own SIGSEGV/SIGBUS handlers would replace V8's (which WebAssembly bounds checks
     * rely on): leave the signals alone unless the user chose otherwise. */
    setenv("OMPI_MCA_opal_signal", "", 0);
#endif
    int flag = 0;
    MPI_Initialized(&flag);
    int provided = MPI_THREAD_SINGLE;
    if (!flag) {
      int rc = MPI_Init_thread(NULL, NULL, MPI_THREAD_SERIALIZED, &provided);
      if (rc != MPI_SUCCESS) return set_error(1, "MPI_Init_thread failed (error %s)", "");
    } else {
      MPI_Query_thread(&provided);
    }
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
    MPI_Comm_size(MPI_COMM_WORLD, &g_size);
    g_thread_level = provided == MPI_THREAD_SINGLE       ? 0
                     : provided == MPI_THREAD_FUNNELED   ? 1
                     : provided == MPI_THREAD_SERIALIZED ? 2
                                                         : 3;
    g_initialised = 1;
    w_timeout = timeout_seconds;
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&w_cond, &attr);
    pthread_condattr_destroy(&attr);
    if (pthread_create(&w_thread, NULL, watchdog, NULL) == 0) w_running = 1;
  }
  out[0] = g_rank;
  out[1] = g_size;
  out[2] = g_thread_level;
  return NNC_MPI_OK;
}

/* In-place allreduce of count elements at buf (blocking). Waits for queued work first. */
API int nnc_mpi_allreduce(void *buf, int64_t count, int32_t dtype, int32_t op) {
  int rc = check_ready();
  if (rc) return rc;
  MPI_Datatype dt;
  MPI_Op mop;
  size_t bytes;
  if (!datatype(dtype, &dt, &bytes)) return set_error(NNC_MPI_E_ARG, "unknown dtype code%s", "");
  if (!reduce_op(op, &mop)) return set_error(NNC_MPI_E_ARG, "unknown reduction op code%s", "");
  if (count < 0 || (count > 0 && buf == NULL)) {
    return set_error(NNC_MPI_E_ARG, "count must be >= 0 with a buffer%s", "");
  }
  if ((rc = nnc_mpi_wait_all())) return rc;
  return allreduce_now(buf, count, dt, bytes, mop);
}

/*
 * Queues an in-place allreduce for the communication thread and returns at once (runs it now when
 * MPI gave less than MPI_THREAD_SERIALIZED, or the thread cannot start). buf must stay alive and
 * untouched until nnc_mpi_wait_all returns.
 */
API int nnc_mpi_enqueue_allreduce(void *buf, int64_t count, int32_t dtype, int32_t op) {
  int rc = check_ready();
  if (rc) return rc;
  MPI_Datatype dt;
  MPI_Op mop;
  size_t bytes;
  if (!datatype(dtype, &dt, &bytes)) return set_error(NNC_MPI_E_ARG, "unknown dtype code%s", "");
  if (!reduce_op(op, &mop)) return set_error(NNC_MPI_E_ARG, "unknown reduction op code%s", "");
  if (count < 0 || (count > 0 && buf == NULL)) {
    return set_error(NNC_MPI_E_ARG, "count must be >= 0 with a buffer%s", "");
  }
  if (g_thread_level < 2) return allreduce_now(buf, count, dt, bytes, mop);
  pthread_mutex_lock(&q_lock);
  if (!q_running) {
    pthread_cond_init(&q_work, NULL);
    pthread_cond_init(&q_done, NULL);
    q_stop = 0;
    if (pthread_create(&q_thread, NULL, communicator, NULL) != 0) {
      pthread_mutex_unlock(&q_lock);
      return allreduce_now(buf, count, dt, bytes, mop);
    }
    q_running = 1;
  }
  if (q_tail == q_cap) {
    size_t cap = q_cap ? 2 * q_cap : 64;
    job_t *jobs = realloc(q_jobs, cap * sizeof *jobs);
    if (jobs == NULL) {
      pthread_mutex_unlock(&q_lock);
      return set_error(NNC_MPI_E_NOMEM, "the allreduce queue could not grow%s", "");
    }
    q_jobs = jobs;
    q_cap = cap;
  }
  q_jobs[q_tail++] = (job_t){buf, count, dt, bytes, mop};
  pthread_cond_signal(&q_work);
  pthread_mutex_unlock(&q_lock);
  return NNC_MPI_OK;
}

/* In-place broadcast of count elements at buf from rank root. */
API int nnc_mpi_bcast(void *buf, int64_t count, int32_t dtype, int32_t root) {
  int rc = check_ready();
  if (rc) return rc;
  MPI_Datatype dt;
  size_t bytes;
  if (!datatype(dtype, &dt, &bytes)) return set_error(NNC_MPI_E_ARG, "unknown dtype code%s", "");
  if (root < 0 || root >= g_size) return set_error(NNC_MPI_E_ARG, "root is not a rank%s", "");
  if (count < 0 || (count > 0 && buf == NULL)) {
    return set_error(NNC_MPI_E_ARG, "count must be >= 0 with a buffer%s", "");
  }
  if ((rc = nnc_mpi_wait_all())) return rc;
  double t0 = now_seconds();
  char *p = (char *)buf;
  int mrc = MPI_SUCCESS;
  watch_begin("MPI_Bcast");
  for (int64_t done = 0; done < count && mrc == MPI_SUCCESS;) {
    int n = (int)((count - done) > INT_MAX ? INT_MAX : (count - done));
    mrc = MPI_Bcast(p + (size_t)done * bytes, n, dt, root, MPI_COMM_WORLD);
    done += n;
  }
  watch_end();
  pthread_mutex_lock(&s_lock);
  s_bcast_seconds += now_seconds() - t0;
  pthread_mutex_unlock(&s_lock);
  return mrc == MPI_SUCCESS ? NNC_MPI_OK : mpi_error(mrc, "MPI_Bcast");
}

API int nnc_mpi_barrier(void) {
  int rc = check_ready();
  if (rc) return rc;
  if ((rc = nnc_mpi_wait_all())) return rc;
  watch_begin("MPI_Barrier");
  int mrc = MPI_Barrier(MPI_COMM_WORLD);
  watch_end();
  return mrc == MPI_SUCCESS ? NNC_MPI_OK : mpi_error(mrc, "MPI_Barrier");
}

/* out: [allreduce seconds, allreduce calls, allreduce bytes, bcast seconds, queue wait seconds] */
API int nnc_mpi_stats(double *out, int32_t reset) {
  if (out == NULL) return set_error(NNC_MPI_E_ARG, "out must not be NULL%s", "");
  pthread_mutex_lock(&s_lock);
  out[0] = s_allreduce_seconds;
  out[1] = s_allreduce_calls;
  out[2] = s_allreduce_bytes;
  out[3] = s_bcast_seconds;
  out[4] = s_wait_seconds;
  if (reset) {
    s_allreduce_seconds = s_allreduce_calls = s_allreduce_bytes = s_bcast_seconds =
        s_wait_seconds = 0;
  }
  pthread_mutex_unlock(&s_lock);
  return NNC_MPI_OK;
}

static void stop_threads(void) {
  if (q_running) {
    nnc_mpi_wait_all();
    pthread_mutex_lock(&q_lock);
    q_stop = 1;
    pthread_cond_signal(&q_work);
    pthread_mutex_unlock(&q_lock);
    pthread_join(q_thread, NULL);
    q_running = 0;
  }
}

/* Finalises MPI (waiting for queued work; the watchdog covers a peer that never arrives). */
API int nnc_mpi_finalize(void) {
  if (!g_initialised || g_finalised) return NNC_MPI_OK;
  stop_threads();
  watch_begin("MPI_Finalize");
  int rc = MPI_Finalize();
  watch_end();
  g_finalised = 1;
  if (w_running) {
    pthread_mutex_lock(&w_lock);
    w_stop = 1;
    pthread_cond_signal(&w_cond);
    pthread_mutex_unlock(&w_lock);
    pthread_join(w_thread, NULL);
    w_running = 0;
  }
  return rc == MPI_SUCCESS ? NNC_MPI_OK : mpi_error(rc, "MPI_Finalize");
}

/* Ends every rank of the job with errorcode (MPI_Abort); returns only if MPI_Abort does. */
API int nnc_mpi_abort(int32_t code) {
  if (!g_initialised || g_finalised) _exit(code);
  fflush(stdout);
  fflush(stderr);
  return mpi_error(MPI_Abort(MPI_COMM_WORLD, code), "MPI_Abort");
}

/* The MPI library's version string (MPI_Get_library_version; works before MPI_Init). */
API int nnc_mpi_library_version(char *buf, int32_t len) {
  if (buf == NULL || len <= 0) return NNC_MPI_E_ARG;
  char text[MPI_MAX_LIBRARY_VERSION_STRING] = {0};
  int n = 0;
  MPI_Get_library_version(text, &n);
  snprintf(buf, (size_t)len, "%s", text);
  return (int)strlen(buf);
}
