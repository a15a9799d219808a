#!/usr/bin/env bash
# Downloads (does not install) the Debian 12 .deb files that the GPU machine needs to build disent-run.
# The GPU machine has LibTorch (pip torch), CUDA, cmake and ninja, but none of the C++ libraries below and
# no network; scripts/gpu/build-and-test.sh unpacks these files there with `dpkg -x` into /tmp/deps.
#
#   bash scripts/gpu/fetch-debs.sh [DIR]      # DIR defaults to .deb/ at the repository root (git-ignored)
#
# Layout:  DIR/*.deb            headers + libraries that are always unpacked and used
#          DIR/fallback/*.deb   runtime libraries and tools an Ubuntu-24.04-like image normally has
#                               (zlib, bzip2, OpenSSL 3, pkgconf); build-and-test.sh only uses the files
#                               whose sonames / commands the machine lacks, so they never shadow its own.
# Idempotent: a package whose .deb is already in DIR is not downloaded again. Prints the total size.
# HDF5 is deliberately not fetched: CMakeLists.txt finds it but links nothing from it, and
# build-and-test.sh satisfies that find_package() with a stub module when no real HDF5 is present.
set -u -o pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DIR="${1:-$ROOT/.deb}"
mkdir -p "$DIR" "$DIR/fallback"
DIR="$(cd "$DIR" && pwd)"

# Always unpacked and used.
MAIN=(
  libyaml-cpp-dev libyaml-cpp0.7        # yaml-cpp 0.7 (CMake config, relative paths)
  libspdlog-dev libspdlog1.10           # spdlog 1.10 (compiled, uses external fmt)
  libfmt-dev libfmt9                    # fmt 9 (spdlog's find_dependency(fmt))
  libcli11-dev                          # CLI11 2.1 (header only)
  nlohmann-json3-dev                    # nlohmann_json 3.11 (header only)
  libzip-dev libzip4                    # libzip 1.7 (found through pkg-config: libzip.pc)
  libpng-dev libpng16-16                # libpng 1.6 (FindPNG)
  zlib1g-dev                            # zlib headers + libz.so (FindZLIB; libpng-dev/libzip-dev need it)
  libgtest-dev                          # GoogleTest 1.12 static libs + CMake config (GMock is optional there)
)
# Used on the GPU machine only where it lacks them (see the header).
# libzip4 needs libbz2.so.1.0, libssl.so.3, libcrypto.so.3, libz.so.1; CMake's FindPkgConfig needs a
# pkg-config program.
FALLBACK=(zlib1g libbz2-1.0 libssl3 pkgconf pkgconf-bin libpkgconf3)

ARCH_OPTS=(-oAPT::Sandbox::User=root)
if [ "$(dpkg --print-architecture 2>/dev/null)" != "amd64" ]; then
  # Not an amd64 host: fetch amd64 packages with separate package lists (as .library/device/README.md does).
  mkdir -p /tmp/amd64/partial
  ARCH_OPTS+=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64)
  apt-get "${ARCH_OPTS[@]}" update -qq || echo "warning: apt-get update (amd64 lists) failed" >&2
fi

updated=0
fetch() {  # fetch DEST PKG...
  local dest="$1"; shift
  local pkg missing=()
  for pkg in "$@"; do
    if compgen -G "$dest/${pkg}_*_amd64.deb" >/dev/null || compgen -G "$dest/${pkg}_*_all.deb" >/dev/null; then
      echo "have   $pkg"
    else
      missing+=("$pkg")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "fetch  ${missing[*]}"
  if ! (cd "$dest" && apt-get "${ARCH_OPTS[@]}" download "${missing[@]}"); then
    if [ $updated -eq 0 ]; then
      echo "apt-get download failed; running apt-get update once and retrying" >&2
      apt-get "${ARCH_OPTS[@]}" update -qq || true
      updated=1
    fi
    (cd "$dest" && apt-get "${ARCH_OPTS[@]}" download "${missing[@]}") || { echo "error: could not download: ${missing[*]}" >&2; return 1; }
  fi
}

rc=0
fetch "$DIR" "${MAIN[@]}" || rc=1
fetch "$DIR/fallback" "${FALLBACK[@]}" || rc=1

# A package upgraded on the mirror leaves an older .deb beside the new one: keep only the newest.
for d in "$DIR" "$DIR/fallback"; do
  for pkg in $(find "$d" -maxdepth 1 -name '*.deb' -printf '%f\n' | cut -d_ -f1 | sort | uniq -d); do
    ls -1 "$d/${pkg}"_*.deb | sort -V | head -n -1 | while read -r old; do echo "remove older $old"; rm -f "$old"; done
  done
done

echo
echo "debs in $DIR:"
( cd "$DIR" && ls -1s --block-size=K *.deb fallback/*.deb 2>/dev/null )
total=$(du -cb "$DIR"/*.deb "$DIR"/fallback/*.deb 2>/dev/null | tail -1 | cut -f1)
echo "total: $(( total / 1024 )) KiB ($(awk -v b="$total" 'BEGIN{printf "%.2f", b/1048576}') MiB) in $(ls "$DIR"/*.deb "$DIR"/fallback/*.deb 2>/dev/null | wc -l) files"
case "$DIR" in
  "$ROOT"/*) git -C "$ROOT" check-ignore -q "$DIR" || echo "warning: $DIR is not git-ignored; it would travel as untracked files" >&2 ;;
esac
echo "the GPU run must name this folder in carry, e.g. carry: [\".deb\"]"
exit $rc
