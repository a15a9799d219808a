#!/usr/bin/env bash
# One command on a fresh Debian 12 machine: install dependencies, build, run the whole test suite:
# the sanitizer build of the torch-free code with its unit tests and a short run of every fuzz target,
# then every GoogleTest test of the main build through ctest (whose summary is the last output).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-debian.sh
bash scripts/build.sh
bash scripts/sanitize-and-fuzz.sh
cd build
ctest --output-on-failure -j"$(nproc)" "$@"
