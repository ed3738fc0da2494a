// Fault-test support: a seshd process that can be SIGKILLed and restarted on the same port and
// data dir, a real redis-server that can be killed, stopped and continued, a fetch with a
// deadline that reports its latency, and the load and checks an outage or a kill -9 is measured
// with, whichever store is underneath. Real processes only.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, seshdPath } from '../e2e/harness.mjs';

export { freePort, seshdPath };

export const password = 'correct horse battery staple';
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/// Spawns `cmd`, collecting its output into `sink(text)` and noting its exit in `child.exited`.
function launch(cmd, args, opts, sink) {
  const child = spawn(cmd, args, opts);
  child.stdout?.on('data', (d) => sink(d));
  child.stderr?.on('data', (d) => sink(d));
  child.exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
  return child;
}

/// Polls `ready()` every 50 ms until it is true; throws if `child` exits or the time runs out.
async function waitReady(child, ready, timeoutMs, what, log) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`${what} exited (${child.exitCode ?? child.signalCode}): ${log()}`);
    if (await ready()) return;
    if (Date.now() > deadline) throw new Error(`${what} did not become ready: ${log()}`);
    await sleep(50);
  }
}

/// A process handle's signal-and-wait: nothing when it is not running.
async function killChild(child, signal) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return undefined;
  child.kill(signal);
  return child.exited;
}

/// seshd as a child process we own. `env` adds SESH_* settings; `dataDir`/`port` default to a
/// fresh temp dir and a free port, kept across restarts. `uid`/`gid` run it as another user (the
/// caller must be root). `shellPrefix` (e.g. 'ulimit -n 20000') runs seshd through bash first.
export async function spawnSeshd({ env = {}, dataDir, port, uid, gid, shellPrefix, waitHealthy = true } = {}) {
  dataDir ??= mkdtempSync(join(tmpdir(), 'sesh-faults-'));
  port ??= await freePort();
  const url = `http://127.0.0.1:${port}`;
  let child;
  let log = '';
  const fullEnv = {
    ...process.env, SESH_LISTEN: `127.0.0.1:${port}`, SESH_DATA_DIR: dataDir,
    SESH_ARGON2_OPS: '1', SESH_ARGON2_MEM_KIB: '8192', SESH_LOG_LEVEL: 'warn',
    SESH_NEW_SESSIONS_PER_MINUTE: '0',  // one loopback address makes every session here
    SESH_SIGNUP_LIMIT: '0',  // and every sign-up; the recovery probes sign up until one works
    ...env,
  };
  const self = {
    url, port, dataDir,
    db: join(dataDir, 'sesh.db'),
    get child() { return child; },
    get pid() { return child?.pid; },
    log: () => log,
    alive: () => !!child && child.exitCode === null && child.signalCode === null,
    /// Starts seshd (again) and waits until it accepts HTTP (any /healthz answer, 200 or 503).
    async start({ waitHealthy = true, timeoutMs = 15000 } = {}) {
      const opts = { env: fullEnv, stdio: ['ignore', 'ignore', 'pipe'] };
      if (uid !== undefined) { opts.uid = uid; opts.gid = gid ?? uid; }
      child = shellPrefix
        ? launch('bash', ['-c', `${shellPrefix}; exec "$0"`, seshdPath], opts, (d) => { log += d; })
        : launch(seshdPath, [], opts, (d) => { log += d; });
      if (!waitHealthy) return;
      await waitReady(child, async () => {
        try {
          const r = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
          await r.text();
          return r.ok;
        } catch { return false; /* not up yet */ }
      }, timeoutMs, 'seshd', () => log);
    },
    /// SIGKILL (or another signal) and wait for the process to be gone.
    kill: (signal = 'SIGKILL') => killChild(child, signal),
    async stop() {
      if (!self.alive()) return;
      const me = child;
      me.kill('SIGTERM');
      const t = setTimeout(() => me.kill('SIGKILL'), 10000);
      await me.exited;
      clearTimeout(t);
    },
    async cleanup() {
      await self.stop();
      if (!process.env.SESH_KEEP_DATA) rmSync(dataDir, { recursive: true, force: true });
    },
    /// Resident set size in KiB (VmRSS of /proc/<pid>/status).
    rssKiB() {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      return m ? Number(m[1]) : NaN;
    },
  };
  await self.start({ waitHealthy });
  return self;
}

