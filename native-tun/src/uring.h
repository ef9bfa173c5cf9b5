/* A minimal io_uring (raw system calls, linux/io_uring.h; no liburing) for batched TUN I/O. */
#ifndef XLAT464_URING_H
#define XLAT464_URING_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

/* Most operations one call submits. */
#define URING_DEPTH 128

struct uring;

/* A ring for the calling thread, made on first use; NULL with errno set when io_uring is unavailable. */
struct uring *uring_new(void);
void uring_free(struct uring *u);

/*
 * Submits n readv (write false) or writev (write true) operations on fd in one io_uring_enter and
 * waits for all n: operation i uses iov[2*i], iov[2*i+1] when two_iov, else iov[i] alone. With
 * link, each operation is linked to the next (IOSQE_IO_LINK): after one fails the rest are
 * cancelled (-ECANCELED), so what went through is a prefix, in order. res[i] gets each result
 * (octets, or -errno). Returns 0, or -errno when the ring itself failed.
 */
int uring_rw(struct uring *u, bool write, int fd, struct iovec *iov, bool two_iov, int n, bool link, int32_t *res);

/*
 * One readv on fd that waits for a packet, up to timeout_ms (negative: no limit), in one
 * io_uring_enter: the read linked to a LINK_TIMEOUT. *res gets octets, -ECANCELED on timeout,
 * or -errno. Returns 0, or -errno when the ring itself failed.
 */
int uring_read_wait(struct uring *u, int fd, struct iovec *iov, bool two_iov, int timeout_ms, int32_t *res);

#endif
