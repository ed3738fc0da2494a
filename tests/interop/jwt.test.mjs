// Session tokens both ways between sesh and the real next-auth 4 (`next-auth/jwt`) and @auth/core 0.34 (`@auth/core/jwt`).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { hkdfSync } from 'node:crypto';
import nextAuthJwt from 'next-auth/jwt';
import * as authjs from '@auth/core/jwt';
import { EncryptJWT, base64url, calculateJwkThumbprint } from 'jose';
import { startDriver } from './driver.mjs';

const v4 = { encode: nextAuthJwt.encode, decode: nextAuthJwt.decode };
const driver = startDriver();
after(() => driver.close());

const nowSeconds = () => Math.floor(Date.now() / 1000);

const secrets = [
  'a-perfectly-ordinary-32-character-s',
  'x',
  'sécret-with-ünïcode-🔑',
  'k'.repeat(200),
];

// Over 4 KB once encrypted, so next-auth would split the cookie into chunks.
const large = {
  sub: 'big',
  items: Array.from({ length: 120 }, (_, i) => ({ id: i, name: `item ${i} ✓`, tags: ['a', 'b', i % 2 === 0] })),
};

const payloads = [
  {},
  { name: 'Ada Lovelace', email: 'ada@example.com', picture: 'https://example.com/a.png', sub: '1' },
  { name: 'Zoë 🍕 测试 עברית', emoji: '👩‍👩‍👧‍👦🏳️‍🌈', sub: 'ü' },
  { nested: { a: [1, 2, { b: [null, true, false] }], o: {} }, arr: [], s: '' },
  { quotes: 'he said "hi"\\ \n\t\r\u0001\u001f \u2028 \u2029 </script>', n: -12.5, z: 0, f: 1e-7, big: 9007199254740991 },
  large,
];

function withoutTimes(claims) {
  const { iat, exp, jti, ...rest } = claims;
  return rest;
}

async function expectNodeRejects(promise, what) {
  await assert.rejects(promise, undefined, what);
}

// ---- next-auth v4 ----

test('v4: tokens next-auth encodes decode in sesh, for every payload and secret', async () => {
  for (const secret of secrets) {
    for (const token of payloads) {
      const jwt = await v4.encode({ token, secret });
      const r = await driver.call({ op: 'jwt_decode', format: 'v4', secrets: [secret], token: jwt });
      assert.equal(r.ok, true, JSON.stringify(r));
      assert.deepEqual(withoutTimes(r.claims), token);
      assert.equal(typeof r.claims.iat, 'number');
      assert.equal(typeof r.claims.jti, 'string');
    }
  }
});