/// Debian's redis-server on a free loopback port. `persistent` turns on appendonly with fsync on
/// every write (in a temp dir) so data survives a SIGKILL; otherwise nothing is saved. `password`
/// makes the default user need it (requirepass).
export async function spawnRedis({ port, persistent = false, password } = {}) {
  port ??= await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'sesh-faults-redis-'));
  const bin = process.env.SESH_REDIS_SERVER ?? '/usr/bin/redis-server';
  let child;
  let log = '';
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '',
    '--daemonize', 'no', '--logfile', '', '--protected-mode', 'yes',
    ...(persistent ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']),
    ...(password ? ['--requirepass', password] : [])];
  const auth = password ? ['-a', password, '--no-auth-warning'] : [];
  const self = {
    port, dir,
    get pid() { return child?.pid; },
    log: () => log,
    alive: () => !!child && child.exitCode === null && child.signalCode === null,
    async start() {
      child = launch(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] }, (d) => { log += d; });
      await waitReady(child, () => {
        const p = spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...auth, 'PING'], { encoding: 'utf8' });
        return p.stdout?.trim() === 'PONG';
      }, 10000, 'redis-server', () => log);
    },
    kill: (signal = 'SIGKILL') => killChild(child, signal),
    signal(sig) { child.kill(sig); },
    async cleanup() {
      if (self.alive()) { child.kill('SIGCONT'); await self.kill('SIGKILL'); }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await self.start();
  return self;
}

/// One HTTP request with a deadline. Never throws: {status, data, text, ms, setCookies, error}.
/// `cookie` is a Cookie header value.
export async function req(base, path, { method = 'GET', json, cookie, timeoutMs = 10000 } = {}) {
  const headers = {};
  if (cookie) headers.cookie = cookie;
  let body;
  if (json !== undefined) { body = JSON.stringify(json); headers['content-type'] = 'application/json'; }
  const t0 = performance.now();
  try {
    const res = await fetch(base + path, { method, headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text();
    let data;
    try { data = JSON.parse(text); } catch { data = undefined; }
    return { status: res.status, data, text, ms: performance.now() - t0, setCookies: res.headers.getSetCookie(), headers: res.headers };
  } catch (error) {
    return { status: 0, error, ms: performance.now() - t0, setCookies: [] };
  }
}

/// The session cookie(s) a response set, as a Cookie header value ('' when none). CSRF cookies and
/// clearing cookies are left out.
export function sessionCookie(setCookies) {
  const pairs = [];
  for (const line of setCookies) {
    const pair = line.split(';')[0];
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    if (name.includes('csrf') || name.includes('callback-url') || value === '' || /max-age=0\b/i.test(line)) continue;
    pairs.push(`${name}=${value}`);
  }
  return pairs.join('; ');
}

/// Signs `name` up through the JSON API; returns the session cookie.
export async function signUp(base, name, pw = password) {
  const r = await req(base, '/api/signup', { method: 'POST', json: { username: name, password: pw } });
  if (r.status !== 201) throw new Error(`signup ${name}: ${r.status} ${r.text ?? r.error}`);
  return sessionCookie(r.setCookies);
}

/// Runs `fn` over `items` with at most `n` in flight.
export async function pool(items, n, fn) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) { const i = next++; out[i] = await fn(items[i], i); }
  }));
  return out;
}

/// PRAGMA integrity_check on an SQLite file: the sqlite3 CLI, else node:sqlite; null if neither.
export async function integrityCheck(dbPath) {
  const which = spawnSync('sh', ['-c', 'command -v sqlite3'], { encoding: 'utf8' });
  if (which.status === 0) {
    const r = spawnSync('sqlite3', [dbPath, 'PRAGMA integrity_check'], { encoding: 'utf8' });
    return { tool: 'sqlite3', output: (r.stdout + r.stderr).trim() };
  }
  try {
    const { DatabaseSync } = await import('node:sqlite');
    const db = new DatabaseSync(dbPath);
    const rows = db.prepare('PRAGMA integrity_check').all();
    db.close();
    return { tool: 'node:sqlite', output: rows.map((r) => Object.values(r)[0]).join('\n') };
  } catch {
    return null;
  }
}

export const percentile = (xs, p) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

