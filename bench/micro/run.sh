#!/usr/bin/env bash
# make bench-micro: runs sesh_micro and the npm peers (bench/micro/peers.mjs) in the same run and
# prints ops/s for both and the ratio sesh/peer against the issue's targets.
set -euo pipefail
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "peers: node $(node --version), iron-session $(node -p "require('$here/../../tests/node_modules/iron-session/package.json').version"), next-auth $(node -p "require('$here/../../tests/node_modules/next-auth/package.json').version")"
# JSON to a file: the stores log to stdout through spdlog's default logger.
"$build/bench/micro/sesh_micro" --benchmark_min_time=${SESH_MIN_TIME:-1} --benchmark_out="$out/sesh.json" --benchmark_out_format=json >/dev/null
node "$here/peers.mjs" >"$out/peers.json"
node - "$out/sesh.json" "$out/peers.json" <<'JS'
const fs = require('node:fs');
const sesh = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const peers = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
const targets = { iron_seal: 100, iron_unseal: 100, jwt_encode: 30, jwt_decode: 30 };
const peerName = { iron_seal: 'iron-session sealData', iron_unseal: 'iron-session unsealData', jwt_encode: 'next-auth/jwt encode', jwt_decode: 'next-auth/jwt decode' };
const rows = [['benchmark', 'sesh ops/s', 'peer', 'peer ops/s', 'ratio', 'target', 'met']];
for (const b of sesh.benchmarks) {
  if (!(b.name in peers)) continue;  // sesh_micro also holds benchmarks without an npm peer
  const opsPerSec = 1e9 / (b.real_time * ({ ns: 1, us: 1e3, ms: 1e6 }[b.time_unit]));
  const peer = peers[b.name];
  const ratio = opsPerSec / peer;
  rows.push([b.name, Math.round(opsPerSec).toString(), peerName[b.name], Math.round(peer).toString(),
    ratio.toFixed(1) + 'x', '>= ' + targets[b.name] + 'x', ratio >= targets[b.name] ? 'yes' : 'NO']);
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const [i, r] of rows.entries()) {
  console.log('| ' + r.map((c, j) => c.padEnd(widths[j])).join(' | ') + ' |');
  if (i === 0) console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
}
JS
