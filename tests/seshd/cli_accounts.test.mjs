// `sesh user` and `sesh sessions` on the same SQLite store a running seshd uses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startSeshd } from '../e2e/harness.mjs';
import { Client } from './client.mjs';

const cli = process.env.SESH_CLI;
const fast = { SESH_ARGON2_OPS: '1', SESH_ARGON2_MEM_KIB: '8192' };

test('accounts made with the CLI sign in to seshd, and the CLI ends their sessions', async (t) => {
  const seshd = await startSeshd();
  t.after(() => seshd.cleanup());
  const sesh = (args, input = '') => {
    const r = spawnSync(cli, args, { input, encoding: 'utf8', env: { ...process.env, ...fast, SESH_DATA_DIR: seshd.dataDir } });
    return { code: r.status, out: r.stdout.trim(), err: r.stderr.trim() };
  };

  const added = sesh(['user', 'add', 'Margaret', '--email', 'mh@example.com', '--password-stdin'], 'apollo guidance computer\n');
  assert.equal(added.code, 0, added.err);
  assert.match(added.out, /^[0-9a-f]{32}$/);
  assert.equal(sesh(['user', 'add', 'margaret', '--password-stdin'], 'another long password\n').code, 1, 'names are unique, case-insensitively');
  assert.match(sesh(['user', 'add', 'bob', '--password-stdin'], 'short\n').err, /12 to 128/);
  assert.match(sesh(['user', 'list']).out, /^margaret\tmh@example\.com\t[0-9a-f]{32}\t\d+$/m);

  const c = new Client(seshd.url);
  const login = await c.request('/api/login', { method: 'POST', json: { username: 'margaret', password: 'apollo guidance computer' } });
  assert.equal(login.status, 200);

  const listed = sesh(['sessions', 'list', 'margaret']);
  assert.equal(listed.code, 0, listed.err);
  const [id, , , , address] = listed.out.split('\t');
  assert.match(id, /^[0-9a-f]{64}$/);
  assert.equal(address, '127.0.0.1');

  assert.equal(sesh(['sessions', 'revoke', id]).code, 0);
  assert.equal((await c.request('/api/hello')).status, 401, 'the revoked session is gone at once');

  await c.request('/api/login', { method: 'POST', json: { username: 'margaret', password: 'apollo guidance computer' } });
  const changed = sesh(['user', 'passwd', 'margaret', '--password-stdin'], 'a new password entirely\n');
  assert.equal(changed.code, 0, changed.err);
  assert.match(changed.out, /1 session\(s\) ended/);
  assert.equal((await c.request('/api/hello')).status, 401, 'a password change ends the sessions');
  const old = await c.request('/api/login', { method: 'POST', json: { username: 'margaret', password: 'apollo guidance computer' } });
  assert.equal(old.status, 401);

  assert.equal(sesh(['user', 'del', 'margaret']).code, 0);
  assert.equal(sesh(['user', 'list']).out, '');
  assert.match(sesh(['sessions', 'list', 'margaret']).err, /no such user/);
});
