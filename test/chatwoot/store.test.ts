import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import Database from 'better-sqlite3';
import { BridgeStore } from '../../plugins/chatwoot/store.ts';

const DAY = 24 * 60 * 60 * 1000;

function storeFile(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'wppd-chatwoot-store-')), 'chatwoot.sqlite');
}

test('message ids are forgotten after the retention period; contacts and conversations stay', (t) => {
  const store = new BridgeStore(storeFile());
  t.teardown(() => store.close());
  store.saveContact('s', 'chat@c.us', { contactId: 7, sourceId: 'src' });
  store.saveConversation('s', 'chat@c.us', 70);
  store.saveMessage('s', 'wa-1', 701, 70, true);
  store.savePart('s', 702, 0, 'wa-2', 70);
  store.markHandled('s', 702);

  t.is(store.prune(Date.now() - 30 * DAY), 0, 'nothing is older than 30 days');
  t.is(store.chatwootIdOf('s', 'wa-1'), 701);

  t.is(store.prune(Date.now() + 1), 4, 'message, sent part, its message row, handled mark');
  t.is(store.chatwootIdOf('s', 'wa-1'), undefined);
  t.is(store.sentPart('s', 702, 0), undefined);
  t.false(store.isHandled('s', 702));
  t.deepEqual(store.contact('s', 'chat@c.us'), { contactId: 7, sourceId: 'src' });
  t.is(store.openConversation('s', 'chat@c.us'), 70);
});

test('a file from before pruning keeps its rows, with a full retention period from the upgrade', (t) => {
  const file = storeFile();
  // The schema as it was: no created_at on messages and sent_parts.
  const old = new Database(file);
  old.exec(`
    CREATE TABLE messages (scope TEXT NOT NULL, wa_id TEXT NOT NULL, cw_id INTEGER NOT NULL, conversation_id INTEGER NOT NULL,
      to_chatwoot INTEGER NOT NULL, status_level INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (scope, wa_id));
    CREATE TABLE sent_parts (scope TEXT NOT NULL, cw_id INTEGER NOT NULL, part INTEGER NOT NULL, wa_id TEXT NOT NULL,
      PRIMARY KEY (scope, cw_id, part));
    INSERT INTO messages (scope, wa_id, cw_id, conversation_id, to_chatwoot) VALUES ('s', 'wa-old', 9, 90, 1);
    INSERT INTO sent_parts (scope, cw_id, part, wa_id) VALUES ('s', 9, 0, 'wa-old');
  `);
  old.close();

  const store = new BridgeStore(file);
  t.teardown(() => store.close());
  t.is(store.chatwootIdOf('s', 'wa-old'), 9);
  t.is(store.prune(Date.now() - DAY), 0);
  t.is(store.sentPart('s', 9, 0), 'wa-old');
  store.saveMessage('s', 'wa-new', 10, 90, true);
  t.is(store.chatwootIdOf('s', 'wa-new'), 10);
});