// Load on the store: a signed-in lookup, a new anonymous session (a write; its answer keeps the
// `id` saved), an existing session's data. Runs until stop() and returns every answer with its
// start time and latency.
export function storeLoad(base, { ada, anon }, workers = 8) {
  let stopping = false;
  const answers = [];
  const worker = async (w) => {
    for (let i = 0; !stopping; ++i) {
      const kind = (i + w) % 3;
      const started = performance.now();
      const id = 1000 + i;  // what a POST saves in its new session
      const r = kind === 0 ? await req(base, '/api/hello', { cookie: ada, timeoutMs: 8000 })
        : kind === 1 ? await req(base, '/api/user', { method: 'POST', json: { user: { id } }, timeoutMs: 8000 })
          : await req(base, '/api/user', { cookie: anon, timeoutMs: 8000 });
      answers.push({ kind: ['GET /api/hello', 'POST /api/user', 'GET /api/user'][kind], started, ...(kind === 1 ? { id } : {}), ...r });
      if (r.status === 503) await sleep(5);  // a fast refusal: don't turn the loop into a spin
    }
  };
  const all = Array.from({ length: workers }, (_, w) => worker(w));
  return { answers, stop: async () => { stopping = true; await Promise.all(all); return answers; } };
}

// What every answer of a load run must satisfy: 200 or a 503 with a JSON error, none slower than
// `boundMs`, and nothing but 503 a second into the fault; returns the outage figures.
export function checkOutageAnswers(answers, faultAt, label, boundMs) {
  const bad = answers.filter((a) => !(a.status === 200 || a.status === 503));
  assert.deepEqual(bad.slice(0, 3).map((a) => ({ kind: a.kind, status: a.status, text: a.text, error: String(a.error ?? '') })), [],
    `${label}: ${bad.length} answers were neither 200 nor 503 (0 = no answer within 8 s / connection error)`);
  const unavailable = answers.filter((a) => a.status === 503);
  assert.ok(unavailable.length > 0, `${label}: the outage was seen (some 503s)`);
  for (const a of unavailable) {
    assert.equal(a.headers.get('content-type')?.split(';')[0], 'application/json', `${label}: 503 is JSON`);
    assert.equal(typeof a.data?.error, 'string', `${label}: 503 body has an error message: ${a.text}`);
  }
  const during = answers.filter((a) => a.started >= faultAt);
  const slow = during.filter((a) => a.ms > boundMs);
  const max = Math.max(...during.map((a) => a.ms));
  assert.deepEqual(slow.slice(0, 3).map((a) => ({ kind: a.kind, status: a.status, ms: Math.round(a.ms) })), [],
    `${label}: ${slow.length} answers took over ${boundMs} ms (max ${Math.round(max)} ms)`);
  // Once the fault is established, nothing that needs the store succeeds.
  const late = during.filter((a) => a.started >= faultAt + 1000);
  assert.ok(late.length > 0 && late.every((a) => a.status === 503), `${label}: a second into the outage every answer is 503`);
  return { n503: unavailable.length, max, p99: percentile(during.map((a) => a.ms), 99) };
}

// Requests that need no store (a static file) while the store hangs: they must not wait behind
// the requests that do. Polls until stop(); returns every answer.
export function probeStatic(base) {
  let stopping = false;
  const answers = [];
  const loop = (async () => {
    while (!stopping) {
      answers.push(await req(base, '/static/style.css', { timeoutMs: 8000 }));
      await sleep(20);
    }
  })();
  return { stop: async () => { stopping = true; await loop; return answers; } };
}

// Signs up `name`1, `name`2, … until one works and its session reads back (503s meanwhile, nothing
// else); the milliseconds it took, or over 15 s when the service never came back.
export async function waitRecovered(base, name) {
  const t0 = performance.now();
  let attempts = 0;
  for (;;) {
    ++attempts;
    const r = await req(base, '/api/signup', { method: 'POST', json: { username: `${name}${attempts}`, password: 'correct horse battery staple' }, timeoutMs: 5000 });
    if (r.status === 201) {
      const h = await req(base, '/api/hello', { cookie: sessionCookie(r.setCookies), timeoutMs: 5000 });
      if (h.status === 200 && h.data?.message === `Hello, ${name}${attempts}`) return performance.now() - t0;
    } else {
      assert.ok([503].includes(r.status), `sign-up while recovering answered ${r.status} ${r.text ?? r.error}`);
    }
    if (performance.now() - t0 > 15000) return performance.now() - t0;
    await sleep(50);
  }
}

