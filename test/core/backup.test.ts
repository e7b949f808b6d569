import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import yazl from 'yazl';
import { SECRET, startDaemon, waitFor } from '../helpers/daemon.ts';

async function zipOf(entries: Record<string, string>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, content] of Object.entries(entries)) zip.addBuffer(Buffer.from(content), name);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function restore(url: string, zip: Buffer) {
  const form = new FormData();
  form.append('file', new Blob([zip], { type: 'application/zip' }), 'backup.zip');
  return fetch(`${url}/api/${SECRET}/restore-sessions`, { method: 'POST', body: form });
}

test('a backup restores its sessions and their settings into another daemon', async (t) => {
  const source = await startDaemon();
  t.teardown(() => source.close());
  await source.connect('bk', { webhook: 'http://127.0.0.1:9/hook' });
  fs.writeFileSync(path.join(source.daemon.sessions.sessionDir('bk'), 'profile-file'), 'login data');
  const res = await fetch(`${source.url}/api/${SECRET}/backup-sessions`);
  t.is(res.status, 200);
  t.is(res.headers.get('content-type'), 'application/zip');
  const zip = Buffer.from(await res.arrayBuffer());
  // The session was paused for the copy and comes back.
  await waitFor(
    async () => (await source.api('bk', 'GET', 'status-session')).body.status === 'CONNECTED' || undefined,
  );

  const target = await startDaemon();
  t.teardown(() => target.close());
  const restored = await restore(target.url, zip);
  t.is(restored.status, 200);
  t.like(await restored.json(), { success: true, sessions: ['bk'] });
  t.is(
    fs.readFileSync(path.join(target.daemon.sessions.sessionDir('bk'), 'profile-file'), 'utf8'),
    'login data',
  );
  const list = await fetch(`${target.url}/api/${SECRET}/show-all-sessions`);
  t.deepEqual(await list.json(), { response: ['bk'] });
  t.is(target.daemon.sessions.get('bk')?.config.webhook, 'http://127.0.0.1:9/hook');
});

test('restore refuses entries that would land outside the data dir, and non-zips', async (t) => {
  const d = await startDaemon();
  t.teardown(() => d.close());
  const outside = path.join(path.dirname(d.dataDir), `escape-${path.basename(d.dataDir)}`);
  // yazl refuses to write `..` names, so write a placeholder of the same length and patch the bytes.
  const placeholder = await zipOf({ [`userDataDir/ok/XX/XX/XX/${path.basename(outside)}`]: 'x' });
  const evil = Buffer.from(placeholder.toString('latin1').replaceAll('XX/XX/XX', '../../..'), 'latin1');
  const res = await restore(d.url, evil);
  t.is(res.status, 400);
  t.false(fs.existsSync(outside));
  const badName = await restore(d.url, await zipOf({ 'tokens/.hidden.data.json': '{}' }));
  t.is(badName.status, 400);
  const notZip = await restore(d.url, Buffer.from('not a zip'));
  t.is(notZip.status, 400);
  t.is(((await notZip.json()) as { status: string }).status, 'error');
  t.deepEqual(fs.readdirSync(path.join(d.dataDir, 'tmp', 'uploads')), [], 'the upload was removed');
});

test('backup and restore need the secret key', async (t) => {
  const d = await startDaemon();
  t.teardown(() => d.close());
  t.is((await fetch(`${d.url}/api/wrong/backup-sessions`)).status, 400);
  const form = new FormData();
  form.append('file', new Blob([Buffer.from('x')]), 'b.zip');
  t.is((await fetch(`${d.url}/api/wrong/restore-sessions`, { method: 'POST', body: form })).status, 400);
});
