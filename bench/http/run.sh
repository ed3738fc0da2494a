#!/usr/bin/env bash
# make bench: seshd against Next.js + next-auth, Express + iron-session, nginx and a bare Beast
# server, in one run on this machine. Usage: run.sh BUILD_DIR [--smoke]
# SESH_BENCH_SECONDS (default 8) and SESH_BENCH_ROUNDS (default 3) set each measurement.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$1" && pwd)
shift
"$here/install.sh"
next=$here/../peers/next
# Rebuilt when any page is newer than the build (a directory's own time changes only when entries do).
if [[ " $* " != *" --smoke "* ]] && [[ ! -f $next/.next/BUILD_ID || -n $(find "$next/pages" -newer "$next/.next/BUILD_ID" -print -quit) ]]; then
  echo "bench: next build"
  (cd "$next" && NEXT_TELEMETRY_DISABLED=1 npx next build > /dev/null)
fi
exec node "$here/run.mjs" "$build" "$@"
