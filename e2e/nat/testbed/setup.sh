#!/usr/bin/env bash
# Build the peerlink NAT testbed from network namespaces (all names start with
# "pl-"). Idempotent: tears any previous testbed down first; on failure tears
# down what it built. Needs root, iproute2 and iptables (nft or legacy).
#
#   pl-pub            the "internet": bridge plbr0, 203.0.113.0/24
#   pl-gw             gateway host: 203.0.113.10 and .11 (peerlink serve, STUN/TURN)
#   pl-<kind>-<side>  a client (side a or b) behind a router of <kind>:
#     open       public address 203.0.113.(20+i), no NAT, no filter
#     eim        EIM mapping + address-and-port-dependent filtering (MASQUERADE, drop unsolicited)
#     symmetric  address-and-port-dependent mapping (MASQUERADE --random-fully)
#     double     home NAT (100.64.i.0/24) behind a CGNAT router (100.100.i.0/24), both EIM
#     webonly    UDP blocked; only TCP to the gateway's HTTP port (PL_NAT_HTTP_PORT) passes
#     lossy      eim + 1 % loss (iptables statistic) + tbf rate + user-space delay
#                (a vxlan LAN whose UDP underlay crosses delay-forwarder.js in pl-lossy-<side>-d)
#   pl-<kind>-<side>-r  its router; pl-double-<side>-cg the CGNAT router;
#   pl-lossy-<side>-u / -d  the lossy link's vxlan underlay and its delay box.
#
# Env knobs: PL_NAT_HTTP_PORT (8000), PL_NAT_DELAY_MS one-way delay of the lossy
# link (25 => +50 ms RTT), PL_NAT_LOSS (0.01), PL_NAT_RATE (20mbit),
# PL_NAT_STATE_DIR (/tmp/pl-nat: forwarder pids and logs).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STATE="${PL_NAT_STATE_DIR:-/tmp/pl-nat}"
HTTP_PORT="${PL_NAT_HTTP_PORT:-8000}"
DELAY_MS="${PL_NAT_DELAY_MS:-25}"
LOSS="${PL_NAT_LOSS:-0.01}"
RATE="${PL_NAT_RATE:-20mbit}"
KINDS="open eim symmetric double webonly lossy"

"$HERE/teardown.sh"
trap 'rc=$?; if [ $rc -ne 0 ]; then echo "setup.sh: failed (exit $rc), tearing down" >&2; "$HERE/teardown.sh"; fi' EXIT
mkdir -p "$STATE"

MACN=0
# Fixed MACs (stale ARP after a rebuild otherwise breaks links for seconds).
setmac() { MACN=$((MACN + 1)); ip -n "$1" link set dev "$2" address "$(printf '02:70:6c:00:%02x:%02x' $((MACN / 256)) $((MACN % 256)))"; }
mkns() {
  ip netns add "$1"
  ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 net.ipv4.ip_forward=1
  ip -n "$1" link set lo up
}
# veth NS1 IF1 NS2 IF2: a link between two namespaces, both ends up, fixed MACs.
veth() {
  ip -n "$1" link add "$2" type veth peer name "$4" netns "$3"
  setmac "$1" "$2"; setmac "$3" "$4"
  ip -n "$1" link set "$2" up; ip -n "$3" link set "$4" up
}
# pub_link NS IF ADDR: attach NS to the public bridge with ADDR/24.
pub_link() {
  local port="v${MACN}"
  veth pl-pub "$port" "$1" "$2"
  ip -n pl-pub link set "$port" master plbr0
  ip -n "$1" addr add "$3/24" dev "$2"
}
# router NS LAN WAN MODE: firewall + NAT. MODE: eim | symmetric | webonly.
router() {
  local ns=$1 lan=$2 wan=$3 mode=$4
  local ipt="ip netns exec $ns iptables -w"
  $ipt -P INPUT DROP
  $ipt -A INPUT -i lo -j ACCEPT
  $ipt -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
  $ipt -P FORWARD DROP
  $ipt -A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
  if [ "$mode" = webonly ]; then
    $ipt -A FORWARD -i "$lan" -o "$wan" -p tcp -d 203.0.113.10 --dport "$HTTP_PORT" -j ACCEPT
  else
    $ipt -A FORWARD -i "$lan" -o "$wan" -j ACCEPT
  fi
  if [ "$mode" = symmetric ]; then
    $ipt -t nat -A POSTROUTING -o "$wan" -j MASQUERADE --random-fully
  else
    $ipt -t nat -A POSTROUTING -o "$wan" -j MASQUERADE
  fi
}

mkns pl-pub
ip -n pl-pub link add plbr0 type bridge
setmac pl-pub plbr0
ip -n pl-pub link set plbr0 up

