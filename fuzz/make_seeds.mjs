// Writes the seed inputs of the token fuzz targets with the real npm packages (next-auth,
// @auth/core, iron-session from tests/node_modules), under the secrets the targets use.
// Run once: node fuzz/make_seeds.mjs; the seeds are committed, this only documents their origin.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '../tests/package.json'));
const nextauth = require('next-auth/jwt');
const authjs = await import(require.resolve('@auth/core/jwt'));
const { sealData } = await import(require.resolve('iron-session'));

const secret = 'fuzzing-secret-fuzzing-secret-fuzzing-secret';
const ironPassword = 'fuzzing-password-fuzzing-password-2';
const claims = { name: 'ada', email: 'ada@example.com', picture: null, sub: '1f0c', cart: [1, 2, 3] };

function seed(target, name, content) {
  const dir = join(here, 'corpus', target);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), content);
}

seed('nextauth_jwt', 'token', await nextauth.encode({ token: claims, secret }));
seed('nextauth_jwt', 'expired', await nextauth.encode({ token: claims, secret, maxAge: -60 }));
seed('nextauth_jwt', 'claims', 'J' + JSON.stringify({ ...claims, nested: { a: [true, false, 1.5e300, -0] } }));
seed('authjs_jwt', 'token', await authjs.encode({ token: claims, secret, salt: 'authjs.session-token' }));
seed('authjs_jwt', 'claims', 'J' + JSON.stringify(claims));
seed('iron', 'seal', await sealData({ user: { id: 1, admin: false } }, { password: { 2: ironPassword } }));
seed('iron', 'data', 'J' + JSON.stringify({ user: { id: 1, name: 'ada\u00e9\ud83d\ude00' }, n: 0.1 }));

const token = randomBytes(32).toString('hex');
const hash = createHash('sha256').update(`${token}${secret}`).digest('hex');
seed('csrf', 'valid', `${token}|${hash}\n${token}`);
seed('csrf', 'encoded', `${token}%7C${hash}\n${token}`);
seed('csrf', 'wrong', `${token}|${hash}\n${'0'.repeat(64)}`);
