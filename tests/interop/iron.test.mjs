// iron-session 8.0.4 against sesh's iron codec, both directions: payloads, password maps and
// rotation, expiry across the 60 s skew, v1 (marker-less) seals, and tampered seals.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { sealData, unsealData } from 'iron-session';
import { startDriver } from './driver.mjs';

const driver = startDriver();
after(() => driver.close());

const PW_A = 'iron interop password A: at least thirty-two characters';
const PW_B = 'iron interop password B: at least thirty-two characters';
const DAY = 24 * 3600;

// Doubles whose shortest spelling has 17 digits: Boost.JSON 1.81's own parser rounds some of them
// wrong, so they catch a codec that does not read numbers exactly.
const HARD_DOUBLES = [
  1.3927926388013963e-143, 8.0863067236109623e24, 0.30000000000000004, 5e-324, 1.7976931348623157e308,
];

function deep(levels) {
  let v = { bottom: true };
  for (let i = 0; i < levels; i++) v = i % 2 ? { [`k${i}`]: v } : [v];
  return v;
}

// Payloads sesh seals too. The driver reads its requests with Boost.JSON's default parser (depth
// 32, last-bit rounding), so the deep and hard-double payloads only travel Node -> sesh.
const PAYLOADS = {
  typical: { user: { id: 'u_1', name: 'Ada Lovelace', email: 'ada@example.com', isLoggedIn: true } },
  empty: {},
  unicode: {
    text: 'Zoë — 日本語 — עברית — Ελληνικά — e\u0301 — 🦀🎉 — 👩‍👩‍👧‍👦 — 𝄞 𝕏 𠜎',
    keys: { 'ключ': '値', '🔑': '🗝️', '\u{1F600}': '\u{10FFFF}' },
  },
  escapes: { s: '"quoted" \\ back\\slash \u0000 \u0001 \u001f \n\t\r \u2028\u2029 </script> \u007f' },
  nested: { a: [1, [2, [3, [4, { b: { c: { d: [null, true, false, {}, []] } } }]]]], o: { x: { y: { z: {} } } } },
  numbers: {
    zero: 0, neg: -1, int: 123456789, max_safe: 2 ** 53 - 1, min_safe: -(2 ** 53 - 1),
    half: 0.5, pi: Math.PI, tiny: 1e-7, exp: 1e21, neg_zero: -0,
  },
  booleans_and_null: { t: true, f: false, n: null, list: [null, false, true] },
  array: [1, 'two', { three: 3 }, [], [[]]],
  string: 'just a string',
  number: 42,
  zero: 0,
  false_value: false,
  large: {
    blob: 'x'.repeat(5000),
    items: Array.from({ length: 60 }, (_, i) => ({ i, label: `item ${i} ✓ 🦀`, even: i % 2 === 0 })),
  },
};
const NODE_ONLY_PAYLOADS = {
  hard_doubles: { list: HARD_DOUBLES, neg: HARD_DOUBLES.map((d) => -d) },
  deep: deep(100),
};

const PASSWORDS = {
  // iron-session: a plain string is the map {1: string}.
  string: { node: PW_A, sesh: { 1: PW_A } },
  map: { node: { 1: PW_A, 2: PW_B }, sesh: { 1: PW_A, 2: PW_B } },
  // 16 emoji are 32 UTF-16 code units: long enough for JavaScript, and so for sesh.
  emoji: { node: '🔐'.repeat(16), sesh: { 1: '🔐'.repeat(16) } },
};

async function seshSeal(passwords, data, { ttl = 14 * DAY, now = Date.now() } = {}) {
  const r = await driver.call({ op: 'iron_seal', passwords, ttl, now, data });
  assert.equal(r.ok, true, `sesh could not seal: ${r.error}`);
  return r.seal;
}

function seshUnseal(passwords, seal, now = Date.now()) {
  return driver.call({ op: 'iron_unseal', passwords, now, seal });
}

// What each side makes of a seal, as "a session or nothing": iron-session returns {} for a seal
// it refuses (and throws for a few shapes, such as a wrong prefix); sesh returns an error.
const isEmptyObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0;

async function nodeReading(seal, password) {
  try {
    const d = await unsealData(seal, { password });
    return isEmptyObject(d) ? null : d;
  } catch {
    return null;
  }
}

async function seshReading(passwords, seal, now) {
  const r = await seshUnseal(passwords, seal, now);
  return r.ok && !isEmptyObject(r.data) ? r.data : null;
}

const partsOf = (seal) => seal.replace(/~2$/, '').split('*');

