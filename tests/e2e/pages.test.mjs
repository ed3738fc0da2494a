// seshd's pages in Chromium: sign up, log in, profile, a cart that survives a restart, the theme,
// devices, log out; idle timeout; cookie attributes as the browser keeps them; sesh.js across tabs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startSeshd, launchBrowser, artifactsDir } from './harness.mjs';

const password = 'a long enough password';
mkdirSync(artifactsDir, { recursive: true });

/// Collects what Chromium reports as Content-Security-Policy violations on every page of
/// `context`: seshd's pages send a strict policy and must need nothing it forbids.
function cspViolations(context) {
  const seen = [];
  context.on('console', (msg) => { if (/Content.Security.Policy/i.test(msg.text())) seen.push(msg.text()); });
  return seen;
}

async function signUpInBrowser(page, url, name) {
  await page.goto(`${url}/signup`);
  await page.fill('input[name=username]', name);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.waitForURL(`${url}/profile`);
}

async function logIn(page, name) {
  await page.fill('input[name=username]', name);
  await page.fill('input[name=password]', password);
  await page.click('form.card button[type=submit]');
}

test('sign up, cart across a restart on SQLite, preferences, devices, log out', async (t) => {
  const seshd = await startSeshd();
  const browser = await launchBrowser();
  const csp = cspViolations(browser.context);
  t.after(async () => { await browser.close(); await seshd.cleanup(); });
  const page = await browser.context.newPage();
  const url = seshd.url;

  await signUpInBrowser(page, url, 'ada');
  await page.goto(`${url}/api/auth/signin`); // a fresh sign-in of the same user, through next-auth's form
  await page.goto(`${url}/login`);
  await page.screenshot({ path: join(artifactsDir, 'login.png') });
  await logIn(page, 'ada');
  await page.waitForURL(`${url}/profile`);
  assert.equal(await page.textContent('#name'), 'ada');
  await page.screenshot({ path: join(artifactsDir, 'profile.png') });

  // Cookie attributes as Chromium stored them.
  const cookies = await browser.context.cookies(url);
  const session = cookies.find((c) => c.name === 'sesh.session-token');
  assert.ok(session, `session cookie among ${cookies.map((c) => c.name)}`);
  assert.equal(session.httpOnly, true);
  assert.equal(session.sameSite, 'Lax');
  assert.equal(session.path, '/');
  assert.equal(session.secure, false, 'plain http in development');
  const days = (session.expires - Date.now() / 1000) / 86400;
  assert.ok(days > 29 && days <= 30.01, `expires in ${days} days`);

  // The cart is kept in the session across navigation...
  await page.goto(`${url}/cart`);
  for (const [item, qty] of [['apples', '3'], ['pears', '1'], ['plums', '2']]) {
    await page.fill('input[name=item]', item);
    await page.fill('input[name=qty]', qty);
    await page.click('text=Add to cart');
    await page.waitForURL(`${url}/cart`);
  }
  await page.click('#cart li:nth-child(2) button'); // remove the pears
  await page.waitForURL(`${url}/cart`);
  await page.goto(`${url}/profile`);
  await page.goto(`${url}/cart`);
  assert.deepEqual(await page.$$eval('#cart .item', (els) => els.map((e) => e.textContent)), ['apples', 'plums']);
  // ...and across a restart of seshd on SQLite.
  await seshd.restart();
  await page.goto(`${url}/cart`);
  assert.deepEqual(await page.$$eval('#cart .item', (els) => els.map((e) => e.textContent)), ['apples', 'plums']);
  await page.screenshot({ path: join(artifactsDir, 'cart.png') });

  // The theme is kept in the session and applied on every page.
  await page.goto(`${url}/preferences`);
  await page.check('input[value=dark]');
  await page.click('text=Save');
  await page.goto(`${url}/cart`);
  assert.equal(await page.getAttribute('html', 'class'), 'theme-dark');

  // My devices lists this one.
  await page.goto(`${url}/sessions`);
  assert.match(await page.textContent('#devices'), /this device/);
  // ...named as people read it, the raw user agent and the exact time on hover.
  const ua = await page.evaluate(() => navigator.userAgent);
  const device = page.locator('#devices .device', { hasText: 'this device' });
  assert.match(await device.locator('strong').textContent(), /^(Headless )?Chrome \d+ on Linux$/);
  assert.equal(await device.locator('strong').getAttribute('title'), ua);
  assert.match(await device.locator('time').textContent(), /^(just now|1 minute ago)$/);
  assert.match(await device.locator('time').getAttribute('title'), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

  // Log out: the profile sends me to the login page, and logging in brings me back.
  await page.click('#logout');
  await page.waitForURL(`${url}/login`);
  await page.goto(`${url}/profile`);
  assert.equal(page.url(), `${url}/login?callbackUrl=%2Fprofile`);
  await logIn(page, 'ada');
  await page.waitForURL(`${url}/profile`);
  assert.deepEqual(csp, [], 'no Content-Security-Policy violations');
});

test('an idle user is sent back to the login page', async (t) => {
  const seshd = await startSeshd({ env: { SESH_IDLE_TIMEOUT: '2', SESH_UPDATE_AGE: '0' } });
  const browser = await launchBrowser();
  const csp = cspViolations(browser.context);
  t.after(async () => { await browser.close(); await seshd.cleanup(); });
  const page = await browser.context.newPage();
  await signUpInBrowser(page, seshd.url, 'idle');
  await page.goto(`${seshd.url}/cart`); // activity keeps it alive
  assert.equal(page.url(), `${seshd.url}/cart`);
  await new Promise((r) => setTimeout(r, 3000));
  await page.goto(`${seshd.url}/cart`);
  assert.equal(page.url(), `${seshd.url}/login?callbackUrl=%2Fcart`);
  assert.deepEqual(csp, [], 'no Content-Security-Policy violations');
});

test('sesh.js: getSession, subscribe and sign-out seen by another tab', async (t) => {
  const seshd = await startSeshd();
  const browser = await launchBrowser();
  const csp = cspViolations(browser.context);
  t.after(async () => { await browser.close(); await seshd.cleanup(); });
  const a = await browser.context.newPage();
  await signUpInBrowser(a, seshd.url, 'tabs');
  const b = await browser.context.newPage();
  await b.goto(`${seshd.url}/`);
  await b.waitForFunction(() => document.getElementById('session-status').textContent === 'Signed in as tabs');
  const session = await b.evaluate(() => window.sesh.getSession());
  assert.equal(session.user.name, 'tabs');
  await a.evaluate(() => window.sesh.signOut({ callbackUrl: '/' }));
  await b.waitForFunction(() => document.getElementById('session-status').textContent === 'Signed out');
  const r = await b.evaluate(() => window.sesh.signIn('tabs', 'wrong password 123'));
  assert.equal(r.ok, false);
  assert.equal(r.error, 'CredentialsSignin');
  const ok = await b.evaluate((pw) => window.sesh.signIn('tabs', pw), password);
  assert.equal(ok.ok, true);
  await a.waitForFunction(() => document.getElementById('session-status').textContent === 'Signed in as tabs');
  assert.deepEqual(csp, [], 'no Content-Security-Policy violations');
});
