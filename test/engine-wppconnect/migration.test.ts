/**
 * Migration from a wppconnect-server install: its tokens/ (fixture in wppconnect-server's own
 * format) and userDataDir/ folders are imported at boot, so the sessions are listed with their
 * stored start-session config and their browser profiles are in place (no new QR).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { SECRET, startDaemon } from '../helpers/daemon.ts';

const FIXTURE = path.resolve('test/fixtures/wppconnect-tokens');
const PROFILE_DB = path.join('Default', 'IndexedDB', 'https_web.whatsapp.com_0.indexeddb.leveldb', 'CURRENT');

/** A throwaway copy of the old install (the migration may move files out of it). */
function oldInstall(): { tokensDir: string; userDataDir: string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'wppd-old-server-'));
  fs.cpSync(FIXTURE, root, { recursive: true });
  // A lock left by the old server's Chromium: must not travel with the profile.
  fs.symlinkSync('oldhost-12345', path.join(root, 'userDataDir', 'sales', 'SingletonLock'));
  return { tokensDir: path.join(root, 'tokens'), userDataDir: path.join(root, 'userDataDir') };
}

function wppconnectDaemon(migration: Record<string, unknown>, dataDir?: string) {
  return startDaemon({
    dataDir,
    config: { engine: 'wppconnect', plugins: { 'engine-wppconnect': { migration } } },
  });
}

async function showAll(url: string): Promise<string[]> {
  const res = await fetch(`${url}/api/${SECRET}/show-all-sessions`);
  return ((await res.json()) as { response: string[] }).response;
}

test('tokens/ and userDataDir/ are imported: listed, configs restored, profiles in place', async (t) => {
  const old = oldInstall();
  const d = await wppconnectDaemon(old);
  t.teardown(() => d.close());

  t.deepEqual(await showAll(d.url), ['legacy', 'sales'], 'invalid names and broken files are skipped');
  const sales = d.daemon.sessions.get('sales');
  t.deepEqual(sales?.config, {
    webhook: 'https://hooks.example.com/wpp',
    waitQrCode: false,
    chatWoot: {
      baseURL: 'https://chat.example.com',
      token: 'cw-token',
      account_id: '1',
      inbox_id: '2',
      mobile_name: 'Sales',
      mobile_number: '5521999999999',
    },
  });
  t.deepEqual(d.daemon.sessions.get('legacy')?.config, { webhook: 'https://old.example.com/hook' });

  const profile = path.join(d.dataDir, 'sessions', 'sales');
  t.true(fs.existsSync(path.join(profile, PROFILE_DB)), 'the WhatsApp login travelled with the profile');
  t.false(fs.existsSync(path.join(profile, 'SingletonLock')) || isLink(path.join(profile, 'SingletonLock')));
  t.true(
    fs.existsSync(path.join(old.userDataDir, 'sales', PROFILE_DB)),
    'copied, the old install is untouched',
  );
  t.false(fs.existsSync(path.join(d.dataDir, 'sessions', 'legacy')), 'no profile, nothing invented');

  const skipped = d.logs().filter((line) => line.msg === 'wppconnect-server session not imported');
  t.deepEqual(skipped.map((line) => line.session).sort(), ['bad name!', 'broken']);
});

test('each session is imported once: a session deleted in wppd does not come back at the next boot', async (t) => {
  const old = oldInstall();
  const first = await wppconnectDaemon(old);
  const dataDir = first.dataDir;
  const cleared = await fetch(`${first.url}/api/legacy/${SECRET}/clear-session-data`, { method: 'POST' });
  t.is(cleared.status, 200);
  await first.close();

  const second = await wppconnectDaemon(old, dataDir);
  t.teardown(() => second.close());
  t.deepEqual(await showAll(second.url), ['sales']);
});

test('move: profiles are moved out of the old install', async (t) => {
  const old = oldInstall();
  const d = await wppconnectDaemon({ ...old, move: true });
  t.teardown(() => d.close());
  t.true(fs.existsSync(path.join(d.dataDir, 'sessions', 'sales', PROFILE_DB)));
  t.false(fs.existsSync(path.join(old.userDataDir, 'sales')));
  t.false(isLink(path.join(d.dataDir, 'sessions', 'sales', 'SingletonLock')), 'the old lock is dropped');
});

function isLink(file: string): boolean {
  try {
    return fs.lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}
