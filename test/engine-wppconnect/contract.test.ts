import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { Message } from '@wppconnect-team/wppconnect';
import test from 'ava';
import pino from 'pino';
import type { EngineStartOptions } from '../../core/index.ts';
import { StartSlots } from '../../plugins/engine-wppconnect/adapter.ts';
import { findBrowser } from '../../plugins/engine-wppconnect/browser.ts';
import { pinoBackedLibraryLogger } from '../../plugins/engine-wppconnect/library.ts';
import {
  type CreateCall,
  FakeLibrary,
  fakeEngine,
  type ListenerName,
  type ListenerPayload,
  recordingCallbacks,
  testConfig,
  until,
} from './fake-library.ts';

function startOptions(callbacks: EngineStartOptions['callbacks'], extra: Partial<EngineStartOptions> = {}) {
  return {
    session: 's1',
    sessionDir: path.join(os.tmpdir(), `wppd-engine-test-${process.pid}-${Math.random()}`),
    deviceName: 'Dev',
    poweredBy: 'Powered',
    callbacks,
    ...extra,
  } satisfies EngineStartOptions;
}

async function connect(call: CreateCall): Promise<void> {
  call.options.catchQR?.('data:image/png;base64,AAAA', 'ascii', 1, 'ref-1');
  call.status('qrReadSuccess');
  call.status('inChat');
  call.resolve();
}

test('create() gets deterministic, quiet, non-blocking options and the browser wppd launched', async (t) => {
  const library = new FakeLibrary();
  const engine = fakeEngine(library, testConfig({ autoCloseMs: 1234, browserArgs: '--foo, --bar' }));
  const { callbacks } = recordingCallbacks();
  const opts = startOptions(callbacks, { proxy: { url: 'http://proxy:3128', username: 'u' } });
  const session = await engine.start(opts);
  const call = await library.create(1);
  const o = call.options;
  t.is(o.session, 's1');
  t.false(o.useChrome);
  t.false(o.updatesLog);
  t.true(o.disableWelcome);
  t.false(o.logQR);
  t.true(o.waitForLogin, 'login statuses need waitForLogin; create runs in the background');
  t.is(o.autoClose, 1234);
  t.is(o.deviceName, 'Dev');
  t.is(o.poweredBy, 'Powered');
  t.deepEqual(o.proxy, { url: 'http://proxy:3128', username: 'u', password: '' });
  t.truthy(o.browser);
  t.truthy(o.page);
  const launch = library.launches[0]!;
  t.is(launch.executablePath, '/usr/bin/true');
  t.is(launch.userDataDir, path.resolve(opts.sessionDir));
  t.true(launch.args?.includes('--foo') && launch.args.includes('--bar'));
  t.true(launch.args?.includes('--proxy-server=http://proxy:3128'));
  t.is(launch.args?.includes('--no-sandbox'), process.getuid?.() === 0, '--no-sandbox exactly when root');
  await session.close();
});

test('a pairing-code login passes the phone and drops deviceName/poweredBy (wppconnect #1687)', async (t) => {
  const library = new FakeLibrary();
  const engine = fakeEngine(library);
  const { callbacks, calls } = recordingCallbacks();
  const session = await engine.start(startOptions(callbacks, { phone: '5521999999999' }));
  const call = await library.create(1);
  t.is(call.options.phoneNumber, '5521999999999');
  t.false(call.options.deviceName);
  t.is(call.options.poweredBy, undefined);
  call.options.catchLinkCode?.('ABCD-EFGH');
  t.deepEqual(calls, [['linkCode', 'ABCD-EFGH']]);
  await session.close();
});

test('QR, statusFind and login reach the callbacks; the client is the library client', async (t) => {
  const library = new FakeLibrary();
  const engine = fakeEngine(library);
  const { callbacks, calls } = recordingCallbacks();
  const session = await engine.start(startOptions(callbacks));
  t.deepEqual(session.client, {}, 'no client before login');
  t.false(await session.isConnected());
  const call = await library.create(1);
  call.status('notLogged');
  call.options.catchQR?.('data:image/png;base64,AAAA', 'ascii', 1, 'ref-1');
  call.options.catchQR?.('data:image/png;base64,BBBB', 'ascii', 2, 'ref-2');
  call.status('desconnectedMobile' as never); // the old spelling is accepted too
  call.status('somethingNew');
  await connect(call);
  await until(() => calls.some((c) => c[0] === 'connected'));
  t.deepEqual(calls.slice(0, 4), [
    ['status', 'notLogged'],
    ['qr', 'ref-1', 1],
    ['qr', 'ref-2', 2],
    ['status', 'desconnectedMobile'],
  ]);
  t.true(
    calls.every((c) => c[1] !== 'somethingNew'),
    'unknown statuses are logged, not forwarded',
  );
  t.is(session.client, call.client.asClient() as never);
  t.true(await session.isConnected());
  call.client.connected = false;
  t.false(await session.isConnected(), 'asks the engine, not a cached flag');
  await session.close();
});

