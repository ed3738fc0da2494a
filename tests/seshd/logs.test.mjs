// ASVS 3.1.1 / 7.1.1: no session token, CSRF token or password ever reaches seshd's log, at the
// most verbose level, for each strategy — through sign-up, logins (good and bad), next-auth's
// routes, session updates, revocation, a password change and logout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSeshd } from '../e2e/harness.mjs';
import { Client, signUp, password } from './client.mjs';

for (const strategy of ['server', 'jwt', 'iron']) {
  test(`no secret in the ${strategy} strategy's trace log`, async (t) => {
    const seshd = await startSeshd({ env: { SESH_STRATEGY: strategy, SESH_LOG_LEVEL: 'trace' } });
    t.after(() => seshd.cleanup());
    const secrets = new Set([password]);
    // Every cookie but the callback URL (the site's own address, not a secret).
    const keep = (c) => { for (const [k, v] of c.jar) if (!k.includes('callback-url')) secrets.add(decodeURIComponent(v)); };

    const ada = new Client(seshd.url);
    await signUp(ada, 'ada');
    keep(ada);
    const other = new Client(seshd.url);
    const wrong = await other.request('/api/login', { method: 'POST', json: { username: 'ada', password: 'a wrong password!' } });
    assert.equal(wrong.status, 401);
    secrets.add('a wrong password!');
    assert.equal((await other.request('/api/login', { method: 'POST', json: { username: 'ada', password } })).status, 200);
    keep(other);

    const csrfToken = await ada.csrf();
    secrets.add(csrfToken);
    keep(ada);
    const creds = await other.request('/api/auth/callback/credentials', {
      method: 'POST', form: { csrfToken: await other.csrf(), username: 'ada', password, json: 'true' } });
    assert.equal(creds.status, 200);
    keep(other);
    assert.equal((await ada.request('/api/auth/session', { method: 'POST', json: { csrfToken, data: { theme: 'dark' } } })).status, 200);
    keep(ada);
    assert.equal((await ada.request('/api/user', { method: 'POST', json: { user: { id: 7 } } })).status, 200);
    keep(ada);
    const newPassword = 'another long password 2';
    secrets.add(newPassword);
    const changed = await ada.request('/api/password', {
      method: 'POST', json: { currentPassword: password, newPassword } });
    assert.equal(changed.status, 200, changed.text);
    keep(ada);
    // A tampered cookie and a stale one are logged as failures, if at all, without their value.
    const stale = new Client(seshd.url);
    for (const [k, v] of other.jar) stale.jar.set(k, v);
    assert.equal((await stale.request('/api/hello')).status, 401);
    assert.equal((await ada.request('/api/logout', { method: 'POST', json: {} })).status, 200);

    await seshd.stop();
    const log = seshd.log();
    assert.match(log, /ada/, 'the log records the sign-ins (it is the log being read)');
    for (const s of secrets) assert.ok(!log.includes(s), `the log holds a secret value (${s.slice(0, 6)}…)`);
  });
}
