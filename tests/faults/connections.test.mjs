// Hostile and numerous connections against a real seshd: slowloris headers, a stalled body and
// idle keep-alive connections are cut by the read and idle timeouts (a silent new connection by
// the read timeout), and 10,000 idle connections
// held at once neither stop a normal request from being served promptly nor blow up seshd's RSS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { readFileSync, readdirSync } from 'node:fs';
import { spawnSeshd, req, sleep } from './support.mjs';

const READ_TIMEOUT_MS = 2000;
const IDLE_TIMEOUT_MS = 3000;
const HOLD = 10000;

// A raw socket that records when it connected, what came back and when the server closed it.
function rawSocket(port) {
  const s = connect({ host: '127.0.0.1', port });
  const out = { socket: s, received: '', openedAt: 0, closedAt: 0, errors: [] };
  out.connected = new Promise((resolve, reject) => {
    s.once('connect', () => { out.openedAt = performance.now(); resolve(); });
    s.once('error', reject);
  });
  out.closed = new Promise((resolve) => s.once('close', () => { out.closedAt = performance.now(); resolve(); }));
  s.on('error', (e) => out.errors.push(e.code));
  s.on('data', (d) => { out.received += d.toString('latin1'); });
  s.on('end', () => s.end());
  return out;
}

const withTimeout = (p, ms) => Promise.race([p, sleep(ms).then(() => 'timeout')]);
const limitOf = (pid) => Number(/Max open files\s+(\d+)/.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'))[1]);

test('slowloris headers, a stalled body and idle keep-alive connections are cut', { timeout: 60000 }, async (t) => {
  const seshd = await spawnSeshd({ env: {
    SESH_READ_TIMEOUT_MS: String(READ_TIMEOUT_MS), SESH_IDLE_CONNECTION_TIMEOUT_MS: String(IDLE_TIMEOUT_MS) } });
  t.after(() => seshd.cleanup());

  // 20 slowloris clients: a request line, then one header byte every 500 ms, forever.
  const slow = [];
  for (let i = 0; i < 20; ++i) {
    const c = rawSocket(seshd.port);
    await c.connected;
    c.socket.write('GET /api/hello HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const header = `X-Slow-${i}: ${'a'.repeat(1000)}`;
    let k = 0;
    c.timer = setInterval(() => { if (!c.closedAt) c.socket.write(header[k++ % header.length]); }, 500);
    slow.push(c);
  }
  // A body that stalls: Content-Length 100, 10 bytes sent.
  const stalled = rawSocket(seshd.port);
  await stalled.connected;
  stalled.socket.write('POST /api/user HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"user":{"');
  // An idle keep-alive connection after one complete exchange, and one that never says anything.
  const keepAlive = rawSocket(seshd.port);
  await keepAlive.connected;
  keepAlive.socket.write('GET /api/hello HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
  const silent = rawSocket(seshd.port);
  await silent.connected;
  let answeredAt = 0;
  for (let i = 0; i < 100 && !answeredAt; ++i) {
    if (/\r\n\r\n\{"message":"Not authenticated"\}$/.test(keepAlive.received)) answeredAt = performance.now();
    else await sleep(10);
  }
  assert.ok(answeredAt, `the keep-alive request was answered: ${JSON.stringify(keepAlive.received)}`);
  assert.match(keepAlive.received, /^HTTP\/1\.1 401 /);

  // Meanwhile a normal client is served promptly.
  const during = await req(seshd.url, '/api/hello', { timeoutMs: 3000 });
  assert.equal(during.status, 401);
  assert.ok(during.ms < 1000, `a normal request during slowloris took ${Math.round(during.ms)} ms`);

  const res = await withTimeout(Promise.all([...slow.map((c) => c.closed), stalled.closed, keepAlive.closed, silent.closed]), 15000);
  for (const c of slow) clearInterval(c.timer);
  assert.notEqual(res, 'timeout', 'every hostile connection was closed within 15 s');

  const slowLife = slow.map((c) => c.closedAt - c.openedAt);
  const maxSlow = Math.max(...slowLife);
  const minSlow = Math.min(...slowLife);
  assert.ok(minSlow >= READ_TIMEOUT_MS * 0.75 && maxSlow <= READ_TIMEOUT_MS + 1500,
    `slowloris connections closed after ${Math.round(minSlow)}..${Math.round(maxSlow)} ms (read timeout ${READ_TIMEOUT_MS})`);
  for (const c of slow) assert.doesNotMatch(c.received, /^HTTP\/1\.1 [25]/, 'a trickled request is never served nor a 5xx');
  const stalledLife = stalled.closedAt - stalled.openedAt;
  assert.ok(stalledLife >= READ_TIMEOUT_MS * 0.75 && stalledLife <= READ_TIMEOUT_MS + 1500,
    `the stalled body was cut after ${Math.round(stalledLife)} ms`);
  assert.doesNotMatch(stalled.received, /^HTTP\/1\.1 200/, 'a truncated body is never processed');
  const idleLife = keepAlive.closedAt - answeredAt;
  assert.ok(idleLife >= IDLE_TIMEOUT_MS * 0.75 && idleLife <= IDLE_TIMEOUT_MS + 1500,
    `the idle keep-alive connection was closed ${Math.round(idleLife)} ms after its answer (idle timeout ${IDLE_TIMEOUT_MS})`);
  // A new connection has earned no idle time: until its first request it has the read timeout.
  const silentLife = silent.closedAt - silent.openedAt;
  assert.ok(silentLife >= READ_TIMEOUT_MS * 0.75 && silentLife <= READ_TIMEOUT_MS + 1500,
    `a connection that never sent a byte was closed after ${Math.round(silentLife)} ms (read timeout ${READ_TIMEOUT_MS})`);
  assert.ok(seshd.alive());
  // fetch pooled the `during` connection, which seshd's idle timeout has closed by now, maybe just
  // as fetch reuses it: one retry on a socket error is what any keep-alive client does.
  let after = await req(seshd.url, '/api/hello');
  if (after.status === 0) after = await req(seshd.url, '/api/hello');
  assert.equal(after.status, 401, `seshd still answers after the hostile connections: ${after.error ?? ''}`);

  console.log(`faults: slowloris x${slow.length} closed after ${Math.round(minSlow)}..${Math.round(maxSlow)} ms, stalled body after ` +
    `${Math.round(stalledLife)} ms (read timeout ${READ_TIMEOUT_MS}); idle keep-alive closed after ${Math.round(idleLife)} ms, ` +
    `silent connection after ${Math.round(silentLife)} ms (read timeout ${READ_TIMEOUT_MS}); normal request meanwhile ${Math.round(during.ms)} ms`);
});

test(`${HOLD} idle connections held at once`, { timeout: 110000 }, async (t) => {
  // All from 127.0.0.1 and silent: the per-address cap and the first-request read timeout are
  // raised so that the test measures holding them, not refusing them.
  const seshd = await spawnSeshd({ env: {
    SESH_MAX_CONNECTIONS: String(HOLD + 2000), SESH_MAX_CONNECTIONS_PER_ADDRESS: String(HOLD + 2000),
    SESH_IDLE_CONNECTION_TIMEOUT_MS: '120000', SESH_READ_TIMEOUT_MS: '120000' } });
  t.after(() => seshd.cleanup());
  // File descriptors: RLIMIT_NOFILE is per process; both need HOLD plus their own.
  const seshdLimit = limitOf(seshd.pid);
  const nodeLimit = limitOf(process.pid);
  const target = Math.min(HOLD, seshdLimit - 200, nodeLimit - 500);
  if (target < HOLD) t.diagnostic(`fd limits (seshd ${seshdLimit}, node ${nodeLimit}) allow only ${target} connections`);

  const hello = await req(seshd.url, '/api/hello');
  assert.equal(hello.status, 401);
  const rssBefore = seshd.rssKiB();

  const held = [];
  const t0 = performance.now();
  let closedEarly = 0;
  for (let i = 0; i < target; i += 500) {
    const batch = [];
    for (let j = i; j < Math.min(target, i + 500); ++j) {
      const c = rawSocket(seshd.port);
      c.closed.then(() => { if (!c.releasing) ++closedEarly; });
      held.push(c);
      batch.push(c.connected);
    }
    await Promise.all(batch);
  }
  const connectMs = performance.now() - t0;
  t.after(() => { for (const c of held) { c.releasing = true; c.socket.destroy(); } });

  // Wait until seshd has accepted them all (its fd count), then measure while they are held.
  let seshdFds = 0;
  for (let i = 0; i < 100; ++i) {
    seshdFds = readdirSync(`/proc/${seshd.pid}/fd`).length;
    if (seshdFds >= target) break;
    await sleep(100);
  }
  assert.ok(seshdFds >= target, `seshd holds ${seshdFds} descriptors for ${target} connections`);
  await sleep(1000);

  const lat = [];
  for (let i = 0; i < 10; ++i) {
    const r = await req(seshd.url, '/api/hello', { timeoutMs: 5000 });
    assert.equal(r.status, 401, `a normal request while ${target} connections are held: ${r.status} ${r.error ?? ''}`);
    lat.push(r.ms);
  }
  const maxLat = Math.max(...lat);
  assert.ok(maxLat < 1000, `normal requests answered in at most ${Math.round(maxLat)} ms`);
  const rss = seshd.rssKiB();
  assert.equal(closedEarly, 0, `${closedEarly} held connections were closed by seshd`);
  assert.ok(seshd.alive());
  const perConn = ((rss - rssBefore) * 1024) / target;
  assert.ok(rss < 256 * 1024, `seshd RSS ${Math.round(rss / 1024)} MiB with ${target} connections`);

  // Let them go: seshd closes its side and keeps serving.
  for (const c of held) { c.releasing = true; c.socket.destroy(); }
  await sleep(500);
  const after = await req(seshd.url, '/api/hello');
  assert.equal(after.status, 401);
  let fdsAfter = 0;
  for (let i = 0; i < 50; ++i) {
    fdsAfter = readdirSync(`/proc/${seshd.pid}/fd`).length;
    if (fdsAfter < 200) break;
    await sleep(100);
  }
  assert.ok(fdsAfter < 200, `seshd released the descriptors (${fdsAfter} left)`);

  console.log(`faults: ${target} connections held (opened in ${Math.round(connectMs)} ms, seshd fds ${seshdFds}, limits seshd ${seshdLimit} / node ${nodeLimit}), ` +
    `seshd RSS ${Math.round(rssBefore / 1024)} -> ${Math.round(rss / 1024)} MiB (~${(perConn / 1024).toFixed(1)} KiB per connection), ` +
    `/api/hello meanwhile max ${Math.round(maxLat)} ms, closed early ${closedEarly}, fds after release ${fdsAfter}`);
});