test('every library listener becomes its core event, and CONFLICT/UNLAUNCHED take the session back', async (t) => {
  const library = new FakeLibrary();
  const engine = fakeEngine(library);
  const { callbacks, calls } = recordingCallbacks();
  const session = await engine.start(startOptions(callbacks));
  const call = await library.create(1);
  await connect(call);
  await until(() => calls.some((c) => c[0] === 'connected'));
  const client = call.client;
  const message = { id: 'false_1@c.us_X', body: 'hi' } as Message;
  const cases: { [K in ListenerName]: [string, ListenerPayload<K>] } = {
    onMessage: ['onmessage', message],
    onAnyMessage: ['onanymessage', message],
    onAck: ['onack', { id: { _serialized: 'x' }, ack: 3 } as never],
    onMessageEdit: ['onmessageedit', { id: 'x' } as never],
    onRevokedMessage: ['onrevokedmessage', { id: 'x' } as never],
    onReactionMessage: ['onreactionmessage', { id: 'x' } as never],
    onPollResponse: ['onpollresponse', { msgId: 'x' } as never],
    onParticipantsChanged: ['onparticipantschanged', { groupId: 'g@g.us', action: 'add' } as never],
    onPresenceChanged: ['onpresencechanged', { id: '1@c.us' } as never],
    onUpdateLabel: ['onupdatelabel', { type: 'add' } as never],
    onIncomingCall: ['incomingcall', { id: 'call1' } as never],
    onLiveLocation: ['location', { id: '1@c.us', type: 'enable' } as never],
    onStateChange: ['onstatechange', 'CONFLICT' as never],
  };
  for (const [listener, [eventName, payload]] of Object.entries(cases) as [ListenerName, [string, never]][]) {
    calls.length = 0;
    client.fire(listener, payload);
    const expected = listener === 'onStateChange' ? { state: 'CONFLICT' } : payload;
    t.deepEqual(calls, [['event', eventName, expected]], listener);
  }
  await until(() => client.calls.includes('useHere'));
  client.calls.length = 0;
  client.fire('onStateChange', 'CONNECTED' as never);
  client.fire('onStateChange', 'UNLAUNCHED' as never);
  await until(() => client.calls.includes('useHere'));
  t.deepEqual(client.calls, ['useHere'], 'only CONFLICT/UNLAUNCHED call useHere');
  await session.close();
  t.is(client.listeners.size, 0, 'listeners are removed when the run ends');
});

test('a start that fails before any sign of life closes the session with the reason, without restart', async (t) => {
  const library = new FakeLibrary();
  const engine = fakeEngine(library);
  const { callbacks, calls } = recordingCallbacks();
  await engine.start(startOptions(callbacks));
  const call = await library.create(1);
  call.reject(new Error('net::ERR_NAME_NOT_RESOLVED at https://web.whatsapp.com'));
  await until(() => calls.some((c) => c[0] === 'closed'));
  t.deepEqual(calls, [
    ['closed', 'start failed: net::ERR_NAME_NOT_RESOLVED at https://web.whatsapp.com', undefined],
  ]);
  t.is(library.creates.length, 1);
  t.deepEqual(library.browsersClosed, [1], 'the browser wppd launched is closed');
  t.true(call.client.page.closed, 'the page is closed, so the library stops its timers');
});

test('a start that hangs is stopped by the start timeout with a clear reason', async (t) => {
  const library = new FakeLibrary();
  const engine = fakeEngine(library, testConfig({ startTimeoutMs: 50 }));
  const { callbacks, calls } = recordingCallbacks();
  await engine.start(startOptions(callbacks));
  await until(() => calls.some((c) => c[0] === 'closed'));
  const closed = calls.find((c) => c[0] === 'closed')!;
  t.regex(String(closed[1]), /start timed out: no QR code, pairing code or login within 50 ms/);
  t.deepEqual(library.browsersClosed, [1]);
});