mkns pl-gw
pub_link pl-gw eth0 203.0.113.10
ip -n pl-gw addr add 203.0.113.11/24 dev eth0

i=0
for kind in $KINDS; do
  for side in a b; do
    i=$((i + 1))
    c="pl-$kind-$side"; r="$c-r"; pub="203.0.113.$((20 + i))"
    mkns "$c"
    case "$kind" in
      open)
        pub_link "$c" eth0 "$pub"
        ;;
      eim | symmetric | webonly)
        mkns "$r"
        pub_link "$r" wan "$pub"
        veth "$r" lan "$c" eth0
        ip -n "$r" addr add "100.64.$i.1/24" dev lan
        ip -n "$c" addr add "100.64.$i.2/24" dev eth0
        ip -n "$c" route add default via "100.64.$i.1"
        router "$r" lan wan "$kind"
        ;;
      double)
        cg="$c-cg"
        mkns "$r"; mkns "$cg"
        pub_link "$cg" wan "$pub"
        veth "$cg" lan "$r" wan
        ip -n "$cg" addr add "100.100.$i.1/24" dev lan
        ip -n "$r" addr add "100.100.$i.2/24" dev wan
        ip -n "$r" route add default via "100.100.$i.1"
        veth "$r" lan "$c" eth0
        ip -n "$r" addr add "100.64.$i.1/24" dev lan
        ip -n "$c" addr add "100.64.$i.2/24" dev eth0
        ip -n "$c" route add default via "100.64.$i.1"
        router "$cg" lan wan eim
        router "$r" lan wan eim
        ;;
      lossy)
        d="$c-d"; u="$c-u"
        mkns "$r"; mkns "$d"; mkns "$u"
        pub_link "$r" wan "$pub"
        # The LAN is a vxlan pair whose UDP underlay lives in $u and crosses
        # delay-forwarder.js in $d (vc:4789 -> d:5001 -> vr:4790, vr -> d:5002 -> vc).
        # Both devices are created in $u and then moved: the underlay stays
        # there, so decapsulated packets get fresh conntrack state in their own
        # namespace (a same-namespace vxlan keeps the outer packet's state and
        # skips NAT), and the forwarder is not a local address (vxlan would
        # bypass the UDP stack for a local destination).
        veth "$u" ud "$d" uu
        ip -n "$u" addr add "100.127.$i.2/24" dev ud
        ip -n "$d" addr add "100.127.$i.1/24" dev uu
        ip -n "$u" link add vc type vxlan id "$i" local "100.127.$i.2" dstport 4789 nolearning
        ip -n "$u" link add vr type vxlan id "$i" local "100.127.$i.2" dstport 4790 nolearning
        ip netns exec "$u" bridge fdb append 00:00:00:00:00:00 dev vc dst "100.127.$i.1" port 5001
        ip netns exec "$u" bridge fdb append 00:00:00:00:00:00 dev vr dst "100.127.$i.1" port 5002
        ip -n "$u" link set vc netns "$c"; ip -n "$c" link set vc name eth0
        ip -n "$u" link set vr netns "$r"; ip -n "$r" link set vr name lan
        setmac "$c" eth0; setmac "$r" lan
        # Leave room for the 50-byte vxlan header, as on a real tunnel.
        ip -n "$c" link set eth0 mtu 1450; ip -n "$r" link set lan mtu 1450
        ip -n "$c" link set eth0 up; ip -n "$r" link set lan up
        ip -n "$r" addr add "100.64.$i.1/24" dev lan
        ip -n "$c" addr add "100.64.$i.2/24" dev eth0
        ip -n "$c" route add default via "100.64.$i.1"
        router "$r" lan wan eim
        ip netns exec "$r" iptables -w -I FORWARD 1 -m statistic --mode random --probability "$LOSS" -j DROP
        ip netns exec "$r" tc qdisc add dev wan root tbf rate "$RATE" burst 64kbit latency 200ms
        ip netns exec "$d" nohup node "$HERE/delay-forwarder.js" udp-pair \
          --a "100.127.$i.1:5001" --a-peer "100.127.$i.2:4789" --b "100.127.$i.1:5002" --b-peer "100.127.$i.2:4790" --vxlan \
          --delay-ms "$DELAY_MS" >"$STATE/$d.log" 2>&1 &
        echo $! >"$STATE/$d.pid"
        ;;
    esac
  done
done

# Wait until every delay forwarder is listening (it prints "ready").
for f in "$STATE"/*-d.log; do
  [ -e "$f" ] || continue
  for _ in $(seq 1 100); do grep -q ready "$f" && break; sleep 0.05; done
  grep -q ready "$f" || { echo "setup.sh: forwarder $(basename "$f") did not start" >&2; cat "$f" >&2; exit 1; }
done
trap - EXIT
echo "pl testbed up: $(ip netns list | grep -c '^pl-') namespaces"
