#!/usr/bin/env bash
# Installs what `make bench` needs beyond `make test`'s dependencies: wrk and nginx from Debian,
# and the peers' npm packages (npm ci from their lockfiles, only when a lockfile changed).
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
for p in wrk nginx-light; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""
  [[ $(id -u) == 0 ]] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
for peer in peers/express peers/next; do
  stamp=$peer/node_modules/.sesh-lock-stamp
  if [[ ! -f $stamp ]] || ! cmp -s "$peer/package-lock.json" "$stamp"; then
    echo "bench: npm ci in $peer"
    (cd "$peer" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$peer/package-lock.json" "$stamp"
  fi
done
