// seshd's database strategy against next-auth's own PostgreSQL adapter (@auth/pg-adapter with pg)
// and next-auth 4.24's own session route (AuthHandler from next-auth/core), on one real PostgreSQL
// 15 that the test starts: a session either side makes is the same signed-in user on the other,
// a sign-out on either side ends it on both, and an expired row is no session anywhere.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import PostgresAdapter from '@auth/pg-adapter';
import pg from 'pg';
import { spawnSeshd, req, sessionCookie, signUp } from '../faults/support.mjs';
import { Client, signUp as clientSignUp } from '../seshd/client.mjs';
import { spawnPostgres } from '../support/postgres.mjs';
import { freePort } from '../e2e/harness.mjs';
import { startProvider, loginAtProvider, clientId as oidcClientId, clientSecret as oidcClientSecret } from '../oidc/provider.mjs';

// next-auth's route handler (core/index.js), which its package exports do not list: loaded by its
// path, so the session route is next-auth's own code, not a reading of it.
const require = createRequire(import.meta.url);
const { AuthHandler } = require(join(dirname(require.resolve('next-auth')), 'core', 'index.js'));

const day = 24 * 3600 * 1000;
const cookieName = 'next-auth.session-token';
const secret = 'a-test-secret-for-next-auth-at-least-32-chars';

let db, seshd, pool, adapter;

before(async () => {
  db = await spawnPostgres();
  db.createDatabase('shared');
  seshd = await spawnSeshd({ env: { SESH_STORE: db.url('shared'), SESH_STRATEGY: 'database' } });
  pool = new pg.Pool({ connectionString: db.url('shared'), max: 2 });
  adapter = PostgresAdapter(pool);
});

after(async () => {
  await pool?.end();
  await seshd?.cleanup();
  await db?.cleanup();
});

// next-auth's own GET /api/auth/session over the adapter: {status, body, cookies}.
async function nextAuthSession(token) {
  const request = new Request('http://127.0.0.1:3000/api/auth/session', {
    headers: { cookie: `${cookieName}=${token}`, host: '127.0.0.1:3000' },
  });
  return AuthHandler({
    req: request,
    options: { adapter, secret, providers: [], session: { strategy: 'database' }, logger: { error() {}, warn() {}, debug() {} } },
  });
}

// The session cookie seshd set, parsed: {value, maxAge} or undefined.
function sessionSetCookie(setCookies) {
  const line = setCookies.find((l) => l.startsWith(`${cookieName}=`));
  if (!line) return undefined;
  const value = line.slice(cookieName.length + 1).split(';')[0];
  const m = /max-age=(\d+)/i.exec(line);
  return { value, maxAge: m ? Number(m[1]) : undefined, line };
}

async function adapterUser(name) {
  return adapter.createUser({ name, email: `${name.toLowerCase()}@example.com`, emailVerified: null,
    image: `https://example.com/${name}.png` });
}

