// The sesh CLI end to end: secrets from env or file only, JSON out, one-line errors, and tokens
// that the real next-auth, @auth/core and iron-session packages accept (and produce) unchanged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nextAuthJwt from 'next-auth/jwt';
import * as authJwt from '@auth/core/jwt';
import { sealData, unsealData } from 'iron-session';

const cli = process.env.SESH_CLI;
const secret = 'cli-test-secret-that-is-long-enough-0123456789';
const password = 'cli-test-password-of-at-least-32-characters!';

function sesh(args, { input = '', env = {} } = {}) {
  const r = spawnSync(cli, args, { input, env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' });
  return { code: r.status, out: r.stdout.trim(), err: r.stderr };
}

function assertOneLineFailure(r, pattern) {
  assert.notEqual(r.code, 0);
  assert.equal(r.out, '');
  const lines = r.err.trimEnd().split('\n');
  assert.equal(lines.length, 1, `stderr: ${r.err}`);
  assert.match(lines[0], pattern);
}

test('secret prints a fresh 43-character base64url secret', () => {
  const a = sesh(['secret']), b = sesh(['secret']);
  assert.equal(a.code, 0);
  assert.match(a.out, /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(a.out, b.out);
});

test('jwt encode v4 makes a token next-auth decodes', async () => {
  const claims = { name: 'Ada', email: 'ada@example.com', sub: '42', cart: ['a', 'b'] };
  const r = sesh(['jwt', 'encode'], { input: JSON.stringify(claims), env: { SESH_SECRET: secret } });
  assert.equal(r.code, 0, r.err);
  const decoded = await nextAuthJwt.decode({ token: r.out, secret });
  assert.deepEqual({ ...decoded, iat: undefined, exp: undefined, jti: undefined }, { ...claims, iat: undefined, exp: undefined, jti: undefined });
  assert.equal(decoded.exp - decoded.iat, 30 * 24 * 3600);
});

test('jwt decode v4 reads a token next-auth made, max-age honoured', async () => {
  const token = await nextAuthJwt.encode({ token: { name: 'Grace', n: 1 }, secret, maxAge: 60 });
  const r = sesh(['jwt', 'decode', token], { env: { SESH_SECRET: secret } });
  assert.equal(r.code, 0, r.err);
  const claims = JSON.parse(r.out);
  assert.equal(claims.name, 'Grace');
  assert.equal(claims.exp - claims.iat, 60);
});

test('jwt v5 with a salt round-trips with @auth/core', async () => {
  const salt = '__Secure-authjs.session-token';
  const r = sesh(['jwt', 'encode', '--format', 'v5', '--salt', salt, '--max-age', '120'],
    { input: '{"name":"Lin"}', env: { SESH_SECRET: secret } });
  assert.equal(r.code, 0, r.err);
  const decoded = await authJwt.decode({ token: r.out, secret, salt });
  assert.equal(decoded.name, 'Lin');
  const token = await authJwt.encode({ token: { name: 'Kay' }, secret, salt });
  const d = sesh(['jwt', 'decode', '--format', 'v5', '--salt', salt, token], { env: { SESH_SECRET: secret } });
  assert.equal(d.code, 0, d.err);
  assert.equal(JSON.parse(d.out).name, 'Kay');
});

test('jwt secret may come from --secret-file, and a JSON array rotates secrets', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sesh-cli-'));
  const file = join(dir, 'secret');
  writeFileSync(file, JSON.stringify(['new-secret-value-1234567890', secret]) + '\n');
  const old = await nextAuthJwt.encode({ token: { name: 'Old' }, secret });
  const r = sesh(['jwt', 'decode', '--secret-file', file, old]);
  assert.equal(r.code, 0, r.err);
  assert.equal(JSON.parse(r.out).name, 'Old');
});

test('jwt takes a short secret as next-auth does, with a warning on stderr', async () => {
  const short = 'tiny-secret';
  const r = sesh(['jwt', 'encode'], { input: '{"sub":"1"}', env: { SESH_SECRET: short } });
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /^sesh: warning: a secret of 11 characters is weak; use 32 or more/);
  const claims = await nextAuthJwt.decode({ token: r.out, secret: short });
  assert.equal(claims.sub, '1');
  assert.equal(sesh(['jwt', 'decode', r.out], { env: { SESH_SECRET: secret } }).err.includes('warning'), false);
});

test('jwt refuses a secret on the command line and a missing secret', () => {
  assert.notEqual(sesh(['jwt', 'decode', '--secret', secret, 'x.y.z']).code, 0);
  assertOneLineFailure(sesh(['jwt', 'decode', 'x']), /SESH_SECRET/);
});

test('jwt decode of junk, tampered or expired tokens fails with one line', async () => {
  const env = { SESH_SECRET: secret };
  assertOneLineFailure(sesh(['jwt', 'decode', 'not-a-token'], { env }), /cannot decode token/);
  const token = await nextAuthJwt.encode({ token: { name: 'T' }, secret });
  const flipped = token.slice(0, -3) + (token.at(-3) === 'A' ? 'B' : 'A') + token.slice(-2);
  assertOneLineFailure(sesh(['jwt', 'decode', flipped], { env }), /cannot decode token/);
  const expired = await nextAuthJwt.encode({ token: { name: 'T' }, secret, maxAge: -60 });
  assertOneLineFailure(sesh(['jwt', 'decode', expired], { env }), /expired/);
  assertOneLineFailure(sesh(['jwt', 'encode'], { input: '[1,2]', env }), /JSON object/);
  assertOneLineFailure(sesh(['jwt', 'encode'], { input: '{"a":', env }), /JSON object/);
});

test('iron seal makes a seal iron-session unseals, and the reverse', async () => {
  const data = { user: { id: 7, name: 'Zoë ✓' }, cart: [1, 2, 3] };
  const r = sesh(['iron', 'seal'], { input: JSON.stringify(data), env: { SESH_PASSWORD: password } });
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(await unsealData(r.out, { password }), data);
  const sealed = await sealData(data, { password });
  const u = sesh(['iron', 'unseal', sealed], { env: { SESH_PASSWORD: password } });
  assert.equal(u.code, 0, u.err);
  assert.deepEqual(JSON.parse(u.out), data);
});

test('iron reads a JSON password map and seals with the highest id', async () => {
  const map = { 1: password, 2: 'second-password-that-is-also-32-chars-long' };
  const r = sesh(['iron', 'seal'], { input: '{"a":1}', env: { SESH_PASSWORD: JSON.stringify(map) } });
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^Fe26\.2\*2\*/);
  assert.deepEqual(await unsealData(r.out, { password: map }), { a: 1 });
});

test('iron refuses a short password and a bad seal with one line', () => {
  assertOneLineFailure(sesh(['iron', 'seal'], { input: '{}', env: { SESH_PASSWORD: 'short' } }), /password/);
  assertOneLineFailure(sesh(['iron', 'unseal', 'Fe26.2*1*x'], { env: { SESH_PASSWORD: password } }), /cannot unseal/);
  assertOneLineFailure(sesh(['iron', 'seal'], { input: 'nope', env: { SESH_PASSWORD: password } }), /not JSON/);
});

test('cookie parse prints pairs, first duplicate wins, chunks joined', () => {
  const r = sesh(['cookie', 'parse'], { input: 'a=1; b="two"; a=3; next-auth.session-token.1=DEF; next-auth.session-token.0=ABC\n' });
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(JSON.parse(r.out), { a: '1', b: 'two', 'next-auth.session-token': 'ABCDEF' });
  const empty = sesh(['cookie', 'parse'], { input: '' });
  assert.deepEqual(JSON.parse(empty.out), {});
});
