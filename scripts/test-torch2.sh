#!/usr/bin/env bash
# The whole ctest suite on the second LibTorch: PyTorch 2.x's, with CUDA (scripts/build-torch2.sh).
# The Debian set-up (scripts/setup-debian.sh) must have run: the other libraries are Debian's.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-debian.sh
bash scripts/build-torch2.sh
cd "${BUILD_DIR:-build-torch2}"
ctest --output-on-failure -j"$(nproc)" "$@"
