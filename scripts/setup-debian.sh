#!/usr/bin/env bash
# Install vern's build and test dependencies from Debian 12 packages.
# Non-interactive; runs as root, or through sudo when not root.
set -euo pipefail

packages=(
  cmake make g++ pkg-config
  libcli11-dev libsqlitecpp-dev libsqlite3-dev sqlite3
  libfmt-dev libtomlplusplus-dev doctest-dev
  libhowardhinnant-date-dev tzdata
  libsodium-dev nlohmann-json3-dev
  # the PostgreSQL store: the client library, and a server for its tests (tests/pg/)
  libpq-dev postgresql postgresql-client
  python3 mandoc
  # the fault suite's sanitizer and fuzz build (tests/fuzz/): clang with libFuzzer, and
  # llvm-symbolizer (in llvm-15) for readable sanitizer reports
  clang-15 libfuzzer-15-dev llvm-15
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
