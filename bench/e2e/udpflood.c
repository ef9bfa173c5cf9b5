/*
 * udpflood: the UDP packet-rate generator of the end-to-end bench (bench/e2e/run.sh).
 *
 *   udpflood send IFNAME GW_MAC SRC_IP DST_IP PORT SECONDS PAYLOAD_LEN [BATCH]
 *
 * Builds one Ethernet frame: IPv4 SRC_IP -> DST_IP (DF set, TTL 64, header checksum), UDP from
 * port 40000 to PORT with PAYLOAD_LEN octets and a valid checksum, from IFNAME's MAC address to
 * GW_MAC (the next hop's, aa:bb:cc:dd:ee:ff). Writes it on an AF_PACKET socket with
 * PACKET_QDISC_BYPASS, BATCH (default 64) messages per sendmmsg(2), for SECONDS of wall time.
 * "64-octet packets" in the bench are 64-octet IPv4 packets: PAYLOAD_LEN 36 = 64 - 20 - 8.
 *
 * It prints one JSON line on stdout when done:
 *   {"mode":"send","packets":N,"bytes":N,"errors":N,"seconds":S,"pps":R,"payload":36,"batch":64}
 * packets the driver took (sendmmsg's count), bytes their UDP payload, errors = failed calls
 * (ENOBUFS when the veth's peer queue is full, EAGAIN after the 100 ms send timeout), seconds from
 * the first call to the last return.
 *
 * Why a packet socket: the bench runs the generator and the kernel's forwarding of what it sends
 * on core 1 and the translator alone on core 0, and core 1 must not run out before the translator.
 * What the translator host receives is what a UDP socket would send, but the frame goes straight
 * to the veth's driver, without the client's UDP and IP output (socket accounting, routing,
 * neighbour lookup, netfilter, qdisc) per packet: with TAYGA on this 2-core machine a UDP socket
 * with sendmmsg offered 179-191 kpps, this 265-279 kpps, where TAYGA forwards about 145. iperf3
 * -u (one sendto(2) per packet) did worse. The packets are counted and dropped at the server's
 * veth by an nftables rule (run.sh), not read by a sink on core 1. trafgen pins its process i to
 * CPU i whatever taskset says, which puts it on the translator's core; this program pins nothing,
 * run.sh runs it under `taskset -c 1`.
 *
 * Needs CAP_NET_RAW. No dependency beyond libc: `cc -O2 -o udpflood udpflood.c`.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define MAX_BATCH 1024
/* One Ethernet frame on a 1500-octet link: 1500 - 20 (IPv4) - 8 (UDP). */
#define MAX_PAYLOAD 1472
#define ETH_LEN 14
#define IP_LEN 20
#define UDP_LEN 8
#define SRC_PORT 40000

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
  fprintf(stderr, "usage: udpflood send IFNAME GW_MAC SRC_IP DST_IP PORT SECONDS PAYLOAD_LEN [BATCH]\n");
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

static void ipv4(const char *s, struct in_addr *a) {
  if (inet_pton(AF_INET, s, a) != 1) {
    fprintf(stderr, "udpflood: expected an IPv4 address, got '%s'\n", s);
    usage();
  }
}

static void mac(const char *s, unsigned char out[6]) {
  unsigned b[6];
  char tail;
  if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &tail) != 6) {
    fprintf(stderr, "udpflood: expected a MAC address aa:bb:cc:dd:ee:ff, got '%s'\n", s);
    usage();
  }
  for (int i = 0; i < 6; i++) out[i] = (unsigned char)b[i];
}

/* RFC 1071: the one's complement sum of p[0, n) added to `sum`, not folded. */
static uint32_t sum16(const unsigned char *p, size_t n, uint32_t sum) {
  for (size_t i = 0; i + 1 < n; i += 2) sum += (uint32_t)p[i] << 8 | p[i + 1];
  if (n & 1) sum += (uint32_t)p[n - 1] << 8;
  return sum;
}

static uint16_t fold(uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return (uint16_t)~sum;
}

static void put16(unsigned char *p, unsigned v) {
  p[0] = (unsigned char)(v >> 8);
  p[1] = (unsigned char)v;
}

