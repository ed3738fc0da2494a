// Several providers from a configuration file (--config, TOML): an OpenID Provider and a plain
// OAuth 2.0 one — oidc-provider itself as the authorization server, its userinfo endpoint as the
// profile URL (no ID token used, no nonce) — each with its routes, button and linking rules; and
// a bad file stops seshd with its line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSeshd, freePort, seshdPath } from '../e2e/harness.mjs';
import { Client } from '../seshd/client.mjs';
import { startProvider, loginAtProvider, clientId, clientSecret } from './provider.mjs';

const secret = 'a-test-secret-of-at-least-32-characters!';
const oauthClientId = 'seshd-oauth-test';
const oauthSecret = 'another-client-secret-for-the-oauth-registration';

function localPath(url) {
  const u = new URL(url);
  return u.pathname + u.search;
}

async function throughProvider(c, provider, login) {
  const csrfToken = await c.csrf();
  const start = await c.request(`/api/auth/signin/${provider}`, { method: 'POST',
    form: { csrfToken, callbackUrl: '/profile', json: 'true' } });
  assert.equal(start.status, 200, start.text);
  const back = await loginAtProvider(start.data.url, login);
  return { start, done: await c.request(localPath(back)) };
}

async function whoAmI(c) {
  const r = await c.request('/api/profile');
  return r.status === 200 ? r.data.message.replace(/^Welcome /, '') : null;
}

