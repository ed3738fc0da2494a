// A secret under 32 characters: next-auth accepts any, so development starts with a warning (a
// Next.js app's short test secret stays shareable and its tokens open); production refuses, and so
// does the iron strategy, which cannot seal under a short password (iron-session refuses it too).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode } from 'next-auth/jwt';
import { startSeshd, seshdPath } from '../e2e/harness.mjs';

const short = 'a short dev secret';

test('development starts with a short secret, warns, and opens next-auth tokens sealed under it', async (t) => {
  const seshd = await startSeshd({ env: { SESH_SECRET: short, SESH_STRATEGY: 'jwt' } });
  t.after(() => seshd.cleanup());
  assert.match(seshd.log(), /the secret has 18 characters/);
  assert.ok(!seshd.log().includes(short), 'the warning does not print the secret');
  const token = await encode({ token: { sub: 'u1', name: 'Ada' }, secret: short });
  const r = await fetch(`${seshd.url}/api/auth/session`, { headers: { cookie: `next-auth.session-token=${token}` } });
  assert.equal(r.status, 200);
  assert.equal((await r.json()).user?.name, 'Ada');
});

for (const [what, env] of [['production', { SESH_ENV: 'production', SESH_PUBLIC_URL: 'https://auth.example.com' }],
                           ['the iron strategy', { SESH_STRATEGY: 'iron' }]]) {
  test(`${what} refuses a short secret at start-up, with a message that names the fix`, () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sesh-short-'));
    try {
      const r = spawnSync(seshdPath, [], {
        env: { ...process.env, SESH_LISTEN: '127.0.0.1:0', SESH_DATA_DIR: dataDir, SESH_SECRET: short, ...env },
        encoding: 'utf8', timeout: 10000,
      });
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, /secret too short: set SESH_SECRET or SESH_SECRET_FILE to at least 32 characters/);
      assert.ok(!r.stderr.includes(short));
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
}
