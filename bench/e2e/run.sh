#!/usr/bin/env bash
# End-to-end benchmark: xlat464 against TAYGA and against a plain C TUN echo, same namespaces,
# same TUN, the user-space process pinned to core 0 and every traffic tool to core 1.
#
# Variants (--only takes any of them, comma-separated; the default runs them all, interleaved):
#   tayga               TAYGA, single-prefix stateless translation (RFC 6052 /96 for both
#                       addresses, RFC 7915), taskset -c 0.
#   xlat464             `xlat464 run`, the same translation, io: { offload: false, queues: 1 },
#                       taskset -c 0.
#   xlat464-offload     io: { offload: true, queues: 1 }: IFF_VNET_HDR + TUNSETOFFLOAD, GSO
#                       super-packets translated whole; taskset -c 0.
#   xlat464-uring       io: { offload: false, queues: 1, uring: true }: each batch of reads and
#                       each batch of writes in one io_uring_enter instead of a call per packet
#   xlat464-offload-uring  io: { offload: true, queues: 1, uring: true }
#   xlat464-offload-2w  io: { offload: true, queues: 2 }: two IFF_MULTI_QUEUE queues, two worker
#                       threads; taskset -c 0,1, so its second worker shares core 1 with the tools.
#   xlat464-poll        io: { offload: false, queues: 1, busyPoll: 50 }: the worker looks at its
#                       empty queue for 50 µs before it sleeps, so a packet that comes alone does
#                       not wait for a wake-up; costs CPU (the latency test's CPU row shows how much).
#   xlat464-offload-poll  io: { offload: true, queues: 1, busyPoll: 50 }
#   echo                bench/e2e/tunecho.c: reads each packet from the TUN and writes it straight
#                       back, one read(2) and one write(2) per packet. No translation: the ceiling
#                       for user-space forwarding through one TUN on one core. taskset -c 0.
#   echo-offload        tunecho --offload: IFF_VNET_HDR, 10-octet virtio_net_hdr, TUNSETOFFLOAD
#                       CSUM/TSO4/TSO6 (+USO4/USO6 when the kernel has them); reads of up to
#                       64 KiB + 10 written back unchanged. taskset -c 0.
# The xlat464 variants create their TUN themselves (in the mode their io: settings need, multi-queue
# for queues > 1); tayga and the echoes get one made with `ip tuntap add` before they start. The
# device is deleted after each variant's run.
#
# Packet rate: bench/e2e/udpflood.c, compiled here with cc -O2, sends 64-octet IPv4 packets
# (36-octet UDP payload, valid checksums) from the IPv4 client on core 1 (taskset; the program
# pins nothing itself, unlike trafgen, which put itself on core 0) for the test's duration, the
# translator alone on core 0. The frames go on a packet socket straight to the client's veth,
# 64 per sendmmsg(2): the translator host gets what a UDP socket would send, but core 1 does not
# pay the client's UDP and IP output for each. The server does not receive them: an nftables
# rule at the ingress of its veth counts and drops them (table netdev xb_sink), so core 1 does
# not pay the server's IP and UDP receive or a sink's reads either. Datagrams are counted from
# the rule's packets P and octets B, exact because every datagram carries the same 36 octets:
# (B - P * headers) / 36, which counts each datagram of a UDP GSO super-packet (one packet at the
# veth) once. The generator so offers more than TAYGA forwards, and the excess is dropped at the
# TUN queue (udpTunDrops). iperf3 -u (one sendto per packet) could not, nor a UDP socket with
# sendmmsg and a recvmmsg sink on core 1 (what udpflood was until 6 December 2026): core 1 ran out.
#
#   usage: sudo bash bench/e2e/run.sh [--runs N] [--quick] [--out DIR] [--only NAME[,NAME...]]
#
# Translators (tayga, xlat464*): IPv4 client to the IPv6 server.
#
#   xb-v4  eth0 10.0.0.1/24 (MTU 1480)                  xb-v6  eth0 fd00:6::2/64
#          |                                                   fd00:64::a00:101/128
#          |  to4 10.0.0.254/24   xb-xlat   to6 fd00:6::1/64   |   (= 10.0.1.1 embedded)
#          +------------------ nat64 (ONE TUN, MTU 1500) -------+
#                 TAYGA or `xlat464 run`, taskset -c 0 (-2w: 0,1)
#
# IPv4 10.0.0.1 -> 10.0.1.1 becomes IPv6 fd00:64::a00:1 -> fd00:64::a00:101 and back. The IPv4
# side has MTU 1480 so a full-size IPv4 packet is a full-size 1500-octet IPv6 packet: no PMTUD
# and no fragmentation in either translator.
#
# Echoes (echo, echo-offload): the same IPv4 client to an IPv4 server, both directions through
# the echo on the same TUN.
#
#   xb-v4  eth0 10.0.0.1/24 (MTU 1480)                  xb-v4s eth0 10.0.1.1/24 (MTU 1480)
#          |                                                   |
#          |  to4 10.0.0.254/24   xb-xlat   to4s 10.0.1.254/24 |
#          +-----------+                      +----------------+
#                      |  ip rule iif to4 / iif to4s -> table 100: default dev nat64
#                      v                      ^  (iif nat64: main table, to the right veth)
#                    nat64 (TUN, MTU 1500) -- tunecho [--offload], taskset -c 0
#
# Every packet from either veth goes into the TUN, the echo writes it back, and the kernel
# forwards what comes out of the TUN with the main table: the echo sees exactly the packets a
# translator sees, in both directions, but writes them back untranslated. 10.0.1.1 is the IPv4
# server only while an echo runs (the translators route 10.0.1.1/32 into the TUN instead).
#
# Needs root, a built tree (npm ci) and Debian/Ubuntu apt for the tools it installs when missing.
# Prints a markdown table; writes results.json and the raw tool outputs under --out.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
RUNS=3
QUICK=0
OUT=/tmp/xlat464-e2e-bench
ONLY=""
VARIANTS=(tayga xlat464 xlat464-uring xlat464-poll xlat464-offload xlat464-offload-uring xlat464-offload-poll xlat464-offload-2w echo echo-offload)
usage() { echo "usage: $0 [--runs N] [--quick] [--out DIR] [--only NAME[,NAME...]] (names: ${VARIANTS[*]})" >&2; exit 2; }
while [[ $# -gt 0 ]]; do
  case $1 in
    --runs) RUNS=$2; shift 2 ;;
    --quick) QUICK=1; shift ;;
    --out) OUT=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;;
    *) usage ;;
  esac
