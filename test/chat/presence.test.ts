import test from 'ava';
import { eventOf, pair } from './helpers.ts';

test('subscribe-presence + set-online-presence: subscribers get onpresencechanged; chat-is-online and last-seen follow', async (t) => {
  const p = await pair(t);
  t.true((await p.d.api('alice', 'GET', `chat-is-online/${p.bob}`)).body.response);
  t.false((await p.d.api('alice', 'GET', `last-seen/${p.bob}`)).body.response, 'no last seen while online');

  const subscribed = await p.d.api('alice', 'POST', 'subscribe-presence', { phone: p.bob });
  t.is(subscribed.status, 200);
  t.like(subscribed.body, { status: 'success', response: { message: 'Subscribe presence executed' } });

  const offline = await p.d.api('bob', 'POST', 'set-online-presence', { isOnline: false });
  t.is(offline.status, 200);
  t.like(offline.body, { status: 'success', response: { message: 'Set Online Presence Successfully' } });
  const event = await eventOf(p, 'alice', 'onpresencechanged', (e) => e.state === 'unavailable');
  t.like(event.payload, { id: `${p.bob}@c.us`, isOnline: false, isUser: true, isGroup: false });
  t.false((await p.d.api('alice', 'GET', `chat-is-online/${p.bob}`)).body.response);
  const lastSeen = (await p.d.api('alice', 'GET', `last-seen/${p.bob}`)).body.response;
  t.true(typeof lastSeen === 'number' && Math.abs(lastSeen - Date.now() / 1000) < 60);

  await p.d.api('bob', 'POST', 'set-online-presence', {});
  await eventOf(p, 'alice', 'onpresencechanged', (e) => e.state === 'available');
  t.true((await p.d.api('alice', 'GET', `chat-is-online/${p.bob}`)).body.response);
  // Nobody subscribed to alice: bob hears nothing of her.
  await p.d.api('alice', 'POST', 'set-online-presence', { isOnline: false });
  t.false(p.events.some((e) => e.session === 'bob' && e.name === 'onpresencechanged'));

  t.is((await p.d.api('alice', 'POST', 'subscribe-presence', {})).status, 400);
  t.is((await p.d.api('alice', 'POST', 'set-online-presence', { isOnline: 'maybe' })).status, 400);
  t.false((await p.d.api('alice', 'GET', 'chat-is-online/5511900000081')).body.response, 'outside contacts');
});

test('subscribe-presence all=true subscribes to every contact', async (t) => {
  const p = await pair(t);
  t.is((await p.d.api('alice', 'POST', 'subscribe-presence', { all: true })).status, 200);
  await p.d.api('bob', 'POST', 'set-online-presence', { isOnline: false });
  await eventOf(p, 'alice', 'onpresencechanged', (e) => e.id === `${p.bob}@c.us`);
  t.pass();
});

test('typing, recording and chat-state reach the other side of the chat when it subscribed', async (t) => {
  const p = await pair(t);
  await p.d.api('alice', 'POST', 'subscribe-presence', { phone: p.bob });

  const typing = await p.d.api('bob', 'POST', 'typing', { phone: p.alice });
  t.is(typing.status, 200);
  t.is(typing.body.status, 'success');
  await eventOf(p, 'alice', 'onpresencechanged', (e) => e.state === 'composing' && e.id === `${p.bob}@c.us`);

  await p.d.api('bob', 'POST', 'typing', { phone: p.alice, value: false });
  await eventOf(p, 'alice', 'onpresencechanged', (e) => e.state === 'available');

  const recording = await p.d.api('bob', 'POST', 'recording', { phone: p.alice, duration: 20 });
  t.is(recording.status, 200);
  await eventOf(p, 'alice', 'onpresencechanged', (e) => e.state === 'recording');
  // With a duration, recording stops by itself.
  const stops = p.events.filter((e) => e.session === 'alice' && e.payload?.state === 'available').length;
  await eventOf(
    p,
    'alice',
    'onpresencechanged',
    () => p.events.filter((e) => e.session === 'alice' && e.payload?.state === 'available').length > stops,
  );

  const state = await p.d.api('bob', 'POST', 'chat-state', { phone: p.alice, chatstate: '0' });
  t.is(state.status, 200);
  t.is(
    p.events.filter((e) => e.session === 'alice' && e.payload?.state === 'composing').length,
    2,
    'chat-state 0 is typing',
  );
  t.false(p.events.some((e) => e.session === 'bob' && e.name === 'onpresencechanged'));

  t.is((await p.d.api('bob', 'POST', 'chat-state', { phone: p.alice, chatstate: 7 })).status, 400);
  t.is((await p.d.api('bob', 'POST', 'typing', { value: true })).status, 400);
  t.is((await p.d.api('bob', 'POST', 'recording', { phone: p.alice, duration: -3 })).status, 400);
  t.is((await p.d.api('bob', 'POST', 'typing', { phone: '5511912340000' })).status, 400);
});
