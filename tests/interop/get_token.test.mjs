// sesh's get_token against the peers' own readers, on the same requests: next-auth 4's getToken,
// @auth/core 0.34's getToken and iron-session 8's getIronSession. Where a peer finds nothing
// (null, or iron-session's empty session) sesh must answer an error, and say which.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import nextAuthJwt from 'next-auth/jwt';
import * as authjs from '@auth/core/jwt';
import { sealData, getIronSession } from 'iron-session';
import { startDriver } from './driver.mjs';

const require = createRequire(import.meta.url);
// The real chunker next-auth writes long session cookies with (not in next-auth's exports map).
const { SessionStore } = require(join(dirname(require.resolve('next-auth')), 'core/lib/cookie.js'));

const driver = startDriver();
after(() => driver.close());

const SECRET = 'get-token interop secret, long enough for anyone';
const PASSWORD = 'get-token interop iron password of 32+ characters';
const silent = { debug() {}, warn() {}, error() {} };
const user = { name: 'Ada Lovelace', email: 'ada@example.com', picture: 'https://example.com/a.png', sub: '1' };
// Over 4 KB once encrypted: next-auth splits it into chunks.
const large = { ...user, items: Array.from({ length: 120 }, (_, i) => ({ id: i, name: `item ${i} ✓` })) };

// A request as Next.js hands it to getToken: the parsed cookies and the headers.
function request(pairs, authorization) {
  const cookie = pairs.map(([n, v]) => `${n}=${v}`).join('; ');
  const headers = { cookie };
  if (authorization) headers.authorization = authorization;
  return { cookies: Object.fromEntries(pairs), headers };
}

// The cookies next-auth's SessionStore writes for `value` under `name`, as name/value pairs.
function chunked(name, value) {
  const store = new SessionStore({ name, options: { path: '/' } }, { cookies: {} }, silent);
  return store.chunk(value, {}).map((c) => [c.name, c.value]);
}

async function seshToken(req, options) {
  return driver.call({
    op: 'get_token', now: Date.now(), cookie: req.headers.cookie, authorization: req.headers.authorization, ...options,
  });
}

