// seshd on its default SQLite store, SIGKILLed under load, several times: every session whose
// Set-Cookie reached a client survives the restart with the data of its last acknowledged save,
// and the database passes PRAGMA integrity_check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSeshd, integrityCheck, killUnderLoad } from './support.mjs';

const ROUNDS = 3;
const WORKERS = 16;

test('SQLite store: kill -9 under load loses no acknowledged session', { timeout: 110000 }, async (t) => {
  const seshd = await spawnSeshd({ env: { SESH_STRATEGY: 'server' } });
  t.after(() => seshd.cleanup());
  const integrity = [];
  const figures = await killUnderLoad(seshd, {
    rounds: ROUNDS, workers: WORKERS,
    async afterRound(round) {
      const ic = await integrityCheck(seshd.db);
      if (!ic) { t.diagnostic('neither the sqlite3 CLI nor node:sqlite is available: integrity_check skipped'); return; }
      integrity.push(ic.output);
      assert.equal(ic.output, 'ok', `round ${round}: PRAGMA integrity_check (${ic.tool})`);
    },
  });

  // A clean stop after the last restart, and the file is still sound on its own.
  await seshd.stop();
  const final = await integrityCheck(seshd.db);
  if (final) assert.equal(final.output, 'ok', 'integrity_check after a clean stop');

  console.log(`faults: sqlite kill -9 x${figures.kills} under ${WORKERS} clients (${figures.requests} requests, ` +
    `in flight at kill ${figures.inflightAtKill.join('/')}), sessions checked ${figures.checked}, lost ${figures.lost}, ` +
    `integrity_check ${final ? [...integrity, final.output].join('/') : 'skipped (no sqlite3, no node:sqlite)'}`);
});
