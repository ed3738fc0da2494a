// seshd on a redis-server that requires a password (SESH_STORE=redis://:PASSWORD@…): it signs in
// through it; a password refused at start-up stops seshd with one clear line; one refused later
// (rotated on the server) is an outage of 503 JSON that ends by itself once Redis accepts it again.
// In no case does the password show in seshd's log, an answer or /metrics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { spawnSeshd, spawnRedis, req, signUp, sleep } from './support.mjs';

const secret = 'hunter2 with :@/% inside';
const redisUrl = (port, password) => `redis://:${encodeURIComponent(password)}@127.0.0.1:${port}/1`;

// Polls `path` until its status is `status` (up to 10 s); returns the last answer.
async function until(base, path, status) {
  let r;
  for (let i = 0; i < 200; ++i) {
    r = await req(base, path, { timeoutMs: 2000 });
    if (r.status === status) return r;
    await sleep(50);
  }
  return r;
}

function assertNoSecret(where, text) {
  assert.ok(!text.includes(secret) && !text.includes(encodeURIComponent(secret)) && !text.includes('hunter2'),
    `the password appears in ${where}`);
}

test('Redis with a password: AUTH on connect, refused at start-up stops seshd, refused later is a 503 outage, never the password in a log', { timeout: 60000 }, async (t) => {
  const redis = await spawnRedis({ password: secret });
  t.after(() => redis.cleanup());

  const good = await spawnSeshd({ env: { SESH_STORE: redisUrl(redis.port, secret), SESH_LOG_LEVEL: 'info' } });
  t.after(() => good.cleanup());
  const cookie = await signUp(good.url, 'ada');
  const hello = await req(good.url, '/api/hello', { cookie });
  assert.equal(hello.status, 200, hello.text);
  const keys = spawnSync('redis-cli', ['-p', String(redis.port), '-a', secret, '--no-auth-warning', '-n', '1', 'DBSIZE'],
    { encoding: 'utf8' });
  assert.ok(Number(keys.stdout) > 0, `seshd wrote to database 1: ${keys.stdout}`);

  // Rotated on the server, connections cut: a refused reconnect is an outage, not a crash.
  const cli = (...args) => spawnSync('redis-cli', ['-p', String(redis.port), '-a', secret, '--no-auth-warning', ...args],
    { encoding: 'utf8' });
  assert.equal(cli('CONFIG', 'SET', 'requirepass', 'rotated').stdout.trim(), 'OK');
  spawnSync('redis-cli', ['-p', String(redis.port), '-a', 'rotated', '--no-auth-warning', 'CLIENT', 'KILL', 'TYPE', 'normal']);
  const hz = await until(good.url, '/healthz', 503);
  assert.equal(hz.status, 503, `healthz with a refused password: ${hz.status} ${hz.text}`);
  const refused = await req(good.url, '/api/hello', { cookie });
  assert.equal(refused.status, 503, refused.text);
  assert.equal(typeof refused.data?.error, 'string');
  const metrics = await req(good.url, '/metrics');
  const back = spawnSync('redis-cli', ['-p', String(redis.port), '-a', 'rotated', '--no-auth-warning',
    'CONFIG', 'SET', 'requirepass', secret], { encoding: 'utf8' });
  assert.equal(back.stdout.trim(), 'OK', back.stderr);
  const healthy = await until(good.url, '/healthz', 200);
  assert.equal(healthy.status, 200, `healthz after Redis accepted the password again: ${healthy.status} ${healthy.text}`);
  assert.equal((await req(good.url, '/api/hello', { cookie })).status, 200, 'the session survived the outage');

  // A password refused at start-up: seshd exits with one line naming the store, masked.
  const wrong = spawnSync(process.env.SESH_SESHD, [], {
    env: { ...process.env, SESH_STORE: redisUrl(redis.port, 'hunter2 but wrong'), SESH_LISTEN: '127.0.0.1:0' },
    encoding: 'utf8', timeout: 20000,
  });
  assert.notEqual(wrong.status, 0, 'seshd exits');
  assert.match(wrong.stderr, /seshd: cannot open the store redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\/1: the store refused the credentials/);
  assert.match(wrong.stderr, /AUTH: WRONGPASS/, 'with Redis\'s answer');

  await good.stop();
  assert.match(good.log(), /store redis:\/\/:\*\*\*@127\.0\.0\.1:/, 'the start-up line names the store, masked');
  for (const [where, text] of [['the log of seshd', good.log()], ['the refused start', wrong.stderr + wrong.stdout],
    ['/metrics', metrics.text ?? ''], ['a 503', refused.text ?? ''], ['/healthz', hz.text ?? '']])
    assertNoSecret(where, text);
});

test('rediss:// is refused at start with a pointer to a TLS tunnel, not connected in the clear', { timeout: 30000 }, async () => {
  const r = spawnSync(process.env.SESH_SESHD, [], {
    env: { ...process.env, SESH_STORE: `rediss://:${encodeURIComponent(secret)}@127.0.0.1:1/0`, SESH_LISTEN: '127.0.0.1:0' },
    encoding: 'utf8', timeout: 20000,
  });
  assert.notEqual(r.status, 0, 'seshd exits');
  assert.match(r.stderr, /TLS/);
  assert.match(r.stderr, /stunnel/);
  assertNoSecret('the refusal', r.stderr + r.stdout);
});
