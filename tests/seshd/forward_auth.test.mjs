// Forward auth (issue 15): GET /api/auth/verify as Traefik, Envoy and Oathkeeper call it, over HTTP
// against the real seshd, for every session strategy: 200 with X-Auth-Request-* and
// {subject, extra}, 401 JSON, 403 by SESH_GATEWAY_RULES on the original URI, forwarded headers
// believed only from SESH_TRUSTED_PROXIES, ?rd= redirects, sliding renewal on the verify answer,
// tampered cookies as "not signed in"; and callbackUrls on other hosts (SESH_COOKIE_DOMAIN,
// SESH_ALLOWED_REDIRECTS) through the sign-in page, the credentials form and next-auth's routes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSeshd, seshdPath } from '../e2e/harness.mjs';
import { Client, password } from './client.mjs';

const secret = 'forward-auth-test-secret-of-32-characters-or-more';
const APP = 'http://app.example.test:8080';
const RULES = 'app.example.test/admin=user:ada,domain:example.org; */ops=email:ops@example.net';

async function signUpWith(c, username, email) {
  const r = await c.request('/api/signup', { method: 'POST', json: { username, password, ...(email ? { email } : {}) } });
  assert.equal(r.status, 201, r.text);
}

/// The headers Traefik sends for a browser's request to `url` (X-Forwarded-*).
function traefik(url, { method = 'GET', accept = 'text/html,application/xhtml+xml' } = {}) {
  const u = new URL(url);
  return { 'x-forwarded-method': method, 'x-forwarded-proto': u.protocol.slice(0, -1), 'x-forwarded-host': u.host,
           'x-forwarded-uri': u.pathname + u.search, accept };
}
/// The headers the nginx configuration of docs/GATEWAY.md sends (X-Original-URI).
function nginx(url) {
  const u = new URL(url);
  return { 'x-original-uri': u.pathname + u.search, 'x-original-method': 'GET', 'x-forwarded-proto': u.protocol.slice(0, -1),
           'x-forwarded-host': u.host };
}
const verify = (c, headers, query = '') => c.request(`/api/auth/verify${query}`, { headers });