for (const [pwName, pw] of Object.entries(PASSWORDS)) {
  for (const [name, data] of Object.entries({ ...PAYLOADS, ...NODE_ONLY_PAYLOADS })) {
    test(`iron-session seals, sesh unseals: ${name} (${pwName} password)`, async () => {
      const seal = await sealData(data, { password: pw.node });
      const r = await seshUnseal(pw.sesh, seal);
      assert.equal(r.ok, true, r.error);
      assert.deepEqual(r.data, JSON.parse(JSON.stringify(data)));
    });
  }
  for (const [name, data] of Object.entries(PAYLOADS)) {
    test(`sesh seals, iron-session unseals: ${name} (${pwName} password)`, async () => {
      const seal = await seshSeal(pw.sesh, data);
      assert.match(seal, /^Fe26\.2\*\d+\*[0-9a-f]{64}\*[\w-]{22}\*[\w-]+\*\d+\*[0-9a-f]{64}\*[\w-]{43}~2$/);
      assert.deepEqual(await unsealData(seal, { password: pw.node }), JSON.parse(JSON.stringify(data)));
    });
  }
}

test('a large payload makes a seal beyond 4 KB both ways', async () => {
  const nodeSeal = await sealData(PAYLOADS.large, { password: PW_A });
  const seshSealed = await seshSeal({ 1: PW_A }, PAYLOADS.large);
  assert.ok(nodeSeal.length > 4096 && seshSealed.length > 4096);
  assert.ok(Math.abs(nodeSeal.length - seshSealed.length) <= 2, 'same format, same length up to the expiry digits');
});

test('null seals as "null" and both sides read it back as {}', async () => {
  const fromNode = await seshUnseal({ 1: PW_A }, await sealData(null, { password: PW_A }));
  assert.deepEqual(fromNode, { ok: true, data: {} });
  assert.deepEqual(await unsealData(await seshSeal({ 1: PW_A }, null), { password: PW_A }), {});
});

test('rotation: both seal with the highest numeric id and open older ids', async () => {
  const both = { 1: PW_A, 2: PW_B };
  const nodeSeal = await sealData({ v: 'node' }, { password: both });
  const seshSealed = await seshSeal(both, { v: 'sesh' });
  assert.equal(partsOf(nodeSeal)[1], '2');
  assert.equal(partsOf(seshSealed)[1], '2');

  assert.deepEqual((await seshUnseal(both, nodeSeal)).data, { v: 'node' });
  assert.deepEqual((await seshUnseal({ 2: PW_B }, nodeSeal)).data, { v: 'node' });
  assert.deepEqual(await seshUnseal({ 1: PW_A }, nodeSeal), { ok: false, error: 'unknown key id' });

  assert.deepEqual(await unsealData(seshSealed, { password: both }), { v: 'sesh' });
  assert.deepEqual(await unsealData(seshSealed, { password: { 2: PW_B } }), { v: 'sesh' });
  assert.deepEqual(await unsealData(seshSealed, { password: { 1: PW_A } }), {});

  // A seal from before the rotation (id 1) still opens on both sides.
  const old = await seshSeal({ 1: PW_A }, { v: 'old' });
  assert.deepEqual(await unsealData(old, { password: both }), { v: 'old' });
  assert.deepEqual((await seshUnseal(both, await sealData({ v: 'old' }, { password: PW_A }))).data, { v: 'old' });
});

test('ids compare as numbers (Math.max), not as text', async () => {
  const map = { 2: PW_A, 10: PW_B };
  assert.equal(partsOf(await sealData({}, { password: map }))[1], '10');
  assert.equal(partsOf(await seshSeal(map, {}))[1], '10');
});

test('the same id with another password is refused both ways', async () => {
  const nodeSeal = await sealData({ a: 1 }, { password: PW_A });
  assert.deepEqual(await seshUnseal({ 1: PW_B }, nodeSeal), { ok: false, error: 'authentication tag or MAC mismatch' });
  assert.deepEqual(await unsealData(await seshSeal({ 1: PW_B }, { a: 1 }), { password: PW_A }), {});
});

test('an iron-session seal expires in sesh exactly 60 s after its expiry', async () => {
  const seal = await sealData({ a: 1 }, { password: PW_A, ttl: 60 });
  const exp = Number(partsOf(seal)[5]);
  assert.ok(Math.abs(exp - (Date.now() + 60_000)) < 5_000);
  assert.deepEqual((await seshUnseal({ 1: PW_A }, seal, exp + 59_999)).data, { a: 1 });
  assert.deepEqual(await seshUnseal({ 1: PW_A }, seal, exp + 60_000), { ok: false, error: 'expired' });
  assert.deepEqual(await seshUnseal({ 1: PW_A }, seal, Date.now() + 3600_000), { ok: false, error: 'expired' });
});

test('a sesh seal past expiry plus skew is {} to iron-session; within the skew it opens', async () => {
  const ttl = 60;
  const then = Date.now() - 3600_000;
  const expired = await seshSeal({ 1: PW_A }, { a: 1 }, { ttl, now: then });
  assert.equal(Number(partsOf(expired)[5]), then + ttl * 1000);
  assert.deepEqual(await unsealData(expired, { password: PW_A }), {});
  // exp = now - 40 s: expired by the clock, still inside iron's 60 s skew.
  const inSkew = await seshSeal({ 1: PW_A }, { a: 2 }, { ttl, now: Date.now() - 100_000 });
  assert.deepEqual(await unsealData(inSkew, { password: PW_A }), { a: 2 });
  // And sesh agrees on both.
  assert.deepEqual(await seshUnseal({ 1: PW_A }, expired), { ok: false, error: 'expired' });
  assert.deepEqual((await seshUnseal({ 1: PW_A }, inSkew)).data, { a: 2 });
});