done
[[ $RUNS =~ ^[1-9][0-9]?$ ]] || { echo "run.sh: --runs expects 1-99, got '$RUNS'" >&2; exit 2; }
order=("${VARIANTS[@]}")
if [[ -n $ONLY ]]; then
  IFS=, read -ra order <<<"$ONLY"
  for name in "${order[@]}"; do
    [[ " ${VARIANTS[*]} " == *" $name "* ]] || { echo "run.sh: --only: unknown variant '$name'" >&2; usage; }
  done
fi
[[ $(id -u) == 0 ]] || { echo "run.sh: needs root (namespaces, veths, TUN)" >&2; exit 1; }
[[ -f $ROOT/dist/src/cli/main.js && -f $ROOT/dist/bench/e2e/report.js ]] || { echo "run.sh: build first (npm ci)" >&2; exit 1; }
(( $(nproc) >= 2 )) || { echo "run.sh: needs 2 cores (translator on 0, tools on 1)" >&2; exit 1; }

if (( QUICK )); then DUR=3; LAT=2; else DUR=10; LAT=5; fi

need=()
command -v tayga >/dev/null || need+=(tayga)
command -v iperf3 >/dev/null || need+=(iperf3)
command -v qperf >/dev/null || need+=(qperf)
command -v cc >/dev/null || need+=(gcc)
command -v ping >/dev/null || need+=(iputils-ping)
command -v nft >/dev/null || need+=(nftables)
if (( ${#need[@]} )); then
  DEBIAN_FRONTEND=noninteractive apt-get install -y "${need[@]}" >/dev/null
fi

NS4=xb-v4
NSX=xb-xlat
NS6=xb-v6
NS4S=xb-v4s                   # the IPv4 server of the echo runs
TUN=nat64
PREFIX=fd00:64::/96
V4_CLIENT=10.0.0.1
V4_GW=10.0.0.254
V4_SERVER=10.0.1.1            # the IPv6 server as IPv4 sees it
V6_SERVER=fd00:64::a00:101    # 10.0.1.1 under the prefix
V6_GW=fd00:6::1
V6_LINK=fd00:6::2
V4S_GW=10.0.1.254             # the translator host on the IPv4 server's link (echo runs)
ECHO_TABLE=100                # policy routing table of the echo runs: everything into the TUN
XLAT_V4=192.0.0.1             # both translators' own addresses (ICMP error sources)
XLAT_V6=fd00:ffff::1
CPU_XLAT=0
CPU_TOOLS=1
UDP_PORT=5202                 # the UDP flood's destination port
UDP_PAYLOAD=36                # 64-octet IPv4 packets: 20 IPv4 + 8 UDP + 36
TCK=$(getconf CLK_TCK)

rm -rf "$OUT"
mkdir -p "$OUT/raw"
RESULTS=$OUT/runs.jsonl
: >"$RESULTS"
UDPFLOOD=$OUT/udpflood
cc -O2 -Wall -Wextra -o "$UDPFLOOD" "$ROOT/bench/e2e/udpflood.c"
TUNECHO=$OUT/tunecho
cc -O2 -Wall -Wextra -o "$TUNECHO" "$ROOT/bench/e2e/tunecho.c"

XPID=""
SRV=$NS6
cleanup() {
  local -   # set +e for this function only: topology() calls it, and the script goes on with -e
  set +e
  [[ -n $XPID ]] && kill "$XPID" 2>/dev/null && wait "$XPID" 2>/dev/null
  for ns in $NS4 $NSX $NS6 $NS4S; do
    local pids
    pids=$(ip netns pids "$ns" 2>/dev/null)
    [[ -n $pids ]] && kill $pids 2>/dev/null
  done
  sleep 0.3
  for ns in $NS4 $NSX $NS6 $NS4S; do
    pids=$(ip netns pids "$ns" 2>/dev/null)
    [[ -n $pids ]] && kill -9 $pids 2>/dev/null
    ip -n "$ns" link del "$TUN" 2>/dev/null
    ip netns del "$ns" 2>/dev/null
  done
  return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

in4() { ip netns exec $NS4 "$@"; }
inx() { ip netns exec $NSX "$@"; }
tools() { taskset -c $CPU_TOOLS "$@"; }

topology() {
  cleanup
  for ns in $NS4 $NSX $NS6 $NS4S; do ip netns add $ns; ip -n $ns link set lo up; done
  ip -n $NS4 link add eth0 type veth peer name to4 netns $NSX
  ip -n $NS6 link add eth0 type veth peer name to6 netns $NSX
  ip -n $NS4S link add eth0 type veth peer name to4s netns $NSX
  # addr_gen_mode 1 (none) by default: a TUN a translator creates itself gets no link-local
  # address either, so the kernel sends nothing of its own (router solicitations) into it.
  inx sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
    net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 net.ipv6.conf.default.addr_gen_mode=1
  ip -n $NS4 link set eth0 mtu 1480 up
  ip -n $NSX link set to4 mtu 1480 up
  ip -n $NS4 addr add $V4_CLIENT/24 dev eth0
  ip -n $NSX addr add $V4_GW/24 dev to4
  ip -n $NS4 route add default via $V4_GW
  ip -n $NS6 link set eth0 up
  ip -n $NSX link set to6 up
  ip -n $NS6 addr add $V6_LINK/64 dev eth0 nodad
  ip -n $NS6 addr add $V6_SERVER/128 dev eth0 nodad
  ip -n $NSX addr add $V6_GW/64 dev to6 nodad
  ip -n $NS6 route add default via $V6_GW
  inx ip -6 route add $V6_SERVER/128 via $V6_LINK dev to6
  # The echo runs' IPv4 server: the same MTU as the client. Its connected route in the translator
  # host is less specific than the translators' 10.0.1.1/32 into the TUN.
  ip -n $NS4S link set eth0 mtu 1480 up
  ip -n $NSX link set to4s mtu 1480 up
  ip -n $NS4S addr add $V4_SERVER/24 dev eth0
  ip -n $NSX addr add $V4S_GW/24 dev to4s
  ip -n $NS4S route add default via $V4S_GW
  # Receive processing of every veth runs on the tools' core (RPS), so core 0 carries the
  # translator and the kernel work of its own TUN reads and writes, for every variant.
  for pair in "$NS4 eth0" "$NSX to4" "$NSX to6" "$NS6 eth0" "$NS4S eth0" "$NSX to4s"; do
    set -- $pair
    ip netns exec "$1" sh -c "echo 2 > /sys/class/net/$2/queues/rx-0/rps_cpus" 2>/dev/null || true
  done
  # The UDP flood's sink on both servers (udp_flood): count and drop at the veth's ingress.
  for ns in $NS6 $NS4S; do
    ip netns exec $ns nft -f - <<NFT
table netdev xb_sink {
  counter udp6 { }
  counter udp4 { }
  chain in {
    type filter hook ingress device eth0 priority 0; policy accept;
    ip6 nexthdr udp udp dport $UDP_PORT counter name udp6 drop
    ip protocol udp udp dport $UDP_PORT counter name udp4 drop
  }
}
NFT
  done
  # The UDP flood's frames go to the translator host's MAC on the client's link.
  GW_MAC=$(ip netns exec $NSX cat /sys/class/net/to4/address)
  # Neighbours resolved once, so the first measured packets do not wait for ARP/ND.
  in4 ping -c1 -W1 $V4_GW >/dev/null
  inx ping -c1 -W1 $V6_LINK >/dev/null
  inx ping -c1 -W1 $V4_SERVER >/dev/null
}

kind() { # kind NAME -> tayga | xlat464 | echo
  case $1 in tayga) echo tayga ;; xlat464*) echo xlat464 ;; echo*) echo echo ;; esac
}

tun_create() { # a fresh persistent TUN made by ip, for TAYGA and the echoes
  inx ip tuntap add mode tun name $TUN
  inx ip link set $TUN mtu 1500 up
}

tun_routes() { # tun_routes KIND: the routes into the TUN, once it exists
  inx ip link set $TUN mtu 1500 up
  if [[ $1 == echo ]]; then
    # Everything that arrives from either veth goes into the TUN; what the echo writes back
    # arrives with iif nat64, matches neither rule and takes the main table to the other veth.
    inx ip route add default dev $TUN table $ECHO_TABLE
    inx ip rule add iif to4 table $ECHO_TABLE pref 100
    inx ip rule add iif to4s table $ECHO_TABLE pref 101
  else
    inx ip route add $V4_SERVER/32 dev $TUN
    inx ip route add $XLAT_V4/32 dev $TUN
    inx ip -6 route add $PREFIX dev $TUN
    inx ip -6 route add $XLAT_V6/128 dev $TUN
  fi
}
tun_down() {
  inx ip rule del pref 100 2>/dev/null || true
  inx ip rule del pref 101 2>/dev/null || true
  inx ip link del $TUN 2>/dev/null || true
}

wait_log() { # wait_log FILE PATTERN WHAT: up to 10 s for PATTERN in FILE, else fail
  local i
  for i in $(seq 100); do
    grep -q "$2" "$1" && return 0
    kill -0 "$XPID" 2>/dev/null || break   # exited (e.g. refused its configuration)
    sleep 0.1
  done
  cat "$1" >&2
  echo "run.sh: $3 not ready" >&2
  exit 1
}

xlat464_io() { # the io: section of each xlat464 variant
  case $1 in
    xlat464) echo '{ offload: false, queues: 1 }' ;;
    xlat464-offload) echo '{ offload: true, queues: 1 }' ;;
    xlat464-offload-2w) echo '{ offload: true, queues: 2 }' ;;
    xlat464-uring) echo '{ offload: false, queues: 1, uring: true }' ;;
    xlat464-offload-uring) echo '{ offload: true, queues: 1, uring: true }' ;;
    xlat464-poll) echo '{ offload: false, queues: 1, busyPoll: 50 }' ;;
    xlat464-offload-poll) echo '{ offload: true, queues: 1, busyPoll: 50 }' ;;
  esac
}

