/*
 * xlat464 native-tun: Linux TUN devices for Node, as an N-API addon in plain C.
 *
 * C does the system calls; JavaScript owns every buffer. Packets are read into and written from
 * Uint8Arrays the caller passes (views into a WebAssembly.Memory work), so nothing here allocates
 * per packet. Interfaces: linux/if_tun.h (TUNSETIFF, TUNSETPERSIST, TUNSETOWNER, TUNSETGROUP,
 * TUNGETIFF, TUNSETVNETHDRSZ, TUNSETVNETLE, TUNSETOFFLOAD) and netdevice(7)
 * (SIOCSIFMTU, SIOCGIFMTU, SIOCGIFFLAGS, SIOCSIFFLAGS).
 *
 * Errors are thrown as Error objects whose `code` is the errno name (EPERM, EBUSY, ...) and whose
 * message names the call and the device: "TUNSETIFF xlat-blue: EBUSY (Device or resource busy)".
 * Argument mistakes throw TypeError/RangeError with an ERR_INVALID_ARG_* code.
 *
 * The module is context-aware (NAPI_MODULE_INIT) and keeps no state, so every worker thread may
 * load it and drive its own queue of a multi-queue device.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <node_api.h>

#include "uring.h"

/* How long writeBatch waits for the queue to drain when the kernel says EAGAIN. */
#define WRITE_STALL_MS 10

#define CHECK(call)                                                                                \
  do {                                                                                             \
    if ((call) != napi_ok) return NULL;                                                            \
  } while (0)

static const char *errno_name(int err) {
  const char *name = strerrorname_np(err);
  return name != NULL ? name : "EUNKNOWN";
}

/* Throws Error("<call> <dev>: <ECODE> (<strerror>)") with .code = ECODE and .errno = err. */
static napi_value throw_errno(napi_env env, const char *call, const char *dev, int err) {
  char msg[160];
  snprintf(msg, sizeof msg, "%s %s: %s (%s)", call, dev, errno_name(err), strerror(err));
  napi_value code, message, error, num;
  if (napi_create_string_utf8(env, errno_name(err), NAPI_AUTO_LENGTH, &code) == napi_ok &&
      napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &message) == napi_ok &&
      napi_create_error(env, code, message, &error) == napi_ok) {
    if (napi_create_int32(env, err, &num) == napi_ok) napi_set_named_property(env, error, "errno", num);
    napi_value sc;
    if (napi_create_string_utf8(env, call, NAPI_AUTO_LENGTH, &sc) == napi_ok) napi_set_named_property(env, error, "syscall", sc);
    napi_throw(env, error);
  }
  return NULL;
}

static napi_value throw_arg(napi_env env, const char *msg) {
  napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", msg);
  return NULL;
}

static napi_value throw_range(napi_env env, const char *msg) {
  napi_throw_range_error(env, "ERR_INVALID_ARG_VALUE", msg);
  return NULL;
}

/* The interface name behind a TUN fd, for error messages on read/write paths. */
static void fd_name(int fd, char out[IFNAMSIZ + 8]) {
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  if (ioctl(fd, TUNGETIFF, &ifr) == 0) {
    memcpy(out, ifr.ifr_name, IFNAMSIZ);
    out[IFNAMSIZ - 1] = '\0';
  } else {
    snprintf(out, IFNAMSIZ + 8, "fd %d", fd);
  }
}

/* At least `want` arguments into argv; with `cap` > want, the optional ones after them are
 * filled in (undefined when absent). */
static bool get_args_opt(napi_env env, napi_callback_info info, size_t want, size_t cap, napi_value *argv) {
  size_t argc = cap;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return false;
  if (argc < want) {
    napi_throw_type_error(env, "ERR_MISSING_ARGS", "native-tun: missing arguments");
    return false;
  }
  return true;
}

static bool get_args(napi_env env, napi_callback_info info, size_t want, napi_value *argv) {
  return get_args_opt(env, info, want, want, argv);
}

static bool get_i32(napi_env env, napi_value v, int32_t *out, const char *what) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok || t != napi_number || napi_get_value_int32(env, v, out) != napi_ok) {
    char msg[96];
    snprintf(msg, sizeof msg, "native-tun: %s must be a number", what);
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", msg);
    return false;
  }
  return true;
}

/* Copies a JS string interface name into ifr_name; names of IFNAMSIZ or more bytes are EINVAL. */
static bool get_ifname(napi_env env, napi_value v, const char *call, char out[IFNAMSIZ]) {
  char buf[64];
  size_t len = 0;
  if (napi_get_value_string_utf8(env, v, buf, sizeof buf, &len) != napi_ok) {
    throw_arg(env, "native-tun: the device name must be a string");
    return false;
  }
  if (len >= IFNAMSIZ) {
    /* The kernel would silently truncate with strncpy; refuse instead, naming what we got. */
    throw_errno(env, call, buf, EINVAL);
    return false;
  }
  memset(out, 0, IFNAMSIZ);
  memcpy(out, buf, len);
  return true;
}

/* A Uint8Array's bytes. N-API's data pointer already includes the view's byteOffset. */
static bool get_u8(napi_env env, napi_value v, uint8_t **data, size_t *len) {
  bool is;
  napi_typedarray_type type;
  napi_value ab;
  size_t off;
  void *p;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is ||
      napi_get_typedarray_info(env, v, &type, len, &p, &ab, &off) != napi_ok || type != napi_uint8_array) {
    throw_arg(env, "native-tun: each packet buffer must be a Uint8Array");
    return false;
  }
  *data = p;
  return true;
}

