// A real OpenID Provider for the tests: panva's oidc-provider 8 (OpenID Certified) on a free
// loopback port, with seshd registered as a confidential client and oidc-provider's own
// development login and consent pages (devInteractions).
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Provider from 'oidc-provider';
import { freePort } from '../e2e/harness.mjs';

export const clientId = 'seshd-test';
export const clientSecret = 'a-client-secret-for-the-seshd-tests-0123456789';

/// The claims of the account `id` logs in as: an address at example.test that the provider calls
/// verified, except for ids starting with `unverified`.
export function claimsOf(id) {
  return { sub: id, email: `${id}@example.test`, email_verified: !id.startsWith('unverified'), name: `User ${id}` };
}

/// Starts the provider. `redirectUri` is seshd's callback (or `redirectUris`, several seshd's).
/// Returns {issuer, provider, stop}.
/// `idTokenClaims`: put the profile claims in the ID token (as Google does) instead of only in
/// userinfo (oidc-provider's default, conformIdTokenClaims).
/// `tls`: {key, cert} (PEM) to serve https instead of http.
/// `clients`: more registrations beside seshd's (oidc-provider client metadata).
export async function startProvider({ redirectUri, redirectUris, tokenAuth = 'client_secret_basic', idTokenClaims = true, tls,
                                      clients = [] } = {}) {
  const port = await freePort();
  const issuer = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [{
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: redirectUris ?? [redirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: tokenAuth,
    }, ...clients],
    conformIdTokenClaims: !idTokenClaims,
    // Every login name is an account whose claims derive from it.
    async findAccount(ctx, id) {
      return {
        accountId: id,
        async claims() { return claimsOf(id); },
      };
    },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    pkce: { methods: ['S256'], required: () => true },
    features: { devInteractions: { enabled: true } },
    cookies: { keys: ['a-cookie-key-for-the-test-provider'] },
  });
  // Quiet: its development warnings go to the test's stderr only when asked for.
  provider.on('server_error', (ctx, err) => { if (process.env.SESH_TEST_VERBOSE) console.error(err); });
  const server = tls ? createHttpsServer(tls, provider.callback()) : createHttpServer(provider.callback());
  server.listen(port, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return {
    issuer,
    provider,
    stop: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }),
  };
}

/// A cookie jar that follows one browser through the provider's pages: from an authorization URL
/// through login and consent (oidc-provider's devInteractions) to the redirect back to the
/// client. Returns the final redirect URL (seshd's callback with code and state).
export async function loginAtProvider(authorizationUrl, login) {
  const jar = new Map();
  const send = async (url, init = {}) => {
    const headers = { ...(init.headers ?? {}) };
    if (jar.size) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const pair = line.split(';')[0];
      const eq = pair.indexOf('=');
      jar.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    return res;
  };
  let url = authorizationUrl;
  const origin = new URL(authorizationUrl).origin;
  for (let hops = 0; hops < 20; ++hops) {
    if (!url.startsWith(origin)) return url;  // back at the client
    const res = await send(url);
    if (res.status >= 300 && res.status < 400) {
      url = new URL(res.headers.get('location'), url).toString();
      continue;
    }
    const html = await res.text();
    if (res.status !== 200) throw new Error(`provider answered ${res.status}: ${html.slice(0, 500)}`);
    const action = html.match(/action="([^"]+)"/)?.[1];
    const prompt = html.match(/name="prompt" value="([^"]+)"/)?.[1];
    if (!action || !prompt) throw new Error(`no form at ${url}: ${html.slice(0, 500)}`);
    const form = prompt === 'login' ? { prompt, login, password: 'any' } : { prompt };
    const post = await send(new URL(action, url).toString(), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
    if (post.status < 300 || post.status >= 400) throw new Error(`form post answered ${post.status}: ${await post.text()}`);
    url = new URL(post.headers.get('location'), url).toString();
  }
  throw new Error('too many redirects at the provider');
}

/// A test CA and two leaf certificates it signs, made with the openssl command: one for
/// 127.0.0.1 and one for another name. Returns PEM texts and the CA file's path.
export function makeCertificates(dir) {
  const run = (...args) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  run('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=sesh test CA');
  const leaf = (name, san) => {
    writeFileSync(join(dir, `${name}.ext`), `subjectAltName=${san}\nbasicConstraints=CA:FALSE\n`);
    run('req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
    run('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial',
        '-out', `${name}.pem`, '-days', '1', '-extfile', `${name}.ext`);
    return { key: readFileSync(join(dir, `${name}.key`)), cert: readFileSync(join(dir, `${name}.pem`)) };
  };
  return { caFile: join(dir, 'ca.pem'), loopback: leaf('loopback', 'IP:127.0.0.1'), other: leaf('other', 'DNS:other.example') };
}
