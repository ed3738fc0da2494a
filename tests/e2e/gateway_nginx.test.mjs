// Forward auth through real nginx (issue 15): Debian's nginx runs the configuration of
// docs/GATEWAY.md in front of a small app that echoes the headers it receives, with seshd as the
// auth service, and Chromium signs in across two host names (app.example.test and
// auth.example.test, both mapped to loopback) that share the session cookie through
// SESH_COOKIE_DOMAIN.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { startSeshd, launchBrowser, freePort, artifactsDir } from './harness.mjs';
import { documentedNginxConfig, startNginx } from './nginx.mjs';

const password = 'a long enough password';
const secret = 'gateway-e2e-secret-of-at-least-32-characters';

/// The upstream app: answers every request with a page showing the headers it got.
async function startEchoApp() {
  const seen = [];
  const server = createServer((req, res) => {
    seen.push({ url: req.url, user: req.headers['x-auth-request-user'] });
    const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>app</title><p id="path">${esc(req.url)}</p>` +
            `<pre id="headers">${esc(JSON.stringify(req.headers))}</pre>`);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { port: server.address().port, seen, stop: () => new Promise((r) => server.close(r)) };
}

/// docs/GATEWAY.md's nginx block with this run's ports and host names; each replacement must
/// apply, so a change to the documented block cannot slip past the test.
function nginxBlock({ nginxPort, seshdPort, appPort }) {
  let conf = documentedNginxConfig();
  for (const [from, to] of [['listen 80;', `listen 127.0.0.1:${nginxPort};`], ['127.0.0.1:3000', `127.0.0.1:${seshdPort}`],
                            ['127.0.0.1:8080', `127.0.0.1:${appPort}`], ['app.example.com', 'app.example.test']]) {
    assert.ok(conf.includes(from), `the documented nginx block holds ${from}`);
    conf = conf.replaceAll(from, to);
  }
  return conf;
}

async function signIn(page, name) {
  await page.fill('input[name=username]', name);
  await page.fill('input[name=password]', password);
  await page.click('form.card button[type=submit]');
}

test('nginx auth_request in front of an app, seshd signing in across hosts', async (t) => {
  const app = await startEchoApp();
  const nginxPort = await freePort();
  const seshdPort = await freePort();
  const auth = `http://auth.example.test:${seshdPort}`;
  const appUrl = `http://app.example.test:${nginxPort}`;
  const seshd = await startSeshd({ port: seshdPort, env: {
    SESH_SECRET: secret, SESH_URL: auth, SESH_COOKIE_DOMAIN: 'example.test', SESH_TRUSTED_PROXIES: '127.0.0.1',
    SESH_GATEWAY_RULES: 'app.example.test/admin=user:ada', SESH_UPDATE_AGE: '1' } });
  const nginx = await startNginx(nginxBlock({ nginxPort, seshdPort, appPort: app.port }), nginxPort);
  const browser = await launchBrowser({ args: ['--host-resolver-rules=MAP *.example.test 127.0.0.1'] });
  t.after(async () => { await browser.close(); await nginx.stop(); await seshd.cleanup(); await app.stop(); });
  for (const name of ['ada', 'bob']) {
    const r = await fetch(`${seshd.url}/api/signup`, { method: 'POST', headers: { 'content-type': 'application/json' },
                                                         body: JSON.stringify({ username: name, password }) });
    assert.equal(r.status, 201);
  }
  const page = await browser.context.newPage();
  const serverErrors = [];
  page.on('response', (r) => { if (r.status() >= 500) serverErrors.push(`${r.status()} ${r.url()}`); });
  const echoed = async () => JSON.parse(await page.textContent('#headers'));

  // Without a session the app is not reached: the browser lands on seshd's sign-in page.
  const wanted = `${appUrl}/reports?q=a&b=c`;
  await page.goto(wanted);
  assert.equal(new URL(page.url()).origin + new URL(page.url()).pathname, `${auth}/login`);
  assert.equal(new URL(page.url()).searchParams.get('callbackUrl'), wanted);
  assert.deepEqual(app.seen, [], 'the app saw nothing before the sign-in');

  // Signing in brings the browser back to the app's original URL, and the app learns who it is.
  await signIn(page, 'ada');
  await page.waitForURL(wanted);
  assert.equal(await page.textContent('#path'), '/reports?q=a&b=c');
  assert.equal((await echoed())['x-auth-request-user'], 'ada');
  await page.screenshot({ path: join(artifactsDir, 'gateway-app.png') });
  const sessionCookie = async () => (await browser.context.cookies(appUrl)).find((c) => c.name === 'sesh.session-token');
  const before = await sessionCookie();
  assert.equal(before.domain, '.example.test', 'one cookie for auth. and app.');

  // A renewed cookie reaches the browser through nginx.
  await new Promise((r) => setTimeout(r, 1300));
  const renewed = await page.goto(`${appUrl}/later`);
  assert.equal(renewed.status(), 200);
  assert.match((await renewed.allHeaders())['set-cookie'] ?? '', /sesh\.session-token=.*Domain=example\.test/i);
  const after = await sessionCookie();
  assert.ok(after.expires > before.expires, `the cookie's expiry moved: ${before.expires} → ${after.expires}`);

  // A client's own X-Auth-Request-User never reaches the app.
  await page.setExtraHTTPHeaders({ 'X-Auth-Request-User': 'mallory' });
  await page.goto(`${appUrl}/whoami`);
  assert.equal((await echoed())['x-auth-request-user'], 'ada');
  await page.setExtraHTTPHeaders({});
  assert.equal((await page.goto(`${appUrl}/admin`)).status(), 200, 'ada may see /admin');

  // Signing out on seshd closes the app again.
  await page.goto(`${auth}/profile`);
  await page.click('#logout');
  await page.waitForURL(`${auth}/login`);
  const seenBefore = app.seen.length;
  await page.goto(`${appUrl}/reports`);
  assert.equal(new URL(page.url()).pathname, '/login');
  assert.equal(app.seen.length, seenBefore, 'signed out, the app is not reached');

  // A tampered cookie is the sign-in page, never a 500.
  await page.goto(`${appUrl}/back`);
  await signIn(page, 'ada');
  await page.waitForURL(`${appUrl}/back`);
  const good = await sessionCookie();
  const flipped = good.value.slice(0, 5) + (good.value[5] === 'A' ? 'B' : 'A') + good.value.slice(6);
  await browser.context.addCookies([{ ...good, value: flipped }]);
  const tampered = await page.goto(`${appUrl}/back`);
  assert.equal(tampered.status(), 200);
  assert.equal(new URL(page.url()).origin + new URL(page.url()).pathname, `${auth}/login`);

  // A user a rule refuses gets 403, and the app never sees the request.
  await browser.context.clearCookies();
  await page.goto(`${appUrl}/admin/users`);
  await signIn(page, 'bob');
  await page.waitForURL(`${appUrl}/admin/users`);
  const denied = await page.goto(`${appUrl}/admin/users`);
  assert.equal(denied.status(), 403);
  assert.ok(!app.seen.some((s) => s.user === 'bob' && s.url.startsWith('/admin')), 'bob never reached /admin');
  // Naming another path in a header of the browser's own does not get past the rule.
  await page.setExtraHTTPHeaders({ 'X-Forwarded-Uri': '/home', 'X-Original-URL': `${appUrl}/home` });
  assert.equal((await page.goto(`${appUrl}/admin/users`)).status(), 403);
  await page.setExtraHTTPHeaders({});
  assert.ok(!app.seen.some((s) => s.user === 'bob' && s.url.startsWith('/admin')), 'bob never reached /admin');
  assert.equal((await page.goto(`${appUrl}/home`)).status(), 200, 'bob may see the rest');
  assert.equal((await echoed())['x-auth-request-user'], 'bob');

  assert.deepEqual(serverErrors, [], `no 5xx answers; nginx log: ${nginx.errorLog()}`);
});
