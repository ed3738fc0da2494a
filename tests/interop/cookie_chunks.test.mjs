// next-auth's real SessionStore chunks long tokens; `sesh cookie parse` must join them back whole.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
// core/lib/cookie.js is not in next-auth's "exports" map, so it is loaded by path from the
// package's own directory: the real SessionStore, not a copy of it.
const { SessionStore } = require(join(dirname(require.resolve('next-auth')), 'core/lib/cookie.js'));

const cli = process.env.SESH_CLI;
const needsCli = { skip: cli ? false : 'SESH_CLI is not set (run through ctest)' };
const silent = { debug() {}, warn() {}, error() {} };

const BASE = 'next-auth.session-token';
const OPTIONS = { httpOnly: true, sameSite: 'lax', path: '/', secure: false };

// A token-like value whose chunks all differ, so a join in the wrong order cannot pass.
function tokenOf(length) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';
  let s = '';
  for (let i = 0; i < length; i++) s += alphabet[(i * 7 + Math.floor(i / 3933)) % alphabet.length];
  return s;
}

// The Set-Cookie list next-auth writes for `value`, given the cookies the request carried.
function nextAuthChunk(value, { name = BASE, requestCookies = {} } = {}) {
  const store = new SessionStore({ name, options: OPTIONS }, { cookies: requestCookies }, silent);
  return store.chunk(value, {});
}

// The Cookie header a browser sends back after storing `cookies` (deletions not stored).
function cookieHeader(cookies) {
  return cookies
    .filter((c) => c.options.maxAge !== 0)
    .map((c) => `${c.name}=${c.value}`)
    .join('; ');
}

function seshParse(header) {
  const out = execFileSync(cli, ['cookie', 'parse'], { input: header, encoding: 'utf8' });
  return JSON.parse(out);
}

test('next-auth keeps 3933 characters in one cookie and splits longer values at 3933', () => {
  // The facts sesh's cookie_chunk_size and chunk naming rely on, read from the peer itself.
  const sizes = (value) => nextAuthChunk(value).map((c) => [c.name, c.value.length]);
  assert.deepEqual(sizes(tokenOf(3933)), [[BASE, 3933]]);
  assert.deepEqual(sizes(tokenOf(3934)), [[`${BASE}.0`, 3933], [`${BASE}.1`, 1]]);
  assert.deepEqual(sizes(tokenOf(7866)), [[`${BASE}.0`, 3933], [`${BASE}.1`, 3933]]);
  assert.deepEqual(sizes(tokenOf(7867)), [[`${BASE}.0`, 3933], [`${BASE}.1`, 3933], [`${BASE}.2`, 1]]);
  assert.deepEqual(sizes(tokenOf(10000)), [[`${BASE}.0`, 3933], [`${BASE}.1`, 3933], [`${BASE}.2`, 2134]]);
});

test('next-auth clears the chunks it saw that a new write does not overwrite', () => {
  // sesh's chunk_cookie mirrors this: three chunks replaced by a short value.
  const seen = { [`${BASE}.0`]: 'a', [`${BASE}.1`]: 'b', [`${BASE}.2`]: 'c' };
  const written = nextAuthChunk('short', { requestCookies: seen });
  const summary = Object.fromEntries(written.map((c) => [c.name, [c.value, c.options.maxAge]]));
  assert.deepEqual(summary, {
    [`${BASE}.0`]: ['', 0],
    [`${BASE}.1`]: ['', 0],
    [`${BASE}.2`]: ['', 0],
    [BASE]: ['short', undefined],
  });
});

test('next-auth reads back its own chunks from the header these tests build', () => {
  // Guards the header builder: if next-auth cannot read it, a failure below would mean nothing.
  for (const length of [1, 3933, 3934, 10000]) {
    const value = tokenOf(length);
    const cookies = Object.fromEntries(
      cookieHeader(nextAuthChunk(value)).split('; ').map((pair) => pair.split('=')),
    );
    const store = new SessionStore({ name: BASE, options: OPTIONS }, { cookies }, silent);
    assert.equal(store.value, value, `length ${length}`);
  }
});

for (const length of [1, 3933, 3934, 7866, 7867, 10000]) {
  test(`sesh joins a ${length}-character value chunked by next-auth`, needsCli, () => {
    const value = tokenOf(length);
    const header = `${cookieHeader(nextAuthChunk(value))}; next-auth.csrf-token=abc%7Cdef`;
    assert.deepEqual(seshParse(header), { [BASE]: value, 'next-auth.csrf-token': 'abc%7Cdef' });
  });
}

test('sesh joins chunks in numeric order whatever order the header lists them', needsCli, () => {
  const value = tokenOf(10000);
  const reversed = nextAuthChunk(value).reverse();
  assert.deepEqual(seshParse(cookieHeader(reversed)), { [BASE]: value });
});

test('sesh joins the __Secure- session cookie next-auth uses on https', needsCli, () => {
  const name = `__Secure-${BASE}`;
  const value = tokenOf(8000);
  assert.deepEqual(seshParse(cookieHeader(nextAuthChunk(value, { name }))), { [name]: value });
});

test('sesh keeps a neighbour that next-auth would glue into the token apart', needsCli, () => {
  // next-auth gathers every name that startsWith the base; sesh takes only base and base.<digits>.
  const value = tokenOf(5000);
  const header = `${cookieHeader(nextAuthChunk(value))}; ${BASE}X=neighbour`;
  const cookies = Object.fromEntries(header.split('; ').map((pair) => pair.split('=')));
  const store = new SessionStore({ name: BASE, options: OPTIONS }, { cookies }, silent);
  assert.notEqual(store.value, value);
  assert.deepEqual(seshParse(header), { [BASE]: value, [`${BASE}X`]: 'neighbour' });
});