static bool get_i32s(napi_env env, napi_value v, int32_t **data, size_t *len, const char *what) {
  bool is;
  napi_typedarray_type type;
  napi_value ab;
  size_t off;
  void *p;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is ||
      napi_get_typedarray_info(env, v, &type, len, &p, &ab, &off) != napi_ok || type != napi_int32_array) {
    char msg[96];
    snprintf(msg, sizeof msg, "native-tun: %s must be an Int32Array", what);
    throw_arg(env, msg);
    return false;
  }
  *data = p;
  return true;
}

static int ctl_socket(void) { return socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0); }

/* Octets of struct virtio_net_hdr (linux/virtio_net.h) in front of every packet with vnetHdr. */
#define VNET_HDR_LEN 10

static bool get_flag(napi_env env, napi_value obj, const char *key, bool *out) {
  bool has;
  napi_value v;
  *out = false;
  if (napi_has_named_property(env, obj, key, &has) != napi_ok) return false;
  if (!has) return true;
  return napi_get_named_property(env, obj, key, &v) == napi_ok && napi_coerce_to_bool(env, v, &v) == napi_ok &&
         napi_get_value_bool(env, v, out) == napi_ok;
}

/* open(name, { multiQueue, vnetHdr }) -> { fd, name }
 * vnetHdr: IFF_VNET_HDR with a 10-octet little-endian struct virtio_net_hdr before each packet,
 * both ways (TUNSETVNETHDRSZ, TUNSETVNETLE). Offloads are switched with setOffload. */
static napi_value tun_open(napi_env env, napi_callback_info info) {
  napi_value argv[2], res, v;
  if (!get_args(env, info, 2, argv)) return NULL;
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  if (!get_ifname(env, argv[0], "TUNSETIFF", ifr.ifr_name)) return NULL;
  bool multi = false, vnet = false;
  napi_valuetype t;
  CHECK(napi_typeof(env, argv[1], &t));
  if (t == napi_object) {
    if (!get_flag(env, argv[1], "multiQueue", &multi) || !get_flag(env, argv[1], "vnetHdr", &vnet)) return NULL;
  }
  ifr.ifr_flags = IFF_TUN | IFF_NO_PI | (multi ? IFF_MULTI_QUEUE : 0) | (vnet ? IFF_VNET_HDR : 0);

  int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return throw_errno(env, "open /dev/net/tun for", ifr.ifr_name, errno);
  if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
    int err = errno;
    char name[IFNAMSIZ];
    memcpy(name, ifr.ifr_name, IFNAMSIZ);
    close(fd);
    return throw_errno(env, "TUNSETIFF", name[0] ? name : "(any)", err);
  }
  if (vnet) {
    int sz = VNET_HDR_LEN, le = 1;
    if (ioctl(fd, TUNSETVNETHDRSZ, &sz) < 0) {
      int err = errno;
      close(fd);
      return throw_errno(env, "TUNSETVNETHDRSZ", ifr.ifr_name, err);
    }
    /* Little-endian fields whatever the host; kernels without the ioctl are little-endian hosts' default. */
    if (ioctl(fd, TUNSETVNETLE, &le) < 0 && errno != EINVAL && errno != ENOTTY) {
      int err = errno;
      close(fd);
      return throw_errno(env, "TUNSETVNETLE", ifr.ifr_name, err);
    }
  }
  CHECK(napi_create_object(env, &res));
  CHECK(napi_create_int32(env, fd, &v));
  CHECK(napi_set_named_property(env, res, "fd", v));
  CHECK(napi_create_string_utf8(env, ifr.ifr_name, strnlen(ifr.ifr_name, IFNAMSIZ), &v));
  CHECK(napi_set_named_property(env, res, "name", v));
  return res;
}

/* setOffload(fd, flags): TUNSETOFFLOAD with TUN_F_* bits (0 switches every offload off). */
static napi_value tun_set_offload(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (!get_args(env, info, 2, argv)) return NULL;
  int32_t fd, flags;
  if (!get_i32(env, argv[0], &fd, "fd") || !get_i32(env, argv[1], &flags, "flags")) return NULL;
  if (ioctl(fd, TUNSETOFFLOAD, (unsigned long)(uint32_t)flags) < 0) {
    int err = errno;
    char name[IFNAMSIZ + 8];
    fd_name(fd, name);
    return throw_errno(env, "TUNSETOFFLOAD", name, err);
  }
  return NULL;
}

/*
 * Per-thread state (napi instance data: every worker thread has its own env): the io_uring ring,
 * made on first use, with its iovec and result arrays, and how many reads the next batch submits.
 */
struct env_state {
  struct uring *ring;
  int ring_errno; /* why the ring could not be made, once tried */
  int32_t want;
  /* The last batch filled what it asked for, or its blocking read did not wait: more is queued. */
  bool busy;
  /* The same for read(2) batches: the last one got packets without sleeping (see read_core). */
  bool plain_busy;
  struct iovec iov[2 * URING_DEPTH];
  int32_t res[URING_DEPTH];
};

static void free_state(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  struct env_state *st = data;
  uring_free(st->ring);
  free(st);
}

static struct env_state *env_state(napi_env env) {
  void *data = NULL;
  if (napi_get_instance_data(env, &data) == napi_ok && data != NULL) return data;
  struct env_state *st = calloc(1, sizeof *st);
  if (st == NULL) return NULL;
  st->want = 8;
  if (napi_set_instance_data(env, st, free_state, NULL) != napi_ok) {
    free(st);
    return NULL;
  }
  return st;
}

/* The calling thread's ring, or NULL (st->ring_errno says why). */
static struct uring *ring_of(struct env_state *st) {
  if (st->ring == NULL && st->ring_errno == 0) {
    st->ring = uring_new();
    if (st->ring == NULL) st->ring_errno = errno ? errno : ENOSYS;
  }
  return st->ring;
}

