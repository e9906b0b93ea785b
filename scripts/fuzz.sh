#!/usr/bin/env bash
# Fuzzes the three parsers of untrusted input with libFuzzer, for a bounded time each:
#
#   idx          IDX files, raw or gzip (Sources/DigitsData: gunzipIfNeeded, IDXImages/IDXLabels.parse)
#   safetensors  checkpoints (Sources/DigitsNN: SafeTensorsFile(bytes:path:) and its typed reads)
#   image        image import (Sources/DigitsImaging: DigitImage(encoded:name:) and mnistPixels())
#
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]   (default: 600 s, all three)
#
# Each target (fuzz/<Name>Fuzz.swift) is compiled with the sources of the modules it needs
# by swiftc -sanitize=fuzzer,address -O (bounds checks kept, unlike the -Ounchecked release
# build, so an out-of-range index traps here instead of reading past a buffer), the C code
# (stb_image) with the toolchain's clang and the same sanitizers. Builds, seeds and the growing
# corpus live in .build-fuzz/ (git-ignored); inputs that crash are written to
# fuzz/crashes/<target>/. Once the parser is fixed, such an input belongs in
# Tests/Fixtures/fuzz-regressions/<target>/, where the test suite replays it.
#
# Prints one summary line per target with its executions; exits 1 if any target crashed.
# Environment: SWIFTC (default swiftc), CLANG (default: the clang beside swiftc),
# FUZZ_SANITIZERS (default fuzzer,address; "fuzzer" alone runs about 1.5 times as fast but only
# catches traps), FUZZ_TIMEOUT (seconds one input may take before it counts as a hang; 120).
# On a machine that is busy with other work, run it as `nice -n 19 scripts/fuzz.sh`.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-600}
[ $# -gt 0 ] && shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(idx safetensors image)
case $seconds in '' | *[!0-9]*)
  echo "usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [idx|safetensors|image ...]" >&2
  exit 2
  ;;
esac

