#!/usr/bin/env bash
# Load table for BENCHMARKS.md: `digits serve` on loopback, POSTed one PNG digit by wrk (Debian's
# wrk) from 1, 4, 16 and 64 concurrent connections, SECONDS each (bounded; loopback only).
#
#   scripts/serve_load.sh CHECKPOINT [DIGITS_BINARY] [SECONDS]
#
# Prints one row per client count: requests/s, p50 and p99 latency, non-2xx answers and errors.
set -euo pipefail
checkpoint=${1:?usage: scripts/serve_load.sh CHECKPOINT [DIGITS_BINARY] [SECONDS]}
digits=${2:-.build/release/digits}
seconds=${3:-10}
image=$(cd "$(dirname "$0")/.." && pwd)/Examples/DigitsExample/three.png
command -v wrk >/dev/null || { echo "install wrk (apt-get install wrk)" >&2; exit 1; }

log=$(mktemp)
"$digits" serve --checkpoint "$checkpoint" --port 0 >"$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -f "$log" "$script"' EXIT
for _ in $(seq 100); do grep -q "Serving" "$log" && break; sleep 0.1; done
url=$(grep -o 'http://[^ ]*' "$log" | head -1)api/predict

script=$(mktemp --suffix=.lua)
cat >"$script" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "image/png"
local file = io.open("$image", "rb")
wrk.body = file:read("*a")
file:close()
done = function(summary, latency, requests)
  io.write(string.format("ROW %.1f %.2f %.2f %d %d\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA

# Warm-up: the first passes at each batch size allocate their buffers.
wrk -t 1 -c 16 -d 3s -s "$script" "$url" >/dev/null
printf '| clients | requests/s | p50 latency (ms) | p99 latency (ms) | non-2xx | socket errors |\n'
printf '|---:|---:|---:|---:|---:|---:|\n'
for clients in 1 4 16 64; do
  threads=$((clients < 2 ? 1 : 2))
  row=$(wrk -t "$threads" -c "$clients" -d "${seconds}s" -s "$script" "$url" | grep '^ROW')
  read -r _ rate p50 p99 status errors <<<"$row"
  printf '| %d | %s | %s | %s | %s | %s |\n' "$clients" "$rate" "$p50" "$p99" "$status" "$errors"
done