/* uringProbe() -> null when io_uring works on this thread, else the errno name (ENOSYS, EPERM...). */
static napi_value tun_uring_probe(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value res;
  struct env_state *st = env_state(env);
  if (st == NULL) {
    CHECK(napi_create_string_utf8(env, "ENOMEM", NAPI_AUTO_LENGTH, &res));
    return res;
  }
  if (ring_of(st) != NULL) {
    CHECK(napi_get_null(env, &res));
    return res;
  }
  CHECK(napi_create_string_utf8(env, errno_name(st->ring_errno), NAPI_AUTO_LENGTH, &res));
  return res;
}

/* Optional trailing Uint8Array of virtio_net_hdr slots: argv[i] undefined -> NULL. */
static bool get_hdrs(napi_env env, napi_value v, uint8_t **data, size_t *len) {
  napi_valuetype t;
  *data = NULL;
  *len = 0;
  if (napi_typeof(env, v, &t) != napi_ok) return false;
  if (t == napi_undefined || t == napi_null) return true;
  return get_u8(env, v, data, len);
}

/* setPersist(fd, on) */
static napi_value tun_set_persist(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (!get_args(env, info, 2, argv)) return NULL;
  int32_t fd;
  bool on;
  if (!get_i32(env, argv[0], &fd, "fd")) return NULL;
  napi_value b;
  CHECK(napi_coerce_to_bool(env, argv[1], &b));
  CHECK(napi_get_value_bool(env, b, &on));
  if (ioctl(fd, TUNSETPERSIST, on ? 1 : 0) < 0) {
    int err = errno;
    char name[IFNAMSIZ + 8];
    fd_name(fd, name);
    return throw_errno(env, "TUNSETPERSIST", name, err);
  }
  return NULL;
}

/* A uid or gid argument: an integer in [0, 2^32 - 2]; (uid_t)-1 is the kernel's "no owner". */
static bool get_id(napi_env env, napi_value v, uint32_t *out, const char *what) {
  napi_valuetype t;
  double d;
  if (napi_typeof(env, v, &t) != napi_ok || t != napi_number || napi_get_value_double(env, v, &d) != napi_ok) {
    char msg[96];
    snprintf(msg, sizeof msg, "native-tun: %s must be a number", what);
    throw_arg(env, msg);
    return false;
  }
  if (!(d >= 0 && d <= 4294967294.0) || d != (double)(uint32_t)d) {
    char msg[112];
    snprintf(msg, sizeof msg, "native-tun: %s must be an integer from 0 to 4294967294, got %g", what, d);
    throw_range(env, msg);
    return false;
  }
  *out = (uint32_t)d;
  return true;
}

/*
 * setOwner(fd, uid) and setGroup(fd, gid): TUNSETOWNER / TUNSETGROUP. A persistent device owned by
 * a uid (or a gid) can be attached with TUNSETIFF by a process of that uid (or in that group)
 * without CAP_NET_ADMIN (tun_capable() in drivers/net/tun.c), so a daemon that dropped root can
 * reattach after a restart.
 */
static napi_value set_id(napi_env env, napi_callback_info info, unsigned long req, const char *call, const char *what) {
  napi_value argv[2];
  if (!get_args(env, info, 2, argv)) return NULL;
  int32_t fd;
  uint32_t id;
  if (!get_i32(env, argv[0], &fd, "fd") || !get_id(env, argv[1], &id, what)) return NULL;
  if (ioctl(fd, req, (unsigned long)id) < 0) {
    int err = errno;
    char name[IFNAMSIZ + 8];
    fd_name(fd, name);
    return throw_errno(env, call, name, err);
  }
  return NULL;
}

static napi_value tun_set_owner(napi_env env, napi_callback_info info) {
  return set_id(env, info, TUNSETOWNER, "TUNSETOWNER", "uid");
}

static napi_value tun_set_group(napi_env env, napi_callback_info info) {
  return set_id(env, info, TUNSETGROUP, "TUNSETGROUP", "gid");
}

/* Runs one SIOC* ioctl on ifr through a throwaway AF_INET socket. Returns errno or 0. */
static int if_ioctl(unsigned long req, struct ifreq *ifr) {
  int s = ctl_socket();
  if (s < 0) return errno;
  int rc = ioctl(s, req, ifr);
  int err = rc < 0 ? errno : 0;
  close(s);
  return err;
}

/* setMtu(name, mtu) */
static napi_value tun_set_mtu(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (!get_args(env, info, 2, argv)) return NULL;
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  if (!get_ifname(env, argv[0], "SIOCSIFMTU", ifr.ifr_name)) return NULL;
  int32_t mtu;
  if (!get_i32(env, argv[1], &mtu, "mtu")) return NULL;
  ifr.ifr_mtu = mtu;
  int err = if_ioctl(SIOCSIFMTU, &ifr);
  return err ? throw_errno(env, "SIOCSIFMTU", ifr.ifr_name, err) : NULL;
}

/* getMtu(name) -> mtu */
static napi_value tun_get_mtu(napi_env env, napi_callback_info info) {
  napi_value argv[1], res;
  if (!get_args(env, info, 1, argv)) return NULL;
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  if (!get_ifname(env, argv[0], "SIOCGIFMTU", ifr.ifr_name)) return NULL;
  int err = if_ioctl(SIOCGIFMTU, &ifr);
  if (err) return throw_errno(env, "SIOCGIFMTU", ifr.ifr_name, err);
  CHECK(napi_create_int32(env, ifr.ifr_mtu, &res));
  return res;
}

/* setUp(name): IFF_UP (and IFF_RUNNING) on top of the current flags. An interface already up is
 * left alone: SIOCSIFFLAGS needs CAP_NET_ADMIN, and its unprivileged owner reattaching must not fail. */
