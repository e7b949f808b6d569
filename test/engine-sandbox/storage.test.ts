import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import type { EngineCallbacks } from '../../core/index.ts';
import { openSqlite } from '../../core/index.ts';
import { SandboxNetwork } from '../../plugins/engine-sandbox/network.ts';

/**
 * The sandbox network's storage shortcuts (plugins/engine-sandbox/network.ts): message writes wait
 * for the end of the event-loop turn, entities read before come from memory. Neither may change
 * what a reader sees.
 */
function openNetwork(t: { teardown(fn: () => void): void }, file?: string) {
  const dbFile = file ?? path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'wppd-sandbox-')), 'network.sqlite');
  const db = openSqlite(dbFile);
  const network = new SandboxNetwork(db);
  t.teardown(() => {
    if (db.open) db.close();
  });
  return { db, network, dbFile };
}

test('a message is readable in the turn it is sent, stored once with its final ack, and on disk after writeMessages', (t) => {
  const { db, network, dbFile } = openNetwork(t);
  const alice = network.phoneFor('alice');
  const bob = network.phoneFor('bob');
  // bob's session runs, so alice's copy goes SENT → RECEIVED within the send.
  bob.callbacks = { event: () => undefined } as unknown as EngineCallbacks;

  const sent = network.send(alice, bob.wid, { type: 'chat', body: 'last words' });
  // Same turn, nothing written yet: reads write first.
  t.is(network.getMessage('alice', sent.id)?.ack, 2);
  t.is(network.chatMessages('bob', alice.wid).length, 1);

  network.send(alice, bob.wid, { type: 'chat', body: 'after the read' });
  network.writeMessages();
  db.close();

  const reopened = openNetwork(t, dbFile).network;
  const stored = reopened.chatMessages('alice', bob.wid);
  t.deepEqual(
    stored.map((m) => [m.body, m.ack]),
    [
      ['last words', 2],
      ['after the read', 2],
    ],
  );
});

test('an entity written in a transaction that throws is not read back from memory', (t) => {
  const { network } = openNetwork(t);
  network.putEntity('alice', 'note', 'kept', { v: 1 });
  t.deepEqual(network.getEntity('alice', 'note', 'kept'), { v: 1 });
  t.is(network.getEntity('alice', 'note', 'rolled-back'), undefined); // cached as absent

  t.throws(() =>
    network.transaction(() => {
      network.putEntity('alice', 'note', 'rolled-back', { v: 2 });
      network.putEntity('alice', 'note', 'kept', { v: 3 });
      throw new Error('boom');
    }),
  );
  t.is(network.getEntity('alice', 'note', 'rolled-back'), undefined);
  t.deepEqual(network.getEntity('alice', 'note', 'kept'), { v: 1 });

  network.deleteEntity('alice', 'note', 'kept');
  t.is(network.getEntity('alice', 'note', 'kept'), undefined);
});

test('disappearing messages are gone once their timer has run out, on both phones', (t) => {
  let now = Date.now();
  const db = openSqlite(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'wppd-sandbox-')), 'network.sqlite'));
  t.teardown(() => db.close());
  const network = new SandboxNetwork(db, () => now);
  const alice = network.phoneFor('alice');
  const bob = network.phoneFor('bob');
  network.setEphemeral(alice, bob.wid, true);
  const vanishing = network.send(alice, bob.wid, { type: 'chat', body: 'vanishing' });
  network.setEphemeral(alice, bob.wid, false);
  network.send(alice, bob.wid, { type: 'chat', body: 'stays' });

  now += 6 * 24 * 60 * 60 * 1000;
  t.deepEqual(
    network.chatMessages('bob', alice.wid).map((m) => m.body),
    ['vanishing', 'stays'],
    'within the 7 days',
  );
  now += 2 * 24 * 60 * 60 * 1000;
  t.deepEqual(
    network.chatMessages('bob', alice.wid).map((m) => m.body),
    ['stays'],
  );
  t.deepEqual(
    network.allMessages('alice').map((m) => m.body),
    ['stays'],
  );
  t.is(network.getMessage('alice', vanishing.id), undefined);
  t.deepEqual(network.copiesOf(vanishing.id), []);
});
