// A minimal Redis client for the cluster tests and scripts (no npm Redis client is installed):
// one loopback connection per call, RESP2 replies parsed into strings, numbers, arrays and Error
// objects. Asynchronous, so polling a sentinel does not stall the load a test is driving.
import { connect } from 'node:net';

/// Encodes one command as a RESP array of bulk strings (binary-safe, never formatted).
function encode(args) {
  const parts = [`*${args.length}\r\n`];
  for (const a of args) {
    const b = Buffer.from(String(a));
    parts.push(`$${b.length}\r\n`, b, '\r\n');
  }
  return Buffer.concat(parts.map((p) => (Buffer.isBuffer(p) ? p : Buffer.from(p))));
}

/// Parses one reply at `buf[pos]`: {value, end}, or null when the buffer is still short.
function parse(buf, pos) {
  const eol = buf.indexOf('\r\n', pos);
  if (eol < 0) return null;
  const line = buf.toString('utf8', pos + 1, eol);
  const next = eol + 2;
  switch (String.fromCharCode(buf[pos])) {
    case '+': return { value: line, end: next };
    case '-': return { value: new Error(line), end: next };
    case ':': return { value: Number(line), end: next };
    case '$': {
      const n = Number(line);
      if (n < 0) return { value: null, end: next };
      if (buf.length < next + n + 2) return null;
      return { value: buf.toString('utf8', next, next + n), end: next + n + 2 };
    }
    case '*': {
      const n = Number(line);
      if (n < 0) return { value: null, end: next };
      const out = [];
      let at = next;
      for (let i = 0; i < n; ++i) {
        const r = parse(buf, at);
        if (!r) return null;
        out.push(r.value);
        at = r.end;
      }
      return { value: out, end: at };
    }
    default: throw new Error(`not a RESP reply: ${line}`);
  }
}

/// Runs `commands` (arrays of arguments) in order on one connection to 127.0.0.1:`port`, after
/// `AUTH` when `password` is given (as `user` when that is given too). Resolves to the list of
/// replies (an error reply is an Error in the list); rejects on a connection failure or after
/// `timeoutMs`.
export function redisPipeline(port, commands, { user, password, timeoutMs = 2000 } = {}) {
  const all = password ? [user ? ['AUTH', user, password] : ['AUTH', password], ...commands] : commands;
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let buf = Buffer.alloc(0);
    const replies = [];
    const done = (err, value) => { clearTimeout(timer); socket.destroy(); err ? reject(err) : resolve(value); };
    const timer = setTimeout(() => done(new Error(`redis 127.0.0.1:${port}: no answer within ${timeoutMs} ms`)), timeoutMs);
    socket.on('error', (e) => done(e));
    socket.on('connect', () => socket.write(Buffer.concat(all.map(encode))));
    socket.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        const r = parse(buf, 0);
        if (!r) break;
        replies.push(r.value);
        buf = buf.subarray(r.end);
      }
      if (replies.length === all.length) {
        const auth = password ? replies.shift() : null;
        if (auth instanceof Error) done(new Error(`redis 127.0.0.1:${port}: AUTH refused`));
        else done(null, replies);
      }
    });
    socket.on('close', () => done(new Error(`redis 127.0.0.1:${port}: connection closed`)));
  });
}

/// One command: its reply (an error reply is returned as an Error, not thrown).
export async function redis(port, args, options) {
  return (await redisPipeline(port, [args], options))[0];
}

/// `INFO section` as a map of its `key:value` lines.
export async function redisInfo(port, section, options) {
  const text = await redis(port, ['INFO', section], options);
  if (text instanceof Error) throw text;
  return new Map(text.split('\r\n').filter((l) => l && !l.startsWith('#')).map((l) => {
    const i = l.indexOf(':');
    return [l.slice(0, i), l.slice(i + 1)];
  }));
}

/// Calls and CPU microseconds per command from `INFO commandstats`
/// ({get: {calls: 12, usec: 30}, evalsha: …}).
export async function commandStats(port, options) {
  const out = {};
  for (const [k, v] of await redisInfo(port, 'commandstats', options)) {
    const m = /^cmdstat_(.+)$/.exec(k);
    const calls = /calls=(\d+)/.exec(v);
    const usec = /usec=(\d+)/.exec(v);
    if (m && calls) out[m[1]] = { calls: Number(calls[1]), usec: Number(usec?.[1] ?? 0) };
  }
  return out;
}

/// Total calls per command from `INFO commandstats` ({get: 12, evalsha: 3, …}).
export async function commandCalls(port, options) {
  return Object.fromEntries(Object.entries(await commandStats(port, options)).map(([c, s]) => [c, s.calls]));
}