static napi_value tun_set_up(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!get_args(env, info, 1, argv)) return NULL;
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  if (!get_ifname(env, argv[0], "SIOCGIFFLAGS", ifr.ifr_name)) return NULL;
  int err = if_ioctl(SIOCGIFFLAGS, &ifr);
  if (err) return throw_errno(env, "SIOCGIFFLAGS", ifr.ifr_name, err);
  if (ifr.ifr_flags & IFF_UP) return NULL;
  ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
  err = if_ioctl(SIOCSIFFLAGS, &ifr);
  return err ? throw_errno(env, "SIOCSIFFLAGS", ifr.ifr_name, err) : NULL;
}

/* close(fd) */
static napi_value tun_close(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!get_args(env, info, 1, argv)) return NULL;
  int32_t fd;
  if (!get_i32(env, argv[0], &fd, "fd")) return NULL;
  /* Linux releases the fd even when close() reports EINTR; never retry. */
  if (close(fd) < 0 && errno != EINTR) {
    char name[IFNAMSIZ + 8];
    snprintf(name, sizeof name, "fd %d", fd);
    return throw_errno(env, "close", name, errno);
  }
  return NULL;
}

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* poll() for `events` up to timeout_ms (negative: forever), retrying EINTR with the time left.
 * Returns 1 when ready, 0 on timeout, -errno on error. */
static int wait_fd(int fd, short events, int timeout_ms) {
  int64_t deadline = timeout_ms >= 0 ? now_ms() + timeout_ms : -1;
  for (;;) {
    struct pollfd p = {.fd = fd, .events = events, .revents = 0};
    int left = timeout_ms;
    if (deadline >= 0) {
      int64_t d = deadline - now_ms();
      left = d > 0 ? (int)d : 0;
    }
    int rc = poll(&p, 1, left);
    if (rc > 0) return 1;
    if (rc == 0) return 0;
    if (errno != EINTR) return -errno;
  }
}

/*
 * A wait for readability that lasted longer than this found an empty queue: the packet it woke
 * for most likely came alone (request/response traffic), so it is handed back at once instead of
 * paying one more read() that can only say EAGAIN before the packet is translated and written.
 * A busy queue never makes poll sleep, so batching under load is untouched.
 */
#define SLEPT_NS 20000

static int64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* Longest busy poll readBatch takes, microseconds (10 ms: past that, sleeping costs nothing worth saving). */
#define SPIN_MAX_US 10000

/*
 * Busy poll: look at the fd (poll with timeout 0) until it is readable or `spin_ns` have passed
 * since `t0`, without sleeping. A thread that sleeps in poll() pays, for each packet that wakes it,
 * the scheduler's wake-up and, on an idle core, the way out of the idle state (in a virtual
 * machine a HLT exit and an IPI through the hypervisor): several microseconds per packet of
 * request/response traffic. Spinning trades that for CPU time. Returns 1 when readable, 0 when
 * the time passed, -errno on error.
 */
static int spin_fd(int fd, int64_t t0, int64_t spin_ns) {
  for (;;) {
    struct pollfd p = {.fd = fd, .events = POLLIN, .revents = 0};
    int rc = poll(&p, 1, 0);
    if (rc > 0) return 1;
    if (rc < 0 && errno != EINTR) return -errno;
    if (now_ns() - t0 >= spin_ns) return 0;
  }
}

/*
 * The busy poll before a wait of timeout_ms (negative: forever, 0: none): spin_us, at most the
 * timeout. Returns 1 when the fd became readable, 0 when it did not (*left_ms is then what is
 * left of the timeout for poll()), -errno on error.
 */
static int spin_before_wait(int fd, int64_t t0, int32_t spin_us, int32_t timeout_ms, int32_t *left_ms) {
  *left_ms = timeout_ms;
  if (spin_us <= 0 || timeout_ms == 0) return 0;
  int64_t spin_ns = (int64_t)spin_us * 1000;
  if (timeout_ms > 0 && spin_ns > (int64_t)timeout_ms * 1000000) spin_ns = (int64_t)timeout_ms * 1000000;
  int w = spin_fd(fd, t0, spin_ns);
  if (w == 0 && timeout_ms > 0) {
    int64_t left = timeout_ms - (now_ns() - t0) / 1000000;
    *left_ms = left > 0 ? (int32_t)left : 0;
  }
  return w;
}

/*
 * Where a batch's packet buffers are.
 * - Array form (readBatch, writeBatch): bufs[i], one Uint8Array per packet, looked up per packet
 *   (napi_get_element and napi_get_typedarray_info each time).
 * - Arena form (readArena, writeArena): one Uint8Array `mem` (a worker's whole WebAssembly.Memory)
 *   and an Int32Array of offsets, looked up once per call, so a packet costs no N-API call at all.
 *   Reads: buffer i is mem[at[i] .. at[i] + slot_len). Writes: offsets are absolute in mem, so
 *   buffer i is all of mem (at NULL) and offs[i] + lens[i] is checked against its end.
 */
struct bufs {
  napi_value arr; /* array form, else NULL */
  uint8_t *mem;
  size_t mem_len;
  const int32_t *at;
  int32_t slot_len;
};

/* Buffer i of b, bounds-checked. Throws (and returns false) on a bad element or offset. */
static bool buf_at(napi_env env, const struct bufs *b, int32_t i, uint8_t **data, size_t *len) {
  if (b->arr != NULL) {
    napi_value v;
    if (napi_get_element(env, b->arr, (uint32_t)i, &v) != napi_ok) return false;
    return get_u8(env, v, data, len);
  }
  if (b->at == NULL) {
    *data = b->mem;
    *len = b->mem_len;
    return true;
  }
  int32_t at = b->at[i];
  if (at < 0 || (size_t)at + (size_t)b->slot_len > b->mem_len) {
    throw_range(env, "native-tun: slots[i] + slotLen must lie inside mem");
    return false;
  }
  *data = b->mem + at;
  *len = (size_t)b->slot_len;
  return true;
}

