// A real Next.js 14 app with next-auth 4.24 and @auth/pg-adapter (tests/authjs/next_app, run with
// `next dev` from a copy in a temporary directory) and seshd with SESH_STRATEGY=database on the
// same PostgreSQL database: a user who signs in on the app through an e-mail link is the same
// signed-in user on seshd with the same cookie (127.0.0.1's ports share cookies), a seshd sign-in
// is the signed-in user in the app's getServerSession, and a sign-out on seshd ends both.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { freePort, req, signUp, sleep, spawnSeshd } from '../faults/support.mjs';
import { spawnPostgres } from '../support/postgres.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const cookieName = 'next-auth.session-token';
const secret = 'a-test-secret-for-the-next-app-at-least-32-chars';

let db, seshd, app, appDir, links, next, nextLog = '', startupSeconds;

before(async () => {
  db = await spawnPostgres();
  db.createDatabase('shared');
  seshd = await spawnSeshd({ env: { SESH_STORE: db.url('shared'), SESH_STRATEGY: 'database' } });
  // seshd made Auth.js's tables on its first contact with the database (its /healthz reads it).
  assert.equal(db.query("SELECT to_regclass('verification_token') IS NOT NULL", 'shared'), 't');

  appDir = mkdtempSync(join(tmpdir(), 'sesh-next-app-'));
  cpSync(join(here, 'next_app'), appDir, { recursive: true });
  symlinkSync(realpathSync(join(here, '..', 'node_modules')), join(appDir, 'node_modules'));
  links = join(appDir, 'links.ndjson');
  const port = await freePort();
  app = `http://127.0.0.1:${port}`;
  const t0 = performance.now();
  // Its own process group, so its workers go with it.
  next = spawn(process.execPath, [join(appDir, 'node_modules/next/dist/bin/next'), 'dev', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: appDir, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NEXTAUTH_URL: app, NEXTAUTH_SECRET: secret, DATABASE_URL: db.url('shared'), SESH_TEST_LINKS: links,
           NEXT_TELEMETRY_DISABLED: '1' },
  });
  next.stdout.on('data', (d) => { nextLog += d; });
  next.stderr.on('data', (d) => { nextLog += d; });
  // `next dev` compiles a route on its first request: the providers route and /api/me once each.
  for (const path of ['/api/auth/providers', '/api/me']) {
    for (;;) {
      if (next.exitCode !== null) throw new Error(`next dev exited: ${nextLog}`);
      const r = await req(app, path, { timeoutMs: 60000 });
      if (r.status === 200 || r.status === 401) break;
      if (performance.now() - t0 > 120000) throw new Error(`next dev did not serve ${path}: ${nextLog}`);
      await sleep(200);
    }
  }
  startupSeconds = (performance.now() - t0) / 1000;
});

after(async () => {
  if (next && next.exitCode === null) {
    const gone = new Promise((r) => next.once('exit', r));
    try { process.kill(-next.pid, 'SIGTERM'); } catch { /* gone */ }
    await Promise.race([gone, sleep(5000)]);
    try { process.kill(-next.pid, 'SIGKILL'); } catch { /* gone */ }
  }
  if (appDir) rmSync(appDir, { recursive: true, force: true });
  await seshd?.cleanup();
  await db?.cleanup();
  if (startupSeconds !== undefined) console.log(`authjs next app: next dev served its routes after ${startupSeconds.toFixed(1)} s`);
});

// A browser's cookies for 127.0.0.1 (every port): name -> value.
class Jar {
  constructor() { this.cookies = new Map(); }
  header() { return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '); }
  take(setCookies) {
    for (const line of setCookies) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      if (value === '' || expired) this.cookies.delete(name); else this.cookies.set(name, value);
    }
  }
  async fetch(base, path, { method = 'GET', form } = {}) {
    const headers = { cookie: this.header() };
    let body;
    if (form) { body = new URLSearchParams(form).toString(); headers['content-type'] = 'application/x-www-form-urlencoded'; }
    const res = await fetch(base + path, { method, headers, body, redirect: 'manual', signal: AbortSignal.timeout(60000) });
    this.take(res.headers.getSetCookie());
    const text = await res.text();
    let data;
    try { data = JSON.parse(text); } catch { data = undefined; }
    return { status: res.status, text, data, location: res.headers.get('location') };
  }
}

// The link the app's sendVerificationRequest handed over for `email`.
async function linkFor(email) {
  for (let i = 0; i < 100; ++i) {
    if (existsSync(links)) {
      const mine = readFileSync(links, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((l) => l.identifier === email);
      if (mine.length) return mine.at(-1).url;
    }
    await sleep(50);
  }
  throw new Error(`no sign-in link for ${email}: ${nextLog}`);
}

// Signs `email` in on the Next.js app as a browser does: CSRF token, the e-mail form, the link.
async function signInOnTheApp(jar, email) {
  const csrf = await jar.fetch(app, '/api/auth/csrf');
  assert.equal(csrf.status, 200, csrf.text);
  const asked = await jar.fetch(app, '/api/auth/signin/email', { method: 'POST',
    form: { email, csrfToken: csrf.data.csrfToken, callbackUrl: `${app}/`, json: 'true' } });
  assert.equal(asked.status, 200, asked.text);
  assert.match(asked.data.url, /verify-request/);
  const link = new URL(await linkFor(email));
  assert.equal(link.origin, app);
  const landed = await jar.fetch(app, link.pathname + link.search);
  assert.equal(landed.status, 302, landed.text);
  assert.ok(!/error/.test(landed.location ?? ''), `the link sign-in failed: ${landed.location}`);
  assert.ok(jar.cookies.get(cookieName), 'the app set its session cookie');
}

test('a sign-in on the Next.js app is the same signed-in user on seshd, with the same cookie', async () => {
  const jar = new Jar();
  await signInOnTheApp(jar, 'nia@example.com');
  const token = jar.cookies.get(cookieName);
  assert.match(token, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  const inApp = await jar.fetch(app, '/api/me');
  assert.equal(inApp.status, 200, inApp.text);
  assert.equal(inApp.data.session.user.email, 'nia@example.com');

  const s = await jar.fetch(seshd.url, '/api/auth/session');
  assert.equal(s.status, 200, s.text);
  assert.equal(s.data.user?.email, 'nia@example.com', s.text);
  assert.equal(jar.cookies.get(cookieName), token, 'seshd sent the same cookie back');
  assert.equal((await jar.fetch(seshd.url, '/api/hello')).status, 200);
  assert.equal((await jar.fetch(seshd.url, '/profile')).status, 200);
});

test("a seshd sign-in is the signed-in user in the app's getServerSession", async () => {
  const cookie = await signUp(seshd.url, 'omar');
  const r = await req(app, '/api/me', { cookie, timeoutMs: 60000 });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.data.session.user.name, 'omar');
});

test('a sign-out on seshd ends the session the app made, in the app too', async () => {
  const jar = new Jar();
  await signInOnTheApp(jar, 'pia@example.com');
  assert.equal((await jar.fetch(app, '/api/me')).status, 200);
  const cookie = jar.header();
  const out = await req(seshd.url, '/api/logout', { method: 'POST', json: {}, cookie });
  assert.equal(out.status, 200, out.text);
  assert.equal((await req(app, '/api/me', { cookie, timeoutMs: 60000 })).status, 401);
});
