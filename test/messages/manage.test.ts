import test from 'ava';
import { eventOf, lastIn, PNG, pair, upload, waitFor } from './helpers.ts';

test('edit-message: MSG201 with the edited message; the recipient copy changes and gets onmessageedit', async (t) => {
  const p = await pair(t);
  const sent = await p.d.api('alice', 'POST', 'send-message', { phone: p.bob, message: 'tpyo' });
  const id = sent.body.response[0].id;
  const res = await p.d.api('alice', 'POST', 'edit-message', { id, newText: 'typo' });
  t.is(res.status, 201);
  t.like(res.body, { status: 'success', mapper: 'return', response: { id, body: 'typo' } });
  const atBob = await lastIn(p, 'bob', `${p.alice}@c.us`);
  t.is(atBob.body, 'typo');
  const edit = await eventOf(p, 'bob', 'onmessageedit');
  t.is(edit.payload.msg.body, 'typo');
  t.is(edit.payload.id, atBob.id);
  t.truthy(await eventOf(p, 'alice', 'message-edited'));
  const notMine = await p.d.api('bob', 'POST', 'edit-message', { id: atBob.id, newText: 'hijack' });
  t.is(notMine.status, 500);
  t.is((await p.d.api('alice', 'POST', 'edit-message', { id })).status, 400);
});

test('delete-message for everyone revokes at the recipient (onrevokedmessage); onlyLocal does not', async (t) => {
  const p = await pair(t);
  const one = await p.d.api('alice', 'POST', 'send-message', { phone: p.bob, message: 'oops' });
  const two = await p.d.api('alice', 'POST', 'send-message', { phone: p.bob, message: 'keep there' });
  const revoke = await p.d.api('alice', 'POST', 'delete-message', {
    phone: p.bob,
    messageId: one.body.response[0].id,
  });
  t.is(revoke.status, 200);
  t.like(revoke.body, { status: 'success', response: { message: 'Message deleted' } });
  const [first, second] = p.network.chatMessages('bob', `${p.alice}@c.us`);
  t.is(first.type, 'revoked');
  t.is(first.body, '');
  const event = await eventOf(p, 'bob', 'onrevokedmessage');
  t.is(event.payload.refId, first.id);

  const local = await p.d.api('alice', 'POST', 'delete-message', {
    phone: p.bob,
    messageId: [two.body.response[0].id],
    onlyLocal: true,
  });
  t.is(local.status, 200);
  t.falsy(p.network.getMessage('alice', two.body.response[0].id));
  t.is(second.body, 'keep there');
  t.is(p.network.chatMessages('bob', `${p.alice}@c.us`)[1].body, 'keep there');
  // Someone else's message cannot be revoked for everyone.
  const foreign = await p.d.api('bob', 'POST', 'delete-message', { phone: p.alice, messageId: second.id });
  t.is(foreign.status, 500);
  t.is((await p.d.api('alice', 'POST', 'delete-message', { phone: p.bob })).status, 400);
});

test('react-message: the sender gets onreactionmessage; reactions lists it; an empty reaction removes it', async (t) => {
  const p = await pair(t);
  const sent = await p.d.api('alice', 'POST', 'send-message', { phone: p.bob, message: 'react to me' });
  const aliceId = sent.body.response[0].id;
  const atBob = await lastIn(p, 'bob', `${p.alice}@c.us`);
  const res = await p.d.api('bob', 'POST', 'react-message', { msgId: atBob.id, reaction: '👍' });
  t.is(res.status, 200);
  t.like(res.body, { status: 'success', response: { message: 'Reaction sended' } });
  const event = await eventOf(p, 'alice', 'onreactionmessage');
  t.is(event.payload.reactionText, '👍');
  t.is(event.payload.msgId._serialized, aliceId);
  t.is(event.payload.sender._serialized, `${p.bob}@c.us`);

  const reactions = await p.d.api('alice', 'GET', `reactions/${aliceId}`);
  t.is(reactions.status, 200);
  t.is(reactions.body.response.reactions[0].aggregateEmoji, '👍');
  t.is(reactions.body.response.reactions[0].senders[0].senderUserJid, `${p.bob}@c.us`);
  t.is(reactions.body.response.reactionByMe, null);

  await p.d.api('bob', 'POST', 'react-message', { msgId: atBob.id, reaction: '' });
  const after = await p.d.api('alice', 'GET', `reactions/${aliceId}`);
  t.deepEqual(after.body.response.reactions, []);
  t.is((await p.d.api('bob', 'POST', 'react-message', { msgId: atBob.id })).status, 400);
  t.is((await p.d.api('bob', 'POST', 'react-message', { msgId: 'nope', reaction: 'x' })).status, 404);
  t.is((await p.d.api('bob', 'GET', 'reactions/nope')).status, 404);
});

