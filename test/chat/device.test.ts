import test from 'ava';
import { eventOf, pair, say } from './helpers.ts';

test('get-battery-level, host-device, get-phone-number and change-username', async (t) => {
  const p = await pair(t);
  const battery = await p.d.api('alice', 'GET', 'get-battery-level');
  t.deepEqual(battery.body, { status: 'Success', response: 100 });

  const number = await p.d.api('alice', 'GET', 'get-phone-number');
  t.deepEqual(number.body, { status: 'success', response: `${p.alice}@c.us`, mapper: 'device' });

  const renamed = await p.d.api('alice', 'POST', 'change-username', { name: 'Alice Smith' });
  t.is(renamed.status, 200);
  t.like(renamed.body, { status: 'success', response: true });
  const host = await p.d.api('alice', 'GET', 'host-device');
  t.is(host.status, 200);
  t.is(host.body.mapper, 'device');
  t.is(host.body.response.phoneNumber, `${p.alice}@c.us`);
  t.is(host.body.response.wid._serialized, `${p.alice}@c.us`);
  t.is(host.body.response.pushname, 'Alice Smith');
  // Bob sees the new name on alice's next message.
  await say(p, 'alice', p.bob, 'hi');
  t.is(p.network.chatMessages('bob', `${p.alice}@c.us`).at(-1).notifyName, 'Alice Smith');

  const missing = await p.d.api('alice', 'POST', 'change-username', {});
  t.is(missing.status, 400);
  t.like(missing.body, { status: 'error', message: 'Parameter name is required!' });
  t.is((await p.d.api('alice', 'POST', 'change-username', { name: 'x'.repeat(40) })).status, 400);
});

test('get-platform-from-message answers the bare platform', async (t) => {
  const p = await pair(t);
  const sent = await say(p, 'alice', p.bob, 'hi');
  const res = await p.d.api('alice', 'GET', `get-platform-from-message/${sent.id}`);
  t.is(res.status, 200);
  t.is(res.body, 'web');
  const received = p.network.chatMessages('bob', `${p.alice}@c.us`)[0];
  t.is((await p.d.api('bob', 'GET', `get-platform-from-message/${received.id}`)).body, 'web');
  t.is((await p.d.api('alice', 'GET', 'get-platform-from-message/x')).status, 400);
});

test('an incoming call raises incomingcall; reject-call rejects it once', async (t) => {
  const p = await pair(t);
  const ring = await p.d.api('alice', 'POST', 'sandbox/incoming-call', { from: p.bob, isVideo: true });
  t.is(ring.status, 201);
  const call = ring.body.response;
  const event = await eventOf(p, 'alice', 'incomingcall');
  t.like(event.payload, { id: call.id, peerJid: `${p.bob}@c.us`, isVideo: true, outgoing: false });

  const rejected = await p.d.api('alice', 'POST', 'reject-call', { callId: call.id });
  t.is(rejected.status, 200);
  t.like(rejected.body, { status: 'success', response: true });
  const again = await p.d.api('alice', 'POST', 'reject-call', { callId: call.id });
  t.is(again.status, 404, 'the call no longer rings');
  t.is(again.body.message, 'Error on rejectCall');

  // Without a callId, the ringing call is rejected.
  await p.d.api('alice', 'POST', 'sandbox/incoming-call', { from: '5511900000091' });
  t.is((await p.d.api('alice', 'POST', 'reject-call', {})).status, 200);
  t.is((await p.d.api('alice', 'POST', 'reject-call', {})).status, 404);

  t.is((await p.d.api('alice', 'POST', 'reject-call', { callId: '../../x' })).status, 400);
  t.is((await p.d.api('alice', 'POST', 'sandbox/incoming-call', { from: '5511912340000' })).status, 400);
});

test('take-screenshot answers a base64 PNG as a bare JSON string', async (t) => {
  const p = await pair(t);
  const res = await p.d.api('alice', 'GET', 'take-screenshot');
  t.is(res.status, 200);
  t.is(typeof res.body, 'string');
  const png = Buffer.from(res.body, 'base64');
  t.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  t.is((await p.d.api('idle', 'GET', 'take-screenshot')).status, 404);
});

test('set-limit needs the token, validates, and answers the new value bare', async (t) => {
  const p = await pair(t);
  const anonymous = await fetch(`${p.d.url}/api/alice/set-limit`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'maxFileSize', value: 1000 }),
  });
  t.is(anonymous.status, 401);

  const set = await p.d.api('alice', 'POST', 'set-limit', { type: 'maxFileSize', value: 104857600 });
  t.is(set.status, 200);
  t.is(set.body, 104857600);
  t.is((await p.d.api('alice', 'POST', 'set-limit', { type: 'maxShare', value: 1 })).body, 1);
  t.is((await p.d.api('alice', 'POST', 'set-limit', { type: 'unlimitedPin', value: true })).body, true);

  t.is((await p.d.api('alice', 'POST', 'set-limit', { type: 'maxBananas', value: 1 })).status, 400);
  t.is((await p.d.api('alice', 'POST', 'set-limit', { type: 'maxFileSize', value: true })).status, 400);
  t.is((await p.d.api('alice', 'POST', 'set-limit', { type: 'unlimitedPin', value: 5 })).status, 400);
  t.is((await p.d.api('alice', 'POST', 'set-limit', { type: 'maxMediaSize', value: -1 })).status, 400);
});
