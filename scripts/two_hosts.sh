#!/usr/bin/env bash
# Two "machines" on one host: data-parallel `digits train` with one rank in each of two network
# namespaces joined by a veth pair, Open MPI over TCP only, so that every gradient all-reduce
# crosses a real (virtual) network link instead of shared memory. Needs root, iproute2, mpirun.
#
#   sudo scripts/two_hosts.sh [DIGITS_BINARY] [digits train flags...]
#   e.g. scripts/two_hosts.sh --data-dir /tmp/small --out /tmp/twohosts-run
#
# Run from the repository root (the bundled MNIST is found from there). Prints each rank's
# namespace and the bytes that crossed the veth; exits with digits' status, or 1 when less than
# MIN_TRAFFIC_MB (default 10: ResNet18's gradients alone are 45 MB a step) crossed.
set -euo pipefail

fail() { echo "two_hosts.sh: $*" >&2; exit 1; }
[[ $(id -u) == 0 ]] || fail "must run as root (network namespaces need CAP_NET_ADMIN)"
command -v ip >/dev/null || fail "ip not found (apt-get install iproute2)"
command -v mpirun >/dev/null || fail "mpirun not found (apt-get install openmpi-bin)"

# The executable: the first argument unless it is a flag; else the release build, else debug.
if [[ $# -gt 0 && $1 != -* ]]; then
  digits=$1
  shift
elif [[ -x .build/release/digits ]]; then
  digits=.build/release/digits
else
  digits=.build/debug/digits
fi
[[ -x $digits ]] || fail "no digits executable at $digits (build it, or pass its path)"
digits=$(realpath "$digits") # the remote rank's launcher must find it whatever its cwd
min_mb=${MIN_TRAFFIC_MB:-10}

# Unique names so that concurrent runs don't collide; interface names must stay <= 15 bytes.
ns_a=digits-a-$$ ns_b=digits-b-$$
veth_a=dga-$$ veth_b=dgb-$$
addr_a=10.77.0.1 addr_b=10.77.0.2 subnet=10.77.0.0/24
tmp=$(mktemp -d /tmp/two_hosts.XXXXXX)

cleanup() {
  # Stray ranks/daemons (after a failure) would keep a namespace busy: end them first.
  for ns in "$ns_a" "$ns_b"; do
    pids=$(ip netns pids "$ns" 2>/dev/null || true)
    [[ -n $pids ]] && kill $pids 2>/dev/null || true # split on purpose: one pid per word
    ip netns del "$ns" 2>/dev/null || true # deleting a namespace also deletes its veth end
  done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM # run the EXIT trap on Ctrl-C too

ip netns add "$ns_a"
ip netns add "$ns_b"
ip link add "$veth_a" netns "$ns_a" type veth peer name "$veth_b" netns "$ns_b"
ip -n "$ns_a" addr add "$addr_a/24" dev "$veth_a"
ip -n "$ns_b" addr add "$addr_b/24" dev "$veth_b"
for ns in "$ns_a" "$ns_b"; do ip -n "$ns" link set lo up; done # Open MPI also listens on lo
ip -n "$ns_a" link set "$veth_a" up
ip -n "$ns_b" link set "$veth_b" up

# Launch agent in place of ssh: Open MPI runs `agent HOST COMMAND...` to start its daemon (orted)
# on HOST; like ssh, join the words and hand them to a shell, here inside HOST's namespace.
cat >"$tmp/agent.sh" <<EOF
#!/bin/sh
while [ "\${1#-}" != "\$1" ]; do shift; done # ignore any ssh-style options
case "\$1" in
  $addr_a) ns=$ns_a ;;
  $addr_b) ns=$ns_b ;;
  *) echo "netns agent: unknown host \$1" >&2; exit 255 ;;
esac
echo "netns agent: starting Open MPI's daemon for host \$1 in namespace \$ns" >&2
shift
exec ip netns exec "\$ns" sh -c "\$*"
EOF
# Each rank says where it runs (namespaces share the UTS namespace, hence one hostname).
cat >"$tmp/rank.sh" <<'EOF'
#!/bin/sh
echo "rank ${OMPI_COMM_WORLD_RANK:-?}: host $(hostname), netns $(ip netns identify $$), pid $$" >&2
exec "$@"
EOF
chmod +x "$tmp/agent.sh" "$tmp/rank.sh"
printf '%s slots=1\n%s slots=1\n' "$addr_a" "$addr_b" >"$tmp/hostfile"

counter() { ip netns exec "$1" cat "/sys/class/net/$2/statistics/$3"; }
tx_a0=$(counter "$ns_a" "$veth_a" tx_bytes) tx_b0=$(counter "$ns_b" "$veth_b" tx_bytes)

export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# TCP only (no vader shared memory, which would bypass the link), both the BTL and the
# out-of-band channel pinned to the veth subnet; rsh "launches" through the netns agent.
mpirun_cmd=(
  mpirun -np 2 --hostfile "$tmp/hostfile" --map-by node
  --mca plm_rsh_agent "$tmp/agent.sh"
  --mca btl tcp,self
  --mca btl_tcp_if_include "$subnet"
  --mca oob_tcp_if_include "$subnet"
  -x OMPI_ALLOW_RUN_AS_ROOT -x OMPI_ALLOW_RUN_AS_ROOT_CONFIRM
  "$tmp/rank.sh" "$digits" train
  --model resnet18 --epochs 1 --train-limit 512 --batch-size 64 --threads 1 "$@"
)
echo "+ ip netns exec $ns_a ${mpirun_cmd[*]}" >&2
start=$SECONDS
status=0
# In the background so that Ctrl-C or kill reach the traps at once: they stop mpirun (which
# stops both ranks) before the namespaces go. (`ip netns exec` execs, so $! is mpirun.)
ip netns exec "$ns_a" "${mpirun_cmd[@]}" &
launcher=$!
trap 'kill -TERM $launcher 2>/dev/null; wait $launcher || true; exit 130' INT
trap 'kill -TERM $launcher 2>/dev/null; wait $launcher || true; exit 143' TERM
wait $launcher || status=$?
trap 'exit 130' INT TERM
elapsed=$((SECONDS - start))

tx_a=$(($(counter "$ns_a" "$veth_a" tx_bytes) - tx_a0))
tx_b=$(($(counter "$ns_b" "$veth_b" tx_bytes) - tx_b0))
rx_a=$(counter "$ns_a" "$veth_a" rx_bytes) rx_b=$(counter "$ns_b" "$veth_b" rx_bytes)
mb() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1e6 }'; }
echo "veth traffic: A sent $(mb "$tx_a"), B sent $(mb "$tx_b") (received: A $(mb "$rx_a"), B $(mb "$rx_b")); mpirun took ${elapsed}s, exit status $status"

[[ $status == 0 ]] || exit "$status"
if ((tx_a < min_mb * 1000000 || tx_b < min_mb * 1000000)); then
  echo "two_hosts.sh: under $min_mb MB crossed the veth in one direction: the ranks did not all-reduce over it" >&2
  exit 1
fi
