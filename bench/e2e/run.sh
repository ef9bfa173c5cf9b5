#!/usr/bin/env bash
# End-to-end benchmark: xlat464 against TAYGA, same namespaces, same single-prefix stateless
# translation (RFC 6052 /96 for both addresses, RFC 7915), translator pinned to core 0 and every
# traffic tool to core 1.
#
# Packet rate: bench/e2e/udpflood.c, compiled here with cc -O2, sends 64-octet IPv4 packets
# (36-octet UDP payload) with sendmmsg(2), 64 per call on one connected socket, from the IPv4
# client for the test's duration, and counts what reaches the IPv6 server with recvmmsg(2). Both
# run on core 1 (taskset; the program pins nothing itself, unlike trafgen, which put itself on
# core 0) and the translator alone on core 0. It offers more than either translator forwards:
# the excess is dropped at the TUN queue (udpTunDrops, about sent - received) while core 0 is
# busy. iperf3 -u (one sendto per packet) could not: core 1 was the limit, not the translator.
#
#   usage: sudo bash bench/e2e/run.sh [--runs N] [--quick] [--out DIR] [--only xlat464|tayga]
#
#   xb-v4  eth0 10.0.0.1/24 (MTU 1480)                  xb-v6  eth0 fd00:6::2/64
#          |                                                   fd00:64::a00:101/128
#          |  to4 10.0.0.254/24   xb-xlat   to6 fd00:6::1/64   |   (= 10.0.1.1 embedded)
#          +------------------ nat64 (ONE TUN, MTU 1500) -------+
#                     TAYGA or `xlat464 run`, taskset -c 0
#
# IPv4 10.0.0.1 -> 10.0.1.1 becomes IPv6 fd00:64::a00:1 -> fd00:64::a00:101 and back. The IPv4
# side has MTU 1480 so a full-size IPv4 packet is a full-size 1500-octet IPv6 packet: no PMTUD
# and no fragmentation in either translator.
#
# Needs root, a built tree (npm ci) and Debian/Ubuntu apt for the tools it installs when missing.
# Prints a markdown table; writes results.json and the raw tool outputs under --out.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
RUNS=3
QUICK=0
OUT=/tmp/xlat464-e2e-bench
ONLY=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --runs) RUNS=$2; shift 2 ;;
    --quick) QUICK=1; shift ;;
    --out) OUT=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;;
    *) echo "usage: $0 [--runs N] [--quick] [--out DIR] [--only xlat464|tayga]" >&2; exit 2 ;;
  esac
done
[[ $RUNS =~ ^[1-9][0-9]?$ ]] || { echo "run.sh: --runs expects 1-99, got '$RUNS'" >&2; exit 2; }
[[ $(id -u) == 0 ]] || { echo "run.sh: needs root (namespaces, veths, TUN)" >&2; exit 1; }
[[ -f $ROOT/dist/src/cli/main.js && -f $ROOT/dist/bench/e2e/report.js ]] || { echo "run.sh: build first (npm ci)" >&2; exit 1; }
(( $(nproc) >= 2 )) || { echo "run.sh: needs 2 cores (translator on 0, tools on 1)" >&2; exit 1; }

if (( QUICK )); then DUR=3; LAT=2; else DUR=10; LAT=5; fi