start_translator() { # start_translator NAME RUNDIR
  local name=$1 dir=$2 k
  k=$(kind "$name")
  tun_down
  case $k in
  tayga)
    tun_create
    cat >"$dir/tayga.conf" <<CONF
tun-device $TUN
ipv4-addr $XLAT_V4
ipv6-addr $XLAT_V6
prefix $PREFIX
CONF
    ip netns exec $NSX taskset -c $CPU_XLAT tayga --nodetach --config "$dir/tayga.conf" >"$dir/translator.log" 2>&1 &
    XPID=$!   # ip netns exec and taskset exec, so this is the translator's own pid
    ;;
  echo)
    tun_create
    local flag=()
    [[ $name == echo-offload ]] && flag=(--offload)
    # stdout: the echo's one JSON line of counters when it is stopped
    ip netns exec $NSX taskset -c $CPU_XLAT "$TUNECHO" "${flag[@]}" $TUN >"$dir/echo.json" 2>"$dir/translator.log" &
    XPID=$!
    wait_log "$dir/translator.log" '^tunecho: ready' "$name"
    ;;
  xlat464)
    # No device beforehand: the daemon creates it (persistent), multi-queue when queues > 1,
    # so each variant gets a device made the way its io: settings open it.
    local cpus=$CPU_XLAT
    [[ $name == xlat464-offload-2w ]] && cpus=$CPU_XLAT,$CPU_TOOLS
    cat >"$dir/xlat464.yaml" <<CONF
