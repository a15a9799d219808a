#!/usr/bin/env bash
# Builds disent-run on the GPU machine, runs its tests and the training-step benchmark.
#
#   bash scripts/gpu/build-and-test.sh            (from the repository root; the run must carry .deb/)
#
# The machine has pip torch (LibTorch inside), CUDA, cmake, ninja and a C++ compiler, but not the C++
# libraries disent-run needs and no network: scripts/gpu/fetch-debs.sh downloads those as Debian 12 .debs
# into .deb/ beforehand, and this script unpacks them with dpkg-deb -x into $DEPS_PREFIX (never into /).
# Nothing aborts the whole run: each phase logs, reports and lets the next one try.
#
# Writes into $OUT (at most 7 files): summary.txt, diag.txt, build.log, ctest.log, bench.log, bench.json,
# bench.md; prints the benchmark table last.
#
# Switches (environment):
#   SKIP_TESTS=1      no ctest            ONLY_BENCH=1   no configure/build if build-gpu/disent-run exists, no tests
#   SKIP_BENCH=1      no benchmark        DEVICE=cpu     benchmark on the CPU (default: cuda if a GPU is seen)
#   TOTAL_BUDGET_S (540)  CTEST_BUDGET_S (150)  BENCH_BUDGET_S (240)  JOBS (16)  CTEST_JOBS (8)
#   BUILD_DIR (build-gpu)  DEPS_PREFIX (/tmp/deps)  DEB_DIR (.deb)  PYTHON (python3)
#   TORCH_CMAKE_PREFIX (default: torch.utils.cmake_prefix_path)   HDF5_STUB (1: stub FindHDF5 if none found)
#   BENCH_ARGS (extra arguments for bench/train_step_bench.py)
#   DEPS_INCLUDE_FIRST=1  put the unpacked headers first on every include path (automatic if torch ships fmt)
#   FORCE_FALLBACK="libssl.so.3 ..." / FORCE_PKGCONF=1 / TEST_FAIL_FIRST_CONFIGURE=1   (testing the fallbacks)
set -u -o pipefail

T0=$(date +%s)
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
ROOT=$(pwd)
OUT=${OUT:-$ROOT/out/gpu}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
DEPS=${DEPS_PREFIX:-/tmp/deps}
FB=${DEPS}-fallback
DEB_DIR=${DEB_DIR:-$ROOT/.deb}
BUILD=${BUILD_DIR:-$ROOT/build-gpu}
JOBS=${JOBS:-16}
CTEST_JOBS=${CTEST_JOBS:-8}
TOTAL_BUDGET_S=${TOTAL_BUDGET_S:-540}
CTEST_BUDGET_S=${CTEST_BUDGET_S:-150}
BENCH_BUDGET_S=${BENCH_BUDGET_S:-240}
SKIP_TESTS=${SKIP_TESTS:-0}
ONLY_BENCH=${ONLY_BENCH:-0}
SKIP_BENCH=${SKIP_BENCH:-0}
HDF5_STUB=${HDF5_STUB:-1}
FORCE_FALLBACK=${FORCE_FALLBACK:-}
FORCE_PKGCONF=${FORCE_PKGCONF:-0}
DIAG=$OUT/diag.txt
BLOG=$OUT/build.log
SUMMARY=$OUT/summary.txt
: >"$DIAG"; : >"$SUMMARY"
[ "$ONLY_BENCH" = 1 ] || : >"$BLOG"

elapsed() { echo $(( $(date +%s) - T0 )); }
phase() { echo; echo "=== [$(date +%H:%M:%S) +$(elapsed)s] $*"; echo "=== [$(date +%H:%M:%S) +$(elapsed)s] $*" >>"$DIAG"; }
note() { echo "$*"; echo "$*" >>"$SUMMARY"; }
left() { echo $(( TOTAL_BUDGET_S - $(elapsed) )); }
min() { [ "$1" -lt "$2" ] && echo "$1" || echo "$2"; }
max() { [ "$1" -gt "$2" ] && echo "$1" || echo "$2"; }

