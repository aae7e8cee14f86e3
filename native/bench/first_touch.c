/* What writing to memory a process has never touched costs, per MiB: a fresh anonymous mapping is
 * written twice (the first write faults every page in, the second is plain stores), with 4 KiB
 * pages and with MADV_HUGEPAGE (2 MiB pages, as libnnc advises its heap), three rounds each. The
 * first round of each kind may get memory the machine has never handed out or that a virtual
 * machine returned to its host (Linux's free page reporting: `page_reporting.page_reporting_order`
 * on the kernel command line); later rounds usually get back the pages the previous round freed.
 * This is the cost behind the slow first calls of native/bench/first_calls.ts: a heap that grows
 * pays it once per MiB of its high-water mark.
 *
 * usage: cc -O2 native/bench/first_touch.c -o /tmp/first_touch && /tmp/first_touch [MiB=256] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec * 1e-6;
}

int main(int argc, char **argv) {
  const long mib = argc > 1 ? atol(argv[1]) : 256;
  if (mib <= 0) {
    fprintf(stderr, "first_touch: size %ld MiB is not positive\n", mib);
    return 2;
  }
  const size_t bytes = (size_t)mib << 20;
  for (int huge = 0; huge <= 1; huge++) {
    for (int round = 1; round <= 3; round++) {
      char *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (p == MAP_FAILED) {
        perror("first_touch: mmap");
        return 1;
      }
      if (huge && madvise(p, bytes, MADV_HUGEPAGE) != 0) perror("first_touch: madvise (continuing)");
      const double t0 = now_ms();
      memset(p, 1, bytes);
      const double t1 = now_ms();
      memset(p, 2, bytes);
      const double t2 = now_ms();
      printf("%s pages, round %d: first write %.3f ms/MiB, second %.3f ms/MiB\n", huge ? "2 MiB" : "4 KiB",
             round, (t1 - t0) / mib, (t2 - t1) / mib);
      munmap(p, bytes);
    }
  }
  return 0;
}
