// The HTTP edge of a real seshd against the attacks of issue 17: request framing that could smuggle
// a second request (RFC 9112 §3.2 Host, §6.1 Transfer-Encoding), cross-origin state changes,
// missing Content-Security-Policy and HSTS, connections that hold a slot without speaking, a
// public /metrics, the callback-url cookie and a readable data directory. Raw sockets where the
// bytes matter (fetch would fix the framing for us).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { request as httpRequest } from 'node:http';
import { chmodSync } from 'node:fs';
import { startSeshd } from '../e2e/harness.mjs';
import { Client, signUp } from './client.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/// Sends `bytes` on a fresh connection and collects the answer until seshd closes the connection
/// or `timeoutMs` passes. Returns {text, status, headers, body, closed, ms}.
function raw(port, bytes, { localAddress = '127.0.0.1', timeoutMs = 5000 } = {}) {
  return new Promise((resolve) => {
    const started = performance.now();
    const sock = connect({ host: '127.0.0.1', port, localAddress });
    const chunks = [];
    let settled = false;
    const finish = (closed) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      const head = split < 0 ? text : text.slice(0, split);
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      const headers = {};
      for (const line of head.split('\r\n').slice(1)) {
        const i = line.indexOf(':');
        if (i > 0) headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
      }
      resolve({ text, status: m ? Number(m[1]) : 0, headers, body: split < 0 ? '' : text.slice(split + 4), closed,
                ms: performance.now() - started });
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    sock.on('connect', () => { if (bytes) sock.write(Buffer.from(bytes, 'latin1')); });
    sock.on('data', (d) => chunks.push(d));
    sock.on('end', () => finish(true));
    sock.on('close', () => finish(true));
    sock.on('error', () => finish(true));
  });
}

/// How many HTTP status lines a raw answer holds (a smuggled request would add one).
const answers = (text) => (text.match(/HTTP\/1\.[01] \d{3} /g) ?? []).length;

/// A 400 JSON answer that closes the connection: what RFC 9112 asks for badly framed requests.
function assertRefusedAndClosed(r, what) {
  assert.equal(r.status, 400, `${what}: ${JSON.stringify(r.text)}`);
  assert.match(r.headers['content-type'] ?? '', /^application\/json/, what);
  assert.equal(r.headers.connection?.toLowerCase(), 'close', what);
  assert.equal(r.closed, true, `${what}: the connection is closed`);
  assert.equal(answers(r.text), 1, `${what}: nothing after the 400 is answered`);
}