MA=$( (gcc -print-multiarch 2>/dev/null || true) | head -1)
[ -n "$MA" ] || MA=x86_64-linux-gnu

# ------------------------------------------------------------------------------------------------ diagnostics
phase "diagnostics"
PY=${PYTHON:-python3}
if ! "$PY" -c 'import torch' >/dev/null 2>&1; then
  for cand in /opt/torch/.venv/bin/python3 /usr/bin/python3; do
    if [ -x "$cand" ] && "$cand" -c 'import torch' >/dev/null 2>&1; then PY=$cand; break; fi
  done
fi
# pip's cmake and ninja live beside the interpreter (a venv's bin/), which need not be on PATH
PATH=$PATH:$(dirname "$PY"); export PATH
{
  echo "## os"; cat /etc/os-release 2>/dev/null | head -4; uname -a
  echo "## cpu/mem"; nproc; free -g 2>/dev/null | head -2; df -h /tmp 2>/dev/null | tail -1
  echo "## gpu"; nvidia-smi 2>&1 | head -20
  echo "## compilers"; command -v gcc g++ c++ cc; g++ --version 2>&1 | head -1; ldd --version 2>&1 | head -1
  echo "libstdc++ GLIBCXX max: $(strings "$(g++ -print-file-name=libstdc++.so.6 2>/dev/null)" 2>/dev/null | grep -E '^GLIBCXX_[0-9.]+$' | sort -V | tail -1)"
  echo "## tools"; cmake --version 2>&1 | head -1; ninja --version 2>&1; command -v pkg-config pkgconf dpkg-deb ar ldconfig
  echo "## nvcc"; (command -v nvcc && nvcc --version) 2>&1 | tail -3; ls -d /usr/local/cuda* 2>/dev/null
  echo "## python: $PY"
} >>"$DIAG" 2>&1
TORCH_INFO=$("$PY" - <<'EOF' 2>>"$DIAG"
import os, torch
print("TORCH_VERSION=%s" % torch.__version__)
print("TORCH_CUDA=%s" % torch.version.cuda)
print("TORCH_CUDA_OK=%d" % int(torch.cuda.is_available()))
print("TORCH_ABI=%d" % int(bool(torch._C._GLIBCXX_USE_CXX11_ABI)))
print("TORCH_CMAKE=%s" % torch.utils.cmake_prefix_path)
print("TORCH_DIR=%s" % os.path.dirname(torch.__file__))
try:
    print("TORCH_GPU=%s" % torch.cuda.get_device_name(0).replace(" ", "_"))
except Exception:
    print("TORCH_GPU=none")
EOF
)
echo "$TORCH_INFO" >>"$DIAG"
getv() { echo "$TORCH_INFO" | sed -n "s/^$1=//p" | head -1; }
TORCH_VERSION=$(getv TORCH_VERSION); TORCH_CUDA=$(getv TORCH_CUDA); TORCH_CUDA_OK=$(getv TORCH_CUDA_OK)
TORCH_ABI=$(getv TORCH_ABI); TORCH_DIR=$(getv TORCH_DIR)
TORCH_CMAKE=${TORCH_CMAKE_PREFIX:-$(getv TORCH_CMAKE)}
ls "$TORCH_DIR/include" >>"$DIAG" 2>&1
[ -d "$TORCH_DIR/include/fmt" ] && echo "note: torch ships include/fmt (may shadow Debian's fmt 9 for spdlog)" | tee -a "$DIAG"
echo "os: $(. /etc/os-release 2>/dev/null; echo "${PRETTY_NAME:-?}") | $(g++ --version 2>/dev/null | head -1) | $(cmake --version 2>/dev/null | head -1) | ninja $(ninja --version 2>/dev/null)"
echo "gpu: $(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null | head -1)"
echo "python: $PY | torch ${TORCH_VERSION:-NOT IMPORTABLE} cuda ${TORCH_CUDA:-?} available=${TORCH_CUDA_OK:-?} cxx11_abi=${TORCH_ABI:-?}"
echo "torch cmake prefix: ${TORCH_CMAKE:-?}"
note "torch ${TORCH_VERSION:-?} (cuda ${TORCH_CUDA:-?}, available=${TORCH_CUDA_OK:-?}, _GLIBCXX_USE_CXX11_ABI=${TORCH_ABI:-?})"
if [ "${TORCH_ABI:-1}" = 0 ]; then
  note "!!! torch was built with the OLD C++ ABI (_GLIBCXX_USE_CXX11_ABI=0). Debian's yaml-cpp/spdlog/fmt/libzip use"
  note "!!! the C++11 ABI: expect 'undefined reference' link errors for functions taking std::string. Needs a"
  note "!!! cxx11-abi LibTorch, or those libraries built from source with -D_GLIBCXX_USE_CXX11_ABI=0."
