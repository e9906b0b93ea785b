#!/usr/bin/env bash
# digits against PyTorch eager (channels_last), ONNX Runtime and OpenVINO on this machine, in one
# sitting: ROUNDS rounds, each running every side once in turn (the machine drifts by up to 20%
# between identical runs, so the sides alternate), then the median of each figure. For
# BENCHMARKS.md; needs torch, torchvision, onnx, onnxruntime and openvino (pip).
#
#   scripts/bench_compare.sh MODEL [ROUNDS] [DIGITS_BINARY]     (default: 3, .build/release/digits)
#
# Every run uses 2 threads (the machines this project runs on have 2 cores); the JSON of each run
# is kept in a temporary folder whose path is printed. Each digits run records the core-to-core
# round trip around its phases: on a VM whose host sometimes runs the two vCPUs on distant cores
# it reads several times higher then, and every two-thread figure of that time lower.
set -euo pipefail
model=${1:?usage: scripts/bench_compare.sh MODEL [ROUNDS] [DIGITS_BINARY]}
rounds=${2:-3}
digits=${3:-.build/release/digits}
[[ -x $digits ]] || { echo "bench_compare.sh: no digits executable at $digits" >&2; exit 1; }
out=$(mktemp -d)
echo "bench_compare.sh: $model, $rounds rounds, JSON in $out" >&2
for round in $(seq "$rounds"); do
  "$digits" bench --model "$model" --threads 2 --json >"$out/digits-$round.json"
  python3 scripts/bench_pytorch.py --model "$model" --threads 2 >"$out/pytorch-$round.json"
  python3 scripts/bench_inference_runtimes.py --model "$model" --threads 2 >"$out/runtimes-$round.json" \
    2>/dev/null
  echo "round $round/$rounds done" >&2
done
python3 - "$out" "$model" <<'PY'
import glob, json, statistics, sys
folder, model = sys.argv[1], sys.argv[2]

def values(side, key, scale=1):
    runs = [json.load(open(p)) for p in sorted(glob.glob(f"{folder}/{side}-*.json"))]
    # "core_round_trip_nanoseconds.0": an element of a list.
    key, _, index = key.partition(".")
    found = [r.get(key) for r in runs]
    if index:
        found = [v[int(index)] if v else None for v in found]
    return [scale * v for v in found if v is not None]

def median(side, key, scale=1):
    return statistics.median(values(side, key, scale))

def cell(side, key, scale=1):
    v = values(side, key, scale)
    return f"{statistics.median(v):.1f} ({' / '.join(f'{x:.1f}' for x in v)})" if v else "–"

print(f"| {model}, 2 threads | median (each run) |\n| --- | --- |")
for name, side, key, scale in [
    ("digits training, images/s", "digits", "train_images_per_s", 1),
    ("PyTorch training, images/s", "pytorch", "train_images_per_s", 1),
    ("digits inference (batch 1024), images/s", "digits", "infer_images_per_s", 1),
    ("PyTorch inference, images/s", "pytorch", "infer_images_per_s", 1),
    ("ONNX Runtime inference, images/s", "runtimes", "onnxruntime_images_per_s", 1),
    ("OpenVINO (f32) inference, images/s", "runtimes", "openvino_images_per_s", 1),
    ("digits peak RSS (training), MB", "digits", "peak_rss_mb", 1),
    ("PyTorch peak RSS, MB", "pytorch", "peak_rss_mb", 1),
    ("digits model FLOP utilisation, %", "digits", "model_flop_utilisation", 100),
    ("digits inference ceiling at the sgemm peak, images/s", "digits", "inference_ceiling_images_per_s", 1),
    ("digits core-to-core round trip before its training, ns", "digits", "core_round_trip_nanoseconds.0", 1),
    ("digits core-to-core round trip after its training, ns", "digits", "core_round_trip_nanoseconds.1", 1),
    ("digits core-to-core round trip after its inference, ns", "digits", "core_round_trip_nanoseconds.2", 1),
]:
    print(f"| {name} | {cell(side, key, scale)} |")
peaks = [json.load(open(p))["peak"]["sgemm_gflops"] for p in sorted(glob.glob(f"{folder}/digits-*.json"))]
runtime = max(median("runtimes", "onnxruntime_images_per_s"), median("runtimes", "openvino_images_per_s"))
print(f"\ntraining: digits / PyTorch = {median('digits', 'train_images_per_s') / median('pytorch', 'train_images_per_s'):.2f}x; "
      f"inference: digits / the faster of ONNX Runtime and OpenVINO = {median('digits', 'infer_images_per_s') / runtime:.2f}x; "
      f"sgemm peak {statistics.median(peaks):.0f} GFLOP/s ({' / '.join(f'{p:.0f}' for p in peaks)})")
ceilings = values("digits", "inference_ceiling_images_per_s")
if ceilings:
    print(f"float32 inference ceiling (the sgemm peak over the multiply-adds digits computes): "
          f"{statistics.median(ceilings) / runtime:.2f}x the faster runtime")
PY
