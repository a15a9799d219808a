#!/usr/bin/env bash
# Installs the second LibTorch disent-run builds against: PyTorch 2.x's, with CUDA, from PyPI, into a
# virtual environment at a fixed place outside the repository. Idempotent: a venv that already holds the
# pinned version is reused, so a clean clone on the same machine (CI) downloads nothing.
#
#   bash scripts/setup-torch2.sh            # prints the directory to pass as -DDISENT_LIBTORCH=... (last line)
#
# Environment: DISENT_TORCH2_VENV (default /opt/disent-run/torch-MAJOR.MINOR, e.g. torch-2.11),
#              DISENT_TORCH2_VERSION (default 2.11.0: the version the lent GPU hosts have).
# The wheel brings CUDA 13.0 runtime libraries (cuBLAS, cuDNN, NCCL, ... as nvidia-* wheels); the build
# compiles against the machine's CUDA toolkit headers (nvcc, /usr/local/cuda) and links libtorch_cuda,
# which finds the wheel's CUDA libraries through its own RUNPATH. Disk: about 4.6 GB.
set -euo pipefail

VERSION=${DISENT_TORCH2_VERSION:-2.11.0}
VENV=${DISENT_TORCH2_VENV:-/opt/disent-run/torch-${VERSION%.*}}
PY=/usr/bin/python3   # Debian's interpreter (python3-venv): the same on every Debian 12 machine

installed_version() {
  [ -x "$VENV/bin/python" ] || return 1
  "$VENV/bin/python" - <<'EOF' 2>/dev/null
import importlib.metadata as m
print(m.version("torch"))
EOF
}

if [ "$(installed_version || true)" = "$VERSION" ]; then
  echo "setup-torch2: torch $VERSION present in $VENV" >&2
else
  echo "setup-torch2: installing torch==$VERSION into $VENV (about 4.6 GB)" >&2
  if ! "$PY" -c 'import ensurepip, venv' >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends python3-venv
  fi
  mkdir -p "$(dirname "$VENV")"
  "$PY" -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check --no-input "torch==$VERSION" numpy
  [ "$(installed_version)" = "$VERSION" ] || { echo "setup-torch2: torch $VERSION did not install into $VENV" >&2; exit 1; }
fi
# The torch package directory: holds lib/libtorch*.so, include/ and share/cmake/Torch.
"$VENV/bin/python" -c 'import importlib.util as u; print(u.find_spec("torch").submodule_search_locations[0])'
