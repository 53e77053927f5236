// epoll and eventfd, which Glibc's Swift module does not export (for PlainHTTPReactor and the server's event loops),
// accept4 (a GNU extension the module hides), and the calling thread's
// kernel name (prctl is variadic: Swift cannot call it), and glibc's malloc tuning (mallopt, which <malloc.h>
// declares and Glibc's module does not export).
#include <malloc.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/socket.h>

extern int accept4(int fd, struct sockaddr *address, socklen_t *length, int flags);

static inline int domainflow_name_this_thread(const char *name) { return prctl(PR_SET_NAME, name, 0, 0, 0); }

/// Sets glibc malloc's mmap threshold (fixed: no longer raised by each large free) and its arena count; 1 when both took.
static inline int domainflow_tune_malloc(int mmap_threshold, int arenas) {
    return mallopt(M_MMAP_THRESHOLD, mmap_threshold) == 1 && mallopt(M_ARENA_MAX, arenas) == 1;
}

/// Accepts a connection on the listening socket `fd` as a non-blocking, close-on-exec descriptor (-1 and errno else).
static inline int domainflow_accept_nonblocking(int fd) { return accept4(fd, 0, 0, SOCK_NONBLOCK | SOCK_CLOEXEC); }
