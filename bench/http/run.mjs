// The side-by-side HTTP benchmark: starts each server on a free loopback port, signs a user in,
// measures with wrk (keep-alive, 32 connections) in alternating rounds, prints a table of medians
// and ratios, and each server's resident memory after its runs.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync, existsSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, cpus } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const peers = join(here, '..', 'peers');
const build = process.argv[2];
const smoke = process.argv.includes('--smoke');
const seconds = smoke ? 1 : Number(process.env.SESH_BENCH_SECONDS ?? 8);
const rounds = smoke ? 1 : Number(process.env.SESH_BENCH_ROUNDS ?? 3);
const secret = 'a-bench-secret-of-at-least-32-characters!';
const work = mkdtempSync(join(tmpdir(), 'sesh-bench-'));
const children = [];

const freePort = () => new Promise((resolve) => {
  const s = createServer();
  s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(url, child) {
  for (let i = 0; i < 600; ++i) {
    if (child.exitCode !== null) throw new Error(`${url}: exited with ${child.exitCode}`);
    try { await fetch(url); return; } catch { await sleep(100); }
  }
  throw new Error(`${url} did not come up`);
}

function start(cmd, args, env, cwd) {
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, cwd, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  child.stderr.on('data', () => {});
  children.push(child);
  return child;
}

// Resident memory of a process and its descendants (node and nginx fork workers), in MiB.
function rssMiB(pid) {
  const all = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const status = readFileSync(`/proc/${d}/status`, 'utf8');
      const ppid = Number(/PPid:\s+(\d+)/.exec(status)[1]);
      const rss = Number((/VmRSS:\s+(\d+)/.exec(status) ?? [0, 0])[1]);
      all.set(Number(d), { ppid, rss });
    } catch { /* gone */ }
  }
  let total = 0;
  const walk = (p) => { total += all.get(p)?.rss ?? 0; for (const [c, v] of all) if (v.ppid === p) walk(c); };
  walk(pid);
  return total / 1024;
}

// The cookie a signed-in client sends, by the same route a browser would take.
async function nextAuthCookie(base) {
  const csrfRes = await fetch(`${base}/api/auth/csrf`);
  const csrfCookie = csrfRes.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const { csrfToken } = await csrfRes.json();
  const r = await fetch(`${base}/api/auth/callback/credentials`, {
    method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: csrfCookie },
    body: new URLSearchParams({ username: 'bench', password: 'bench password 123', csrfToken, json: 'true' }),
  });
  return r.headers.getSetCookie().map((c) => c.split(';')[0]).filter((c) => c.includes('session-token')).join('; ');
}
async function jsonLoginCookie(base, path = '/api/login') {
  const r = await fetch(`${base}${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'bench', password: 'bench password 123' }),
  });
  return r.headers.getSetCookie().map((c) => c.split(';')[0]).filter((c) => !c.includes('csrf')).join('; ');
}

// CPU seconds (user + system) of a process tree so far, from /proc/PID/stat.
function cpuSeconds(pid) {
  let total = 0;
  const walk = (p) => {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12])) / 100;  // utime, stime in clock ticks
      const kids = readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim();
      for (const c of kids ? kids.split(' ') : []) walk(Number(c));
    } catch { /* gone */ }
  };
  walk(pid);
  return total;
}

// A wrk script posting next-auth's credentials form with a fixed CSRF pair: logins per second.
async function loginScript(base, name) {
  const csrfRes = await fetch(`${base}/api/auth/csrf`);
  const cookie = csrfRes.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const { csrfToken } = await csrfRes.json();
  const body = new URLSearchParams({ username: 'bench', password: 'bench password 123', csrfToken, json: 'true' }).toString();
  const file = join(work, `login-${name.replace(/\W+/g, '-')}.lua`);
  writeFileSync(file, `wrk.method = "POST"\nwrk.body = "${body}"\nwrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n`);
  return { cookie, file };
}

function wrk(url, cookie, script) {
  const args = ['-t1', '-c32', `-d${seconds}s`, '--latency', '-H', `Cookie: ${cookie}`];
  if (script) args.push('-s', script);
  const out = execFileSync('wrk', [...args, url], { encoding: 'utf8' });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)[1]);
  const toMs = (v, unit) => Number(v) * ({ us: 0.001, ms: 1, s: 1000 }[unit]);
  const p = (q) => { const m = new RegExp(`${q}%\\s+([\\d.]+)(us|ms|s)`).exec(out); return m ? toMs(m[1], m[2]) : NaN; };
  const non2xx = Number((/Non-2xx or 3xx responses: (\d+)/.exec(out) ?? [0, 0])[1]);
  return { rps, p50: p(50), p99: p(99), non2xx };
}

const userScript = join(work, 'user.lua');
writeFileSync(userScript, `
local n = 0
request = function()
  n = n + 1
  if n % 2 == 1 then
    return wrk.format("POST", "/api/user", {["Content-Type"] = "application/json"}, '{"user":{"id":' .. n .. ',"name":"bench"}}')
  end
  return wrk.format("GET", "/api/user")
end
`);

// ---- the servers -------------------------------------------------------------------------------
const servers = [];
async function seshd(name, env) {
  const port = await freePort();
  const dataDir = mkdtempSync(join(work, 'seshd-'));
  const base = `http://127.0.0.1:${port}`;
  const common = { SESH_LISTEN: `127.0.0.1:${port}`, SESH_DATA_DIR: dataDir, SESH_SECRET: secret, SESH_LOG_LEVEL: 'warn' };
  const child = start(join(build, 'apps/seshd/seshd'), [], { ...common, ...env });
  await waitFor(`${base}/healthz`, child);
  // The account through seshd's own API (a memory: store lives only inside the process).
  await fetch(`${base}/api/signup`, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'bench', password: 'bench password 123' }) });
  servers.push({ name, base, child, cookie: await jsonLoginCookie(base), kind: 'seshd', strategy: env.SESH_STRATEGY ?? 'server' });
}

