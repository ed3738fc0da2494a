// Starts the C++ interop driver once and sends it JSON-lines requests, one reply per line.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** `env`: extra environment variables for the driver process (e.g. NEXTAUTH_URL). */
export function startDriver({ env = {} } = {}) {
  const bin = process.env.SESH_INTEROP_DRIVER;
  if (!bin) throw new Error('SESH_INTEROP_DRIVER is not set (run through ctest)');
  const child = spawn(bin, [], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  const lines = createInterface({ input: child.stdout });
  const waiting = [];
  lines.on('line', (line) => waiting.shift()(JSON.parse(line)));
  return {
    /** Sends one request; resolves to the driver's reply object. */
    call(request) {
      return new Promise((resolve) => {
        waiting.push(resolve);
        child.stdin.write(JSON.stringify(request) + '\n');
      });
    },
    close() {
      child.stdin.end();
      return new Promise((resolve) => child.on('exit', resolve));
    },
  };
}