for (const strategy of ['server', 'jwt', 'iron']) {
  test(`verify contract (${strategy})`, async (t) => {
    const seshd = await startSeshd({ env: { SESH_SECRET: secret, SESH_STRATEGY: strategy, SESH_TRUSTED_PROXIES: '127.0.0.1',
                                            SESH_GATEWAY_RULES: RULES, SESH_UPDATE_AGE: '2', SESH_ALLOWED_REDIRECTS: APP } });
    t.after(() => seshd.cleanup());
    const ada = new Client(seshd.url);
    const bob = new Client(seshd.url);
    const carol = new Client(seshd.url);
    await signUpWith(ada, 'ada', 'ada@example.com');
    await signUpWith(bob, 'bob', 'Bob@Example.ORG');
    await signUpWith(carol, 'carol');

    await t.test('not signed in: 401 JSON, no identity headers, no redirect', async () => {
      const r = await verify(new Client(seshd.url), traefik(`${APP}/dashboard`));
      assert.equal(r.status, 401);
      assert.deepEqual(r.data, { error: 'Not signed in' });
      assert.equal(r.headers.get('x-auth-request-user'), null);
      assert.match(r.headers.get('cache-control'), /no-store/);
    });

    await t.test('signed in: 200, oauth2-proxy headers, Oathkeeper JSON', async () => {
      const r = await verify(ada, traefik(`${APP}/dashboard?x=1`));
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('x-auth-request-user'), 'ada');
      assert.equal(r.headers.get('x-auth-request-preferred-username'), 'ada');
      assert.equal(r.headers.get('x-auth-request-email'), 'ada@example.com');
      assert.match(r.headers.get('cache-control'), /no-store/);
      assert.equal(r.data.subject, 'ada');
      assert.equal(r.data.extra.username, 'ada');
      assert.equal(r.data.extra.email, 'ada@example.com');
      assert.equal(typeof r.data.extra.user_id, 'string');
      assert.ok(r.data.extra.user_id.length > 0);
      const noEmail = await verify(carol, traefik(`${APP}/`));
      assert.equal(noEmail.status, 200);
      assert.equal(noEmail.headers.get('x-auth-request-email'), null);
      assert.equal(noEmail.data.extra.email, null);
      // A request with no forwarded headers at all (Oathkeeper's cookie_session) covers no rule.
      const bare = await verify(ada, {});
      assert.equal(bare.status, 403, 'rules exist, so an unknown original request is refused');
    });

    await t.test('rules on the original URI: users, e-mail domains, segment boundaries, hosts', async () => {
      const cases = [
        [ada, `${APP}/admin`, 200], [ada, `${APP}/admin/users?id=1`, 200],
        [bob, `${APP}/admin/x`, 200, 'domain:example.org, case-insensitive'],
        [carol, `${APP}/admin`, 403], [carol, `${APP}/admin/`, 403], [carol, `${APP}/ADMIN`, 200, 'paths are case-sensitive'],
        [carol, `${APP}/%61dmin`, 403, 'percent-encoded'], [carol, `${APP}/public/../admin`, 403, 'dot segments'],
        [carol, `${APP}//admin`, 403, 'repeated slashes'], [carol, `${APP}/public/%2e%2e/admin/x`, 403],
        [carol, `${APP}/administrator`, 200, 'a prefix ends at a segment'], [carol, `${APP}/%zz`, 403, 'undecodable'],
        [carol, 'http://other.example.test/admin', 200, 'the rule names another host'],
        [carol, 'http://APP.example.test/admin', 403, 'host names are case-insensitive'],
        [ada, 'http://other.example.test/ops/x', 403, '*/ops: only ops@example.net'],
      ];
      for (const [who, url, want, why] of cases) {
        const r = await verify(who, traefik(url));
        assert.equal(r.status, want, `${url}: ${why ?? ''}`);
        if (want === 403) {
          assert.deepEqual(r.data, { error: 'Not allowed' });
          assert.equal(r.headers.get('x-auth-request-user'), null);
        }
      }
      // nginx's X-Original-URI spelling decides the same way.
      assert.equal((await verify(carol, nginx(`${APP}/admin`))).status, 403);
      assert.equal((await verify(ada, nginx(`${APP}/admin`))).status, 200);
      // A client's own copy of the other spelling, passed through by the gateway, makes the
      // original request unknown (403 while rules exist), never the URL that is checked.
      assert.equal((await verify(carol, { ...nginx(`${APP}/admin`), 'x-forwarded-uri': '/home' })).status, 403);
      assert.equal((await verify(carol, { ...traefik(`${APP}/admin`), 'x-original-uri': '/home' })).status, 403);
      assert.equal((await verify(carol, { ...traefik(`${APP}/admin`), 'x-original-url': `${APP}/home` })).status, 403);
      assert.equal((await verify(carol, { ...traefik(`${APP}/admin`), 'x-forwarded-host': 'other.example.test, app.example.test' })).status, 200,
                   'X-Forwarded-Host: the first listed');
      assert.equal((await verify(carol, { ...nginx(`${APP}/home`), 'x-forwarded-uri': '/home' })).status, 200, 'agreeing copies are fine');
      // ingress-nginx's X-Original-URL too.
      assert.equal((await verify(carol, { 'x-original-url': `${APP}/admin/a` })).status, 403);
      assert.equal((await verify(carol, { 'x-original-url': `${APP}/home` })).status, 200);
    });

    await t.test("Envoy's form: the original path after /api/auth/verify, the original method and Host", async () => {
      // node's fetch replaces Host, so these go through node:http.
      const envoy = (c, method, path) => new Promise((resolve, reject) => {
        const headers = { host: 'app.example.test:8080', accept: 'text/html' };
        if (c.jar.size) headers.cookie = c.cookieHeader();
        const req = httpRequest({ host: '127.0.0.1', port: seshd.port, method, path: `/api/auth/verify${path}`, headers }, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode, headers: new Headers(res.headers) }));
        });
        req.on('error', reject);
        req.end();
      });
      assert.equal((await envoy(carol, 'POST', '/admin/x?y=1')).status, 403);
      assert.equal((await envoy(carol, 'DELETE', '/%61dmin')).status, 403);
      assert.equal((await envoy(carol, 'GET', '/home?a=b')).status, 200);
      const ok = await envoy(ada, 'PUT', '/admin/x');
      assert.equal(ok.status, 200);
      assert.equal(ok.headers.get('x-auth-request-user'), 'ada');
      assert.equal((await envoy(new Client(seshd.url), 'GET', '/home')).status, 401);
      assert.equal((await envoy(new Client(seshd.url), 'GET', '/home?rd=1')).status, 401,
                   "the original request's query is never seshd's ?rd=");
    });

    await t.test('?rd=: pages go to the sign-in page and back, API calls get 401', async () => {
      const anon = new Client(seshd.url);
      const page = await verify(anon, traefik(`${APP}/reports?q=a&b=c`), '?rd=1');
      assert.equal(page.status, 302);
      const loc = new URL(page.headers.get('location'));
      assert.equal(loc.origin + loc.pathname, `${seshd.url}/login`);
      assert.equal(loc.searchParams.get('callbackUrl'), `${APP}/reports?q=a&b=c`);
      const api = await verify(anon, traefik(`${APP}/api/x`, { accept: 'application/json' }), '?rd=1');
      assert.equal(api.status, 401);
      const post = await verify(anon, traefik(`${APP}/form`, { method: 'POST' }), '?rd=1');
      assert.equal(post.status, 401, 'a form post cannot be replayed after sign-in');
      // The sign-in page keeps the app URL (an allowed origin) for after the sign-in.
      const login = await anon.request(`/login?callbackUrl=${encodeURIComponent(`${APP}/reports?q=a&b=c`)}`);
      assert.match(login.text, /name="callbackUrl" value="http:\/\/app\.example\.test:8080\/reports\?q=a&amp;b=c"/);
      // Without rd a signed-out request is never a redirect, whatever it accepts (nginx turns a 3xx into a 500).
      assert.equal((await verify(anon, traefik(`${APP}/`))).status, 401);
      // Signed in, rd changes nothing.
      assert.equal((await verify(ada, traefik(`${APP}/`), '?rd=1')).status, 200);
    });

    await t.test('sliding renewal: the renewed cookie is on the verify answer', async () => {
      const first = await verify(ada, traefik(`${APP}/`));
      assert.equal(first.status, 200);
      // Two seconds of update age: long enough that the next request (even under a sanitizer) comes
      // before the following renewal is due.
      await new Promise((r) => setTimeout(r, 2300));
      const renewed = await verify(ada, traefik(`${APP}/`));
      assert.equal(renewed.status, 200);
      const cookies = renewed.setCookies.filter((c) => !/Max-Age=0/i.test(c));
      assert.ok(cookies.length > 0, `a renewed session cookie, got ${JSON.stringify(renewed.setCookies)}`);
      assert.match(cookies[0], /HttpOnly/i);
      const again = await verify(ada, traefik(`${APP}/`));
      assert.equal(again.status, 200, 'the renewed cookie works');
      assert.deepEqual(again.setCookies, [], 'renewal is throttled to once per update age');
    });

    await t.test('a tampered cookie is 401, never 500; sign-out closes it', async () => {
      const forged = new Client(seshd.url);
      for (const [name, value] of ada.jar) {
        const flipped = value.slice(0, 10) + (value[10] === 'A' ? 'B' : 'A') + value.slice(11);
        forged.jar.set(name, flipped);
      }
      const r = await verify(forged, traefik(`${APP}/`));
      assert.equal(r.status, 401);
      const gone = new Client(seshd.url);
      await signUpWith(gone, 'dave');
      assert.equal((await verify(gone, traefik(`${APP}/`))).status, 200);
      const out = await gone.request('/api/logout', { method: 'POST', json: {} });
      assert.equal(out.status, 200);
      assert.equal((await verify(gone, traefik(`${APP}/`))).status, 401);
    });
  });
}

