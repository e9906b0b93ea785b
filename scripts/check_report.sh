#!/usr/bin/env bash
# Rebuilds the committed report from the committed run folders with a release build of digits and
# fails when it differs from results/REPORT.md or results/APPENDIX.md: it catches a report left
# stale by a new run folder, and a crash that only the optimised build has (the tests build in
# debug).
#
#   scripts/check_report.sh [DIGITS_BINARY]     (default: .build/release/digits)
#
# Run from the repository root. The run folders are copied without their checkpoints, so the
# ensembles come from results/results.json (copied beside the new report, as `digits experiment`
# expects) and nothing is trained or evaluated: it takes seconds. The lines that name the output
# folder or say which ensembles were kept rather than evaluated are left out of the comparison.
set -euo pipefail

fail() { echo "check_report.sh: $*" >&2; exit 1; }
digits=$(realpath -m "${1:-.build/release/digits}")
[[ -x $digits ]] || fail "no digits executable at $digits (swift build -c release --product digits)"
[[ -f results/REPORT.md && -f results/APPENDIX.md && -f results/results.json ]] ||
  fail "run from the repository root"

repo=$PWD
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# The same relative paths as in the repository, as the report names each run's folder.
mkdir "$out/tree"
find results/runs -type f ! -name '*.safetensors' ! -name '*.log' -exec cp --parents {} "$out/tree" \;
cp results/results.json "$out/"
cd "$out/tree"
mapfile -t runs < <(find results/runs -name metrics.json -printf '%h\n' | LC_ALL=C sort)
((${#runs[@]})) || fail "no run folders under results/runs"

"$digits" experiment --out "$out" --data-dir "$repo/data/mnist" --threads 2 --from "${runs[@]}" \
  >"$out/experiment.log" 2>&1 ||
  { tail -n 20 "$out/experiment.log" >&2; fail "digits experiment failed (its last lines above)"; }
cd "$repo"

# The appendix's footer names the --out folder; its notes on kept ensembles depend on which
# checkpoints exist.
comparable() { grep -v -e '^- report written by' -e 'best\.safetensors' "$1"; }
for file in REPORT.md APPENDIX.md; do
  if ! diff <(comparable "results/$file") <(comparable "$out/$file") >"$out/$file.diff"; then
    head -n 40 "$out/$file.diff" >&2
    fail "results/$file differs from the report its run folders give (rebuild it: see docs/reproducing.md)"
  fi
done
echo "check_report.sh: results/REPORT.md and results/APPENDIX.md match their ${#runs[@]} run folders"
