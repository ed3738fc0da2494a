// The side-by-side HTTP benchmark: starts each server on a free loopback port, signs a user in,
// measures with wrk (keep-alive, 32 connections) in alternating rounds, prints a table of medians
// and ratios, and each server's resident memory after its runs, with the issue's targets marked
// met or missed. Then workload 5 (latency at a fixed rate of half each server's peak) and
// workload 6 (growth: how the cost of a session lookup grows with the number of sessions stored).
// SESH_BENCH_GROWTH (default 1000,10000,100000,1000000) and SESH_BENCH_GROWTH_STORES (default
// memory,sqlite,redis,postgres) choose workload 6's sizes and stores; --smoke runs 1000 on memory
// and postgres. PostgreSQL is Debian's 15, started here (tests/support/postgres.mjs), with
// fsync and synchronous_commit off as Redis runs without persistence here.
// Last, cluster_rows.mjs: Redis commands per request for each strategy (INFO commandstats) and
// three seshd nodes behind nginx beside one of them, on a Redis Sentinel cluster.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync, existsSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, cpus } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { clusterRows } from './cluster_rows.mjs';
import { spawnPostgres } from '../../tests/support/postgres.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const peers = join(here, '..', 'peers');
const build = process.argv[2];
// The benchmark account's password: one seshd's password policy (zxcvbn) accepts; the Next.js
// peer's authorize() checks the same text (bench/peers/next/pages/api/auth/[...nextauth].js).
const benchPassword = 'plum otter zephyr quartz 91';
const smoke = process.argv.includes('--smoke');
const seconds = smoke ? 1 : Number(process.env.SESH_BENCH_SECONDS ?? 8);
const rounds = smoke ? 1 : Number(process.env.SESH_BENCH_ROUNDS ?? 3);
const growthSizes = (smoke ? '1000' : process.env.SESH_BENCH_GROWTH ?? '1000,10000,100000,1000000').split(',').map(Number);
const growthStores = (smoke ? 'memory,postgres' : process.env.SESH_BENCH_GROWTH_STORES ?? 'memory,sqlite,redis,postgres').split(',');
if (growthSizes.some((n, i) => !Number.isInteger(n) || n < 1 || (i && n <= growthSizes[i - 1])))
  throw new Error('SESH_BENCH_GROWTH: increasing positive integers, comma-separated');
