// epoll and eventfd, which Glibc's Swift module does not export (for PlainHTTPReactor).
#include <sys/epoll.h>
#include <sys/eventfd.h>
