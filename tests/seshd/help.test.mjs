// `seshd --help` describes every setting with its default and environment variable, and names
// exactly the variables the README's configuration table names; the new flags reach the settings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seshdPath } from '../e2e/harness.mjs';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const start = readme.indexOf('| variable | flag | default | meaning |');
const table = readme.slice(start, readme.indexOf('\n\n', start));
const documented = new Set([...table.matchAll(/^\| ([^|]*)\|/gm)].flatMap((m) => [...m[1].matchAll(/SESH_[A-Z0-9_]+/g)].map((x) => x[0])));

const help = spawnSync(seshdPath, ['--help'], { encoding: 'utf8' });

test('the help and the README name the same settings', () => {
  assert.equal(help.status, 0);
  assert.ok(documented.size >= 25, `the README table was found (${documented.size} variables)`);
  const described = new Set([...help.stdout.matchAll(/environment: (SESH_[A-Z0-9_]+)|^ {2}(SESH_[A-Z0-9_]+)=/gm)].map((m) => m[1] ?? m[2]));
  for (const v of documented) assert.ok(described.has(v), `--help does not describe ${v}`);
  for (const v of described) assert.ok(documented.has(v), `the README's table does not name ${v}`);
});

test('every setting in the help has a default and a value name', () => {
  const blocks = help.stdout.split('\n').filter((l) => /^ {2}--/.test(l));
  assert.ok(blocks.length >= 25);
  for (const l of blocks) assert.match(l, /^ {2}--[a-z0-9-]+ [A-Z:]+/, `no value name: ${l}`);
  assert.equal((help.stdout.match(/default: /g) ?? []).length, documented.size);
  assert.ok(!/--secret(?![-\w])/.test(help.stdout), 'a secret is never a flag');
});

test('a flag sets its variable (flags win over the environment)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sesh-help-'));
  try {
    const run = (args, env = {}) => spawnSync(seshdPath, args, {
      env: { ...process.env, SESH_DATA_DIR: dataDir, SESH_LISTEN: '127.0.0.1:0', ...env }, encoding: 'utf8', timeout: 10000 });
    let r = run(['--max-sessions', '0']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /SESH_MAX_SESSIONS must be a positive number/);
    r = run(['--strategy', 'bogus'], { SESH_STRATEGY: 'jwt' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /SESH_STRATEGY must be/);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
