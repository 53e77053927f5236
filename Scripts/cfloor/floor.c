// The physical floor of DomainFlow's protocol, in C, for Scripts/bench (issue #14): the same framing
// (4-byte big-endian length + protobuf-c message) and the same protobuf-c work as the real server, with
// nothing else.
//
//   floor server SOCKET                          epoll, one thread: answers Hello and Ping (Response + Status)
//   floor client SOCKET CONNS IN_FLIGHT SECONDS [CAMPAIGN_ID]
//                                                hello, then Ping calls (GetCampaign of CAMPAIGN_ID when given:
//                                                the peer must be trusted) kept IN_FLIGHT per connection for
//                                                SECONDS; prints "calls_per_second p50_us p99_us"
//
// Built by Scripts/bench: cc -O2 floor.c <protoc-c output> -lprotobuf-c.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "domainflow/v1/envelope.pb-c.h"

typedef struct {
    uint8_t *data;
    size_t length, capacity;
} Buffer;

static void reserve(Buffer *b, size_t more) {
    if (b->length + more <= b->capacity) return;
    size_t capacity = b->capacity ? b->capacity : 65536;
    while (capacity < b->length + more) capacity *= 2;
    b->data = realloc(b->data, capacity);
    if (!b->data) { perror("realloc"); exit(1); }
    b->capacity = capacity;
}

/// Appends one frame: length, then the packed message.
static void append_frame(Buffer *b, const ProtobufCMessage *message) {
    size_t size = protobuf_c_message_get_packed_size(message);
    reserve(b, size + 4);
    uint8_t *p = b->data + b->length;
    p[0] = (uint8_t)(size >> 24); p[1] = (uint8_t)(size >> 16); p[2] = (uint8_t)(size >> 8); p[3] = (uint8_t)size;
    protobuf_c_message_pack(message, p + 4);
    b->length += size + 4;
}

/// Writes what the socket takes; returns -1 on a closed peer.
static int flush_buffer(int fd, Buffer *b) {
    size_t sent = 0;
    while (sent < b->length) {
        ssize_t n = send(fd, b->data + sent, b->length - sent, MSG_NOSIGNAL);
        if (n > 0) { sent += (size_t)n; continue; }
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;  // busy-wait: the floor's client reads fast
        return -1;
    }
    b->length = 0;
    return 0;
}

/// Reads what is there; returns 0 at EOF, -1 on error, else 1.
static int fill(int fd, Buffer *b) {
    for (;;) {
        reserve(b, 65536);
        ssize_t n = recv(fd, b->data + b->length, b->capacity - b->length, 0);
        if (n > 0) { b->length += (size_t)n; continue; }
        if (n == 0) return 0;
        if (errno == EAGAIN) return 1;
        if (errno == EINTR) continue;
        return -1;
    }
}

/// The next whole frame's message in `b` at `*offset` (its size in `*size`, the offset moved past it), or NULL.
static const uint8_t *next_frame(const Buffer *b, size_t *offset, size_t *size) {
    if (b->length - *offset < 4) return NULL;
    const uint8_t *p = b->data + *offset;
    *size = ((size_t)p[0] << 24) | ((size_t)p[1] << 16) | ((size_t)p[2] << 8) | p[3];
    if (b->length - *offset - 4 < *size) return NULL;
    *offset += 4 + *size;
    return p + 4;
}

/// Drops the frames read so far.
static void consume(Buffer *b, size_t offset) {
    memmove(b->data, b->data + offset, b->length - offset);
    b->length -= offset;
}

static int unix_socket(const char *path, struct sockaddr_un *address) {
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0) { perror("socket"); exit(1); }
    memset(address, 0, sizeof *address);
    address->sun_family = AF_UNIX;
    strncpy(address->sun_path, path, sizeof address->sun_path - 1);
    return fd;
}

