// The provider over https: seshd's client verifies the certificate chain (a test CA given by
// SESH_OIDC_CA_FILE) and that the certificate names the issuer's host; either failing is
// OAuthSignin, with no request sent past the handshake.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSeshd, freePort } from '../e2e/harness.mjs';
import { Client } from '../seshd/client.mjs';
import { startProvider, loginAtProvider, makeCertificates, clientId, clientSecret } from './provider.mjs';

const secret = 'a-test-secret-of-at-least-32-characters!';

async function signInVia(seshd, login) {
  const c = new Client(seshd.url);
  const csrfToken = await c.csrf();
  const start = await c.request('/api/auth/signin/oidc', { method: 'POST', form: { csrfToken, json: 'true' } });
  return { c, url: start.data.url, login };
}

test('https to the provider: chain and host name are verified', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sesh-oidc-tls-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const certs = makeCertificates(dir);
  const seshdPort = await freePort();
  const redirectUri = `http://127.0.0.1:${seshdPort}/api/auth/callback/oidc`;

  const cases = [
    { name: 'a certificate from the configured CA for 127.0.0.1 signs in', tls: certs.loopback, ca: certs.caFile, ok: true },
    { name: 'a certificate for another host name is OAuthSignin', tls: certs.other, ca: certs.caFile, ok: false },
    { name: 'a CA the system does not trust is OAuthSignin', tls: certs.loopback, ca: undefined, ok: false },
  ];
  for (const k of cases) {
    await t.test(k.name, async () => {
      const op = await startProvider({ redirectUri, tls: k.tls });
      const env = { SESH_SECRET: secret, SESH_OIDC_ISSUER: op.issuer, SESH_OIDC_CLIENT_ID: clientId,
                    SESH_OIDC_CLIENT_SECRET: clientSecret };
      if (k.ca) env.SESH_OIDC_CA_FILE = k.ca;
      const seshd = await startSeshd({ port: seshdPort, env });
      try {
        const { c, url } = await signInVia(seshd, 'tina');
        if (!k.ok) {
          assert.equal(url, `${seshd.url}/api/auth/error?error=OAuthSignin`);
          return;
        }
        // The test's own browser stand-in (node's fetch) skips verification of the provider's
        // pages: what is under test is seshd's verification, which stays on.
        process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
        const back = await loginAtProvider(url, 'tina');
        const done = await c.request(new URL(back).pathname + new URL(back).search);
        assert.equal(done.status, 302, done.text);
        assert.equal((await c.request('/api/auth/session')).data.user.name, 'User tina');
      } finally {
        await seshd.cleanup();
        await op.stop();
      }
    });
  }
});
