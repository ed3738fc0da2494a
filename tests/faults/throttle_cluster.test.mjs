// Two seshd nodes on one redis-server throttle sign-ins as one (issue 12, item 2): failures spread
// over both trigger the wait at the same count as on one node, and a Redis outage while checking
// the throttle answers 503, never lets the attempt through or 500.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSeshd, spawnRedis, req, signUp } from './support.mjs';

const login = (node, pw) => req(node.url, '/api/login', { method: 'POST', json: { username: 'ada', password: pw } });

test('failures spread over two nodes are throttled as one', async (t) => {
  const redis = await spawnRedis();
  t.after(() => redis.cleanup());
  const env = { SESH_STORE: `redis://127.0.0.1:${redis.port}` };
  const a = await spawnSeshd({ env });
  t.after(() => a.cleanup());
  const b = await spawnSeshd({ env });
  t.after(() => b.cleanup());
  await signUp(a.url, 'ada');

  // Five free failures per (account, address), alternating nodes: neither node saw five alone.
  for (let i = 0; i < 5; ++i) {
    const r = await login(i % 2 ? a : b, 'wrong password ' + i);
    assert.equal(r.status, 401, `failure ${i + 1}: ${r.text}`);
  }
  for (const node of [a, b]) {
    const r = await login(node, 'wrong password again');
    assert.equal(r.status, 429, `the sixth attempt waits on every node: ${r.text}`);
    assert.ok(Number(r.headers.get('retry-after')) >= 1);
  }

  // The counts are in Redis: with it down, the check cannot be made and the answer is 503 JSON.
  await redis.kill();
  const down = await login(a, 'wrong password during the outage');
  assert.equal(down.status, 503, down.text);
  assert.equal(typeof down.data?.error, 'string');
});
