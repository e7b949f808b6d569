import test from 'ava';
import { eventOf, lastIn, pair } from './helpers.ts';

test('send-message: MSG201 per recipient, delivered, message-sent raised, ack RECEIVED', async (t) => {
  const p = await pair(t);
  const res = await p.d.api('alice', 'POST', 'send-message', { phone: `${p.bob}, ${p.bob}`, message: 'hi' });
  t.is(res.status, 201);
  t.like(res.body, { status: 'success', mapper: 'return' });
  t.is(res.body.response.length, 2);
  t.like(res.body.response[0], { type: 'chat', body: 'hi', fromMe: true, to: `${p.bob}@c.us` });
  const received = p.network.chatMessages('bob', `${p.alice}@c.us`);
  t.is(received.length, 2);
  t.like(received[0], { body: 'hi', fromMe: false, from: `${p.alice}@c.us`, type: 'chat' });
  const sentEvent = await eventOf(p, 'alice', 'message-sent');
  t.is(sentEvent.payload.route, 'send-message');
  await eventOf(p, 'alice', 'onack', (a) => a.ack === 2);
  const noText = await p.d.api('alice', 'POST', 'send-message', { phone: p.bob });
  t.is(noText.status, 400);
  t.regex(noText.body.message, /body\.message is required/);
});

test('delivery truth: a send the network fails answers 500 with the reason, never 201', async (t) => {
  const p = await pair(t);
  await p.d.api('alice', 'POST', 'sandbox/fail-next', { phone: p.bob, count: 1 });
  const res = await p.d.api('alice', 'POST', 'send-message', { phone: p.bob, message: 'lost' });
  t.is(res.status, 500);
  t.is(res.body.status, 'Error');
  t.regex(res.body.error, /failed \(ack -1\)/);
  t.is(p.network.chatMessages('bob', `${p.alice}@c.us`).length, 0);
  const media = await p.d.api('alice', 'POST', 'sandbox/fail-next', { phone: p.bob, count: 1 });
  t.is(media.status, 200);
  const location = await p.d.api('alice', 'POST', 'send-location', { phone: p.bob, lat: '1', lng: '2' });
  t.is(location.status, 500);
});

test('send-reply quotes the message, in the recipient own ids; message-sent raised', async (t) => {
  const p = await pair(t);
  const first = await p.d.api('bob', 'POST', 'send-message', { phone: p.alice, message: 'question?' });
  const bobId = first.body.response[0].id;
  const aliceCopy = await lastIn(p, 'alice', `${p.bob}@c.us`);
  const res = await p.d.api('alice', 'POST', 'send-reply', {
    phone: p.bob,
    message: 'answer',
    messageId: aliceCopy.id,
  });
  t.is(res.status, 201);
  t.is(res.body.response[0].quotedMsgId, aliceCopy.id);
  const atBob = await lastIn(p, 'bob', `${p.alice}@c.us`);
  t.like(atBob, { body: 'answer', quotedMsgId: bobId });
  t.truthy(await eventOf(p, 'alice', 'message-sent', (e) => e.route === 'send-reply'));
  const unknown = await p.d.api('alice', 'POST', 'send-reply', {
    phone: p.bob,
    message: 'x',
    messageId: 'nope',
  });
  t.is(unknown.status, 404, 'an unknown message is a 404, not a 500');
  t.is((await p.d.api('alice', 'POST', 'send-reply', { phone: p.bob, message: 'x' })).status, 400);
});

test('send-status posts to status@broadcast; other phones see the story', async (t) => {
  const p = await pair(t);
  const res = await p.d.api('alice', 'POST', 'send-status', { message: 'my status' });
  t.is(res.status, 201);
  t.is(res.body.response[0].to, 'status@broadcast');
  const story = await lastIn(p, 'bob', 'status@broadcast');
  t.like(story, { body: 'my status', author: `${p.alice}@c.us`, broadcast: true });
  t.regex(story.id, new RegExp(`^false_status@broadcast_\\w+_${p.alice}@c\\.us$`));
  const badPhone = await p.d.api('alice', 'POST', 'send-status', { phone: '5511912340000', message: 'x' });
  t.is(badPhone.status, 400);
});

test('send-link-preview sends the link; the recipient gets it with the caption', async (t) => {
  const p = await pair(t);
  const res = await p.d.api('alice', 'POST', 'send-link-preview', {
    phone: p.bob,
    url: 'https://example.com/page',
    caption: 'look',
  });
  t.is(res.status, 201);
  t.truthy(res.body.response[0].id);
  const atBob = await lastIn(p, 'bob', `${p.alice}@c.us`);
  t.regex(atBob.body, /https:\/\/example\.com\/page/);
  t.regex(atBob.body, /look/);
  const bad = await p.d.api('alice', 'POST', 'send-link-preview', {
    phone: p.bob,
    url: 'file:///etc/passwd',
  });
  t.is(bad.status, 400);
});

