// Provider sign-in against a real OpenID Provider (oidc-provider 8 on loopback): next-auth 4.24's
// routes and check cookies, read and written by next-auth's own `next-auth/jwt`, and the
// refusals (tampered state, wrong nonce, missing verifier, replayed check cookies) as next-auth's
// error redirects, never a 500.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import nextAuthJwt from 'next-auth/jwt';
import { startSeshd, freePort } from '../e2e/harness.mjs';
import { Client } from '../seshd/client.mjs';
import { startProvider, loginAtProvider, clientId, clientSecret } from './provider.mjs';

const secret = 'a-test-secret-of-at-least-32-characters!';
const checkNames = ['next-auth.state', 'next-auth.pkce.code_verifier', 'next-auth.nonce'];

async function beginSignIn(c, callbackUrl = '/profile') {
  const csrfToken = await c.csrf();
  const r = await c.request('/api/auth/signin/oidc', { method: 'POST', form: { csrfToken, callbackUrl, json: 'true' } });
  assert.equal(r.status, 200, r.text);
  return r;
}

// The seshd path of the provider's redirect back (same origin as the test client's base).
function localPath(url) {
  const u = new URL(url);
  return u.pathname + u.search;
}

test('sign in with OpenID Connect through oidc-provider', async (t) => {
  const seshdPort = await freePort();
  const op = await startProvider({ redirectUri: `http://127.0.0.1:${seshdPort}/api/auth/callback/oidc` });
  t.after(() => op.stop());
  const seshd = await startSeshd({
    port: seshdPort,
    env: { SESH_SECRET: secret, SESH_OIDC_ISSUER: op.issuer, SESH_OIDC_CLIENT_ID: clientId,
           SESH_OIDC_CLIENT_SECRET: clientSecret, SESH_OIDC_NAME: 'Test Provider' },
  });
  t.after(() => seshd.cleanup());
  const base = `${seshd.url}/api/auth`;

  await t.test('providers lists it with next-auth\'s JSON', async () => {
    const r = await new Client(seshd.url).request('/api/auth/providers');
    assert.deepEqual(r.data.oidc, { id: 'oidc', name: 'Test Provider', type: 'oauth',
                                    signinUrl: `${base}/signin/oidc`, callbackUrl: `${base}/callback/oidc` });
    assert.equal(r.data.credentials.type, 'credentials');
  });

  await t.test('the full code flow signs in, and the check cookies are used once and cleared', async () => {
    const c = new Client(seshd.url);
    const start = await beginSignIn(c);
    const auth = new URL(start.data.url);
    assert.equal(auth.origin, op.issuer);
    assert.equal(auth.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(auth.searchParams.get('response_type'), 'code');
    assert.equal(auth.searchParams.get('redirect_uri'), `${base}/callback/oidc`);
    for (const name of checkNames) {
      const line = start.setCookies.find((s) => s.startsWith(`${name}=`));
      assert.ok(line, `${name} set`);
      assert.match(line, /; Path=\//);
      assert.match(line, /; HttpOnly/);
      assert.match(line, /; SameSite=Lax/);
      assert.match(line, /; Expires=/);
      // next-auth: Max-Age on state and PKCE, none on the nonce
      if (name === 'next-auth.nonce') assert.doesNotMatch(line, /Max-Age/);
      else assert.match(line, /; Max-Age=900/);
    }
    // next-auth's own decode reads seshd's check cookies (salt = the cookie name)
    const state = await nextAuthJwt.decode({ token: c.jar.get('next-auth.state'), secret, salt: 'next-auth.state' });
    assert.equal(state.value, auth.searchParams.get('state'));
    assert.equal(state.provider, 'oidc');
    assert.ok(state.exp - state.iat === 900);
    const nonce = await nextAuthJwt.decode({ token: c.jar.get('next-auth.nonce'), secret, salt: 'next-auth.nonce' });
    assert.equal(nonce.value, auth.searchParams.get('nonce'));
    const pkce = await nextAuthJwt.decode({ token: c.jar.get('next-auth.pkce.code_verifier'), secret,
                                            salt: 'next-auth.pkce.code_verifier' });
    const { createHash } = await import('node:crypto');
    assert.equal(createHash('sha256').update(pkce.value).digest('base64url'), auth.searchParams.get('code_challenge'));

    const back = await loginAtProvider(start.data.url, 'alice');
    const done = await c.request(localPath(back));
    assert.equal(done.status, 302, done.text);
    assert.equal(done.headers.get('location'), `${seshd.url}/profile`);
    for (const name of checkNames) assert.equal(c.jar.has(name), false, `${name} cleared`);
    const session = await c.request('/api/auth/session');
    assert.equal(session.data.user.name, 'User alice');
    assert.equal(session.data.user.email, 'alice@example.test');
    const hello = await c.request('/api/hello');
    assert.equal(hello.status, 200);

    // The same account signs in again as the same user.
    const c2 = new Client(seshd.url);
    const again = await beginSignIn(c2);
    const back2 = await loginAtProvider(again.data.url, 'alice');
    assert.equal((await c2.request(localPath(back2))).status, 302);
    const me1 = await c.request('/api/profile');
    const me2 = await c2.request('/api/profile');
    assert.equal(me1.status, 200);
    assert.deepEqual(me2.data, me1.data);
  });

  await t.test('check cookies that next-auth\'s own encode wrote are accepted', async () => {
    const c = new Client(seshd.url);
    const start = await beginSignIn(c);
    const { createHash, randomBytes } = await import('node:crypto');
    const state = randomBytes(32).toString('base64url');
    const nonce = randomBytes(32).toString('base64url');
    const verifier = randomBytes(32).toString('base64url');
    const enc = (name, value) => nextAuthJwt.encode({ token: { value, provider: 'oidc' }, secret, salt: name, maxAge: 900 });
    c.jar.set('next-auth.state', await enc('next-auth.state', state));
    c.jar.set('next-auth.nonce', await enc('next-auth.nonce', nonce));
    c.jar.set('next-auth.pkce.code_verifier', await enc('next-auth.pkce.code_verifier', verifier));
    const auth = new URL(start.data.url);
    auth.searchParams.set('state', state);
    auth.searchParams.set('nonce', nonce);
    auth.searchParams.set('code_challenge', createHash('sha256').update(verifier).digest('base64url'));
    const back = await loginAtProvider(auth.toString(), 'bob');
    const done = await c.request(localPath(back));
    assert.equal(done.headers.get('location'), `${seshd.url}/profile`);
    assert.equal((await c.request('/api/auth/session')).data.user.name, 'User bob');
  });

  const expectError = async (c, res, code) => {
    assert.equal(res.status, 302, res.text);
    assert.equal(res.headers.get('location'), `${base}/error?error=${code}`);
    assert.deepEqual((await c.request('/api/auth/session')).data, {});
    const page = await c.request(`/api/auth/error?error=${code}`);
    assert.equal(page.status, 200);
  };

  await t.test('a tampered state is OAuthCallback', async () => {
    const c = new Client(seshd.url);
    const start = await beginSignIn(c);
    const back = new URL(await loginAtProvider(start.data.url, 'carol'));
    back.searchParams.set('state', 'x' + back.searchParams.get('state').slice(1));
    await expectError(c, await c.request(localPath(back.toString())), 'OAuthCallback');
  });

  await t.test('a wrong nonce is OAuthCallback', async () => {
    const c = new Client(seshd.url);
    const start = await beginSignIn(c);
    c.jar.set('next-auth.nonce', await nextAuthJwt.encode({ token: { value: 'another-nonce', provider: 'oidc' }, secret,
                                                            salt: 'next-auth.nonce', maxAge: 900 }));
    const back = await loginAtProvider(start.data.url, 'dave');
    await expectError(c, await c.request(localPath(back)), 'OAuthCallback');
  });

  await t.test('a missing or wrong PKCE verifier is OAuthCallback', async () => {
    const c = new Client(seshd.url);
    const start = await beginSignIn(c);
    c.jar.delete('next-auth.pkce.code_verifier');
    const back = await loginAtProvider(start.data.url, 'erin');
    await expectError(c, await c.request(localPath(back)), 'OAuthCallback');

    const c2 = new Client(seshd.url);
    const start2 = await beginSignIn(c2);
    c2.jar.set('next-auth.pkce.code_verifier', await nextAuthJwt.encode({
      token: { value: 'a'.repeat(43), provider: 'oidc' }, secret, salt: 'next-auth.pkce.code_verifier', maxAge: 900 }));
    const back2 = await loginAtProvider(start2.data.url, 'erin');
    await expectError(c2, await c2.request(localPath(back2)), 'OAuthCallback');
  });

  await t.test('check cookies replayed after a sign-in are OAuthCallback', async () => {
    const c = new Client(seshd.url);
    const start = await beginSignIn(c);
    const saved = new Map(c.jar);
    const back = await loginAtProvider(start.data.url, 'frank');
    assert.equal((await c.request(localPath(back))).status, 302);
    assert.equal((await c.request('/api/auth/session')).data.user.name, 'User frank');
    // Another browser with copies of the same check cookies, and a fresh code for the same
    // state, nonce and challenge.
    const thief = new Client(seshd.url);
    for (const name of checkNames) thief.jar.set(name, saved.get(name));
    const back2 = await loginAtProvider(start.data.url, 'frank');
    await expectError(thief, await thief.request(localPath(back2)), 'OAuthCallback');
    // The same callback URL twice (code and cookies both replayed).
    await expectError(thief, await thief.request(localPath(back)), 'OAuthCallback');
  });

  await t.test('the provider\'s refusal is Callback; garbage is never a 500', async () => {
    const c = new Client(seshd.url);
    await beginSignIn(c);
    await expectError(c, await c.request('/api/auth/callback/oidc?error=access_denied&state=x'), 'Callback');
    const g = new Client(seshd.url);
    for (const name of checkNames) g.jar.set(name, 'garbage.garbage.garbage.garbage.garbage');
    await expectError(g, await g.request('/api/auth/callback/oidc?code=abc&state=def'), 'OAuthCallback');
    await expectError(g, await g.request('/api/auth/callback/oidc'), 'OAuthCallback');
  });

  await t.test('the login page\'s button posts what signIn("oidc") posts and lands on the callback URL', async () => {
    const c = new Client(seshd.url);
    const page = await c.request('/login?callbackUrl=/profile');
    assert.match(page.text, /<form method="post" action="\/api\/auth\/signin\/oidc"/);
    assert.match(page.text, />Sign in with Test Provider<\/button>/);
    assert.match(page.headers.get('content-security-policy'), new RegExp(`form-action 'self' ${op.issuer}`));
    const csrfToken = page.text.match(/name="csrfToken" value="([^"]+)"/)[1];
    const go = await c.request('/api/auth/signin/oidc', { method: 'POST', form: { csrfToken, callbackUrl: '/profile' } });
    assert.equal(go.status, 302);
    assert.ok(go.headers.get('location').startsWith(`${op.issuer}/`));
    const back = await loginAtProvider(go.headers.get('location'), 'heidi');
    const done = await c.request(localPath(back));
    assert.equal(done.headers.get('location'), `${seshd.url}/profile`);
    const profile = await c.request('/profile');
    assert.equal(profile.status, 200);
    assert.match(profile.text, /User heidi/);
  });

  await t.test('a bad CSRF token redirects to signin?csrf=true', async () => {
    const c = new Client(seshd.url);
    await c.csrf();
    const r = await c.request('/api/auth/signin/oidc', { method: 'POST', form: { csrfToken: 'nope', json: 'true' } });
    assert.equal(r.data.url, `${base}/signin?csrf=true`);
    assert.equal(r.setCookies.some((s) => s.startsWith('next-auth.state=')), false);
  });

  await t.test('sign-up cannot take a provider account\'s reserved name', async () => {
    const c = new Client(seshd.url);
    const r = await c.request('/api/signup', { method: 'POST', json: { username: 'oidc-0123', password: 'correct horse battery staple' } });
    assert.equal(r.status, 400);
  });
});

test('userinfo and client_secret_post, when configured', async (t) => {
  const seshdPort = await freePort();
  const op = await startProvider({ redirectUri: `http://127.0.0.1:${seshdPort}/api/auth/callback/oidc`,
                                   tokenAuth: 'client_secret_post', idTokenClaims: false });
  t.after(() => op.stop());
  const seshd = await startSeshd({
    port: seshdPort,
    env: { SESH_SECRET: secret, SESH_OIDC_ISSUER: op.issuer, SESH_OIDC_CLIENT_ID: clientId,
           SESH_OIDC_CLIENT_SECRET: clientSecret, SESH_OIDC_USERINFO: '1', SESH_OIDC_AUTH_METHOD: 'client_secret_post' },
  });
  t.after(() => seshd.cleanup());
  const c = new Client(seshd.url);
  const start = await beginSignIn(c);
  const back = await loginAtProvider(start.data.url, 'grace');
  assert.equal((await c.request(localPath(back))).status, 302);
  const session = await c.request('/api/auth/session');
  assert.equal(session.data.user.name, 'User grace');
  assert.equal(session.data.user.email, 'grace@example.test');
});

test('an unreachable or slow provider is OAuthSignin, not a hang or a 500', async (t) => {
  const deadPort = await freePort();
  const slow = (await import('node:http')).createServer(() => { /* never answers */ });
  const slowPort = await freePort();
  await new Promise((r) => slow.listen(slowPort, '127.0.0.1', r));
  t.after(() => { slow.closeAllConnections(); slow.close(); });
  for (const issuer of [`http://127.0.0.1:${deadPort}`, `http://127.0.0.1:${slowPort}`]) {
    const seshd = await startSeshd({
      env: { SESH_SECRET: secret, SESH_OIDC_ISSUER: issuer, SESH_OIDC_CLIENT_ID: clientId,
             SESH_OIDC_CLIENT_SECRET: clientSecret, SESH_OIDC_TIMEOUT_MS: '1000' },
    });
    try {
      const c = new Client(seshd.url);
      const t0 = Date.now();
      const r = await beginSignIn(c);
      assert.equal(r.data.url, `${seshd.url}/api/auth/error?error=OAuthSignin`);
      assert.ok(Date.now() - t0 < 5000, 'the timeout bounds the wait');
    } finally {
      await seshd.cleanup();
    }
  }
});
