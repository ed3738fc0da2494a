// Debian's nginx for the gateway tests: the server block of docs/GATEWAY.md in a generated
// configuration whose pid file, logs and temporary paths live in a fresh directory, run as a
// foreground child on a loopback port and stopped after.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const nginxPath = process.env.SESH_NGINX ?? '/usr/sbin/nginx';
const docs = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'GATEWAY.md');

/// The first ```nginx block of docs/GATEWAY.md: the configuration operators copy.
export function documentedNginxConfig() {
  const m = readFileSync(docs, 'utf8').match(/```nginx\n([\s\S]*?)```/);
  if (!m) throw new Error('docs/GATEWAY.md has no nginx block');
  return m[1];
}

function portOpen(port) {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
    s.on('error', () => resolve(false));
  });
}

/// Starts nginx with `httpBlock` (the inside of `http {}`) listening where that block says.
/// Returns {stop, errorLog}.
export async function startNginx(httpBlock, port) {
  const dir = mkdtempSync(join(tmpdir(), 'sesh-nginx-'));
  for (const d of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, d));
  const conf = `daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path ${dir}/client_body;
    proxy_temp_path ${dir}/proxy;
    fastcgi_temp_path ${dir}/fastcgi;
    uwsgi_temp_path ${dir}/uwsgi;
    scgi_temp_path ${dir}/scgi;
${httpBlock}
}
`;
  writeFileSync(join(dir, 'nginx.conf'), conf);
  const errorLog = () => { try { return readFileSync(join(dir, 'error.log'), 'utf8'); } catch { return ''; } };
  const child = spawn(nginxPath, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')],
                      { stdio: ['ignore', 'inherit', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const deadline = Date.now() + 10000;
  while (!(await portOpen(port))) {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}: ${stderr}${errorLog()}`);
    if (Date.now() > deadline) throw new Error(`nginx did not start: ${stderr}${errorLog()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    errorLog,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGQUIT'); // graceful: workers finish, then the master ends
        await exited;
      }
      if (!process.env.SESH_KEEP_DATA) rmSync(dir, { recursive: true, force: true });
    },
  };
}