test('send-location delivers a location message with lat/lng and the title as name', async (t) => {
  const p = await pair(t);
  const res = await p.d.api('alice', 'POST', 'send-location', {
    phone: p.bob,
    lat: '-22.97',
    lng: '-43.18',
    title: 'Copacabana',
    address: 'Av. Atlântica',
  });
  t.is(res.status, 201);
  t.like(res.body.response[0], { ack: 2 });
  const atBob = await lastIn(p, 'bob', `${p.alice}@c.us`);
  t.like(atBob, { type: 'location', lat: -22.97, lng: -43.18 });
  t.regex(atBob.loc, /Copacabana/);
  const bad = await p.d.api('alice', 'POST', 'send-location', { phone: p.bob, lat: 'north', lng: '1' });
  t.is(bad.status, 400);
});

test('send-mentioned answers the last result without mapper; the recipient sees the mentions', async (t) => {
  const p = await pair(t);
  const res = await p.d.api('alice', 'POST', 'send-mentioned', {
    phone: p.bob,
    message: `hey @${p.bob}`,
    mentioned: [`@${p.bob}@c.us`],
  });
  t.is(res.status, 201);
  t.false('mapper' in res.body);
  t.false(Array.isArray(res.body.response));
  t.truthy(res.body.response.id);
  const atBob = await lastIn(p, 'bob', `${p.alice}@c.us`);
  t.deepEqual(atBob.mentionedJidList, [`${p.bob}@c.us`]);
  const bad = await p.d.api('alice', 'POST', 'send-mentioned', { phone: p.bob, message: 'x' });
  t.is(bad.status, 400);
});

test('send-buttons answers the recipient list and stores the (deprecated) buttons', async (t) => {
  const p = await pair(t);
  const res = await p.d.api('alice', 'POST', 'send-buttons', {
    phone: p.bob,
    message: 'choose',
    options: { buttons: [{ id: '1', text: 'Yes' }] },
  });
  t.is(res.status, 201);
  t.deepEqual(res.body, {
    status: 'success',
    response: [`${p.bob}@c.us`],
    mapper: 'return',
    session: 'alice',
  });
  const atBob = await lastIn(p, 'bob', `${p.alice}@c.us`);
  t.like(atBob, { body: 'choose', isDynamicReplyButtonsMsg: true });
  t.is((await p.d.api('alice', 'POST', 'send-buttons', { phone: p.bob })).status, 400);
});

test('send-list-message delivers a list with its sections and the default button text', async (t) => {
  const p = await pair(t);
  const sections = [{ title: 'S1', rows: [{ rowId: 'a', title: 'A', description: 'first' }] }];
  const res = await p.d.api('alice', 'POST', 'send-list-message', {
    phone: p.bob,
    description: 'menu',
    sections,
  });
  t.is(res.status, 201);
  t.is(res.body.response[0].type, 'list');
  const atBob = await lastIn(p, 'bob', `${p.alice}@c.us`);
  t.is(atBob.type, 'list');
  t.is(atBob.list.buttonText, 'SELECIONE UMA OPÇÃO');
  t.deepEqual(atBob.list.sections, sections);
  t.is((await p.d.api('alice', 'POST', 'send-list-message', { phone: p.bob, sections: [] })).status, 400);
});

test('send-order-message delivers an order with its total; message-sent raised', async (t) => {
  const p = await pair(t);
  const res = await p.d.api('alice', 'POST', 'send-order-message', {
    phone: p.bob,
    items: [
      { type: 'custom', name: 'Item', price: 120000, qnt: 2 },
      { type: 'custom', name: 'Other', price: 1000, qnt: 1 },
    ],
    options: { shipping: 500 },
  });
  t.is(res.status, 201);
  const atBob = await lastIn(p, 'bob', `${p.alice}@c.us`);
  t.like(atBob, { type: 'order', itemCount: 3, totalAmount1000: (240000 + 1000 + 500) * 10 });
  t.truthy(await eventOf(p, 'alice', 'message-sent', (e) => e.route === 'send-order-message'));
  const bad = await p.d.api('alice', 'POST', 'send-order-message', {
    phone: p.bob,
    items: [{ type: 'gift' }],
  });
  t.is(bad.status, 400);
});

