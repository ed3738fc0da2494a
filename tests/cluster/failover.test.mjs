// SIGKILL of the Redis primary under load, three seshd nodes behind nginx on
// redis-sentinel://…?wait=1 (issue 12): Sentinel
// promotes the replica, every node follows within 10 s, meanwhile store-bound requests get 503
// JSON (never 500, never an answer slower than the store timeout and a margin), and no session
// that was acknowledged is lost. Prints the unavailability window.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster } from '../support/cluster.mjs';
import { sleep, until } from '../support/processes.mjs';
import { assertNoPasswordInLogs, req, signIn, signUp, startLoad, statusCounts, testEnv } from './support.mjs';

// seshd's store timeout (store_options::timeout, 500 ms) and what the answer may take on top.
const storeTimeoutMs = 500;
const marginMs = 1500;

test('kill -9 of the Redis primary under load: the replica takes over, every node follows, 503 meanwhile, no acknowledged session lost', { timeout: 120000 }, async (t) => {
  const cluster = await startCluster({ env: testEnv });
  t.after(() => cluster.stop());
  const { redis } = cluster;
  await signUp(cluster.url, 'ada');
  const acknowledged = [];  // {cookie, at}: sessions whose sign-in answered 200
  for (let i = 0; i < 8; ++i) {
    const { cookie } = await signIn(cluster.url, 'ada');
    acknowledged.push({ cookie, at: -1 });
  }

  // Reads of the sessions made so far, and a sign-in (a write) every fourth request.
  const load = startLoad(async (i) => {
    if (i % 4 === 3) {
      const { r, cookie } = await signIn(cluster.url, 'ada');
      if (cookie) acknowledged.push({ cookie, at: load.now() });
      return { kind: 'login', ...r };
    }
    return { kind: 'read', ...(await req(cluster.url, '/api/profile', { cookie: acknowledged[i % acknowledged.length].cookie })) };
  }, 8);
  await sleep(500);

  const oldMaster = redis.node(await redis.masterPort());
  const killedAt = load.now();
  await oldMaster.proc.kill('SIGKILL');
  // From the kill on, each node is asked for a sign-in (a write) straight until one succeeds.
  const following = Promise.all(cluster.nodes.map((node) => until(async () => {
    const { r } = await signIn(node.url, 'ada');
    return r.status === 200 && load.now();
  }, { what: `${node.name} following the new master`, timeoutMs: 15000, everyMs: 20 })));
  await until(async () => (await redis.masterPort()) !== oldMaster.port, { what: 'Sentinel promoting the replica', timeoutMs: 15000, everyMs: 20 });
  const switchedAt = load.now();
  // The operator's part: the old primary comes back as a replica of the new one (empty, it must
  // not come back as a master), so writes are replicated again: with wait=1 and no replica, the
  // new primary's writes fail (503) until it does.
  await redis.rejoinAsReplica(oldMaster);
  const rejoinedAt = load.now();
  const followed = await following;
  await sleep(300);
  const answers = await load.stop();

  const failed = answers.filter((a) => a.status !== 200);
  // The window: from the kill to the end of the last request that failed.
  const window = failed.length ? `${(Math.max(...failed.map((a) => a.end)) - killedAt).toFixed(0)} ms` : 'none';
  const slowest = Math.max(...answers.map((a) => a.end - a.at));
  console.log(`[cluster] Redis primary killed: Sentinel switched after ${(switchedAt - killedAt).toFixed(0)} ms; ` +
              `old primary back as replica after ${(rejoinedAt - killedAt).toFixed(0)} ms; nodes wrote again after ` +
              `${followed.map((f) => (f - killedAt).toFixed(0)).join(', ')} ms; unavailability window ${window}; ` +
              `${answers.length} requests (${statusCounts(answers)}), slowest ${slowest.toFixed(0)} ms`);

  for (const f of followed) assert.ok(f - killedAt <= 10000, `a node followed ${(f - killedAt).toFixed(0)} ms after the kill`);
  for (const a of failed) {
    assert.equal(a.status, 503, `${a.kind}: ${a.status} ${a.text ?? a.error}`);
    assert.equal(typeof a.data?.error, 'string', `503 JSON with an error: ${a.text}`);
  }
  assert.ok(slowest <= storeTimeoutMs + marginMs, `an answer took ${slowest.toFixed(0)} ms`);
  assert.ok(answers.some((a) => a.at > killedAt && a.at < switchedAt), 'the load ran during the failover');

  // Every acknowledged session is still there. Without WAIT (the URL's wait=1), Redis replicates
  // asynchronously: a session acknowledged in the last instants before the kill may be lost.
  const lost = [];
  for (const s of acknowledged) {
    const r = await req(cluster.url, '/api/profile', { cookie: s.cookie });
    if (r.status !== 200) lost.push({ ...s, status: r.status });
  }
  console.log(`[cluster] ${acknowledged.length} acknowledged sessions, ${lost.length} lost (wait=1: ${cluster.storeUrl.includes('wait=1')})`);
  const mustSurvive = cluster.storeUrl.includes('wait=1') ? lost : lost.filter((s) => s.at < killedAt - 1000);
  assert.deepEqual(mustSurvive.map((s) => `${s.at.toFixed(0)} ms: ${s.status}`), [], 'acknowledged sessions lost');

  assertNoPasswordInLogs(cluster);
});