// next-auth's getToken reads NEXTAUTH_URL and VERCEL; the tests set them per call only.
async function withEnv(env, fn) {
  const saved = { NEXTAUTH_URL: process.env.NEXTAUTH_URL, VERCEL: process.env.VERCEL };
  delete process.env.NEXTAUTH_URL;
  delete process.env.VERCEL;
  Object.assign(process.env, env);
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

async function v4Both(req, params = {}, env = {}) {
  const peer = await withEnv(env, () => nextAuthJwt.getToken({ req, secret: SECRET, logger: silent, ...params }));
  const options = { kind: 'nextauth', secrets: [params.secret ?? SECRET] };
  if (params.secureCookie !== undefined) options.secure_cookie = params.secureCookie;
  if (params.cookieName !== undefined) options.cookie_name = params.cookieName;
  if (params.raw) options.raw = true;
  return { peer, sesh: await seshToken(req, options) };
}

function assertSameClaims({ peer, sesh }) {
  assert.notEqual(peer, null);
  assert.equal(sesh.ok, true, JSON.stringify(sesh));
  assert.deepEqual(sesh.claims, peer);
}

function assertBothRefuse({ peer, sesh }, why) {
  assert.equal(peer, null);
  assert.deepEqual(sesh, { ok: false, error: why });
}

// ---- next-auth v4 ----

test('v4: the plain cookie next-auth encodes is read the same by getToken and sesh', async () => {
  const jwt = await nextAuthJwt.encode({ token: user, secret: SECRET });
  assertSameClaims(await v4Both(request([['other', 'x'], ['next-auth.session-token', jwt]])));
});

test('v4: a token over 4 KB, chunked by next-auth, is joined in suffix order', async () => {
  const jwt = await nextAuthJwt.encode({ token: large, secret: SECRET });
  const pairs = chunked('next-auth.session-token', jwt);
  assert.ok(pairs.length >= 2, 'the token was not chunked');
  const both = await v4Both(request([...pairs].reverse()));
  assertSameClaims(both);
  assert.equal(both.sesh.claims.items.length, 120);
});

test('v4: secureCookie picks the __Secure- name, unset it follows NEXTAUTH_URL and VERCEL', async () => {
  const jwt = await nextAuthJwt.encode({ token: user, secret: SECRET });
  const req = request([['__Secure-next-auth.session-token', jwt]]);
  assertSameClaims(await v4Both(req, { secureCookie: true }));
  assertBothRefuse(await v4Both(req, { secureCookie: false }), 'not found');
  assertBothRefuse(await v4Both(req), 'not found');

  // The driver reads the environment it was started with, as a service reads its own.
  for (const env of [{ NEXTAUTH_URL: 'https://app.example' }, { VERCEL: '1' }]) {
    const envDriver = startDriver({ env });
    try {
      const peer = await withEnv(env, () => nextAuthJwt.getToken({ req, secret: SECRET, logger: silent }));
      const sesh = await envDriver.call({ op: 'get_token', now: Date.now(), cookie: req.headers.cookie, secrets: [SECRET] });
      assertSameClaims({ peer, sesh });
    } finally {
      await envDriver.close();
    }
  }
  const httpDriver = startDriver({ env: { NEXTAUTH_URL: 'http://app.example', VERCEL: '1' } });
  try {
    const sesh = await httpDriver.call({ op: 'get_token', now: Date.now(), cookie: req.headers.cookie, secrets: [SECRET] });
    const peer = await withEnv({ NEXTAUTH_URL: 'http://app.example', VERCEL: '1' },
      () => nextAuthJwt.getToken({ req, secret: SECRET, logger: silent }));
    assertBothRefuse({ peer, sesh }, 'not found');
  } finally {
    await httpDriver.close();
  }
});

test('v4: a custom cookieName is read, chunks included', async () => {
  const jwt = await nextAuthJwt.encode({ token: large, secret: SECRET });
  assertSameClaims(await v4Both(request(chunked('my.token', jwt)), { cookieName: 'my.token' }));
});

test('v4: a wrong secret, an expired token and junk are refused by both', async () => {
  const jwt = await nextAuthJwt.encode({ token: user, secret: SECRET });
  assertBothRefuse(await v4Both(request([['next-auth.session-token', jwt]]), { secret: 'another secret entirely' }),
    'authentication tag or MAC mismatch');
  const old = await nextAuthJwt.encode({ token: user, secret: SECRET, maxAge: -60 });
  assertBothRefuse(await v4Both(request([['next-auth.session-token', old]])), 'expired');
  assertBothRefuse(await v4Both(request([['next-auth.session-token', 'not.a.jwe']])), 'malformed input');
  assertBothRefuse(await v4Both(request([])), 'not found');
  assertBothRefuse(await v4Both(request([['next-auth.session-token', '']])), 'not found');
});

test('v4: raw hands back the joined cookie undecoded, even under a wrong secret', async () => {
  const jwt = await nextAuthJwt.encode({ token: large, secret: SECRET });
  const { peer, sesh } = await v4Both(request(chunked('next-auth.session-token', jwt)), { raw: true, secret: 'wrong' });
  assert.equal(peer, jwt);
  assert.equal(sesh.ok, true, JSON.stringify(sesh));
  assert.equal(sesh.raw, jwt);
  assert.deepEqual(sesh.claims, {});
});

test('v4: without a cookie, an Authorization Bearer token is read (percent-decoded)', async () => {
  const jwt = await nextAuthJwt.encode({ token: user, secret: SECRET });
  assertSameClaims(await v4Both(request([], `Bearer ${encodeURIComponent(jwt)}`)));
  assertSameClaims(await v4Both(request([], `Bearer ${jwt.replaceAll('.', '%2E')}`)));
  assertBothRefuse(await v4Both(request([], `Basic ${jwt}`)), 'not found');
  assertBothRefuse(await v4Both(request([], 'Bearer %E0%A4%A')), 'malformed input');
  // The cookie wins over the header.
  const other = await nextAuthJwt.encode({ token: { sub: 'other' }, secret: SECRET });
  const both = await v4Both(request([['next-auth.session-token', jwt]], `Bearer ${other}`));
  assertSameClaims(both);
  assert.equal(both.sesh.claims.sub, '1');
});

// ---- Auth.js v5 ----

async function v5Both(req, params = {}) {
  const peer = await authjs.getToken({ req, secret: SECRET, logger: silent, ...params });
  const options = { kind: 'authjs', secrets: [params.secret ?? SECRET] };
  if (params.secureCookie !== undefined) options.secure_cookie = params.secureCookie;
  if (params.raw) options.raw = true;
  return { peer, sesh: await seshToken(req, options) };
}

test('v5: Auth.js tokens, salted with the cookie name, plain and __Secure-, chunked', async () => {
  const plain = await authjs.encode({ token: user, secret: SECRET, salt: 'authjs.session-token' });
  assertSameClaims(await v5Both(request([['authjs.session-token', plain]])));

  const secure = await authjs.encode({ token: large, secret: SECRET, salt: '__Secure-authjs.session-token' });
  const req = request(chunked('__Secure-authjs.session-token', secure));
  assertSameClaims(await v5Both(req, { secureCookie: true }));
  // Auth.js never reads the environment: unset means the plain name.
  assertBothRefuse(await v5Both(req), 'not found');
});

test('v5: a wrong secret and a token salted for the other name are refused; raw is the token', async () => {
  const plain = await authjs.encode({ token: user, secret: SECRET, salt: 'authjs.session-token' });
  const req = request([['authjs.session-token', plain]]);
  assertBothRefuse(await v5Both(req, { secret: 'another secret entirely' }), 'unknown key id');
  const misSalted = await authjs.encode({ token: user, secret: SECRET, salt: '__Secure-authjs.session-token' });
  assertBothRefuse(await v5Both(request([['authjs.session-token', misSalted]])), 'unknown key id');
  const { peer, sesh } = await v5Both(req, { raw: true });
  assert.equal(peer, plain);
  assert.equal(sesh.raw, plain);
});

// ---- iron-session 8 ----

async function ironBoth(cookie, { password = PASSWORD, now = Date.now() } = {}) {
  const req = { headers: { cookie } };
  const peer = await getIronSession(req, {}, { cookieName: 'app-session', password });
  const sesh = await driver.call({
    op: 'get_token', kind: 'iron_session', cookie_name: 'app-session', passwords: { 1: password }, now, cookie,
  });
  return { peer: { ...peer }, sesh };
}

test('iron: the seal iron-session writes is read the same by getIronSession and sesh', async () => {
  const data = { user: { id: 'u_1', name: 'Ada', isLoggedIn: true } };
  const seal = await sealData(data, { password: PASSWORD });
  const { peer, sesh } = await ironBoth(`a=b; app-session=${seal}`);
  assert.deepEqual(peer, data);
  assert.equal(sesh.ok, true, JSON.stringify(sesh));
  assert.deepEqual(sesh.claims, data);
  assert.equal(sesh.raw, seal);
});

test('iron: a seal whose characters a client percent-escaped opens in both, a bad escape in neither', async () => {
  const data = { user: { id: 'u_2' } };
  const seal = await sealData(data, { password: PASSWORD });
  // cookie.parse decodeURIComponent's a value holding '%': '*' and '~' escaped still open.
  const escaped = seal.replaceAll('*', '%2A').replaceAll('~', '%7e');
  assert.notEqual(escaped, seal);
  let r = await ironBoth(`app-session=${escaped}`);
  assert.deepEqual(r.peer, data);
  assert.equal(r.sesh.ok, true, JSON.stringify(r.sesh));
  assert.deepEqual(r.sesh.claims, data);
  assert.equal(r.sesh.raw, seal);
  // A bad escape: decodeURIComponent throws, cookie.parse keeps the text, which is no seal
  // (getIronSession throws on its prefix; sesh says why it is no token).
  const bad = `app-session=${seal.replace('*', '%G*')}`;
  await assert.rejects(getIronSession({ headers: { cookie: bad } }, {}, { cookieName: 'app-session', password: PASSWORD }));
  r = await driver.call({ op: 'get_token', kind: 'iron_session', cookie_name: 'app-session', passwords: { 1: PASSWORD },
                          now: Date.now(), cookie: bad });
  assert.equal(r.ok, false);
});

test('iron: no cookie, a wrong password and an expired seal give iron-session an empty session', async () => {
  const seal = await sealData({ user: 'u' }, { password: PASSWORD, ttl: 3600 });
  let r = await ironBoth('other=1');
  assert.deepEqual(r.peer, {});
  assert.deepEqual(r.sesh, { ok: false, error: 'not found' });

  r = await ironBoth(`app-session=${seal}`, { password: 'a different password, 32 characters or more' });
  assert.deepEqual(r.peer, {});
  assert.deepEqual(r.sesh, { ok: false, error: 'authentication tag or MAC mismatch' });

  // Expiry: sesh's clock moved past ttl + 60 s of skew (iron-session's clock cannot be moved).
  r = await driver.call({
    op: 'get_token', kind: 'iron_session', cookie_name: 'app-session', passwords: { 1: PASSWORD },
    now: Date.now() + 3661 * 1000, cookie: `app-session=${seal}`,
  });
  assert.deepEqual(r, { ok: false, error: 'expired' });
});