describe('a session the adapter made', () => {
  test('is the signed-in user in seshd: /api/auth/session and /api/hello', async () => {
    const user = await adapterUser('Ada');
    const token = randomUUID();
    const expires = new Date(Date.now() + 30 * day);
    await adapter.createSession({ sessionToken: token, userId: user.id, expires });
    const r = await req(seshd.url, '/api/auth/session', { cookie: `${cookieName}=${token}` });
    assert.equal(r.status, 200);
    assert.deepEqual(r.data, { user: { name: 'Ada', email: 'ada@example.com', image: 'https://example.com/Ada.png' },
      expires: expires.toISOString() });
    // The cookie again, same token, expires = now + maxAge (next-auth re-issues it on every call).
    const c = sessionSetCookie(r.setCookies);
    assert.ok(c, r.setCookies.join('\n'));
    assert.equal(c.value, token);
    assert.ok(c.maxAge > 29 * 24 * 3600, c.line);
    const hello = await req(seshd.url, '/api/hello', { cookie: `${cookieName}=${token}` });
    assert.equal(hello.status, 200);
    assert.deepEqual(hello.data, { message: 'Hello, Ada' });
    // next-auth's own route answers the same session.
    const n = await nextAuthSession(token);
    assert.deepEqual(n.body.user, r.data.user);
  });

  test('ends in seshd when the adapter deletes it (sign-out on the next-auth side)', async () => {
    const user = await adapterUser('Grace');
    const token = randomUUID();
    await adapter.createSession({ sessionToken: token, userId: user.id, expires: new Date(Date.now() + 30 * day) });
    assert.equal((await req(seshd.url, '/api/hello', { cookie: `${cookieName}=${token}` })).status, 200);
    await adapter.deleteSession(token);
    const r = await req(seshd.url, '/api/auth/session', { cookie: `${cookieName}=${token}` });
    assert.deepEqual(r.data, {});
    // next-auth clears the cookie of an unknown token: so does seshd.
    const c = sessionSetCookie(r.setCookies);
    assert.ok(c && (c.value === '' || c.maxAge === 0), r.setCookies.join('\n'));
    assert.equal((await req(seshd.url, '/api/hello', { cookie: `${cookieName}=${token}` })).status, 401);
  });

  test('expired, is no session in seshd, which deletes the row as next-auth does', async () => {
    const user = await adapterUser('Linus');
    const token = randomUUID();
    await adapter.createSession({ sessionToken: token, userId: user.id, expires: new Date(Date.now() - 1000) });
    const r = await req(seshd.url, '/api/auth/session', { cookie: `${cookieName}=${token}` });
    assert.deepEqual(r.data, {});
    assert.equal(await adapter.getSessionAndUser(token), null, 'the row is gone');
    // And next-auth's own route: no session for an expired row either.
    const other = randomUUID();
    await adapter.createSession({ sessionToken: other, userId: user.id, expires: new Date(Date.now() - 1000) });
    assert.deepEqual((await nextAuthSession(other)).body, {});
    assert.equal((await req(seshd.url, '/api/hello', { cookie: `${cookieName}=${other}` })).status, 401);
  });

  test('is extended by maxAge once updateAge has passed, as next-auth extends it', async () => {
    const user = await adapterUser('Barbara');
    const token = randomUUID();
    // 30-day maxAge, 24-hour updateAge (seshd's defaults): a row set 2 days ago is due.
    const old = new Date(Date.now() + 28 * day);
    await adapter.createSession({ sessionToken: token, userId: user.id, expires: old });
    const r = await req(seshd.url, '/api/auth/session', { cookie: `${cookieName}=${token}` });
    // next-auth answers the row's expires as it read it, and writes the new one.
    assert.equal(r.data.expires, old.toISOString());
    const after1 = (await adapter.getSessionAndUser(token)).session.expires;
    assert.ok(after1.getTime() > Date.now() + 29.9 * day, String(after1));
    // Not due again: the row is left as it is.
    await req(seshd.url, '/api/auth/session', { cookie: `${cookieName}=${token}` });
    assert.equal((await adapter.getSessionAndUser(token)).session.expires.getTime(), after1.getTime());
  });
});