static int flood(const char *ifname, const unsigned char gw[6], struct in_addr src, struct in_addr dst, int port,
                 double seconds, int payload, int batch) {
  int fd = socket(AF_PACKET, SOCK_RAW, 0); /* protocol 0: this socket receives nothing */
  if (fd < 0) die("socket(AF_PACKET)");
  int one = 1;
  if (setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one) < 0) die("setsockopt PACKET_QDISC_BYPASS");
  struct timeval tv = {.tv_sec = 0, .tv_usec = 100000}; /* a blocked call returns in time to see the deadline */
  if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) < 0) die("setsockopt SO_SNDTIMEO");
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  if (strlen(ifname) >= IFNAMSIZ) {
    fprintf(stderr, "udpflood: interface name too long: '%s'\n", ifname);
    return 2;
  }
  strcpy(ifr.ifr_name, ifname);
  if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) die(ifname);
  struct sockaddr_ll to;
  memset(&to, 0, sizeof to);
  to.sll_family = AF_PACKET;
  to.sll_protocol = htons(ETH_P_IP);
  to.sll_ifindex = (int)if_nametoindex(ifname);
  to.sll_halen = 6;
  memcpy(to.sll_addr, gw, 6);

  static unsigned char frame[ETH_LEN + IP_LEN + UDP_LEN + MAX_PAYLOAD];
  const int udp_len = UDP_LEN + payload;
  const int ip_len = IP_LEN + udp_len;
  unsigned char *eth = frame, *ip = frame + ETH_LEN, *udp = ip + IP_LEN;
  memcpy(eth, gw, 6);
  memcpy(eth + 6, ifr.ifr_hwaddr.sa_data, 6);
  put16(eth + 12, ETH_P_IP);
  ip[0] = 0x45;                 /* version 4, 20-octet header */
  put16(ip + 2, (unsigned)ip_len);
  put16(ip + 6, 0x4000);        /* DF, as a UDP socket with path MTU discovery sends */
  ip[8] = 64;                   /* TTL */
  ip[9] = IPPROTO_UDP;
  memcpy(ip + 12, &src, 4);
  memcpy(ip + 16, &dst, 4);
  put16(ip + 10, fold(sum16(ip, IP_LEN, 0)));
  put16(udp, SRC_PORT);
  put16(udp + 2, (unsigned)port);
  put16(udp + 4, (unsigned)udp_len);
  for (int i = 0; i < payload; i++) udp[UDP_LEN + i] = (unsigned char)(i * 7 + 1);
  /* Pseudo-header (addresses, protocol, length), then the datagram with its checksum field 0. */
  uint16_t c = fold(sum16(udp, (size_t)udp_len, sum16(ip + 12, 8, IPPROTO_UDP + (uint32_t)udp_len)));
  put16(udp + 6, c == 0 ? 0xffff : c); /* 0 means "no checksum" in IPv4 (RFC 768) */

  static struct iovec iov[MAX_BATCH];
  static struct mmsghdr msgs[MAX_BATCH];
  for (int i = 0; i < batch; i++) {
    iov[i].iov_base = frame;
    iov[i].iov_len = (size_t)(ETH_LEN + ip_len);
    msgs[i].msg_hdr.msg_name = &to;
    msgs[i].msg_hdr.msg_namelen = sizeof to;
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
      // The peer's queue is full (ENOBUFS) or the timeout passed: count it and go on.
      if (errno != ENOBUFS && errno != EAGAIN && errno != EINTR) die("sendmmsg");
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
  if (argc >= 2 && strcmp(argv[1], "send") == 0 && (argc == 9 || argc == 10)) {
    unsigned char gw[6];
    struct in_addr src, dst;
    mac(argv[3], gw);
    ipv4(argv[4], &src);
    ipv4(argv[5], &dst);
    int batch = argc == 10 ? (int)number(argv[9], 1, MAX_BATCH) : 64;
    return flood(argv[2], gw, src, dst, (int)number(argv[6], 1, 65535), (double)number(argv[7], 1, 86400),
                 (int)number(argv[8], 0, MAX_PAYLOAD), batch);
  }
  usage();
  return 2;
}
