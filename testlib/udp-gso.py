#!/usr/bin/env python3
"""UDP GSO (UDP_SEGMENT, Linux 4.18+) sender for the daemon's end-to-end tests.

usage: udp-gso.py DST PORT SIZE PER_SEND SENDS [GAP_SECONDS]

Sends SENDS buffers of PER_SEND datagrams of SIZE octets each, every buffer in one send() with
UDP_SEGMENT=SIZE (the kernel hands the TUN one USO super-packet when the device takes USO), to a
`traffic.js udp-echo` at DST:PORT, then collects the echoes for up to 5 seconds. Datagram i holds
its index in 4 octets followed by a pattern derived from it, so a cut in the wrong place, a mixed
up or a corrupted datagram shows. Prints one JSON line: sent, received, bad (wrong length or
content), duplicates. GAP_SECONDS (default 0.02) is the pause between two sends.
"""
import json
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
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_UDP, UDP_SEGMENT, size)
    s.connect((dst, port))
    s.settimeout(0.5)
    total = per * sends
    for b in range(sends):
        s.send(b''.join(datagram(b * per + k, size) for k in range(per)))
        if gap > 0:
            time.sleep(gap)
    got, bad, dup = set(), 0, 0
    deadline = time.time() + 5
    while len(got) < total and time.time() < deadline:
        try:
            m = s.recv(65535)
        except socket.timeout:
            continue
        if len(m) != size:
            bad += 1
            continue
        i = struct.unpack('!I', m[:4])[0]
        if i >= total or m != datagram(i, size):
            bad += 1
        elif i in got:
            dup += 1
        else:
            got.add(i)
    print(json.dumps({'sent': total, 'received': len(got), 'bad': bad, 'duplicates': dup}))

if __name__ == '__main__':
    main()
