// A real PostgreSQL 15 (Debian's) for node tests: initdb and postgres in a fresh temporary
// directory on a free loopback port, as the `postgres` system user when the test runs as root
// (PostgreSQL refuses to run as root), stopped and removed by cleanup(). Trust authentication on
// 127.0.0.1 only; durability off, for speed.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free_port.mjs';

const bin = process.env.SESH_POSTGRES_BIN ?? '/usr/lib/postgresql/15/bin';
const asRoot = process.getuid?.() === 0;

// `cmd args` as the database user: through `runuser -u postgres --` when we are root.
function asDbUser(cmd, args) {
  return asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
}

function runSync(cmd, args, what) {
  const [c, a] = asDbUser(cmd, args);
  const r = spawnSync(c, a, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${what} failed (${r.status ?? r.signal}): ${r.stdout}${r.stderr}`);
  return r.stdout;
}

/// Starts a server; resolves to {port, url(db), query(sql, db), createDatabase(name), stop(mode),
/// start(), cleanup()}. url() is a postgres:// URL as seshd's SESH_STORE takes it; query() runs
/// SQL through psql and answers its unaligned output (for checks made from outside both seshd and
/// the adapter). stop('immediate') is `pg_ctl stop -m immediate` (a crash: no checkpoint, recovery
/// at the next start); start() starts the same cluster again on the same port. `durable` keeps
/// synchronous_commit on, so a commit a client saw survives an immediate stop (the fault tests).
export async function spawnPostgres({ durable = false } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'sesh-postgres-'));
  if (asRoot) {
    const r = spawnSync('chown', ['postgres:postgres', dir]);
    if (r.status !== 0) throw new Error(`chown of ${dir} to postgres failed`);
  }
  chmodSync(dir, 0o700);
  const data = join(dir, 'data');
  runSync(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '-N'], 'initdb');
  const port = await freePort();
  // fsync off: a process crash (what the tests make) loses nothing the kernel has; only
  // synchronous_commit decides whether an acknowledged commit has reached the kernel.
  const [cmd, args] = asDbUser(join(bin, 'postgres'), ['-D', data, '-p', String(port), '-k', dir,
    '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', `synchronous_commit=${durable ? 'on' : 'off'}`,
    '-c', 'full_page_writes=off', '-c', 'max_connections=60']);
  let log = '';
  let child, exited;
  const start = async () => {
    child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d) => { log += d; });
    child.stderr.on('data', (d) => { log += d; });
    exited = new Promise((r) => child.once('exit', r));
    const deadline = Date.now() + 30000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`postgres exited: ${log}`);
      const r = spawnSync(join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port), '-q']);
      if (r.status === 0) break;
      if (Date.now() > deadline) throw new Error(`postgres did not start: ${log}`);
      await new Promise((res) => setTimeout(res, 100));
    }
  };
  const stop = async (mode = 'fast') => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    // pg_ctl waits for the postmaster to go; the kill is for a server that never does.
    spawnSync(...asDbUser(join(bin, 'pg_ctl'), ['stop', '-D', data, '-m', mode, '-w']));
    const t = setTimeout(() => child.kill('SIGKILL'), 10000);
    await exited;
    clearTimeout(t);
  };
  await start();
  const psql = (sql, db = 'postgres') => {
    const r = spawnSync('psql', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', db, '-At',
      '-v', 'ON_ERROR_STOP=1', '-c', sql], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`psql: ${r.stderr}`);
    return r.stdout.trim();
  };
  return {
    port,
    log: () => log,
    url: (db = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${db}`,
    query: psql,
    createDatabase(name) { psql(`CREATE DATABASE ${name}`); },
    stop,
    start,
    async cleanup() {
      await stop('fast');  // fast: ends the clients' connections and stops
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
