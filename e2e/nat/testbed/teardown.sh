#!/usr/bin/env bash
# Remove every "pl-" namespace of the NAT testbed and the processes running in
# them (only those: pids are taken from `ip netns pids`). Idempotent.
set -uo pipefail
STATE="${PL_NAT_STATE_DIR:-/tmp/pl-nat}"
spaces=$(ip netns list 2>/dev/null | awk '{print $1}' | grep '^pl-' || true)
pids=""
for ns in $spaces; do pids="$pids $(ip netns pids "$ns" 2>/dev/null | tr '\n' ' ')"; done
if [ -n "${pids// /}" ]; then
  kill -TERM $pids 2>/dev/null || true
  for _ in $(seq 1 20); do
    alive=""; for p in $pids; do kill -0 "$p" 2>/dev/null && alive="$alive $p"; done
    [ -z "$alive" ] && break; sleep 0.1
  done
  [ -n "${alive:-}" ] && kill -KILL $alive 2>/dev/null || true
fi
for ns in $spaces; do ip netns del "$ns" 2>/dev/null || true; done
rm -f "$STATE"/*.pid
exit 0
