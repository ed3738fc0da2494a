#!/usr/bin/env node
// The figures behind docs/DEPLOYMENT.md's capacity model, measured on the cluster of
// tests/support/cluster.mjs: Redis commands per request of each kind (INFO commandstats on the
// master before and after), and bytes per session (INFO memory's used_memory before and after
// filling, and MEMORY USAGE of sampled keys). Usage:
//   node scripts/redis_cost.mjs [BUILD_DIR] [--sessions N] [--hash-max-listpack-value BYTES]
// (N users, default 2000; the Redis setting applied to both servers before filling).
// Argon2id runs at a test cost here (1 pass, 8 MiB): it changes the time of a sign-in, not what
// reaches Redis.
import { join, resolve } from 'node:path';
import { startCluster } from '../tests/support/cluster.mjs';
import { commandStats, redis, redisInfo } from '../tests/support/resp.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => { const i = args.indexOf(name); return i >= 0 ? args.splice(i, 2)[1] : fallback; };
const users = Number(option('--sessions', 2000));
// Redis keeps a hash whose values are all short (hash-max-listpack-value, 64 bytes by default) as
// one compact listpack; a longer value makes it a hash table, about twice the memory.
const listpackValue = option('--hash-max-listpack-value', null);
const build = resolve(args[0] ?? 'build');
const password = 'plum otter zephyr quartz 91';
const notSeshd = new Set(['info', 'ping', 'publish', 'subscribe', 'replconf', 'psync', 'client|setname', 'config|rewrite',
                          'role', 'command', 'scan', 'memory|usage', 'slaveof', 'replicaof', 'multi', 'exec']);

const cluster = await startCluster({
  seshd: join(build, 'apps/seshd/seshd'), logLevel: 'warn',
  // One loopback address signs every user up: no per-address limits.
  env: { SESH_ARGON2_OPS: '1', SESH_ARGON2_MEM_KIB: '8192', SESH_NEW_SESSIONS_PER_MINUTE: '0', SESH_SIGNUP_LIMIT: '0' },
});
const admin = { password: cluster.adminPassword };
const master = async () => cluster.redis.masterPort();
const base = cluster.url;

async function call(method, path, { json, cookie } = {}) {
  const headers = {};
  if (json) headers['content-type'] = 'application/json';
  if (cookie) headers.cookie = cookie;
  const r = await fetch(base + path, { method, headers, body: json ? JSON.stringify(json) : undefined });
  await r.text();
  const set = r.headers.getSetCookie().map((c) => c.split(';')[0]).filter((c) => !c.includes('csrf') && !c.endsWith('='));
  return { status: r.status, cookie: set.join('; ') };
}

// Runs `fn(i)` for i < n, `concurrency` at a time.
async function each(n, concurrency, fn) {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => { while (next < n) await fn(next++); }));
}

// Seshd's commands per call of `fn` (run `n` times): {total, usec, by: {cmd: per call}}, usec
// being Redis's own CPU time per call (INFO commandstats' usec), network I/O not included.
async function commandsPer(n, fn) {
  const before = await commandStats(await master(), admin);
  await each(n, 4, fn);
  const after = await commandStats(await master(), admin);
  const by = {};
  let usec = 0;
  for (const [c, v] of Object.entries(after)) {
    const d = v.calls - (before[c]?.calls ?? 0);
    if (d <= 0 || notSeshd.has(c)) continue;
    by[c] = d / n;
    usec += (v.usec - (before[c]?.usec ?? 0)) / n;
  }
  return { total: Object.values(by).reduce((a, b) => a + b, 0), usec, by };
}
const show = ({ total, usec, by }) =>
  `${total.toFixed(2)}, ${usec.toFixed(1)} µs  (${Object.entries(by).map(([c, v]) => `${c} ${v.toFixed(2)}`).join(', ') || 'none'})`;
const usedMemory = async () => Number((await redisInfo(await master(), 'memory', admin)).get('used_memory'));

