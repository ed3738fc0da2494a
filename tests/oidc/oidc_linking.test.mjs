// Accounts and linking as next-auth 4.24 (core/lib/callback-handler.js), against a real OpenID
// Provider (oidc-provider 8 on loopback): every branch — a new user, a known account, linking
// while signed in, an account of another user, an e-mail some user has (refused, or linked with
// SESH_OIDC_ALLOW_EMAIL_LINKING and a verified address), a provider user setting a password and a
// password user linking a provider from /profile.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSeshd, freePort } from '../e2e/harness.mjs';
import { Client, password } from '../seshd/client.mjs';
import { startProvider, loginAtProvider, clientId, clientSecret } from './provider.mjs';

const secret = 'a-test-secret-of-at-least-32-characters!';

function localPath(url) {
  const u = new URL(url);
  return u.pathname + u.search;
}

// The whole provider round trip for client `c` as provider login `login`; the callback's answer.
async function throughProvider(c, login, callbackUrl = '/profile') {
  const csrfToken = await c.csrf();
  const start = await c.request('/api/auth/signin/oidc', { method: 'POST', form: { csrfToken, callbackUrl, json: 'true' } });
  assert.equal(start.status, 200, start.text);
  const back = await loginAtProvider(start.data.url, login);
  return c.request(localPath(back));
}

async function whoAmI(c) {
  const r = await c.request('/api/profile');
  return r.status === 200 ? r.data.message.replace(/^Welcome /, '') : null;
}

async function signUpWithEmail(c, username, email) {
  const r = await c.request('/api/signup', { method: 'POST', json: { username, password, email } });
  assert.equal(r.status, 201, r.text);
}

