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

// next-auth/react's own signIn("oidc"), bundled by esbuild as tests/e2e/nextauth_react.test.mjs
// bundles it: it posts to seshd's signin route with json=true and follows the answer to the
// provider; after the provider's pages the browser lands on the callbackUrl (/profile), signed
// in, and the app's useSession() sees the session.
const reactSource = `
import React from 'react';
import { createRoot } from 'react-dom/client';
import { SessionProvider, useSession, signIn } from 'next-auth/react';

function App() {
  const { data: session, status } = useSession();
  return React.createElement('div', null,
    React.createElement('p', { id: 'status' }, status),
    React.createElement('p', { id: 'name' }, session?.user?.name ?? ''),
    React.createElement('button', { id: 'signin', onClick: () => signIn('oidc', { callbackUrl: '/profile' }) }, 'sign in'));
}
createRoot(document.getElementById('root')).render(React.createElement(SessionProvider, null, React.createElement(App)));
`;

test('next-auth/react\'s signIn("oidc") drives the provider flow in Chromium', async (t) => {
  const { build } = await import('esbuild');
  const { dirname } = await import('node:path');
  const { fileURLToPath } = await import('node:url');
  const seshdPort = await freePort();
  const op = await startProvider({ redirectUri: `http://127.0.0.1:${seshdPort}/api/auth/callback/oidc` });
  const seshd = await startSeshd({
    port: seshdPort,
    env: { SESH_OIDC_ISSUER: op.issuer, SESH_OIDC_CLIENT_ID: clientId, SESH_OIDC_CLIENT_SECRET: clientSecret },
  });
  const browser = await launchBrowser();
  t.after(async () => { await browser.close(); await seshd.cleanup(); await op.stop(); });
  const bundle = await build({
    stdin: { contents: reactSource, resolveDir: dirname(fileURLToPath(import.meta.url)), loader: 'js' },
    bundle: true, write: false, format: 'iife', platform: 'browser', logLevel: 'silent',
    define: { 'process.env': JSON.stringify({ NEXTAUTH_URL: seshd.url, NODE_ENV: 'production' }) },
  });
  const html = `<!doctype html><meta charset="utf-8"><title>signIn("oidc")</title>
<div id="root"></div><script>${bundle.outputFiles[0].text.replaceAll('</script', '<\\/script')}</script>`;
  const page = await browser.context.newPage();
  // Only this page comes from the test; every /api/auth call goes to seshd itself.
  await page.route(`${seshd.url}/e2e/next-auth-react`, (route) =>
    route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }));
  await page.goto(`${seshd.url}/e2e/next-auth-react`);
  await page.waitForFunction(() => document.getElementById('status')?.textContent === 'unauthenticated');
  await page.click('#signin');
  await page.waitForURL(`${op.issuer}/interaction/**`);
  await page.fill('input[name=login]', 'rhea');
  await page.fill('input[name=password]', 'any');
  await page.click('button[type=submit]');
  await page.waitForSelector('input[name=prompt][value=consent]', { state: 'attached' });
  await page.click('button[type=submit]');
  // signIn's callbackUrl: seshd's /profile, signed in as the provider's user.
  await page.waitForURL(`${seshd.url}/profile`);
  assert.equal(await page.textContent('#display-name'), 'User rhea');
  // And the same app's useSession() now sees the session. (Playwright's route does not serve a
  // navigation that follows a redirect, so the app is opened again rather than redirected to.)
  await page.goto(`${seshd.url}/e2e/next-auth-react`);
  await page.waitForFunction(() => document.getElementById('status')?.textContent === 'authenticated');
  assert.equal(await page.textContent('#name'), 'User rhea');
});