test('forward-messages: 201 with the results; the target gets a forwarded copy with the media', async (t) => {
  const p = await pair(t);
  const carol = await p.d.connect('carol');
  await p.d.api('alice', 'POST', 'send-image', {
    phone: p.bob,
    base64: PNG.toString('base64'),
    caption: 'pic',
  });
  const atBob = await lastIn(p, 'bob', `${p.alice}@c.us`);
  const res = await p.d.api('bob', 'POST', 'forward-messages', {
    phone: [carol, p.alice],
    messageId: atBob.id,
  });
  t.is(res.status, 201);
  t.is(res.body.status, 'success');
  t.is(res.body.response.length, 1);
  const atCarol = await lastIn(p, 'carol', `${p.bob}@c.us`);
  t.like(atCarol, { type: 'image', isForwarded: true, caption: 'pic' });
  const media = await p.d.api('carol', 'GET', `get-media-by-message/${atCarol.id}`);
  t.true(Buffer.from(media.body.base64, 'base64').equals(PNG));
  // Only the first phone is used, as in wppconnect-server.
  t.deepEqual(
    p.network.chatMessages('alice', `${p.bob}@c.us`).map((m) => m.isForwarded),
    [false],
  );
  t.is((await p.d.api('bob', 'POST', 'forward-messages', { phone: carol, messageId: 'nope' })).status, 404);
  t.is((await p.d.api('bob', 'POST', 'forward-messages', { phone: carol })).status, 400);
});

test('unread-messages lists received messages; reading (sendSeen) gives the sender ack READ; mark-unseen brings one back', async (t) => {
  const p = await pair(t);
  await p.d.api('alice', 'POST', 'send-message', { phone: p.bob, message: 'one' });
  const two = await p.d.api('alice', 'POST', 'send-message', { phone: p.bob, message: 'two' });
  const unread = await p.d.api('bob', 'GET', 'unread-messages');
  t.is(unread.status, 200);
  t.is(unread.body.status, 'success');
  t.is(unread.body.response.length, 1);
  t.is(unread.body.response[0].id._serialized, `${p.alice}@c.us`);
  t.deepEqual(
    unread.body.response[0].messages.map((m: any) => m.body),
    ['one', 'two'],
  );

  // The chat plugin's send-seen calls sendSeen; here the engine is called directly.
  const bob = p.d.daemon.container.resolve<{ get(n: string): any }>('sessions').get('bob');
  const seen = await bob.engine('sendSeen')(`${p.alice}@c.us`);
  t.is(seen.unreadCount, 0);
  const read = await eventOf(
    p,
    'alice',
    'onack',
    (a) => a.ack === 3 && a.id._serialized === two.body.response[0].id,
  );
  t.truthy(read);
  t.is(p.network.getMessage('alice', two.body.response[0].id).ack, 3);
  t.deepEqual((await p.d.api('bob', 'GET', 'unread-messages')).body.response, []);

  const res = await p.d.api('bob', 'POST', 'mark-unseen', { phone: p.alice });
  t.is(res.status, 200);
  t.like(res.body, { status: 'success', response: { message: 'unseen checked' } });
  const again = await p.d.api('bob', 'GET', 'unread-messages');
  t.deepEqual(
    again.body.response[0].messages.map((m: any) => m.body),
    ['two'],
  );
  t.is((await p.d.api('bob', 'POST', 'mark-unseen', {})).status, 400);
  t.is((await p.d.api('idle', 'GET', 'unread-messages')).status, 404);
});

test('temporary-messages turns disappearing messages on for both sides; new messages carry the timer', async (t) => {
  const p = await pair(t);
  const on = await p.d.api('alice', 'POST', 'temporary-messages', { phone: p.bob });
  t.is(on.status, 200);
  t.deepEqual(on.body, { status: 'success', response: true, session: 'alice' });
  await p.d.api('bob', 'POST', 'send-message', { phone: p.alice, message: 'vanishing' });
  const atAlice = await lastIn(p, 'alice', `${p.bob}@c.us`);
  t.is(atAlice.ephemeralDuration, 7 * 24 * 3600);
  await p.d.api('alice', 'POST', 'temporary-messages', { phone: p.bob, value: false });
  await p.d.api('bob', 'POST', 'send-message', { phone: p.alice, message: 'stays' });
  t.is((await lastIn(p, 'alice', `${p.bob}@c.us`)).ephemeralDuration, undefined);
  t.is((await p.d.api('alice', 'POST', 'temporary-messages', { phone: p.bob, value: 'maybe' })).status, 400);
});