test('v4: tokens sesh encodes decode in next-auth, for every payload and secret', async () => {
  for (const secret of secrets) {
    for (const claims of payloads) {
      const r = await driver.call({ op: 'jwt_encode', format: 'v4', secrets: [secret], claims });
      assert.equal(r.ok, true, JSON.stringify(r));
      const decoded = await v4.decode({ token: r.token, secret });
      assert.deepEqual(withoutTimes(decoded), claims);
      assert.ok(Math.abs(decoded.iat - nowSeconds()) <= 2);
      assert.equal(decoded.exp, decoded.iat + 30 * 24 * 60 * 60);
      assert.match(decoded.jti, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  }
});

test('v4: the large payload makes a token longer than one cookie chunk', async () => {
  const r = await driver.call({ op: 'jwt_encode', format: 'v4', secrets: [secrets[0]], claims: large });
  assert.ok(r.token.length > 3933, `token is only ${r.token.length} characters`);
});

test('v4: a non-empty salt is honoured both ways, and required', async () => {
  const secret = secrets[0];
  const salt = '__Secure-next-auth.session-token';
  const fromNode = await v4.encode({ token: { sub: 'salty' }, secret, salt });
  const ok = await driver.call({ op: 'jwt_decode', format: 'v4', secrets: [secret], salt, token: fromNode });
  assert.equal(ok.ok, true, JSON.stringify(ok));
  assert.equal(ok.claims.sub, 'salty');
  const unsalted = await driver.call({ op: 'jwt_decode', format: 'v4', secrets: [secret], token: fromNode });
  assert.equal(unsalted.ok, false);

  const fromSesh = await driver.call({ op: 'jwt_encode', format: 'v4', secrets: [secret], salt, claims: { sub: 's' } });
  assert.equal((await v4.decode({ token: fromSesh.token, secret, salt })).sub, 's');
  await expectNodeRejects(v4.decode({ token: fromSesh.token, secret }), 'unsalted next-auth must not open it');
});

test('v4: sesh tries every secret in its list (rotation), next-auth encodes with one', async () => {
  const [oldSecret, newSecret] = ['old-secret-0123456789', 'new-secret-0123456789'];
  const fromNode = await v4.encode({ token: { v: 'old' }, secret: oldSecret });
  const rotated = await driver.call({ op: 'jwt_decode', format: 'v4', secrets: [newSecret, oldSecret], token: fromNode });
  assert.equal(rotated.ok, true, JSON.stringify(rotated));
  const newOnly = await driver.call({ op: 'jwt_decode', format: 'v4', secrets: [newSecret], token: fromNode });
  assert.deepEqual(newOnly, { ok: false, error: 'authentication tag or MAC mismatch' });

  const fromSesh = await driver.call({ op: 'jwt_encode', format: 'v4', secrets: [newSecret, oldSecret], claims: {} });
  assert.ok(await v4.decode({ token: fromSesh.token, secret: newSecret }));
  await expectNodeRejects(v4.decode({ token: fromSesh.token, secret: oldSecret }), 'encrypted with the first secret');
});

test('v4: expired tokens are refused both ways', async () => {
  const secret = secrets[0];
  const fromNode = await v4.encode({ token: { sub: '1' }, secret, maxAge: -60 });
  const r = await driver.call({ op: 'jwt_decode', format: 'v4', secrets: [secret], token: fromNode });
  assert.deepEqual(r, { ok: false, error: 'expired' });

  const past = Date.now() - 31 * 24 * 60 * 60 * 1000;
  const fromSesh = await driver.call({ op: 'jwt_encode', format: 'v4', secrets: [secret], now: past, claims: { sub: '1' } });
  await assert.rejects(v4.decode({ token: fromSesh.token, secret }), { code: 'ERR_JWT_EXPIRED' });
});

test('v4: sesh and next-auth agree on the 15 second tolerance at exp', async () => {
  const secret = secrets[0];
  const token = await v4.encode({ token: {}, secret, maxAge: 100 });
  const exp = nowSeconds() + 100;
  const { exp: actual } = await v4.decode({ token, secret });
  const at = (s) => driver.call({ op: 'jwt_decode', format: 'v4', secrets: [secret], now: s * 1000, token });
  assert.equal((await at(actual + 14)).ok, true);
  assert.deepEqual(await at(actual + 15), { ok: false, error: 'expired' });
  assert.ok(Math.abs(actual - exp) <= 1);
});

test('v4: tampered tokens are refused by both sides', async () => {
  const secret = secrets[0];
  const fromNode = await v4.encode({ token: { sub: '1' }, secret });
  const fromSesh = (await driver.call({ op: 'jwt_encode', format: 'v4', secrets: [secret], claims: { sub: '1' } })).token;
  for (const original of [fromNode, fromSesh]) {
    for (const tampered of tamperings(original)) {
      const r = await driver.call({ op: 'jwt_decode', format: 'v4', secrets: [secret], token: tampered });
      assert.equal(r.ok, false, `sesh accepted ${tampered}`);
      await expectNodeRejects(v4.decode({ token: tampered, secret }), `next-auth accepted ${tampered}`);
    }
  }
});

test('v4: sesh refuses a token under the wrong secret, as next-auth does', async () => {
  const fromNode = await v4.encode({ token: {}, secret: 'right-secret-0123456789' });
  const r = await driver.call({ op: 'jwt_decode', format: 'v4', secrets: ['wrong-secret-0123456789'], token: fromNode });
  assert.equal(r.ok, false);
  await expectNodeRejects(v4.decode({ token: fromNode, secret: 'wrong-secret-0123456789' }));
});

// ---- Auth.js v5 ----

const authSalt = 'authjs.session-token';

test('v5: tokens @auth/core encodes decode in sesh, for every payload and secret', async () => {
  for (const secret of secrets) {
    for (const token of payloads) {
      const jwt = await authjs.encode({ token, secret, salt: authSalt });
      const r = await driver.call({ op: 'jwt_decode', format: 'v5', secrets: [secret], token: jwt });
      assert.equal(r.ok, true, JSON.stringify(r));
      assert.deepEqual(withoutTimes(r.claims), token);
    }
  }
});

test('v5: tokens sesh encodes decode in @auth/core, for every payload and secret', async () => {
  for (const secret of secrets) {
    for (const claims of payloads) {
      const r = await driver.call({ op: 'jwt_encode', format: 'v5', secrets: [secret], claims });
      assert.equal(r.ok, true, JSON.stringify(r));
      const decoded = await authjs.decode({ token: r.token, secret, salt: authSalt });
      assert.deepEqual(withoutTimes(decoded), claims);
      assert.equal(decoded.exp, decoded.iat + 30 * 24 * 60 * 60);
    }
  }
});

test('v5: sesh writes the same protected header as @auth/core, kid included', async () => {
  const secret = secrets[0];
  const fromNode = await authjs.encode({ token: {}, secret, salt: authSalt });
  const fromSesh = (await driver.call({ op: 'jwt_encode', format: 'v5', secrets: [secret], claims: {} })).token;
  assert.equal(fromSesh.split('.')[0], fromNode.split('.')[0]);
  assert.equal(fromSesh.split('.')[1], '');
});

test('v5: the salt (cookie name) is honoured both ways', async () => {
  const secret = secrets[0];
  const salt = '__Secure-authjs.session-token';
  const fromNode = await authjs.encode({ token: { sub: 's' }, secret, salt });
  assert.equal((await driver.call({ op: 'jwt_decode', format: 'v5', secrets: [secret], salt, token: fromNode })).ok, true);
  assert.equal((await driver.call({ op: 'jwt_decode', format: 'v5', secrets: [secret], token: fromNode })).ok, false);
  const fromSesh = await driver.call({ op: 'jwt_encode', format: 'v5', secrets: [secret], salt, claims: { sub: 's' } });
  assert.equal((await authjs.decode({ token: fromSesh.token, secret, salt })).sub, 's');
  await expectNodeRejects(authjs.decode({ token: fromSesh.token, secret, salt: authSalt }));
});

test('v5: rotation with secret arrays, both directions', async () => {
  const [oldSecret, newSecret] = ['old-secret-0123456789', 'new-secret-0123456789'];

  const fromNode = await authjs.encode({ token: { v: 'node' }, secret: [newSecret, oldSecret], salt: authSalt });
  const oldOnly = await driver.call({ op: 'jwt_decode', format: 'v5', secrets: [oldSecret], token: fromNode });
  assert.deepEqual(oldOnly, { ok: false, error: 'unknown key id' });
  const both = await driver.call({ op: 'jwt_decode', format: 'v5', secrets: [newSecret, oldSecret], token: fromNode });
  assert.equal(both.ok, true, JSON.stringify(both));
  assert.equal(both.claims.v, 'node');

  const fromSesh = await driver.call({ op: 'jwt_encode', format: 'v5', secrets: [newSecret, oldSecret], claims: { v: 'sesh' } });
  await expectNodeRejects(authjs.decode({ token: fromSesh.token, secret: [oldSecret], salt: authSalt }));
  assert.equal((await authjs.decode({ token: fromSesh.token, secret: [newSecret, oldSecret], salt: authSalt })).v, 'sesh');
  assert.equal((await authjs.decode({ token: fromSesh.token, secret: [oldSecret, newSecret], salt: authSalt })).v, 'sesh');

  // A token made under the old secret still opens once sesh has rotated to [new, old].
  const oldToken = await authjs.encode({ token: { v: 'old' }, secret: oldSecret, salt: authSalt });
  const rotated = await driver.call({ op: 'jwt_decode', format: 'v5', secrets: [newSecret, oldSecret], token: oldToken });
  assert.equal(rotated.claims.v, 'old');
});

test('v5: an A256GCM token that @auth/core accepts also decodes in sesh', async () => {
  const secret = secrets[0];
  const key = new Uint8Array(hkdfSync('sha256', secret, authSalt, `Auth.js Generated Encryption Key (${authSalt})`, 32));
  const kid = await calculateJwkThumbprint({ kty: 'oct', k: base64url.encode(key) }, 'sha256');
  for (const header of [{ alg: 'dir', enc: 'A256GCM', kid }, { alg: 'dir', enc: 'A256GCM' }]) {
    const jwt = await new EncryptJWT({ sub: 'gcm' }).setProtectedHeader(header).setIssuedAt().setExpirationTime('1h').encrypt(key);
    assert.equal((await authjs.decode({ token: jwt, secret, salt: authSalt })).sub, 'gcm');
    const r = await driver.call({ op: 'jwt_decode', format: 'v5', secrets: [secret], token: jwt });
    assert.equal(r.ok, true, JSON.stringify(r));
    assert.equal(r.claims.sub, 'gcm');
  }
});

test('v5: expired tokens are refused both ways', async () => {
  const secret = secrets[0];
  const fromNode = await authjs.encode({ token: {}, secret, salt: authSalt, maxAge: -60 });
  assert.deepEqual(await driver.call({ op: 'jwt_decode', format: 'v5', secrets: [secret], token: fromNode }), {
    ok: false,
    error: 'expired',
  });
  const past = Date.now() - 31 * 24 * 60 * 60 * 1000;
  const fromSesh = await driver.call({ op: 'jwt_encode', format: 'v5', secrets: [secret], now: past, claims: {} });
  await assert.rejects(authjs.decode({ token: fromSesh.token, secret, salt: authSalt }), { code: 'ERR_JWT_EXPIRED' });
});

test('v5: tampered tokens are refused by both sides', async () => {
  const secret = secrets[0];
  const fromNode = await authjs.encode({ token: { sub: '1' }, secret, salt: authSalt });
  const fromSesh = (await driver.call({ op: 'jwt_encode', format: 'v5', secrets: [secret], claims: { sub: '1' } })).token;
  for (const original of [fromNode, fromSesh]) {
    for (const tampered of tamperings(original)) {
      const r = await driver.call({ op: 'jwt_decode', format: 'v5', secrets: [secret], token: tampered });
      assert.equal(r.ok, false, `sesh accepted ${tampered}`);
      await expectNodeRejects(authjs.decode({ token: tampered, secret, salt: authSalt }), `@auth/core accepted ${tampered}`);
    }
  }
});

test('v4 and v5 tokens are not interchangeable', async () => {
  const secret = secrets[0];
  const v4Token = await v4.encode({ token: {}, secret });
  const v5Token = await authjs.encode({ token: {}, secret, salt: authSalt });
  assert.deepEqual(await driver.call({ op: 'jwt_decode', format: 'v5', secrets: [secret], token: v4Token }), {
    ok: false,
    error: 'authentication tag or MAC mismatch',
  });
  assert.deepEqual(await driver.call({ op: 'jwt_decode', format: 'v4', secrets: [secret], token: v5Token }), {
    ok: false,
    error: 'unsupported algorithm',
  });
});

// One character changed in each part that the tag covers (header, IV, ciphertext, tag), a part
// dropped, and a token with an encrypted key where "dir" has none. Changes keep base64url
// canonical, so they reach the cryptography rather than the parser.
function tamperings(token) {
  const parts = token.split('.');
  const swap = (s, i) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
  const out = [];
  for (const p of [0, 2, 3, 4]) {
    const mutated = [...parts];
    mutated[p] = swap(parts[p], p === 0 ? 5 : 1);
    out.push(mutated.join('.'));
  }
  out.push(parts.slice(0, 4).join('.'));
  out.push([parts[0], 'AAAA', ...parts.slice(2)].join('.'));
  return out;
}
