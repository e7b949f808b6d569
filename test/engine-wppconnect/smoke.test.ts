/**
 * The real engine against Debian's Chromium on a machine without Internet: start-session must end
 * CLOSED with a reason within the start timeout, leave no Chromium of the session behind and clear
 * its profile lock, so that a second start behaves the same (no "browser is already running").
 */
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { profileProcesses } from '../../plugins/engine-wppconnect/browser.ts';
import { startDaemon, waitFor } from '../helpers/daemon.ts';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/google-chrome'].find((file) => fs.existsSync(file));
const START_TIMEOUT_MS = 15_000;

const smoke = CHROMIUM ? test.serial : test.serial.skip;

smoke('without network, start-session ends CLOSED with a reason, twice, and leaves no Chromium', async (t) => {
  t.timeout(4 * START_TIMEOUT_MS);
  const d = await startDaemon({
    config: {
      engine: 'wppconnect',
      plugins: { 'engine-wppconnect': { chromiumPath: CHROMIUM, startTimeoutMs: START_TIMEOUT_MS } },
    },
  });
  t.teardown(() => d.close());
  const sessionDir = path.join(d.dataDir, 'sessions', 'smoke');

  for (const round of [1, 2]) {
    const started = Date.now();
    const res = await d.api('smoke', 'POST', 'start-session', {});
    t.is(res.status, 200, `round ${round}: start-session answers at once`);
    const closed = await waitFor(async () => {
      const { body } = await d.api('smoke', 'GET', 'status-session');
      return body.status === 'CLOSED' ? body : undefined;
    }, START_TIMEOUT_MS + 10_000);
    const elapsed = Date.now() - started;
    const session = d.daemon.sessions.get('smoke');
    t.log(`round ${round}: CLOSED after ${elapsed} ms: ${session?.closeReason}`);
    t.truthy(session?.closeReason, 'a reason is recorded');
    t.regex(session?.closeReason ?? '', /start (failed|timed out)/);
    t.notRegex(session?.closeReason ?? '', /already running/i);
    t.deepEqual(profileProcesses(sessionDir), [], `round ${round}: no Chromium process left`);
    t.false(fs.existsSync(path.join(sessionDir, 'SingletonLock')), 'the profile lock is gone');
  }
  const reasons = d.logs().filter((line) => line.msg === 'session status' && line.status === 'CLOSED');
  t.is(reasons.length, 2, 'the reason is in the logs');
});