fi

NVCC=$(command -v nvcc 2>/dev/null || true)
if [ -z "$NVCC" ]; then
  for c in /usr/local/cuda/bin/nvcc /usr/local/cuda-*/bin/nvcc "$TORCH_DIR"/../nvidia/*/bin/nvcc; do
    [ -x "$c" ] && { NVCC=$c; break; }
  done
fi
CUDA_ARGS=()
if [ -n "$NVCC" ]; then
  NVCC=$(readlink -f "$NVCC")
  export CUDA_HOME=${CUDA_HOME:-$(dirname "$(dirname "$NVCC")")}
  export CUDA_PATH=${CUDA_PATH:-$CUDA_HOME} CUDACXX=${CUDACXX:-$NVCC} CUDAToolkit_ROOT=${CUDAToolkit_ROOT:-$CUDA_HOME}
  export TORCH_CUDA_ARCH_LIST=${TORCH_CUDA_ARCH_LIST:-9.0}
  export PATH=$CUDA_HOME/bin:$PATH
  CUDA_ARGS=(-DCMAKE_CUDA_COMPILER="$NVCC" -DCMAKE_CUDA_ARCHITECTURES=90 -DCUDAToolkit_ROOT="$CUDA_HOME")
  echo "nvcc: $NVCC ($("$NVCC" --version 2>/dev/null | grep -o 'release [0-9.]*' | head -1)); CUDA_HOME=$CUDA_HOME"
else
  echo "nvcc: not found (LibTorch's CMake config may need the CUDA toolkit)"
fi

# ------------------------------------------------------------------------------------------------ dependencies
phase "dependencies: unpack .deb files into $DEPS"
extract_deb() {  # extract_deb FILE DEST
  if command -v dpkg-deb >/dev/null 2>&1; then
    dpkg-deb -x "$1" "$2"
  else  # plain ar + tar
    local member; member=$(ar t "$1" | grep '^data\.tar' | head -1)
    case "$member" in
      *.xz) ar p "$1" "$member" | tar -xJ -C "$2" ;;
      *.zst) ar p "$1" "$member" | tar --zstd -x -C "$2" ;;
      *.gz) ar p "$1" "$member" | tar -xz -C "$2" ;;
      *) ar p "$1" "$member" | tar -x -C "$2" ;;
    esac
  fi
}
have_soname() {  # is $1 loadable from the system (not from our prefix)?
  case " $FORCE_FALLBACK " in *" $1 "*) return 1 ;; esac
  ldconfig -p 2>/dev/null | awk '{print $1}' | grep -qxF "$1" && return 0
  local d
  for d in /lib/$MA /usr/lib/$MA /lib64 /usr/lib64 /lib /usr/lib; do [ -e "$d/$1" ] && return 0; done
  return 1
}
DEPS_OK=1
if [ "$ONLY_BENCH" = 1 ] && [ -f "$DEPS/.unpacked" ]; then
  echo "reusing $DEPS"
elif ! ls "$DEB_DIR"/*.deb >/dev/null 2>&1; then
  note "deps: NO .deb files in $DEB_DIR (did the run carry .deb? run scripts/gpu/fetch-debs.sh here first)"
  DEPS_OK=0
else
  rm -rf "$DEPS" "$FB"; mkdir -p "$DEPS" "$FB"
  n=0
  for f in "$DEB_DIR"/*.deb; do extract_deb "$f" "$DEPS" >>"$DIAG" 2>&1 && n=$((n+1)) || { note "deps: cannot unpack $f"; DEPS_OK=0; }; done
  for f in "$DEB_DIR"/fallback/*.deb; do [ -e "$f" ] && { extract_deb "$f" "$FB" >>"$DIAG" 2>&1 || note "deps: cannot unpack $f"; }; done
  echo "unpacked $n main packages"
  LIBDIR=$DEPS/usr/lib/$MA
  mkdir -p "$LIBDIR"
  # 1. fallback runtime libraries, only for sonames the machine lacks
  for lib in "$FB"/lib/"$MA"/lib*.so.* "$FB"/usr/lib/"$MA"/lib*.so.*; do
    [ -e "$lib" ] || continue
    name=$(basename "$lib")
    if ! have_soname "$name"; then cp -L "$lib" "$LIBDIR/$name" && echo "fallback: using Debian's $name (the machine has none)" | tee -a "$DIAG"; fi
  done
  # 2. absolute symlinks (zlib1g-dev's libz.so -> /lib/.../libz.so.1.2.13) point into the prefix or the system
  while IFS= read -r l; do
    t=$(readlink "$l")
    case "$t" in /*) ;; *) continue ;; esac
    if [ -e "$DEPS$t" ]; then ln -sfn "$DEPS$t" "$l"; echo "relinked $l -> $DEPS$t" >>"$DIAG"; continue; fi
    [ -e "$t" ] && continue
    n0=$(basename "$l")
    cand=$(ls -1 "$LIBDIR/$n0".* "$DEPS/lib/$MA/$n0".* 2>/dev/null | head -1)
    [ -z "$cand" ] && cand=$(ldconfig -p 2>/dev/null | grep -F " $n0." | grep -F 'x86-64' | head -1 | awk '{print $NF}')
    [ -z "$cand" ] && cand=$(ls -1 /lib/$MA/"$n0".* /usr/lib/$MA/"$n0".* 2>/dev/null | head -1)
    if [ -n "$cand" ]; then ln -sfn "$cand" "$l"; echo "relinked $l -> $cand" | tee -a "$DIAG"; else note "deps: dangling link $l -> $t"; fi
  done < <(find "$DEPS" -type l)
  # 3. pkg-config files say prefix=/usr
  while IFS= read -r pc; do
    sed -i -e "s#^prefix=/usr\$#prefix=$DEPS/usr#" -e "s#^\([A-Za-z_]*\)=/usr/#\1=$DEPS/usr/#" "$pc"
  done < <(find "$DEPS" -name '*.pc')
  touch "$DEPS/.unpacked"
fi
LIBDIR=$DEPS/usr/lib/$MA
export LD_LIBRARY_PATH=$LIBDIR:$DEPS/lib/$MA${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export PKG_CONFIG_PATH=$LIBDIR/pkgconfig:$DEPS/usr/share/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
PKGCONF_ARGS=()
command -v pkg-config >/dev/null 2>&1 && PKGCONF_ARGS=(-DPKG_CONFIG_EXECUTABLE="$(command -v pkg-config)")
if [ "$FORCE_PKGCONF" = 1 ] || ! command -v pkg-config >/dev/null 2>&1; then
  if [ -x "$FB/usr/bin/pkgconf" ]; then
    mkdir -p "$DEPS/bin"
    cat >"$DEPS/bin/pkg-config" <<EOF
#!/bin/sh
LD_LIBRARY_PATH="$FB/usr/lib/$MA\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}" exec "$FB/usr/bin/pkgconf" "\$@"
EOF
    chmod +x "$DEPS/bin/pkg-config"
    export PATH=$DEPS/bin:$PATH
    PKGCONF_ARGS=(-DPKG_CONFIG_EXECUTABLE="$DEPS/bin/pkg-config")
    note "deps: no pkg-config on the machine: using Debian's pkgconf ($DEPS/bin/pkg-config)"
  else
    note "deps: no pkg-config and no fallback pkgconf: pkg_check_modules(libzip) will fail"
  fi
fi
echo "pkg-config libzip: $(pkg-config --cflags --libs libzip 2>&1)" | tee -a "$DIAG"
# For a CMakeLists.txt that finds HDF5 as REQUIRED but links nothing from it: a FindHDF5 that tries the real
# module and, for a REQUIRED find only, otherwise reports an empty HDF5, so that a machine without HDF5 can
# configure. (An optional find_package(HDF5) is left to the real module's result.)
STUBS=$DEPS/cmake-modules
mkdir -p "$STUBS"
MODULE_ARGS=()
if [ "$HDF5_STUB" = 1 ]; then
  cat >"$STUBS/FindHDF5.cmake" <<'EOF'
# Written by scripts/gpu/build-and-test.sh: disent-run finds HDF5 but links nothing from it yet.
set(_disent_hdf5_req "${HDF5_FIND_REQUIRED}")
set(_disent_hdf5_quiet "${HDF5_FIND_QUIETLY}")
set(HDF5_FIND_REQUIRED FALSE)
set(HDF5_FIND_QUIETLY TRUE)
include("${CMAKE_ROOT}/Modules/FindHDF5.cmake")
set(HDF5_FIND_REQUIRED "${_disent_hdf5_req}")
set(HDF5_FIND_QUIETLY "${_disent_hdf5_quiet}")
if(NOT HDF5_FOUND AND _disent_hdf5_req)  # only a REQUIRED find is faked; an optional one stays not-found
  message(WARNING "HDF5 not found: using an empty stub (nothing in disent-run links HDF5 yet)")
  set(HDF5_FOUND TRUE)
  set(HDF5_C_FOUND TRUE)
  set(HDF5_VERSION "0-stub")
  set(HDF5_INCLUDE_DIRS "")
  set(HDF5_LIBRARIES "")
  set(HDF5_C_INCLUDE_DIRS "")
  set(HDF5_C_LIBRARIES "")
  set(HDF5_DEFINITIONS "")
  if(NOT TARGET HDF5::HDF5)
    add_library(HDF5::HDF5 INTERFACE IMPORTED)
  endif()
endif()
EOF
  MODULE_ARGS=(-DCMAKE_MODULE_PATH="$STUBS")
fi
# Runs right after project(): if torch ships its own fmt headers, Debian's (fmt 9, which spdlog 1.10 was built
# against) must come first on every include path.
PROJECT_INCLUDE=$STUBS/project-include.cmake
echo "# written by scripts/gpu/build-and-test.sh" >"$PROJECT_INCLUDE"
if [ -d "$TORCH_DIR/include/fmt" ] || [ "${DEPS_INCLUDE_FIRST:-0}" = 1 ]; then
  echo "include_directories(BEFORE SYSTEM \"$DEPS/usr/include\")" >>"$PROJECT_INCLUDE"
  note "deps: $DEPS/usr/include goes first on include paths (torch ships include/fmt, or DEPS_INCLUDE_FIRST=1)"
fi
# Known LibTorch-from-pip pitfall (older torch): Torch's config links CUDA::nvToolsExt, which recent CUDA
# toolkits no longer ship. Used only in the retries after a failed first configure.
{ echo "include(\"$PROJECT_INCLUDE\")"; cat; } >"$STUBS/torch-shims.cmake" <<'EOF'
find_package(CUDAToolkit QUIET)
if(NOT TARGET CUDA::nvToolsExt)
  add_library(CUDA::nvToolsExt INTERFACE IMPORTED)
  if(TARGET CUDA::nvtx3)
    target_link_libraries(CUDA::nvToolsExt INTERFACE CUDA::nvtx3)
  endif()
  message(STATUS "build-and-test.sh: defined an empty CUDA::nvToolsExt")
endif()
EOF
note "deps: $([ $DEPS_OK = 1 ] && echo ok || echo PROBLEMS) ($(ls "$DEB_DIR"/*.deb "$DEB_DIR"/fallback/*.deb 2>/dev/null | wc -l) debs, prefix $DEPS)"

# pip torch's libraries find CUDA/cuDNN/NCCL through their RUNPATH ($ORIGIN/../../nvidia/...); the linker
# (checking libtorch_cuda.so's own dependencies) and the test/bench processes get the same folders here.
TORCH_LIB_DIRS=""
for d in "$TORCH_DIR"/lib "$TORCH_DIR"/../nvidia/*/lib "$TORCH_DIR"/../nvidia/*/lib64; do
  [ -d "$d" ] && TORCH_LIB_DIRS=$TORCH_LIB_DIRS:$(readlink -f "$d")
done
export LD_LIBRARY_PATH=$LD_LIBRARY_PATH$TORCH_LIB_DIRS
echo "LD_LIBRARY_PATH=$LD_LIBRARY_PATH" >>"$DIAG"
CUDNN_ARGS=()
for d in "$TORCH_DIR"/../nvidia/cudnn "$TORCH_DIR"/../nvidia/cu*/; do
  if ls "$d"/include/cudnn*.h >/dev/null 2>&1; then
    d=$(readlink -f "$d"); CUDNN_ARGS=(-DCUDNN_ROOT="$d" -DCUDNN_INCLUDE_PATH="$d/include" -DCUDNN_LIBRARY_PATH="$(ls "$d"/lib/libcudnn.so* 2>/dev/null | head -1)"); break
  fi
