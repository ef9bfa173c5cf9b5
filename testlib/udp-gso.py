#!/usr/bin/env python3
"""UDP GSO (UDP_SEGMENT, Linux 4.18+) sender for the daemon's end-to-end tests.

usage: udp-gso.py DST PORT SIZE PER_SEND SENDS [GAP_SECONDS [FLOWS]]

Sends SENDS buffers of PER_SEND datagrams of SIZE octets each, every buffer in one send() with
UDP_SEGMENT=SIZE (the kernel hands the TUN one USO super-packet when the device takes USO), to a
`traffic.js udp-echo` at DST:PORT, then collects the echoes for up to 5 seconds. Datagram i holds
its index in 4 octets followed by a pattern derived from it, so a cut in the wrong place, a mixed
up or a corrupted datagram shows. Prints one JSON line: sent, received, bad (wrong length or
content), duplicates, reordered. GAP_SECONDS (default 0.02) is the pause between two sends.

FLOWS (default 1) sockets, each its own flow (source port), take the sends in turn: send b goes
out of socket b % FLOWS, so the flows interleave in the translator's queue. Each socket gets its
own echoes back; reordered counts echoes that came back on a socket after one sent later on it.
"""
import json
import select
import socket
import struct
import sys
import time

UDP_SEGMENT = 103  # linux/udp.h

def datagram(i: int, size: int) -> bytes:
    head = struct.pack('!I', i)
    body = bytes(((i * 31 + k) & 0xFF) for k in range(size - 4))
    return head + body

def main() -> None:
    dst, port, size, per, sends = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    gap = float(sys.argv[6]) if len(sys.argv) > 6 else 0.02
    flows = int(sys.argv[7]) if len(sys.argv) > 7 else 1
    socks = []
    for _ in range(flows):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_UDP, UDP_SEGMENT, size)
        s.connect((dst, port))
        s.setblocking(False)
        socks.append(s)
    total = per * sends
    for b in range(sends):
        socks[b % flows].send(b''.join(datagram(b * per + k, size) for k in range(per)))
        if gap > 0:
            time.sleep(gap)
    got, bad, dup, reordered = set(), 0, 0, 0
    last = [-1] * flows
    deadline = time.time() + 5
    while len(got) < total and time.time() < deadline:
        ready, _, _ = select.select(socks, [], [], 0.5)
        for s in ready:
            f = socks.index(s)
            while True:
                try:
                    m = s.recv(65535)
                except BlockingIOError:
                    break
                if len(m) != size:
                    bad += 1
                    continue
                i = struct.unpack('!I', m[:4])[0]
                if i >= total or m != datagram(i, size):
                    bad += 1
                    continue
                if i in got:
                    dup += 1
                    continue
                got.add(i)
                if i < last[f]:
                    reordered += 1
                last[f] = max(last[f], i)
    print(json.dumps({'sent': total, 'received': len(got), 'bad': bad, 'duplicates': dup, 'reordered': reordered}))

if __name__ == '__main__':
    main()
