/**
 * The adapter inside a real daemon (core SessionManager, routes, events, /metrics), with the library
 * replaced by the fake: statuses follow behaviour §B, a crash goes back to INITIALIZING and
 * reconnects, and the engine's metrics are exported.
 */
import test from 'ava';
import { definePlugin } from '../../core/index.ts';
import { startDaemon, waitFor } from '../helpers/daemon.ts';
import { FakeLibrary, fakeEngine, testConfig } from './fake-library.ts';

async function daemonWithFakeLibrary(library: FakeLibrary) {
  const plugin = definePlugin({
    name: 'engine-wppconnect',
    version: '1.0.0',
    core: '^1.0.0',
    register(api) {
      api.provideEngine(
        fakeEngine(library, testConfig({ restart: { maxAttempts: 3, backoffMs: 10, backoffMaxMs: 10 } })),
      );
    },
  });
  return startDaemon({
    builtins: { 'engine-wppconnect': async () => ({ default: plugin }) },
    config: { engine: 'wppconnect' },
  });
}

test('INITIALIZING → QRCODE → CONNECTED; a crash → INITIALIZING (with the reason) → CONNECTED again', async (t) => {
  const library = new FakeLibrary();
  const d = await daemonWithFakeLibrary(library);
  t.teardown(() => d.close());
  const statuses = () => (async () => (await d.api('s', 'GET', 'status-session')).body)();

  const started = await d.api('s', 'POST', 'start-session', { webhook: '' });
  t.is(started.status, 200);
  const call = await library.create(1);
  t.is((await statuses()).status, 'INITIALIZING');
  call.status('notLogged');
  call.options.catchQR?.('data:image/png;base64,AAAA', 'ascii', 1, '2@abc');
  const qr = await waitFor(async () => {
    const body = await statuses();
    return body.status === 'QRCODE' && body.qrcode ? body : undefined;
  });
  t.is(qr.urlcode, '2@abc');
  call.status('qrReadSuccess');
  call.resolve();
  await waitFor(async () => (await statuses()).status === 'CONNECTED' || undefined);
  t.deepEqual((await d.api('s', 'GET', 'check-connection-session')).body, {
    status: true,
    message: 'Connected',
  });

  call.status('browserClose');
  const restarting = await waitFor(async () => {
    const line = d.logs().find((l) => l.msg === 'session status' && l.status === 'INITIALIZING' && l.reason);
    return line;
  });
  t.regex(String(restarting.reason), /browser closed unexpectedly; restarting/);
  const second = await library.create(2);
  second.status('isLogged');
  second.resolve();
  await waitFor(async () => (await statuses()).status === 'CONNECTED' || undefined);
  const findings = d
    .logs()
    .filter((l) => l.msg === 'session status')
    .map((l) => l.status);
  t.deepEqual(findings, ['INITIALIZING', 'QRCODE', 'CONNECTED', 'INITIALIZING', 'CONNECTED']);

  const closed = await d.api('s', 'POST', 'close-session');
  t.is(closed.status, 200);
  t.deepEqual(library.browsersClosed, [1, 2]);
});

test('the engine reports autoClose: the session ends CLOSED with the reason', async (t) => {
  const library = new FakeLibrary();
  const d = await daemonWithFakeLibrary(library);
  t.teardown(() => d.close());
  await d.api('q', 'POST', 'start-session', {});
  const call = await library.create(1);
  call.options.catchQR?.('x', 'x', 1, 'ref');
  call.status('autocloseCalled');
  call.reject(new Error('Auto Close Called'));
  const body = await waitFor(async () => {
    const status = (await d.api('q', 'GET', 'status-session')).body;
    return status.status === 'CLOSED' ? status : undefined;
  });
  t.is(body.reason, 'autocloseCalled');
  await waitFor(async () => library.browsersClosed.length === 1 || undefined);
});

test('/metrics exports the engine gauges when wppconnect is the engine', async (t) => {
  const d = await startDaemon({ config: { engine: 'wppconnect' } });
  t.teardown(() => d.close());
  const text = await (await fetch(`${d.url}/metrics`)).text();
  for (const name of [
    'wppd_engine_browser_rss_bytes',
    'wppd_engine_browser_processes',
    'wppd_engine_page_responsive',
    'wppd_engine_restarts_total',
    'wppd_engine_watchdog_failures_total',
    'wppd_engine_starting_browsers',
  ])
    t.true(text.includes(`# HELP ${name}`), name);
});

test('no usable browser: the session ends CLOSED naming WPPD_CHROMIUM_PATH, and the daemon stays up', async (t) => {
  const d = await startDaemon({
    config: {
      engine: 'wppconnect',
      plugins: { 'engine-wppconnect': { chromiumPath: '/nonexistent/chromium' } },
    },
  });
  t.teardown(() => d.close());
  const started = await d.api('nob', 'POST', 'start-session', {});
  t.is(started.status, 200);
  const body = await waitFor(async () => {
    const status = (await d.api('nob', 'GET', 'status-session')).body;
    return status.status === 'CLOSED' ? status : undefined;
  });
  t.regex(body.reason, /WPPD_CHROMIUM_PATH is set to \/nonexistent\/chromium/);
  t.is((await fetch(`${d.url}/healthz`)).status, 200);
});
