// Issue 17 (sessions): logout ends every token a session was given, identity claims cannot be
// rewritten by the user, anonymous sessions are bounded, and JSON that no writer can give back
// is refused — each against a real seshd with real cookies, for every strategy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import nextAuthJwt from 'next-auth/jwt';
import { startSeshd } from '../e2e/harness.mjs';
import { Client, signUp, password } from './client.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A second browser holding a copy of `c`'s cookies as they are now (an attacker's copy).
function copyOf(c) {
  const k = new Client(c.base);
  for (const [n, v] of c.jar) k.jar.set(n, v);
  return k;
}

for (const strategy of ['server', 'jwt', 'iron']) {
  test(`session security with the ${strategy} strategy`, async (t) => {
    // update_age 1 s: sliding renewal re-issues jwt/iron tokens after a one-second pause.
    const seshd = await startSeshd({ env: { SESH_STRATEGY: strategy, SESH_UPDATE_AGE: '1' } });
    t.after(() => seshd.cleanup());
    await signUp(new Client(seshd.url), 'alice');

    await t.test('logout ends the tokens issued at login, after a write and after renewal', async () => {
      const c = new Client(seshd.url);
      assert.equal((await c.request('/api/login', { method: 'POST', json: { username: 'alice', password } })).status, 200);
      const atLogin = copyOf(c);
      assert.equal((await c.request('/api/user', { method: 'POST', json: { user: { id: 1 } } })).status, 200);
      const afterWrite = copyOf(c);
      await sleep(1100);
      assert.equal((await c.request('/api/profile')).status, 200);
      const afterRenewal = copyOf(c);
      if (strategy !== 'server') {
        // Stateless tokens change on every write and renewal: three different cookies.
        assert.notEqual(afterWrite.cookieHeader(), atLogin.cookieHeader());
        assert.notEqual(afterRenewal.cookieHeader(), afterWrite.cookieHeader());
      }
      for (const k of [atLogin, afterWrite, afterRenewal]) assert.equal((await k.request('/api/profile')).status, 200);
      assert.equal((await c.request('/api/logout', { method: 'POST', json: {} })).status, 200);
      for (const [which, k] of [['login', atLogin], ['write', afterWrite], ['renewal', afterRenewal]]) {
        const r = await k.request('/api/profile');
        assert.equal(r.status, 401, `the token from ${which} still works after logout`);
      }
    });

    await t.test('a display name update never changes who the user is', async () => {
      const c = new Client(seshd.url);
      await c.request('/api/login', { method: 'POST', json: { username: 'alice', password } });
      const before = (await c.request('/api/auth/session')).data.user;
      const r = await c.request('/api/auth/session', {
        method: 'POST',
        json: { csrfToken: await c.csrf(), data: { name: 'admin', username: 'admin', email: 'admin@example.com', sub: 'admin', user: { email: 'x@example.com' } } },
      });
      assert.equal(r.status, 200);
      // The display name changed, as next-auth's update() would show it...
      assert.equal(r.data.user.name, 'admin');
      assert.equal((await c.request('/api/auth/session')).data.user.name, 'admin');
      // ...but the identity did not.
      assert.equal((await c.request('/api/auth/session')).data.user.email, before.email);
      assert.deepEqual((await c.request('/api/hello')).data, { message: 'Hello, alice' });
      assert.deepEqual((await c.request('/api/profile')).data, { message: 'Welcome alice' });
      const page = await c.request('/profile');
      assert.equal(page.status, 200);
      assert.match(page.text, /<dd id="name">alice<\/dd>/);
      assert.match(page.text, /admin/);  // the display name is shown, as such
    });

    await t.test('a number that overflows to infinity is a 400, and the session survives', async () => {
      const c = new Client(seshd.url);
      assert.equal((await c.request('/api/user', { method: 'POST', json: { user: { id: 2 } } })).status, 200);
      for (const raw of ['{"user":1e999999}', '{"user":{"a":[-1e400]}}']) {
        const r = await c.request('/api/user', { method: 'POST', raw, headers: { 'content-type': 'application/json' } });
        assert.equal(r.status, 400, raw);
        assert.equal(typeof r.data?.error, 'string');
      }
      assert.deepEqual((await c.request('/api/user')).data, { user: { id: 2 } });
    });
  });
}

test('a next-auth token keeps its name as the identity when the display name changes', async (t) => {
  const secret = 'a-test-secret-of-at-least-32-characters!';
  const seshd = await startSeshd({ env: { SESH_SECRET: secret, SESH_STRATEGY: 'jwt' } });
  t.after(() => seshd.cleanup());
  // A token a next-auth app made: no `username`, its `name` is who the user is.
  const made = await nextAuthJwt.encode({ token: { name: 'Next User', email: 'n@example.com', sub: 'next-1' }, secret });
  const c = new Client(seshd.url);
  c.jar.set('next-auth.session-token', made);
  assert.deepEqual((await c.request('/api/hello')).data, { message: 'Hello, Next User' });
  const r = await c.request('/api/auth/session', { method: 'POST', json: { csrfToken: await c.csrf(), data: { name: 'admin' } } });
  assert.equal(r.data.user.name, 'admin');
  assert.deepEqual((await c.request('/api/hello')).data, { message: 'Hello, Next User' });
  const claims = await nextAuthJwt.decode({ token: c.jar.get('next-auth.session-token'), secret });
  assert.equal(claims.sub, 'next-1');
  assert.equal(claims.username, 'Next User');
  assert.equal(claims.name, 'admin');
});

// A cookie-less POST /api/user: what an attacker filling the store sends.
async function newAnonymousSession(seshd, user = { id: 1 }) {
  return new Client(seshd.url).request('/api/user', { method: 'POST', json: { user } });
}

const sessionCookies = (r) => r.setCookies.filter((c) => !c.startsWith('next-auth.csrf'));

for (const strategy of ['server', 'jwt', 'iron']) {
  test(`anonymous sessions are bounded until sign-in (${strategy})`, async (t) => {
    await t.test('one address starts at most N anonymous sessions a minute, then 429 with Retry-After', async (t) => {
      const seshd = await startSeshd({ env: { SESH_STRATEGY: strategy, SESH_NEW_SESSIONS_PER_MINUTE: '3' } });
      t.after(() => seshd.cleanup());
      await signUp(new Client(seshd.url), 'bob');
      const answers = [];
      for (let i = 0; i < 5; i++) answers.push(await newAnonymousSession(seshd));
      assert.deepEqual(answers.map((r) => r.status), [200, 200, 200, 429, 429]);
      const refused = answers[3];
      assert.equal(typeof refused.data.error, 'string');
      assert.ok(Number(refused.headers.get('retry-after')) >= 1);
      assert.equal(sessionCookies(refused).length, 0);
      // A session that exists is not limited, and neither is a signed-in one.
      const first = new Client(seshd.url);
      first.remember({ headers: answers[0].headers });
      assert.equal((await first.request('/api/user', { method: 'POST', json: { user: { id: 9 } } })).status, 200);
      assert.deepEqual((await first.request('/api/user')).data, { user: { id: 9 } });
      const login = new Client(seshd.url);
      assert.equal((await login.request('/api/login', { method: 'POST', json: { username: 'bob', password } })).status, 200);
      assert.equal((await login.request('/api/user', { method: 'POST', json: { user: { id: 10 } } })).status, 200);
    });

    await t.test('anonymous data is held to 4 KiB and a short idle timeout; a signed-in session is not', async (t) => {
      const seshd = await startSeshd({
        env: { SESH_STRATEGY: strategy, SESH_NEW_SESSIONS_PER_MINUTE: '0', SESH_ANONYMOUS_IDLE_TIMEOUT: '2' },
      });
      t.after(() => seshd.cleanup());
      await signUp(new Client(seshd.url), 'bob');
      const big = { user: 'x'.repeat(6000) };
      const anonymousBig = await newAnonymousSession(seshd, big.user);
      assert.equal(anonymousBig.status, 413);
      assert.equal(sessionCookies(anonymousBig).length, 0);
      const signedIn = new Client(seshd.url);
      assert.equal((await signedIn.request('/api/login', { method: 'POST', json: { username: 'bob', password } })).status, 200);
      assert.equal((await signedIn.request('/api/user', { method: 'POST', json: big })).status, 200);

      const idle = new Client(seshd.url);
      assert.equal((await idle.request('/api/user', { method: 'POST', json: { user: 'idle' } })).status, 200);
      const active = new Client(seshd.url);
      assert.equal((await active.request('/api/user', { method: 'POST', json: { user: 'active' } })).status, 200);
      for (let i = 0; i < 4; i++) {  // a request every 0.8 s for 3.2 s: past the 2 s limit
        await sleep(800);
        assert.deepEqual((await active.request('/api/user')).data, { user: 'active' }, `request ${i}`);
      }
      assert.deepEqual((await idle.request('/api/user')).data, { user: null });
      assert.equal((await signedIn.request('/api/profile')).status, 200);
    });
  });
}

for (const store of ['sqlite', 'memory']) {
  test(`a full ${store} store refuses new sessions with 507 JSON and keeps the stored ones`, async (t) => {
    const env = { SESH_MAX_SESSIONS: '4', SESH_NEW_SESSIONS_PER_MINUTE: '0' };
    if (store === 'memory') env.SESH_STORE = 'memory:';
    const seshd = await startSeshd({ env });
    t.after(() => seshd.cleanup());
    const kept = [];
    for (let i = 0; i < 4; i++) {
      const c = new Client(seshd.url);
      assert.equal((await c.request('/api/user', { method: 'POST', json: { user: i } })).status, 200);
      kept.push(c);
    }
    const refused = await newAnonymousSession(seshd);
    assert.equal(refused.status, 507);
    assert.equal(typeof refused.data.error, 'string');
    assert.equal(sessionCookies(refused).length, 0);
    for (const [i, c] of kept.entries()) assert.deepEqual((await c.request('/api/user')).data, { user: i });
    // A logout frees a place.
    assert.equal((await kept[0].request('/api/logout', { method: 'POST', json: {} })).status, 200);
    assert.equal((await newAnonymousSession(seshd)).status, 200);
  });
}
