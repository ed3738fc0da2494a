// The same four operations as sesh_micro, done by the real iron-session and next-auth packages,
// printed as JSON {name: ops_per_second} for bench/micro/run.sh's ratio table.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

const require = createRequire(new URL('../../tests/package.json', import.meta.url));
const { sealData, unsealData } = require('iron-session');
const { encode, decode } = require('next-auth/jwt');

const payload = JSON.parse(readFileSync(new URL('./payload.json', import.meta.url), 'utf8'));
const secret = 'bench-secret-bench-secret-bench-secret-0123';
const seconds = Number(process.env.PEER_SECONDS ?? 3);

// Runs `op` sequentially (as one request would) for about `seconds`, after a warm-up.
async function measure(op) {
  for (let i = 0; i < 200; i++) await op();
  let n = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(Math.round(seconds * 1e9));
  let now = start;
  while (now < end) {
    for (let i = 0; i < 50; i++) await op();
    n += 50;
    now = process.hrtime.bigint();
  }
  return n / (Number(now - start) / 1e9);
}

const sealed = await sealData(payload, { password: secret });
const token = await encode({ token: payload, secret });
const result = {
  iron_seal: await measure(() => sealData(payload, { password: secret })),
  iron_unseal: await measure(() => unsealData(sealed, { password: secret })),
  jwt_encode: await measure(() => encode({ token: payload, secret })),
  jwt_decode: await measure(() => decode({ token, secret })),
};
process.stdout.write(JSON.stringify(result) + '\n');