test('an OpenID Provider and an OAuth 2.0 provider from the configuration file', async (t) => {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}/api/auth`;
  const op = await startProvider({
    redirectUri: `${base}/callback/oidc`,
    clients: [{ client_id: oauthClientId, client_secret: oauthSecret, redirect_uris: [`${base}/callback/forge`],
                grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_post' }],
  });
  t.after(() => op.stop());
  const meta = await (await fetch(`${op.issuer}/.well-known/openid-configuration`)).json();
  const dir = mkdtempSync(join(tmpdir(), 'sesh-config-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'forge-secret'), `${oauthSecret}\n`);
  const configFile = join(dir, 'seshd.toml');
  writeFileSync(configFile, `
# The same server twice: once as an OpenID Provider, once as a plain OAuth 2.0 one.
[providers.oidc]
type = "oidc"
name = "Test OIDC"
issuer = "${op.issuer}"
client_id = "${clientId}"
client_secret_env = "SESH_TEST_OIDC_SECRET"

[providers.forge]
type = "oauth"
name = "Forge"
authorization_endpoint = "${meta.authorization_endpoint}"
token_endpoint = "${meta.token_endpoint}"
profile_url = "${meta.userinfo_endpoint}"
scope = "openid email profile"
auth_method = "client_secret_post"
client_id = "${oauthClientId}"
client_secret_file = "${join(dir, 'forge-secret')}"
allow_email_linking = true

[providers.forge.profile]
id = "sub"
name = ["name", "preferred_username"]
`);
  const seshd = await startSeshd({ port, env: { SESH_SECRET: secret, SESH_CONFIG: configFile, SESH_TEST_OIDC_SECRET: clientSecret,
                                                SESH_LOG_LEVEL: 'info' } });
  t.after(() => seshd.cleanup());

  await t.test('providers lists both with next-auth\'s JSON, and the login page has both buttons', async () => {
    const c = new Client(seshd.url);
    const r = await c.request('/api/auth/providers');
    assert.deepEqual(r.data.forge, { id: 'forge', name: 'Forge', type: 'oauth', signinUrl: `${base}/signin/forge`,
                                     callbackUrl: `${base}/callback/forge` });
    assert.equal(r.data.oidc.name, 'Test OIDC');
    const page = await c.request('/login');
    assert.match(page.text, /id="signin-forge">Sign in with Forge</);
    assert.match(page.text, /id="signin-oidc">Sign in with Test OIDC</);
  });

  await t.test('the OAuth 2.0 provider signs in from its profile URL, with state and PKCE and no nonce', async () => {
    const c = new Client(seshd.url);
    const { start, done } = await throughProvider(c, 'forge', 'xena');
    const auth = new URL(start.data.url);
    assert.equal(auth.origin + auth.pathname, meta.authorization_endpoint);
    assert.equal(auth.searchParams.get('client_id'), oauthClientId);
    assert.equal(auth.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(auth.searchParams.has('nonce'), false);
    assert.ok(start.setCookies.some((l) => l.startsWith('next-auth.state=')));
    assert.ok(start.setCookies.some((l) => l.startsWith('next-auth.pkce.code_verifier=')));
    assert.equal(start.setCookies.some((l) => l.startsWith('next-auth.nonce=')), false);
    assert.equal(done.status, 302, done.text);
    assert.equal(done.headers.get('location'), `${seshd.url}/profile`);
    const session = await c.request('/api/auth/session');
    assert.equal(session.data.user.name, 'User xena');
    assert.equal(session.data.user.email, 'xena@example.test');
    assert.match((await c.request('/profile')).text, /<li id="method-forge">Forge: linked<\/li>/);
    // A tampered state is refused here too.
    const d = new Client(seshd.url);
    const csrfToken = await d.csrf();
    const go = await d.request('/api/auth/signin/forge', { method: 'POST', form: { csrfToken, json: 'true' } });
    const back = new URL(await loginAtProvider(go.data.url, 'xena'));
    back.searchParams.set('state', 'forged');
    const refused = await d.request(localPath(back.toString()));
    assert.equal(refused.headers.get('location'), `${base}/error?error=OAuthCallback`);
  });

  await t.test('each provider keeps its own linking rule', async () => {
    // xena's e-mail belongs to the user forge made; the OpenID provider does not link by e-mail.
    const c = new Client(seshd.url);
    const { done } = await throughProvider(c, 'oidc', 'xena');
    assert.equal(done.headers.get('location'), `${base}/error?error=OAuthAccountNotLinked`);
    // yuri signs up through the OpenID provider first; forge may link by the verified e-mail.
    const y = new Client(seshd.url);
    await throughProvider(y, 'oidc', 'yuri');
    const yuri = await whoAmI(y);
    const f = new Client(seshd.url);
    const linked = await throughProvider(f, 'forge', 'yuri');
    assert.equal(linked.done.headers.get('location'), `${seshd.url}/profile`);
    assert.equal(await whoAmI(f), yuri);
    const profile = (await f.request('/profile')).text;
    assert.match(profile, /Test OIDC: linked/);
    assert.match(profile, /Forge: linked/);
  });

  await t.test('no client secret reaches the log', async () => {
    assert.ok(seshd.log().length > 0);
    assert.doesNotMatch(seshd.log(), new RegExp(oauthSecret));
    assert.doesNotMatch(seshd.log(), new RegExp(clientSecret));
  });
});

test('a bad configuration file stops seshd with its line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sesh-config-'));
  try {
    const run = (text, env = {}) => {
      writeFileSync(join(dir, 'bad.toml'), text);
      return spawnSync(seshdPath, ['--config', join(dir, 'bad.toml')], { encoding: 'utf8', timeout: 10000,
        env: { ...process.env, SESH_DATA_DIR: dir, SESH_LISTEN: '127.0.0.1:0', SESH_SECRET: secret, ...env } });
    };
    let r = run('[providers.github]\nclient_id = "a"\nclient_sercet_env = "X"\n');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /bad\.toml:3: unknown key client_sercet_env in provider github/);
    r = run('[providers.github\n');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /bad\.toml:1: /);
    r = run('[providers.oidc]\nissuer = "https://idp.example"\nclient_id = "a"\nclient_secret_env = "SESH_TEST_S"\n',
            { SESH_TEST_S: 'x', SESH_OIDC_ISSUER: 'https://other.example', SESH_OIDC_CLIENT_ID: 'b', SESH_OIDC_CLIENT_SECRET: 'c' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /provider oidc is also configured by SESH_OIDC_ISSUER/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