test('star-message stars and unstars, seen in get-messages', async (t) => {
  const p = await pair(t);
  const sent = await p.d.api('alice', 'POST', 'send-message', { phone: p.bob, message: 'important' });
  const id = sent.body.response[0].id;
  const res = await p.d.api('alice', 'POST', 'star-message', { messageId: id });
  t.is(res.status, 200);
  t.deepEqual(res.body, { status: 'success', response: 1, session: 'alice' });
  const list = await p.d.api('alice', 'GET', `get-messages/${p.bob}@c.us`);
  t.true(list.body.response[0].star);
  const off = await p.d.api('alice', 'POST', 'star-message', { messageId: [id], star: false });
  t.is(off.body.response, 1);
  t.false((await p.d.api('alice', 'GET', `get-messages/${p.bob}@c.us`)).body.response[0].star);
  t.is((await p.d.api('alice', 'POST', 'star-message', {})).status, 400);
});

test('get-messages pages with count, direction and id', async (t) => {
  const p = await pair(t);
  const ids: string[] = [];
  for (const text of ['m1', 'm2', 'm3', 'm4']) {
    const r = await p.d.api('alice', 'POST', 'send-message', { phone: p.bob, message: text });
    ids.push(r.body.response[0].id);
  }
  const chat = `get-messages/${p.alice}@c.us`;
  await waitFor(async () => p.network.chatMessages('bob', `${p.alice}@c.us`).length === 4 || undefined);
  const all = await p.d.api('bob', 'GET', chat);
  t.is(all.status, 200);
  t.deepEqual(
    all.body.response.map((m: any) => m.body),
    ['m1', 'm2', 'm3', 'm4'],
  );
  const last2 = await p.d.api('bob', 'GET', `${chat}?count=2`);
  t.deepEqual(
    last2.body.response.map((m: any) => m.body),
    ['m3', 'm4'],
  );
  const m3 = all.body.response[2].id;
  const before = await p.d.api('bob', 'GET', `${chat}?count=1&id=${encodeURIComponent(m3)}`);
  t.deepEqual(
    before.body.response.map((m: any) => m.body),
    ['m2'],
  );
  const after = await p.d.api('bob', 'GET', `${chat}?direction=after&id=${encodeURIComponent(m3)}`);
  t.deepEqual(
    after.body.response.map((m: any) => m.body),
    ['m4'],
  );
  t.is((await p.d.api('bob', 'GET', `${chat}?count=lots`)).status, 400);
  t.is((await p.d.api('bob', 'GET', `${chat}?direction=sideways`)).status, 400);
});

test('status stories: text and image stories reach the other phones', async (t) => {
  const p = await pair(t);
  const text = await p.d.api('alice', 'POST', 'send-text-storie', {
    text: 'My new storie',
    options: { backgroundColor: '#0275d8', font: 2 },
  });
  t.is(text.status, 201);
  t.like(text.body, { status: 'success', mapper: 'return' });
  const story = await lastIn(p, 'bob', 'status@broadcast');
  t.like(story, { body: 'My new storie', backgroundColor: '#0275d8', font: 2, author: `${p.alice}@c.us` });

  const image = await upload(
    p.d,
    'alice',
    'send-image-storie',
    { caption: 'view' },
    {
      bytes: PNG,
      name: 'p.png',
      type: 'image/png',
    },
  );
  t.is(image.status, 201);
  const imageStory = await lastIn(p, 'bob', 'status@broadcast');
  t.like(imageStory, { type: 'image', caption: 'view' });
  const media = await p.d.api('bob', 'POST', 'download-media', { messageId: imageStory.id });
  t.is(media.body.base64, PNG.toString('base64'));

  t.is((await p.d.api('alice', 'POST', 'send-text-storie', {})).status, 400);
  t.is(
    (await p.d.api('alice', 'POST', 'send-text-storie', { text: 'x', options: { backgroundColor: 'red' } }))
      .status,
    400,
  );
  t.is((await p.d.api('alice', 'POST', 'send-image-storie', {})).status, 401);
  t.is((await p.d.api('alice', 'POST', 'send-image-storie', { path: '/etc/passwd' })).status, 400);
});