test('no browser: start() rejects at once with a message naming WPPD_CHROMIUM_PATH', async (t) => {
  const engine = fakeEngine(new FakeLibrary(), testConfig(), {
    findBrowser: () => findBrowser({ configured: '', env: {}, systemPaths: ['/nonexistent/chromium'] }),
  });
  const { callbacks } = recordingCallbacks();
  await t.throwsAsync(engine.start(startOptions(callbacks)), { message: /WPPD_CHROMIUM_PATH/ });
});

test('a crash after login restarts with backoff, then gives up after maxAttempts', async (t) => {
  const library = new FakeLibrary();
  const restarts: string[] = [];
  const engine = fakeEngine(library, testConfig(), {
    observer: { restarted: (_s, cause) => restarts.push(cause), watchdogFailed: () => undefined },
  });
  const { callbacks, calls } = recordingCallbacks();
  const session = await engine.start(startOptions(callbacks));
  for (const n of [1, 2, 3]) {
    const call = await library.create(n);
    await connect(call);
    await until(() => session.client === (call.client.asClient() as never));
    call.status('browserClose');
  }
  await until(() => calls.some((c) => c[0] === 'closed'));
  const kinds = calls.filter((c) => c[0] === 'restarting' || c[0] === 'closed' || c[0] === 'connected');
  t.deepEqual(
    kinds.map((c) => c[0]),
    ['connected', 'restarting', 'connected', 'restarting', 'connected', 'closed'],
  );
  t.regex(String(kinds[1]![1]), /browser closed unexpectedly; restarting in 10 ms \(attempt 1 of 2\)/);
  t.regex(String(kinds[3]![1]), /restarting in 20 ms \(attempt 2 of 2\)/, 'the wait doubles');
  t.regex(String(kinds[5]![1]), /not restarted again after 2 restarts/);
  t.deepEqual(restarts, ['crashed', 'crashed']);
  t.deepEqual(library.browsersClosed, [1, 2, 3]);
});

test('autoClose and logout from the phone are final: the session closes, it is not restarted', async (t) => {
  const library = new FakeLibrary();
  const engine = fakeEngine(library);
  const first = recordingCallbacks();
  await engine.start(startOptions(first.callbacks, { session: 'a' }));
  const a = await library.create(1);
  a.options.catchQR?.('x', 'x', 1, 'ref');
  a.status('autocloseCalled');
  a.status('browserClose');
  a.reject(new Error('Auto Close Called'));
  await until(() => first.calls.some((c) => c[0] === 'closed'));
  t.deepEqual(first.calls.at(-1), ['closed', 'autocloseCalled', undefined]);

  const second = recordingCallbacks();
  await engine.start(startOptions(second.callbacks, { session: 'b' }));
  const b = await library.create(2);
  await connect(b);
  await until(() => second.calls.some((c) => c[0] === 'connected'));
  b.status('disconnectedMobile');
  b.status('browserClose');
  await until(() => second.calls.some((c) => c[0] === 'closed'));
  t.deepEqual(second.calls.at(-1), ['closed', 'disconnectedMobile', { loggedOut: true }]);
  t.is(library.creates.length, 2, 'no restart');
});

test('the watchdog reports a hung page and restarts it', async (t) => {
  const library = new FakeLibrary();
  let failures = 0;
  const engine = fakeEngine(
    library,
    testConfig({ watchdog: { intervalMs: 10, timeoutMs: 20, failures: 2 } }),
    {
      observer: { restarted: () => undefined, watchdogFailed: () => failures++ },
    },
  );
  const { callbacks, calls } = recordingCallbacks();
  const session = await engine.start(startOptions(callbacks));
  const call = await library.create(1);
  await connect(call);
  await until(() => calls.some((c) => c[0] === 'connected'));
  await new Promise((resolve) => setTimeout(resolve, 60));
  t.false(
    calls.some((c) => c[0] === 'restarting'),
    'an answering page is left alone',
  );
  call.client.page.hung = true;
  await until(() => calls.some((c) => c[0] === 'restarting'));
  t.true(calls.some((c) => c[0] === 'status' && c[1] === 'pageUnresponsive'));
  t.regex(
    String(calls.find((c) => c[0] === 'restarting')![1]),
    /the page stopped answering \(2 checks in a row\)/,
  );
  t.true(failures >= 2);
  const second = await library.create(2);
  await connect(second);
  await until(() => calls.filter((c) => c[0] === 'connected').length === 2);
  await session.close();
});