// seshd SIGKILLed under load `rounds` times, restarted each time: every session whose Set-Cookie
// reached a client survives with the data of its last acknowledged save (sign-ins of `ada`, whom
// it signs up, and anonymous /api/user sessions; the server strategy). `afterRound(round)` runs
// once each round's sessions are checked. Returns the figures.
export async function killUnderLoad(seshd, { rounds = 3, workers = 16, afterRound } = {}) {
  await signUp(seshd.url, 'ada');

  const sessions = [];  // {cookie, kind: 'user'|'login', possible: Set of user ids (null = none), round}
  const unexpected = [];  // answers that were neither 200 nor a dropped connection
  let nextId = 1;
  const figures = { kills: 0, requests: 0, inflightAtKill: [], checked: 0, lost: 0 };

  for (let round = 1; round <= rounds; ++round) {
    let stopping = false;
    let inflight = 0;
    const send = async (path, opts) => {
      ++inflight;
      try { return await req(seshd.url, path, { timeoutMs: 10000, ...opts }); } finally { --inflight; ++figures.requests; }
    };
    const worker = async (w) => {
      let current = null;
      for (let step = 0; !stopping; ++step) {
        if (!current || step % 4 === 0) {
          if ((step + w) % 3 === 0) {
            const r = await send('/api/login', { method: 'POST', json: { username: 'ada', password } });
            if (r.status === 0) return;
            if (r.status !== 200) { unexpected.push({ path: '/api/login', status: r.status, text: r.text }); continue; }
            const cookie = sessionCookie(r.setCookies);
            if (!cookie) { unexpected.push({ path: '/api/login', status: 200, text: 'no session cookie' }); continue; }
            current = { cookie, kind: 'login', possible: new Set([null]), round };
          } else {
            const id = nextId++;
            const r = await send('/api/user', { method: 'POST', json: { user: { id } } });
            if (r.status === 0) return;
            if (r.status !== 200) { unexpected.push({ path: '/api/user (new)', status: r.status, text: r.text }); continue; }
            const cookie = sessionCookie(r.setCookies);
            if (!cookie) { unexpected.push({ path: '/api/user (new)', status: 200, text: 'no session cookie' }); continue; }
            current = { cookie, kind: 'user', possible: new Set([id]), round };
          }
          sessions.push(current);
        } else {
          // Update the current session: until the answer arrives either value may be stored.
          const id = nextId++;
          current.possible.add(id);
          const r = await send('/api/user', { method: 'POST', json: { user: { id } }, cookie: current.cookie });
          if (r.status === 0) return;
          if (r.status !== 200) { unexpected.push({ path: '/api/user (update)', status: r.status, text: r.text }); continue; }
          current.possible = new Set([id]);
          const renewed = sessionCookie(r.setCookies);
          if (renewed) current.cookie = renewed;
        }
      }
    };
    const running = Array.from({ length: workers }, (_, w) => worker(w));
    await sleep(1200 + Math.floor(Math.random() * 1800));
    figures.inflightAtKill.push(inflight);
    const exit = await seshd.kill('SIGKILL');
    stopping = true;
    assert.equal(exit.signal, 'SIGKILL', 'seshd was killed by SIGKILL (it had not exited on its own)');
    ++figures.kills;
    await Promise.all(running);
    assert.ok(figures.inflightAtKill.at(-1) > 0, 'requests were in flight when seshd was killed');

    await seshd.start();

    // Every session ever acknowledged (this round and earlier ones) is still there, with its data.
    const lost = [];
    await pool(sessions, 16, async (s) => {
      const r = await req(seshd.url, '/api/user', { cookie: s.cookie });
      const user = r.data?.user;
      const id = user === null || user === undefined ? null : user.id;
      if (r.status !== 200 || user === undefined || !s.possible.has(id)) {
        lost.push({ round: s.round, kind: s.kind, status: r.status, got: r.text ?? String(r.error), possible: [...s.possible] });
        return;
      }
      if (s.kind === 'login') {
        const h = await req(seshd.url, '/api/hello', { cookie: s.cookie });
        if (h.status !== 200 || h.data?.message !== 'Hello, ada')
          lost.push({ round: s.round, kind: s.kind, status: h.status, got: h.text ?? String(h.error), path: '/api/hello' });
      }
    });
    figures.checked = sessions.length;
    figures.lost += lost.length;
    assert.deepEqual(lost.slice(0, 5), [], `round ${round}: ${lost.length} of ${sessions.length} acknowledged sessions lost or changed after kill -9`);

    await afterRound?.(round);
  }
  assert.deepEqual(unexpected.slice(0, 5), [], `${unexpected.length} answers were neither 200 nor a dropped connection`);
  return figures;

}