test('ttl 0 writes no expiry and never expires, both ways', async () => {
  const nodeSeal = await sealData({ a: 1 }, { password: PW_A, ttl: 0 });
  const seshSealed = await seshSeal({ 1: PW_A }, { a: 1 }, { ttl: 0 });
  assert.equal(partsOf(nodeSeal)[5], '');
  assert.equal(partsOf(seshSealed)[5], '');
  // Far ahead, yet inside the driver's nanosecond clock (which ends in 2262).
  const year2200 = Date.UTC(2200, 0, 1);
  assert.deepEqual((await seshUnseal({ 1: PW_A }, nodeSeal, year2200)).data, { a: 1 });
  assert.deepEqual(await unsealData(seshSealed, { password: PW_A }), { a: 1 });
});

test('without the ~2 marker both read a v1 seal: its persistent member', async () => {
  const v1 = { persistent: { user: 'ada', n: 1 }, flash: { note: 'gone' } };
  const fromNode = (await sealData(v1, { password: PW_A })).replace(/~2$/, '');
  const fromSesh = (await seshSeal({ 1: PW_A }, v1)).replace(/~2$/, '');
  for (const seal of [fromNode, fromSesh]) {
    assert.deepEqual(await unsealData(seal, { password: PW_A }), { user: 'ada', n: 1 });
    assert.deepEqual((await seshUnseal({ 1: PW_A }, seal)).data, { user: 'ada', n: 1 });
  }
  // Data without `persistent` reads as {} on both sides once the marker is gone.
  const plain = (await seshSeal({ 1: PW_A }, { user: 'ada' })).replace(/~2$/, '');
  assert.deepEqual(await unsealData(plain, { password: PW_A }), {});
  assert.deepEqual((await seshUnseal({ 1: PW_A }, plain)).data, {});
});

test('markers other than ~2: iron-session reads them as v1, sesh refuses them (documented)', async () => {
  const bare = (await sealData({ persistent: { p: 1 } }, { password: PW_A })).replace(/~2$/, '');
  for (const marker of ['~3', '~']) {
    assert.deepEqual(await seshUnseal({ 1: PW_A }, bare + marker), { ok: false, error: 'malformed input' }, marker);
  }
  // What iron-session does with them (parseInt of the text after the first '~'), so a change in
  // the peer shows up here.
  assert.deepEqual(await unsealData(bare + '~3', { password: PW_A }), { p: 1 });
  assert.deepEqual(await unsealData(bare + '~', { password: PW_A }), { p: 1 });
  for (const marker of ['~02', '~2~2', '~2A', '~2*']) {
    assert.deepEqual(await unsealData(bare + marker, { password: PW_A }), { persistent: { p: 1 } }, marker);
    assert.deepEqual(await seshUnseal({ 1: PW_A }, bare + marker), { ok: false, error: 'malformed input' }, marker);
  }
});

test('a lone surrogate from Node is refused by sesh (UTF-8 cannot hold it; documented)', async () => {
  const seal = await sealData({ s: 'a\ud800b' }, { password: PW_A });
  assert.deepEqual(await unsealData(seal, { password: PW_A }), { s: 'a\ud800b' });
  assert.deepEqual(await seshUnseal({ 1: PW_A }, seal), { ok: false, error: 'malformed input' });
});

// Every single-character change and every truncation of a seal from either side: sesh and
// iron-session must agree on what it holds, which for every changed seal is nothing.
for (const maker of ['iron-session', 'sesh']) {
  test(`every one-character change or truncation of a ${maker} seal is refused by both`, async () => {
    const data = { user: 'ada', admin: false };
    const now = Date.now();
    const seal =
      maker === 'sesh' ? await seshSeal({ 1: PW_A }, data, { now }) : await sealData(data, { password: PW_A });
    assert.deepEqual(await nodeReading(seal, PW_A), data);
    assert.deepEqual(await seshReading({ 1: PW_A }, seal, now), data);
    const variants = [];
    for (let i = 0; i < seal.length; i++) {
      for (const c of ['A', '0', '*']) {
        if (seal[i] !== c) variants.push(seal.slice(0, i) + c + seal.slice(i + 1));
      }
    }
    for (let n = 0; n < seal.length; n++) variants.push(seal.slice(0, n));
    // Extensions after the marker are the documented difference tested above.
    variants.push('A' + seal, '*' + seal);
    for (const v of variants) {
      const [node, sesh] = await Promise.all([nodeReading(v, PW_A), seshReading({ 1: PW_A }, v, now)]);
      assert.deepEqual(sesh, node, `sesh and iron-session disagree on ${v}`);
      assert.equal(sesh, null, `a changed seal opened: ${v}`);
    }
    assert.ok(variants.length > 3 * seal.length);
  });
}
