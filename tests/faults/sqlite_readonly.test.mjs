// seshd on SQLite whose database becomes read-only (chmod of the file, its -wal/-shm and the data
// dir). Root ignores file modes, so as root seshd runs as `nobody` (uid 65534) for this test.
// Writes must answer 503 JSON (never 500, never a crash) with a clear log line, reads of existing
// sessions answer 200 or a clean 503, and once permissions are restored nothing saved is lost.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSeshd, req, sessionCookie, signUp, sleep, password, integrityCheck } from './support.mjs';

const NOBODY = 65534;
const runAsRoot = process.getuid() === 0;

/// What must survive each fault: a signed-in user and 20 anonymous sessions with data.
async function saveSessions(url) {
  const ada = await signUp(url, 'ada');
  const saved = [];
  for (let id = 1; id <= 20; ++id) {
    const r = await req(url, '/api/user', { method: 'POST', json: { user: { id } } });
    assert.equal(r.status, 200);
    saved.push({ id, cookie: sessionCookie(r.setCookies) });
  }
  return { ada, saved };
}

test('SQLite store made read-only: 503 for writes, nothing lost', { timeout: 110000 }, async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sesh-faults-ro-'));
  if (runAsRoot) chownSync(dataDir, NOBODY, NOBODY);
  const seshd = await spawnSeshd({
    dataDir, env: { SESH_STRATEGY: 'server', SESH_LOG_LEVEL: 'info' },
    ...(runAsRoot ? { uid: NOBODY, gid: NOBODY } : {}),
  });
  const files = () => readdirSync(dataDir).filter((f) => f.startsWith('sesh.db')).map((f) => join(dataDir, f));
  const makeReadOnly = () => { for (const f of files()) chmodSync(f, 0o444); chmodSync(dataDir, 0o555); };
  const restore = () => { chmodSync(dataDir, 0o700); for (const f of files()) chmodSync(f, 0o644); };
  t.after(async () => { restore(); await seshd.cleanup(); });

  // Sessions saved before the fault: a signed-in user and anonymous sessions with data.
  const { ada, saved } = await saveSessions(seshd.url);
  const allIntact = async (label) => {
    const h = await req(seshd.url, '/api/hello', { cookie: ada });
    assert.deepEqual([h.status, h.data], [200, { message: 'Hello, ada' }], `${label}: ada`);
    for (const s of saved) {
      const r = await req(seshd.url, '/api/user', { cookie: s.cookie });
      assert.deepEqual([r.status, r.data], [200, { user: { id: s.id } }], `${label}: session ${s.id}`);
    }
  };
  const isCleanError = (r) => r.status === 503 && typeof r.data?.error === 'string' &&
    r.headers.get('content-type')?.startsWith('application/json');
  // Writes: a new session, an update, a login. Each must be 200 (it was written) or a clean 503.
  let signups = 0;
  const tryWrites = async () => [
    await req(seshd.url, '/api/user', { method: 'POST', json: { user: { id: 999 } } }),
    await req(seshd.url, '/api/user', { method: 'POST', json: { user: { id: 998 } }, cookie: saved[0].cookie }),
    await req(seshd.url, '/api/login', { method: 'POST', json: { username: 'ada', password } }),
    await req(seshd.url, '/api/signup', { method: 'POST', json: { username: `grace${++signups}`, password } }),
  ];
  const statuses = (rs) => rs.map((r) => r.status).join(',');

  // 1. Permissions taken away while seshd runs. Its descriptors were opened read-write, and a
  //    chmod does not change what an open descriptor may do, so writes may well still succeed:
  //    only never a 500, a dropped connection or a crash.
  makeReadOnly();
  const running = await tryWrites();
  for (const r of running) assert.ok(r.status >= 200 && r.status < 300 || isCleanError(r), `while running: ${r.status} ${r.text ?? r.error}`);
  assert.ok(seshd.alive(), `seshd alive after chmod: ${seshd.log()}`);
  const expectedUpdate = running[1].status === 200 ? 998 : 1;

  // 2. Restarted while the files are read-only: seshd either refuses to start with a clear
  //    message, or serves reads and answers writes 503.
  await seshd.stop();
  const logBefore = seshd.log().length;
  await seshd.start({ waitHealthy: false });
  let outcome;
  const deadline = Date.now() + 10000;
  for (;;) {
    if (!seshd.alive()) { outcome = 'refused'; break; }
    const r = await req(seshd.url, '/healthz', { timeoutMs: 2000 });
    if (r.status !== 0) { outcome = 'serving'; break; }
    assert.ok(Date.now() < deadline, 'seshd neither served nor exited within 10 s of starting on a read-only database');
    await sleep(100);
  }
  const newLog = () => seshd.log().slice(logBefore);
  const causeLines = () => newLog().split('\n').filter((l) => /read-?only|permission|access/i.test(l));
  let readOnlyFigures;
  if (outcome === 'refused') {
    const exit = await seshd.child.exited;
    assert.notEqual(exit.code, 0, 'refusing to start exits non-zero');
    assert.equal(exit.signal, null, `seshd was not killed by a signal: ${exit.signal}`);
    assert.ok(causeLines().length >= 1, `a clear line says why: ${newLog()}`);
    readOnlyFigures = `refused to start (exit ${exit.code}): "${causeLines()[0].trim()}"`;
  } else {
    const writes = await tryWrites();
    assert.deepEqual(writes.map((r) => isCleanError(r)), [true, true, true, true],
      `writes on a read-only database answer 503 JSON, got ${writes.map((r) => `${r.status} ${r.text}`).join(' | ')}`);
    const reads = [await req(seshd.url, '/api/hello', { cookie: ada }),
      ...await Promise.all(saved.slice(1, 6).map((s) => req(seshd.url, '/api/user', { cookie: s.cookie })))];
    for (const r of reads) assert.ok(r.status === 200 || isCleanError(r), `a read answers 200 or 503 JSON: ${r.status} ${r.text}`);
    const readsOk = reads.filter((r) => r.status === 200).length;
    if (reads[0].status === 200) assert.deepEqual(reads[0].data, { message: 'Hello, ada' });
    assert.ok(seshd.alive(), 'seshd alive after refused writes');
    const lines = causeLines();
    assert.ok(lines.length >= 1, `seshd logs a line naming the cause (read-only): ${newLog()}`);
    readOnlyFigures = `served (reads ${readsOk}/${reads.length} 200, writes ${statuses(writes)}), ` +
      `${lines.length} log lines naming the cause, first: "${lines[0].trim()}"`;
  }

  // 3. Permissions restored: does seshd pick writing up again without a restart?
  restore();
  let healedWithoutRestart = 'n/a (not running)';
  if (seshd.alive()) {
    const t0 = Date.now();
    healedWithoutRestart = 'no';
    while (Date.now() - t0 < 3000) {
      const r = await req(seshd.url, '/api/user', { method: 'POST', json: { user: { id: 997 } } });
      if (r.status === 200) { healedWithoutRestart = `yes, ${Date.now() - t0} ms`; break; }
      assert.ok(isCleanError(r), `after restoring permissions: ${r.status} ${r.text}`);
      await sleep(200);
    }
  }
  await seshd.stop();
  await seshd.start();
  saved[0].id = expectedUpdate;
  await allIntact('after restoring permissions');
  const w = await req(seshd.url, '/api/user', { method: 'POST', json: { user: { id: 996 } } });
  assert.equal(w.status, 200, 'writes work again');
  const ic = await integrityCheck(join(dataDir, 'sesh.db'));
  if (ic) assert.equal(ic.output, 'ok');
  assert.ok(existsSync(join(dataDir, 'sesh.db')));

  console.log(`faults: sqlite read-only (seshd as ${runAsRoot ? 'nobody, tests run as root' : `uid ${process.getuid()}`}): ` +
    `chmod while running -> writes ${statuses(running)}; restart read-only -> ${readOnlyFigures}; ` +
    `healed without restart: ${healedWithoutRestart}; after restore ${saved.length + 1} sessions checked, lost 0`);
});