test('forwarded headers from an address not in SESH_TRUSTED_PROXIES are ignored', async (t) => {
  const seshd = await startSeshd({ env: { SESH_SECRET: secret, SESH_TRUSTED_PROXIES: '10.0.0.0/8, fd00::/8',
                                          SESH_GATEWAY_RULES: '*/=*; */admin=user:nobody', SESH_ALLOWED_REDIRECTS: APP } });
  t.after(() => seshd.cleanup());
  const c = new Client(seshd.url);
  await signUpWith(c, 'ada');
  // The headers claim an open path, but from 127.0.0.1 they are not believed: with rules, an
  // unknown original request is refused rather than waved through.
  const r = await verify(c, traefik(`${APP}/open`));
  assert.equal(r.status, 403);
  const rd = await verify(new Client(seshd.url), traefik(`${APP}/somewhere`), `?rd=${encodeURIComponent(`${APP}/given`)}`);
  assert.equal(rd.status, 302);
  assert.equal(new URL(rd.headers.get('location')).searchParams.get('callbackUrl'), `${APP}/given`,
               'the rd value, not the untrusted forwarded URL');
  const evil = await verify(new Client(seshd.url), traefik(`${APP}/x`), `?rd=${encodeURIComponent('https://evil.example/')}`);
  assert.equal(new URL(evil.headers.get('location')).searchParams.get('callbackUrl'), '/profile');
});

