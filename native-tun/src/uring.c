/*
 * A minimal io_uring for native-tun: one ring per worker thread, readv/writev only, submitted and
 * reaped in one io_uring_enter(2). Raw system calls on linux/io_uring.h, so the addon needs no
 * library beyond libc. Every operation carries RWF_NOWAIT: one with nothing to read completes at
 * once with -EAGAIN instead of waiting in the kernel, so a batch never sleeps inside the ring (the
 * caller polls first).
 */
#include "uring.h"

#include <errno.h>
#include <linux/io_uring.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <linux/fs.h>
#include <sys/syscall.h>
#include <unistd.h>

struct uring {
  int fd;
  unsigned *sq_tail, *sq_mask, *sq_array;
  unsigned *cq_head, *cq_tail, *cq_mask;
  struct io_uring_sqe *sqes;
  struct io_uring_cqe *cqes;
  void *sq_ptr, *cq_ptr;
  size_t sq_len, cq_len, sqes_len;
};

static int setup(unsigned entries, struct io_uring_params *p) {
  return (int)syscall(__NR_io_uring_setup, entries, p);
}

struct uring *uring_new(void) {
  struct io_uring_params p;
  memset(&p, 0, sizeof p);
  /* Completions are reaped by the submitting thread only; older kernels refuse the flags: retry without. */
  p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_COOP_TASKRUN;
  int fd = setup(URING_DEPTH, &p);
  if (fd < 0 && errno == EINVAL) {
    memset(&p, 0, sizeof p);
    fd = setup(URING_DEPTH, &p);
  }
  if (fd < 0) return NULL;
  struct uring *u = calloc(1, sizeof *u);
  if (u == NULL) {
    close(fd);
    errno = ENOMEM;
    return NULL;
  }
  u->fd = fd;
  u->sq_len = p.sq_off.array + p.sq_entries * sizeof(unsigned);
  u->cq_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
  bool single = (p.features & IORING_FEAT_SINGLE_MMAP) != 0;
  if (single) {
    if (u->cq_len > u->sq_len) u->sq_len = u->cq_len;
    u->cq_len = u->sq_len;
  }
  u->sq_ptr = mmap(NULL, u->sq_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_SQ_RING);
  if (u->sq_ptr == MAP_FAILED) goto fail;
  u->cq_ptr = single ? u->sq_ptr : mmap(NULL, u->cq_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_CQ_RING);
  if (u->cq_ptr == MAP_FAILED) goto fail;
  u->sqes_len = p.sq_entries * sizeof(struct io_uring_sqe);
  u->sqes = mmap(NULL, u->sqes_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_SQES);
  if (u->sqes == MAP_FAILED) goto fail;
  char *sq = u->sq_ptr, *cq = u->cq_ptr;
  u->sq_tail = (unsigned *)(sq + p.sq_off.tail);
  u->sq_mask = (unsigned *)(sq + p.sq_off.ring_mask);
  u->sq_array = (unsigned *)(sq + p.sq_off.array);
  u->cq_head = (unsigned *)(cq + p.cq_off.head);
  u->cq_tail = (unsigned *)(cq + p.cq_off.tail);
  u->cq_mask = (unsigned *)(cq + p.cq_off.ring_mask);
  u->cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
  return u;
fail: {
  int err = errno;
  uring_free(u);
  errno = err;
  return NULL;
}
}

void uring_free(struct uring *u) {
  if (u == NULL) return;
  if (u->sqes != NULL && u->sqes != MAP_FAILED) munmap(u->sqes, u->sqes_len);
  if (u->cq_ptr != NULL && u->cq_ptr != MAP_FAILED && u->cq_ptr != u->sq_ptr) munmap(u->cq_ptr, u->cq_len);
  if (u->sq_ptr != NULL && u->sq_ptr != MAP_FAILED) munmap(u->sq_ptr, u->sq_len);
  close(u->fd);
  free(u);
}

/*
 * Submits the n queued entries and waits until n completions came; res[user_data] gets each
 * result for user_data below `keep`. Returns 0, or -errno when io_uring_enter failed.
 */
