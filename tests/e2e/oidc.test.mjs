// Provider sign-in in Chromium: /login → "Sign in with Test Provider" → oidc-provider's own login
// and consent pages → back on seshd's /profile, signed in as the provider's user.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startSeshd, launchBrowser, artifactsDir, freePort } from './harness.mjs';
import { startProvider, clientId, clientSecret } from '../oidc/provider.mjs';

test('sign in with the OpenID Provider from the login page', async (t) => {
  const seshdPort = await freePort();
  const op = await startProvider({ redirectUri: `http://127.0.0.1:${seshdPort}/api/auth/callback/oidc` });
  const seshd = await startSeshd({
    port: seshdPort,
    env: { SESH_OIDC_ISSUER: op.issuer, SESH_OIDC_CLIENT_ID: clientId, SESH_OIDC_CLIENT_SECRET: clientSecret,
           SESH_OIDC_NAME: 'Test Provider' },
  });
  const browser = await launchBrowser();
  t.after(async () => { await browser.close(); await seshd.cleanup(); await op.stop(); });
  const page = await browser.context.newPage();

  await page.goto(`${seshd.url}/login?callbackUrl=/profile`);
  assert.equal(await page.textContent('#signin-oidc'), 'Sign in with Test Provider');
  await page.click('#signin-oidc');
  // oidc-provider's development login page, then its consent page
  await page.waitForURL(`${op.issuer}/interaction/**`);
  await page.fill('input[name=login]', 'quinn');
  await page.fill('input[name=password]', 'any');
  await page.click('button[type=submit]');
  await page.waitForSelector('input[name=prompt][value=consent]', { state: 'attached' });
  await page.click('button[type=submit]');
  await page.waitForURL(`${seshd.url}/profile`);
  await page.screenshot({ path: join(artifactsDir, 'oidc-profile.png') });
  assert.match(await page.textContent('#name'), /^oidc-[0-9a-f]{40}$/);
  assert.equal(await page.textContent('#display-name'), 'User quinn');
  const session = await page.evaluate(async () => (await fetch('/api/auth/session')).json());
  assert.equal(session.user.email, 'quinn@example.test');
});
