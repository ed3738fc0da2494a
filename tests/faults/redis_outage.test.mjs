// seshd on a real redis-server that is SIGKILLed (connection refused) and SIGSTOPped (a hang)
// under load: every answer that needs the store is a prompt 503 with a JSON error, seshd never
// crashes or hangs, and once Redis is back (appendonly + fsync always, so it keeps its data)
// service returns within seconds with the old sessions intact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSeshd, spawnRedis, req, sessionCookie, signUp, sleep, percentile, storeLoad, checkOutageAnswers, probeStatic,
  waitRecovered } from './support.mjs';

const BOUND_MS = 3000;  // each answer during an outage (the store's own timeout is 500 ms)
const RECOVERY_MS = 5000;

test('Redis store: SIGKILL and SIGSTOP of redis-server under load', { timeout: 110000 }, async (t) => {
  const redis = await spawnRedis({ persistent: true });
  t.after(() => redis.cleanup());
  const seshd = await spawnSeshd({ env: { SESH_STORE: `redis://127.0.0.1:${redis.port}` } });
  t.after(() => seshd.cleanup());

  const ada = await signUp(seshd.url, 'ada');
  const saved = await req(seshd.url, '/api/user', { method: 'POST', json: { user: { id: 42 } } });
  assert.equal(saved.status, 200);
  const anon = sessionCookie(saved.setCookies);
  assert.equal((await req(seshd.url, '/api/hello', { cookie: ada })).data?.message, 'Hello, ada');

  const oldSessionsIntact = async (label) => {
    const h = await req(seshd.url, '/api/hello', { cookie: ada });
    assert.deepEqual([h.status, h.data], [200, { message: 'Hello, ada' }], `${label}: ada's session survived`);
    const u = await req(seshd.url, '/api/user', { cookie: anon });
    assert.deepEqual([u.status, u.data], [200, { user: { id: 42 } }], `${label}: the anonymous session survived`);
  };
  const healthz = async (label, want) => {
    const r = await req(seshd.url, '/healthz', { timeoutMs: 8000 });
    assert.equal(r.status, want, `${label}: /healthz ${r.text ?? r.error}`);
    assert.ok(r.ms < BOUND_MS, `${label}: /healthz answered in ${Math.round(r.ms)} ms`);
    return r.ms;
  };

  // 1. SIGKILL: connections refused.
  let run = storeLoad(seshd.url, { ada, anon });
  await sleep(800);
  const killedAt = performance.now();
  await redis.kill('SIGKILL');
  await sleep(2500);
  const hzKill = await healthz('redis killed', 503);
  let answers = await run.stop();
  assert.ok(seshd.alive(), `seshd still running after the Redis kill: ${seshd.log()}`);
  const killed = checkOutageAnswers(answers, killedAt, 'redis killed', BOUND_MS);
  assert.ok(answers.some((a) => a.started < killedAt && a.status === 200), 'load was served before the kill');

  await redis.start();
  const recoveryKill = await waitRecovered(seshd.url, 'bob');
  assert.ok(recoveryKill < RECOVERY_MS, `service back ${Math.round(recoveryKill)} ms after redis restarted`);
  await oldSessionsIntact('after the Redis restart');
  await healthz('after the Redis restart', 200);

  // 2. SIGSTOP: Redis accepts connections (the kernel does) but never answers.
  run = storeLoad(seshd.url, { ada, anon });
  await sleep(800);
  const stoppedAt = performance.now();
  redis.signal('SIGSTOP');
  await sleep(300);
  const probe = probeStatic(seshd.url);
  await sleep(2700);
  const hzStop = await healthz('redis stopped', 503);
  answers = await run.stop();
  const statics = await probe.stop();
  // Store calls are awaited, not blocking an I/O thread: a static file never waits for the hung
  // store (a request that did would take about its 500 ms timeout).
  const staticMax = Math.max(...statics.map((a) => a.ms));
  assert.ok(statics.length > 20 && statics.every((a) => a.status === 200), `static files served while Redis hangs`);
  assert.ok(staticMax < 400, `a static file waited ${Math.round(staticMax)} ms while Redis hung`);
  assert.ok(seshd.alive(), `seshd still running with Redis stopped: ${seshd.log()}`);
  const stopped = checkOutageAnswers(answers, stoppedAt, 'redis stopped', BOUND_MS);

  redis.signal('SIGCONT');
  const recoveryStop = await waitRecovered(seshd.url, 'carol');
  assert.ok(recoveryStop < RECOVERY_MS, `service back ${Math.round(recoveryStop)} ms after SIGCONT`);
  await oldSessionsIntact('after SIGCONT');
  await healthz('after SIGCONT', 200);
  assert.ok(seshd.alive());

  console.log(`faults: redis SIGKILL: ${killed.n503} x 503, max ${Math.round(killed.max)} ms (p99 ${Math.round(killed.p99)} ms), ` +
    `/healthz ${Math.round(hzKill)} ms, recovery ${Math.round(recoveryKill)} ms; redis SIGSTOP: ${stopped.n503} x 503, ` +
    `max ${Math.round(stopped.max)} ms (p99 ${Math.round(stopped.p99)} ms), /healthz ${Math.round(hzStop)} ms, ` +
    `static files meanwhile max ${Math.round(staticMax)} ms (p99 ${Math.round(percentile(statics.map((a) => a.ms), 99))} ms), ` +
    `recovery ${Math.round(recoveryStop)} ms; old sessions kept, seshd never crashed`);
});
