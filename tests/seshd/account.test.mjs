// The account API: my sessions, revoking one, and a password change that ends the others.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSeshd } from '../e2e/harness.mjs';
import { Client, signUp, password } from './client.mjs';

test('account API', async (t) => {
  const seshd = await startSeshd();
  t.after(() => seshd.cleanup());
  const laptop = new Client(seshd.url);
  await signUp(laptop, 'barbara');
  const phone = new Client(seshd.url);
  await phone.request('/api/login', { method: 'POST', json: { username: 'barbara', password }, headers: { 'user-agent': 'phone' } });

  await t.test('lists my sessions and revokes one', async () => {
    const list = (await laptop.request('/api/sessions')).data.sessions;
    assert.equal(list.length, 2);
    const mine = list.find((s) => s.current);
    const other = list.find((s) => !s.current);
    assert.ok(mine && other);
    assert.equal(other.userAgent, 'phone');
    const r = await laptop.request('/api/sessions/revoke', { method: 'POST', json: { id: other.id } });
    assert.deepEqual(r.data, { revoked: 1 });
    assert.equal((await phone.request('/api/hello')).status, 401);
    const stranger = await laptop.request('/api/sessions/revoke', { method: 'POST', json: { id: 'f'.repeat(64) } });
    assert.equal(stranger.status, 404);
    assert.equal((await new Client(seshd.url).request('/api/sessions')).status, 401);
  });

  await t.test('changing the password ends the other sessions', async () => {
    await phone.request('/api/login', { method: 'POST', json: { username: 'barbara', password } });
    const wrong = await laptop.request('/api/password', { method: 'POST', json: { currentPassword: 'not it at all', newPassword: 'a brand new password' } });
    assert.equal(wrong.status, 403);
    const short = await laptop.request('/api/password', { method: 'POST', json: { currentPassword: password, newPassword: 'short' } });
    assert.equal(short.status, 400);
    const ok = await laptop.request('/api/password', { method: 'POST', json: { currentPassword: password, newPassword: 'a brand new password' } });
    assert.equal(ok.status, 200);
    assert.equal(ok.data.revoked, 1);
    assert.equal((await phone.request('/api/hello')).status, 401, 'the other device is signed out');
    assert.equal((await laptop.request('/api/hello')).status, 200, 'this one stays');
    const old = await new Client(seshd.url).request('/api/login', { method: 'POST', json: { username: 'barbara', password } });
    assert.equal(old.status, 401);
  });

  await t.test('sign-up validates and refuses taken names', async () => {
    const c = new Client(seshd.url);
    assert.equal((await c.request('/api/signup', { method: 'POST', json: { username: 'barbara', password } })).status, 409);
    assert.equal((await c.request('/api/signup', { method: 'POST', json: { username: 'Bad Name!', password } })).status, 400);
    assert.equal((await c.request('/api/signup', { method: 'POST', json: { username: 'ok', password: 'short' } })).status, 400);
    assert.equal((await c.request('/api/signup', { method: 'POST', form: { username: 'ok', password } })).status, 415);
  });

  await t.test('healthz and metrics', async () => {
    const c = new Client(seshd.url);
    assert.deepEqual((await c.request('/healthz')).data, { status: 'ok' });
    const m = await c.request('/metrics');
    assert.match(m.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
    assert.match(m.text, /sesh_http_requests_total\{route="\/api\/hello",status="401"\} \d+/);
    assert.match(m.text, /sesh_sessions_created_total [1-9]/);
    assert.match(m.text, /sesh_login_failures_total [1-9]/);
  });
});