done

# ------------------------------------------------------------------------------------------------ configure + build
BIN=$BUILD/disent-run
BUILD_OK=0
if [ "$ONLY_BENCH" = 1 ] && [ -x "$BIN" ]; then
  phase "configure/build skipped (ONLY_BENCH=1 and $BIN exists)"
  BUILD_OK=1
else
  phase "configure ($BUILD)"
  # the unpacked packages first: a Torch prefix that also holds other CMake packages must not win
  PREFIXES="$DEPS/usr;$LIBDIR/cmake;$DEPS/usr/share/cmake;$TORCH_CMAKE"
  if command -v ninja >/dev/null 2>&1; then GEN=Ninja; KEEP_GOING=(-k 0); else GEN="Unix Makefiles"; KEEP_GOING=(-k); note "configure: no ninja, using make"; fi
  [ -f "$BUILD/CMakeCache.txt" ] && ! grep -q "^CMAKE_GENERATOR:INTERNAL=$GEN\$" "$BUILD/CMakeCache.txt" && rm -rf "$BUILD/CMakeCache.txt" "$BUILD/CMakeFiles"
  BASE_ARGS=(-S "$ROOT" -B "$BUILD" -G "$GEN" -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$PREFIXES"
             "${CUDA_ARGS[@]}" "${PKGCONF_ARGS[@]}" "${MODULE_ARGS[@]}")
  # (a later -DCMAKE_PROJECT_INCLUDE in a retry overrides this one; torch-shims.cmake includes it)
  configure() {  # configure NAME EXTRA-ARGS...  (retries start from an empty cache; objects are kept)
    local name=$1; shift
    [ "$name" = plain ] || rm -f "$BUILD/CMakeCache.txt"
    echo "----- configure attempt '$name': cmake ${BASE_ARGS[*]} $*" >>"$BLOG"
    echo "configure attempt '$name' $*"
    cmake "${BASE_ARGS[@]}" "$@" >>"$BLOG" 2>&1
  }
  CONF_OK=0
  START_LINE=$(wc -l <"$BLOG")
  FIRST_EXTRA=()
  [ "${TEST_FAIL_FIRST_CONFIGURE:-0}" = 1 ] && FIRST_EXTRA=(-C /nonexistent/initial-cache.cmake)
  if configure plain -DCMAKE_PROJECT_INCLUDE="$PROJECT_INCLUDE" "${FIRST_EXTRA[@]}"; then
    CONF_OK=1
  else
    echo "configure failed; first errors:"
    tail -n +"$START_LINE" "$BLOG" | grep -n -A6 'CMake Error' | head -40
    # retry 1: with the CUDA::nvToolsExt shim (harmless when not needed); retry 2: also without tests
    # (and cuDNN hints from pip's nvidia packages, for Torch configs that insist on cuDNN)
    if configure retry-shims -DCMAKE_PROJECT_INCLUDE="$STUBS/torch-shims.cmake" "${CUDNN_ARGS[@]}"; then
      CONF_OK=1; note "configure: first attempt FAILED; the retry (fresh cache, CUDA::nvToolsExt shim, cuDNN hints) worked"
    elif configure retry-no-tests -DCMAKE_PROJECT_INCLUDE="$STUBS/torch-shims.cmake" "${CUDNN_ARGS[@]}" -DDISENT_BUILD_TESTS=OFF; then
      CONF_OK=1; SKIP_TESTS=1; note "configure: only WITHOUT tests (-DDISENT_BUILD_TESTS=OFF); see build.log"
    else
      echo "all configure attempts failed; last lines:"; tail -40 "$BLOG"
    fi
  fi
  grep -E '^(Torch_DIR|yaml-cpp_DIR|spdlog_DIR|fmt_DIR|CLI11_DIR|nlohmann_json_DIR|GTest_DIR|PNG_LIBRARY_RELEASE|ZLIB_LIBRARY_RELEASE|PKG_CONFIG_EXECUTABLE|HDF5_C_LIBRARY_hdf5|CMAKE_CXX_COMPILER|CMAKE_CUDA_COMPILER)[:=]' \
    "$BUILD/CMakeCache.txt" 2>/dev/null | tee -a "$DIAG"
  note "configure: $([ $CONF_OK = 1 ] && echo ok || echo FAILED)"

  if [ $CONF_OK = 1 ]; then
    phase "build ($GEN, -j$JOBS)"
    echo "----- build" >>"$BLOG"
    if cmake --build "$BUILD" -j "$JOBS" -- "${KEEP_GOING[@]}" >>"$BLOG" 2>&1; then
      BUILD_OK=1; note "build: ok"
    else
      echo "build failed; errors:"
      grep -E 'error:|undefined reference|FAILED:|ld returned' "$BLOG" | head -40
      if [ -x "$BIN" ]; then BUILD_OK=1; note "build: FAILED for some targets, disent-run itself built (see build.log)"
      else note "build: FAILED (see build.log)"; fi
    fi
    tail -2 "$BLOG"
  fi