// A full disk cannot be made without root (a size-limited mount), but a file size limit does the
// same to a running seshd without privileges: RLIMIT_FSIZE lowered with prlimit(1) (soft limit only,
// so it can be raised again) makes every write that would grow sesh.db or its WAL fail (EFBIG;
// SIGXFSZ is ignored, as bash's `trap '' XFSZ` passes on through exec). This is the case a chmod
// cannot produce: writes failing under a seshd that already has the database open.
test('SQLite writes failing under a running seshd (file size limit as a stand-in for a full disk)', { timeout: 60000 }, async (t) => {
  const seshd = await spawnSeshd({ env: { SESH_STRATEGY: 'server', SESH_LOG_LEVEL: 'info' }, shellPrefix: "trap '' XFSZ" });
  t.after(() => seshd.cleanup());
  const prlimit = (spec) => {
    const r = spawnSync('prlimit', ['--pid', String(seshd.pid), `--fsize=${spec}`], { encoding: 'utf8' });
    assert.equal(r.status, 0, `prlimit --fsize=${spec}: ${r.stderr}`);
  };
  const { ada, saved } = await saveSessions(seshd.url);
  const isCleanError = (r) => r.status === 503 && typeof r.data?.error === 'string' &&
    r.headers.get('content-type')?.startsWith('application/json');

  const sizes = readdirSync(seshd.dataDir).filter((f) => /^sesh\.db(-wal)?$/.test(f)).map((f) => statSync(join(seshd.dataDir, f)).size);
  const limit = Math.min(...sizes.filter((s) => s > 0));
  const logBefore = seshd.log().length;
  prlimit(`${limit}:unlimited`);

  // New sessions until the limit bites; every answer is 200 (it fit) or a clean 503.
  const during = [];
  for (let i = 0; i < 50; ++i) {
    const r = await req(seshd.url, '/api/user', { method: 'POST', json: { user: { id: 100 + i } } });
    assert.ok(r.status === 200 || isCleanError(r), `write with the disk "full": ${r.status} ${r.text ?? r.error}`);
    during.push({ id: 100 + i, status: r.status, cookie: sessionCookie(r.setCookies) });
    if (r.status === 503) break;
  }
  assert.equal(during.at(-1).status, 503, `a write failed once the file could not grow (limit ${limit} bytes)`);
  const more = [
    await req(seshd.url, '/api/user', { method: 'POST', json: { user: { id: 900 } }, cookie: saved[0].cookie }),
    await req(seshd.url, '/api/login', { method: 'POST', json: { username: 'ada', password } }),
    await req(seshd.url, '/api/signup', { method: 'POST', json: { username: 'grace', password } }),
  ];
  assert.deepEqual(more.map(isCleanError), [true, true, true],
    `update, login and sign-up answer 503 JSON: ${more.map((r) => `${r.status} ${r.text}`).join(' | ')}`);
  const reads = [await req(seshd.url, '/api/hello', { cookie: ada }),
    ...await Promise.all(saved.slice(1).map((s) => req(seshd.url, '/api/user', { cookie: s.cookie })))];
  for (const r of reads) assert.ok(r.status === 200 || isCleanError(r), `a read answers 200 or 503 JSON: ${r.status} ${r.text}`);
  const readsOk = reads.filter((r) => r.status === 200).length;
  const health = await req(seshd.url, '/healthz');
  assert.ok(seshd.alive(), `seshd alive: ${seshd.log()}`);
  const failedWrites = 1 + more.length;
  const logLines = seshd.log().slice(logBefore).split('\n').filter((l) => l.trim());
  assert.ok(logLines.some((l) => /sqlite|store/i.test(l)), `seshd logged the failure: ${logLines.join('\n')}`);

  // Room again: writes work without a restart, and nothing saved is lost (before or after a restart).
  prlimit('unlimited:unlimited');
  const t0 = Date.now();
  let back = null;
  while (Date.now() - t0 < 5000) {
    const r = await req(seshd.url, '/api/user', { method: 'POST', json: { user: { id: 901 } }, cookie: saved[0].cookie });
    if (r.status === 200) { back = Date.now() - t0; break; }
    assert.ok(isCleanError(r), `after the limit was lifted: ${r.status} ${r.text}`);
    await sleep(100);
  }
  assert.ok(back !== null, 'writes work again within 5 s of the limit being lifted, without a restart');
  saved[0].id = 901;
  const acknowledged = [...saved, ...during.filter((d) => d.status === 200)];
  const check = async (label) => {
    const h = await req(seshd.url, '/api/hello', { cookie: ada });
    assert.deepEqual([h.status, h.data], [200, { message: 'Hello, ada' }], `${label}: ada`);
    for (const s of acknowledged) {
      const r = await req(seshd.url, '/api/user', { cookie: s.cookie });
      assert.deepEqual([r.status, r.data], [200, { user: { id: s.id } }], `${label}: session ${s.id}`);
    }
  };
  await check('limit lifted');
  await seshd.stop();
  await seshd.start();
  await check('after a restart');
  const ic = await integrityCheck(seshd.db);
  if (ic) assert.equal(ic.output, 'ok');

  console.log(`faults: sqlite writes failing under a running seshd (RLIMIT_FSIZE ${limit} bytes): ${during.length - 1} writes fit, ` +
    `then ${failedWrites} writes answered 503 JSON, reads ${readsOk}/${reads.length} 200, /healthz ${health.status}, ` +
    `${logLines.length} log lines for ${failedWrites} failed writes (first: "${(logLines[0] ?? '').trim()}"); ` +
    `writes back ${back} ms after the limit was lifted, no restart; ${acknowledged.length + 1} sessions checked, lost 0`);
});
