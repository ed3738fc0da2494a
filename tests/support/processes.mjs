// Child processes for the cluster (tests/support/cluster.mjs): each one's output goes to its own
// log file (readable after a failure, tail-able under `make cluster`), it can be SIGKILLed,
// stopped or restarted, and a free loopback port and a polling wait come with it.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { freePort } from './free_port.mjs';

export { freePort };

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/// Polls `check()` every `everyMs` until it gives a truthy value, and returns that value; throws
/// `what` (with `detail()` when given) once `timeoutMs` has passed, or at once when `failIf()`
/// names a reason to give up (a process that exited). Exceptions count as "not yet".
export async function until(check, { timeoutMs = 10000, everyMs = 50, what = 'the condition', detail, failIf } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const fatal = failIf?.();
    if (fatal) throw new Error(`${what}: ${fatal}${detail ? `: ${detail()}` : ''}`);
    try {
      const v = await check();
      if (v) return v;
    } catch { /* not yet */ }
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms${detail ? `: ${detail()}` : ''}`);
    await sleep(everyMs);
  }
}

/// A process started by `start()` (again after a kill), its stdout and stderr appended to
/// `logFile`. `args` and `env` are functions, read at each start, so a restart may change them.
export function managedProcess(name, cmd, args, { logFile, env = () => process.env } = {}) {
  let child = null;
  let exited = Promise.resolve();
  const self = {
    name, logFile,
    get pid() { return child?.pid; },
    alive: () => !!child && child.exitCode === null && child.signalCode === null,
    log: () => { try { return readFileSync(logFile, 'utf8'); } catch { return ''; } },
    start() {
      if (self.alive()) return;
      const fd = openSync(logFile, 'a');
      child = spawn(cmd, args(), { stdio: ['ignore', fd, fd], env: env() });
      closeSync(fd);
      exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
    },
    /// The exit of the current process: {code, signal}.
    exited: () => exited,
    /// Sends `signal` (SIGKILL by default) and waits until the process is gone.
    async kill(signal = 'SIGKILL') {
      if (!self.alive()) return;
      child.kill(signal);
      await exited;
    },
    /// SIGTERM, then SIGKILL after `graceMs`; resolves once it is gone.
    async stop(graceMs = 5000) {
      if (!self.alive()) return;
      child.kill('SIGCONT');  // a frozen process cannot act on SIGTERM
      child.kill('SIGTERM');
      const t = setTimeout(() => { if (self.alive()) child.kill('SIGKILL'); }, graceMs);
      await exited;
      clearTimeout(t);
    },
  };
  return self;
}
