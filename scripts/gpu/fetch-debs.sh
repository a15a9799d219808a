#!/usr/bin/env bash
# Downloads (does not install) the Debian 12 .debs of the C++ libraries disent-run links that a lent GPU
# host lacks (it has pip torch with LibTorch, nvcc, cmake, ninja and a compiler, but no -dev packages and
# no network). Run it here, where apt-get works; scripts/gpu/build-and-test.sh unpacks them there.
#
#   bash scripts/gpu/fetch-debs.sh [DIR]     # DIR defaults to .deb/ (git-ignored: the run must carry it)
#
# DIR/*.deb           headers and libraries, always unpacked and used.
# DIR/fallback/*.deb  runtime libraries (and pkg-config) an Ubuntu-24.04-like host normally has: the
#                     closure of what the libraries above need besides glibc/libstdc++; build-and-test.sh
#                     uses a library only where the host lacks its soname, so none shadows the host's own.
# Idempotent (a package already in DIR is not fetched again; older versions are removed). Prints the
# total size: the device tool carries at most 64 MiB of working tree.
set -u -o pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DIR="${1:-$ROOT/.deb}"
mkdir -p "$DIR/fallback" && DIR="$(cd "$DIR" && pwd)"

MAIN=(
  libyaml-cpp-dev libyaml-cpp0.7 libspdlog-dev libspdlog1.10 libfmt-dev libfmt9  # CMake configs
  libcli11-dev nlohmann-json3-dev libgtest-dev                                   # CMake configs (+ gtest .a)
  libzip-dev libzip4 libpng-dev libpng16-16 zlib1g-dev                           # pkg-config, FindPNG, FindZLIB
  libhdf5-dev libhdf5-103-1 libsz2 libaec0                                       # FindHDF5 (hdf5/serial)
  libmatio-dev libmatio11 liblinear-dev liblinear4                               # pkg-config, find_library
)
FALLBACK=(
  zlib1g libbz2-1.0 libssl3 libblas3                                             # libzip4, liblinear4
  libcurl4 libbrotli1 libgssapi-krb5-2 libkrb5-3 libk5crypto3 libkrb5support0    # libhdf5-103-1 -> libcurl4
  libcom-err2 libkeyutils1 libidn2-0 libunistring2 libldap-2.5-0 libsasl2-2 libnghttp2-14 libpsl5
  librtmp1 libgnutls30 libhogweed6 libnettle8 libgmp10 libp11-kit0 libffi8 libtasn1-6 libssh2-1 libzstd1
  pkgconf pkgconf-bin libpkgconf3                                                # pkg_check_modules()
)

APT=(apt-get -oAPT::Sandbox::User=root)
if [ "$(dpkg --print-architecture 2>/dev/null)" != amd64 ]; then  # separate amd64 package lists
  mkdir -p /tmp/amd64/partial
  APT+=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64)
  "${APT[@]}" update -qq
fi
fetch() {  # fetch DEST PKG...: downloads the packages DEST lacks (one apt-get update and retry on failure)
  local dest=$1 pkg missing=(); shift
  for pkg in "$@"; do compgen -G "$dest/${pkg}_*.deb" >/dev/null || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "fetch ${missing[*]}"
  (cd "$dest" && "${APT[@]}" download "${missing[@]}") ||
    { "${APT[@]}" update -qq; (cd "$dest" && "${APT[@]}" download "${missing[@]}"); } ||
    { echo "error: could not download: ${missing[*]}" >&2; return 1; }
}
rc=0
fetch "$DIR" "${MAIN[@]}" || rc=1
fetch "$DIR/fallback" "${FALLBACK[@]}" || rc=1
for d in "$DIR" "$DIR/fallback"; do  # a package upgraded on the mirror: keep only the newest .deb
  for pkg in $(find "$d" -maxdepth 1 -name '*.deb' -printf '%f\n' | cut -d_ -f1 | sort | uniq -d); do
    ls -1 "$d/${pkg}"_*.deb | sort -V | head -n -1 | xargs -r rm -v
  done
done

total=$(cat "$DIR"/*.deb "$DIR"/fallback/*.deb | wc -c)
echo "$(ls "$DIR"/*.deb | wc -l) + $(ls "$DIR"/fallback/*.deb | wc -l) fallback .debs in $DIR:" \
     "$(awk -v b="$total" 'BEGIN{printf "%.1f", b/1048576}') MiB (the device tool carries at most 64 MiB)"
case "$DIR" in "$ROOT"/*) git -C "$ROOT" check-ignore -q "$DIR" || echo "warning: $DIR is not git-ignored" >&2 ;; esac
echo "carry it to the GPU host: run(..., carry: [\"${DIR#"$ROOT"/}\"])"
exit $rc
