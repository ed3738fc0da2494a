#!/usr/bin/env node
// `make cluster`: a Redis primary and replica, three sentinels, three seshd nodes and nginx on
// loopback (tests/support/cluster.mjs), in the foreground until Ctrl-C, which stops them all.
// Usage: scripts/cluster.mjs [BUILD_DIR] [--strategy server|jwt|iron]. SESH_KEEP_DATA=1 keeps the
// temporary directory (its logs) afterwards.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startCluster } from '../tests/support/cluster.mjs';

const args = process.argv.slice(2);
const at = args.indexOf('--strategy');
const strategy = at >= 0 ? args.splice(at, 2)[1] : 'server';
if (!['server', 'jwt', 'iron'].includes(strategy)) {
  console.error(`cluster: --strategy is server, jwt or iron, not ${strategy}`);
  process.exit(2);
}
const seshd = join(resolve(args[0] ?? 'build'), 'apps', 'seshd', 'seshd');
if (!existsSync(seshd)) {
  console.error(`cluster: no ${seshd}: build it first (make build)`);
  process.exit(2);
}

const cluster = await startCluster({ seshd, strategy });
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  console.log('\ncluster: stopping');
  await cluster.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

// The store URL is shown without its password, as seshd logs it.
const masked = cluster.storeUrl.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
console.log(`sesh cluster (strategy ${strategy}): ${cluster.url}
  nginx        ${cluster.url} (round robin over the nodes)
${cluster.nodes.map((n) => `  ${n.name.padEnd(12)} ${n.url}`).join('\n')}
  store        ${masked}
${cluster.redis.nodes.map((n) => `  ${n.name.padEnd(12)} 127.0.0.1:${n.port}`).join('\n')}
${cluster.redis.sentinels.map((s) => `  ${s.name.padEnd(12)} 127.0.0.1:${s.port}`).join('\n')}
  logs         ${cluster.dir}${process.env.SESH_KEEP_DATA ? '' : ' (removed on exit; SESH_KEEP_DATA=1 keeps them)'}
Ctrl-C stops everything.`);
