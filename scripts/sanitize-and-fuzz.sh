#!/usr/bin/env bash
# Sanitizer build (clang, ASan + UBSan) of the torch-free libraries and their unit tests, then a short
# libFuzzer run of every fuzz target from its seed corpus (fuzz/corpus/<target>/). Run by .ci/run after
# the main test suite. FUZZ_SECONDS (default 10) per target; FUZZ_SEED (default 1: the same inputs on
# every CI run, so a red CI is reproducible; 0 = a fresh random seed, for exploring by hand). Crashes are saved under build-san/crashes/;
# each one found becomes a regression input under tests/fuzz-regressions/ (replayed below).
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZ_SECONDS=${FUZZ_SECONDS:-10}
FUZZ_SEED=${FUZZ_SEED:-1}
CC=clang CXX=clang++ cmake -S . -B build-san -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDISENT_SANITIZE=ON >/dev/null
cmake --build build-san -j"$(nproc)"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
echo "== unit tests under AddressSanitizer + UndefinedBehaviorSanitizer"
(cd build-san && ctest --output-on-failure -j"$(nproc)")
mkdir -p build-san/crashes
status=0
for target in fuzz_spec fuzz_sweep fuzz_slurm fuzz_npz fuzz_sources fuzz_png fuzz_csv fuzz_checkpoint; do
  corpus=fuzz/corpus/${target#fuzz_}
  work=build-san/corpus/${target#fuzz_}
  mkdir -p "$work"
  # replay the regression inputs of earlier crashes first
  if [ -d "tests/fuzz-regressions/${target#fuzz_}" ]; then
    ASAN_OPTIONS=detect_leaks=0 ./build-san/$target tests/fuzz-regressions/${target#fuzz_}/* >/dev/null 2>&1 || { echo "REGRESSION: $target"; status=1; }
  fi
  extra=()
  asan=$ASAN_OPTIONS
  # LibTorch (not instrumented, not ours) leaks on some malformed archives: no leak check there
  [ "$target" = fuzz_checkpoint ] && { extra=(-detect_leaks=0); asan=detect_leaks=0:abort_on_error=1; }
  echo "== $target: ${FUZZ_SECONDS}s from $(ls "$corpus" | wc -l) seeds"
  if ! ASAN_OPTIONS=$asan ./build-san/$target -max_total_time="$FUZZ_SECONDS" -max_len=131072 -timeout=10 -rss_limit_mb=4096 \
        -seed="$FUZZ_SEED" -artifact_prefix=build-san/crashes/${target}- -print_final_stats=1 "${extra[@]}" "$work" "$corpus" 2>build-san/$target.log; then
    echo "FUZZ FAILURE in $target:"; tail -30 build-san/$target.log; status=1
  else
    grep -E "stat::number_of_executed_units|cov:" build-san/$target.log | tail -2
  fi
done
# libhdf5 (Debian 1.10.8, not instrumented) crashes inside its own code on damaged files within a few
# hundred inputs (docs/reliability.md). disent-run never hands libhdf5 an unverified file: sources are
# checked against their published MD5 and prepared stores against the size + MD5 recorded when they were
# written. This run is therefore reported, not gating: a crash whose stack holds no frame of our code.
echo "== fuzz_h5 (report only: crashes inside libhdf5 are not gating)"
mkdir -p build-san/corpus/h5
# regressions of OUR code found by fuzz_h5 do gate (each was checked not to crash libhdf5 either)
ASAN_OPTIONS=detect_leaks=0 ./build-san/fuzz_h5 tests/fuzz-regressions/h5/* >/dev/null 2>&1 || { echo "REGRESSION: fuzz_h5"; status=1; }
if ! ASAN_OPTIONS=detect_leaks=0 ./build-san/fuzz_h5 -max_total_time="$FUZZ_SECONDS" -max_len=131072 -timeout=10 \
      -rss_limit_mb=4096 -seed="$FUZZ_SEED" -artifact_prefix=build-san/crashes/fuzz_h5- build-san/corpus/h5 fuzz/corpus/h5 2>build-san/fuzz_h5.log; then
  # the crash is libhdf5's when the innermost frame outside the sanitizer, fuzzer, allocator and libc is
  first=$(grep -E '^ +#[0-9]+ ' build-san/fuzz_h5.log \
    | grep -vE '__sanitizer|fuzzer::|__asan|__interceptor|__lsan|in (malloc|calloc|realloc|free|operator new)|libc\.so|memcpy|memmove|memset' \
    | head -1)
  if echo "$first" | grep -q 'libhdf5'; then
    echo "fuzz_h5: libhdf5 crashed inside its own code (known; see docs/reliability.md): $(grep -m1 SUMMARY build-san/fuzz_h5.log)"
  else
    echo "FUZZ FAILURE in fuzz_h5 outside libhdf5:"; tail -30 build-san/fuzz_h5.log; status=1
  fi
fi
exit $status
