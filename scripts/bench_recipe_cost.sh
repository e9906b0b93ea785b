#!/bin/bash
# The improved recipe's cost per step: `digits bench` of ResNet34 plain and with the whole recipe
# (affine and elastic augmentation, EMA), at one and two threads, for each binary given, in
# ROUNDS interleaved rounds. Prints one line per run: the training throughput, the "other"
# share (loss, data, checks) and the weight average's share.
# Usage: scripts/bench_recipe_cost.sh BINARY [BINARY...]   (ROUNDS=2 by default)
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 BINARY [BINARY...]" >&2; exit 2; }
for round in $(seq "${ROUNDS:-2}"); do
  for binary in "$@"; do
    for threads in 1 2; do
      for variant in plain recipe; do
        extra=()
        [ "$variant" = recipe ] && extra=(--augment --elastic 36 --ema 0.999)
        json=$("$binary" bench --model resnet34 --steps 20 --inference-batches 1 --profile \
          --threads "$threads" "${extra[@]}" --json 2>/dev/null)
        python3 -c '
import json, sys
d = json.loads(sys.argv[1]); p = d["profile"]
other = next(v for k, v in p.items() if k.startswith("other"))
speed, average = d["train_images_per_s"], p.get("weight average", 0)
print(f"round {sys.argv[2]} {sys.argv[3]} threads {sys.argv[4]} {sys.argv[5]:6s} "
      f"{speed:6.1f} images/s, other {other:.2%}, weight average {average:.2%}")' \
          "$json" "$round" "$binary" "$threads" "$variant"
      done
    done
  done
done