need=()
command -v tayga >/dev/null || need+=(tayga)
command -v iperf3 >/dev/null || need+=(iperf3)
command -v qperf >/dev/null || need+=(qperf)
command -v cc >/dev/null || need+=(gcc)
if (( ${#need[@]} )); then
  DEBIAN_FRONTEND=noninteractive apt-get install -y "${need[@]}" >/dev/null
fi

NS4=xb-v4
NSX=xb-xlat
NS6=xb-v6
TUN=nat64
PREFIX=fd00:64::/96
V4_CLIENT=10.0.0.1
V4_GW=10.0.0.254
V4_SERVER=10.0.1.1            # the IPv6 server as IPv4 sees it
V6_SERVER=fd00:64::a00:101    # 10.0.1.1 under the prefix
V6_GW=fd00:6::1
V6_LINK=fd00:6::2
XLAT_V4=192.0.0.1             # both translators' own addresses (ICMP error sources)
XLAT_V6=fd00:ffff::1
CPU_XLAT=0
CPU_TOOLS=1
TCK=$(getconf CLK_TCK)

rm -rf "$OUT"
mkdir -p "$OUT/raw"
RESULTS=$OUT/runs.jsonl
: >"$RESULTS"
UDPFLOOD=$OUT/udpflood
cc -O2 -Wall -Wextra -o "$UDPFLOOD" "$ROOT/bench/e2e/udpflood.c"

XPID=""
cleanup() {
  set +e
  [[ -n $XPID ]] && kill "$XPID" 2>/dev/null && wait "$XPID" 2>/dev/null
  for ns in $NS4 $NSX $NS6; do
    local pids
    pids=$(ip netns pids "$ns" 2>/dev/null)
    [[ -n $pids ]] && kill $pids 2>/dev/null
  done
  sleep 0.3
  for ns in $NS4 $NSX $NS6; do
    pids=$(ip netns pids "$ns" 2>/dev/null)
    [[ -n $pids ]] && kill -9 $pids 2>/dev/null
    ip -n "$ns" link del "$TUN" 2>/dev/null
    ip netns del "$ns" 2>/dev/null
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

in4() { ip netns exec $NS4 "$@"; }
inx() { ip netns exec $NSX "$@"; }
in6() { ip netns exec $NS6 "$@"; }
tools() { taskset -c $CPU_TOOLS "$@"; }

topology() {
  cleanup
  for ns in $NS4 $NSX $NS6; do ip netns add $ns; ip -n $ns link set lo up; done
  ip -n $NS4 link add eth0 type veth peer name to4 netns $NSX
  ip -n $NS6 link add eth0 type veth peer name to6 netns $NSX
  inx sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
    net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
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
  # Receive processing of every veth runs on the tools' core (RPS), so core 0 carries the
  # translator and the kernel work of its own TUN reads and writes, for both translators.
  for pair in "$NS4 eth0" "$NSX to4" "$NSX to6" "$NS6 eth0"; do
    set -- $pair
    ip netns exec "$1" sh -c "echo 2 > /sys/class/net/$2/queues/rx-0/rps_cpus" 2>/dev/null || true
  done
  # Neighbours resolved once, so the first measured packets do not wait for ARP/ND.
  in4 ping -c1 -W1 $V4_GW >/dev/null
  inx ping -c1 -W1 $V6_LINK >/dev/null
}

tun_up() { # a fresh persistent TUN and its routes, the same for both translators
  inx ip tuntap add mode tun name $TUN
  inx ip link set $TUN addrgenmode none
  inx ip link set $TUN mtu 1500 up
  inx ip route add $V4_SERVER/32 dev $TUN
  inx ip route add $XLAT_V4/32 dev $TUN
  inx ip -6 route add $PREFIX dev $TUN
  inx ip -6 route add $XLAT_V6/128 dev $TUN
}
tun_down() { inx ip link del $TUN 2>/dev/null || true; }

start_translator() { # start_translator NAME RUNDIR
  local name=$1 dir=$2
  tun_up
  if [[ $name == tayga ]]; then
    cat >"$dir/tayga.conf" <<CONF
tun-device $TUN
ipv4-addr $XLAT_V4
ipv6-addr $XLAT_V6
prefix $PREFIX
CONF
    ip netns exec $NSX taskset -c $CPU_XLAT tayga --nodetach --config "$dir/tayga.conf" >"$dir/translator.log" 2>&1 &
    XPID=$!   # ip netns exec and taskset exec, so this is the translator's own pid
  else
    cat >"$dir/xlat464.yaml" <<CONF
translator: { ipv4: $XLAT_V4, ipv6: "$XLAT_V6" }
tenants:
  - { name: bench, prefix: "$PREFIX", tun: $TUN }
fabric: { tun: $TUN }
metrics: { listen: "127.0.0.1:9464" }
log: { level: warn }
CONF
    # --log-level info for the one "ready" line; the configuration file says warn.
    ip netns exec $NSX taskset -c $CPU_XLAT node "$ROOT/dist/src/cli/main.js" run --config "$dir/xlat464.yaml" --log-level info \
      >"$dir/translator.log" 2>&1 &
    XPID=$!
    local i
    for i in $(seq 100); do grep -q '"msg":"ready"' "$dir/translator.log" && break; sleep 0.1; done
    grep -q '"msg":"ready"' "$dir/translator.log" || { cat "$dir/translator.log" >&2; echo "run.sh: xlat464 not ready" >&2; exit 1; }
  fi
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

udp_flood() { # udp_flood RUNDIR -> udp-send.json, udp-recv.json (udpflood) and udp.txt:
  #   "link_sent link_received t0 t1 cpu_ticks CLK_TCK tun_tx_dropped" (veth counters, translator CPU)
  # 64-octet IPv4 packets (20 IPv4 + 8 UDP + 36) from udpflood send on core 1, as fast as sendmmsg
  # goes; udpflood recv on core 1 as the server (no ICMPv6 port unreachable back through the
  # translator). The sink drains and naps 1 ms, so it costs core 1 about one wake-up per ms.
  local dir=$1
  tools ip netns exec $NS6 "$UDPFLOOD" recv 5202 $(( DUR + 2 )) >"$dir/udp-recv.json" &
  local srv=$!
  sleep 0.5
  local rx0 rx1 tx0 tx1 drop0 drop1 t0 t1 w0 w1
  rx0=$(link_stat $NS6 eth0 rx_packets); tx0=$(link_stat $NS4 eth0 tx_packets); drop0=$(link_stat $NSX $TUN tx_dropped)
  cores >"$dir/udp.cores"
  t0=$(cpu_ticks); w0=$(date +%s.%N)
  tools ip netns exec $NS4 "$UDPFLOOD" send $V4_SERVER 5202 $DUR 36 >"$dir/udp-send.json"
  w1=$(date +%s.%N)
  cores >>"$dir/udp.cores"
  sleep 0.5   # drain what is queued in the TUN
  t1=$(cpu_ticks)
  rx1=$(link_stat $NS6 eth0 rx_packets); tx1=$(link_stat $NS4 eth0 tx_packets); drop1=$(link_stat $NSX $TUN tx_dropped)
  wait $srv
  echo "$(( tx1 - tx0 )) $(( rx1 - rx0 )) $w0 $w1 $(( t1 - t0 )) $TCK $(( drop1 - drop0 ))" >"$dir/udp.txt"
}

latency() { # latency RUNDIR -> qperf.txt
  local dir=$1 srv
  taskset -c $CPU_TOOLS ip netns exec $NS6 qperf >/dev/null 2>&1 &
  srv=$!
  sleep 0.5
  tools ip netns exec $NS4 qperf -t $LAT -vu $V4_SERVER tcp_lat udp_lat >"$dir/qperf.txt" 2>&1 || true
  kill $srv 2>/dev/null || true; wait $srv 2>/dev/null || true
}

profile_xlat464() { # where the time goes: perf on core 0 during a 1-stream TCP run
  local dir=$1
  command -v perf >/dev/null || return 0
  taskset -c $CPU_TOOLS ip netns exec $NS4 iperf3 -c $V4_SERVER -t $DUR -J >/dev/null &
  local ip=$!
  sleep 1
  perf record -q -C $CPU_XLAT -o "$dir/perf.data" -- sleep 3 >/dev/null 2>&1 || true
  wait $ip || true
  perf report -q -i "$dir/perf.data" --sort comm,dso --stdio 2>/dev/null | head -15 >"$dir/perf-dso.txt" || true
  perf report -q -i "$dir/perf.data" --sort sym --stdio 2>/dev/null | head -25 >"$dir/perf-sym.txt" || true
  inx node -e "fetch('http://127.0.0.1:9464/metrics').then((r) => r.text()).then((t) => process.stdout.write(t))" 2>/dev/null \
    | grep -E '^xlat464_(io_batch|drops|packets)' >"$dir/metrics.txt" || true
}

one_run() { # one_run NAME INDEX
  local name=$1 i=$2 dir=$OUT/raw/$1-$2
  mkdir -p "$dir"
  echo "== $name run $i" >&2
  start_translator "$name" "$dir"
  local xlat_tid_cpu
  xlat_tid_cpu=$(pid_cpu)
  tools ip netns exec $NS6 iperf3 -s -D -I "$dir/iperf3.pid" >/dev/null
  sleep 0.3
  iperf_tcp 1 "$dir"
  iperf_tcp 4 "$dir"
  kill "$(cat "$dir/iperf3.pid")" 2>/dev/null || true
  udp_flood "$dir"
  latency "$dir"
  if [[ $name == xlat464 && $i == 1 && $QUICK == 0 ]]; then
    tools ip netns exec $NS6 iperf3 -s -D -I "$dir/iperf3.pid" >/dev/null; sleep 0.3
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
order=(tayga xlat464)
[[ -n $ONLY ]] && order=("$ONLY")
for i in $(seq "$RUNS"); do
  for name in "${order[@]}"; do one_run "$name" "$i"; done
done
node "$ROOT/dist/bench/e2e/report.js" summarize "$RESULTS" \
  --kernel "$(uname -r)" --cpu "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')" \
  --tayga "$(dpkg-query -W -f='${Version}' tayga 2>/dev/null || echo '?')" --node "$(node --version)" \
  --duration $DUR --runs "$RUNS" --load "$LOAD_BEFORE" --out "$OUT/results.json"
