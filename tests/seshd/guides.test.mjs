// The guides' endpoints against a real seshd, for each strategy: exact JSON, status codes, cookies.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSeshd } from '../e2e/harness.mjs';
import { Client, signUp, password } from './client.mjs';

for (const strategy of ['server', 'jwt', 'iron']) {
  test(`guides' endpoints with the ${strategy} strategy`, async (t) => {
    const seshd = await startSeshd({ env: { SESH_STRATEGY: strategy } });
    t.after(() => seshd.cleanup());
    const setup = new Client(seshd.url);
    await signUp(setup, 'ada');

    await t.test('POST /api/login sets an HttpOnly cookie with Max-Age and answers the guide\'s JSON', async () => {
      const c = new Client(seshd.url);
      const r = await c.request('/api/login', { method: 'POST', json: { username: 'ada', password } });
      assert.equal(r.status, 200);
      assert.deepEqual(r.data, { message: 'Login successful' });
      const cookie = r.setCookies.find((s) => !s.startsWith('next-auth.csrf'));
      assert.match(cookie, /HttpOnly/);
      assert.match(cookie, /Max-Age=\d+/);
      assert.match(cookie, /SameSite=Lax/);
      assert.deepEqual((await c.request('/api/profile')).data, { message: 'Welcome ada' });
      assert.deepEqual((await c.request('/api/hello')).data, { message: 'Hello, ada' });
    });

    await t.test('login rotates the token', async () => {
      const c = new Client(seshd.url);
      await c.request('/api/user', { method: 'POST', json: { user: { id: 1 } } });
      const before = c.cookieHeader();
      await c.request('/api/login', { method: 'POST', json: { username: 'ada', password } });
      assert.notEqual(c.cookieHeader(), before);
      // The pre-login cookie is no longer a session.
      const old = new Client(seshd.url);
      for (const pair of before.split('; ')) { const i = pair.indexOf('='); old.jar.set(pair.slice(0, i), pair.slice(i + 1)); }
      assert.equal((await old.request('/api/hello')).status, 401);
    });

    await t.test('wrong password and unknown user get the same 401', async () => {
      const c = new Client(seshd.url);
      const wrong = await c.request('/api/login', { method: 'POST', json: { username: 'ada', password: 'not the password' } });
      const unknown = await c.request('/api/login', { method: 'POST', json: { username: 'nobody', password } });
      assert.equal(wrong.status, 401);
      assert.deepEqual(wrong.data, { message: 'Invalid credentials' });
      assert.equal(unknown.status, 401);
      assert.deepEqual(unknown.data, wrong.data);
    });

    await t.test('without a session: 401 with the guides\' messages', async () => {
      const c = new Client(seshd.url);
      const p = await c.request('/api/profile');
      assert.equal(p.status, 401);
      assert.deepEqual(p.data, { message: 'Not logged in' });
      const h = await c.request('/api/hello');
      assert.equal(h.status, 401);
      assert.deepEqual(h.data, { message: 'Not authenticated' });
    });

    await t.test('POST /api/logout ends the session', async () => {
      const c = new Client(seshd.url);
      await c.request('/api/login', { method: 'POST', json: { username: 'ada', password } });
      const stolen = c.cookieHeader();
      const r = await c.request('/api/logout', { method: 'POST', json: {} });
      assert.equal(r.status, 200);
      assert.equal((await c.request('/api/profile')).status, 401);
      // The old cookie, replayed, is no session either (server-side logout; jwt/iron: jti denied).
      const replay = await fetch(`${seshd.url}/api/hello`, { headers: { cookie: stolen } });
      assert.equal(replay.status, 401);
    });

    await t.test('the iron-session sample at /api/user', async () => {
      const c = new Client(seshd.url);
      assert.deepEqual((await c.request('/api/user')).data, { user: null });
      const saved = await c.request('/api/user', { method: 'POST', json: { user: { id: 7, name: 'Zoë' } } });
      assert.deepEqual(saved.data, { message: 'Session saved' });
      assert.deepEqual((await c.request('/api/user')).data, { user: { id: 7, name: 'Zoë' } });
      for (const method of ['PUT', 'DELETE', 'PATCH']) {
        const r = await c.request('/api/user', { method });
        assert.equal(r.status, 405);
        assert.ok(r.data.error);
      }
    });

    await t.test('bad bodies get 400 or 415 with a JSON error', async () => {
      const c = new Client(seshd.url);
      const notJson = await c.request('/api/login', { method: 'POST', raw: '{nope', headers: { 'content-type': 'application/json' } });
      assert.equal(notJson.status, 400);
      assert.ok(notJson.data.error);
      const form = await c.request('/api/login', { method: 'POST', form: { username: 'ada', password } });
      assert.equal(form.status, 415);
      const wrongTypes = await c.request('/api/login', { method: 'POST', json: { username: 1, password: [] } });
      assert.equal(wrongTypes.status, 400);
      const array = await c.request('/api/user', { method: 'POST', json: [1, 2] });
      assert.equal(array.status, 400);
    });

    await t.test('a tampered cookie is no session, never a 500', async () => {
      const c = new Client(seshd.url);
      await c.request('/api/login', { method: 'POST', json: { username: 'ada', password } });
      for (const [name, value] of c.jar) {
        if (name.includes('csrf')) continue;
        for (const i of [0, Math.floor(value.length / 2), value.length - 1]) {
          const flipped = value.slice(0, i) + (value[i] === 'A' ? 'B' : 'A') + value.slice(i + 1);
          const r = await fetch(`${seshd.url}/api/hello`, { headers: { cookie: `${name}=${flipped}` } });
          assert.equal(r.status, 401, `${name} with byte ${i} changed`);
        }
        const r = await fetch(`${seshd.url}/api/auth/session`, { headers: { cookie: `${name}=${value.slice(0, 10)}` } });
        assert.equal(r.status, 200);
        assert.deepEqual(await r.json(), {});
      }
    });
  });
}
