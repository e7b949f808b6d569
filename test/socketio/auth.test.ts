import test from 'ava';
import { io as connect, type Socket } from 'socket.io-client';
import { SECRET, startDaemon, type TestDaemon } from '../helpers/daemon.ts';

type Seen = { name: string; data: unknown }[];

/** A client that records every event; resolves once connected, or with the connect error. */
function client(
  d: TestDaemon,
  options: { auth?: Record<string, string>; query?: Record<string, string> },
): Promise<{ socket: Socket; seen: Seen; error?: Error }> {
  const socket = connect(d.url, {
    ...options,
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  const seen: Seen = [];
  socket.onAny((name: string, data: unknown) => seen.push({ name, data }));
  return new Promise((resolve) => {
    socket.once('connect', () => resolve({ socket, seen }));
    socket.once('connect_error', (error) => resolve({ socket, seen, error }));
  });
}

/** Emits a sentinel for a session and waits until the socket got it (events arrive in order). */
function sentinel(d: TestDaemon, session: string, socket: Socket, seen: Seen): Promise<void> {
  const id = `sentinel-${Math.random()}`;
  return new Promise((resolve) => {
    const check = () => {
      if (seen.some((s) => s.name === 'incomingcall' && (s.data as { id: string }).id === id)) {
        socket.off('incomingcall', check);
        resolve();
      }
    };
    socket.on('incomingcall', check);
    d.daemon.events.emit(session, 'incomingcall', { id } as never);
  });
}

test('socket.io needs a token: none or a wrong one is refused and receives nothing', async (t) => {
  const d = await startDaemon();
  t.teardown(() => d.close());
  const anonymous = await client(d, {});
  const wrong = await client(d, { auth: { session: 'alice', token: `${await d.token('bob')}` } });
  t.teardown(() => {
    anonymous.socket.close();
    wrong.socket.close();
  });
  t.regex(anonymous.error?.message ?? '', /unauthorized/);
  t.regex(wrong.error?.message ?? '', /unauthorized/);
  // An authorised client proves events flowed while the refused ones were around.
  const admin = await client(d, { auth: { token: SECRET } });
  t.teardown(() => admin.socket.close());
  const qrSeen = new Promise((resolve) => admin.socket.once('qrCode', resolve));
  await d.api('alice', 'POST', 'start-session', {});
  await qrSeen;
  await d.connect('alice');
  await sentinel(d, 'alice', admin.socket, admin.seen);
  t.true(admin.seen.some((s) => s.name === 'qrCode'));
  t.deepEqual(anonymous.seen, []);
  t.deepEqual(wrong.seen, []);
  t.false(anonymous.socket.connected);
});

test("session A's token receives only A's events, with wppconnect-server's names and payloads", async (t) => {
  const d = await startDaemon();
  t.teardown(() => d.close());
  const a = await client(d, { auth: { session: 'alice', token: await d.token('alice') } });
  const viaQuery = await client(d, { query: { session: 'bob', token: await d.token('bob') } });
  const admin = await client(d, { auth: { token: SECRET } });
  t.teardown(() => {
    for (const c of [a, viaQuery, admin]) c.socket.close();
  });
  t.is(a.error, undefined);
  t.is(viaQuery.error, undefined);

  // The QR is rendered asynchronously; a scan before it is out would skip it, so wait for it first.
  const qrSeen = new Promise((resolve) => a.socket.once('qrCode', resolve));
  await d.api('alice', 'POST', 'start-session', {});
  await qrSeen;
  const alice = await d.connect('alice');
  const bob = await d.connect('bob');
  const sentRes = await d.api('alice', 'POST', 'send-message', { phone: bob, message: 'to bob' });
  t.is(sentRes.status, 201, JSON.stringify(sentRes.body));
  await d.api('bob', 'POST', 'sandbox/inbound', { from: '5511955554444', body: 'outside to bob' });
  d.daemon.events.emit('alice', 'message-edited', { result: { id: 'edited' } });
  d.daemon.events.emit('alice', 'onreactionmessage', { id: 'r', reactionText: '👍' } as never);
  await sentinel(d, 'alice', a.socket, a.seen);
  await sentinel(d, 'bob', viaQuery.socket, viaQuery.seen);
  await d.api('alice', 'POST', 'close-session');
  await sentinel(d, 'alice', a.socket, a.seen);
  await sentinel(d, 'bob', admin.socket, admin.seen);

  const names = (seen: Seen) => new Set(seen.map((s) => s.name));
  // only alice's
  for (const { name, data } of a.seen) {
    const session =
      (data as { session?: string })?.session ??
      (data as { response?: { session?: string } })?.response?.session;
    if (session !== undefined) t.is(session, 'alice', name);
  }
  t.false(a.seen.some((s) => JSON.stringify(s.data).includes('outside to bob')));
  t.true(viaQuery.seen.some((s) => JSON.stringify(s.data).includes('outside to bob')));
  t.false(viaQuery.seen.some((s) => s.name === 'edited-message'));

  for (const name of [
    'qrCode',
    'session-logged',
    'received-message',
    'mensagem-enviada',
    'onack',
    'edited-message',
    'onreactionmessage',
    'whatsapp-status',
  ])
    t.true(names(a.seen).has(name), name);
  const qr = a.seen.find((s) => s.name === 'qrCode')?.data as { data: string; session: string };
  t.regex(qr.data, /^data:image\/png;base64,/);
  t.is(qr.session, 'alice');
  t.deepEqual(a.seen.find((s) => s.name === 'session-logged')?.data, { status: true, session: 'alice' });
  const received = a.seen.find((s) => s.name === 'received-message')?.data as {
    response: Record<string, unknown>;
  };
  t.like(received.response, { session: 'alice', body: 'to bob', fromMe: true, from: `${alice}@c.us` });
  const sent = a.seen.find((s) => s.name === 'mensagem-enviada')?.data as { body: string }[];
  t.true(Array.isArray(sent));
  t.is(sent[0]?.body, 'to bob');
  t.deepEqual(a.seen.find((s) => s.name === 'edited-message')?.data, { id: 'edited' });
  t.is(a.seen.find((s) => s.name === 'whatsapp-status')?.data, false);

  // the secret key sees every session
  const adminSessions = new Set(
    admin.seen.map((s) => (s.data as { session?: string })?.session).filter(Boolean),
  );
  t.deepEqual([...adminSessions].sort(), ['alice', 'bob']);
});