test('callbackUrls on other hosts: the cookie domain and the allow-list, nothing else', async (t) => {
  const seshd = await startSeshd({ env: { SESH_SECRET: secret, SESH_URL: 'http://auth.example.test:3000',
                                          SESH_COOKIE_DOMAIN: '.Example.TEST', SESH_ALLOWED_REDIRECTS: 'http://127.0.0.1:8080' } });
  t.after(() => seshd.cleanup());
  const c = new Client(seshd.url);
  const signup = await c.request('/api/signup', { method: 'POST', json: { username: 'ada', password } });
  assert.equal(signup.status, 201);
  const sessionCookie = signup.setCookies.find((s) => s.startsWith('sesh.session-token='));
  assert.match(sessionCookie, /; Domain=example\.test/i, 'the session cookie carries the domain');

  // Chromium checks CSP form-action on the redirect after the sign-in form: it names every allowed target.
  const csp = (await c.request('/login')).headers.get('content-security-policy');
  assert.match(csp, /form-action 'self' http:\/\/127\.0\.0\.1:8080 http:\/\/example\.test:\* http:\/\/\*\.example\.test:\*;/);
  const allowed = ['http://app.example.test:9999/x?y=1', 'http://example.test/', 'http://deep.app.example.test/',
                   'http://127.0.0.1:8080/back'];
  const refused = ['https://app.example.test/x', 'http://example.test.evil.example/', 'http://evilexample.test/',
                   'http://app.example.test@evil.example/', 'http://evil.example/?http://app.example.test/',
                   'http://127.0.0.1:8081/', 'https://127.0.0.1:8080/', 'http://app.example.test\\@evil.example/',
                   '//app.example.test/', 'javascript://app.example.test/%0aalert(1)', 'http://app%2eexample.test/'];
  const csrfToken = await c.csrf();
  for (const url of allowed) {
    const r = await c.request('/api/auth/callback/credentials', { method: 'POST',
      form: { username: 'ada', password, csrfToken, json: 'true', callbackUrl: url } });
    assert.equal(r.data.url, url, url);
    const page = await c.request(`/login?callbackUrl=${encodeURIComponent(url)}`);
    assert.ok(page.text.includes(`name="callbackUrl" value="${url.replaceAll('&', '&amp;')}"`), url);
    const form = await c.request('/login', { method: 'POST', form: { username: 'ada', password, csrfToken: await c.csrf(), callbackUrl: url } });
    assert.equal(form.status, 303);
    assert.equal(form.headers.get('location'), url);
  }
  for (const url of refused) {
    const r = await c.request('/api/auth/callback/credentials', { method: 'POST',
      form: { username: 'ada', password, csrfToken: await c.csrf(), json: 'true', callbackUrl: url } });
    assert.equal(r.data.url, 'http://auth.example.test:3000', url);
    const form = await c.request('/login', { method: 'POST', form: { username: 'ada', password, csrfToken: await c.csrf(), callbackUrl: url } });
    assert.equal(form.headers.get('location'), '/profile', url);
    const page = await c.request(`/api/auth/signin?callbackUrl=${encodeURIComponent(url)}`);
    assert.ok(page.text.includes('name="callbackUrl" value="/"'), url);
  }
  // Sign-out honours the same policy, and the remembered callback-url cookie carries the domain.
  const signin = await c.request('/api/auth/callback/credentials', { method: 'POST',
    form: { username: 'ada', password, csrfToken: await c.csrf(), json: 'true', callbackUrl: 'http://app.example.test/' } });
  assert.ok(signin.setCookies.some((s) => s.startsWith('next-auth.callback-url=') && /; Domain=example\.test/i.test(s)));
  const out = await c.request('/api/auth/signout', { method: 'POST',
    form: { csrfToken: await c.csrf(), json: 'true', callbackUrl: 'http://app.example.test:8080/bye' } });
  assert.equal(out.data.url, 'http://app.example.test:8080/bye');
});

test('seshd refuses a cookie domain SESH_URL is not under, and bad gateway settings', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sesh-gw-'));
  try {
    for (const [env, message] of [
      [{ SESH_URL: 'http://auth.example.test:3000', SESH_COOKIE_DOMAIN: 'other.test' }, /SESH_COOKIE_DOMAIN/],
      [{ SESH_ALLOWED_REDIRECTS: 'app.example.test' }, /SESH_ALLOWED_REDIRECTS/],
      [{ SESH_ALLOWED_REDIRECTS: 'https://app.example.test/path' }, /SESH_ALLOWED_REDIRECTS/],
      [{ SESH_TRUSTED_PROXIES: 'nginx' }, /SESH_TRUSTED_PROXIES/],
      [{ SESH_GATEWAY_RULES: 'app.example.test=user:ada' }, /SESH_GATEWAY_RULES/],
      [{ SESH_GATEWAY_RULES: '/admin=group:x' }, /SESH_GATEWAY_RULES/],
      [{ SESH_GATEWAY_RULES: '/admin=' }, /SESH_GATEWAY_RULES/],
    ]) {
      const r = spawnSync(seshdPath, [], { env: { ...process.env, SESH_SECRET: secret, SESH_DATA_DIR: dataDir,
                                                  SESH_LISTEN: '127.0.0.1:0', ...env }, encoding: 'utf8', timeout: 10000 });
      assert.equal(r.status, 2, `${JSON.stringify(env)}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