/* iov entries for slot i of bufs (header and packet with hdrs, else the packet). */
static bool slot_iov(napi_env env, const struct bufs *bufs, int32_t i, int32_t headroom, uint8_t *hdrs, struct iovec *iov) {
  uint8_t *data;
  size_t len;
  if (!buf_at(env, bufs, i, &data, &len)) return false;
  if ((size_t)headroom >= len) {
    throw_range(env, "native-tun: headroom leaves no room in a buffer");
    return false;
  }
  if (hdrs != NULL) {
    iov[0] = (struct iovec){hdrs + (size_t)i * VNET_HDR_LEN, VNET_HDR_LEN};
    iov[1] = (struct iovec){data + headroom, len - (size_t)headroom};
  } else {
    iov[0] = (struct iovec){data + headroom, len - (size_t)headroom};
  }
  return true;
}

/*
 * readBatchUring. Busy (the last batch filled, or its wait did not sleep): one io_uring_enter of
 * RWF_NOWAIT reads, as many as adapt says (an empty queue answers -EAGAIN at once; a packet that
 * slips in after such an answer lands in a later slot and leaves size 0, a hole, before it). Idle,
 * or a busy batch that found nothing: one read that waits in the ring (linked to a timeout), so a
 * lone packet costs one system call to read, not poll + read.
 */
static napi_value read_uring(napi_env env, const struct bufs *bufs, struct env_state *st, struct uring *ring, int fd, int32_t *sizes,
                             int32_t headroom, int32_t max, int32_t timeout, uint8_t *hdrs, int32_t spin_us) {
  napi_value res;
  int32_t count = 0;
  char name[IFNAMSIZ + 8];
  if (!st->busy && spin_us > 0 && timeout != 0) {
    /* Busy poll first; what it finds is read as a busy batch, nothing sends it to the ring's wait. */
    int w = spin_before_wait(fd, now_ns(), spin_us, timeout, &timeout);
    if (w < 0) {
      fd_name(fd, name);
      return throw_errno(env, "poll", name, -w);
    }
    if (w > 0) st->busy = true;
    else if (timeout == 0) {
      CHECK(napi_create_int32(env, 0, &res));
      return res;
    }
  }
  if (st->busy || timeout == 0) {
    int32_t n = st->want < max ? st->want : max;
    if (n > URING_DEPTH) n = URING_DEPTH;
    for (int32_t i = 0; i < n; i++)
      if (!slot_iov(env, bufs, i, headroom, hdrs, hdrs != NULL ? &st->iov[2 * i] : &st->iov[i])) return NULL;
    int rc = uring_rw(ring, false, fd, st->iov, hdrs != NULL, n, false, st->res);
    if (rc < 0) {
      fd_name(fd, name);
      return throw_errno(env, "io_uring_enter", name, -rc);
    }
    int32_t got = 0, err = 0;
    for (int32_t i = 0; i < n; i++) {
      int32_t r = st->res[i];
      if (r > 0 && (hdrs == NULL || r >= VNET_HDR_LEN)) {
        sizes[i] = hdrs != NULL ? r - VNET_HDR_LEN : r;
        count = i + 1;
        got++;
      } else {
        sizes[i] = 0;
        if (r < 0 && r != -EAGAIN && err == 0) err = -r;
      }
    }
    if (count == 0 && err != 0) {
      fd_name(fd, name);
      return throw_errno(env, "read", name, err);
    }
    st->want = got == n ? (n * 2 < URING_DEPTH ? n * 2 : URING_DEPTH) : got + 4;
    st->busy = got == n;
    if (count > 0 || timeout == 0) {
      CHECK(napi_create_int32(env, count, &res));
      return res;
    }
  }
  if (!slot_iov(env, bufs, 0, headroom, hdrs, st->iov)) return NULL;
  int64_t t0 = now_ns();
  int32_t r;
  int rc = uring_read_wait(ring, fd, st->iov, hdrs != NULL, timeout, &r);
  if (rc < 0) {
    fd_name(fd, name);
    return throw_errno(env, "io_uring_enter", name, -rc);
  }
  if (r > 0 && (hdrs == NULL || r >= VNET_HDR_LEN)) {
    sizes[0] = hdrs != NULL ? r - VNET_HDR_LEN : r;
    count = 1;
    st->busy = now_ns() - t0 <= SLEPT_NS;
  } else if (r < 0 && r != -ECANCELED && r != -EAGAIN && r != -EINTR) {
    fd_name(fd, name);
    return throw_errno(env, "read", name, -r);
  }
  CHECK(napi_create_int32(env, count, &res));
  return res;
}

/*
 * Reads packets into buffers *count.. until EAGAIN or `limit`. Returns false (an exception is
 * pending) on a bad buffer, or on a read error before any packet was read; an error after some
 * packets ends the batch and the next call reports it.
 */
static bool read_until_empty(napi_env env, int fd, const struct bufs *bufs, int32_t *sizes, int32_t headroom, uint8_t *hdrs,
                             int32_t limit, int32_t *count) {
  while (*count < limit) {
    struct iovec iov[2];
    if (!slot_iov(env, bufs, *count, headroom, hdrs, iov)) return false;
    ssize_t n;
    if (hdrs != NULL) {
      n = readv(fd, iov, 2);
      if (n >= 0) n = n >= VNET_HDR_LEN ? n - VNET_HDR_LEN : 0;
    } else {
      n = read(fd, iov[0].iov_base, iov[0].iov_len);
    }
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || *count > 0) return true;
      int err = errno;
      char name[IFNAMSIZ + 8];
      fd_name(fd, name);
      throw_errno(env, "read", name, err);
      return false;
    }
    sizes[(*count)++] = (int32_t)n;
  }
  return true;
}

