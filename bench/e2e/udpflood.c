/*
 * udpflood: the UDP packet-rate generator of the end-to-end bench (bench/e2e/run.sh).
 *
 *   udpflood send DST_IP PORT SECONDS PAYLOAD_LEN [BATCH]
 *
 * send: one connected UDP socket (IPv4 or IPv6, by DST_IP), BATCH (default 64) messages per
 * sendmmsg(2), all pointing at one payload, for SECONDS of wall time. "64-octet packets" in the
 * bench are 64-octet IPv4 packets: PAYLOAD_LEN 36 = 64 - 20 (IPv4) - 8 (UDP).
 *
 * It prints one JSON line on stdout when done:
 *   {"mode":"send","packets":N,"bytes":N,"errors":N,"seconds":S,"pps":R,"payload":36,"batch":64}
 * packets the kernel accepted (sendmmsg's count), errors = failed calls (ENOBUFS, EAGAIN after the
 * 100 ms send timeout), seconds from the first call to the last return.
 *
 * Why: the bench runs the generator and the kernel's forwarding of what it sends on core 1 and
 * the translator alone on core 0, and core 1 must not run out first. iperf3 -u (one sendto(2) per
 * packet) did: core 1 at 100 % while core 0 still had room. The packets are counted and dropped
 * at the server's veth by an nftables rule (run.sh), not read by a sink: a recvmmsg sink and the
 * server's receive work on core 1 held the generator below what TAYGA forwards. trafgen pins its
 * process i to CPU i whatever taskset says, which puts it on the translator's core; this program
 * pins nothing, run.sh runs it under `taskset -c 1`.
 *
 * No dependency beyond libc: `cc -O2 -o udpflood udpflood.c`.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define MAX_BATCH 1024
#define MAX_PAYLOAD 65507

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what) {
  fprintf(stderr, "udpflood: %s: %s\n", what, strerror(errno));
  exit(1);
}

static void usage(void) {
  fprintf(stderr,
          "usage: udpflood send DST_IP PORT SECONDS PAYLOAD_LEN [BATCH]\n");
  exit(2);
}

/* A whole decimal number in [lo, hi], or usage(). */
static long number(const char *s, long lo, long hi) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi) {
    fprintf(stderr, "udpflood: expected a number in %ld..%ld, got '%s'\n", lo, hi, s);
    usage();
  }
  return v;
}

/* 100 ms: a blocked call returns in time to see the deadline. */
static void set_timeout(int fd, int opt) {
  struct timeval tv = {.tv_sec = 0, .tv_usec = 100000};
  if (setsockopt(fd, SOL_SOCKET, opt, &tv, sizeof tv) < 0) die("setsockopt timeout");
}

static int flood(const char *dst, int port, double seconds, int payload, int batch) {
  struct sockaddr_storage ss;
  socklen_t sl;
  memset(&ss, 0, sizeof ss);
  struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
  struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
  if (inet_pton(AF_INET, dst, &a4->sin_addr) == 1) {
    a4->sin_family = AF_INET;
    a4->sin_port = htons((uint16_t)port);
    sl = sizeof *a4;
  } else if (inet_pton(AF_INET6, dst, &a6->sin6_addr) == 1) {
    a6->sin6_family = AF_INET6;
    a6->sin6_port = htons((uint16_t)port);
    sl = sizeof *a6;
  } else {
    fprintf(stderr, "udpflood: expected an IPv4 or IPv6 address, got '%s'\n", dst);
    return 2;
  }
  int fd = socket(ss.ss_family, SOCK_DGRAM, 0);
  if (fd < 0) die("socket");
  if (connect(fd, (struct sockaddr *)&ss, sl) < 0) die("connect");
  set_timeout(fd, SO_SNDTIMEO);

  static unsigned char buf[MAX_PAYLOAD];
  for (int i = 0; i < payload; i++) buf[i] = (unsigned char)(i * 7 + 1);
  static struct iovec iov[MAX_BATCH];
  static struct mmsghdr msgs[MAX_BATCH];
  for (int i = 0; i < batch; i++) {
    iov[i].iov_base = buf;
    iov[i].iov_len = (size_t)payload;
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
  }

  uint64_t packets = 0, errors = 0;
  double t0 = now(), t1 = t0;
  const double end = t0 + seconds;
  while (t1 < end) {
    int n = sendmmsg(fd, msgs, (unsigned)batch, 0);
    if (n > 0) {
      packets += (uint64_t)n;
    } else if (n < 0) {
      // The queue is full (ENOBUFS) or the timeout passed: count it and go on.
      if (errno != ENOBUFS && errno != EAGAIN && errno != EINTR && errno != ECONNREFUSED) die("sendmmsg");
      errors++;
    }
    t1 = now();
  }
  close(fd);
  double s = t1 - t0;
  printf("{\"mode\":\"send\",\"packets\":%llu,\"bytes\":%llu,\"errors\":%llu,\"seconds\":%.6f,\"pps\":%.0f,\"payload\":%d,\"batch\":%d}\n",
         (unsigned long long)packets, (unsigned long long)(packets * (uint64_t)payload), (unsigned long long)errors, s,
         s > 0 ? (double)packets / s : 0.0, payload, batch);
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 2 && strcmp(argv[1], "send") == 0 && (argc == 6 || argc == 7)) {
    int batch = argc == 7 ? (int)number(argv[6], 1, MAX_BATCH) : 64;
    return flood(argv[2], (int)number(argv[3], 1, 65535), (double)number(argv[4], 1, 86400),
                 (int)number(argv[5], 0, MAX_PAYLOAD), batch);
  }
  usage();
  return 2;
}
