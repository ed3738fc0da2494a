// seshd's /api/auth against next-auth 4.24's protocol, and its cookies read and written by the real
// next-auth (`next-auth/jwt`) and iron-session packages with the same secret.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import nextAuthJwt from 'next-auth/jwt';
import { sealData, unsealData } from 'iron-session';
import { startSeshd } from '../e2e/harness.mjs';
import { Client, signUp, password } from './client.mjs';

const secret = 'a-test-secret-of-at-least-32-characters!';

async function signInNextAuth(c, username, pw, extra = {}) {
  const csrfToken = await c.csrf();
  return c.request('/api/auth/callback/credentials', {
    method: 'POST', form: { username, password: pw, csrfToken, json: 'true', ...extra },
  });
}

test('next-auth API shapes, CSRF and callback URLs (server strategy)', async (t) => {
  const seshd = await startSeshd({ env: { SESH_SECRET: secret } });
  t.after(() => seshd.cleanup());
  await signUp(new Client(seshd.url), 'grace');

  await t.test('csrf, providers and an empty session', async () => {
    const c = new Client(seshd.url);
    const csrf = await c.request('/api/auth/csrf');
    assert.match(csrf.data.csrfToken, /^[0-9a-f]{64}$/);
    const cookie = csrf.setCookies.find((s) => s.startsWith('next-auth.csrf-token='));
    assert.match(cookie, /^next-auth\.csrf-token=[0-9a-f]{64}%7C[0-9a-f]{64}; Path=\/; HttpOnly; SameSite=Lax$/);
    assert.equal((await c.request('/api/auth/csrf')).data.csrfToken, csrf.data.csrfToken, 'the cookie\'s token is reused');
    const providers = await c.request('/api/auth/providers');
    assert.deepEqual(providers.data, { credentials: {
      id: 'credentials', name: 'Credentials', type: 'credentials',
      signinUrl: `${seshd.url}/api/auth/signin/credentials`, callbackUrl: `${seshd.url}/api/auth/callback/credentials` } });
    const s = await c.request('/api/auth/session');
    assert.equal(s.status, 200);
    assert.deepEqual(s.data, {});
    assert.equal(s.headers.get('cache-control'), 'private, no-cache, no-store');
  });

  await t.test('credentials sign-in, session JSON, update and sign-out', async () => {
    const c = new Client(seshd.url);
    const r = await signInNextAuth(c, 'grace', password, { callbackUrl: '/profile' });
    assert.equal(r.status, 200);
    assert.deepEqual(r.data, { url: `${seshd.url}/profile` });
    const s = (await c.request('/api/auth/session')).data;
    assert.deepEqual(s.user, { name: 'grace', email: null, image: null });
    assert.match(s.expires, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const updated = await c.request('/api/auth/session', { method: 'POST', json: { csrfToken: await c.csrf(), data: { name: 'Grace H.' } } });
    assert.equal(updated.data.user.name, 'Grace H.');
    assert.equal((await c.request('/api/auth/session')).data.user.name, 'Grace H.');
    const badUpdate = await c.request('/api/auth/session', { method: 'POST', json: { csrfToken: 'nope', data: { name: 'x' } } });
    assert.equal(badUpdate.status, 400);
    assert.deepEqual(badUpdate.data, {});
    const out = await c.request('/api/auth/signout', { method: 'POST', form: { csrfToken: await c.csrf(), callbackUrl: '/login', json: 'true' } });
    assert.deepEqual(out.data, { url: `${seshd.url}/login` });
    assert.deepEqual((await c.request('/api/auth/session')).data, {});
  });

  await t.test('bad credentials: 401 with next-auth\'s error URL', async () => {
    const c = new Client(seshd.url);
    const r = await signInNextAuth(c, 'grace', 'wrong password!!');
    assert.equal(r.status, 401);
    assert.deepEqual(r.data, { url: `${seshd.url}/api/auth/error?error=CredentialsSignin&provider=credentials` });
  });

  await t.test('a missing or wrong CSRF token redirects to signin?csrf=true', async () => {
    const c = new Client(seshd.url);
    await c.csrf();
    const json = await c.request('/api/auth/callback/credentials', { method: 'POST', form: { username: 'grace', password, csrfToken: 'f'.repeat(64), json: 'true' } });
    assert.deepEqual(json.data, { url: `${seshd.url}/api/auth/signin?csrf=true` });
    const plain = await new Client(seshd.url).request('/api/auth/callback/credentials', { method: 'POST', form: { username: 'grace', password } });
    assert.equal(plain.status, 302);
    assert.equal(plain.headers.get('location'), `${seshd.url}/api/auth/signin?csrf=true`);
    const signout = await c.request('/api/auth/signout', { method: 'POST', form: { json: 'true' } });
    assert.deepEqual(signout.data, { url: `${seshd.url}/api/auth/signout?csrf=true` });
  });

  await t.test('callback URLs to other origins are replaced by the site (CVE-2022-24858)', async () => {
    for (const evil of ['https://evil.example/x', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)', `${seshd.url}.evil.example/`]) {
      const c = new Client(seshd.url);
      const r = await signInNextAuth(c, 'grace', password, { callbackUrl: evil });
      assert.equal(r.data.url, seshd.url, evil);
    }
    const same = await signInNextAuth(new Client(seshd.url), 'grace', password, { callbackUrl: `${seshd.url}/cart?x=1` });
    assert.equal(same.data.url, `${seshd.url}/cart?x=1`);
  });
});

test('jwt strategy: seshd\'s cookie is a next-auth session token, and next-auth\'s token is a seshd session', async (t) => {
  const seshd = await startSeshd({ env: { SESH_SECRET: secret, SESH_STRATEGY: 'jwt' } });
  t.after(() => seshd.cleanup());
  const c = new Client(seshd.url);
  await signUp(c, 'linus');
  const token = c.jar.get('next-auth.session-token');
  assert.ok(token, 'the cookie is next-auth.session-token');
  const claims = await nextAuthJwt.decode({ token, secret });
  assert.equal(claims.name, 'linus');
  assert.equal(claims.email, null);
  assert.ok(claims.sub && claims.jti && claims.exp > claims.iat);

  const made = await nextAuthJwt.encode({ token: { name: 'Next User', email: 'n@example.com', sub: 'next-1' }, secret });
  const hello = await fetch(`${seshd.url}/api/hello`, { headers: { cookie: `next-auth.session-token=${made}` } });
  assert.equal(hello.status, 200);
  assert.deepEqual(await hello.json(), { message: 'Hello, Next User' });
  const other = await nextAuthJwt.encode({ token: { name: 'x', sub: 'y' }, secret: 'a-different-secret-of-32-characters!!' });
  const refused = await fetch(`${seshd.url}/api/hello`, { headers: { cookie: `next-auth.session-token=${other}` } });
  assert.equal(refused.status, 401);
});

test('iron strategy: seshd\'s cookie unseals with iron-session, and iron-session\'s seal is read by seshd', async (t) => {
  const seshd = await startSeshd({ env: { SESH_SECRET: secret, SESH_STRATEGY: 'iron' } });
  t.after(() => seshd.cleanup());
  const c = new Client(seshd.url);
  await c.request('/api/user', { method: 'POST', json: { user: { id: 42, name: 'Iron' } } });
  const seal = c.jar.get('iron-session');
  assert.ok(seal, 'the cookie is iron-session');
  const data = await unsealData(seal, { password: { 1: secret } });
  assert.deepEqual(data.user, { id: 42, name: 'Iron' });

  const theirs = await sealData({ user: { id: 9, login: 'from-express' } }, { password: { 1: secret } });
  const r = await fetch(`${seshd.url}/api/user`, { headers: { cookie: `iron-session=${theirs}` } });
  assert.deepEqual(await r.json(), { user: { id: 9, login: 'from-express' } });
});

test('a page with several forms gives them all the token of the one CSRF cookie it sets', async (t) => {
  const seshd = await startSeshd({ env: { SESH_SECRET: secret } });
  t.after(() => seshd.cleanup());
  const c = new Client(seshd.url);
  await signUp(c, 'forms');
  c.jar.delete('next-auth.csrf-token');
  const page = await c.request('/cart');
  const tokens = new Set([...page.text.matchAll(/name="csrfToken" value="([0-9a-f]+)"/g)].map((m) => m[1]));
  assert.equal(tokens.size, 1);
  assert.equal(page.setCookies.filter((s) => s.startsWith('next-auth.csrf-token=')).length, 1);
  const added = await c.request('/cart', { method: 'POST', form: { csrfToken: [...tokens][0], action: 'add', item: 'tea', qty: '1' } });
  assert.equal(added.status, 303);
});
