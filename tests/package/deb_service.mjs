// seshd from the Debian package, started the way its systemd unit starts it: the unit's
// Environment= lines (production, the credential-held secret, the state directory), with the
// paths systemd would make pointed into a scratch directory, and the unit's UMask. The service
// must come up healthy, keep its state 0700/0600 and stop cleanly on SIGTERM.
// Usage: node deb_service.mjs ROOT WORK_DIR
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

const [root, work] = process.argv.slice(2);
const fail = (what) => { console.error(`deb service: ${what}`); process.exit(1); };
const unit = readFileSync(join(root, 'usr/lib/systemd/system/seshd.service'), 'utf8');
const setting = (key) => [...unit.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].map((m) => m[1]);

const credentials = join(work, 'credentials');
const state = join(work, 'state');
mkdirSync(credentials, { mode: 0o700 });
// LoadCredential=secret:/etc/sesh/secret: systemd copies the file into %d.
writeFileSync(join(credentials, 'secret'), 'a production secret of more than 32 characters\n', { mode: 0o400 });
const port = await new Promise((r) => { const s = createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => r(p)); }); });

const env = { PATH: process.env.PATH };
for (const line of setting('Environment')) {
  const eq = line.indexOf('=');
  env[line.slice(0, eq)] = line.slice(eq + 1).replaceAll('%d', credentials);
}
if (env.SESH_ENV !== 'production') fail('the unit must run seshd in production');
if (env.SESH_DATA_DIR !== `/var/lib/${setting('StateDirectory')[0]}`) fail('SESH_DATA_DIR must be the StateDirectory');
env.SESH_DATA_DIR = state;           // StateDirectory=seshd, made by systemd
env.SESH_LISTEN = `127.0.0.1:${port}`;
env.SESH_URL = `http://127.0.0.1:${port}`;  // what /etc/sesh/seshd.env would say
const umask = parseInt(setting('UMask')[0], 8);
if (umask !== 0o077) fail(`UMask must be 0077, is ${setting('UMask')[0]}`);
const previous = process.umask(umask);
const seshd = spawn(join(root, 'usr/bin/seshd'), [], { env, stdio: ['ignore', 'ignore', 'pipe'] });
process.umask(previous);
let log = '';
seshd.stderr.on('data', (d) => { log += d; });
const deadline = Date.now() + 15000;
for (;;) {
  if (seshd.exitCode !== null) fail(`seshd exited with ${seshd.exitCode}: ${log}`);
  const ok = await fetch(`${env.SESH_URL}/healthz`).then((r) => r.ok, () => false);
  if (ok) break;
  if (Date.now() > deadline) fail(`seshd did not become healthy: ${log}`);
  await new Promise((r) => setTimeout(r, 50));
}
const providers = await (await fetch(`${env.SESH_URL}/api/auth/providers`)).json();
if (!providers.credentials) fail('no credentials provider');
if ((statSync(state).mode & 0o077) !== 0) fail('the state directory is open to others');
for (const f of readdirSync(state)) if ((statSync(join(state, f)).mode & 0o077) !== 0) fail(`${f} is open to others`);
const exited = new Promise((r) => seshd.once('exit', (code) => r(code)));
seshd.kill('SIGTERM');
if ((await exited) !== 0) fail(`seshd did not stop cleanly: ${log}`);
console.log(`deb service: the packaged seshd ran under its unit's settings (production, credential secret, ${readdirSync(state).join(', ')})`);