test('send-poll-message delivers a poll; a vote reaches the creator (onpollresponse, votes)', async (t) => {
  const p = await pair(t);
  const res = await p.d.api('alice', 'POST', 'send-poll-message', {
    phone: p.bob,
    name: 'Lunch?',
    choices: ['Pizza', 'Sushi', 'Salad'],
    options: { selectableCount: 1 },
  });
  t.is(res.status, 201);
  const pollId = res.body.response[0].id;
  const atBob = await lastIn(p, 'bob', `${p.alice}@c.us`);
  t.like(atBob, { type: 'poll_creation', pollName: 'Lunch?', pollSelectableOptionsCount: 1 });
  t.is(atBob.pollOptions.length, 3);

  const vote = await p.d.api('bob', 'POST', 'sandbox/vote', {
    messageId: atBob.id,
    selectedOptions: ['Sushi'],
  });
  t.is(vote.status, 200);
  const response = await eventOf(p, 'alice', 'onpollresponse');
  t.is(response.payload.msgId, pollId);
  t.deepEqual(response.payload.selectedOptions, [1]);
  const votes = await p.d.api('alice', 'GET', `votes/${pollId}`);
  t.is(votes.status, 200);
  t.is(votes.body.status, 'success');
  t.deepEqual(votes.body.response.votes[0].selectedOptions, [1]);
  t.is(votes.body.response.votes[0].sender._serialized, `${p.bob}@c.us`);

  const tooMany = await p.d.api('bob', 'POST', 'sandbox/vote', {
    messageId: atBob.id,
    selectedOptions: [0, 1],
  });
  t.is(tooMany.status, 400);
  t.is(
    (await p.d.api('alice', 'POST', 'send-poll-message', { phone: p.bob, name: 'x', choices: ['one'] }))
      .status,
    400,
  );
  t.is((await p.d.api('alice', 'GET', 'votes/true_x@c.us_NOPE')).status, 404);
});

test('send-pix-key delivers the key; message-sent raised', async (t) => {
  const p = await pair(t);
  const res = await p.d.api('alice', 'POST', 'send-pix-key', {
    phone: p.bob,
    keyType: 'PHONE',
    name: 'WPPD',
    key: '+5567123456789',
    instructions: 'pay here',
  });
  t.is(res.status, 201);
  const atBob = await lastIn(p, 'bob', `${p.alice}@c.us`);
  t.like(atBob, {
    body: 'pay here',
    pixKey: { keyType: 'PHONE', key: '+5567123456789', merchantName: 'WPPD' },
  });
  t.truthy(await eventOf(p, 'alice', 'message-sent', (e) => e.route === 'send-pix-key'));
  const bad = await p.d.api('alice', 'POST', 'send-pix-key', {
    phone: p.bob,
    keyType: 'IBAN',
    name: 'x',
    key: 'y',
  });
  t.is(bad.status, 400);
});

test('send-link-catalog answers {phone, status:<id>} per phone and sends the wa.me/c link', async (t) => {
  const p = await pair(t);
  const res = await p.d.api('alice', 'POST', 'send-link-catalog', {
    phones: [p.bob],
    message: 'Our catalog',
  });
  t.is(res.status, 200);
  t.is(res.body.status, 'success');
  t.is(res.body.response[0].phone, `${p.bob}@c.us`);
  t.regex(res.body.response[0].status, /^true_/);
  const atBob = await lastIn(p, 'bob', `${p.alice}@c.us`);
  t.is(atBob.body, `Our catalog https://wa.me/c/${p.alice}`);
  t.is(
    (await p.d.api('alice', 'POST', 'send-link-catalog', { phones: ['5511912340000'], message: 'x' })).status,
    400,
  );
  t.is((await p.d.api('alice', 'POST', 'send-link-catalog', { message: 'x' })).status, 400);
});

test('contact-vcard sends one card, or several as a multi-contact message', async (t) => {
  const p = await pair(t);
  const one = await p.d.api('alice', 'POST', 'contact-vcard', {
    phone: p.bob,
    contactsId: p.alice,
    name: 'Me',
  });
  t.is(one.status, 200);
  t.is(one.body.status, 'success');
  t.truthy(one.body.response.id);
  const card = await lastIn(p, 'bob', `${p.alice}@c.us`);
  t.like(card, { type: 'vcard', vcardFormattedName: 'Me' });
  t.regex(card.body, new RegExp(`waid=${p.alice}`));
  const many = await p.d.api('alice', 'POST', 'contact-vcard', {
    phone: p.bob,
    contactsId: [p.alice, '5521999999999'],
  });
  t.is(many.status, 200);
  const multi = await lastIn(p, 'bob', `${p.alice}@c.us`);
  t.is(multi.type, 'multi_vcard');
  t.is(multi.vcardList.length, 2);
  t.is((await p.d.api('alice', 'POST', 'contact-vcard', { phone: p.bob })).status, 400);
});

test('recipients: unknown numbers 400 and nothing is sent; not connected 404', async (t) => {
  const p = await pair(t);
  const res = await p.d.api('alice', 'POST', 'send-poll-message', {
    phone: [p.bob, '5511912340000'],
    name: 'q',
    choices: ['a', 'b'],
  });
  t.is(res.status, 400);
  t.is(res.body.message, 'O número 5511912340000 não existe.');
  t.is(p.network.allMessages('alice').length, 0);
  const idle = await p.d.api('idle', 'POST', 'send-location', { phone: p.bob, lat: 1, lng: 2 });
  t.is(idle.status, 404);
  t.is(idle.body.status, 'Disconnected');
});
