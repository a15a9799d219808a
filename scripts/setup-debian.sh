#!/usr/bin/env bash
# Installs the Debian 12 packages disent-run builds against. Idempotent: installs only what is missing.
# Works as root on a fresh machine (uses sudo when run as another user).
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libtorch-dev            # LibTorch 1.13 (CPU)
  libopenblas0-pthread    # OpenBLAS behind libblas.so.3: LibTorch 1.13's convolutions run 6x faster than on the reference BLAS
  libcli11-dev libyaml-cpp-dev libspdlog-dev nlohmann-json3-dev
  libhdf5-dev libpng-dev libzip-dev zlib1g-dev
  libmatio-dev            # Cars3D .mat sources (disent-run data prepare cars3d)
  libgtest-dev
  slurm-wlm munge         # tests/slurm: a real single-node SLURM cluster (slurmctld, slurmd, munged)
  liblinear-dev           # SAP's linear SVM (the solver behind scikit-learn's LinearSVC)
  clang libclang-rt-14-dev  # the sanitizer build and libFuzzer targets (scripts/sanitize-and-fuzz.sh)
  python3-numpy           # test oracles only (NumPy loads our .npz files); never used at run time
  python3-venv            # scripts/setup-torch2.sh: PyTorch 2.x's LibTorch from PyPI, in a venv outside the repo
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} packages present"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  SUDO=sudo
fi
echo "setup: installing ${missing[*]}"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
