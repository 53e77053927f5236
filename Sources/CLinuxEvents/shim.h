// epoll and eventfd, which Glibc's Swift module does not export (for PlainHTTPReactor), and the calling thread's
// kernel name (prctl is variadic: Swift cannot call it), and glibc's malloc tuning (mallopt, which <malloc.h>
// declares and Glibc's module does not export).
#include <malloc.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>

static inline int domainflow_name_this_thread(const char *name) { return prctl(PR_SET_NAME, name, 0, 0, 0); }

/// Sets glibc malloc's mmap threshold (fixed: no longer raised by each large free) and its arena count; 1 when both took.
static inline int domainflow_tune_malloc(int mmap_threshold, int arenas) {
    return mallopt(M_MMAP_THRESHOLD, mmap_threshold) == 1 && mallopt(M_ARENA_MAX, arenas) == 1;
}
