// epoll and eventfd, which Glibc's Swift module does not export (for PlainHTTPReactor), and the calling thread's
// kernel name (prctl is variadic: Swift cannot call it).
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>

static inline int domainflow_name_this_thread(const char *name) { return prctl(PR_SET_NAME, name, 0, 0, 0); }
