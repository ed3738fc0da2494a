// A tiny cookie-keeping HTTP client for the seshd tests: one jar per simulated browser.
export class Client {
  constructor(base) {
    this.base = base;
    this.jar = new Map();
  }
  cookieHeader() {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  remember(res) {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const maxAge = attrs.map((a) => a.trim().toLowerCase()).find((a) => a.startsWith('max-age='));
      if (value === '' || maxAge === 'max-age=0') this.jar.delete(name);
      else this.jar.set(name, value);
    }
  }
  async request(path, { method = 'GET', json, form, headers = {}, raw } = {}) {
    const h = { ...headers };
    if (this.jar.size) h.cookie = this.cookieHeader();
    let body = raw;
    if (json !== undefined) {
      body = JSON.stringify(json);
      h['content-type'] ??= 'application/json';
    } else if (form !== undefined) {
      body = new URLSearchParams(form).toString();
      h['content-type'] ??= 'application/x-www-form-urlencoded';
    }
    const res = await fetch(this.base + path, { method, headers: h, body, redirect: 'manual' });
    this.remember(res);
    const text = await res.text();
    let data;
    try { data = JSON.parse(text); } catch { data = undefined; }
    return { status: res.status, headers: res.headers, text, data, setCookies: res.headers.getSetCookie() };
  }
  async csrf() {
    return (await this.request('/api/auth/csrf')).data.csrfToken;
  }
}

export const password = 'correct horse battery staple';

/// Signs up `name` through the JSON API; the client is then signed in.
export async function signUp(client, name, pw = password) {
  const r = await client.request('/api/signup', { method: 'POST', json: { username: name, password: pw } });
  if (r.status !== 201) throw new Error(`signup ${name}: ${r.status} ${r.text}`);
  return r;
}