test('linking accounts as next-auth does', async (t) => {
  const strictPort = await freePort();
  const trustingPort = await freePort();
  const op = await startProvider({ redirectUris: [`http://127.0.0.1:${strictPort}/api/auth/callback/oidc`,
                                                  `http://127.0.0.1:${trustingPort}/api/auth/callback/oidc`] });
  t.after(() => op.stop());
  const env = { SESH_SECRET: secret, SESH_OIDC_ISSUER: op.issuer, SESH_OIDC_CLIENT_ID: clientId,
                SESH_OIDC_CLIENT_SECRET: clientSecret, SESH_OIDC_NAME: 'Test Provider' };
  const strict = await startSeshd({ port: strictPort, env });
  t.after(() => strict.cleanup());
  const trusting = await startSeshd({ port: trustingPort, env: { ...env, SESH_OIDC_ALLOW_EMAIL_LINKING: '1' } });
  t.after(() => trusting.cleanup());
  const notLinked = (base) => `${base}/api/auth/error?error=OAuthAccountNotLinked`;

  await t.test('an unknown account with an unknown e-mail is a new user with the account linked', async () => {
    const c = new Client(strict.url);
    const done = await throughProvider(c, 'nina');
    assert.equal(done.headers.get('location'), `${strict.url}/profile`);
    const me = await whoAmI(c);
    assert.match(me, /^oidc-[0-9a-f]{40}$/);
    const profile = await c.request('/profile');
    assert.match(profile.text, /<li id="method-oidc">Test Provider: linked<\/li>/);
    assert.match(profile.text, /<li id="method-password">Password: not set<\/li>/);
    assert.doesNotMatch(profile.text, /id="link-oidc"/);
    // A known account: its user, from another browser.
    const again = new Client(strict.url);
    await throughProvider(again, 'nina');
    assert.equal(await whoAmI(again), me);
  });

  await t.test('signed in, a new account is linked to the current user', async () => {
    const c = new Client(strict.url);
    await signUpWithEmail(c, 'olga', 'olga@elsewhere.test');
    const done = await throughProvider(c, 'olga-at-idp');
    assert.equal(done.headers.get('location'), `${strict.url}/profile`);
    assert.equal(await whoAmI(c), 'olga', 'still the same user, not a new one');
    assert.match((await c.request('/profile')).text, /Test Provider: linked/);
    // The account now signs in as olga from anywhere.
    const elsewhere = new Client(strict.url);
    await throughProvider(elsewhere, 'olga-at-idp');
    assert.equal(await whoAmI(elsewhere), 'olga');
    // Signing in again with an account already hers changes nothing.
    const sessionBefore = c.jar.get('sesh.session-token');
    assert.ok(sessionBefore);
    const repeat = await throughProvider(c, 'olga-at-idp');
    assert.equal(repeat.headers.get('location'), `${strict.url}/profile`);
    assert.equal(await whoAmI(c), 'olga');
    assert.equal(c.jar.get('sesh.session-token'), sessionBefore, 'no new session for the same user');
  });

  await t.test('signed in as someone else, another user\'s account is OAuthAccountNotLinked', async () => {
    const owner = new Client(strict.url);
    await throughProvider(owner, 'paula');
    const other = new Client(strict.url);
    await signUpWithEmail(other, 'peter', '');
    const r = await throughProvider(other, 'paula');
    assert.equal(r.headers.get('location'), notLinked(strict.url));
    assert.equal(await whoAmI(other), 'peter', 'the session is left as it was');
    assert.doesNotMatch((await other.request('/profile')).text, /Test Provider: linked/);
  });

  await t.test('an e-mail a user has is OAuthAccountNotLinked without e-mail linking', async () => {
    const c = new Client(strict.url);
    await signUpWithEmail(c, 'quinn', 'Quinn@Example.test');
    const b = new Client(strict.url);
    const r = await throughProvider(b, 'quinn');  // the provider says quinn@example.test, verified
    assert.equal(r.headers.get('location'), notLinked(strict.url));
    assert.deepEqual((await b.request('/api/auth/session')).data, {});
    const page = await b.request('/api/auth/error?error=OAuthAccountNotLinked');
    assert.equal(page.status, 200);
  });

  await t.test('with SESH_OIDC_ALLOW_EMAIL_LINKING a verified e-mail links to its user', async () => {
    const c = new Client(trusting.url);
    await signUpWithEmail(c, 'rosa', 'rosa@example.test');
    const b = new Client(trusting.url);
    const r = await throughProvider(b, 'rosa');
    assert.equal(r.headers.get('location'), `${trusting.url}/profile`);
    assert.equal(await whoAmI(b), 'rosa');
    assert.match((await b.request('/profile')).text, /Test Provider: linked/);
    // The account is linked now: it finds rosa by itself.
    const again = new Client(trusting.url);
    await throughProvider(again, 'rosa');
    assert.equal(await whoAmI(again), 'rosa');
  });

  await t.test('with SESH_OIDC_ALLOW_EMAIL_LINKING an unverified e-mail is still refused', async () => {
    const c = new Client(trusting.url);
    await signUpWithEmail(c, 'sam', 'unverified-sam@example.test');
    const b = new Client(trusting.url);
    const r = await throughProvider(b, 'unverified-sam');
    assert.equal(r.headers.get('location'), notLinked(trusting.url));
    assert.equal(await whoAmI(b), null);
  });

  await t.test('a provider user sets a password on /profile and then signs in with it', async () => {
    const c = new Client(strict.url);
    await throughProvider(c, 'tara');
    const username = await whoAmI(c);
    const profile = await c.request('/profile');
    assert.match(profile.text, /<form method="post" action="\/profile\/password"/);
    const csrfToken = profile.text.match(/name="csrfToken" value="([^"]+)"/)[1];
    const weak = await c.request('/profile/password', { method: 'POST', form: { csrfToken, newPassword: 'short' } });
    assert.equal(weak.status, 400);
    // The JSON password change wants the current password, which a provider user does not have.
    const change = await c.request('/api/password', { method: 'POST', json: { currentPassword: '', newPassword: password } });
    assert.equal(change.status, 409, change.text);
    const noCsrf = await c.request('/profile/password', { method: 'POST', form: { newPassword: password } });
    assert.equal(noCsrf.status, 403);
    const set = await c.request('/profile/password', { method: 'POST', form: { csrfToken, newPassword: password } });
    assert.equal(set.status, 303, set.text);
    assert.equal(set.headers.get('location'), '/profile');
    assert.match((await c.request('/profile')).text, /Password: set/);
    const again = await c.request('/profile/password', { method: 'POST', form: { csrfToken, newPassword: 'another ' + password } });
    assert.equal(again.status, 409, 'a password is changed with the current one, not here');
    const b = new Client(strict.url);
    const login = await b.request('/api/login', { method: 'POST', json: { username, password } });
    assert.equal(login.status, 200, login.text);
    assert.equal(await whoAmI(b), username);
    // The provider still signs in as the same user.
    const p = new Client(strict.url);
    await throughProvider(p, 'tara');
    assert.equal(await whoAmI(p), username);
  });

  await t.test('a password user links the provider with /profile\'s button', async () => {
    const c = new Client(strict.url);
    await signUpWithEmail(c, 'uma', '');
    const profile = await c.request('/profile');
    assert.match(profile.text, /<li id="method-password">Password: set<\/li>/);
    const form = profile.text.match(/<form method="post" action="\/api\/auth\/signin\/oidc"[^>]*>(.*?)<\/form>/)[1];
    assert.match(form, /id="link-oidc">Link Test Provider<\/button>/);
    const csrfToken = form.match(/name="csrfToken" value="([^"]+)"/)[1];
    const callbackUrl = form.match(/name="callbackUrl" value="([^"]+)"/)[1];
    assert.equal(callbackUrl, '/profile');
    // The button's post, as the browser sends it: the answer is the redirect to the provider.
    const go = await c.request('/api/auth/signin/oidc', { method: 'POST', form: { csrfToken, callbackUrl } });
    assert.equal(go.status, 302);
    const back = await loginAtProvider(go.headers.get('location'), 'uma-at-idp');
    const done = await c.request(localPath(back));
    assert.equal(done.headers.get('location'), `${strict.url}/profile`);
    assert.equal(await whoAmI(c), 'uma');
    const after = await c.request('/profile');
    assert.match(after.text, /Test Provider: linked/);
    assert.doesNotMatch(after.text, /id="link-oidc"/);
    assert.doesNotMatch(after.text, /action="\/profile\/password"/);
  });
});