test('request framing (RFC 9112 §3.2, §6.1)', async (t) => {
  const seshd = await startSeshd();
  t.after(() => seshd.cleanup());
  const host = `Host: 127.0.0.1:${seshd.port}\r\n`;
  const smuggled = 'GET /api/hello HTTP/1.1\r\n' + host + '\r\n';

  await t.test('a Transfer-Encoding whose last coding is not chunked is refused with 400, whatever Content-Length says', async () => {
    for (const te of ['xchunked', 'gzip', 'chunked, identity', 'identity', 'chunked;q=1, gzip']) {
      for (const order of ['te-first', 'cl-first']) {
        const body = '{"user":1}' + smuggled;
        const lines = order === 'te-first'
          ? `Transfer-Encoding: ${te}\r\nContent-Length: ${body.length}\r\n`
          : `Content-Length: ${body.length}\r\nTransfer-Encoding: ${te}\r\n`;
        const r = await raw(seshd.port, `POST /api/user HTTP/1.1\r\n${host}Content-Type: application/json\r\n${lines}\r\n${body}`);
        assertRefusedAndClosed(r, `Transfer-Encoding: ${te} (${order})`);
      }
      // Without a Content-Length the body would have been read as empty and the rest taken as
      // the next request: the smuggling RFC 9112 §6.1 closes the connection against.
      const r = await raw(seshd.port, `POST /api/user HTTP/1.1\r\n${host}Transfer-Encoding: ${te}\r\n\r\n${smuggled}`);
      assertRefusedAndClosed(r, `Transfer-Encoding: ${te} alone`);
    }
  });

  await t.test('Transfer-Encoding in an HTTP/1.0 request is faulty framing: 400 and close', async () => {
    const r = await raw(seshd.port, `POST /api/user HTTP/1.0\r\n${host}Content-Type: application/json\r\n` +
      'Transfer-Encoding: chunked\r\n\r\nb\r\n{"user":1}\n\r\n0\r\n\r\n');
    assertRefusedAndClosed(r, 'HTTP/1.0 with Transfer-Encoding');
  });

  await t.test('chunked request bodies are still served', async () => {
    const chunk = '{"user":{"id":1}}';
    const r = await raw(seshd.port, `POST /api/user HTTP/1.1\r\n${host}Content-Type: application/json\r\n` +
      `Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n${chunk.length.toString(16)}\r\n${chunk}\r\n0\r\n\r\n`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body, '{"message":"Session saved"}');
  });

  await t.test('an HTTP/1.1 request without Host is refused with 400', async () => {
    const r = await raw(seshd.port, 'GET /api/hello HTTP/1.1\r\n\r\n' + smuggled);
    assertRefusedAndClosed(r, 'no Host');
  });

  await t.test('more than one Host is refused with 400', async () => {
    const r = await raw(seshd.port, `GET /api/hello HTTP/1.1\r\n${host}Host: evil.example\r\n\r\n` + smuggled);
    assertRefusedAndClosed(r, 'two Host lines');
  });

  await t.test('a Host that is not a host[:port] is refused with 400', async () => {
    for (const bad of ['evil.example/path', 'a b', 'user@evil.example', 'evil.example:80:80x', '\x01']) {
      const r = await raw(seshd.port, `GET /api/hello HTTP/1.1\r\nHost: ${bad}\r\n\r\n`);
      assertRefusedAndClosed(r, `Host: ${JSON.stringify(bad)}`);
    }
  });

  await t.test('valid Host forms and HTTP/1.0 without Host are served', async () => {
    for (const h of ['127.0.0.1', `127.0.0.1:${seshd.port}`, 'localhost', '[::1]:80', 'auth.example.com']) {
      const r = await raw(seshd.port, `GET /api/hello HTTP/1.1\r\nHost: ${h}\r\nConnection: close\r\n\r\n`);
      assert.equal(r.status, 401, `Host: ${h}: ${r.text}`);
    }
    const old = await raw(seshd.port, 'GET /api/hello HTTP/1.0\r\n\r\n');
    assert.equal(old.status, 401, old.text);
  });
});

const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
  "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
const HSTS = 'max-age=63072000; includeSubDomains';

test('pages carry a strict Content-Security-Policy; HSTS only when SESH_URL is https', async (t) => {
  const plain = await startSeshd();
  t.after(() => plain.cleanup());
  const c = new Client(plain.url);
  await signUp(c, 'csp');
  for (const path of ['/', '/login', '/signup', '/profile', '/cart', '/preferences', '/sessions', '/api/auth/signin',
    '/api/auth/error', '/no-such-page', '/api/hello', '/static/sesh.js']) {
    const r = await c.request(path);
    assert.equal(r.headers.get('content-security-policy'), CSP, `${path} (${r.status})`);
    assert.equal(r.headers.get('strict-transport-security'), null, `${path}: no HSTS on http`);
    // The policy allows no inline script or style: the pages must need none.
    if ((r.headers.get('content-type') ?? '').startsWith('text/html')) {
      assert.doesNotMatch(r.text, /<script(?![^>]*\bsrc=)[^>]*>/i, `${path}: inline script`);
      assert.doesNotMatch(r.text, /<style|\sstyle=|\son[a-z]+=/i, `${path}: inline style or handler`);
    }
  }
  // Behind a TLS proxy seshd sees plain HTTP; SESH_URL says what the browser sees.
  const tls = await startSeshd({ env: { SESH_URL: 'https://auth.example.com' } });
  t.after(() => tls.cleanup());
  for (const path of ['/login', '/api/hello']) {
    const r = await fetch(tls.url + path, { redirect: 'manual' });
    assert.equal(r.headers.get('strict-transport-security'), HSTS, path);
    assert.equal(r.headers.get('content-security-policy'), CSP, path);
  }
});