async function redis() {
  const port = await freePort();
  const child = start('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {});
  await sleep(300);
  return { url: `redis://127.0.0.1:${port}/0`, child };
}

const ceilingPort = await freePort();
const ceiling = start(join(build, 'bench/bench_ceiling'), [String(ceilingPort), String(cpus().length)], {});
await waitFor(`http://127.0.0.1:${ceilingPort}/`, ceiling);
servers.push({ name: 'Beast ceiling', base: `http://127.0.0.1:${ceilingPort}`, child: ceiling, cookie: 'x=1', kind: 'ceiling' });

const nginxPort = await freePort();
const nginxDir = mkdtempSync(join(work, 'nginx-'));
writeFileSync(join(nginxDir, 'nginx.conf'), readFileSync(join(peers, 'nginx.conf.in'), 'utf8')
  .replaceAll('@PORT@', String(nginxPort)).replaceAll('@DIR@', nginxDir).replaceAll('@WORKERS@', String(cpus().length)));
const nginx = start('nginx', ['-p', nginxDir, '-c', join(nginxDir, 'nginx.conf'), '-g', 'daemon off;'], {});
await waitFor(`http://127.0.0.1:${nginxPort}/`, nginx);
servers.push({ name: 'nginx', base: `http://127.0.0.1:${nginxPort}`, child: nginx, cookie: 'x=1', kind: 'ceiling' });

await seshd('seshd server/memory', { SESH_STORE: 'memory:' });
await seshd('seshd server/sqlite', {});
const r = await redis();
await seshd('seshd server/redis', { SESH_STORE: r.url });
await seshd('seshd jwt', { SESH_STRATEGY: 'jwt', SESH_STORE: 'memory:' });
await seshd('seshd iron', { SESH_STRATEGY: 'iron', SESH_STORE: 'memory:' });

const expressPort = await freePort();
const express = start('node', ['server.mjs'], { PORT: String(expressPort), SESSION_SECRET: secret, NODE_ENV: 'production' }, join(peers, 'express'));
await waitFor(`http://127.0.0.1:${expressPort}/api/user`, express);
const expressBase = `http://127.0.0.1:${expressPort}`;
servers.push({ name: 'Express + iron-session', base: expressBase, child: express, cookie: await jsonLoginCookie(expressBase), kind: 'peer' });

if (!smoke && existsSync(join(peers, 'next/.next/BUILD_ID'))) {
  const nextPort = await freePort();
  const next = start(join(peers, 'next/node_modules/.bin/next'), ['start', '-p', String(nextPort), '-H', '127.0.0.1'],
    { NEXTAUTH_SECRET: secret, NEXTAUTH_URL: `http://127.0.0.1:${nextPort}`, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' }, join(peers, 'next'));
  const nextBase = `http://127.0.0.1:${nextPort}`;
  await waitFor(`${nextBase}/api/auth/providers`, next);
  servers.push({ name: 'Next.js + next-auth', base: nextBase, child: next, cookie: await nextAuthCookie(nextBase), kind: 'peer' });
}

// ---- measure -----------------------------------------------------------------------------------
const results = new Map(); // key `${workload}|${server}` -> runs
const record = (w, s, run) => { const k = `${w}|${s}`; if (!results.has(k)) results.set(k, []); results.get(k).push(run); };
for (let round = 0; round < rounds; ++round) {
  for (const s of servers) {
    const path = s.kind === 'ceiling' ? '/' : '/api/hello';
    record('GET /api/hello', s.name, wrk(`${s.base}${path}`, s.cookie));
    if (s.name === 'Next.js + next-auth' || s.name === 'seshd jwt')
      record('GET /api/auth/session', s.name, wrk(`${s.base}/api/auth/session`, s.cookie));
    if (s.name === 'Express + iron-session' || s.name === 'seshd iron')
      record('POST+GET /api/user', s.name, wrk(`${s.base}`, s.cookie, userScript));
    if (s.name === 'Next.js + next-auth' || s.name === 'seshd server/sqlite') {
      const l = await loginScript(s.base, s.name);
      const before = cpuSeconds(s.child.pid);
      const run = wrk(`${s.base}/api/auth/callback/credentials`, l.cookie, l.file);
      run.cpuPerLogin = (cpuSeconds(s.child.pid) - before) / (run.rps * seconds);
      record('logins', s.name, run);
    }
  }
}
const rss = new Map(servers.map((s) => [s.name, rssMiB(s.child.pid)]));

// ---- report ------------------------------------------------------------------------------------
const median = (xs) => { const v = [...xs].sort((a, b) => a - b); return v[Math.floor(v.length / 2)]; };
const summary = (w, s) => {
  const runs = results.get(`${w}|${s}`);
  if (!runs) return null;
  const r = runs.map((x) => x.rps);
  return { median: median(r), min: Math.min(...r), max: Math.max(...r), p50: median(runs.map((x) => x.p50)),
           p99: median(runs.map((x) => x.p99)), non2xx: runs.reduce((a, x) => a + x.non2xx, 0) };
};
const fmt = (n) => (n >= 1000 ? `${(n / 1000).toFixed(1)}k` : n.toFixed(0));
const ratio = (a, b) => (a && b ? `${(a / b).toFixed(a / b >= 10 ? 0 : 2)}x` : '—');
const ref = (name) => summary('GET /api/hello', name)?.median;

const lines = [];
lines.push(`wrk -t1 -c32 -d${seconds}s, ${rounds} round(s) alternating servers, median (min–max) req/s; ${cpus().length} cores; ${new Date().toISOString()}`);
lines.push('');
lines.push('| GET /api/hello | req/s | p50 / p99 ms | vs Next.js | vs Express | vs Beast ceiling | vs nginx | RSS MiB |');
lines.push('|---|---|---|---|---|---|---|---|');
for (const s of servers) {
  const m = summary('GET /api/hello', s.name);
  lines.push(`| ${s.name}${m.non2xx ? ` (${m.non2xx} non-2xx!)` : ''} | ${fmt(m.median)} (${fmt(m.min)}–${fmt(m.max)}) | ${m.p50.toFixed(2)} / ${m.p99.toFixed(2)} | ${ratio(m.median, ref('Next.js + next-auth'))} | ${ratio(m.median, ref('Express + iron-session'))} | ${(100 * m.median / ref('Beast ceiling')).toFixed(0)}% | ${(100 * m.median / ref('nginx')).toFixed(0)}% | ${rss.get(s.name).toFixed(0)} |`);
}
for (const [w, a, b] of [['GET /api/auth/session', 'seshd jwt', 'Next.js + next-auth'], ['POST+GET /api/user', 'seshd iron', 'Express + iron-session']]) {
  const x = summary(w, a), y = summary(w, b);
  if (!x) continue;
  lines.push('');
  lines.push(`| ${w} | req/s | p50 / p99 ms | ratio |`);
  lines.push('|---|---|---|---|');
  lines.push(`| ${a} | ${fmt(x.median)} (${fmt(x.min)}–${fmt(x.max)}) | ${x.p50.toFixed(2)} / ${x.p99.toFixed(2)} | ${y ? ratio(x.median, y.median) : '—'} |`);
  if (y) lines.push(`| ${b} | ${fmt(y.median)} (${fmt(y.min)}–${fmt(y.max)}) | ${y.p50.toFixed(2)} / ${y.p99.toFixed(2)} | 1x |`);
}
const loginRows = ['seshd server/sqlite', 'Next.js + next-auth'].map((n) => [n, results.get(`logins|${n}`)]).filter(([, v]) => v);
if (loginRows.length) {
  lines.push('');
  lines.push('| logins via /api/auth/callback/credentials | logins/s | CPU ms per login | p99 ms | note |');
  lines.push('|---|---|---|---|---|');
  for (const [n, runs] of loginRows) {
    const note = n.startsWith('seshd') ? 'argon2id, OWASP cost (m=19 MiB, t=2)' : 'the peer compares the password as plain text (no hashing)';
    const bad = runs.reduce((a, x) => a + x.non2xx, 0);
    lines.push(`| ${n}${bad ? ` (${bad} non-2xx!)` : ''} | ${fmt(median(runs.map((x) => x.rps)))} | ${(1000 * median(runs.map((x) => x.cpuPerLogin))).toFixed(1)} | ${median(runs.map((x) => x.p99)).toFixed(1)} | ${note} |`);
  }
}
console.log(lines.join('\n'));
if (!smoke) writeFileSync(join(here, 'latest.md'), lines.join('\n') + '\n');

for (const c of children) { try { process.kill(-c.pid, 'SIGTERM'); } catch { /* gone */ } }
r.child && (() => { try { process.kill(-r.child.pid, 'SIGKILL'); } catch { /* gone */ } })();
await sleep(500);
rmSync(work, { recursive: true, force: true });