test('close() during a start stops it: no callbacks afterwards, the browser is closed', async (t) => {
  const library = new FakeLibrary();
  const engine = fakeEngine(library);
  const { callbacks, calls } = recordingCallbacks();
  const session = await engine.start(startOptions(callbacks));
  const call = await library.create(1);
  await session.close();
  call.options.catchQR?.('x', 'x', 1, 'late');
  call.resolve();
  await new Promise((resolve) => setTimeout(resolve, 20));
  t.deepEqual(calls, []);
  t.deepEqual(library.browsersClosed, [1]);
  t.deepEqual(engine.liveSessions(), []);
});

test('logout() unlinks through the client, then closes', async (t) => {
  const library = new FakeLibrary();
  const engine = fakeEngine(library);
  const { callbacks, calls } = recordingCallbacks();
  const session = await engine.start(startOptions(callbacks));
  const call = await library.create(1);
  await connect(call);
  await until(() => calls.some((c) => c[0] === 'connected'));
  await session.logout();
  t.deepEqual(call.client.calls, ['logout']);
  t.deepEqual(library.browsersClosed, [1]);
  t.deepEqual(engine.liveSessions(), []);
});

test('a second start of the same session waits for the first one to be stopped', async (t) => {
  const library = new FakeLibrary();
  const engine = fakeEngine(library);
  const first = recordingCallbacks();
  await engine.start(startOptions(first.callbacks));
  await library.create(1);
  const second = recordingCallbacks();
  await engine.start(startOptions(second.callbacks));
  await library.create(2);
  t.deepEqual(library.browsersClosed, [1], 'the first browser was closed before the second launched');
  await engine.shutdown();
  t.deepEqual(library.browsersClosed, [1, 2]);
});

test('start slots: at most maxConcurrentStarts browsers start at once; a sign of life frees the slot', async (t) => {
  const library = new FakeLibrary();
  const engine = fakeEngine(library, testConfig({ maxConcurrentStarts: 1 }));
  const a = recordingCallbacks();
  const b = recordingCallbacks();
  await engine.start(startOptions(a.callbacks, { session: 'a' }));
  await engine.start(startOptions(b.callbacks, { session: 'b' }));
  const first = await library.create(1);
  await new Promise((resolve) => setTimeout(resolve, 30));
  t.is(library.launches.length, 1, 'b waits');
  first.options.catchQR?.('x', 'x', 1, 'qr-a');
  await library.create(2);
  t.is(library.launches.length, 2);
  await engine.shutdown();
});

test('StartSlots: an aborted wait gives no slot and does not leak one', async (t) => {
  const slots = new StartSlots(1);
  const release = await slots.acquire(new AbortController().signal);
  const controller = new AbortController();
  const waiting = slots.acquire(controller.signal);
  controller.abort();
  t.is(await waiting, undefined);
  release?.();
  t.is(slots.inUse, 0);
});

test('findBrowser: setting, PUPPETEER_EXECUTABLE_PATH, puppeteer download, system paths', (t) => {
  const node = process.execPath;
  t.is(findBrowser({ configured: node, env: {} }), node);
  t.throws(() => findBrowser({ configured: '/nope/chromium', env: {} }), { message: /WPPD_CHROMIUM_PATH/ });
  t.is(findBrowser({ configured: '', env: { PUPPETEER_EXECUTABLE_PATH: node }, systemPaths: [] }), node);
  t.is(findBrowser({ configured: '', env: {}, puppeteerBrowser: () => node, systemPaths: [] }), node);
  t.is(
    findBrowser({ configured: '', env: {}, puppeteerBrowser: () => '/not/downloaded', systemPaths: [node] }),
    node,
  );
  t.throws(() => findBrowser({ configured: '', env: {}, systemPaths: ['/nope'] }), {
    message: /No Chromium found.*WPPD_CHROMIUM_PATH/,
  });
});

test('the library logger is winston-shaped and writes to pino, never to the console', (t) => {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const log = pino({ level: 'trace' }, destination).child({ session: 's1' });
  const libraryLogger = pinoBackedLibraryLogger(log);
  libraryLogger.info('Initializing browser...', { session: 's1', type: 'browser' });
  libraryLogger.http('checking headless...');
  libraryLogger.error('boom');
  t.deepEqual(
    lines.map((l) => [l.level, l.msg, l.session, l.libraryArea]),
    [
      [30, 'Initializing browser...', 's1', 'browser'],
      [20, 'checking headless...', 's1', undefined],
      [50, 'boom', 's1', undefined],
    ],
  );
});
