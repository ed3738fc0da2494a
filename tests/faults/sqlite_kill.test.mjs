// seshd on its default SQLite store, SIGKILLed under load, several times: every session whose
// Set-Cookie reached a client survives the restart with the data of its last acknowledged save,
// and the database passes PRAGMA integrity_check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSeshd, req, sessionCookie, signUp, pool, integrityCheck, sleep, password } from './support.mjs';

const ROUNDS = 3;
const WORKERS = 16;

test('SQLite store: kill -9 under load loses no acknowledged session', { timeout: 110000 }, async (t) => {
  const seshd = await spawnSeshd({ env: { SESH_STRATEGY: 'server' } });
  t.after(() => seshd.cleanup());
  await signUp(seshd.url, 'ada');

  const sessions = [];  // {cookie, kind: 'user'|'login', possible: Set of user ids (null = none), round}
  const unexpected = [];  // answers that were neither 200 nor a dropped connection
  let nextId = 1;
  const figures = { kills: 0, requests: 0, inflightAtKill: [], checked: 0, lost: 0, integrity: [] };

  for (let round = 1; round <= ROUNDS; ++round) {
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
    const workers = Array.from({ length: WORKERS }, (_, w) => worker(w));
    await sleep(1200 + Math.floor(Math.random() * 1800));
    figures.inflightAtKill.push(inflight);
    const exit = await seshd.kill('SIGKILL');
    stopping = true;
    assert.equal(exit.signal, 'SIGKILL', 'seshd was killed by SIGKILL (it had not exited on its own)');
    ++figures.kills;
    await Promise.all(workers);
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

    const ic = await integrityCheck(seshd.db);
    if (!ic) t.diagnostic('neither the sqlite3 CLI nor node:sqlite is available: integrity_check skipped');
    else {
      figures.integrity.push(ic.output);
      assert.equal(ic.output, 'ok', `round ${round}: PRAGMA integrity_check (${ic.tool})`);
    }
  }
  assert.deepEqual(unexpected.slice(0, 5), [], `${unexpected.length} answers were neither 200 nor a dropped connection`);

  // A clean stop after the last restart, and the file is still sound on its own.
  await seshd.stop();
  const final = await integrityCheck(seshd.db);
  if (final) assert.equal(final.output, 'ok', 'integrity_check after a clean stop');

  console.log(`faults: sqlite kill -9 x${figures.kills} under ${WORKERS} clients (${figures.requests} requests, ` +
    `in flight at kill ${figures.inflightAtKill.join('/')}), sessions checked ${figures.checked}, lost ${figures.lost}, ` +
    `integrity_check ${final ? [...figures.integrity, final.output].join('/') : 'skipped (no sqlite3, no node:sqlite)'}`);
});
