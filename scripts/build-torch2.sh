#!/usr/bin/env bash
# Builds disent-run in ./build-torch2 against PyTorch 2.x's LibTorch with CUDA (scripts/setup-torch2.sh
# installs it once, outside the repository): every target, including the CUDA step runner and the GPU
# tests (which skip without a GPU), or the targets given.
# Environment: DISENT_LIBTORCH: another torch package directory (then setup-torch2.sh does not run; the GPU
# hosts' own torch, scripts/gpu/build-and-test.sh), BUILD_DIR. CMake also reads CMAKE_PREFIX_PATH and
# PKG_CONFIG_PATH from the environment (build-and-test.sh: the unpacked Debian packages).
set -euo pipefail
cd "$(dirname "$0")/.."
TORCH_DIR=${DISENT_LIBTORCH:-$(bash scripts/setup-torch2.sh | tail -1)}
BUILD=${BUILD_DIR:-build-torch2}
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DDISENT_LIBTORCH="$TORCH_DIR" >/dev/null
if [ $# -gt 0 ]; then
  for t in "$@"; do cmake --build "$BUILD" -j"$(nproc)" --target "$t"; done
else
  cmake --build "$BUILD" -j"$(nproc)"
fi
