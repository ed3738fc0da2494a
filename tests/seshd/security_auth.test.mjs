// Issue 17 (authentication findings 2, 3, 7, 8, 13d) against a real seshd on loopback: lockout
// per account and address, sign-up throttling and the bounded hashing queue, log injection, the
// password-change throttle, and weak passwords refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { spawnSync } from 'node:child_process';
import { startSeshd } from '../e2e/harness.mjs';
import { Client, signUp, password } from './client.mjs';

/// One request to seshd from the loopback address `from` (Linux routes all of 127.0.0.0/8 to lo,
/// so a test can play several clients). seshd must see `from` as the client: it trusts no
/// forwarded header, which the `x-forwarded-for` sent here checks.
function requestFrom(from, url, path, { method = 'GET', json, cookie } = {}) {
  return new Promise((resolve, reject) => {
    const body = json === undefined ? undefined : JSON.stringify(json);
    const headers = { 'x-forwarded-for': '127.0.0.99', 'x-real-ip': '127.0.0.99' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (cookie) headers.cookie = cookie;
    const req = httpRequest(url + path, { method, headers, localAddress: from, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const login = (seshd, from, pw, username = 'ada') =>
  requestFrom(from, seshd.url, '/api/login', { method: 'POST', json: { username, password: pw } });

// Finding 2: ten failures from 127.0.0.77 gave the owner on 127.0.0.99 a 429.
test('one address guessing a password does not lock the owner out from another address', async (t) => {
  const seshd = await startSeshd();
  t.after(() => seshd.cleanup());
  await signUp(new Client(seshd.url), 'ada');

  const statuses = [];
  for (let i = 0; i < 10; ++i) statuses.push((await login(seshd, '127.0.0.77', `wrong guess ${i}`)).status);
  assert.deepEqual(statuses.slice(0, 5), [401, 401, 401, 401, 401], 'five free failures');
  assert.equal(statuses[5], 429, `then the guessing address waits: ${statuses}`);
  const slowed = await login(seshd, '127.0.0.77', password);
  assert.equal(slowed.status, 429, 'even with the right password, the guessing address waits');
  assert.ok(Number(slowed.headers['retry-after']) >= 1);

  // The forwarded headers the attacker sends name the owner's address: seshd must ignore them.
  const owner = await login(seshd, '127.0.0.99', password);
  assert.equal(owner.status, 200, `the owner elsewhere signs in: ${owner.status} ${owner.text}`);
});

// Finding 8: a stolen session could guess the current password without limit.
test('wrong current passwords on /api/password are throttled like failed logins', async (t) => {
  const seshd = await startSeshd();
  t.after(() => seshd.cleanup());
  const ada = new Client(seshd.url);
  await signUp(ada, 'ada');
  const statuses = [];
  for (let i = 0; i < 7; ++i) {
    const r = await ada.request('/api/password', {
      method: 'POST', json: { currentPassword: `guess number ${i}`, newPassword: 'a brand new password' } });
    statuses.push(r.status);
    if (r.status === 429) assert.ok(Number(r.headers.get('retry-after')) >= 1, 'a 429 says how long to wait');
  }
  assert.deepEqual(statuses.slice(0, 5), [403, 403, 403, 403, 403], 'five free failures');
  assert.equal(statuses[5], 429, `then the guesser waits: ${statuses}`);
  // The same counter as logins: the guessing address cannot switch to /api/login either.
  const viaLogin = await ada.request('/api/login', { method: 'POST', json: { username: 'ada', password: 'guess number 9' } });
  assert.equal(viaLogin.status, 429);
});

// Finding 7: a newline in a username forged a log line.
test('control characters in a request are escaped in the log, so no line can be forged', async (t) => {
  const seshd = await startSeshd({ env: { SESH_LOG_LEVEL: 'info' } });
  t.after(() => seshd.cleanup());
  const c = new Client(seshd.url);
  await signUp(c, 'ada');
  for (const username of ['x\nFAKE line', 'y\r\nFAKE crlf', 'z\u0000FAKE nul', 'w\u001b[2JFAKE escape', 'v\u2028FAKE separator']) {
    const r = await c.request('/api/login', { method: 'POST', json: { username, password: 'not the password' } });
    assert.equal(r.status, 401);
  }
  await seshd.stop();
  const log = seshd.log();
  assert.match(log, /login failed for x\\nfake line from 127\.0\.0\.1/, 'the name is logged, escaped (and lower-cased)');
  assert.match(log, /z\\x00fake nul/);
  for (const line of log.split(/\r?\n|\r|\u2028/)) assert.ok(!/^fake/i.test(line), `forged line: ${line}`);
  assert.ok(!/[\u0000\u001b\u2028]/.test(log), 'no raw NUL, ESC or line separator in the log');
});

const signUpFrom = (seshd, from, username, pw = password) =>
  requestFrom(from, seshd.url, '/api/signup', { method: 'POST', json: { username, password: pw } });

// Finding 3: 40 sign-ups from one address all went through.
test('sign-ups from one address are throttled', async (t) => {
  const seshd = await startSeshd({ env: { SESH_SIGNUP_LIMIT: '3', SESH_SIGNUP_WINDOW: '600' } });
  t.after(() => seshd.cleanup());
  const statuses = [];
  for (let i = 0; i < 5; ++i) statuses.push(await signUpFrom(seshd, '127.0.0.55', `bulk${i}`));
  assert.deepEqual(statuses.map((r) => r.status), [201, 201, 201, 429, 429]);
  const refused = statuses[3];
  assert.ok(Number(refused.headers['retry-after']) >= 1, 'a 429 says how long to wait');
  assert.ok(Number(refused.headers['retry-after']) <= 600);
  assert.match(JSON.parse(refused.text).error, /sign-ups/i);
  assert.equal((await signUpFrom(seshd, '127.0.0.56', 'elsewhere')).status, 201, 'another address is not slowed');
});

// Finding 3: concurrent sign-ups queued without bound and made logins wait behind them.
test('a burst of sign-ups is refused with 503 rather than queued, and a login still goes through', async (t) => {
  // Dear hashing (64 MiB) so the burst overlaps; the sign-up throttle out of the way.
  const seshd = await startSeshd({ env: { SESH_ARGON2_OPS: '2', SESH_ARGON2_MEM_KIB: '65536', SESH_SIGNUP_LIMIT: '1000' } });
  t.after(() => seshd.cleanup());
  await signUp(new Client(seshd.url), 'ada');
  const burst = [];
  for (let i = 0; i < 12; ++i) burst.push(signUpFrom(seshd, `127.0.1.${i + 1}`, `burst${i}`));
  const owner = login(seshd, '127.0.0.99', password);
  const results = await Promise.all(burst);
  const statuses = results.map((r) => r.status);
  assert.ok(statuses.includes(201), `some sign-ups go through: ${statuses}`);
  const busy = results.filter((r) => r.status === 503);
  assert.ok(busy.length > 0, `the rest are refused at once, not queued: ${statuses}`);
  for (const r of busy) {
    assert.ok(Number(r.headers['retry-after']) >= 1, 'a 503 says when to come back');
    assert.match(r.headers['content-type'], /application\/json/);
  }
  assert.equal((await owner).status, 200, 'sign-ups never take the last hashing thread from a login');
});

test('logins over the hashing bound get 503 with Retry-After instead of a backlog', async (t) => {
  const seshd = await startSeshd({ env: { SESH_ARGON2_OPS: '2', SESH_ARGON2_MEM_KIB: '65536', SESH_HASHING_QUEUE: '2' } });
  t.after(() => seshd.cleanup());
  const attempts = [];
  for (let i = 0; i < 10; ++i) attempts.push(login(seshd, `127.0.2.${i + 1}`, 'no such password', `nobody${i}`));
  const results = await Promise.all(attempts);
  const statuses = results.map((r) => r.status);
  assert.ok(statuses.includes(401), `some are checked: ${statuses}`);
  const busy = results.filter((r) => r.status === 503);
  assert.ok(busy.length > 0, `the rest are refused: ${statuses}`);
  for (const r of busy) assert.ok(Number(r.headers['retry-after']) >= 1);
});

// Finding 13d (ASVS 2.1.7): weak passwords were accepted.
test('common and guessable passwords are refused at sign-up, password change and in the CLI', async (t) => {
  const seshd = await startSeshd();
  t.after(() => seshd.cleanup());
  const c = new Client(seshd.url);
  const common = await c.request('/api/signup', { method: 'POST', json: { username: 'weak1', password: 'password1234' } });
  assert.equal(common.status, 400);
  assert.match(common.data.error, /too common/);
  const repeated = await c.request('/api/signup', { method: 'POST', json: { username: 'weak2', password: 'aaaaaaaaaaaa' } });
  assert.equal(repeated.status, 400);
  assert.match(repeated.data.error, /too (easy to guess|guessable)/);
  const own = await c.request('/api/signup', { method: 'POST', json: { username: 'quantum.gecko.rider', password: 'quantum.gecko.rider' } });
  assert.equal(own.status, 400, 'a password made of the name');

  await signUp(c, 'ada');  // 'correct horse battery staple' stays acceptable
  const change = await c.request('/api/password', { method: 'POST', json: { currentPassword: password, newPassword: 'password1234' } });
  assert.equal(change.status, 400);
  assert.match(change.data.error, /too common/);

  const cli = (args, input) => spawnSync(process.env.SESH_CLI, args, {
    input, encoding: 'utf8', env: { ...process.env, SESH_ARGON2_OPS: '1', SESH_ARGON2_MEM_KIB: '8192', SESH_DATA_DIR: seshd.dataDir } });
  const added = cli(['user', 'add', 'bob', '--password-stdin'], 'password1234\n');
  assert.equal(added.status, 1);
  assert.match(added.stderr, /too common/);
  const passwd = cli(['user', 'passwd', 'ada', '--password-stdin'], 'aaaaaaaaaaaa\n');
  assert.equal(passwd.status, 1);
  assert.match(passwd.stderr, /guess/);
});
