// seshd on a real PostgreSQL 15 that crashes under load (`pg_ctl stop -m immediate`: no
// checkpoint, connections cut) and is started again: every answer that needs the store is a
// prompt 503 with a JSON error (never a 500, never a hang past the store's timeout), service
// comes back without restarting seshd, and every session a client saw acknowledged is still there.
// Then seshd itself is killed with SIGKILL under load on the same database: no acknowledged
// session is lost. Checks and load are support.mjs's, shared with the Redis and SQLite faults.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSeshd, req, sessionCookie, signUp, sleep, pool, storeLoad, checkOutageAnswers, waitRecovered,
  killUnderLoad } from './support.mjs';
import { spawnPostgres } from '../support/postgres.mjs';

const BOUND_MS = 3000;  // each answer during the outage (the store's own timeout is 500 ms)
const RECOVERY_MS = 5000;

// synchronous_commit on: what seshd acknowledged has reached the kernel before the crash.
const db = await spawnPostgres({ durable: true });
after(() => db.cleanup());

test('PostgreSQL store: pg_ctl stop -m immediate under load, then started again', { timeout: 110000 }, async (t) => {
  db.createDatabase('outage');
  const seshd = await spawnSeshd({ env: { SESH_STORE: db.url('outage'), SESH_STRATEGY: 'server' } });
  t.after(() => seshd.cleanup());

  const ada = await signUp(seshd.url, 'ada');
  const saved = await req(seshd.url, '/api/user', { method: 'POST', json: { user: { id: 42 } } });
  assert.equal(saved.status, 200);
  const anon = sessionCookie(saved.setCookies);

  const run = storeLoad(seshd.url, { ada, anon });
  await sleep(800);
  const stoppedAt = performance.now();
  await db.stop('immediate');
  await sleep(2500);
  const hz = await req(seshd.url, '/healthz', { timeoutMs: 8000 });
  assert.equal(hz.status, 503, `/healthz while PostgreSQL is down: ${hz.text ?? hz.error}`);
  const answers = await run.stop();
  assert.ok(seshd.alive(), `seshd still running after the crash: ${seshd.log()}`);
  const outage = checkOutageAnswers(answers, stoppedAt, 'postgres stopped', BOUND_MS);
  assert.ok(answers.some((a) => a.started < stoppedAt && a.status === 200), 'load was served before the crash');

  const restartedAt = performance.now();
  await db.start();
  const pgStartMs = performance.now() - restartedAt;
  const recovery = await waitRecovered(seshd.url, 'bob');
  assert.ok(recovery < RECOVERY_MS, `service back ${Math.round(recovery)} ms after PostgreSQL was up again`);
  assert.equal((await req(seshd.url, '/healthz')).status, 200);

  // Nothing acknowledged is lost: ada, the first anonymous session, and every new anonymous
  // session the load saw a 200 for (before and after the crash began) read back with its data.
  const acknowledged = [{ cookie: anon, id: 42 }];
  for (const a of answers)
    if (a.kind === 'POST /api/user' && a.status === 200) acknowledged.push({ cookie: sessionCookie(a.setCookies), id: a.id });
  const lost = [];
  await pool(acknowledged, 16, async (s) => {
    const r = await req(seshd.url, '/api/user', { cookie: s.cookie });
    if (r.status !== 200 || r.data?.user?.id !== s.id) lost.push({ status: r.status, got: r.text ?? String(r.error), want: s.id });
  });
  assert.deepEqual(lost.slice(0, 5), [], `${lost.length} of ${acknowledged.length} acknowledged sessions lost`);
  const h = await req(seshd.url, '/api/hello', { cookie: ada });
  assert.deepEqual([h.status, h.data], [200, { message: 'Hello, ada' }], "ada's session survived");
  assert.ok(seshd.alive());

  console.log(`faults: postgres stop -m immediate: ${outage.n503} x 503, max ${Math.round(outage.max)} ms ` +
    `(p99 ${Math.round(outage.p99)} ms), /healthz ${Math.round(hz.ms)} ms; PostgreSQL up again in ${Math.round(pgStartMs)} ms, ` +
    `seshd serving ${Math.round(recovery)} ms later without a restart; ${acknowledged.length} acknowledged sessions kept`);
});

test('PostgreSQL store: kill -9 of seshd under load loses no acknowledged session', { timeout: 110000 }, async (t) => {
  db.createDatabase('kill');
  const seshd = await spawnSeshd({ env: { SESH_STORE: db.url('kill'), SESH_STRATEGY: 'server' } });
  t.after(() => seshd.cleanup());
  const figures = await killUnderLoad(seshd, { rounds: 2, workers: 16 });
  console.log(`faults: postgres seshd kill -9 x${figures.kills} (${figures.requests} requests, in flight at kill ` +
    `${figures.inflightAtKill.join('/')}), sessions checked ${figures.checked}, lost ${figures.lost}`);
});
