#!/usr/bin/env bash
# On a lent GPU host: the same PyTorch-2.x LibTorch build as CI's (scripts/build-torch2.sh, with
# DISENT_LIBTORCH = the host's own torch package), `ctest -L gpu`, the training-step benchmark, then the
# rest of the build and of the suite in the time left.
#
#   bash scripts/gpu/build-and-test.sh      # from the repository root; the run carries .deb/
#
# The host has pip torch (LibTorch inside), nvcc, cmake, ninja and a compiler but no C++ -dev libraries and
# no network: scripts/gpu/fetch-debs.sh downloads those here as Debian 12 .debs, and this script unpacks
# them with dpkg-deb -x into $DEPS_PREFIX (never into /), using a fallback/ runtime library only where the
# host lacks its soname. Each phase logs and reports; a failing one does not stop the next.
#
# Writes into $OUT: summary.txt, build.log, ctest.log, bench.log and the benchmark's
# <YYYY-MM-DD>-<gpu>.json + .md, also copied to bench/results/ (bring them back and commit them there).
# Environment: DEVICE (cuda if nvidia-smi sees a GPU, else cpu)  BUILD_DIR (build-torch2)  DEPS_PREFIX
#   (/tmp/disent-deps)  DEB_DIR (.deb)  PYTHON (a python3 with torch)  TOTAL_BUDGET_S (540)
#   BENCH_BUDGET_S (240)  BENCH_ARGS (more train_step_bench.py arguments)  CTEST_JOBS (8)  CTEST_ARGS (more
#   arguments for the rest of the suite, e.g. -L io)  DISENT_GIT_COMMIT (recorded in the benchmark when the
#   copy of the tree has no .git)
set -u -o pipefail
T0=$SECONDS
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
ROOT=$PWD
OUT=${OUT:-$ROOT/out/gpu}; mkdir -p "$OUT" && OUT=$(cd "$OUT" && pwd)
DEPS=${DEPS_PREFIX:-/tmp/disent-deps}
DEB_DIR=${DEB_DIR:-$ROOT/.deb}
export BUILD_DIR=${BUILD_DIR:-build-torch2}
TOTAL_BUDGET_S=${TOTAL_BUDGET_S:-540} BENCH_BUDGET_S=${BENCH_BUDGET_S:-240}
: >"$OUT/summary.txt"
phase() { echo; echo "=== [$(date +%H:%M:%S) +$((SECONDS - T0))s] $*"; }
note() { echo "$*" | tee -a "$OUT/summary.txt"; }
left() { echo $(( TOTAL_BUDGET_S - (SECONDS - T0) )); }
clamp() { local v=$1; [ "$v" -gt "$3" ] && v=$3; [ "$v" -lt "$2" ] && v=$2; echo "$v"; }  # clamp V MIN MAX
MA=$(gcc -print-multiarch 2>/dev/null); MA=${MA:-x86_64-linux-gnu}

phase "host"
PY=${PYTHON:-python3}
"$PY" -c 'import torch' 2>/dev/null || PY=/opt/torch/.venv/bin/python3
PATH=$PATH:$(dirname "$PY"); export PATH  # pip's cmake and ninja sit beside the interpreter
command -v nvcc >/dev/null || { [ -x /usr/local/cuda/bin/nvcc ] && export PATH=/usr/local/cuda/bin:$PATH; }
TORCH_DIR=$("$PY" -c 'import importlib.util as u; print(u.find_spec("torch").submodule_search_locations[0])')
[ -n "$TORCH_DIR" ] || { note "no python3 with torch (PYTHON=$PY): nothing to build against"; exit 1; }
DEVICE=${DEVICE:-$(nvidia-smi -L >/dev/null 2>&1 && echo cuda || echo cpu)}
note "host: $(. /etc/os-release; echo "$PRETTY_NAME") | $(g++ --version | head -1) | $(cmake --version | head -1) | nvcc $(nvcc --version 2>/dev/null | grep -o 'release [0-9.]*')"
note "gpu: $(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null | head -1) | device $DEVICE"
note "torch: $("$PY" -c 'import torch; print(torch.__version__, "cuda", torch.version.cuda)' 2>&1 | tail -1) at $TORCH_DIR ($PY)"

