import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import Database from 'better-sqlite3';
import { createLogger } from '../../core/logger.ts';
import { Outbox } from '../../plugins/webhooks/outbox.ts';

const SETTINGS = {
  timeoutMs: 1000,
  initialDelayMs: 10,
  maxDelayMs: 100,
  giveUpAfterMs: 60_000,
  retentionMs: 60_000,
  pipelining: 1,
};

test('rows enqueued in one event-loop turn are committed together when it ends; committed() says when', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wppd-outbox-'));
  const file = path.join(dir, 'outbox.sqlite');
  const outbox = new Outbox(file, SETTINGS, createLogger('silent'));
  outbox.open();
  // Attempts wait until the outbox closes: the test looks at the rows, not at deliveries.
  outbox.registerDeliverer(
    'test',
    (_record, signal) =>
      new Promise((resolve) =>
        signal.addEventListener('abort', () => resolve({ ok: false, retry: true, error: 'closed' })),
      ),
  );
  const reader = new Database(file, { readonly: true });
  t.teardown(async () => {
    reader.close();
    await outbox.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const pending = () => (reader.prepare('SELECT COUNT(*) AS n FROM deliveries').get() as { n: number }).n;

  t.is(outbox.committed(), undefined, 'nothing to wait for before any row');
  for (const n of [1, 2, 3])
    outbox.enqueue({ session: 's', target: 'test', url: 'http://127.0.0.1:9/', body: { n } });
  t.is(outbox.list({ session: 's' }).length, 3, 'the outbox reads its own rows at once');
  t.is(pending(), 0, 'another connection sees nothing before the commit');
  const committed = outbox.committed();
  t.truthy(committed);
  await committed;
  t.is(pending(), 3, 'all three are in the file after the commit');
  t.is(outbox.committed(), undefined);
});
