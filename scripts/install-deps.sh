#!/usr/bin/env bash
# Installs what building and testing sesh needs on Debian 12 / Ubuntu: missing apt packages, then
# the npm packages the interop tests run against (tests/package.json + lockfile, via npm ci).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  g++ make cmake pkg-config
  libssl-dev libboost1.81-dev libboost-json1.81-dev libexpected-dev libcli11-dev
  libsqlite3-dev sqlite3 libhiredis-dev libspdlog-dev redis-server
  libpq-dev postgresql
  libboost-url1.81-dev libsodium-dev libzxcvbn-dev libcpp-httplib-dev libtomlplusplus-dev
  libgtest-dev libbenchmark-dev chromium wrk nginx-light
  clang-14 libclang-rt-14-dev
  nodejs npm
)

missing=()
for p in "${packages[@]}"; do
  # nodejs/npm may come from elsewhere (nodesource, nvm); only install them if the command is absent.
  if [[ $p == nodejs ]] && command -v node >/dev/null; then continue; fi
  if [[ $p == npm ]] && command -v npm >/dev/null; then continue; fi
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  sudo=""
  [[ $(id -u) == 0 ]] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm ci only when the lockfile changed since the last install.
stamp=tests/node_modules/.sesh-lock-stamp
if [[ ! -f $stamp ]] || ! cmp -s tests/package-lock.json "$stamp"; then
  echo "install-deps: npm ci in tests/"
  (cd tests && npm ci --no-audit --no-fund --loglevel=error)
  cp tests/package-lock.json "$stamp"
fi