fi

if [ -x "$BIN" ]; then
  missing=$(ldd "$BIN" 2>/dev/null | grep 'not found')
  [ -n "$missing" ] && note "ldd: disent-run misses libraries: $(echo "$missing" | tr '\n' ' ')"
  ldd "$BIN" >>"$DIAG" 2>&1
  phase "smoke: disent-run --version and 2 steps"
  "$BIN" --version 2>&1 | head -2
  SMOKE_DEV=${DEVICE:-$([ "${TORCH_CUDA_OK:-0}" = 1 ] && echo cuda || echo cpu)}
  rm -rf /tmp/disent-smoke
  if timeout 120 "$BIN" train experiments/quickstart.yaml train.steps=2 train.batch_size=8 train.log_every=1 \
       'metrics.during=[]' 'metrics.final=[]' device="$SMOKE_DEV" --out /tmp/disent-smoke --progress lines >/tmp/disent-smoke.log 2>&1; then
    note "smoke ($SMOKE_DEV): ok: $(grep -m1 '^\[run\]' /tmp/disent-smoke.log | cut -c1-160)"
  else
    note "smoke ($SMOKE_DEV): FAILED: $(tail -3 /tmp/disent-smoke.log | tr '\n' ' ' | cut -c1-400)"
  fi
  cat /tmp/disent-smoke.log >>"$DIAG"
