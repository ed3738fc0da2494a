// Starts what an end-to-end test needs: seshd on a free loopback port with its own data dir, and
// Debian's Chromium through playwright-core. Each test starts its own and stops it.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { freePort } from '../support/free_port.mjs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const seshdPath = process.env.SESH_SESHD;
if (!seshdPath) throw new Error('SESH_SESHD must name the seshd binary');

/// A free loopback port (bound then released: fine for a test on its own machine).
export { freePort };

/// Starts seshd and waits until /healthz answers. `env` adds SESH_* settings; the data dir is a
/// fresh temporary one unless `dataDir` is given. Returns {url, port, dataDir, stop, restart}.
export async function startSeshd({ env = {}, dataDir, port } = {}) {
  dataDir ??= mkdtempSync(join(tmpdir(), 'sesh-e2e-'));
  port ??= await freePort();
  const url = `http://127.0.0.1:${port}`;
  let child;
  let log = '';
  const launch = async () => {
    child = spawn(seshdPath, [], {
      env: { ...process.env, SESH_LISTEN: `127.0.0.1:${port}`, SESH_DATA_DIR: dataDir,
             SESH_ARGON2_OPS: '1', SESH_ARGON2_MEM_KIB: '8192', SESH_LOG_LEVEL: 'warn',
             // every test client is 127.0.0.1: the per-address limit on new anonymous sessions is
             // off unless a test turns it on (tests/seshd/security_sessions.test.mjs)
             SESH_NEW_SESSIONS_PER_MINUTE: '0', ...env },
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    child.stderr.on('data', (d) => { log += d; });
    const deadline = Date.now() + 15000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`seshd exited with ${child.exitCode}: ${log}`);
      try {
        const r = await fetch(`${url}/healthz`);
        if (r.ok) return;
      } catch { /* not up yet */ }
      if (Date.now() > deadline) throw new Error(`seshd did not start: ${log}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  // A graceful stop must end with status 0: under ASan a leak or a late memory error shows here.
  const stop = async () => {
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
    child.kill('SIGTERM');
    const { code, signal } = await exited;
    if (code !== 0) throw new Error(`seshd ended with ${signal ?? `status ${code}`} after SIGTERM: ${log.slice(-4000)}`);
  };
  await launch();
  return {
    url, port, dataDir,
    log: () => log,
    stop,
    restart: async () => { await stop(); await launch(); },
    cleanup: async () => { await stop(); if (!process.env.SESH_KEEP_DATA) rmSync(dataDir, { recursive: true, force: true }); },
  };
}

/// Debian's Chromium, headless, with the flags this machine needs and a fresh profile. `args`
/// adds flags (e.g. --host-resolver-rules to give loopback servers real host names).
export async function launchBrowser({ args = [] } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'sesh-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.SESH_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync', '--disable-quic', ...args],
  });
  return {
    context: browser,
    close: async () => { await browser.close(); rmSync(profile, { recursive: true, force: true }); },
  };
}

/// Where screenshots go (ctest's binary dir when set).
export const artifactsDir = process.env.SESH_ARTIFACTS ?? tmpdir();
