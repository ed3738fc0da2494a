// Drives an example service over loopback through a sign-in's life: GET /me is 401 without a
// session, POST /login (the user's name as the body) sets the cookie, GET /me then names the user,
// POST /logout clears the cookie, and the old cookie is no session any more. With a third argument,
// that page must redirect a signed-out visitor to /login (a require_session guard's redirect).
// Usage: node sign_in_out.mjs NAME BASE_URL [REDIRECTING_PATH]
const [name, base, redirecting] = process.argv.slice(2);
const check = (ok, what) => { if (!ok) { console.error(`${name}: ${what}`); process.exit(1); } };

let r = await fetch(base + '/me');
check(r.status === 401, 'no session must be 401, got ' + r.status);
if (redirecting) {
  r = await fetch(base + redirecting, { redirect: 'manual' });
  const to = r.headers.get('location') ?? '';
  check(r.status === 302 && to.startsWith('/login'), `${redirecting} must redirect to /login, got ${r.status} ${to}`);
}
r = await fetch(base + '/login', { method: 'POST', body: 'ada' });
check(r.status === 200, 'login must answer 200, got ' + r.status);
const set = r.headers.getSetCookie();
check(set.length === 1, 'login must set one cookie, got ' + JSON.stringify(set));
const cookie = set[0].split(';')[0];
r = await fetch(base + '/me', { headers: { cookie } });
check(r.status === 200 && (await r.text()).includes('ada'), 'the signed-in session must reach /me, got ' + r.status);
if (redirecting) {
  r = await fetch(base + redirecting, { headers: { cookie }, redirect: 'manual' });
  check(r.status === 200, `${redirecting} must answer a signed-in user, got ${r.status}`);
}
r = await fetch(base + '/logout', { method: 'POST', headers: { cookie } });
check(r.status === 200, 'logout must answer 200, got ' + r.status);
const cleared = r.headers.getSetCookie();
check(cleared.length === 1 && /Max-Age=0|Expires=Thu, 01 Jan 1970/i.test(cleared[0]),
      'logout must clear the cookie, got ' + JSON.stringify(cleared));
r = await fetch(base + '/me', { headers: { cookie } });
check(r.status === 401, 'after logout the cookie must be no session, got ' + r.status);
console.log(`${name}: signed in, reached /me, signed out over loopback`);
