// What the cluster tests share: the nodes' settings for tests, signing in, a load of concurrent
// requests that records every answer, a node's count of answered requests, and the check that
// no log of the cluster holds a store password.
import assert from 'node:assert/strict';
import { req, sessionCookie, password } from '../faults/support.mjs';

export { req, sessionCookie, password };

/// The nodes' settings for tests: cheap argon2id, and no per-address limits on new sessions and
/// sign-ups (every test client is 127.0.0.1).
export const testEnv = {
  SESH_ARGON2_OPS: '1', SESH_ARGON2_MEM_KIB: '8192', SESH_NEW_SESSIONS_PER_MINUTE: '0', SESH_SIGNUP_LIMIT: '0',
};

/// Signs `name` up through `base`; returns the session cookie.
export async function signUp(base, name) {
  const r = await req(base, '/api/signup', { method: 'POST', json: { username: name, password } });
  assert.equal(r.status, 201, `sign-up of ${name} through ${base}: ${r.text ?? r.error}`);
  return sessionCookie(r.setCookies);
}

/// Signs `name` in through `base`: {r, cookie} (cookie '' when refused).
export async function signIn(base, name) {
  const r = await req(base, '/api/login', { method: 'POST', json: { username: name, password } });
  return { r, cookie: r.status === 200 ? sessionCookie(r.setCookies) : '' };
}

/// Runs `step(i)` in `concurrency` loops until stop(); each step returns the answer of one
/// request ({status, ms, …}), recorded with its start time (ms since the load began) and `kind`.
export function startLoad(step, concurrency) {
  const t0 = performance.now();
  const answers = [];
  let running = true;
  let n = 0;
  const loops = Array.from({ length: concurrency }, async () => {
    while (running) {
      const i = n++;
      const at = performance.now() - t0;
      const a = await step(i);
      answers.push({ ...a, at, end: performance.now() - t0 });
    }
  });
  return {
    answers,
    /// Milliseconds since the load began.
    now: () => performance.now() - t0,
    async stop() { running = false; await Promise.all(loops); return answers; },
  };
}

/// The number of requests to routes matching `route` that `node` answered with `status` since it
/// started, from its /metrics.
export async function answered(node, route, status = 200) {
  const r = await req(node.url, '/metrics');
  let n = 0;
  for (const m of (r.text ?? '').matchAll(/^sesh_http_requests_total\{route="([^"]*)",status="(\d+)"\} (\d+)$/gm))
    if (m[1].includes(route) && Number(m[2]) === status) n += Number(m[3]);
  return n;
}

/// Asserts that neither store password shows, plain or percent-encoded, in any log of the
/// cluster (seshd nodes, Redis, sentinels, nginx) or in `extra` ([{name, text}]).
export function assertNoPasswordInLogs(cluster, extra = []) {
  const secrets = [cluster.storePassword, cluster.adminPassword];
  for (const { name, text } of [...cluster.logs(), ...extra])
    for (const s of secrets)
      assert.ok(!text.includes(s) && !text.includes(encodeURIComponent(s)), `a store password appears in the log of ${name}`);
}

/// A short summary of the statuses among `answers`: "200×812 503×14".
export function statusCounts(answers) {
  const c = new Map();
  for (const a of answers) c.set(a.status, (c.get(a.status) ?? 0) + 1);
  return [...c].sort((a, b) => a[0] - b[0]).map(([s, k]) => `${s}×${k}`).join(' ');
}