if (growthStores.some((s) => !['memory', 'sqlite', 'redis', 'postgres'].includes(s)))
  throw new Error('SESH_BENCH_GROWTH_STORES: a comma-separated subset of memory,sqlite,redis,postgres');
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
async function stop(child) {
  if (!children.includes(child)) return;
  children.splice(children.indexOf(child), 1);
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try { process.kill(-child.pid, 'SIGTERM'); } catch { return; }
  if (await Promise.race([exited.then(() => true), sleep(5000).then(() => false)])) return;
  try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
  await exited;
}
const progress = (text) => process.stderr.write(`bench: ${text}\n`);

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
    body: new URLSearchParams({ username: 'bench', password: benchPassword, csrfToken, json: 'true' }),
  });
  return r.headers.getSetCookie().map((c) => c.split(';')[0]).filter((c) => c.includes('session-token')).join('; ');
}
async function jsonLoginCookie(base, path = '/api/login') {
  const r = await fetch(`${base}${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'bench', password: benchPassword }),
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
  const body = new URLSearchParams({ username: 'bench', password: benchPassword, csrfToken, json: 'true' }).toString();
  const file = join(work, `login-${name.replace(/\W+/g, '-')}.lua`);
  writeFileSync(file, `wrk.method = "POST"\nwrk.body = "${body}"\nwrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n`);
  return { cookie, file };
}

// One wrk run (a null cookie: the script sets its own); errors: socket errors (connect, read,
// write, timeout).
function wrk(url, cookie, script, duration = seconds) {
  const args = ['-t1', '-c32', `-d${duration}s`, '--latency'];
  if (cookie) args.push('-H', `Cookie: ${cookie}`);
  if (script) args.push('-s', script);
  const out = execFileSync('wrk', [...args, url], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)[1]);
  const toMs = (v, unit) => Number(v) * ({ us: 0.001, ms: 1, s: 1000 }[unit]);
  const p = (q) => { const m = new RegExp(`${q}%\\s+([\\d.]+)(us|ms|s)`).exec(out); return m ? toMs(m[1], m[2]) : NaN; };
  const non2xx = Number((/Non-2xx or 3xx responses: (\d+)/.exec(out) ?? [0, 0])[1]);
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const errors = sock ? sock.slice(1).reduce((a, x) => a + Number(x), 0) : 0;
  return { rps, p50: p(50), p99: p(99), non2xx, errors };
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

// Workload 5's pacing: wrk 4 (Debian's; not wrk2, so no -R) asks delay() for a wait in whole ms
// before each request. With LuaJIT's clock every request takes the next slot of a schedule at
// the target rate (slots up to 10 ms late are caught up, older ones dropped), so 32 connections
// hold the rate whatever the latency, as long as the server keeps up; without that clock each
// connection waits 32/rate on average (the fraction carried over), which ignores the latency.
function paceScript(rate) {
  const file = join(work, `pace-${Math.round(rate)}.lua`);
  writeFileSync(file, `
local rate = ${rate}
local ok, ffi = pcall(require, "ffi")
local now
if ok then
  ffi.cdef[[ typedef struct { long tv_sec; long tv_nsec; } sesh_timespec; int clock_gettime(int, sesh_timespec *); ]]
  local ts = ffi.new("sesh_timespec")
  now = function() ffi.C.clock_gettime(1, ts); return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) * 1e-9 end
end
local next_slot, carry = 0, 0
function delay()
  if now then
    local t = now()
    local slot = math.max(next_slot, t - 0.01)
    next_slot = slot + 1 / rate
    return math.max(0, math.floor((slot - t) * 1000 + 0.5))
  end
  carry = carry + 32000 / rate
  local d = math.floor(carry)
  carry = carry - d
  return d
end
`);
  return file;
}

// Workload 6's filling: POST /api/user from no session creates one and saves it; the script
// records each new session cookie, sends \`target\` POSTs (then only GET /healthz while the last
// answers come in), and writes a marker once every POST is answered. wrk 4 calls request() once
// before it connects, to check it: that call sends nothing, hence the budget of target + 1.
function fillScript(file, marker, first, target) {
  const script = join(work, `fill-${first}.lua`);
  writeFileSync(script, `
local target, first = ${target}, ${first}
local issued, got, failed, finished = -1, 0, 0, false
local out
function init(args) out = io.open("${file}", "a") end
function request()
  if issued < target then
    issued = issued + 1
    return wrk.format("POST", "/api/user", { ["Content-Type"] = "application/json" }, '{"user":{"id":' .. (first + issued) .. '}}')
  end
  return wrk.format("GET", "/healthz")
end
function response(status, headers, body)
  if finished then return end
  local cookie
  for k, v in pairs(headers) do if k:lower() == "set-cookie" then cookie = v:match("^(sesh%.session%-token=[^;]+)") end end
  if cookie and status == 200 then
    out:write(cookie, "\\n")
    got = got + 1
  elseif status ~= 200 then
    failed = failed + 1
  end
  if got + failed >= target then
    finished = true
    out:close()
    local m = io.open("${marker}", "w")
    m:write(got, " ", failed, "\\n")
    m:close()
    wrk.thread:stop()
  end
end
`);
  return script;
}

// Workload 6's measurement: every request carries one of the stored cookies, picked at random.
function cycleScript(file) {
  const script = join(work, 'cycle.lua');
  writeFileSync(script, `
local cookies, n = {}, 0
function init(args)
  for line in io.lines("${file}") do n = n + 1; cookies[n] = line end
  math.randomseed(1)
end
function request()
  return wrk.format("GET", "/api/user", { Cookie = cookies[math.random(n)] })
end
`);
  return script;
}

const countLines = (file) => (existsSync(file) ? readFileSync(file).reduce((a, b) => a + (b === 10), 0) : 0);

// Adds sessions until \`file\` holds \`want\` cookies; retries the ones the server refused.
async function fillSessions(base, file, want) {
  let have = countLines(file);
  for (let attempt = 0; attempt < 5 && have < want; ++attempt) {
    const marker = `${file}.done`;
    rmSync(marker, { force: true });
    const cap = Math.ceil((want - have) / 500) + 10; // seconds: gives up below 500 sessions/s
    const child = spawn('wrk', ['-t1', '-c32', `-d${cap}s`, '--timeout', '10s', '-s', fillScript(file, marker, have, want - have), base],
                        { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    let done = false;
    exited.then(() => { done = true; });
    while (!done) {
      if (existsSync(marker)) { try { process.kill(child.pid, 'SIGINT'); } catch { /* gone */ } break; }
      await sleep(50);
    }
    await exited;
    have = countLines(file);
  }
  return have;
}

// ---- the servers -------------------------------------------------------------------------------
const servers = [];
async function startSeshd(env) {
  const port = await freePort();
  const dataDir = mkdtempSync(join(work, 'seshd-'));
  const base = `http://127.0.0.1:${port}`;
  // wrk is one loopback address filling up to a million sessions: the per-address limit on new
  // anonymous sessions and the default store bound would measure themselves, not the server.
  const common = { SESH_LISTEN: `127.0.0.1:${port}`, SESH_DATA_DIR: dataDir, SESH_SECRET: secret, SESH_LOG_LEVEL: 'warn',
                   SESH_NEW_SESSIONS_PER_MINUTE: '0', SESH_MAX_SESSIONS: '4000000' };
  const child = start(join(build, 'apps/seshd/seshd'), [], { ...common, ...env });
  await waitFor(`${base}/healthz`, child);
  return { base, child, dataDir };
}
async function seshd(name, env) {
  const { base, child } = await startSeshd(env);
  // The account through seshd's own API (a memory: store lives only inside the process).
  const signup = await fetch(`${base}/api/signup`, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'bench', password: benchPassword }) });
  const cookie = await jsonLoginCookie(base);
  // A refused sign-up or login would measure 401s: stop rather than report them as figures. (409:
  // the account is there already, in the Redis another variant shares.)
  if ((!signup.ok && signup.status !== 409) || !cookie) throw new Error(`${name}: sign-up answered ${signup.status} (${await signup.text()}), no session cookie`);
  servers.push({ name, base, child, cookie, kind: 'seshd', strategy: env.SESH_STRATEGY ?? 'server' });
}

