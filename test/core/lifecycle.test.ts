import test from 'ava';
import { SECRET, startDaemon, waitFor } from '../helpers/daemon.ts';

test('start-session: INITIALIZING → QRCODE (a real PNG) → CONNECTED after the scan', async (t) => {
  const d = await startDaemon();
  t.teardown(() => d.close());
  const started = await d.api('s', 'POST', 'start-session', {});
  t.is(started.status, 200);
  t.true(['INITIALIZING', 'QRCODE'].includes(started.body.status));

  const qr = await waitFor(async () => {
    const { body } = await d.api('s', 'GET', 'status-session');
    return body.status === 'QRCODE' && body.qrcode ? body : undefined;
  });
  t.regex(qr.qrcode, /^data:image\/png;base64,/);
  t.truthy(qr.urlcode);

  const png = await fetch(`${d.url}/api/s/qrcode-session`, {
    headers: { authorization: `Bearer ${await d.token('s')}` },
  });
  t.is(png.headers.get('content-type'), 'image/png');
  const bytes = Buffer.from(await png.arrayBuffer());
  t.deepEqual([...bytes.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);

  t.is((await d.api('s', 'POST', 'sandbox/scan')).status, 200);
  const connected = await d.api('s', 'GET', 'status-session');
  t.is(connected.body.status, 'CONNECTED');
  t.is(connected.body.qrcode, null, 'no stale QR after connecting');
  t.deepEqual((await d.api('s', 'GET', 'check-connection-session')).body, {
    status: true,
    message: 'Connected',
  });
  const noQr = await d.api('s', 'GET', 'qrcode-session');
  t.deepEqual(noQr.body, { status: 'CONNECTED', message: 'QRCode is not available...' });
});

test('waitQrCode answers with the QR instead of hanging', async (t) => {
  const d = await startDaemon();
  t.teardown(() => d.close());
  const res = await d.api('w', 'POST', 'start-session', { waitQrCode: true });
  t.is(res.status, 200);
  t.is(res.body.status, 'qrcode');
  t.is(res.body.session, 'w');
  t.regex(res.body.qrcode, /^[A-Za-z0-9+/=]+$/, 'base64 without the data: prefix');
});

test('waitQrCode on a session whose login is stored answers CONNECTED instead of hanging', async (t) => {
  const d = await startDaemon();
  t.teardown(() => d.close());
  await d.connect('w');
  await d.api('w', 'POST', 'close-session');
  const res = await d.api('w', 'POST', 'start-session', { waitQrCode: true });
  t.is(res.status, 200);
  t.is(res.body.status, 'CONNECTED');
});

test('waitQrCode times out with a clear error when the engine never shows a QR', async (t) => {
  const d = await startDaemon({
    config: {
      engine: 'silent',
      waitQrCodeTimeoutMs: 50,
      plugins: { 'engine-silent': { resolve: './test/fixtures/plugins/engine-silent/index.ts' } },
    },
  });
  t.teardown(() => d.close());
  const res = await d.api('slow', 'POST', 'start-session', { waitQrCode: true });
  t.is(res.status, 408);
  t.regex(res.body.message, /^Timed out waiting for a QR code/);
  t.is((await d.api('slow', 'GET', 'status-session')).body.status, 'INITIALIZING');
});

test('with phone, the session shows an 8-character pairing code, then connects', async (t) => {
  const d = await startDaemon();
  t.teardown(() => d.close());
  const res = await d.api('p', 'POST', 'start-session', { phone: '5511987654321', waitQrCode: true });
  t.is(res.status, 200);
  t.is(res.body.status, 'phoneCode');
  t.is(res.body.phone, '5511987654321');
  t.regex(res.body.phoneCode, /^[A-Z0-9]{8}$/);
  t.is((await d.api('p', 'GET', 'status-session')).body.status, 'PHONECODE');
  await d.api('p', 'POST', 'sandbox/scan');
  t.is((await d.api('p', 'GET', 'status-session')).body.status, 'CONNECTED');
  const network = d.daemon.container.resolve<{ phone(s: string): { number: string } }>(
    'engine-sandbox:network',
  );
  t.is(network.phone('p').number, '5511987654321');
});

test('autoscan connects the sandbox session on its own', async (t) => {
  const d = await startDaemon({ config: { plugins: { 'engine-sandbox': { autoscanMs: 20 } } } });
  t.teardown(() => d.close());
  await d.api('auto', 'POST', 'start-session', {});
  await waitFor(
    async () => (await d.api('auto', 'GET', 'status-session')).body.status === 'CONNECTED' || undefined,
  );
  t.pass();
});

test('a restart brings stored sessions back CONNECTED without a new scan, with their settings', async (t) => {
  const first = await startDaemon();
  await first.connect('persist', { webhook: 'http://127.0.0.1:9/hook' });
  await first.close();

  const second = await startDaemon({ dataDir: first.dataDir, config: { startAllSession: true } });
  t.teardown(() => second.close());
  await waitFor(
    async () =>
      (await second.api('persist', 'GET', 'status-session')).body.status === 'CONNECTED' || undefined,
  );
  t.is(second.daemon.sessions.get('persist')?.config.webhook, 'http://127.0.0.1:9/hook');
  const all = await fetch(`${second.url}/api/${SECRET}/show-all-sessions`);
  t.deepEqual(await all.json(), { response: ['persist'] });
});

test('close-session keeps the login; logout-session and clear-session-data forget the session', async (t) => {
  const d = await startDaemon();
  t.teardown(() => d.close());
  await d.connect('a');
  t.deepEqual((await d.api('a', 'POST', 'close-session')).body, {
    status: true,
    message: 'Session successfully closed',
  });
  t.deepEqual((await d.api('a', 'GET', 'status-session')).body, { status: 'CLOSED', qrcode: null });
  t.deepEqual((await d.api('a', 'GET', 'check-connection-session')).body, {
    status: false,
    message: 'Disconnected',
  });
  await d.api('a', 'POST', 'start-session', {});
  await waitFor(
    async () => (await d.api('a', 'GET', 'status-session')).body.status === 'CONNECTED' || undefined,
  );

  t.deepEqual((await d.api('a', 'POST', 'logout-session')).body, {
    status: true,
    message: 'Session successfully closed',
  });
  const list = await fetch(`${d.url}/api/${SECRET}/show-all-sessions`);
  t.deepEqual(await list.json(), { response: [] });
  await d.api('a', 'POST', 'start-session', {});
  await waitFor(
    async () => (await d.api('a', 'GET', 'status-session')).body.status === 'QRCODE' || undefined,
  );

  await d.connect('b');
  const cleared = await fetch(`${d.url}/api/b/${SECRET}/clear-session-data`, { method: 'POST' });
  t.deepEqual(await cleared.json(), { success: true });
  const after = await fetch(`${d.url}/api/${SECRET}/show-all-sessions`);
  t.false(((await after.json()) as { response: string[] }).response.includes('b'));
});

test('start-all starts every stored session', async (t) => {
  const first = await startDaemon();
  await first.connect('one');
  await first.connect('two');
  await first.close();
  const d = await startDaemon({ dataDir: first.dataDir });
  t.teardown(() => d.close());
  const res = await fetch(`${d.url}/api/${SECRET}/start-all`, { method: 'POST' });
  t.is(res.status, 201);
  t.deepEqual(await res.json(), { status: 'success', message: 'Starting all sessions' });
  for (const name of ['one', 'two'])
    await waitFor(
      async () => (await d.api(name, 'GET', 'status-session')).body.status === 'CONNECTED' || undefined,
    );
  t.pass();
});

test('/metrics is Prometheus text with a status gauge per session', async (t) => {
  const d = await startDaemon();
  t.teardown(() => d.close());
  await d.connect('gauged');
  const res = await fetch(`${d.url}/metrics`);
  t.is(res.status, 200);
  t.regex(res.headers.get('content-type') ?? '', /^text\/plain/);
  const text = await res.text();
  t.regex(text, /^wppd_session_status\{session="gauged",status="CONNECTED"\} 1$/m);
  t.regex(text, /^process_resident_memory_bytes \d+/m);
});
