// The benchmark's Redis and cluster rows (issue 12), run by run.mjs or alone
// (`node bench/http/cluster_rows.mjs BUILD [--smoke]`): Redis commands per request for each
// strategy, from INFO commandstats on the master before and after a wrk run of GET /api/hello
// (targets: at most 1 for server reads, 0 for jwt and iron reads); and the three-node cluster
// behind nginx beside one of its nodes alone, on the same Redis Sentinel store.
import { execFileSync } from 'node:child_process';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCluster } from '../../tests/support/cluster.mjs';
import { commandCalls } from '../../tests/support/resp.mjs';

const benchPassword = 'plum otter zephyr quartz 91';
// Commands that are not seshd's: the sentinels' checks and hellos, replication, our INFO.
const notSeshd = new Set(['info', 'ping', 'publish', 'subscribe', 'replconf', 'psync', 'sync', 'client|setname', 'client|kill',
                          'config|rewrite', 'config|set', 'role', 'command', 'command|docs', 'slaveof', 'replicaof', 'multi', 'exec']);

/// wrk's count of requests and its rate for one run against `url` with `cookie`.
function wrkRun(url, cookie, seconds) {
  const out = execFileSync('wrk', ['-t1', '-c32', `-d${seconds}s`, '-H', `Cookie: ${cookie}`, url], { encoding: 'utf8' });
  const total = Number(/(\d+) requests in/.exec(out)[1]);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)[1]);
  const non2xx = Number((/Non-2xx or 3xx responses: (\d+)/.exec(out) ?? [0, 0])[1]);
  return { total, rps, non2xx };
}

async function signedInCookie(base) {
  await fetch(`${base}/api/signup`, { method: 'POST', headers: { 'content-type': 'application/json' },
                                      body: JSON.stringify({ username: 'bench', password: benchPassword }) });
  const r = await fetch(`${base}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' },
                                               body: JSON.stringify({ username: 'bench', password: benchPassword }) });
  const cookie = r.headers.getSetCookie().map((c) => c.split(';')[0]).filter((c) => !c.includes('csrf')).join('; ');
  if (r.status !== 200 || !cookie) throw new Error(`bench cluster: login answered ${r.status}`);
  return cookie;
}

/// Seshd's commands on the master between two INFO commandstats snapshots, per request.
function perRequest(before, after, requests) {
  const out = {};
  for (const [cmd, n] of Object.entries(after)) {
    if (notSeshd.has(cmd)) continue;
    const d = n - (before[cmd] ?? 0);
    if (d > 0) out[cmd] = d / requests;
  }
  return out;
}

/// Measures the rows; returns their Markdown lines. `seconds` per wrk run, `rounds` alternating.
export async function clusterRows({ build, seconds = 8, rounds = 3, progress = () => {} }) {
  const lines = [];
  // wrk is one loopback address: the per-address limit on new sessions would measure itself.
  const cluster = await startCluster({ seshd: join(build, 'apps/seshd/seshd'), logLevel: 'warn',
                                       env: { SESH_NEW_SESSIONS_PER_MINUTE: '0' } });
  try {
    const master = async () => cluster.redis.masterPort();
    const calls = async () => commandCalls(await master(), { password: cluster.adminPassword });

    lines.push(`| Redis commands per request: GET /api/hello signed in, one node on redis-sentinel://${cluster.storeUrl.includes('wait=') ? '?wait=1' : ''}, wrk -c32 -d${seconds}s | req/s | commands per request (by command) | target |`);
    lines.push('|---|---|---|---|');
    for (const strategy of ['server', 'jwt', 'iron']) {
      progress(`Redis commands per request: ${strategy}`);
      await cluster.restartNodes({ strategy });
      const node = cluster.nodes[0];
      const cookie = await signedInCookie(node.url);
      const before = await calls();
      const run = wrkRun(`${node.url}/api/hello`, cookie, seconds);
      const per = perRequest(before, await calls(), run.total);
      const sum = Object.values(per).reduce((a, b) => a + b, 0);
      const target = strategy === 'server' ? 1 : 0;
      // Reconnects (AUTH, SELECT, SCRIPT LOAD) count in the sum but are too rare to list.
      const by = Object.entries(per).filter(([, v]) => v >= 0.0005).sort((a, b) => b[1] - a[1])
        .map(([c, v]) => `${c} ${v.toFixed(3)}`).join(', ') || 'none';
      // One-off commands (connections set up, the revocation mirror filled at the first check)
      // spread over the run: within 1% of a command per request counts as the steady state.
      const verdict = sum <= target + 0.01 ? 'met' : `missed: ${sum.toFixed(3)} > ${target}`;
      lines.push(`| seshd ${strategy}${run.non2xx ? ` (${run.non2xx} non-2xx!)` : ''} | ${run.rps.toFixed(0)} | ${sum.toFixed(3)} (${by}) | ≤ ${target}: ${verdict} |`);
    }

    progress('three nodes behind nginx beside one node');
    await cluster.restartNodes({ strategy: 'server' });
    const cookie = await signedInCookie(cluster.url);
    const runs = { cluster: [], node: [] };
    for (let r = 0; r < rounds; ++r) {
      runs.cluster.push(wrkRun(`${cluster.url}/api/hello`, cookie, seconds));
      runs.node.push(wrkRun(`${cluster.nodes[0].url}/api/hello`, cookie, seconds));
    }
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const c = median(runs.cluster.map((x) => x.rps));
    const n = median(runs.node.map((x) => x.rps));
    const bad = (xs) => xs.reduce((a, x) => a + x.non2xx, 0);
    lines.push('');
    lines.push(`| GET /api/hello, server strategy on redis-sentinel://, wrk -c32 -d${seconds}s, ${rounds} round(s) | req/s | ratio |`);
    lines.push('|---|---|---|');
    lines.push(`| three seshd nodes behind nginx (1 worker)${bad(runs.cluster) ? ` (${bad(runs.cluster)} non-2xx!)` : ''} | ${c.toFixed(0)} | ${(c / n).toFixed(2)}x |`);
    lines.push(`| one of those nodes, directly${bad(runs.node) ? ` (${bad(runs.node)} non-2xx!)` : ''} | ${n.toFixed(0)} | 1x |`);
    lines.push('');
    lines.push('On one machine the nodes, nginx, Redis and wrk share the same cores: the cluster row shows the ' +
               "proxy's cost, not scaling; nodes on their own machines add their capacity.");
  } finally {
    await cluster.stop();
  }
  return lines;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const smoke = process.argv.includes('--smoke');
  const build = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'build'));
  const lines = await clusterRows({ build, seconds: smoke ? 1 : 8, rounds: smoke ? 1 : 3,
                                    progress: (t) => process.stderr.write(`bench: ${t}\n`) });
  console.log(lines.join('\n'));
}