/*
 * The read loop both forms share, after their arguments were checked: waits (busy poll, then
 * poll()) for the fd, then reads packets into the buffers until EAGAIN or max (one after a wait
 * that slept, see SLEPT_NS).
 *
 * Under load the wait is skipped: when the thread's last read got packets without sleeping
 * (st->plain_busy), more have most likely come while they were translated and written, so this
 * call reads first and waits only when that read says EAGAIN. That saves a poll(2) per batch
 * while packets keep coming, and costs one EAGAIN read when the load stops. The hint is the
 * thread's, not the fd's: for another fd it costs at most that one read.
 */
static napi_value read_core(napi_env env, int fd, const struct bufs *bufs, int32_t *sizes, int32_t headroom, int32_t max,
                            int32_t timeout, uint8_t *hdrs, int32_t spin_us, bool uring) {
  napi_value res;
  int32_t count = 0;
  struct env_state *st = max > 0 ? env_state(env) : NULL;
  struct uring *ring = uring && st != NULL ? ring_of(st) : NULL;
  if (ring != NULL) return read_uring(env, bufs, st, ring, fd, sizes, headroom, max, timeout, hdrs, spin_us);
  if (max > 0) {
    int32_t limit = max;
    if (st != NULL && st->plain_busy) {
      if (!read_until_empty(env, fd, bufs, sizes, headroom, hdrs, limit, &count)) return NULL;
    }
    if (count == 0) {
      int64_t t0 = now_ns();
      int32_t left;
      int w = spin_before_wait(fd, t0, spin_us, timeout, &left);
      if (w == 0) w = wait_fd(fd, POLLIN, left);
      if (w < 0) {
        char name[IFNAMSIZ + 8];
        fd_name(fd, name);
        return throw_errno(env, "poll", name, -w);
      }
      if (now_ns() - t0 > SLEPT_NS) limit = 1;
      if (w > 0 && !read_until_empty(env, fd, bufs, sizes, headroom, hdrs, limit, &count)) return NULL;
    }
    if (st != NULL) st->plain_busy = count > 0 && limit == max;
  }
  CHECK(napi_create_int32(env, count, &res));
  return res;
}

/* The trailing [hdrs[, spinUs]] of both read forms, checked against max. */
static bool get_read_tail(napi_env env, napi_value vh, napi_value vs, int32_t max, uint8_t **hdrs, int32_t *spin_us) {
  size_t nhdrs;
  if (!get_hdrs(env, vh, hdrs, &nhdrs)) return false;
  if (*hdrs != NULL && nhdrs < (size_t)max * VNET_HDR_LEN) {
    throw_range(env, "native-tun: hdrs must hold 10 octets per packet");
    return false;
  }
  napi_valuetype t;
  *spin_us = 0;
  if (napi_typeof(env, vs, &t) != napi_ok) return false;
  if (t != napi_undefined && !get_i32(env, vs, spin_us, "spinUs")) return false;
  if (*spin_us < 0 || *spin_us > SPIN_MAX_US) {
    throw_range(env, "native-tun: spinUs must be 0-10000");
    return false;
  }
  return true;
}

/*
 * readBatch(fd, bufs, sizes, headroom, maxCount, timeoutMs[, hdrs[, spinUs]]) -> count
 * With hdrs (a device opened with vnetHdr; undefined for none): packet i's virtio_net_hdr goes to
 * hdrs[10*i .. 10*i+10) and the packet itself to bufs[i][headroom..], one readv(2) each; sizes[i]
 * excludes the header. With spinUs > 0 (at most SPIN_MAX_US) and a timeout, the wait starts with
 * a busy poll of up to spinUs microseconds (spin_fd) and sleeps in poll() only for what is left.
 * Waits up to timeoutMs for the fd to be readable (once), then reads packets into
 * bufs[i][headroom..] until EAGAIN or maxCount, setting sizes[i]; after a wait that slept (see
 * SLEPT_NS) it reads one. 0 means the timeout passed. An error after some packets were read
 * returns those; the next call reports it.
 */
static napi_value read_batch(napi_env env, napi_callback_info info, bool uring) {
  napi_value argv[8];
  if (!get_args_opt(env, info, 6, 8, argv)) return NULL;
  int32_t fd, headroom, max, timeout, spin_us;
  uint8_t *hdrs;
  int32_t *sizes;
  size_t nsizes;
  uint32_t nbufs;
  bool is_array;
  if (!get_i32(env, argv[0], &fd, "fd")) return NULL;
  CHECK(napi_is_array(env, argv[1], &is_array));
  if (!is_array) return throw_arg(env, "native-tun: bufs must be an array of Uint8Array");
  CHECK(napi_get_array_length(env, argv[1], &nbufs));
  if (!get_i32s(env, argv[2], &sizes, &nsizes, "sizes")) return NULL;
  if (!get_i32(env, argv[3], &headroom, "headroom") || !get_i32(env, argv[4], &max, "maxCount") ||
      !get_i32(env, argv[5], &timeout, "timeoutMs"))
    return NULL;
  if (headroom < 0) return throw_range(env, "native-tun: headroom must be >= 0");
  if (max < 0 || (uint32_t)max > nbufs || (size_t)max > nsizes)
    return throw_range(env, "native-tun: maxCount must be within bufs.length and sizes.length");
  if (!get_read_tail(env, argv[6], argv[7], max, &hdrs, &spin_us)) return NULL;
  struct bufs b = {.arr = argv[1]};
  return read_core(env, fd, &b, sizes, headroom, max, timeout, hdrs, spin_us, uring);
}