static int submit_wait(struct uring *u, int n, int32_t *res, int keep) {
  int done = 0, submitted = 0;
  while (done < n) {
    long r = syscall(__NR_io_uring_enter, u->fd, (unsigned)(n - submitted), (unsigned)(n - done), IORING_ENTER_GETEVENTS, NULL, 0);
    if (r < 0) {
      if (errno == EINTR) continue;
      return -errno;
    }
    submitted += (int)r;
    unsigned head = *u->cq_head;
    unsigned ctail = __atomic_load_n(u->cq_tail, __ATOMIC_ACQUIRE);
    while (head != ctail) {
      struct io_uring_cqe *c = &u->cqes[head & *u->cq_mask];
      if (c->user_data < (uint64_t)keep) res[c->user_data] = c->res;
      head++;
      done++;
    }
    __atomic_store_n(u->cq_head, head, __ATOMIC_RELEASE);
  }
  return 0;
}

int uring_rw(struct uring *u, bool write, int fd, struct iovec *iov, bool two_iov, int n, bool link, int32_t *res) {
  if (n <= 0) return 0;
  if (n > URING_DEPTH) return -EINVAL;
  unsigned tail = *u->sq_tail; /* only this thread writes it */
  unsigned mask = *u->sq_mask;
  for (int i = 0; i < n; i++) {
    unsigned slot = (tail + (unsigned)i) & mask;
    struct io_uring_sqe *s = &u->sqes[slot];
    memset(s, 0, sizeof *s);
    s->opcode = write ? IORING_OP_WRITEV : IORING_OP_READV;
    s->fd = fd;
    s->addr = (uint64_t)(uintptr_t)(two_iov ? &iov[2 * i] : &iov[i]);
    s->len = two_iov ? 2 : 1;
    s->off = (uint64_t)-1; /* the file position, which a TUN does not have */
    /* RWF_NOWAIT: an empty queue answers -EAGAIN now. Without it io_uring treats the TUN (which
     * supports nowait I/O) as pollable and parks the read until a packet comes, O_NONBLOCK or not. */
    s->rw_flags = RWF_NOWAIT;
    s->user_data = (uint64_t)i;
    if (link && i + 1 < n) s->flags = IOSQE_IO_LINK;
    u->sq_array[slot] = slot;
    res[i] = -ECANCELED;
  }
  __atomic_store_n(u->sq_tail, tail + (unsigned)n, __ATOMIC_RELEASE);
  return submit_wait(u, n, res, n);
}

int uring_read_wait(struct uring *u, int fd, struct iovec *iov, bool two_iov, int timeout_ms, int32_t *res) {
  struct __kernel_timespec ts = {.tv_sec = timeout_ms / 1000, .tv_nsec = (long long)(timeout_ms % 1000) * 1000000};
  unsigned tail = *u->sq_tail;
  unsigned mask = *u->sq_mask;
  int n = timeout_ms >= 0 ? 2 : 1;
  struct io_uring_sqe *s = &u->sqes[tail & mask];
  memset(s, 0, sizeof *s);
  s->opcode = IORING_OP_READV;
  s->fd = fd;
  s->addr = (uint64_t)(uintptr_t)iov;
  s->len = two_iov ? 2 : 1;
  s->off = (uint64_t)-1;
  s->user_data = 0;
  if (n == 2) s->flags = IOSQE_IO_LINK;
  u->sq_array[tail & mask] = tail & mask;
  if (n == 2) {
    struct io_uring_sqe *t = &u->sqes[(tail + 1) & mask];
    memset(t, 0, sizeof *t);
    t->opcode = IORING_OP_LINK_TIMEOUT;
    t->fd = -1;
    t->addr = (uint64_t)(uintptr_t)&ts;
    t->len = 1;
    t->user_data = 1;
    u->sq_array[(tail + 1) & mask] = (tail + 1) & mask;
  }
  __atomic_store_n(u->sq_tail, tail + (unsigned)n, __ATOMIC_RELEASE);
  *res = -ECANCELED;
  return submit_wait(u, n, res, 1); /* the timeout's own completion (user_data 1) is only waited for */
}
