// seshd with SESH_STRATEGY=database on its default store (SQLite): next-auth's database sessions
// in Auth.js's `sessions` table of the SQLite file, for development without a database server.
// The same behaviours on PostgreSQL, with next-auth's adapter beside seshd: tests/authjs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { spawnSeshd, req, sessionCookie, signUp } from '../faults/support.mjs';
import { Client, signUp as clientSignUp } from './client.mjs';

const cookieName = 'next-auth.session-token';
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
let seshd;

before(async () => {
  seshd = await spawnSeshd({ env: { SESH_STRATEGY: 'database' } });
});
after(async () => { await seshd?.cleanup(); });

// One value from the store's file, read from outside seshd with the sqlite3 CLI.
function sql(query) {
  const r = spawnSync('sqlite3', [seshd.db, query], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

const tokenOf = (cookie) => new RegExp(`${cookieName.replace(/\./g, '\\.')}=([^;]+)`).exec(cookie)?.[1];

test('seshd starts with the database strategy on SQLite and a sign-in is a sessions row', async () => {
  const cookie = await signUp(seshd.url, 'ada');
  const token = tokenOf(cookie);
  assert.match(token ?? '', uuid);
  assert.equal(sql(`SELECT count(*) FROM sessions WHERE "sessionToken" = '${token}'`), '1');
  assert.equal(sql(`SELECT u.name FROM sessions s JOIN users u ON u.id = s."userId" WHERE s."sessionToken" = '${token}'`), 'ada');
  const s = await req(seshd.url, '/api/auth/session', { cookie });
  assert.equal(s.status, 200);
  assert.equal(s.data.user.name, 'ada');
  assert.ok(Date.parse(s.data.expires) > Date.now() + 29 * 24 * 3600 * 1000);
  assert.ok(s.setCookies.some((l) => l.startsWith(`${cookieName}=${token}`)), 'the cookie is sent again on every call');
  const hello = await req(seshd.url, '/api/hello', { cookie });
  assert.equal(hello.status, 200);
  assert.deepEqual(hello.data, { message: 'Hello, ada' });
});

test('an unknown token is no session and its cookie is cleared', async () => {
  const r = await req(seshd.url, '/api/auth/session', { cookie: `${cookieName}=0b7f3c9e-1111-4222-8333-444455556666` });
  assert.deepEqual(r.data, {});
  assert.ok(r.setCookies.some((l) => l.startsWith(`${cookieName}=;`) || /max-age=0/i.test(l)), r.setCookies.join('\n'));
  assert.equal((await req(seshd.url, '/api/hello', { cookie: `${cookieName}=not-a-row` })).status, 401);
});

test('devices, a password change and sign-out work on it as on the other strategies', async () => {
  const first = await signUp(seshd.url, 'bob');
  const login = await req(seshd.url, '/api/login', { method: 'POST', json: { username: 'bob', password: 'correct horse battery staple' } });
  assert.equal(login.status, 200, login.text);
  const second = sessionCookie(login.setCookies);
  const listed = await req(seshd.url, '/api/sessions', { cookie: first });
  assert.equal(listed.status, 200, listed.text);
  assert.equal(listed.data.sessions?.length ?? listed.data.length, 2, listed.text);
  assert.doesNotMatch(listed.text, new RegExp(tokenOf(first)), 'no token in the list');
  const changed = await req(seshd.url, '/api/password', { method: 'POST', cookie: first,
    json: { currentPassword: 'correct horse battery staple', newPassword: 'another long passphrase for bob' } });
  assert.equal(changed.status, 200, changed.text);
  assert.equal((await req(seshd.url, '/api/hello', { cookie: second })).status, 401);
  assert.equal((await req(seshd.url, '/api/hello', { cookie: first })).status, 200);

  const c = new Client(seshd.url);
  await clientSignUp(c, 'carol');
  const token = c.jar.get(cookieName);
  assert.equal((await c.request('/profile')).status, 200);
  const devices = await c.request('/sessions');
  assert.equal(devices.status, 200);
  assert.doesNotMatch(devices.text, new RegExp(token), 'no token on the page');
  const out = await c.request('/api/auth/signout', { method: 'POST', form: { csrfToken: await c.csrf(), callbackUrl: '/login', json: 'true' } });
  assert.equal(out.status, 200, out.text);
  assert.equal(c.jar.get(cookieName), undefined, 'cookie cleared');
  assert.equal(sql(`SELECT count(*) FROM sessions WHERE "sessionToken" = '${token}'`), '0');
  assert.equal((await c.request('/profile')).status, 302);
});
