// A Redis primary, one replica and three sentinels (quorum 2) on loopback, for the cluster: real
// redis-server processes (`redis-server CONF --sentinel` for the sentinels), each in its own
// directory under `dir`, with small sentinel timeouts so a failover takes a second or two.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, managedProcess, until } from './processes.mjs';
import { redis, redisInfo } from './resp.mjs';

const redisServer = process.env.SESH_REDIS_SERVER ?? '/usr/bin/redis-server';

/// The configuration of one sentinel watching `masterName` at 127.0.0.1:`masterPort`. The same
/// directives as docs/DEPLOYMENT.md's, with test-sized timeouts.
export function sentinelConfig({ port, dir, masterName, masterPort, quorum, downAfterMs, failoverTimeoutMs, adminPassword }) {
  return [
    `port ${port}`,
    'bind 127.0.0.1',
    `dir ${dir}`,
    `sentinel monitor ${masterName} 127.0.0.1 ${masterPort} ${quorum}`,
    `sentinel down-after-milliseconds ${masterName} ${downAfterMs}`,
    `sentinel failover-timeout ${masterName} ${failoverTimeoutMs}`,
    `sentinel parallel-syncs ${masterName} 1`,
    ...(adminPassword ? [`sentinel auth-pass ${masterName} ${adminPassword}`] : []),
    '',
  ].join('\n');
}

/// Starts the group and waits until the replica is in sync and every sentinel knows the replica
/// and the two other sentinels (so a failover can be agreed at once). `adminPassword` is the
/// default user's (requirepass; replication and the sentinels use it); `user`/`userPassword` add
/// one ACL user allowed every command and key, the one seshd signs in as.
export async function startRedisGroup({ dir, masterName = 'sesh', sentinels = 3, quorum = 2, downAfterMs = 500,
                                        failoverTimeoutMs = 1000, adminPassword, user, userPassword } = {}) {
  const admin = adminPassword ? { password: adminPassword } : {};
  const dataNode = async (name) => {
    const home = join(dir, name);
    mkdirSync(home);
    const node = { name, port: await freePort(), replicaOf: null };
    // The same arguments on both, so either can be master or replica after a failover.
    node.proc = managedProcess(name, redisServer, () => [
      '--port', String(node.port), '--bind', '127.0.0.1', '--dir', home, '--daemonize', 'no', '--logfile', '',
      '--save', '', '--appendonly', 'no', '--repl-diskless-sync-delay', '0',
      ...(adminPassword ? ['--requirepass', adminPassword, '--masterauth', adminPassword] : []),
      ...(user ? ['--user', user, 'on', `>${userPassword}`, '~*', '&*', '+@all'] : []),
      ...(node.replicaOf ? ['--replicaof', '127.0.0.1', String(node.replicaOf)] : []),
    ], { logFile: join(dir, `${name}.log`) });
    return node;
  };
  const group = {
    masterName,
    nodes: [],
    sentinels: [],
    adminPassword,
    /// The data node (primary or replica process) listening on `port`.
    node: (port) => group.nodes.find((n) => n.port === port),
    /// The master's port as the first answering sentinel names it (null when none answers).
    async masterPort() {
      for (const s of group.sentinels) {
        try {
          const r = await redis(s.port, ['SENTINEL', 'get-master-addr-by-name', masterName], { timeoutMs: 500 });
          if (Array.isArray(r)) return Number(r[1]);
        } catch { /* the next one */ }
      }
      return null;
    },
    /// A command on the data node at `port`, as the admin user.
    command: (port, args) => redis(port, args, admin),
    /// `INFO section` of the data node at `port`.
    info: (port, section) => redisInfo(port, section, admin),
    /// Restarts the data node `node` (after a kill) as a replica of the current master: what an
    /// operator does with an old master whose data is gone (it must not come back as an empty
    /// master), and what the sentinels would do to it anyway.
    async rejoinAsReplica(node) {
      node.replicaOf = await group.masterPort();
      node.proc.start();
      await until(async () => (await group.info(node.port, 'replication')).get('master_link_status') === 'up',
                  { what: `${node.name} syncing as a replica`, timeoutMs: 15000, detail: node.proc.log });
    },
    /// True once every sentinel knows one healthy replica and the other sentinels, and the
    /// replica's link is up.
    async settled() {
      const master = await group.masterPort();
      const replicas = group.nodes.filter((n) => n.port !== master && n.proc.alive());
      for (const r of replicas)
        if ((await group.info(r.port, 'replication')).get('master_link_status') !== 'up') return false;
      for (const s of group.sentinels) {
        const flat = await redis(s.port, ['SENTINEL', 'master', masterName], { timeoutMs: 500 });
        if (!Array.isArray(flat)) return false;
        const m = new Map();
        for (let i = 0; i + 1 < flat.length; i += 2) m.set(flat[i], flat[i + 1]);
        if (Number(m.get('port')) !== master || m.get('flags') !== 'master') return false;
        if (Number(m.get('num-other-sentinels')) !== group.sentinels.length - 1) return false;
        const known = await redis(s.port, ['SENTINEL', 'replicas', masterName], { timeoutMs: 500 });
        const healthy = known.filter((r) => r[r.indexOf('flags') + 1] === 'slave');
        if (healthy.length !== replicas.length) return false;
      }
      return true;
    },
    async stop() {
      await Promise.allSettled([...group.sentinels, ...group.nodes].map((p) => p.proc.kill('SIGKILL')));
    },
  };
  try {
    const primary = await dataNode('redis-primary');
    group.nodes.push(primary);
    primary.proc.start();
    await until(async () => (await group.command(primary.port, ['PING'])) === 'PONG',
                { what: 'redis-server (primary) answering', detail: primary.proc.log });
    const replica = await dataNode('redis-replica');
    replica.replicaOf = primary.port;
    group.nodes.push(replica);
    replica.proc.start();
    for (let i = 1; i <= sentinels; ++i) {
      const home = join(dir, `sentinel-${i}`);
      mkdirSync(home);
      const port = await freePort();
      const conf = join(home, 'sentinel.conf');  // Sentinel rewrites it: it must be writable
      writeFileSync(conf, sentinelConfig({ port, dir: home, masterName, masterPort: primary.port, quorum, downAfterMs,
                                           failoverTimeoutMs, adminPassword }));
      const proc = managedProcess(`sentinel-${i}`, redisServer, () => [conf, '--sentinel'], { logFile: join(dir, `sentinel-${i}.log`) });
      group.sentinels.push({ name: `sentinel-${i}`, port, proc });
      proc.start();
    }
    // Sentinels find each other through hello messages every 2 s: a few seconds at most.
    await until(() => group.settled(), { what: 'the sentinels agreeing on the group', timeoutMs: 20000,
                                         detail: () => group.sentinels.map((s) => s.proc.log()).join('\n') });
  } catch (e) {
    await group.stop();
    throw e;
  }
  return group;
}
