// Fault-test support: a seshd process that can be SIGKILLed and restarted on the same port and
// data dir, a real redis-server that can be killed, stopped and continued, and a fetch with a
// deadline that reports its latency. Real processes only.
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
