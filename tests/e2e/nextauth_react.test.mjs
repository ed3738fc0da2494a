// next-auth/react's own client (SessionProvider, useSession, signIn, signOut, update), unchanged,
// bundled by esbuild inside the test and served from seshd's origin, against seshd in Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { startSeshd, launchBrowser } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const password = 'next-auth react password';

const appSource = `
import React from 'react';
import { createRoot } from 'react-dom/client';
import { SessionProvider, useSession, signIn, signOut } from 'next-auth/react';

function App() {
  const { data: session, status, update } = useSession();
  const [result, setResult] = React.useState('');
  return React.createElement('div', null,
    React.createElement('p', { id: 'status' }, status),
    React.createElement('p', { id: 'name' }, session?.user?.name ?? ''),
    React.createElement('p', { id: 'result' }, result),
    React.createElement('button', { id: 'bad', onClick: async () => {
      const r = await signIn('credentials', { redirect: false, username: 'reactor', password: 'wrong wrong wrong' });
      setResult(r.error ?? 'no error');
    } }, 'bad sign in'),
    React.createElement('button', { id: 'signin', onClick: async () => {
      const r = await signIn('credentials', { redirect: false, username: 'reactor', password: ${JSON.stringify(password)} });
      setResult(r.ok ? 'signed in' : 'failed ' + r.error);
    } }, 'sign in'),
    React.createElement('button', { id: 'update', onClick: () => update({ name: 'Updated Name' }) }, 'update'),
    React.createElement('button', { id: 'signout', onClick: () => signOut({ redirect: false }) }, 'sign out'));
}

createRoot(document.getElementById('root')).render(
  React.createElement(SessionProvider, null, React.createElement(App)));
`;

test('next-auth/react signs in, shows, updates and signs out against seshd', async (t) => {
  const seshd = await startSeshd();
  const browser = await launchBrowser();
  t.after(async () => { await browser.close(); await seshd.cleanup(); });

  // Create the account through seshd's own API.
  const signup = await fetch(`${seshd.url}/api/signup`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'reactor', password }),
  });
  assert.equal(signup.status, 201);

  const bundle = await build({
    stdin: { contents: appSource, resolveDir: here, loader: 'js' },
    bundle: true, write: false, format: 'iife', platform: 'browser', logLevel: 'silent',
    define: { 'process.env': JSON.stringify({ NEXTAUTH_URL: seshd.url, NODE_ENV: 'production' }) },
  });
  const html = `<!doctype html><meta charset="utf-8"><title>next-auth/react on seshd</title>
<div id="root"></div><script>${bundle.outputFiles[0].text.replaceAll('</script', '<\\/script')}</script>`;

  const page = await browser.context.newPage();
  // Only this page comes from the test; every /api/auth call goes to seshd itself.
  await page.route(`${seshd.url}/e2e/next-auth-react`, (route) =>
    route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }));
  await page.goto(`${seshd.url}/e2e/next-auth-react`);
  await page.waitForFunction(() => document.getElementById('status')?.textContent === 'unauthenticated');

  await page.click('#bad');
  await page.waitForFunction(() => document.getElementById('result').textContent === 'CredentialsSignin');
  assert.equal(await page.textContent('#status'), 'unauthenticated');

  await page.click('#signin');
  await page.waitForFunction(() => document.getElementById('status').textContent === 'authenticated');
  assert.equal(await page.textContent('#name'), 'reactor');

  await page.click('#update');
  await page.waitForFunction(() => document.getElementById('name').textContent === 'Updated Name');
  const session = await (await page.request.get(`${seshd.url}/api/auth/session`)).json();
  assert.equal(session.user.name, 'Updated Name');

  await page.click('#signout');
  await page.waitForFunction(() => document.getElementById('status').textContent === 'unauthenticated');
  assert.deepEqual(await (await page.request.get(`${seshd.url}/api/auth/session`)).json(), {});
});