fi

# ------------------------------------------------------------------------------------------------ tests
if [ "$SKIP_TESTS" = 1 ] || [ "$ONLY_BENCH" = 1 ]; then
  phase "tests skipped"
elif [ $BUILD_OK = 1 ] || [ -f "$BUILD/CTestTestfile.cmake" ]; then
  budget=$(min "$CTEST_BUDGET_S" "$(max 30 $(( $(left) - BENCH_BUDGET_S - 30 )))")
  phase "ctest -j$CTEST_JOBS (budget ${budget}s)"
  ( cd "$BUILD" && OMP_NUM_THREADS=2 timeout "$budget" ctest -LE gpu --output-on-failure -j"$CTEST_JOBS" --timeout 300 ) >"$OUT/ctest.log" 2>&1
  rc=$?
  [ $rc = 124 ] && echo "ctest: stopped at the ${budget}s budget" >>"$OUT/ctest.log"
  res=$(grep -E 'tests passed|tests failed' "$OUT/ctest.log" | tail -1)
  note "ctest: rc=$rc ${res:-no summary (timeout?)}"
  sed -n '/The following tests FAILED/,$p' "$OUT/ctest.log" | head -30
  ngpu=$(cd "$BUILD" && ctest -N -L gpu 2>/dev/null | sed -n 's/^Total Tests: *//p')
  if [ "${ngpu:-0}" -gt 0 ] 2>/dev/null; then
    phase "ctest -L gpu ($ngpu tests)"
    { echo; echo "===== ctest -L gpu"; } >>"$OUT/ctest.log"
    ( cd "$BUILD" && timeout "$(max 30 "$(min 120 $(( $(left) - BENCH_BUDGET_S )))")" ctest -L gpu --output-on-failure --timeout 300 ) >>"$OUT/ctest.log" 2>&1
    note "ctest -L gpu: rc=$? $(grep -E 'tests passed|tests failed' "$OUT/ctest.log" | tail -1)"
  else
    note "ctest -L gpu: no test carries the label 'gpu'"
  fi
