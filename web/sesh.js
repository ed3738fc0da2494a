// sesh.js: the browser side of seshd's sessions, in the manner of next-auth/react without React.
// getSession(), subscribe(fn), signIn(), signOut(); refetches when the window regains focus and
// keeps every tab in step (BroadcastChannel, with the `storage` event as a fallback).
const base = '/api/auth';
const listeners = new Set();
let current; // undefined until the first fetch; then a session object or null
let inflight;

const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel('sesh') : null;

function announce() {
  const stamp = String(Date.now());
  if (channel) channel.postMessage({ event: 'session', stamp });
  else try { localStorage.setItem('sesh.session-event', stamp); } catch { /* private mode */ }
}

function publish(session) {
  const changed = JSON.stringify(session) !== JSON.stringify(current);
  current = session;
  if (changed) for (const fn of listeners) fn(session);
}

/** The signed-in session ({user, expires}) or null. Fetches once, then answers from memory
 * unless `force` is set. */
export async function getSession({ force = false } = {}) {
  if (!force && current !== undefined) return current;
  inflight ??= fetch(`${base}/session`, { credentials: 'same-origin', cache: 'no-store' })
    .then((r) => (r.ok ? r.json() : {}))
    .catch(() => ({}))
    .then((body) => {
      inflight = undefined;
      publish(body && body.user ? body : null);
      return current;
    });
  return inflight;
}

/** Calls fn(session) whenever the session changes (sign-in, sign-out, another tab, expiry).
 * Returns the function that unsubscribes. */
export function subscribe(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

async function csrfToken() {
  const r = await fetch(`${base}/csrf`, { credentials: 'same-origin', cache: 'no-store' });
  return (await r.json()).csrfToken;
}

async function post(path, fields) {
  const body = new URLSearchParams({ ...fields, csrfToken: await csrfToken(), json: 'true' });
  const r = await fetch(`${base}${path}`, {
    method: 'POST', credentials: 'same-origin', body,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  let data = {};
  try { data = await r.json(); } catch { /* not JSON */ }
  return { ok: r.ok, status: r.status, url: data.url };
}

/** Signs in with a username and password (next-auth's credentials protocol). Resolves to
 * {ok, status, error, url}; `error` is next-auth's error code when it failed. */
export async function signIn(username, password, { callbackUrl = location.href } = {}) {
  const res = await post('/callback/credentials', { username, password, callbackUrl });
  const error = res.url ? new URL(res.url, location.href).searchParams.get('error') : null;
  await getSession({ force: true });
  if (res.ok) announce();
  return { ok: res.ok && !error, status: res.status, error, url: res.url };
}

/** Signs out here and, through the other tabs' subscriptions, everywhere in this browser. */
export async function signOut({ callbackUrl = location.href } = {}) {
  const res = await post('/signout', { callbackUrl });
  publish(null);
  announce();
  return res;
}

// Another tab changed the session: fetch it again.
if (channel) channel.onmessage = () => getSession({ force: true });
addEventListener('storage', (e) => { if (e.key === 'sesh.session-event') getSession({ force: true }); });
// Back to this tab: the session may have ended meanwhile (expiry, a sign-out elsewhere).
addEventListener('focus', () => getSession({ force: true }));
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') getSession({ force: true });
});

// The status line every page has: who is signed in, kept current.
subscribe((s) => {
  const el = document.getElementById('session-status');
  if (el) el.textContent = s ? `Signed in as ${s.user.name}` : 'Signed out';
});
if (typeof window !== 'undefined') {
  window.sesh = { getSession, subscribe, signIn, signOut };
  getSession();
}
