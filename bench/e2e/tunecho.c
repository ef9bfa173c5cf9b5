/*
 * tunecho: the "plain C echo" of the end-to-end bench (bench/e2e/run.sh). It translates nothing:
 * it reads each packet from a TUN and writes the same bytes straight back into the same TUN, one
 * read(2) and one write(2) per packet, poll(2) when the queue is empty. With the bench's policy
 * routing (everything arriving from either veth goes into the TUN, what comes out of the TUN is
 * routed normally) that forwards IPv4 between the client and the IPv4 server through user space,
 * and gives the ceiling a translator on the same TUN cannot beat.
 *
 *   tunecho [--offload] DEVICE
 *
 * Without --offload: IFF_TUN | IFF_NO_PI, so every read is one IP packet of at most the MTU (the
 * kernel segments TCP before the TUN). With --offload: IFF_VNET_HDR too, TUNSETVNETHDRSZ 10
 * (struct virtio_net_hdr, no num_buffers) and TUNSETOFFLOAD TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 |
 * TUN_F_USO4 | TUN_F_USO6, retried without the two USO flags when the kernel says EINVAL (before
 * 6.2). The kernel then hands over TCP super-packets of up to 64 KiB behind the 10-octet header,
 * and the header written back with the packet, unchanged, asks it to segment and checksum them on
 * the way out. Reads are up to 64 KiB + 10 octets.
 *
 * DEVICE may exist (persistent, e.g. `ip tuntap add mode tun name nat64`) or not (then it lives
 * while this process has it open). The process stays on whatever CPU taskset gives it.
 *
 * On stderr once set up: "tunecho: ready DEVICE offload=0|1 uso=0|1". On SIGTERM or SIGINT it
 * prints one JSON line on stdout and exits 0:
 *   {"mode":"echo","offload":1,"uso":1,"reads":N,"bytes":N,"writeErrors":N,"polls":N,
 *    "maxRead":N,"superReads":N}
 * bytes as read (virtio header included), polls = times the queue was empty, maxRead the largest
 * read, superReads the reads longer than 1500 octets + header, i.e. GSO super-packets: with
 * --offload and TCP they show whether the forwarding path kept them whole up to the TUN.
 *
 * No dependency beyond libc and the kernel headers: `cc -O2 -o tunecho tunecho.c`.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* Linux 6.2 added UDP segmentation offload to TUN; older headers do not name the flags. */
#ifndef TUN_F_USO4
#define TUN_F_USO4 0x20
#endif
#ifndef TUN_F_USO6
#define TUN_F_USO6 0x40
#endif

#define VNET_HDR_LEN ((int)sizeof(struct virtio_net_hdr)) /* 10 */
#define BUF_LEN (65536 + VNET_HDR_LEN)

static volatile sig_atomic_t stop;

static void on_signal(int sig) {
  (void)sig;
  stop = 1;
}

static void die(const char *what, const char *dev) {
  fprintf(stderr, "tunecho: %s %s: %s\n", what, dev, strerror(errno));
  exit(1);
}

int main(int argc, char **argv) {
  int offload = 0;
  const char *dev = NULL;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--offload") == 0) offload = 1;
    else if (!dev && argv[i][0] != '-') dev = argv[i];
    else {
      dev = NULL; /* an unknown option or a second device: usage */
      break;
    }
  }
  if (!dev || strlen(dev) >= IFNAMSIZ) {
    fprintf(stderr, "usage: tunecho [--offload] DEVICE\n");
    return 2;
  }

  int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
  if (fd < 0) die("open /dev/net/tun for", dev);
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  strncpy(ifr.ifr_name, dev, IFNAMSIZ - 1);
  ifr.ifr_flags = IFF_TUN | IFF_NO_PI | (offload ? IFF_VNET_HDR : 0);
  if (ioctl(fd, TUNSETIFF, &ifr) < 0) die("TUNSETIFF", dev);

  int uso = 0;
  if (offload) {
    int hdr = VNET_HDR_LEN;
    if (ioctl(fd, TUNSETVNETHDRSZ, &hdr) < 0) die("TUNSETVNETHDRSZ", dev);
    unsigned long base = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6;
    if (ioctl(fd, TUNSETOFFLOAD, base | TUN_F_USO4 | TUN_F_USO6) == 0) {
      uso = 1;
    } else if (errno == EINVAL) {
      if (ioctl(fd, TUNSETOFFLOAD, base) < 0) die("TUNSETOFFLOAD", dev);
    } else {
      die("TUNSETOFFLOAD", dev);
    }
  }
  if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0) die("O_NONBLOCK on", dev);

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal; /* no SA_RESTART: a sleeping poll returns EINTR */
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);

  static unsigned char buf[BUF_LEN];
  const long super = 1500 + (offload ? VNET_HDR_LEN : 0);
  unsigned long long reads = 0, bytes = 0, write_errors = 0, polls = 0, super_reads = 0;
  long max_read = 0;
  fprintf(stderr, "tunecho: ready %s offload=%d uso=%d\n", dev, offload, uso);

  while (!stop) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EAGAIN) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        polls++;
        if (poll(&p, 1, -1) < 0 && errno != EINTR) die("poll", dev);
        continue;
      }
      if (errno == EINTR) continue;
      die("read", dev);
    }
    reads++;
    bytes += (unsigned long long)n;
    if (n > max_read) max_read = n;
    if (n > super) super_reads++;
    /* A packet the kernel refuses (or a full transmit queue downstream) is dropped, as a
       translator would drop it; the count says whether that happened. */
    if (write(fd, buf, (size_t)n) != n) write_errors++;
  }
  printf("{\"mode\":\"echo\",\"offload\":%d,\"uso\":%d,\"reads\":%llu,\"bytes\":%llu,\"writeErrors\":%llu,"
         "\"polls\":%llu,\"maxRead\":%ld,\"superReads\":%llu}\n",
         offload, uso, reads, bytes, write_errors, polls, max_read, super_reads);
  return 0;
}
