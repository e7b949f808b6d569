/**
 * The real engine against Debian's Chromium on a machine without Internet: start-session must end
 * CLOSED with a reason within the start timeout, leave no Chromium of the session behind and clear
 * its profile lock, so that a second start behaves the same (no "browser is already running").
 * Skipped only when no Chromium is installed (CI installs Debian's).
 */
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { profileProcesses } from '../../plugins/engine-wppconnect/browser.ts';
import { startDaemon, type TestDaemon, waitFor } from '../helpers/daemon.ts';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/google-chrome'].find((file) => fs.existsSync(file));
const smoke = CHROMIUM ? test.serial : test.serial.skip;

async function twoFailedStarts(
  t: import('ava').ExecutionContext,
  d: TestDaemon,
  session: string,
  limitMs: number,
  expected: RegExp,
  duringStart?: () => Promise<void>,
): Promise<void> {
  const sessionDir = path.join(d.dataDir, 'sessions', session);
  for (const round of [1, 2]) {
    const started = Date.now();
    const res = await d.api(session, 'POST', 'start-session', {});
    t.is(res.status, 200, `round ${round}: start-session answers at once`);
    t.true(Date.now() - started < 2_000, 'the request does not wait for the browser');
    if (round === 1) await duringStart?.();
    const closed = await waitFor(async () => {
      const { body } = await d.api(session, 'GET', 'status-session');
      return body.status === 'CLOSED' ? (body as { reason: string }) : undefined;
    }, limitMs + 10_000);
    const elapsed = Date.now() - started;
    t.log(`round ${round}: CLOSED after ${elapsed} ms: ${closed.reason}`);
    t.true(elapsed < limitMs + 5_000, 'within the start timeout');
    t.regex(closed.reason, expected, 'status-session shows why');
    t.notRegex(closed.reason, /already running/i);
    t.deepEqual(profileProcesses(sessionDir), [], `round ${round}: no Chromium process left`);
    t.false(fs.existsSync(path.join(sessionDir, 'SingletonLock')), 'the profile lock is gone');
  }
  const closings = d.logs().filter((line) => line.msg === 'session status' && line.status === 'CLOSED');
  t.true(
    closings.length >= 2 && closings.every((line) => typeof line.reason === 'string'),
    'the reason is logged',
  );
}

smoke(
  'no network: the page cannot load, start-session ends CLOSED with the browser error, twice',
  async (t) => {
    t.timeout(60_000);
    const d = await startDaemon({
      config: {
        engine: 'wppconnect',
        plugins: { 'engine-wppconnect': { chromiumPath: CHROMIUM, startTimeoutMs: 15_000 } },
      },
    });
    t.teardown(() => d.close());
    await twoFailedStarts(t, d, 'smoke', 15_000, /start failed: net::ERR_NAME_NOT_RESOLVED/);
  },
);

smoke('a page that loads but never becomes WhatsApp is stopped by the start timeout, twice', async (t) => {
  t.timeout(60_000);
  // A pinned version is served from the library's bundled HTML, so navigation succeeds and the start
  // hangs waiting for WhatsApp's scripts: only wppd's start timeout ends it.
  const bundled = fs
    .readdirSync(path.join('node_modules', '@wppconnect', 'wa-version', 'html'))
    .filter((file) => file.endsWith('.html'))
    .at(-1)
    ?.replace(/\.html$/, '');
  if (!bundled) return t.pass('no bundled WhatsApp Web version');
  const d = await startDaemon({
    config: {
      engine: 'wppconnect',
      plugins: {
        'engine-wppconnect': { chromiumPath: CHROMIUM, startTimeoutMs: 4_000, whatsappVersion: bundled },
      },
    },
  });
  t.teardown(() => d.close());
  const rssWhileStarting = async () => {
    const rss = await waitFor(async () => {
      const text = await (await fetch(`${d.url}/metrics`)).text();
      const value = Number(/^wppd_engine_browser_rss_bytes\{session="hung"\} (\d+)/m.exec(text)?.[1] ?? 0);
      return value > 20 * 1024 * 1024 ? value : undefined; // the Chromium tree, not just its launcher
    }, 4_000);
    t.log(`browser tree RSS while starting: ${Math.round(rss / 1024 / 1024)} MiB`);
  };
  await twoFailedStarts(
    t,
    d,
    'hung',
    4_000,
    /start timed out: no QR code, pairing code or login within 4000 ms/,
    rssWhileStarting,
  );
});