/// GET `path` from `localAddress` (a loopback address of the test's choosing).
function getFrom(url, path, localAddress) {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url + path, { localAddress, agent: false }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('/metrics is served to loopback by default and only to SESH_METRICS_ALLOW when set', async (t) => {
  const byDefault = await startSeshd();
  t.after(() => byDefault.cleanup());
  for (const from of ['127.0.0.1', '127.0.0.2']) {
    const r = await getFrom(byDefault.url, '/metrics', from);
    assert.equal(r.status, 200, `from ${from}`);
    assert.match(r.body, /^# (HELP|TYPE) /m);
  }
  const restricted = await startSeshd({ env: { SESH_METRICS_ALLOW: '10.0.0.0/8, 127.0.0.2' } });
  t.after(() => restricted.cleanup());
  const refused = await getFrom(restricted.url, '/metrics', '127.0.0.1');
  assert.equal(refused.status, 403);
  assert.match(refused.headers['content-type'], /^application\/json/);
  assert.doesNotMatch(refused.body, /# TYPE/);
  assert.equal((await getFrom(restricted.url, '/metrics', '127.0.0.2')).status, 200, 'a listed address');
  assert.equal((await getFrom(restricted.url, '/healthz', '127.0.0.1')).status, 200, 'other routes are not affected');
});

test('the next-auth.callback-url cookie is written as next-auth writes it and read back on sign-out', async (t) => {
  const seshd = await startSeshd();
  t.after(() => seshd.cleanup());
  const c = new Client(seshd.url);
  await signUp(new Client(seshd.url), 'callback');
  const signIn = await c.request('/api/auth/callback/credentials', { method: 'POST', form: {
    username: 'callback', password: 'correct horse battery staple', csrfToken: await c.csrf(), json: 'true',
    callbackUrl: '/cart?tab=2' } });
  assert.deepEqual(signIn.data, { url: `${seshd.url}/cart?tab=2` });
  // next-auth serializes its cookies with the `cookie` package (encodeURIComponent) and reads them
  // decoded: the value must read back as the URL through that same package.
  const { parse } = await import('cookie');
  const line = signIn.setCookies.find((s) => s.startsWith('next-auth.callback-url='));
  assert.ok(line, signIn.setCookies.join('\n'));
  assert.equal(parse(line.split(';')[0])['next-auth.callback-url'], `${seshd.url}/cart?tab=2`);
  // A sign-out without a callbackUrl goes back to the remembered one.
  const out = await c.request('/api/auth/signout', { method: 'POST', form: { csrfToken: await c.csrf(), json: 'true' } });
  assert.deepEqual(out.data, { url: `${seshd.url}/cart?tab=2` });
  // A remembered URL of another origin is still replaced by the site (CVE-2022-24858).
  const evil = new Client(seshd.url);
  evil.jar.set('next-auth.callback-url', encodeURIComponent('https://evil.example/x'));
  const token = await evil.csrf();
  const back = await evil.request('/api/auth/signout', { method: 'POST', form: { csrfToken: token, json: 'true' } });
  assert.deepEqual(back.data, { url: seshd.url });
});

test('state-changing requests from another origin are refused (Origin, Sec-Fetch-Site)', async (t) => {
  const seshd = await startSeshd();
  t.after(() => seshd.cleanup());
  const c = new Client(seshd.url);
  await signUp(c, 'origin');
  const signedIn = async () => (await c.request('/api/hello')).status === 200;

  for (const headers of [{ origin: 'http://evil.example' }, { origin: 'null' },
    { origin: `http://127.0.0.1:${seshd.port + 1}` }, { origin: `https://127.0.0.1:${seshd.port}` },
    { origin: `http://localhost:${seshd.port}` },
    { 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site' }]) {
    const r = await c.request('/api/logout', { method: 'POST', json: {}, headers });
    assert.equal(r.status, 403, `${JSON.stringify(headers)}: ${r.text}`);
    assert.match(r.headers.get('content-type'), /^application\/json/);
    assert.ok(await signedIn(), `${JSON.stringify(headers)} did not log out`);
  }
  // Every state-changing method goes through the same check, on every route.
  for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
    for (const path of ['/api/user', '/api/auth/signout', '/logout', '/api/no-such-route']) {
      const r = await c.request(path, { method, json: {}, headers: { origin: 'http://evil.example' } });
      assert.equal(r.status, 403, `${method} ${path}`);
    }
  }
  // Reading is not a state change.
  const read = await c.request('/api/hello', { headers: { origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' } });
  assert.equal(read.status, 200);

  // /api/logout takes JSON only, like the other JSON APIs: a form cannot be sent cross-site
  // without a preflight.
  for (const form of [{ form: {} }, { raw: 'x', headers: { 'content-type': 'text/plain' } }, {}]) {
    const r = await c.request('/api/logout', { method: 'POST', ...form });
    assert.equal(r.status, 415, JSON.stringify(form));
    assert.ok(await signedIn());
  }
  // The site itself (and clients that send neither header) still log out.
  for (const headers of [{ origin: seshd.url, 'sec-fetch-site': 'same-origin' }, { 'sec-fetch-site': 'none' }, {}]) {
    const r = await c.request('/api/logout', { method: 'POST', json: {}, headers });
    assert.equal(r.status, 200, `${JSON.stringify(headers)}: ${r.text}`);
    assert.ok(!(await signedIn()));
    await c.request('/api/login', { method: 'POST', json: { username: 'origin', password: 'correct horse battery staple' } });
    assert.ok(await signedIn());
  }
});

test('connections that never speak are closed after the read timeout', async (t) => {
  const seshd = await startSeshd({ env: { SESH_READ_TIMEOUT_MS: '1000', SESH_IDLE_CONNECTION_TIMEOUT_MS: '60000' } });
  t.after(() => seshd.cleanup());
  const silent = await Promise.all([1, 2, 3].map(() => raw(seshd.port, '', { timeoutMs: 5000 })));
  for (const r of silent) {
    assert.equal(r.closed, true, 'seshd closed the silent connection');
    assert.ok(r.ms >= 750 && r.ms < 3000, `closed after ${Math.round(r.ms)} ms (read timeout 1000)`);
  }
  // A keep-alive connection may still idle past the read timeout between requests.
  const kept = await raw(seshd.port,
    `GET /api/hello HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`, { timeoutMs: 2500 });
  assert.equal(kept.status, 401);
  assert.equal(kept.closed, false, 'an idle keep-alive connection outlives the read timeout');
});

test('connections per client address are capped', async (t) => {
  const seshd = await startSeshd({ env: { SESH_MAX_CONNECTIONS_PER_ADDRESS: '4', SESH_READ_TIMEOUT_MS: '30000' } });
  t.after(() => seshd.cleanup());
  const held = [];
  t.after(() => { for (const s of held) s.destroy(); });
  const open = (localAddress) => new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port: seshd.port, localAddress });
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
  // 127.0.0.3 for the capped address: the harness's own keep-alive fetch holds one from 127.0.0.1.
  for (let i = 0; i < 4; ++i) held.push(await open('127.0.0.3'));
  await sleep(200);
  const fifth = await raw(seshd.port, 'GET /api/hello HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', { localAddress: '127.0.0.3' });
  assert.equal(fifth.status, 503, fifth.text);
  assert.equal(fifth.closed, true);
  // Another address is not held back by the first one's connections.
  const other = await raw(seshd.port, 'GET /api/hello HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n',
    { localAddress: '127.0.0.2' });
  assert.equal(other.status, 401, other.text);
  // A closed connection gives its slot back.
  held.pop().destroy();
  await sleep(200);
  const again = await raw(seshd.port, 'GET /api/hello HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n',
    { localAddress: '127.0.0.3' });
  assert.equal(again.status, 401, again.text);
});

test('a data directory other users can read is warned about', async (t) => {
  const open = await startSeshd({ env: { SESH_LOG_LEVEL: 'info' } });
  t.after(() => open.cleanup());
  await open.stop();
  chmodSync(open.dataDir, 0o755);
  await open.restart();
  assert.match(open.log(), /data directory .* (readable|accessible) by other users/);
  const closed = await startSeshd({ env: { SESH_LOG_LEVEL: 'info' } });
  t.after(() => closed.cleanup());
  assert.doesNotMatch(closed.log(), /data directory .* (readable|accessible) by other users/);
});
