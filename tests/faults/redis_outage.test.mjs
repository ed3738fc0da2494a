// seshd on a real redis-server that is SIGKILLed (connection refused) and SIGSTOPped (a hang)
// under load: every answer that needs the store is a prompt 503 with a JSON error, seshd never
// crashes or hangs, and once Redis is back (appendonly + fsync always, so it keeps its data)
// service returns within seconds with the old sessions intact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSeshd, spawnRedis, req, sessionCookie, signUp, sleep, percentile } from './support.mjs';

const WORKERS = 8;
const BOUND_MS = 3000;  // each answer during an outage (the store's own timeout is 500 ms)
const RECOVERY_MS = 5000;

// Load on the store: a signed-in lookup, a new anonymous session (a write), an existing session's
// data. Runs until stop() and returns every answer with its start time and latency.
function load(base, { ada, anon }) {
  let stopping = false;
  const answers = [];
  const worker = async (w) => {
    for (let i = 0; !stopping; ++i) {
      const kind = (i + w) % 3;
      const started = performance.now();
      const r = kind === 0 ? await req(base, '/api/hello', { cookie: ada, timeoutMs: 8000 })
        : kind === 1 ? await req(base, '/api/user', { method: 'POST', json: { user: { id: 1000 + i } }, timeoutMs: 8000 })
          : await req(base, '/api/user', { cookie: anon, timeoutMs: 8000 });
      answers.push({ kind: ['GET /api/hello', 'POST /api/user', 'GET /api/user'][kind], started, ...r });
      if (r.status === 503) await sleep(5);  // a fast refusal: don't turn the loop into a spin
    }
  };
  const all = Array.from({ length: WORKERS }, (_, w) => worker(w));
  return { answers, stop: async () => { stopping = true; await Promise.all(all); return answers; } };
}

// What every answer of a load run must satisfy; returns the outage figures.
function checkAnswers(answers, faultAt, label) {
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
  const slow = during.filter((a) => a.ms > BOUND_MS);
  const max = Math.max(...during.map((a) => a.ms));
  assert.deepEqual(slow.slice(0, 3).map((a) => ({ kind: a.kind, status: a.status, ms: Math.round(a.ms) })), [],
    `${label}: ${slow.length} answers took over ${BOUND_MS} ms (max ${Math.round(max)} ms)`);
  // Once the fault is established, nothing that needs the store succeeds.
  const late = during.filter((a) => a.started >= faultAt + 1000);
  assert.ok(late.length > 0 && late.every((a) => a.status === 503), `${label}: a second into the outage every answer is 503`);
  return { n503: unavailable.length, max, p99: percentile(during.map((a) => a.ms), 99) };
}

// Requests that need no store (a static file) while the store hangs: they must not wait behind
// the requests that do. Polls until stop(); returns every answer.
function probeStatic(base) {
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

async function waitRecovered(base, name) {
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
  let run = load(seshd.url, { ada, anon });
  await sleep(800);
  const killedAt = performance.now();
  await redis.kill('SIGKILL');
  await sleep(2500);
  const hzKill = await healthz('redis killed', 503);
  let answers = await run.stop();
  assert.ok(seshd.alive(), `seshd still running after the Redis kill: ${seshd.log()}`);
  const killed = checkAnswers(answers, killedAt, 'redis killed');
  assert.ok(answers.some((a) => a.started < killedAt && a.status === 200), 'load was served before the kill');

  await redis.start();
  const recoveryKill = await waitRecovered(seshd.url, 'bob');
  assert.ok(recoveryKill < RECOVERY_MS, `service back ${Math.round(recoveryKill)} ms after redis restarted`);
  await oldSessionsIntact('after the Redis restart');
  await healthz('after the Redis restart', 200);

  // 2. SIGSTOP: Redis accepts connections (the kernel does) but never answers.
  run = load(seshd.url, { ada, anon });
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
  const stopped = checkAnswers(answers, stoppedAt, 'redis stopped');

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