else
  phase "tests skipped (nothing built)"
  note "ctest: not run (build failed)"
fi

# ------------------------------------------------------------------------------------------------ benchmark
if [ "$SKIP_BENCH" = 1 ]; then
  phase "benchmark skipped (SKIP_BENCH=1)"
else
  BDEV=${DEVICE:-$([ "${TORCH_CUDA_OK:-0}" = 1 ] && echo cuda || echo cpu)}
  budget=$(max 60 "$(min "$BENCH_BUDGET_S" $(( $(left) - 15 )))")
  phase "benchmark on $BDEV (budget ${budget}s)"
  BARGS=(--device "$BDEV" --python "$PY" --json "$OUT/bench.json" --md "$OUT/bench.md" --time-budget "$budget"
         --workdir /tmp/disent-bench)
  [ -x "$BIN" ] && BARGS+=(--binary "$BIN") || BARGS+=(--skip-disent)
  [ "$BDEV" = cpu ] && BARGS+=(--batch 64 --steps 6 --intervals 3)
  # shellcheck disable=SC2086
  timeout $(( budget + 120 )) "$PY" "$ROOT/bench/train_step_bench.py" "${BARGS[@]}" ${BENCH_ARGS:-} >"$OUT/bench.log" 2>&1
  rc=$?
  note "benchmark: rc=$rc ($(grep -c '"status": "ok"' "$OUT/bench.json" 2>/dev/null || echo 0) ok results; log bench.log)"
  grep -E '^\[bench' "$OUT/bench.log" | tail -20
fi

# ------------------------------------------------------------------------------------------------ wrap up
for f in "$OUT"/*; do  # keep every file under the 16 MiB limit on what comes back
  [ -f "$f" ] && [ "$(stat -c %s "$f")" -gt 15000000 ] && { tail -c 15000000 "$f" >"$f.tmp" && mv "$f.tmp" "$f"; }
done
phase "done in $(elapsed)s"
echo
echo "----- summary"
cat "$SUMMARY"
echo
if [ -f "$OUT/bench.md" ]; then cat "$OUT/bench.md"; else echo "(no bench.md)"; fi
exit 0