try {
  console.log(`store ${cluster.storeUrl.replace(/:[^:@/]*@/, ':***@')}\n`);
  const rows = [];
  for (const strategy of ['server', 'jwt', 'iron']) {
    await cluster.restartNodes({ strategy });
    const name = `cost-${strategy}`;
    await call('POST', '/api/signup', { json: { username: name, password } });
    const { cookie } = await call('POST', '/api/login', { json: { username: name, password } });
    rows.push([strategy, 'GET /api/hello (signed in)', show(await commandsPer(500, () => call('GET', '/api/hello', { cookie })))]);
    rows.push([strategy, 'GET /api/auth/session', show(await commandsPer(500, () => call('GET', '/api/auth/session', { cookie })))]);
    rows.push([strategy, 'POST /api/login', show(await commandsPer(50, () => call('POST', '/api/login', { json: { username: name, password } })))]);
    const toEnd = [];
    await each(50, 4, async () => toEnd.push((await call('POST', '/api/login', { json: { username: name, password } })).cookie));
    rows.push([strategy, 'POST /api/logout', show(await commandsPer(50, (i) => call('POST', '/api/logout', { json: {}, cookie: toEnd[i] })))]);
    rows.push([strategy, 'POST /api/user (anonymous, a new session)', show(await commandsPer(200, (i) => call('POST', '/api/user', { json: { user: { id: i } } })))]);
  }
  console.log('Redis commands per request and Redis CPU per request (seshd\'s commands only; sentinel and replication traffic left out)');
  for (const r of rows) console.log(`  ${r[0].padEnd(7)} ${r[1].padEnd(44)} ${r[2]}`);

  // Bytes per session, server strategy: users signed up (a user record and a first session
  // each), then a second session each, then anonymous sessions.
  await cluster.restartNodes({ strategy: 'server' });
  if (listpackValue) {
    for (const n of cluster.redis.nodes) await redis(n.port, ['CONFIG', 'SET', 'hash-max-listpack-value', listpackValue], admin);
    console.log(`\nhash-max-listpack-value ${listpackValue}`);
  }
  // Every call must succeed, or the figures would divide by calls that stored nothing. A 503
  // from a node's argon2id queue (SESH_HASHING_QUEUE; sign-ups get a share of it) is retried.
  const fill = async (what, fn) => {
    const bad = [];
    await each(users, 4, async (i) => {
      let r;
      for (let attempt = 0; attempt < 50 && (r = await fn(i)).status === 503; ++attempt) await new Promise((ok) => setTimeout(ok, 100));
      if (r.status >= 300) bad.push(r.status);
    });
    if (bad.length) throw new Error(`${what}: ${bad.length} of ${users} answered ${[...new Set(bad)].join(', ')}`);
    return usedMemory();
  };
  const m0 = await usedMemory();
  const m1 = await fill('sign-up', (i) => call('POST', '/api/signup', { json: { username: `fill${i}`, password } }));
  const m2 = await fill('sign-in', (i) => call('POST', '/api/login', { json: { username: `fill${i}`, password } }));
  const m3 = await fill('anonymous', (i) => call('POST', '/api/user', { json: { user: { id: i, name: `fill${i}` } } }));
  console.log(`\nused_memory (INFO memory) for ${users} users:`);
  console.log(`  sign-up (user record + first session)  ${((m1 - m0) / users).toFixed(0)} bytes each`);
  console.log(`  one more signed-in session per user     ${((m2 - m1) / users).toFixed(0)} bytes each`);
  console.log(`  an anonymous session with small data    ${((m3 - m2) / users).toFixed(0)} bytes each`);

  // MEMORY USAGE of up to 200 keys of each kind.
  const port = await master();
  const kinds = new Map();
  let cursor = '0';
  do {
    const [next, keys] = await redis(port, ['SCAN', cursor, 'COUNT', '1000'], admin);
    cursor = next;
    for (const k of keys) {
      const kind = k.replace(/^((?:[^:]+:){2}).*$/, '$1*');
      if (!kinds.has(kind)) kinds.set(kind, []);
      if (kinds.get(kind).length < 200) kinds.get(kind).push(k);
    }
  } while (cursor !== '0');
  console.log('\nMEMORY USAGE by key kind (mean over up to 200 keys):');
  for (const [kind, keys] of [...kinds].sort()) {
    let sum = 0;
    for (const k of keys) sum += Number(await redis(port, ['MEMORY', 'USAGE', k], admin));
    const type = await redis(port, ['TYPE', keys[0]], admin);
    console.log(`  ${kind.padEnd(24)} ${type.padEnd(6)} ${(sum / keys.length).toFixed(0)} bytes (${keys.length} sampled)`);
  }
  console.log(`\ndbsize ${await redis(port, ['DBSIZE'], admin)}`);
} finally {
  await cluster.stop();
}