static napi_value tun_read_batch(napi_env env, napi_callback_info info) { return read_batch(env, info, false); }

/* readBatchUring: readBatch with one io_uring_enter per batch instead of a read(2) per packet;
 * sizes[i] may be 0 for a slot that got nothing (a hole) before a later one that did. */
static napi_value tun_read_batch_uring(napi_env env, napi_callback_info info) { return read_batch(env, info, true); }

/*
 * readArena(fd, mem, slots, slotLen, sizes, headroom, maxCount, timeoutMs[, hdrs[, spinUs]]) -> count
 * readBatch with the buffers in one Uint8Array: packet i goes to mem[slots[i] + headroom ..
 * slots[i] + slotLen). Same waits, reads and results.
 */
static napi_value read_arena(napi_env env, napi_callback_info info, bool uring) {
  napi_value argv[10];
  if (!get_args_opt(env, info, 8, 10, argv)) return NULL;
  int32_t fd, slot_len, headroom, max, timeout, spin_us;
  uint8_t *mem, *hdrs;
  size_t mem_len, nslots, nsizes;
  int32_t *slots, *sizes;
  if (!get_i32(env, argv[0], &fd, "fd") || !get_u8(env, argv[1], &mem, &mem_len) ||
      !get_i32s(env, argv[2], &slots, &nslots, "slots") || !get_i32(env, argv[3], &slot_len, "slotLen") ||
      !get_i32s(env, argv[4], &sizes, &nsizes, "sizes") || !get_i32(env, argv[5], &headroom, "headroom") ||
      !get_i32(env, argv[6], &max, "maxCount") || !get_i32(env, argv[7], &timeout, "timeoutMs"))
    return NULL;
  if (headroom < 0) return throw_range(env, "native-tun: headroom must be >= 0");
  if (slot_len <= 0) return throw_range(env, "native-tun: slotLen must be > 0");
  if (max < 0 || (size_t)max > nslots || (size_t)max > nsizes)
    return throw_range(env, "native-tun: maxCount must be within slots.length and sizes.length");
  if (!get_read_tail(env, argv[8], argv[9], max, &hdrs, &spin_us)) return NULL;
  /* Every slot checked now, so a bad one is refused whether or not a packet comes for it. */
  if (headroom >= slot_len) return throw_range(env, "native-tun: headroom leaves no room in a buffer");
  for (int32_t i = 0; i < max; i++)
    if (slots[i] < 0 || (size_t)slots[i] + (size_t)slot_len > mem_len)
      return throw_range(env, "native-tun: slots[i] + slotLen must lie inside mem");
  struct bufs b = {.arr = NULL, .mem = mem, .mem_len = mem_len, .at = slots, .slot_len = slot_len};
  return read_core(env, fd, &b, sizes, headroom, max, timeout, hdrs, spin_us, uring);
}

static napi_value tun_read_arena(napi_env env, napi_callback_info info) { return read_arena(env, info, false); }
static napi_value tun_read_arena_uring(napi_env env, napi_callback_info info) { return read_arena(env, info, true); }

/* iov entries for packet j of a write: buffer j's [offs[j], offs[j] + lens[j]), after its header with hdrs. */
static bool write_iov(napi_env env, const struct bufs *bufs, int32_t j, const int32_t *offs, const int32_t *lens, uint8_t *hdrs,
                      struct iovec *iov) {
  uint8_t *data;
  size_t len;
  if (!buf_at(env, bufs, j, &data, &len)) return false;
  if (offs[j] < 0 || lens[j] < 0 || (size_t)offs[j] + (size_t)lens[j] > len) {
    throw_range(env, "native-tun: offs[i] + lens[i] must lie inside bufs[i]");
    return false;
  }
  if (hdrs != NULL) {
    iov[0] = (struct iovec){hdrs + (size_t)j * VNET_HDR_LEN, VNET_HDR_LEN};
    iov[1] = (struct iovec){data + offs[j], (size_t)lens[j]};
  } else {
    iov[0] = (struct iovec){data + offs[j], (size_t)lens[j]};
  }
  return true;
}

/*
 * The write loop both forms share: packets [0, count) in order, through linked io_uring writevs
 * or one write(2)/writev(2) each. On EAGAIN waits up to WRITE_STALL_MS for room, then returns how
 * many went out. An error after some packets were written returns that count; the next call
 * (starting at the failed packet) reports it.
 */
