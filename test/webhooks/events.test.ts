import test from 'ava';
import type { EngineEvents } from '../../core/index.ts';
import { startDaemon, type TestDaemon, waitFor } from '../helpers/daemon.ts';
import { Receiver } from './receiver.ts';

async function setup(t: import('ava').ExecutionContext, webhooks: Record<string, unknown> = {}) {
  const receiver = await new Receiver().start();
  const d = await startDaemon({
    config: {
      plugins: { webhooks: { url: receiver.url, retry: { initialDelayMs: 5, maxDelayMs: 20 }, ...webhooks } },
    },
  });
  t.teardown(async () => {
    await d.close();
    await receiver.close();
  });
  return { receiver, d };
}

/** Events the sandbox does not simulate yet are raised the way an engine does: through the bus. */
function raise<K extends keyof EngineEvents>(d: TestDaemon, session: string, name: K, payload: unknown) {
  return d.daemon.events.emit(session, name, payload as never);
}

test('every wppconnect-server webhook event is delivered with its name and payload', async (t) => {
  const { receiver, d } = await setup(t, { onSelfMessage: true, allUnreadOnStart: true });

  // qrcode, status-find, then a connection; then an inbound message (onmessage) and a send (onselfmessage, onack)
  // The QR is rendered asynchronously; a scan before it is out would skip it, so wait for it first.
  await d.api('alice', 'POST', 'start-session', {});
  const qr = await receiver.waitEvent('qrcode');
  const alice = await d.connect('alice');
  t.is(qr.session, 'alice');
  t.regex(String(qr.qrcode), /^iVBORw0KGgo/); // a PNG, base64 without the data: prefix
  t.regex(String(qr.urlcode), /^2@sandbox\//);
  t.false('attempt' in qr);
  const statuses = () => receiver.events('status-find').map((e) => e.status);
  await receiver.until(() => statuses().includes('inChat'));
  t.true(statuses().includes('notLogged'));
  t.true(statuses().includes('qrReadSuccess'));

  const inbound = await d.api('alice', 'POST', 'sandbox/inbound', {
    from: '5511955554444',
    body: 'hi alice',
  });
  t.is(inbound.status, 201);
  const message = await receiver.waitEvent('onmessage', (e) => e.id === inbound.body.response.id);
  t.like(message, {
    event: 'onmessage',
    session: 'alice',
    body: 'hi alice',
    from: '5511955554444@c.us',
    fromMe: false,
  });
  t.is(message.type, 'chat');

  const bob = await d.connect('bob');
  const sent = await d.api('alice', 'POST', 'send-message', { phone: bob, message: 'hello bob' });
  t.is(sent.status, 201);
  const selfId = sent.body.response[0].id;
  const self = await receiver.waitEvent('onselfmessage', (e) => e.id === selfId);
  t.like(self, { session: 'alice', body: 'hello bob', fromMe: true, to: `${bob}@c.us` });
  const ack = await receiver.waitEvent(
    'onack',
    (e) => (e.id as { _serialized: string })._serialized === selfId,
  );
  t.is(ack.session, 'alice');
  t.true(typeof ack.ack === 'number');
  // bob received it as onmessage, on his own session
  await receiver.waitEvent('onmessage', (e) => e.session === 'bob' && e.body === 'hello bob');

  // events the sandbox cannot produce yet, raised through the bus exactly as an engine reports them
  const samples: [keyof EngineEvents, string, Record<string, unknown>][] = [
    ['location', 'location', { type: 'update', id: 'loc1', lat: -23.5, lng: -46.6, speed: 0, accuracy: 5 }],
    [
      'incomingcall',
      'incomingcall',
      { id: 'call1', peerJid: '5511955554444@c.us', isVideo: false, isGroup: false },
    ],
    [
      'onpresencechanged',
      'onpresencechanged',
      { id: `${bob}@c.us`, isOnline: true, state: 'available', t: 1 },
    ],
    [
      'onparticipantschanged',
      'onparticipantschanged',
      { groupId: '123@g.us', action: 'add', who: ['1@c.us'] },
    ],
    ['onreactionmessage', 'onreactionmessage', { id: 'r1', msgId: selfId, reactionText: '👍', read: false }],
    [
      'onrevokedmessage',
      'onrevokedmessage',
      { from: `${bob}@c.us`, to: `${alice}@c.us`, id: 'x', refId: 'y' },
    ],
    [
      'onpollresponse',
      'onpollresponse',
      { msgId: 'p1', chatId: `${bob}@c.us`, selectedOptions: [], timestamp: 1 },
    ],
    ['onupdatelabel', 'onupdatelabel', { chat: `${bob}@c.us`, ids: ['1'], labels: [], type: 'add' }],
  ];
  for (const [engineEvent, webhookName, payload] of samples) {
    raise(d, 'alice', engineEvent, payload);
    const got = await receiver.waitEvent(webhookName, (e) => e.session === 'alice');
    t.deepEqual(got, { event: webhookName, session: 'alice', ...payload }, webhookName);
  }

  // unreadmessages: on connect with allUnreadOnStart, from the engine's getAllUnreadMessages
  const session = d.daemon.sessions.get('alice');
  const client = session?.engineSession?.client as Record<string, unknown>;
  const unread = {
    id: 'false_5511955554444@c.us_UNREAD1',
    from: '5511955554444@c.us',
    body: 'old',
    type: 'chat',
  };
  client.getAllUnreadMessages = async () => [unread];
  d.daemon.events.emit('alice', 'session-logged', { status: true });
  t.like(await receiver.waitEvent('unreadmessages'), {
    event: 'unreadmessages',
    session: 'alice',
    ...unread,
  });

  // closesession and logoutsession (the latter after the session's config is gone)
  t.is((await d.api('bob', 'POST', 'close-session')).status, 200);
  t.deepEqual(await receiver.waitEvent('closesession'), {
    event: 'closesession',
    session: 'bob',
    message: 'Session: bob disconnected',
    connected: false,
  });
  t.is((await d.api('alice', 'POST', 'logout-session')).status, 200);
  t.deepEqual(await receiver.waitEvent('logoutsession'), {
    event: 'logoutsession',
    session: 'alice',
    message: 'Session: alice logged out',
    connected: false,
  });

  // phoneCode: a session started with `phone` gets a pairing code
  await d.api('carol', 'POST', 'start-session', { phone: '5511912345678' });
  const code = await receiver.waitEvent('phoneCode', (e) => e.session === 'carol');
  t.is(code.phone, '5511912345678');
  t.regex(String(code.phoneCode), /\w/);

  // every request carried a stable webhook-id and JSON
  for (const request of receiver.requests) {
    t.regex(String(request.headers['webhook-id']), /^evt_/);
    t.is(request.headers['content-type'], 'application/json');
  }
});

test("a session's own webhook URL wins over the global one; no URL means no delivery", async (t) => {
  const global = await new Receiver().start();
  const own = await new Receiver().start();
  t.teardown(() => Promise.all([global.close(), own.close()]).then(() => undefined));
  const d = await startDaemon({ config: { plugins: { webhooks: { url: global.url } } } });
  t.teardown(() => d.close());
  await d.connect('alice', { webhook: own.url });
  await own.waitEvent('status-find', (e) => e.status === 'inChat');
  raise(d, 'nobody', 'incomingcall', { id: 'c' });
  await global.waitEvent('incomingcall', (e) => e.session === 'nobody');
  t.false(global.requests.some((r) => r.body.session === 'alice'));
});

test('options turn events off and `ignore` skips by event name, from and type', async (t) => {
  const { receiver, d } = await setup(t, {
    listenAcks: false,
    onPresenceChanged: false,
    onParticipantsChanged: false,
    onReactionMessage: false,
    onPollResponse: false,
    onRevokedMessage: false,
    onLabelUpdated: false,
    ignore: ['location', '5511911112222@c.us', 'sticker'],
  });
  const alice = await d.connect('alice');
  const bob = await d.connect('bob');
  await d.api('alice', 'POST', 'send-message', { phone: bob, message: 'no self, no ack' });
  await d.api('alice', 'POST', 'sandbox/inbound', { from: '5511911112222', body: 'ignored sender' });
  for (const name of [
    'location',
    'onpresencechanged',
    'onparticipantschanged',
    'onreactionmessage',
    'onpollresponse',
    'onrevokedmessage',
    'onupdatelabel',
  ] as const)
    raise(d, 'alice', name, { from: 'x@c.us' });
  raise(d, 'alice', 'onmessage', { id: 'st', from: '5511933334444@c.us', type: 'sticker', body: '' });
  // A sentinel after all of them: deliveries of a session are in order, so once it arrived, anything
  // that was going to be delivered before it has been.
  const sentinel = d.daemon.events.emit('alice', 'incomingcall', { id: 'sentinel' } as never);
  await receiver.waitEvent('incomingcall', (e) => e.id === 'sentinel');
  t.truthy(sentinel.id);

  const names = new Set(receiver.requests.filter((r) => r.body.session === 'alice').map((r) => r.body.event));
  for (const off of [
    'onack',
    'onselfmessage', // onSelfMessage defaults to false
    'location',
    'onpresencechanged',
    'onparticipantschanged',
    'onreactionmessage',
    'onpollresponse',
    'onrevokedmessage',
    'onupdatelabel',
  ])
    t.false(names.has(off), off);
  const messages = receiver.events('onmessage').filter((e) => e.session === 'alice');
  t.deepEqual(messages, [], 'the ignored sender and the sticker type are skipped');
  t.truthy(alice);
});

test('readMessage marks the chat read only after the receiver accepted the message', async (t) => {
  const { receiver, d } = await setup(t);
  receiver.behaviour = (r) => (r.body.event === 'onmessage' && r.body.body === 'hello' ? 503 : 200);
  await d.connect('alice');
  const seen: string[] = [];
  const client = d.daemon.sessions.get('alice')?.engineSession?.client as Record<string, unknown>;
  client.sendSeen = async (chatId: string) => {
    seen.push(chatId);
    return { wid: chatId };
  };
  await d.api('alice', 'POST', 'sandbox/inbound', { from: '5511955554444', body: 'hello' });
  await receiver.until(() => receiver.requests.filter((r) => r.body.body === 'hello').length >= 2);
  t.deepEqual(seen, [], 'refused twice: not read');
  receiver.behaviour = () => 200;
  await receiver.waitEvent('onmessage', (e) => e.body === 'hello');
  await waitFor(async () => seen.length > 0);
  t.deepEqual(seen, ['5511955554444@c.us']);
});

test('media is inlined as base64 (autoDownload) or sent as a signed, expiring fileUrl', async (t) => {
  for (const media of ['base64', 'url'] as const) {
    const { receiver, d } = await setup(t, { media });
    await d.connect('alice');
    const client = d.daemon.sessions.get('alice')?.engineSession?.client as Record<string, unknown>;
    client.downloadMedia = async () => `data:image/png;base64,${Buffer.from('PNGDATA').toString('base64')}`;
    raise(d, 'alice', 'onmessage', {
      id: 'false_1@c.us_IMG',
      from: '5511955554444@c.us',
      type: 'image',
      isMedia: true,
      mimetype: 'image/png',
      body: 'thumbnail',
    });
    const got = await receiver.waitEvent('onmessage', (e) => e.id === 'false_1@c.us_IMG');
    if (media === 'base64') {
      t.is(Buffer.from(String(got.body), 'base64').toString(), 'PNGDATA');
      t.false('fileUrl' in got);
    } else {
      t.is(got.body, 'thumbnail');
      const fileUrl = new URL(String(got.fileUrl));
      const local = `${d.url}${fileUrl.pathname}`;
      const res = await fetch(local);
      t.is(res.status, 200);
      t.is(res.headers.get('content-type'), 'image/png');
      t.is(Buffer.from(await res.arrayBuffer()).toString(), 'PNGDATA');
      const forged = await fetch(`${local.slice(0, -3)}xyz`);
      t.is(forged.status, 404);
    }
  }
});