phase "dependencies: .debs from $DEB_DIR into $DEPS"
have_soname() { ldconfig -p | awk '{print $1}' | grep -qxF "$1" || [ -e "/lib/$MA/$1" ] || [ -e "/usr/lib/$MA/$1" ]; }
unpack() {
  ls "$DEB_DIR"/*.deb >/dev/null || { echo "no .debs: run scripts/gpu/fetch-debs.sh here and carry .deb"; return 1; }
  rm -rf "$DEPS" && mkdir -p "$DEPS/fallback" "$DEPS/bin" || return 1
  local f so l t c lib=$DEPS/usr/lib/$MA
  for f in "$DEB_DIR"/*.deb; do dpkg-deb -x "$f" "$DEPS" || return 1; done
  for f in "$DEB_DIR"/fallback/*.deb; do dpkg-deb -x "$f" "$DEPS/fallback" || return 1; done
  while IFS= read -r f; do  # a fallback library only where the host lacks its soname
    so=$(objdump -p "$f" 2>/dev/null | awk '$1 == "SONAME" {print $2}')
    [ -n "$so" ] && ! have_soname "$so" && cp "$f" "$lib/$so" && note "deps: Debian's $so (the host has none)"
  done < <(find "$DEPS/fallback" -type f -name 'lib*.so*')
  if ! command -v pkg-config >/dev/null; then
    ln -s "$DEPS/fallback/usr/bin/pkgconf" "$DEPS/bin/pkg-config" && note "deps: Debian's pkgconf as pkg-config"
  fi
  while IFS= read -r l; do  # absolute links (libz.so -> /lib/.../libz.so.1.2.13): into the prefix or the host
    t=$(readlink "$l")
    if [ -e "$DEPS$t" ]; then ln -sfn "$DEPS$t" "$l"; continue; fi
    [ -e "$t" ] && continue
    c=$(ls "$lib/$(basename "$l")".* 2>/dev/null | head -1)  # a fallback copy, else the host's soname
    [ -n "$c" ] || c=$(ldconfig -p | awk -v n="$(basename "$l")." 'index($1, n) == 1 && /x86-64/ {print $NF; exit}')
    if [ -n "$c" ]; then ln -sfn "$c" "$l"; else note "deps: dangling link $l -> $t"; fi
  done < <(find "$DEPS/usr" -type l -lname '/*')
  # .pc files name /usr (prefix=/usr, and matio.pc's -I/usr/... -L/usr/...)
  find "$DEPS/usr" -name '*.pc' -exec sed -i -E "s#(^|[=[:space:]]|-[IL])/usr([/[:space:]]|\$)#\1$DEPS/usr\2#g" {} +
}
if unpack; then note "deps: ok ($(ls "$DEB_DIR"/*.deb | wc -l) .debs, $(ls "$DEB_DIR"/fallback/*.deb | wc -l) fallback)"
else note "deps: FAILED (see the log above)"; fi
export PATH=$PATH:$DEPS/bin
export CMAKE_PREFIX_PATH=$DEPS/usr${CMAKE_PREFIX_PATH:+:$CMAKE_PREFIX_PATH}  # find_package/find_library/...
export PKG_CONFIG_PATH=$DEPS/usr/lib/$MA/pkgconfig:$DEPS/usr/share/pkgconfig
export LD_LIBRARY_PATH=$DEPS/usr/lib/$MA${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}  # the linker and every run

export DISENT_LIBTORCH=$TORCH_DIR
build() {  # build [TARGET...]: scripts/build-torch2.sh (configure + build; everything without targets)
  echo "----- build-torch2.sh $*" >>"$OUT/build.log"
  if timeout "$(clamp "$(left)" 60 3600)" bash scripts/build-torch2.sh "$@" >>"$OUT/build.log" 2>&1; then
    note "build ${*:-(everything)}: ok (+$((SECONDS - T0))s)"
  else
    note "build ${*:-(everything)}: FAILED (+$((SECONDS - T0))s; build.log):"
    grep -E -m 15 'error:|CMake Error|undefined reference|FAILED:' "$OUT/build.log" | tee -a "$OUT/summary.txt"
  fi
}
ctest_run() {  # ctest_run BUDGET-S ARGS...: appends to ctest.log
  local b=$1 rc; shift
  echo "===== ctest $* (budget ${b}s)" >>"$OUT/ctest.log"
  (cd "$BUILD_DIR" && timeout "$b" ctest --output-on-failure --timeout 300 "$@") >>"$OUT/ctest.log" 2>&1
  rc=$?; [ $rc = 124 ] && echo "ctest: stopped at the ${b}s budget" >>"$OUT/ctest.log"
  note "ctest $*: rc=$rc $(grep -E 'tests passed|tests failed|stopped at the' "$OUT/ctest.log" | tail -1)"
  sed -n '/The following tests FAILED/,/^Errors while/p' "$OUT/ctest.log" | tail -n +2 | head -30 | tee -a "$OUT/summary.txt"
}
: >"$OUT/build.log"; : >"$OUT/ctest.log"

# What only a GPU host can tell comes first: disent-run and the GPU tests, then the benchmark; then the
# rest of the build and of the suite (which CI runs too) in the time left.
phase "configure + build disent-run, test_gpu ($BUILD_DIR: scripts/build-torch2.sh, DISENT_LIBTORCH=$TORCH_DIR)"
build disent-run test_gpu
{ echo "--- where CMake found things"; grep -E '^(Torch_DIR|yaml-cpp_DIR|spdlog_DIR|fmt_DIR|CLI11_DIR|nlohmann_json_DIR|GTest_DIR|PNG_LIBRARY_RELEASE|ZLIB_LIBRARY_RELEASE|HDF5_C_INCLUDE_DIR|HDF5_hdf5_LIBRARY_RELEASE|HDF5_C_LIBRARY_hdf5|HDF5_C_COMPILER_EXECUTABLE|LIBLINEAR_LIBRARY|LIBLINEAR_INCLUDE_DIR|PKG_CONFIG_EXECUTABLE|CMAKE_CUDA_COMPILER|pkgcfg_lib_[A-Z]*_[a-z]*):' "$BUILD_DIR/CMakeCache.txt"
  [ -x "$BUILD_DIR/disent-run" ] && ldd "$BUILD_DIR/disent-run"; } >>"$OUT/build.log" 2>&1

phase "ctest -L gpu"
ctest_run "$(clamp $(( $(left) - BENCH_BUDGET_S - 60 )) 60 180)" -L gpu

b=$(clamp $(( $(left) - 60 )) 60 "$BENCH_BUDGET_S")
phase "benchmark on $DEVICE (budget ${b}s)"
# Written straight into $OUT (it rewrites its file after every measurement, so a run cut short still
# brings back what it measured), then copied to bench/results/.
rm -f "$OUT"/20[0-9][0-9]-*.json "$OUT"/20[0-9][0-9]-*.md
# shellcheck disable=SC2086
timeout $((b + 120)) "$PY" bench/train_step_bench.py --device "$DEVICE" --python "$PY" --binary "$BUILD_DIR/disent-run" \
  --time-budget "$b" --workdir /tmp/disent-bench --results-dir "$OUT" ${BENCH_ARGS:-} >"$OUT/bench.log" 2>&1
rc=$?
json=$(ls "$OUT"/20[0-9][0-9]-*.json 2>/dev/null | head -1)
if [ -n "$json" ]; then
  mkdir -p bench/results && cp "$json" "${json%.json}.md" bench/results/
  note "benchmark: rc=$rc, $(grep -c '"status": "ok"' "$json") ok results: bench/results/$(basename "$json") (and in \$OUT)"
else
  note "benchmark: rc=$rc, no results file (bench.log)"
fi
grep -E '^\[bench' "$OUT/bench.log" | tail -20

if [ "$(left)" -gt 60 ]; then
  phase "build everything, then the rest of the suite (budget $(left)s)"
  build
  # shellcheck disable=SC2086
  OMP_NUM_THREADS=2 ctest_run "$(clamp $(( $(left) - 5 )) 30 3600)" -LE gpu -j"${CTEST_JOBS:-8}" ${CTEST_ARGS:-}
else
  note "the rest of the build and suite: skipped (no time left of TOTAL_BUDGET_S=$TOTAL_BUDGET_S)"
fi

phase "done in $((SECONDS - T0))s"
cat "$OUT/summary.txt"; echo
[ -n "$json" ] && cat "${json%.json}.md"
exit 0