describe('a sign-in through seshd', () => {
  test('makes a sessions row with a UUID token that the adapter and next-auth return', async () => {
    const cookie = await signUp(seshd.url, 'bob');
    const token = /next-auth\.session-token=([^;]+)/.exec(cookie)?.[1];
    assert.match(token ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const got = await adapter.getSessionAndUser(token);
    assert.ok(got, 'the adapter finds the session');
    assert.equal(got.user.name, 'bob');
    assert.equal(String(got.session.userId), String(got.user.id));
    assert.ok(got.session.expires.getTime() > Date.now() + 29 * day);
    const n = await nextAuthSession(token);
    assert.equal(n.body.user.name, 'bob');
    // seshd's own answer agrees.
    const r = await req(seshd.url, '/api/auth/session', { cookie });
    assert.equal(r.data.user.name, 'bob');
  });

  test('ends on both sides at a seshd sign-out', async () => {
    const cookie = await signUp(seshd.url, 'carol');
    const token = /next-auth\.session-token=([^;]+)/.exec(cookie)[1];
    assert.ok(await adapter.getSessionAndUser(token));
    const out = await req(seshd.url, '/api/logout', { method: 'POST', json: {}, cookie });
    assert.equal(out.status, 200);
    assert.equal(await adapter.getSessionAndUser(token), null);
    assert.deepEqual((await nextAuthSession(token)).body, {});
  });

  test('a password change ends the other sessions in the table', async () => {
    const first = await signUp(seshd.url, 'dave');
    const login = await req(seshd.url, '/api/login', { method: 'POST', json: { username: 'dave', password: 'correct horse battery staple' } });
    assert.equal(login.status, 200, login.text);
    const second = sessionCookie(login.setCookies);
    const secondToken = /next-auth\.session-token=([^;]+)/.exec(second)[1];
    const listed = await req(seshd.url, '/api/sessions', { cookie: first });
    assert.equal(listed.status, 200, listed.text);
    assert.equal(listed.data.sessions?.length ?? listed.data.length, 2, listed.text);
    const changed = await req(seshd.url, '/api/password', { method: 'POST', cookie: first,
      json: { currentPassword: 'correct horse battery staple', newPassword: 'another long passphrase for dave' } });
    assert.equal(changed.status, 200, changed.text);
    assert.equal(await adapter.getSessionAndUser(secondToken), null);
    assert.equal((await req(seshd.url, '/api/hello', { cookie: first })).status, 200);
  });

  test('pages, devices and next-auth sign-out work on it as on the other strategies', async () => {
    const c = new Client(seshd.url);
    await clientSignUp(c, 'erin');
    const token = c.jar.get(cookieName);
    const profile = await c.request('/profile');
    assert.equal(profile.status, 200);
    assert.match(profile.text, /erin/);
    const devices = await c.request('/sessions');
    assert.equal(devices.status, 200);
    assert.doesNotMatch(devices.text, new RegExp(token), 'no token on the page');
    const out = await c.request('/api/auth/signout', { method: 'POST', form: { csrfToken: await c.csrf(), callbackUrl: '/login', json: 'true' } });
    assert.equal(out.status, 200, out.text);
    assert.equal(c.jar.get(cookieName), undefined, 'cookie cleared');
    assert.equal(await adapter.getSessionAndUser(token), null);
    assert.equal((await c.request('/profile')).status, 302);
  });
});

// Provider accounts in Auth.js's `accounts` table, both ways: an account seshd links is the one
// the adapter's getUserByAccount finds (with the tokens as next-auth's linkAccount writes them),
// and an account the adapter's linkAccount wrote signs in through seshd as its user.
describe('provider accounts in Auth.js\'s accounts table', () => {
  let op, oidcSeshd;
  before(async () => {
    db.createDatabase('accounts');
    const port = await freePort();
    op = await startProvider({ redirectUri: `http://127.0.0.1:${port}/api/auth/callback/oidc` });
    oidcSeshd = await spawnSeshd({ port, env: { SESH_STORE: db.url('accounts'), SESH_OIDC_ISSUER: op.issuer,
      SESH_OIDC_CLIENT_ID: oidcClientId, SESH_OIDC_CLIENT_SECRET: oidcClientSecret } });
  });
  after(async () => {
    await oidcSeshd?.cleanup();
    await op?.stop();
  });

  async function throughProvider(c, login) {
    const csrfToken = await c.csrf();
    const start = await c.request('/api/auth/signin/oidc', { method: 'POST',
      form: { csrfToken, callbackUrl: '/profile', json: 'true' } });
    assert.equal(start.status, 200, start.text);
    const back = new URL(await loginAtProvider(start.data.url, login));
    return c.request(back.pathname + back.search);
  }

  test('an account seshd links is the adapter\'s getUserByAccount', async () => {
    const c = new Client(oidcSeshd.url);
    const done = await throughProvider(c, 'vera');
    assert.equal(done.status, 302, done.text);
    const accountsPool = new pg.Pool({ connectionString: db.url('accounts'), max: 1 });
    try {
      const accounts = PostgresAdapter(accountsPool);
      const user = await accounts.getUserByAccount({ provider: 'oidc', providerAccountId: 'vera' });
      assert.ok(user, 'the adapter finds the account\'s user');
      assert.equal(user.email, 'vera@example.test');
      const me = await c.request('/api/profile');
      assert.equal(me.data.message, `Welcome ${user.name}`, 'the users row is the one seshd signed in');
      const row = (await accountsPool.query('SELECT * FROM accounts WHERE "providerAccountId" = $1', ['vera'])).rows[0];
      assert.equal(row.type, 'oauth');
      assert.equal(String(row.userId), String(user.id));
      assert.match(row.id_token, /^eyJ/);
      assert.ok(row.access_token.length > 10);
      assert.equal(row.token_type.toLowerCase(), 'bearer');
      assert.ok(Number(row.expires_at) > Date.now() / 1000);
    } finally {
      await accountsPool.end();
    }
  });

  test('an account the adapter linked signs in through seshd as its user', async () => {
    const c = new Client(oidcSeshd.url);
    await clientSignUp(c, 'walt');
    const accountsPool = new pg.Pool({ connectionString: db.url('accounts'), max: 1 });
    try {
      const accounts = PostgresAdapter(accountsPool);
      const walt = (await accountsPool.query('SELECT id FROM users WHERE name = $1', ['walt'])).rows[0];
      await accounts.linkAccount({ userId: walt.id, type: 'oauth', provider: 'oidc', providerAccountId: 'walt-at-idp',
        access_token: 'from-the-adapter', token_type: 'bearer' });
    } finally {
      await accountsPool.end();
    }
    const b = new Client(oidcSeshd.url);
    const done = await throughProvider(b, 'walt-at-idp');
    assert.equal(done.status, 302, done.text);
    assert.equal((await b.request('/api/profile')).data.message, 'Welcome walt');
  });
});
