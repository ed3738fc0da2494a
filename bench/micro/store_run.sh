#!/usr/bin/env bash
# make bench-store: store and manager throughput against the issue's targets, Redis get against
# redis-benchmark in the same run, and bytes per session in the memory store vs redis-server.
set -euo pipefail
build=${1:-build}
n=${SESH_FOOTPRINT_N:-1000000}
out=$(mktemp -d)
redis_pid=
cleanup() {
    if [[ -n $redis_pid ]]; then kill "$redis_pid" 2>/dev/null || true; wait "$redis_pid" 2>/dev/null || true; fi
    rm -rf "$out"
}
trap cleanup EXIT

# A free loopback port: bind port 0 and keep the number the kernel picked.
port=$(node -e 'const s=require("node:net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
# No persistence: the numbers are the in-memory path, as redis-benchmark measures it.
redis-server --bind 127.0.0.1 --port "$port" --save "" --appendonly no --dir "$out" >"$out/redis.log" 2>&1 &
redis_pid=$!
for _ in $(seq 100); do redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null || { cat "$out/redis.log" >&2; exit 1; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "peer: $(redis-server --version | cut -d' ' -f1-3), on 127.0.0.1:$port, no persistence"

SESH_BENCH_REDIS="redis://127.0.0.1:$port/0" "$build/bench/micro/sesh_micro" --benchmark_filter='manager|sqlite|redis' \
    --benchmark_min_time=${SESH_MIN_TIME:-1} --benchmark_out="$out/sesh.json" --benchmark_out_format=json \
    >"$out/sesh.txt" 2>&1 || { cat "$out/sesh.txt" >&2; exit 1; }
# One client, no pipelining: each GET waits for its reply, as one synchronous store get does.
redis-benchmark -h 127.0.0.1 -p "$port" -t get -n 200000 -c 1 -P 1 -q 2>/dev/null | tr '\r' '\n' | grep '^GET:' | tail -1 >"$out/peer.txt"

# Memory: the same N sessions in the memory store (heap) and in redis-server (used_memory).
redis-cli -h 127.0.0.1 -p "$port" flushall >/dev/null
used_memory() { redis-cli -h 127.0.0.1 -p "$port" info memory | tr -d '\r' | sed -n 's/^used_memory://p'; }
before=$(used_memory)
start=$(date +%s)
"$build/bench/micro/sesh_memory_footprint" "$n" "redis://127.0.0.1:$port/0" 2>/dev/null
fill_seconds=$(( $(date +%s) - start ))
after=$(used_memory)
keys=$(redis-cli -h 127.0.0.1 -p "$port" dbsize)
"$build/bench/micro/sesh_memory_footprint" "$n" >"$out/memory.txt"

node - "$out/sesh.json" "$out/peer.txt" "$out/memory.txt" "$n" "$before" "$after" "$keys" "$fill_seconds" <<'JS'
const fs = require('node:fs');
const [seshFile, peerFile, memFile, n, before, after, keys, fillSeconds] = process.argv.slice(2);
const sesh = JSON.parse(fs.readFileSync(seshFile, 'utf8'));
const ops = {};
for (const b of sesh.benchmarks) {
  if (b.error_occurred) throw new Error(b.name + ': ' + b.error_message);
  ops[b.name] = b.items_per_second;
}
const peerLine = fs.readFileSync(peerFile, 'utf8');
const peer = Number(/GET: ([\d.]+) requests per second/.exec(peerLine)[1]);
const fmt = (x) => Math.round(x).toLocaleString('en-US');
const table = (rows) => {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const [i, r] of rows.entries()) {
    console.log('| ' + r.map((c, j) => c.padEnd(widths[j])).join(' | ') + ' |');
    if (i === 0) console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  }
};
const rows = [['benchmark', 'sesh ops/s', 'compared with', 'target', 'met']];
const abs = (name, what, target) =>
  rows.push([name, fmt(ops[name]), what, '>= ' + fmt(target) + '/s', ops[name] >= target ? 'yes' : 'NO']);
abs('manager_load_save_memory', 'load from Cookie + change one value + save, memory:', 1e6);
abs('sqlite_load', 'store get, 10k sessions in a temp file', 50e3);
abs('sqlite_save', 'store update, same file', 10e3);
const ratio = ops.redis_load / peer;
rows.push(['redis_load', fmt(ops.redis_load), `redis-benchmark GET -c 1 -P 1: ${fmt(peer)}/s, ratio ${(100 * ratio).toFixed(0)}%`,
  '>= 70% of peer', ratio >= 0.7 ? 'yes' : 'NO']);
table(rows);
console.log('\nredis-benchmark runs one client without pipelining (-c 1 -P 1): each GET waits for its reply, the');
console.log('same shape as one synchronous store get (one HMGET of the record\'s 9 fields).');

const mem = Object.fromEntries(fs.readFileSync(memFile, 'utf8').trim().split('\n').map((l) => l.split(' ')));
const memPer = Number(mem.memory_store_bytes_per_session);
const redisPer = (Number(after) - Number(before)) / Number(n);
console.log(`\nMemory, ${fmt(Number(n))} anonymous sessions with a 100-byte payload (Redis: ${fmt(Number(keys))} keys, written through sesh's redis store in ${fillSeconds} s):\n`);
table([
  ['store', 'bytes/session', 'measured by'],
  ['sesh memory:', memPer.toFixed(1), 'mallinfo2 uordblks+hblkhd, before/after'],
  ['redis-server', redisPer.toFixed(1), 'INFO memory used_memory, before/after'],
  ['ratio sesh/redis', (memPer / redisPer).toFixed(2) + 'x', ''],
]);
JS
