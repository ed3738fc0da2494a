// A sesh cluster on loopback, for the cluster tests, the benchmark and `make cluster`: a Redis
// primary and replica watched by three sentinels, seshd nodes on one redis-sentinel:// URL with
// one secret, and nginx in front running the upstream block of docs/DEPLOYMENT.md (round robin,
// the next node on a connection error). Every process runs on a free port with its log in one
// temporary directory, and stop() ends them all (after a failed test too).
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startNginx } from '../e2e/nginx.mjs';
import { freePort, managedProcess, until } from './processes.mjs';
import { startRedisGroup } from './redis_group.mjs';

const docs = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'DEPLOYMENT.md');

/// Whether the nodes' URL carries `?wait=1` (WAIT after each write): a session is acknowledged
/// only once the replica holds it, and the failover test asserts that none is lost.
export const waitAccepted = true;

/// The documented addresses of the nodes in docs/DEPLOYMENT.md's nginx block, replaced by the
/// cluster's own.
export const documentedNodes = ['10.0.0.11:3000', '10.0.0.12:3000', '10.0.0.13:3000'];

/// The first ```nginx block of docs/DEPLOYMENT.md: the configuration operators copy.
export function documentedUpstreamBlock() {
  const m = readFileSync(docs, 'utf8').match(/```nginx\n([\s\S]*?)```/);
  if (!m) throw new Error('docs/DEPLOYMENT.md has no nginx block');
  return m[1];
}

/// The documented block with this cluster's listening port and node ports; every replacement
/// must apply, so the cluster cannot drift from the documentation unnoticed.
export function clusterNginxBlock(listenPort, nodePorts) {
  let conf = documentedUpstreamBlock();
  const swaps = [['listen 80;', `listen 127.0.0.1:${listenPort};`],
                 ...documentedNodes.map((a, i) => [a, `127.0.0.1:${nodePorts[i]}`])];
  for (const [from, to] of swaps) {
    if (!conf.includes(from)) throw new Error(`docs/DEPLOYMENT.md's nginx block no longer holds ${from}`);
    conf = conf.replaceAll(from, to);
  }
  return conf;
}

/// Starts the cluster. `seshd` is the binary; `strategy` server, jwt or iron; `env` adds SESH_*
/// settings to every node. Returns {url, storeUrl, nodes, redis, restartNodes, logs, stop, …}.
export async function startCluster({ seshd = process.env.SESH_SESHD, strategy = 'server', nodes: count = 3, env = {},
                                     wait = waitAccepted, logLevel = 'info' } = {}) {
  if (!seshd) throw new Error('startCluster: no seshd binary (SESH_SESHD)');
  if (count !== documentedNodes.length) throw new Error(`the documented upstream has ${documentedNodes.length} nodes`);
  const dir = mkdtempSync(join(tmpdir(), 'sesh-cluster-'));
  // Distinct random passwords: the tests look for them in every log.
  const adminPassword = `admin-${randomBytes(12).toString('hex')}`;
  const storeUser = 'sesh';
  const storePassword = `store-${randomBytes(12).toString('hex')}`;
  const secret = randomBytes(32).toString('base64url');
  const stoppers = [];
  const self = { dir, storeUser, storePassword, adminPassword, secret, strategy, nodes: [] };

  self.stop = async () => {
    for (const s of stoppers.reverse()) await s().catch(() => {});
    stoppers.length = 0;
    if (!process.env.SESH_KEEP_DATA) rmSync(dir, { recursive: true, force: true });
  };
  try {
    self.redis = await startRedisGroup({ dir, adminPassword, user: storeUser, userPassword: storePassword });
    stoppers.push(() => self.redis.stop());
    const sentinels = self.redis.sentinels.map((s) => `127.0.0.1:${s.port}`).join(',');
    self.storeUrl = `redis-sentinel://${storeUser}:${encodeURIComponent(storePassword)}@${sentinels}/${self.redis.masterName}` +
                    (wait ? '?wait=1' : '');
    self.nginxPort = await freePort();
    self.url = `http://127.0.0.1:${self.nginxPort}`;

    for (let i = 1; i <= count; ++i) {
      const port = await freePort();
      const dataDir = join(dir, `seshd-${i}`);
      mkdirSync(dataDir);
      const node = { index: i, name: `seshd-${i}`, port, url: `http://127.0.0.1:${port}`, dataDir };
      const nodeEnv = () => ({
        ...process.env, SESH_LISTEN: `127.0.0.1:${port}`, SESH_DATA_DIR: dataDir, SESH_STORE: self.storeUrl,
        SESH_SECRET: secret, SESH_STRATEGY: self.strategy, SESH_URL: self.url, SESH_LOG_LEVEL: logLevel,
        // docs/DEPLOYMENT.md's settings for nodes behind a proxy: nginx's X-Forwarded-For names
        // each client, and nginx's connections, all from one address, may be many.
        SESH_TRUSTED_PROXIES: '127.0.0.1', SESH_MAX_CONNECTIONS_PER_ADDRESS: '10000', ...env,
      });
      node.proc = managedProcess(node.name, seshd, () => [], { logFile: join(dir, `${node.name}.log`), env: nodeEnv });
      node.start = () => startNode(node);
      node.kill = (signal) => node.proc.kill(signal);
      node.stop = () => node.proc.stop();
      node.log = () => node.proc.log();
      self.nodes.push(node);
    }
    stoppers.push(() => Promise.allSettled(self.nodes.map((n) => n.stop())));
    await Promise.all(self.nodes.map((n) => n.start()));

    const nginx = await startNginx(clusterNginxBlock(self.nginxPort, self.nodes.map((n) => n.port)), self.nginxPort);
    self.nginx = nginx;
    stoppers.push(() => nginx.stop());
  } catch (e) {
    await self.stop();
    throw e;
  }

  /// Stops every seshd node and starts them again with `strategy`, on the same ports and store:
  /// one cluster serves the tests of every strategy.
  self.restartNodes = async ({ strategy: next = self.strategy } = {}) => {
    await Promise.all(self.nodes.map((n) => n.stop()));
    self.strategy = next;
    await Promise.all(self.nodes.map((n) => n.start()));
  };
  /// Every log of the cluster: [{name, text}] (seshd nodes, Redis, sentinels, nginx's errors).
  self.logs = () => [
    ...self.nodes.map((n) => ({ name: n.name, text: n.log() })),
    ...[...self.redis.nodes, ...self.redis.sentinels].map((p) => ({ name: p.name, text: p.proc.log() })),
    { name: 'nginx', text: self.nginx.errorLog() },
  ];
  return self;
}

/// Starts one node and waits until its /healthz answers 200 (it reached the master).
async function startNode(node) {
  node.proc.start();
  await until(async () => {
    const r = await fetch(`${node.url}/healthz`, { signal: AbortSignal.timeout(2000) });
    await r.text();
    return r.ok;
  }, { what: `${node.name} healthy`, timeoutMs: 20000, detail: () => node.log().slice(-2000),
       failIf: () => !node.proc.alive() && 'it exited' });
}
