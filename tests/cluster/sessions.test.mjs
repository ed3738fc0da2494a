// Three seshd nodes behind nginx on Redis with Sentinel (tests/support/cluster.mjs), one cluster
// for the whole file: a seshd killed -9 under load costs no request and no session and rejoins
// when restarted; a user signed in through node 1 is signed in on nodes 2 and 3, and a logout on
// node 3 is refused on nodes 1 and 2 within 1 s — for the server, jwt and iron strategies (only
// the seshd nodes restart between them); failed sign-ins spread over the nodes are throttled as
// on one; a wrong store password stops seshd at start-up with one line, and no password shows
// in any log (issue 12).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startCluster } from '../support/cluster.mjs';
import { sleep, until } from '../support/processes.mjs';
import { answered, assertNoPasswordInLogs, password, req, signIn, signUp, startLoad, statusCounts, testEnv } from './support.mjs';

test('three seshd nodes behind nginx on Redis Sentinel', { timeout: 180000 }, async (t) => {
  const cluster = await startCluster({ env: testEnv });
  t.after(() => cluster.stop());
  const [n1, n2, n3] = cluster.nodes;
  await signUp(cluster.url, 'ada');

  await t.test('kill -9 of one node under load: nginx retries, no request fails, no session is lost, the node rejoins', async () => {
    const cookies = [];
    for (let i = 0; i < 12; ++i) cookies.push(await signUp(cluster.url, `user${i}`));
    // Reads of every session, and now and then a sign-in (a POST nginx must retry too).
    const load = startLoad(async (i) => (i % 10 === 9
      ? { kind: 'login', ...(await signIn(cluster.url, 'ada')).r }
      : { kind: 'read', ...(await req(cluster.url, '/api/profile', { cookie: cookies[i % cookies.length] })) }), 12);
    await sleep(400);
    const killedAt = load.now();
    await n2.kill('SIGKILL');
    await sleep(1000);
    await n2.start();
    const restartedAt = load.now();
    // Back in rotation: nginx tries it again once its fail_timeout (2 s) has passed.
    const rejoined = await until(async () => (await answered(n2, '/api/profile')) > 0 && load.now(),
                                 { what: 'nginx sending requests to the restarted node', timeoutMs: 10000 });
    await sleep(200);
    const answers = await load.stop();
    const failed = answers.filter((a) => a.status !== 200);
    const worst = Math.max(...answers.map((a) => a.end - a.at));
    console.log(`[cluster] kill -9 of ${n2.name} under load: ${answers.length} requests (${statusCounts(answers)}), ` +
                `slowest ${worst.toFixed(0)} ms; restarted ${(restartedAt - killedAt).toFixed(0)} ms after the kill, ` +
                `served again ${(rejoined - restartedAt).toFixed(0)} ms after its restart`);
    assert.deepEqual(failed.map((a) => `${a.kind} ${a.status} ${a.text ?? a.error}`), [], 'every request answered 200');
    assert.ok(answers.filter((a) => a.at > killedAt && a.at < restartedAt).length > 20, 'the load ran while the node was down');
    for (const node of cluster.nodes)
      for (const cookie of cookies)
        assert.equal((await req(node.url, '/api/profile', { cookie })).status, 200, `a session lost on ${node.name}`);
  });

  // A sign-in attempt as from the client `address`: through nginx (`base` its URL), which
  // appends the address it saw, loopback here, or straight to a node, which sees loopback, the
  // nodes' trusted proxy (SESH_TRUSTED_PROXIES) too.
  const attempt = async (name, pw, address, base = cluster.url) => {
    const r = await fetch(`${base}/api/login`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
      body: JSON.stringify({ username: name, password: pw }), signal: AbortSignal.timeout(10000),
    });
    return { status: r.status, text: await r.text(), retryAfter: r.headers.get('retry-after') };
  };

  await t.test('failures spread by nginx over the three nodes are throttled as on one node', async () => {
    await signUp(cluster.url, 'bob');
    // Five free failures per account and address; nginx's round robin sends them to every node.
    for (let i = 0; i < 5; ++i) assert.equal((await attempt('bob', `wrong ${i}`, '203.0.113.1')).status, 401, `failure ${i + 1}`);
    for (const node of cluster.nodes) {
      const r = await attempt('bob', 'wrong again', '203.0.113.1', node.url);
      assert.equal(r.status, 429, `${node.name} makes the sixth attempt wait: ${r.text}`);
      assert.ok(Number(r.retryAfter) >= 1);
    }
  });

  // From nginx (SESH_TRUSTED_PROXIES) the client is the address nginx appended to
  // X-Forwarded-For: one user's failures do not make another's sign-in wait.
  await t.test('the throttle counts each user\'s address behind nginx, not nginx\'s', async () => {
    await signUp(cluster.url, 'carol');
    for (let i = 0; i < 6; ++i) await attempt('carol', `wrong ${i}`, '203.0.113.2');
    const r = await attempt('carol', password, '203.0.113.3');
    assert.equal(r.status, 200, `carol from another address signs in: ${r.status} ${r.text}`);
  });

  for (const strategy of ['server', 'jwt', 'iron']) {
    await t.test(`${strategy}: signed in on every node, a logout on one refused on the others within 1 s`, async () => {
      if (cluster.strategy !== strategy) await cluster.restartNodes({ strategy });
      const { r, cookie } = await signIn(n1.url, 'ada');
      assert.equal(r.status, 200, r.text);
      for (const node of [n2, n3]) {
        const p = await req(node.url, '/api/profile', { cookie });
        assert.equal(p.status, 200, `the session of ${n1.name} on ${node.name}: ${p.text}`);
      }
      const out = await req(n3.url, '/api/logout', { method: 'POST', json: {}, cookie });
      assert.equal(out.status, 200, out.text);
      const loggedOut = performance.now();
      // Each other node is asked until it refuses the copy of the cookie kept from before the logout.
      const took = await Promise.all([n1, n2].map(async (node) => {
        for (;;) {
          const p = await req(node.url, '/api/profile', { cookie });
          const ms = performance.now() - loggedOut;
          if (p.status === 401) return ms;
          assert.equal(p.status, 200, `${node.name}: ${p.text}`);
          if (ms > 2000) return ms;
          await sleep(5);
        }
      }));
      console.log(`[cluster] ${strategy}: a logout on ${n3.name} was refused on ${n1.name} after ${took[0].toFixed(1)} ms, ` +
                  `on ${n2.name} after ${took[1].toFixed(1)} ms`);
      for (const ms of took) assert.ok(ms <= 1000, `a logout reached another node after ${ms.toFixed(0)} ms (over 1 s)`);
      assert.equal((await req(cluster.url, '/api/profile', { cookie })).status, 401, 'refused through nginx too');
    });
  }

  // The sentinel locator's ROLE check is refused: a misconfiguration, not an outage.
  await t.test('a wrong store password stops seshd at start-up with one line', async () => {
    const wrongUrl = cluster.storeUrl.replace(`:${cluster.storePassword}@`, ':not-the-password@');
    assert.notEqual(wrongUrl, cluster.storeUrl);
    const dataDir = join(cluster.dir, 'refused');
    mkdirSync(dataDir, { mode: 0o700 });
    const run = spawnSync(process.env.SESH_SESHD, [], {
      env: { ...process.env, ...testEnv, SESH_STORE: wrongUrl, SESH_LISTEN: '127.0.0.1:0', SESH_SECRET: cluster.secret,
             SESH_DATA_DIR: dataDir },
      encoding: 'utf8', timeout: 5000,
    });
    assert.equal(run.error?.code, undefined, `seshd kept running with a wrong password: ${run.stderr}`);
    assert.notEqual(run.status, 0, 'seshd exits');
    const lines = run.stderr.trim().split('\n').filter((l) => l.startsWith('seshd:'));
    assert.equal(lines.length, 1, `one line of seshd's own: ${run.stderr}`);
    assert.match(lines[0], /^seshd: cannot open the store redis-sentinel:\/\/sesh:\*\*\*@127\.0\.0\.1:\d+,.*: the store refused the credentials/);
    assert.ok(!run.stderr.includes('not-the-password'), 'the wrong password is not printed either');
  });

  await t.test('no store password in any log or /metrics of any node', async () => {
    const metrics = await Promise.all(cluster.nodes.map(async (n) => ({ name: `${n.name} /metrics`, text: (await req(n.url, '/metrics')).text })));
    assertNoPasswordInLogs(cluster, metrics);
    assert.equal((await req(cluster.url, '/metrics')).status, 404, 'nginx keeps /metrics to the operator');
  });
});