async function redis() {
  const port = await freePort();
  const child = start('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {});
  await sleep(300);
  return { url: `redis://127.0.0.1:${port}/0`, child };
}

// The ceilings at one thread (or worker) and at one per core: a reference is the best of the two.
// Servers named `X, 1 thread` are X at SESH_THREADS=1 (or one worker), measured on GET /api/hello.
const n = cpus().length;
for (const threads of [n, 1]) {
  const ceilingPort = await freePort();
  const ceiling = start(join(build, 'bench/bench_ceiling'), [String(ceilingPort), String(threads)], {});
  await waitFor(`http://127.0.0.1:${ceilingPort}/`, ceiling);
  servers.push({ name: threads === n ? 'Beast ceiling' : 'Beast ceiling, 1 thread', base: `http://127.0.0.1:${ceilingPort}`, child: ceiling, cookie: 'x=1', kind: 'ceiling' });

  const nginxPort = await freePort();
  const nginxDir = mkdtempSync(join(work, 'nginx-'));
  writeFileSync(join(nginxDir, 'nginx.conf'), readFileSync(join(peers, 'nginx.conf.in'), 'utf8')
    .replaceAll('@PORT@', String(nginxPort)).replaceAll('@DIR@', nginxDir).replaceAll('@WORKERS@', String(threads)));
  const nginx = start('nginx', ['-p', nginxDir, '-c', join(nginxDir, 'nginx.conf'), '-g', 'daemon off;'], {});
  await waitFor(`http://127.0.0.1:${nginxPort}/`, nginx);
  servers.push({ name: threads === n ? 'nginx' : 'nginx, 1 worker', base: `http://127.0.0.1:${nginxPort}`, child: nginx, cookie: 'x=1', kind: 'ceiling' });
}

await seshd('seshd server/memory', { SESH_STORE: 'memory:' });
await seshd('seshd server/sqlite', {});
const r = await redis();
await seshd('seshd server/redis', { SESH_STORE: r.url });
await seshd('seshd jwt', { SESH_STRATEGY: 'jwt', SESH_STORE: 'memory:' });
await seshd('seshd iron', { SESH_STRATEGY: 'iron', SESH_STORE: 'memory:' });
// PostgreSQL: the server strategy (sesh_sessions) and next-auth's database strategy (Auth.js's
// sessions joined with users), each on a database of its own on one server.
const pg = await spawnPostgres();
pg.createDatabase('bench_server');
pg.createDatabase('bench_database');
await seshd('seshd server/postgres', { SESH_STORE: pg.url('bench_server') });
await seshd('seshd database/postgres', { SESH_STRATEGY: 'database', SESH_STORE: pg.url('bench_database') });
if (!smoke) {
  await seshd('seshd server/postgres, 1 thread', { SESH_STORE: pg.url('bench_server'), SESH_THREADS: '1' });
  await seshd('seshd database/postgres, 1 thread', { SESH_STRATEGY: 'database', SESH_STORE: pg.url('bench_database'), SESH_THREADS: '1' });
  await seshd('seshd server/memory, 1 thread', { SESH_STORE: 'memory:', SESH_THREADS: '1' });
  await seshd('seshd server/sqlite, 1 thread', { SESH_THREADS: '1' });
  await seshd('seshd server/redis, 1 thread', { SESH_STORE: r.url, SESH_THREADS: '1' });
  await seshd('seshd jwt, 1 thread', { SESH_STRATEGY: 'jwt', SESH_STORE: 'memory:', SESH_THREADS: '1' });
  await seshd('seshd iron, 1 thread', { SESH_STRATEGY: 'iron', SESH_STORE: 'memory:', SESH_THREADS: '1' });
}

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

// ---- workload 5: latency at a fixed rate of half each server's peak ------------------------------
const median = (xs) => { const v = [...xs].sort((a, b) => a - b); return v[Math.floor(v.length / 2)]; };
const paced = [];
for (const s of servers) {
  const rate = median(results.get(`GET /api/hello|${s.name}`).map((x) => x.rps)) / 2;
  progress(`latency at ${rate.toFixed(0)} req/s: ${s.name}`);
  const path = s.kind === 'ceiling' ? '/' : '/api/hello';
  paced.push({ s, rate, run: wrk(`${s.base}${path}`, s.cookie, paceScript(rate)) });
}

// ---- workload 6: growth with the number of sessions --------------------------------------------
// Fresh servers, the others stopped first. GET /api/user, not /api/hello: /api/hello answers 401
// to an anonymous session, and signing a million users in is a million argon2id hashes; /api/user
// loads the session from the store all the same (and returns its data).
for (const c of [...children]) await stop(c);
const growth = [];
// What the store holds for the sessions, in bytes: PostgreSQL's sesh_sessions with its indexes and
// TOAST (pg_total_relation_size), SQLite's sesh_sessions and its two indexes (the dbstat table,
// pages as stored, WAL included), Redis's used_memory over what it used empty; null for memory.
const redisUsedMemory = (url) => Number(/used_memory:(\d+)/.exec(execFileSync('redis-cli', ['-u', url, 'INFO', 'memory'],
  { encoding: 'utf8' }))?.[1]);
function storeBytes(store, { dataDir, rd, redisEmpty }) {
  if (store === 'postgres') return Number(pg.query("SELECT pg_total_relation_size('sesh_sessions')", 'bench_growth'));
  if (store === 'sqlite')
    return Number(execFileSync('sqlite3', [join(dataDir, 'sesh.db'), "SELECT sum(pgsize) FROM dbstat WHERE name IN "
      + "('sesh_sessions', 'sessions_by_expiry', 'sessions_by_user')"], { encoding: 'utf8' }).trim());
  if (store === 'redis') return redisUsedMemory(rd.url) - redisEmpty;
  return null;
}
for (const store of growthStores) {
  const rd = store === 'redis' ? await redis() : null;
  if (store === 'postgres') pg.createDatabase('bench_growth');
  const env = { memory: { SESH_STORE: 'memory:' }, sqlite: {}, redis: { SESH_STORE: rd?.url },
                postgres: { SESH_STORE: pg.url('bench_growth') } }[store];
  const srv = await startSeshd(env);
  const redisEmpty = rd ? redisUsedMemory(rd.url) : 0;
  const file = join(work, `cookies-${store}.txt`);
  for (const n of growthSizes) {
    progress(`growth ${store}: filling to ${n} sessions`);
    const before = countLines(file);
    const t0 = performance.now();
    const have = await fillSessions(srv.base, file, n);
    const fillRate = (have - before) / ((performance.now() - t0) / 1000);
    if (have < n) { growth.push({ store, n, have, short: true }); break; }
    progress(`growth ${store}: measuring at ${n} sessions`);
    const run = wrk(`${srv.base}/api/user`, null, cycleScript(file));
    // Every session must still be there: GET /api/user answers 200 with user null for none.
    const all = readFileSync(file, 'utf8').trimEnd().split('\n');
    let lost = 0;
    for (let i = 0; i < 100; ++i) {
      const cookie = all[Math.floor(i * all.length / 100)];
      const body = await (await fetch(`${srv.base}/api/user`, { headers: { cookie } })).json();
      if (!body.user) ++lost;
    }
    const bytes = storeBytes(store, { dataDir: srv.dataDir, rd, redisEmpty });
    growth.push({ store, n, have, run, fillRate, lost, rss: rssMiB(srv.child.pid), storeRss: rd ? rssMiB(rd.child.pid) : null,
                  bytesPerSession: bytes === null ? null : bytes / have });
  }
  await stop(srv.child);
  if (rd) await stop(rd.child);
}

// ---- Redis commands per request, and three nodes behind nginx (cluster_rows.mjs) ---------------
// Alone on the machine too: every server above is stopped by now. A cluster that cannot start
// costs these rows, not the report of everything measured before it.
const clusterLines = await clusterRows({ build, seconds, rounds, progress })
  .catch((e) => [`Redis commands per request and the cluster rows: not measured (${e.message.split('\n')[0]})`]);

// ---- report ------------------------------------------------------------------------------------
const summary = (w, s) => {
  const runs = results.get(`${w}|${s}`);
  if (!runs) return null;
  const r = runs.map((x) => x.rps);
  return { median: median(r), min: Math.min(...r), max: Math.max(...r), p50: median(runs.map((x) => x.p50)),
           p99: median(runs.map((x) => x.p99)), non2xx: runs.reduce((a, x) => a + x.non2xx, 0) };
};
const fmt = (n) => (n >= 1000 ? `${(n / 1000).toFixed(1)}k` : n.toFixed(0));
const ratio = (a, b) => (a && b ? `${(a / b).toFixed(a / b >= 10 ? 0 : 2)}x` : '—');
// A server's best figure over its thread counts (`X` and `X, 1 thread`), and which it was.
const bestOf = (name) => servers.filter((s) => s.name === name || s.name.startsWith(`${name}, `))
  .map((s) => ({ name: s.name, median: summary('GET /api/hello', s.name)?.median }))
  .filter((x) => x.median).sort((a, b) => b.median - a.median)[0];
const ref = (name) => bestOf(name)?.median;
const fmtN = (n) => (n >= 1e6 ? `${n / 1e6}M` : n >= 1000 ? `${n / 1000}k` : String(n));

const lines = [];
lines.push(`wrk -t1 -c32 -d${seconds}s, ${rounds} round(s) alternating servers, median (min–max) req/s; ${cpus().length} cores; ${new Date().toISOString()}`);
lines.push('');
// Workload 1's targets for a seshd row: "met", or "missed: " and each one missed; those that need
// Next.js are "n/a" when it did not run (--smoke, or not built).
const ceilingTarget = { 'seshd jwt': 90, 'seshd iron': 90, 'seshd server/memory': 90, 'seshd server/redis': 70,
                        'seshd server/postgres': 50, 'seshd database/postgres': 50 };
function targets(s, m) {
  if (s.kind !== 'seshd') return '—';
  const missed = [], na = [];
  const times = (peer, want) => {
    const x = ref(peer);
    if (!x) na.push(`≥ ${want}x ${peer.split(' ')[0]}`);
    else if (m.median / x < want) missed.push(`${(m.median / x).toFixed(1)}x ${peer.split(' ')[0]} < ${want}x`);
  };
  times('Next.js + next-auth', 25);
  times('Express + iron-session', 20);
  const want = ceilingTarget[s.name.split(',')[0]];
  for (const c of want ? ['Beast ceiling', 'nginx'] : []) {
    const pct = 100 * m.median / ref(c);
    if (pct < want) missed.push(`${pct.toFixed(0)}% of ${c} < ${want}%`);
  }
  const nextRss = rss.get('Next.js + next-auth');
  if (!nextRss) na.push('RSS ≤ 1/10 Next.js');
  else if (rss.get(s.name) > nextRss / 10) missed.push(`RSS ${rss.get(s.name).toFixed(0)} MiB > 1/10 of Next.js's ${nextRss.toFixed(0)}`);
  if (m.non2xx) missed.push(`${m.non2xx} non-2xx`);
  const rest = na.length ? ` (n/a: ${na.join(', ')})` : '';
  return missed.length ? `missed: ${missed.join('; ')}${rest}` : `met${rest}`;
}

lines.push('| GET /api/hello | req/s | p50 / p99 ms | vs Next.js | vs Express | vs Beast ceiling | vs nginx | RSS MiB | targets |');
lines.push('|---|---|---|---|---|---|---|---|---|');
for (const s of servers) {
  const m = summary('GET /api/hello', s.name);
  lines.push(`| ${s.name}${m.non2xx ? ` (${m.non2xx} non-2xx!)` : ''} | ${fmt(m.median)} (${fmt(m.min)}–${fmt(m.max)}) | ${m.p50.toFixed(2)} / ${m.p99.toFixed(2)} | ${ratio(m.median, ref('Next.js + next-auth'))} | ${ratio(m.median, ref('Express + iron-session'))} | ${(100 * m.median / ref('Beast ceiling')).toFixed(0)}% | ${(100 * m.median / ref('nginx')).toFixed(0)}% | ${rss.get(s.name).toFixed(0)} | ${targets(s, m)} |`);
}
lines.push('');
lines.push(`| best thread count (of 1 and ${n}), GET /api/hello | best req/s | at | vs the best Beast ceiling (${bestOf('Beast ceiling').name}) | vs the best nginx (${bestOf('nginx').name}) |`);
lines.push('|---|---|---|---|---|');
for (const base of [...new Set(servers.filter((s) => s.kind !== 'peer').map((s) => s.name.split(',')[0]))]) {
  const b = bestOf(base);
  lines.push(`| ${base} | ${fmt(b.median)} | ${b.name === base ? `${n} threads` : '1 thread'} | ${(100 * b.median / ref('Beast ceiling')).toFixed(0)}% | ${(100 * b.median / ref('nginx')).toFixed(0)}% |`);
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
lines.push('');
lines.push(`| latency at half peak (half the median req/s above): GET /api/hello, wrk -c32 -d${seconds}s paced by a Lua delay() | target req/s | achieved req/s | p50 ms | p99 ms | p99 ≤ 2 ms |`);
lines.push('|---|---|---|---|---|---|');
for (const { s, rate, run } of paced) {
  const bad = run.non2xx + run.errors;
  const short = run.rps < 0.95 * rate ? `; achieved only ${(100 * run.rps / rate).toFixed(0)}% of the target rate` : '';
  const verdict = s.kind !== 'seshd' ? 'reference' : run.p99 <= 2 && !bad ? 'met' : `missed: p99 ${run.p99.toFixed(2)} ms${bad ? `, ${bad} failed` : ''}`;
  lines.push(`| ${s.name}${bad ? ` (${run.non2xx} non-2xx, ${run.errors} socket errors!)` : ''} | ${fmt(rate)} | ${fmt(run.rps)} | ${run.p50.toFixed(2)} | ${run.p99.toFixed(2)} | ${verdict}${short} |`);
}
if (growth.length) {
  lines.push('');
  lines.push(`| growth: seshd server, GET /api/user with a random one of N anonymous sessions (/api/hello needs a signed-in one), wrk -c32 -d${seconds}s | sessions | req/s | vs ${fmtN(growthSizes[0])} | p50 / p99 ms | seshd RSS MiB | filled at sessions/s | store bytes per session |`);
  lines.push('|---|---|---|---|---|---|---|---|');
  for (const g of growth) {
    if (g.short) { lines.push(`| ${g.store} | ${fmtN(g.n)} | — | — | — | — | filling stopped at ${g.have}: store refused or too slow | — |`); continue; }
    const first = growth.find((x) => x.store === g.store && x.run);
    const bad = g.run.non2xx + g.run.errors;
    const flags = [bad ? `${g.run.non2xx} non-2xx, ${g.run.errors} socket errors!` : '', g.lost ? `${g.lost} of 100 sampled sessions lost!` : ''].filter(Boolean).join('; ');
    const storeRss = g.storeRss !== null ? ` (+ redis-server ${g.storeRss.toFixed(0)})` : '';
    lines.push(`| ${g.store}${flags ? ` (${flags})` : ''} | ${fmtN(g.n)} | ${fmt(g.run.rps)} | ${(g.run.rps / first.run.rps).toFixed(2)}x | ${g.run.p50.toFixed(2)} / ${g.run.p99.toFixed(2)} | ${g.rss.toFixed(0)}${storeRss} | ${fmt(g.fillRate)} | ${g.bytesPerSession === null ? '— (process memory: see RSS)' : g.bytesPerSession.toFixed(0)} |`);
  }
}
if (clusterLines.length) lines.push('', ...clusterLines);
console.log(lines.join('\n'));
if (!smoke) writeFileSync(join(here, 'latest.md'), lines.join('\n') + '\n');

for (const c of children) { try { process.kill(-c.pid, 'SIGTERM'); } catch { /* gone */ } }
children.includes(r.child) && (() => { try { process.kill(-r.child.pid, 'SIGKILL'); } catch { /* gone */ } })();
await pg.cleanup();
await sleep(500);
rmSync(work, { recursive: true, force: true });
