#!/usr/bin/env bash
# npm run demo: the reference layout (scripts/topology.sh) with the xlat464 daemon on both hosts.
# Blue and red workloads use the same IPv4 addresses; each pings its peer on the other host, the
# fabric between the hosts carries only IPv6, and `xlat464 pcap` and `decode` read tenant and IPv4
# addresses straight off the captured packets. Everything is removed at exit, also on failure or Ctrl-C.
# Needs root, iproute2, iputils-ping and tcpdump, and a built tree (npm ci / npm run build).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
S=demo$$
CLI="node $ROOT/dist/src/cli/main.js"

cleanup() {
  local rc=$?
  echo
  echo "== teardown: daemons, capture, namespaces, devices"
  XL_QUIET=1 bash scripts/topology.sh down "$S" || true
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[[ $(id -u) == 0 ]] || { echo "demo: needs root (network namespaces, TUN devices)" >&2; exit 1; }
for tool in ip ping tcpdump; do
  command -v "$tool" >/dev/null || { echo "demo: needs $tool (apt-get install iproute2 iputils-ping tcpdump)" >&2; exit 1; }
done
[[ -f dist/src/cli/run.js ]] || { echo "demo: dist/src/cli/run.js missing: build first (npm run build)" >&2; exit 1; }

echo "== topology: hosts A and B over an IPv6-only fabric; tenants blue and red on each"
STATE=$(bash scripts/topology.sh up "$S")
# shellcheck disable=SC1091
source "$STATE/topology.env"
echo
echo "== configuration of host A's daemon ($XL_CONFIG_A)"
cat "$XL_CONFIG_A"

for h in A B; do
  ns_var=XL_HOST$h cfg_var=XL_CONFIG_$h
  echo "== starting the daemon on host $h: ip netns exec ${!ns_var} xlat464 run --config ${!cfg_var}"
  ip netns exec "${!ns_var}" $CLI run --config "${!cfg_var}" >"$STATE/daemon-$h.log" 2>&1 &
done
for h in A B; do
  for _ in $(seq 100); do
    grep -q '"msg":"ready"' "$STATE/daemon-$h.log" && break
    sleep 0.1
  done
  grep -q '"msg":"ready"' "$STATE/daemon-$h.log" || { echo "daemon on host $h not ready:"; cat "$STATE/daemon-$h.log"; exit 1; }
  echo "   host $h: $(grep -m1 '"msg":"ready"' "$STATE/daemon-$h.log" | cut -c1-160)"
done

echo
echo "== capture on host A's fabric veth (IPv6 only; neighbour discovery left out)"
ip netns exec "$XL_HOSTA" tcpdump -i "$XL_FABRIC_VETH" -n -U --immediate-mode -Z root -c 8 -w "$STATE/fabric.pcap" 'ip6 and not (icmp6 and ip6[40] >= 133)' 2>"$STATE/tcpdump.err" &
CAPTURE=$!
sleep 1

echo
echo "== blue A (10.0.0.1) pings blue B (10.0.0.2)"
ip netns exec "$XL_NS_blue_A" ping -c 2 -i 0.3 -W 2 10.0.0.2
echo
echo "== red A (10.0.0.1) pings red B (10.0.0.2): the same addresses, another tenant"
ip netns exec "$XL_NS_red_A" ping -c 2 -i 0.3 -W 2 10.0.0.2

for _ in $(seq 30); do kill -0 "$CAPTURE" 2>/dev/null || break; sleep 0.1; done
kill "$CAPTURE" 2>/dev/null || true
wait "$CAPTURE" 2>/dev/null || true
echo
echo "== what the fabric carried (tcpdump -n -r of the capture on $XL_FABRIC_VETH in host A)"
tcpdump -n -r "$STATE/fabric.pcap" 2>/dev/null | tee "$STATE/fabric.txt"

echo
echo "== the same capture in the tenant view: xlat464 pcap --config $XL_CONFIG_A"
$CLI pcap --config "$XL_CONFIG_A" "$STATE/fabric.pcap"

echo
echo "== xlat464 decode of the fabric addresses: tenant and IPv4 address, by arithmetic alone"
mapfile -t addrs < <(grep -oE 'fd00:64:[0-9a-f:.]+[0-9a-f]' "$STATE/fabric.txt" | sort -u)
for a in "${addrs[@]}"; do
  printf '%-22s %s\n' "$a" "$($CLI decode --config "$XL_CONFIG_A" "$a")"
done

echo
echo "== host A's metrics (GET http://$XL_METRICS/metrics inside host A)"
ip netns exec "$XL_HOSTA" node -e "
  require('http').get('http://$XL_METRICS/metrics', (r) => { let s = ''; r.on('data', (d) => (s += d)); r.on('end', () => {
    for (const l of s.split('\n')) if (/^xlat464_(packets|drops)_total\{/.test(l)) console.log('   ' + l); }); });"
