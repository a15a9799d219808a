#!/usr/bin/env bash
# One command on a fresh Debian 12 machine: install dependencies, build, run the quickstart experiment.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-debian.sh
bash scripts/build.sh disent-run
./build/disent-run train experiments/quickstart.yaml --out runs/quickstart --overwrite "$@"