static void nonblocking(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

// MARK: server

typedef struct {
    int fd;
    Buffer in, out;
} Connection;

/// Answers every whole frame in `c->in`; false when the connection must close.
static int serve_frames(Connection *c) {
    size_t offset = 0, size;
    const uint8_t *message;
    while ((message = next_frame(&c->in, &offset, &size))) {
        Domainflow__V1__ClientFrame *frame = domainflow__v1__client_frame__unpack(NULL, size, message);
        if (!frame) return 0;
        Domainflow__V1__ServerFrame reply = DOMAINFLOW__V1__SERVER_FRAME__INIT;
        if (frame->kind_case == DOMAINFLOW__V1__CLIENT_FRAME__KIND_HELLO) {
            Domainflow__V1__Limits limits = DOMAINFLOW__V1__LIMITS__INIT;
            limits.max_frame_bytes = 4 << 20;
            limits.max_concurrent_calls = 1 << 20;
            Domainflow__V1__HelloReply hello = DOMAINFLOW__V1__HELLO_REPLY__INIT;
            hello.protocol_version = 1;
            hello.server_version = "c-floor";
            hello.limits = &limits;
            reply.kind_case = DOMAINFLOW__V1__SERVER_FRAME__KIND_HELLO_REPLY;
            reply.hello_reply = &hello;
            append_frame(&c->out, &reply.base);
        } else if (frame->kind_case == DOMAINFLOW__V1__CLIENT_FRAME__KIND_REQUEST) {
            Domainflow__V1__Request *request = frame->request;
            if (request->method_case == DOMAINFLOW__V1__REQUEST__METHOD_PING) {
                Domainflow__V1__PingResponse pong = DOMAINFLOW__V1__PING_RESPONSE__INIT;
                pong.payload = request->ping->payload;
                Domainflow__V1__Response response = DOMAINFLOW__V1__RESPONSE__INIT;
                response.call_id = request->call_id;
                response.method_case = DOMAINFLOW__V1__RESPONSE__METHOD_PING;
                response.ping = &pong;
                reply.kind_case = DOMAINFLOW__V1__SERVER_FRAME__KIND_RESPONSE;
                reply.response = &response;
                append_frame(&c->out, &reply.base);
            }
            Domainflow__V1__Status status = DOMAINFLOW__V1__STATUS__INIT;
            status.call_id = request->call_id;
            status.code = request->method_case == DOMAINFLOW__V1__REQUEST__METHOD_PING
                ? DOMAINFLOW__V1__STATUS_CODE__OK : DOMAINFLOW__V1__STATUS_CODE__UNIMPLEMENTED;
            reply.kind_case = DOMAINFLOW__V1__SERVER_FRAME__KIND_STATUS;
            reply.status = &status;
            append_frame(&c->out, &reply.base);
        }
        domainflow__v1__client_frame__free_unpacked(frame, NULL);
    }
    consume(&c->in, offset);
    return 1;
}

static int run_server(const char *path) {
    struct sockaddr_un address;
    int listener = unix_socket(path, &address);
    unlink(path);
    if (bind(listener, (struct sockaddr *)&address, sizeof address) < 0 || listen(listener, 4096) < 0) { perror("bind"); return 1; }
    nonblocking(listener);
    int ep = epoll_create1(0);
    struct epoll_event event = {.events = EPOLLIN, .data.ptr = NULL};
    epoll_ctl(ep, EPOLL_CTL_ADD, listener, &event);
    struct epoll_event events[256];
    for (;;) {
        int n = epoll_wait(ep, events, 256, -1);
        for (int i = 0; i < n; i++) {
            Connection *c = events[i].data.ptr;
            if (!c) {
                int fd;
                while ((fd = accept4(listener, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
                    Connection *added = calloc(1, sizeof *added);
                    added->fd = fd;
                    struct epoll_event e = {.events = EPOLLIN, .data.ptr = added};
                    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e);
                }
                continue;
            }
            int open = fill(c->fd, &c->in);
            if (open > 0) open = serve_frames(c);
            if (open > 0 && c->out.length) open = flush_buffer(c->fd, &c->out) == 0;  // one write per read batch
            if (open <= 0) {
                close(c->fd);
                free(c->in.data); free(c->out.data); free(c);
            }
        }
    }
}

// MARK: client

static double now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

typedef struct {
    int fd;
    Buffer in, out;
    uint64_t next_call;
    double *sent_at;  // by call id modulo the window
} ClientConnection;

static int window;
static const char *campaign_id;  // set: the client calls GetCampaign(campaign_id) instead of Ping
static double *latencies;
static size_t latency_count, latency_capacity;

static void send_call(ClientConnection *c) {
    Domainflow__V1__PingRequest ping = DOMAINFLOW__V1__PING_REQUEST__INIT;
    Domainflow__V1__CampaignIdRequest get = DOMAINFLOW__V1__CAMPAIGN_ID_REQUEST__INIT;
    Domainflow__V1__Request request = DOMAINFLOW__V1__REQUEST__INIT;
    request.call_id = ++c->next_call;
    if (campaign_id) {
        get.id = (char *)campaign_id;
        request.method_case = DOMAINFLOW__V1__REQUEST__METHOD_GET_CAMPAIGN;
        request.get_campaign = &get;
    } else {
        request.method_case = DOMAINFLOW__V1__REQUEST__METHOD_PING;
        request.ping = &ping;
    }
    Domainflow__V1__ClientFrame frame = DOMAINFLOW__V1__CLIENT_FRAME__INIT;
    frame.kind_case = DOMAINFLOW__V1__CLIENT_FRAME__KIND_REQUEST;
    frame.request = &request;
    c->sent_at[request.call_id % (uint64_t)window] = now_us();
    append_frame(&c->out, &frame.base);
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int run_client(const char *path, int connections, int in_flight, double seconds) {
    window = in_flight + 1;
    latency_capacity = 1 << 22;
    latencies = malloc(latency_capacity * sizeof *latencies);
    int ep = epoll_create1(0);
    ClientConnection *all = calloc((size_t)connections, sizeof *all);
    for (int i = 0; i < connections; i++) {
        struct sockaddr_un address;
        ClientConnection *c = &all[i];
        c->fd = unix_socket(path, &address);
        if (connect(c->fd, (struct sockaddr *)&address, sizeof address) < 0) { perror("connect"); return 1; }
        c->sent_at = calloc((size_t)window, sizeof(double));
        Domainflow__V1__Hello hello = DOMAINFLOW__V1__HELLO__INIT;
        hello.protocol_version = 1;
        hello.client_name = "c-floor";
        Domainflow__V1__ClientFrame frame = DOMAINFLOW__V1__CLIENT_FRAME__INIT;
        frame.kind_case = DOMAINFLOW__V1__CLIENT_FRAME__KIND_HELLO;
        frame.hello = &hello;
        append_frame(&c->out, &frame.base);
        for (int k = 0; k < in_flight; k++) send_call(c);
        nonblocking(c->fd);
        if (flush_buffer(c->fd, &c->out) < 0) return 1;
        struct epoll_event e = {.events = EPOLLIN, .data.ptr = c};
        epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &e);
    }
    uint64_t completed = 0;
    double start = now_us(), end = start + seconds * 1e6;
    struct epoll_event events[256];
    while (now_us() < end) {
        int n = epoll_wait(ep, events, 256, 100);
        for (int i = 0; i < n; i++) {
            ClientConnection *c = events[i].data.ptr;
            if (fill(c->fd, &c->in) <= 0) { fprintf(stderr, "server closed\n"); return 1; }
            size_t offset = 0, size;
            const uint8_t *message;
            while ((message = next_frame(&c->in, &offset, &size))) {
                Domainflow__V1__ServerFrame *frame = domainflow__v1__server_frame__unpack(NULL, size, message);
                if (!frame) { fprintf(stderr, "bad frame\n"); return 1; }
                if (frame->kind_case == DOMAINFLOW__V1__SERVER_FRAME__KIND_STATUS) {
                    if (frame->status->code != 0) {
                        fprintf(stderr, "call failed: %d %s\n", frame->status->code, frame->status->message);
                        return 1;
                    }
                    double latency = now_us() - c->sent_at[frame->status->call_id % (uint64_t)window];
                    if (latency_count < latency_capacity) latencies[latency_count++] = latency;
                    completed++;
                    send_call(c);
                }
                domainflow__v1__server_frame__free_unpacked(frame, NULL);
            }
            consume(&c->in, offset);
            if (c->out.length && flush_buffer(c->fd, &c->out) < 0) return 1;
        }
    }
    double elapsed = (now_us() - start) / 1e6;
    qsort(latencies, latency_count, sizeof *latencies, compare);
    double p50 = latency_count ? latencies[latency_count / 2] : 0;
    double p99 = latency_count ? latencies[(size_t)(latency_count * 0.99)] : 0;
    printf("%.0f %.1f %.1f\n", completed / elapsed, p50, p99);
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 3 && strcmp(argv[1], "server") == 0) return run_server(argv[2]);
    if ((argc == 6 || argc == 7) && strcmp(argv[1], "client") == 0) {
        if (argc == 7) campaign_id = argv[6];
        return run_client(argv[2], atoi(argv[3]), atoi(argv[4]), atof(argv[5]));
    }
    fprintf(stderr, "usage: floor server SOCKET | floor client SOCKET CONNECTIONS IN_FLIGHT SECONDS [CAMPAIGN_ID]\n");
    return 2;
}
