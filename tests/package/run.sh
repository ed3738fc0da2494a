#!/usr/bin/env bash
# Builds the Debian package and installs it into a scratch root (dpkg --root), runs its seshd under
# the systemd unit's settings (deb_service.mjs), then configures, builds and
# runs tests/package against it through find_package(sesh), and compiles the README's C++ snippets
# (tests/package/readme); then builds examples/protected_api the same way and checks, over
# loopback, that require_session guards its route; then builds
# examples/beast_redis and signs in and out through it on a real redis-server on a free port; then
# the adapter examples (beast_adapter, and httplib_adapter when cpp-httplib was found), each driven
# through a sign-in's life by sign_in_out.mjs.
# Usage: run.sh SOURCE_DIR BUILD_DIR WORK_DIR [HTTPLIB_FOUND]
set -euo pipefail
src=$1 build=$2 work=$3 httplib=${4:-OFF}
rm -rf "$work" && mkdir -p "$work"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
# The Debian package (make deb), installed with dpkg into a scratch root: its files are what a
# consumer builds against below. Its Depends must all be installed here (a real install would
# refuse otherwise), and its unit must pass systemd's offline security review.
(cd "$build" && cpack -G DEB -B "$work/deb" >/dev/null)
deb=$(ls "$work"/deb/sesh_*.deb)
root=$work/root
mkdir -p "$root/var/lib/dpkg/updates" "$root/var/lib/dpkg/info" && touch "$root/var/lib/dpkg/status"
dpkg --root="$root" --admindir="$root/var/lib/dpkg" --force-not-root --force-depends --log=/dev/null -i "$deb" >/dev/null 2>&1
provided=$(dpkg-query -W -f='${Status} ${Provides}\n' | grep '^install ok installed' | tr ',' '\n' | sed 's/(.*)//' | awk '{print $NF}')
for dep in $(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/(.*)//; s/|.*//' | tr -d ' '); do
  [[ $(dpkg-query -W -f='${Status}' "$dep" 2>/dev/null) == "install ok installed" ]] || grep -qx "$dep" <<<"$provided" ||
    { echo "deb: $dep is not installed"; exit 1; }
done
if command -v systemd-analyze >/dev/null; then
  # exposure on systemd's 0-10 scale, 10 times: 12 is "1.2 OK"; above 2.0 is a regression.
  systemd-analyze security --offline=yes --threshold=20 "$root/usr/lib/systemd/system/seshd.service" >/dev/null
fi
node "$src/tests/package/deb_service.mjs" "$root" "$work"
ln -s "$root/usr" "$work/prefix"
cmake -S "$src/tests/package" -B "$work/build" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/build" >/dev/null
"$work/build/consumer"

# Every ```cpp block of the README's "Using libsesh" section, one translation unit each, compiled as
# written: the snippets a user copies must build.
mkdir -p "$work/readme"
awk -v dir="$work/readme" '
  /^## Using libsesh/ { section = 1; next }
  section && /^## / { section = 0 }
  section && /^```cpp$/ { n++; file = sprintf("%s/snippet_%d.cpp", dir, n); code = 1; next }
  code && /^```$/ { code = 0; close(file); next }
  code { print > file }
' "$src/README.md"
cmake -S "$src/tests/package/readme" -B "$work/readme-build" -DCMAKE_PREFIX_PATH="$work/prefix" \
      -DSNIPPET_DIR="$work/readme" >/dev/null
cmake --build "$work/readme-build" -j2 >/dev/null
echo "readme: $(ls "$work/readme" | wc -l) C++ snippets of \"Using libsesh\" compile"

cmake -S "$src/examples/protected_api" -B "$work/example" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/example" -j2 >/dev/null
"$work/example/protected_api" > "$work/example.port" &
pids+=($!)
for _ in $(seq 100); do [[ -s $work/example.port ]] && break; sleep 0.05; done
port=$(cat "$work/example.port")
node --input-type=module -e "
const base = 'http://127.0.0.1:$port';
const check = (ok, what) => { if (!ok) { console.error('example: ' + what); process.exit(1); } };
let r = await fetch(base + '/api/secret');
check(r.status === 401, 'no session must be 401, got ' + r.status);
r = await fetch(base + '/login', { method: 'POST', body: 'ada' });
const cookie = r.headers.get('set-cookie').split(';')[0];
r = await fetch(base + '/api/secret', { headers: { cookie } });
check(r.status === 200 && (await r.json()).user === 'ada', 'signed-in session must reach the route');
r = await fetch(base + '/logout', { method: 'POST', headers: { cookie } });
r = await fetch(base + '/api/secret', { headers: { cookie } });
check(r.status === 401, 'after logout the cookie must be no session');
console.log('example: require_session guards /api/secret');
"

cmake -S "$src/examples/beast_redis" -B "$work/beast_redis" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/beast_redis" -j2 >/dev/null
redis_port=$(node -e "const s = require('net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })")
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" > "$work/redis.log" 2>&1 &
pids+=($!)
for _ in $(seq 200); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.05; done
"$work/beast_redis/beast_redis" "redis://127.0.0.1:$redis_port" > "$work/beast_redis.port" &
pids+=($!)
# The port is the line of digits.
for _ in $(seq 100); do grep -qE '^[0-9]+$' "$work/beast_redis.port" && break; sleep 0.05; done
port=$(grep -E '^[0-9]+$' "$work/beast_redis.port" | head -1)
node --input-type=module -e "
const base = 'http://127.0.0.1:$port';
const check = (ok, what) => { if (!ok) { console.error('beast_redis: ' + what); process.exit(1); } };
let r = await fetch(base + '/me');
check(r.status === 401, 'no session must be 401, got ' + r.status);
r = await fetch(base + '/login', { method: 'POST', body: 'ada' });
check(r.status === 200, 'login must answer 200, got ' + r.status);
const cookie = r.headers.get('set-cookie').split(';')[0];
r = await fetch(base + '/me', { headers: { cookie } });
check(r.status === 200 && (await r.text()) === 'ada\\n', 'the signed-in session must load from Redis');
const { execSync } = await import('node:child_process');
const stored = execSync('redis-cli -p $redis_port --scan --pattern \\'sesh:s:*\\'').toString().trim();
check(stored.split('\\n').length === 1 && stored !== '', 'the session record must be in Redis, found: ' + stored);
r = await fetch(base + '/logout', { method: 'POST', headers: { cookie } });
r = await fetch(base + '/me', { headers: { cookie } });
check(r.status === 401, 'after logout the cookie must be no session');
console.log('beast_redis: sessions awaited from Redis in a Beast coroutine');
"

# Builds examples/NAME against the installed package, starts it (it prints its port) and drives it
# through sign_in_out.mjs; further arguments go to the driver.
run_example() {
  local name=$1
  shift
  cmake -S "$src/examples/$name" -B "$work/$name" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
  cmake --build "$work/$name" -j2 >/dev/null
  "$work/$name/$name" > "$work/$name.port" &
  pids+=($!)
  for _ in $(seq 100); do [[ -s $work/$name.port ]] && break; sleep 0.05; done
  node "$src/tests/package/sign_in_out.mjs" "$name" "http://127.0.0.1:$(head -1 "$work/$name.port")" "$@"
}
run_example beast_adapter
if [[ $httplib == ON ]]; then
  run_example httplib_adapter /profile
else
  echo "httplib_adapter: skipped, cpp-httplib (httplib.h) not found; scripts/install-deps.sh installs it"
fi