SWIFTC=${SWIFTC:-swiftc}
CLANG=${CLANG:-$(dirname "$(command -v "$SWIFTC")")/clang}
sanitizers=${FUZZ_SANITIZERS:-fuzzer,address}
hang_seconds=${FUZZ_TIMEOUT:-120}
build=.build-fuzz
# Objects per set of sanitizers (a change of FUZZ_SANITIZERS rebuilds); seeds and corpus shared.
objects=$build/${sanitizers//,/-}
mkdir -p "$objects"/{modules,lib,bin} "$build"/{logs,seeds,corpus}

# The package's language mode; -O keeps bounds and overflow checks.
swift_flags=(-O -swift-version 5 -parse-as-library -sanitize="$sanitizers" -I "$objects/modules")
# lld: gold prints a warning per ASan symbol it cannot export.
link_flags=(-use-ld=lld)

# Rebuilds $1 only when it is missing or older than one of the other arguments.
stale() {
  local output=$1
  shift
  [ -e "$output" ] || return 0
  [ -n "$(find "$@" -newer "$output" -print -quit)" ]
}

# A static library and .swiftmodule from the Swift sources of Sources/<module>, after the
# libraries it imports (listed in $2); the other arguments go to swiftc.
swift_module() {
  local module=$1 dependencies=() library
  for library in $2; do dependencies+=("$objects/lib/lib$library.a"); done
  shift 2
  local sources
  # Subfolders too (Sources/DigitsKernels/Convolution, Sources/DigitsNN/SafeTensors).
  mapfile -t sources < <(find Sources/"$module" -name '*.swift' | LC_ALL=C sort)
  stale "$objects/lib/lib$module.a" "${sources[@]}" "${dependencies[@]}" "$0" || return 0
  echo "building $module" >&2
  "$SWIFTC" "${swift_flags[@]}" "$@" -module-name "$module" -emit-module \
    -emit-module-path "$objects/modules/$module.swiftmodule" -emit-library -static \
    -o "$objects/lib/lib$module.a" "${sources[@]}"
}

# A C target of the package (Sources/<name>: its .c files and include/<name>.h) as a static
# library, as the package builds it, plus the module map SwiftPM would make.
c_library() {
  local name=$1 object=$objects/lib/lib$1.a source objects_built=()
  stale "$object" Sources/"$name" "$0" || return 0
  echo "building $name" >&2
  for source in Sources/"$name"/*.c; do
    "$CLANG" -O2 -fsanitize="${sanitizers/fuzzer/fuzzer-no-link}" -I Sources/"$name"/include \
      -c "$source" -o "$objects/lib/$(basename "$source" .c).o"
    objects_built+=("$objects/lib/$(basename "$source" .c).o")
  done
  rm -f "$object"
  "$(dirname "$CLANG")/llvm-ar" rcs "$object" "${objects_built[@]}"
  mkdir -p "$objects/modules/$name"
  printf 'module %s {\n  header "%s"\n  export *\n}\n' "$name" \
    "$PWD/Sources/$name/include/$name.h" >"$objects/modules/$name/module.modulemap"
}

# The fuzzer executable for target $1 from fuzz/$2, linked with the libraries after it.
fuzzer() {
  local target=$1 source=fuzz/$2
  shift 2
  local binary=$objects/bin/$target-fuzzer libraries=() library
  for library in "$@"; do libraries+=("$objects/lib/lib$library.a"); done
  stale "$binary" "$source" "${libraries[@]}" || return 0
  echo "building $binary" >&2
  "$SWIFTC" "${swift_flags[@]}" "${link_flags[@]}" -I Sources/CDigitsZlib -I Sources/CDigitsBLAS "$source" \
    "${libraries[@]}" -o "$binary"
}

build_target() {
  case $1 in
  idx)
    swift_module DigitsData "" -I Sources/CDigitsZlib
    fuzzer idx IDXFuzz.swift DigitsData
    ;;
  safetensors)
    c_library CDigitsAVX512
    swift_module DigitsKernels CDigitsAVX512 -I Sources/CDigitsBLAS
    swift_module DigitsNN DigitsKernels -I Sources/CDigitsBLAS
    fuzzer safetensors SafeTensorsFuzz.swift DigitsNN DigitsKernels CDigitsAVX512
    ;;
  image)
    swift_module DigitsData "" -I Sources/CDigitsZlib
    c_library CDigitsStbImage
    swift_module DigitsImaging "DigitsData CDigitsStbImage" -I Sources/CDigitsZlib
    fuzzer image ImageFuzz.swift DigitsImaging CDigitsStbImage DigitsData
    ;;
  *)
    echo "unknown fuzz target '$1' (idx, safetensors, image)" >&2
    exit 2
    ;;
  esac
}

# Big-endian 32-bit fields of an IDX header, as printf escapes.
idx_header() {
  local field
  for field in "$@"; do printf "$(printf '\\%03o\\%03o\\%03o\\%03o' \
    $((field >> 24 & 255)) $((field >> 16 & 255)) $((field >> 8 & 255)) $((field & 255)))"; done
}

# $3 bytes of file $1 from offset $2.
bytes() {
  dd if="$1" iflag=skip_bytes,count_bytes skip="$2" count="$3" status=none
}

# Seeds from real files, rewritten on every run (the corpus beside them keeps what was learnt).
seed_target() {
  local seeds=$build/seeds/$1
  rm -rf "$seeds"
  mkdir -p "$seeds"
  case $1 in
  idx)
    local mnist=data/mnist
    cp "$mnist"/t10k-labels-idx1-ubyte.gz "$mnist"/train-labels-idx1-ubyte.gz "$seeds"/
    # The image files whole would be truncated to -max_len: seed their start, and small valid files.
    head -c 8192 "$mnist"/t10k-images-idx3-ubyte.gz >"$seeds"/t10k-images-start.gz
    gunzip -c "$mnist"/t10k-labels-idx1-ubyte.gz >"$seeds"/t10k-labels-idx1-ubyte
    gunzip -c "$mnist"/t10k-images-idx3-ubyte.gz >"$build/t10k-images-idx3-ubyte"
    { idx_header 0x801 20 && bytes "$seeds"/t10k-labels-idx1-ubyte 8 20; } >"$seeds"/labels-20
    { idx_header 0x803 3 28 28 && bytes "$build/t10k-images-idx3-ubyte" 16 $((3 * 784)); } \
      >"$seeds"/images-3
    { idx_header 0x803 2 5 7 && head -c 70 /dev/zero; } >"$seeds"/images-2x5x7
    gzip -9nc "$seeds"/images-3 >"$seeds"/images-3.gz
    gzip -1nc "$seeds"/labels-20 >"$seeds"/labels-20.gz
    ;;
  safetensors)
    # Every PyTorch-written fixture that fits in -max_len whole.
    find Tests/Fixtures -maxdepth 1 -name '*.safetensors' -size -"$(max_len safetensors)"c \
      -exec cp {} "$seeds"/ \;
    ;;
  image)
    cp fuzz/seeds/image/* "$seeds"/
    ;;
  esac
  # Inputs that once crashed (or are built to test the same limits) are seeds too.
  if [ -d "Tests/Fixtures/fuzz-regressions/$1" ]; then
    find "Tests/Fixtures/fuzz-regressions/$1" -type f ! -name '*.md' -exec cp {} "$seeds"/ \;
  fi
}

max_len() {
  case $1 in
  idx) echo 32768 ;;  # the whole train-labels .gz (29 KB)
  safetensors) echo 16384 ;;
  image) echo 16384 ;;
  esac
}

# libFuzzer's last count of executions: "Done N runs" when it finished, the final stats or the
# last status line when it stopped on a crash.
executions() {
  local log=$1 n
  n=$(sed -n 's/^Done \([0-9]*\) runs in .*/\1/p' "$log" | tail -1)
  [ -n "$n" ] || n=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -1)
  [ -n "$n" ] || n=$(sed -n 's/^#\([0-9]*\).*/\1/p' "$log" | tail -1)
  echo "${n:-0}"
}

for target in "${targets[@]}"; do build_target "$target"; done

summary=()
failed=0
for target in "${targets[@]}"; do
  seed_target "$target"
  corpus=$build/corpus/$target
  crashes=fuzz/crashes/$target
  log=$build/logs/$target.log
  mkdir -p "$corpus" "$crashes"
  echo "fuzzing $target for $seconds s (log: $log)" >&2
  status=0
  # The Swift runtime's own crash backtracer would race libFuzzer's handler (and trips ASan).
  # Leaks count as crashes (ASan's default): none is known.
  SWIFT_BACKTRACE=enable=no "$objects/bin/$target-fuzzer" "$corpus" "$build/seeds/$target" \
    -max_total_time="$seconds" -rss_limit_mb=2048 -max_len="$(max_len "$target")" \
    -timeout="$hang_seconds" -artifact_prefix="$crashes/" -print_final_stats=1 >"$log" 2>&1 || status=$?
  runs=$(executions "$log")
  if [ "$status" = 0 ]; then
    summary+=("$target: $runs executions in $seconds s, no crash (corpus: $(find "$corpus" -type f | wc -l) inputs)")
  else
    failed=1
    artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
    reason=$(grep -m1 -E 'Assertion .* failed|Fatal error|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)' \
      "$log" | cut -c1-200 || true)
    summary+=("$target: CRASHED after $runs executions (exit $status): ${reason:-see $log}; input: ${artifact:-none}")
  fi
done

printf '%s\n' "${summary[@]}"
exit "$failed"