static napi_value write_core(napi_env env, int fd, const struct bufs *bufs, const int32_t *offs, const int32_t *lens, int32_t count,
                             uint8_t *hdrs, bool uring) {
  napi_value res;
  int32_t i = 0;
  bool stalled = false;
  struct env_state *st = uring && count > 1 ? env_state(env) : NULL;
  struct uring *ring = st != NULL ? ring_of(st) : NULL;
  while (ring != NULL && i < count) {
    /* Linked writevs in one io_uring_enter: after a failure the rest are cancelled, so what went
     * out is a prefix, in order, as with write(2) one by one. */
    int32_t n = count - i < URING_DEPTH ? count - i : URING_DEPTH;
    for (int32_t k = 0; k < n; k++)
      if (!write_iov(env, bufs, i + k, offs, lens, hdrs, hdrs != NULL ? &st->iov[2 * k] : &st->iov[k])) return NULL;
    int rc = uring_rw(ring, true, fd, st->iov, hdrs != NULL, n, true, st->res);
    if (rc < 0) {
      char name[IFNAMSIZ + 8];
      fd_name(fd, name);
      return throw_errno(env, "io_uring_enter", name, -rc);
    }
    int32_t k = 0;
    while (k < n && st->res[k] >= 0) k++;
    i += k;
    if (k == n) {
      stalled = false;
      continue;
    }
    int err = -st->res[k];
    if (err == EINTR) continue;
    if (err == EAGAIN && !stalled) {
      stalled = true;
      if (wait_fd(fd, POLLOUT, WRITE_STALL_MS) > 0) continue;
      break;
    }
    if (err == EAGAIN || i > 0) break;
    char name[IFNAMSIZ + 8];
    fd_name(fd, name);
    return throw_errno(env, "write", name, err);
  }
  if (ring != NULL) {
    CHECK(napi_create_int32(env, i, &res));
    return res;
  }
  while (i < count) {
    struct iovec iov[2];
    if (!write_iov(env, bufs, i, offs, lens, hdrs, iov)) return NULL;
    ssize_t n = hdrs != NULL ? writev(fd, iov, 2) : write(fd, iov[0].iov_base, iov[0].iov_len);
    if (n >= 0) {
      i++;
      stalled = false;
      continue;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN && !stalled) {
      stalled = true;
      int w = wait_fd(fd, POLLOUT, WRITE_STALL_MS);
      if (w > 0) continue;
      break;
    }
    if (errno == EAGAIN || i > 0) break;
    int err = errno;
    char name[IFNAMSIZ + 8];
    fd_name(fd, name);
    return throw_errno(env, "write", name, err);
  }
  CHECK(napi_create_int32(env, i, &res));
  return res;
}

/*
 * writeBatch(fd, bufs, offs, lens, count[, hdrs]) -> written
 * writeArena(fd, mem, offs, lens, count[, hdrs]) -> written (offs absolute in mem)
 * Writes bufs[i][offs[i] .. offs[i]+lens[i]) (mem[...] for writeArena) as one packet each; with
 * hdrs, each packet is preceded by hdrs[10*i .. 10*i+10) in one writev(2). See write_core.
 */
static napi_value write_batch(napi_env env, napi_callback_info info, bool arena, bool uring) {
  napi_value argv[6];
  if (!get_args_opt(env, info, 5, 6, argv)) return NULL;
  int32_t fd, count;
  uint8_t *hdrs;
  size_t nhdrs;
  int32_t *offs, *lens;
  size_t noffs, nlens;
  struct bufs b = {.arr = NULL};
  size_t nbufs = SIZE_MAX;
  if (!get_i32(env, argv[0], &fd, "fd")) return NULL;
  if (arena) {
    if (!get_u8(env, argv[1], &b.mem, &b.mem_len)) return NULL;
  } else {
    bool is_array;
    uint32_t n;
    CHECK(napi_is_array(env, argv[1], &is_array));
    if (!is_array) return throw_arg(env, "native-tun: bufs must be an array of Uint8Array");
    CHECK(napi_get_array_length(env, argv[1], &n));
    nbufs = n;
    b.arr = argv[1];
  }
  if (!get_i32s(env, argv[2], &offs, &noffs, "offs") || !get_i32s(env, argv[3], &lens, &nlens, "lens") ||
      !get_i32(env, argv[4], &count, "count"))
    return NULL;
  if (count < 0 || (size_t)count > nbufs || (size_t)count > noffs || (size_t)count > nlens)
    return throw_range(env, "native-tun: count must be within bufs, offs and lens");
  if (!get_hdrs(env, argv[5], &hdrs, &nhdrs)) return NULL;
  if (hdrs != NULL && nhdrs < (size_t)count * VNET_HDR_LEN)
    return throw_range(env, "native-tun: hdrs must hold 10 octets per packet");
  /* The arena's packets all checked before the first goes out: a bad offset never leaves a batch half written. */
  for (int32_t j = 0; arena && j < count; j++)
    if (offs[j] < 0 || lens[j] < 0 || (size_t)offs[j] + (size_t)lens[j] > b.mem_len)
      return throw_range(env, "native-tun: offs[i] + lens[i] must lie inside mem");
  return write_core(env, fd, &b, offs, lens, count, hdrs, uring);
}

static napi_value tun_write_batch(napi_env env, napi_callback_info info) { return write_batch(env, info, false, false); }

/* writeBatchUring: writeBatch with one io_uring_enter per batch (linked writevs). */
static napi_value tun_write_batch_uring(napi_env env, napi_callback_info info) { return write_batch(env, info, false, true); }
static napi_value tun_write_arena(napi_env env, napi_callback_info info) { return write_batch(env, info, true, false); }
static napi_value tun_write_arena_uring(napi_env env, napi_callback_info info) { return write_batch(env, info, true, true); }

NAPI_MODULE_INIT() {
  static const struct {
    const char *name;
    napi_callback cb;
  } fns[] = {
      {"open", tun_open},         {"setPersist", tun_set_persist}, {"setMtu", tun_set_mtu},
      {"getMtu", tun_get_mtu},    {"setUp", tun_set_up},           {"close", tun_close},
      {"readBatch", tun_read_batch}, {"writeBatch", tun_write_batch},
      {"setOwner", tun_set_owner},   {"setGroup", tun_set_group},   {"setOffload", tun_set_offload},
      {"readBatchUring", tun_read_batch_uring}, {"writeBatchUring", tun_write_batch_uring},
      {"uringProbe", tun_uring_probe},
      {"readArena", tun_read_arena},     {"readArenaUring", tun_read_arena_uring},
      {"writeArena", tun_write_arena},   {"writeArenaUring", tun_write_arena_uring},
  };
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
    napi_value fn;
    if (napi_create_function(env, fns[i].name, NAPI_AUTO_LENGTH, fns[i].cb, NULL, &fn) != napi_ok ||
        napi_set_named_property(env, exports, fns[i].name, fn) != napi_ok)
      return NULL;
  }
  return exports;
}