translator: { ipv4: $XLAT_V4, ipv6: "$XLAT_V6" }
tenants:
  - { name: bench, prefix: "$PREFIX", tun: $TUN }
fabric: { tun: $TUN }
io: $(xlat464_io "$name")
metrics: { listen: "127.0.0.1:9464" }
log: { level: warn }
CONF
    # --log-level info for the one "ready" line; the configuration file says warn.
    ip netns exec $NSX taskset -c "$cpus" node "$ROOT/dist/src/cli/main.js" run --config "$dir/xlat464.yaml" --log-level info \
      >"$dir/translator.log" 2>&1 &
    XPID=$!
    wait_log "$dir/translator.log" '"msg":"ready"' "$name"
    ;;
  esac
  tun_routes "$k"
  local i
  for i in $(seq 50); do
    in4 ping -c1 -W1 $V4_SERVER >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  cat "$dir/translator.log" >&2
  echo "run.sh: $name does not pass a ping 10.0.0.1 -> 10.0.1.1" >&2
  exit 1
}

stop_translator() {
  kill "$XPID" 2>/dev/null || true
  wait "$XPID" 2>/dev/null || true
  XPID=""
  tun_down
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$XPID/stat"; }   # utime + stime, all threads
pid_cpu() { awk '{print $39}' "/proc/$XPID/stat"; }           # CPU it last ran on
cores() { grep -E '^cpu[01] ' /proc/stat; }                  # the two cores, to say what is busy
link_stat() { ip netns exec "$1" cat "/sys/class/net/$2/statistics/$3"; }

iperf_tcp() { # iperf_tcp STREAMS RUNDIR -> writes tcpN.json and tcpN.cpu
  local p=$1 dir=$2 t0 t1 w0 w1
  cores >"$dir/tcp$p.cores"
  t0=$(cpu_ticks); w0=$(date +%s.%N)
  tools ip netns exec $NS4 iperf3 -c $V4_SERVER -P "$p" -t $DUR -J >"$dir/tcp$p.json"
  t1=$(cpu_ticks); w1=$(date +%s.%N)
  cores >>"$dir/tcp$p.cores"
  echo "$(( t1 - t0 )) $TCK $w0 $w1" >"$dir/tcp$p.cpu"
}

sink_count() { # sink_count NS -> "packets datagrams": the flood's packets at NS's veth so far
  # and the datagrams in them (a UDP GSO super-packet is one packet of several datagrams):
  # octets less one IPv6 + UDP (48) or IPv4 + UDP (28) header per packet, over the payload.
  ip netns exec "$1" nft list counters table netdev xb_sink | awk -v pl=$UDP_PAYLOAD '
    /counter udp6/ { h = 48 } /counter udp4/ { h = 28 }
    /packets/ { p += $2; d += ($4 - h * $2) / pl }
    END { printf "%d %d\n", p, d + 0.5 }'
}

udp_flood() { # udp_flood RUNDIR -> udp-send.json (udpflood) and udp.txt:
  #   "link_sent sink_packets t0 t1 cpu_ticks CLK_TCK tun_tx_dropped sink_datagrams"
  #   (client veth and sink counters, translator CPU)
  # 64-octet IPv4 packets from udpflood send on core 1, as fast as sendmmsg goes, counted and
  # dropped at the server's veth (xb_sink, see topology): nothing on core 1 receives them.
  local dir=$1
  local tx0 tx1 drop0 drop1 t0 t1 w0 w1 p0 d0 p1 d1
  read -r p0 d0 < <(sink_count $SRV)
  tx0=$(link_stat $NS4 eth0 tx_packets); drop0=$(link_stat $NSX $TUN tx_dropped)
  cores >"$dir/udp.cores"
  t0=$(cpu_ticks); w0=$(date +%s.%N)
  tools ip netns exec $NS4 "$UDPFLOOD" send eth0 "$GW_MAC" $V4_CLIENT $V4_SERVER $UDP_PORT $DUR $UDP_PAYLOAD >"$dir/udp-send.json"
  w1=$(date +%s.%N)
  cores >>"$dir/udp.cores"
  sleep 0.5   # drain what is queued in the TUN
  t1=$(cpu_ticks)
  read -r p1 d1 < <(sink_count $SRV)
  tx1=$(link_stat $NS4 eth0 tx_packets); drop1=$(link_stat $NSX $TUN tx_dropped)
  echo "$(( tx1 - tx0 )) $(( p1 - p0 )) $w0 $w1 $(( t1 - t0 )) $TCK $(( drop1 - drop0 )) $(( d1 - d0 ))" >"$dir/udp.txt"
}

latency() { # latency RUNDIR -> qperf.txt, lat.cpu ("cpu_ticks CLK_TCK t0 t1": translator CPU during both tests)
  local dir=$1 srv t0 t1 w0 w1
  taskset -c $CPU_TOOLS ip netns exec $SRV qperf >/dev/null 2>&1 &
  srv=$!
  sleep 0.5
  t0=$(cpu_ticks); w0=$(date +%s.%N)
  tools ip netns exec $NS4 qperf -t $LAT -vu $V4_SERVER tcp_lat udp_lat >"$dir/qperf.txt" 2>&1 || true
  t1=$(cpu_ticks); w1=$(date +%s.%N)
  echo "$(( t1 - t0 )) $TCK $w0 $w1" >"$dir/lat.cpu"
  kill $srv 2>/dev/null || true; wait $srv 2>/dev/null || true
}

profile_xlat464() { # where the time goes: perf on core 0 during a 1-stream TCP run and a UDP flood
  local dir=$1
  command -v perf >/dev/null || return 0
  taskset -c $CPU_TOOLS ip netns exec $NS4 iperf3 -c $V4_SERVER -t $DUR -J >/dev/null &
  local ip=$!
  sleep 1
  perf record -q -C $CPU_XLAT -o "$dir/perf.data" -- sleep 3 >/dev/null 2>&1 || true
  wait $ip || true
  perf report -q -i "$dir/perf.data" --sort comm,dso --stdio 2>/dev/null | head -15 >"$dir/perf-dso.txt" || true
  perf report -q -i "$dir/perf.data" --sort sym --stdio 2>/dev/null | head -25 >"$dir/perf-sym.txt" || true
  # The same for the 64-octet UDP flood: the per-packet costs (system calls, N-API, the JS loop).
  tools ip netns exec $NS4 "$UDPFLOOD" send eth0 "$GW_MAC" $V4_CLIENT $V4_SERVER $UDP_PORT $DUR $UDP_PAYLOAD >/dev/null &
  ip=$!
  sleep 1
  perf record -q -C $CPU_XLAT -o "$dir/perf-udp.data" -- sleep 3 >/dev/null 2>&1 || true
  wait $ip || true
  perf report -q -i "$dir/perf-udp.data" --sort comm,dso --stdio 2>/dev/null | head -15 >"$dir/perf-udp-dso.txt" || true
  perf report -q -i "$dir/perf-udp.data" --sort dso,sym --stdio 2>/dev/null | head -40 >"$dir/perf-udp-sym.txt" || true
  inx node -e "fetch('http://127.0.0.1:9464/metrics').then((r) => r.text()).then((t) => process.stdout.write(t))" 2>/dev/null \
    | grep -E '^xlat464_(io_batch|drops|packets)' >"$dir/metrics.txt" || true
}

one_run() { # one_run NAME INDEX
  local name=$1 i=$2 dir=$OUT/raw/$1-$2
  mkdir -p "$dir"
  echo "== $name run $i" >&2
  # The server: IPv6 behind the translators, IPv4 behind the echoes (same client, same address).
  if [[ $(kind "$name") == echo ]]; then SRV=$NS4S; else SRV=$NS6; fi
  start_translator "$name" "$dir"
  local xlat_tid_cpu
  xlat_tid_cpu=$(pid_cpu)
  tools ip netns exec $SRV iperf3 -s -D -I "$dir/iperf3.pid" >/dev/null
  sleep 0.3
  iperf_tcp 1 "$dir"
  iperf_tcp 4 "$dir"
  kill "$(cat "$dir/iperf3.pid")" 2>/dev/null || true
  udp_flood "$dir"
  latency "$dir"
  if [[ $(kind "$name") == xlat464 && $i == 1 && $QUICK == 0 ]]; then
    tools ip netns exec $SRV iperf3 -s -D -I "$dir/iperf3.pid" >/dev/null; sleep 0.3
    profile_xlat464 "$dir"
    kill "$(cat "$dir/iperf3.pid")" 2>/dev/null || true
  fi
  cp "$dir/translator.log" "$dir/translator.log.keep" 2>/dev/null || true
  stop_translator
  node "$ROOT/dist/bench/e2e/report.js" record "$name" "$i" "$dir" "$xlat_tid_cpu" >>"$RESULTS"
}

# Other work on the machine lands on the same two cores and shows in the figures: record it.
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
topology
for i in $(seq "$RUNS"); do
  for name in "${order[@]}"; do one_run "$name" "$i"; done
done
node "$ROOT/dist/bench/e2e/report.js" summarize "$RESULTS" \
  --kernel "$(uname -r)" --cpu "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')" \
  --tayga "$(dpkg-query -W -f='${Version}' tayga 2>/dev/null || echo '?')" --node "$(node --version)" \
  --duration $DUR --runs "$RUNS" --load "$LOAD_BEFORE" --out "$OUT/results.json"
