import test from 'ava';
import nock from 'nock';
import { startDaemon } from '../helpers/daemon.ts';
import {
  ACCOUNT,
  allCalled,
  bridge,
  chatwootOrigin,
  chatwootSettings,
  deliveries,
  FAST_OUTBOX,
  fixture,
  foundContact,
  INBOX,
  phoneOf,
  postWebhook,
  pushnameOf,
  TOKEN,
  unexpected,
  waitFor,
} from './helpers.ts';

/** Bob's copy of a message another session sent him: `false_<sender>_<key>`. */
const copyAt = (ownId: string, senderWid: string) => `false_${senderWid}_${ownId.split('_')[2]}`;

/** A nock body matcher that keeps every body it sees, for exact assertions afterwards. */
function recorder() {
  const bodies: unknown[] = [];
  const match = (body: unknown) => {
    bodies.push(body);
    return true;
  };
  return { bodies, match };
}

test('WhatsApp text → Chatwoot: exact contact match linked to the inbox, conversation created then reused, phone-owner messages as outgoing', async (t) => {
  const { d, cw, api, origin, alice, aliceWid } = await bridge(t);
  const link = recorder();
  const conversation = recorder();
  const messages = recorder();
  let nextId = 1000;
  cw.get(`${api}/contacts/search`)
    .query({ q: alice })
    .reply(200, {
      meta: { count: 2, current_page: 1 },
      payload: [
        // Chatwoot's search is a substring match: a longer number must not be taken for alice
        { id: 16, name: 'Someone else', phone_number: `+${alice}7`, identifier: null },
        {
          id: 17,
          name: 'Alice',
          phone_number: `+${alice}`,
          identifier: null,
          contact_inboxes: [{ source_id: 'email-7', inbox: { id: 8 } }],
        },
      ],
    })
    .post(`${api}/contacts/17/contact_inboxes`, link.match)
    .reply(200, { source_id: aliceWid, inbox: { id: INBOX } })
    .get(`${api}/contacts/17/conversations`)
    .reply(200, {
      payload: [
        { id: 40, inbox_id: INBOX, status: 'resolved' },
        { id: 41, inbox_id: 8, status: 'open' },
      ],
    })
    .post(`${api}/conversations`, conversation.match)
    .reply(200, { id: 42, inbox_id: INBOX, status: 'open' })
    .post(`${api}/conversations/42/messages`, messages.match)
    .times(3)
    .reply(200, () => ({ id: ++nextId }));

  const first = await d.api('bob', 'POST', 'sandbox/inbound', { from: alice, body: 'Oi' });
  const second = await d.api('bob', 'POST', 'sandbox/inbound', { from: alice, body: 'Tudo bem?' });
  const fromApi = await d.api('bob', 'POST', 'send-message', { phone: alice, message: 'Sent from the API' });
  t.is(fromApi.status, 201);
  await allCalled(cw);

  t.deepEqual(link.bodies, [{ inbox_id: INBOX, source_id: aliceWid }]);
  t.deepEqual(conversation.bodies, [
    { source_id: aliceWid, inbox_id: INBOX, contact_id: 17, status: 'open' },
  ]);
  t.deepEqual(messages.bodies, [
    {
      content: 'Oi',
      message_type: 'incoming',
      private: false,
      source_id: `WAID:${copyAt(first.body.response.id, aliceWid)}`,
    },
    {
      content: 'Tudo bem?',
      message_type: 'incoming',
      private: false,
      source_id: `WAID:${copyAt(second.body.response.id, aliceWid)}`,
    },
    {
      content: 'Sent from the API',
      message_type: 'outgoing',
      private: false,
      source_id: `WAID:${fromApi.body.response[0].id}`,
    },
  ]);
  const rows = await waitFor(async () => {
    const list = await deliveries(d, 'bob', 'chatwoot');
    return list.length === 3 && list.every((r) => r.status === 'delivered') && list;
  });
  t.deepEqual(
    rows.map((r) => r.event),
    ['onmessage', 'onmessage', 'onselfmessage'],
  );
  t.deepEqual(unexpected(origin), []);
});

test('a Brazilian number is found under its other form; a resolved conversation is not reused: the next message opens a new one', async (t) => {
  const { d, cw, api, origin } = await bridge(t);
  const outside = '5521987654321';
  const oldForm = '552187654321';
  const token = await d.token('bob');
  const conversations = recorder();
  const messages: { conversation: number; body: unknown }[] = [];
  cw.get(`${api}/contacts/search`)
    .query({ q: outside })
    .reply(200, { meta: { count: 0 }, payload: [] })
    .get(`${api}/contacts/search`)
    .query({ q: oldForm })
    .reply(200, {
      meta: { count: 1 },
      payload: [
        {
          id: 30,
          phone_number: `+${oldForm}`,
          contact_inboxes: [{ source_id: 'src-30', inbox: { id: INBOX } }],
        },
      ],
    })
    .get(`${api}/contacts/30/conversations`)
    .reply(200, { payload: [] })
    .post(`${api}/conversations`, conversations.match)
    .reply(200, { id: 42 })
    .post(`${api}/conversations/42/messages`, (body) => messages.push({ conversation: 42, body }) > 0)
    .reply(200, { id: 501 })
    .get(`${api}/contacts/30/conversations`)
    .reply(200, { payload: [{ id: 42, inbox_id: INBOX, status: 'resolved' }] })
    .post(`${api}/conversations`, conversations.match)
    .reply(200, { id: 43 })
    .post(`${api}/conversations/43/messages`, (body) => messages.push({ conversation: 43, body }) > 0)
    .reply(200, { id: 502 });

  await d.api('bob', 'POST', 'sandbox/inbound', { from: outside, body: 'first', pushname: 'Maria' });
  await waitFor(async () => messages.length === 1);

  const resolved = fixture('conversation_status_changed');
  resolved.id = 42;
  const ack = await postWebhook(d, `bob:${token}`, resolved);
  t.is(ack.status, 200);
  t.like(ack.body, { status: 'success', queued: false });

  await d.api('bob', 'POST', 'sandbox/inbound', { from: outside, body: 'after resolve', pushname: 'Maria' });
  await allCalled(cw);
  t.deepEqual(conversations.bodies, [
    { source_id: 'src-30', inbox_id: INBOX, contact_id: 30, status: 'open' },
    { source_id: 'src-30', inbox_id: INBOX, contact_id: 30, status: 'open' },
  ]);
  t.deepEqual(
    messages.map((m) => [m.conversation, (m.body as { content: string }).content]),
    [
      [42, 'first'],
      [43, 'after resolve'],
    ],
  );
  t.deepEqual(unexpected(origin), []);
});

test('WhatsApp media → Chatwoot: a new contact is created and each file is posted as attachments[] with its name and type', async (t) => {
  const { d, cw, api, origin, alice, aliceWid, bobWid } = await bridge(t);
  const searches = alice[4] === '9' ? [alice, alice.slice(0, 4) + alice.slice(5)] : [alice];
  const contact = recorder();
  const uploads = recorder();
  for (const q of searches)
    cw.get(`${api}/contacts/search`)
      .query({ q })
      .reply(200, { meta: { count: 0 }, payload: [] });
  cw.post(`${api}/contacts`, contact.match)
    .reply(200, {
      payload: {
        contact: { id: 55, phone_number: `+${alice}` },
        contact_inbox: { source_id: 'generated-55', inbox: { id: INBOX } },
      },
    })
    .get(`${api}/contacts/55/conversations`)
    .reply(200, { payload: [] })
    .post(`${api}/conversations`, {
      source_id: 'generated-55',
      inbox_id: INBOX,
      contact_id: 55,
      status: 'open',
    })
    .reply(200, { id: 77 })
    .post(`${api}/conversations/77/messages`, uploads.match)
    .matchHeader('content-type', /^multipart\/form-data; boundary=/)
    .times(2)
    .reply(200, () => ({ id: 900 + uploads.bodies.length }));

  const send = phoneOf(d, 'alice').engine('sendFile');
  const pdf = await send(
    bobWid,
    `data:application/pdf;base64,${Buffer.from('%PDF-1.4 fake invoice').toString('base64')}`,
    {
      filename: 'invoice.pdf',
      caption: 'the invoice',
    },
  );
  const image = await send(
    bobWid,
    `data:image/png;base64,${Buffer.from('not-really-png-bytes').toString('base64')}`,
    {},
  );
  await allCalled(cw);

  t.deepEqual(contact.bodies, [
    {
      inbox_id: INBOX,
      name: pushnameOf(d, 'alice'),
      identifier: aliceWid,
      phone_number: `+${alice}`,
    },
  ]);
  const [first, second] = uploads.bodies as string[];
  const field = (body: string | undefined, name: string) =>
    new RegExp(`name="${name.replace(/[[\]]/g, '\\$&')}"\\r\\n\\r\\n([^\\r]*)\\r\\n`).exec(body ?? '')?.[1];
  t.is(field(first, 'content'), 'the invoice');
  t.is(field(first, 'message_type'), 'incoming');
  t.is(field(first, 'private'), 'false');
  t.is(field(first, 'source_id'), `WAID:${copyAt(String(pdf.id), aliceWid)}`);
  t.regex(
    first ?? '',
    /name="attachments\[\]"; filename="invoice\.pdf"\r\nContent-Type: application\/pdf\r\n\r\n%PDF-1\.4 fake invoice\r\n/,
  );
  t.is(field(second, 'content'), '');
  t.is(field(second, 'source_id'), `WAID:${copyAt(String(image.id), aliceWid)}`);
  t.regex(
    second ?? '',
    /name="attachments\[\]"; filename="\d+\.png"\r\nContent-Type: image\/png\r\n\r\nnot-really-png-bytes\r\n/,
  );
  t.deepEqual(unexpected(origin), []);
});

test('with sendQrCode and sendStatus on, each QR code (as an image) and each status go to the mobile_number contact', async (t) => {
  const origin = chatwootOrigin();
  const api = `/api/v1/accounts/${ACCOUNT}`;
  const posts: unknown[] = [];
  const cw = nock(origin, { reqheaders: { api_access_token: TOKEN } })
    .get(`${api}/contacts/search`)
    .query({ q: '5511900001111' })
    .reply(200, { payload: [] })
    .get(`${api}/contacts/search`)
    .query({ q: '551100001111' })
    .reply(200, { payload: [] })
    .post(`${api}/contacts`, {
      inbox_id: INBOX,
      name: 'Loja Centro',
      identifier: '5511900001111@c.us',
      phone_number: '+5511900001111',
    })
    .reply(200, { payload: { contact: { id: 5 }, contact_inbox: { source_id: 'src-5' } } })
    .get(`${api}/contacts/5/conversations`)
    .reply(200, { payload: [] })
    .post(`${api}/conversations`, { source_id: 'src-5', inbox_id: INBOX, contact_id: 5, status: 'open' })
    .reply(200, { id: 11 });
  cw.post(`${api}/conversations/11/messages`, (body) => posts.push(body) > 0)
    .reply(200, () => ({ id: posts.length }))
    .persist();
  const d = await startDaemon({ config: { plugins: { webhooks: FAST_OUTBOX } as never } });
  t.teardown(async () => {
    await d.close();
    cw.persist(false);
  });
  await d.connect('bob', {
    chatWoot: chatwootSettings(origin, {
      mobile_name: 'Loja Centro',
      mobile_number: '5511900001111',
      chatwoot: { sendQrCode: true, sendStatus: true },
    }),
  });
  const done = async () => {
    const rows = await deliveries(d, 'bob', 'chatwoot');
    const finished = rows.some((r) => r.event === 'qrcode') && rows.every((r) => r.status === 'delivered');
    return finished && rows;
  };
  const rows = await waitFor(done, 15_000);
  const events = rows.map((r) => r.event);
  t.true(events.includes('qrcode'));
  t.true(events.includes('status-find'));
  // nock hands over a body with binary bytes (the PNG) hex-encoded
  const qr = Buffer.from(posts.find((p) => typeof p === 'string') as string, 'hex').toString('latin1');
  t.regex(qr, /name="content"\r\n\r\nleia o qrCode\r\n/);
  t.regex(qr, /name="attachments\[\]"; filename="qrcode\.png"\r\nContent-Type: image\/png\r\n/);
  const statuses = posts.filter((p): p is { content: string } => typeof p === 'object');
  t.true(statuses.length > 0);
  for (const status of statuses) t.like(status, { message_type: 'incoming', private: false });
  t.true(statuses.some((s) => /^wppconnect status: \w+/.test(s.content)));
});

test('a location and a contact card arrive in Chatwoot as readable text', async (t) => {
  const { d, cw, api, origin, alice, bobWid } = await bridge(t);
  const contents: string[] = [];
  cw.get(`${api}/contacts/search`)
    .query({ q: alice })
    .reply(200, foundContact(alice))
    .get(`${api}/contacts/17/conversations`)
    .reply(200, { payload: [{ id: 42, inbox_id: INBOX, status: 'pending' }] })
    .post(`${api}/conversations/42/messages`, (body: { content: string }) => contents.push(body.content) > 0)
    .times(2)
    .reply(200, () => ({ id: 700 + contents.length }));
  const phone = phoneOf(d, 'alice');
  await phone.engine('sendLocation')(bobWid, { lat: -23.5, lng: -46.6, name: 'Padaria', address: 'Rua 1' });
  await phone.engine('sendContactVcard')(bobWid, '5511987654321@c.us', 'Joao');
  await allCalled(cw);
  t.deepEqual(contents, [
    '📍 Padaria\nRua 1\nhttps://www.google.com/maps?q=-23.5,-46.6',
    '👤 Joao: +5511987654321',
  ]);
  t.deepEqual(unexpected(origin), []);
});

/** alice creates a group with bob and writes in it, then writes to bob directly. */
async function groupThenDirect(d: import('../helpers/daemon.ts').TestDaemon, bobWid: string) {
  const alice = phoneOf(d, 'alice');
  const created = await alice.engine('createGroup')('Team', [bobWid]);
  const groupId = String(created.gid._serialized);
  await alice.engine('sendText')(groupId, 'hello team');
  await alice.engine('sendText')(bobWid, 'hello bob');
  return groupId;
}

test('group messages are not bridged by default', async (t) => {
  const { d, cw, api, origin, alice, bobWid } = await bridge(t);
  const contents: string[] = [];
  cw.get(`${api}/contacts/search`)
    .query({ q: alice })
    .reply(200, foundContact(alice))
    .get(`${api}/contacts/17/conversations`)
    .reply(200, { payload: [{ id: 42, inbox_id: INBOX, status: 'open' }] })
    .post(`${api}/conversations/42/messages`, (body: { content: string }) => contents.push(body.content) > 0)
    .reply(200, { id: 1 });
  await groupThenDirect(d, bobWid);
  await allCalled(cw);
  t.deepEqual(contents, ['hello bob']);
  t.deepEqual(
    (await deliveries(d, 'bob', 'chatwoot')).map((r) => r.event),
    ['onmessage'],
  );
  t.deepEqual(unexpected(origin), []);
});

test('with groups on, a group is one Chatwoot contact (by identifier) and each message names its author', async (t) => {
  const { d, cw, api, origin, alice, bobWid } = await bridge(t, { chatwoot: { groups: true } });
  const posted: { conversation: number; content: string; message_type: string }[] = [];
  const searched: string[] = [];
  const created = recorder();
  const pushname = pushnameOf(d, 'alice');
  cw.get(`${api}/contacts/search`)
    .query((query) => {
      searched.push(String(query.q));
      return query.q !== alice;
    })
    .reply(200, { payload: [] })
    .post(`${api}/contacts`, created.match)
    .reply(200, { payload: { contact: { id: 60 }, contact_inbox: { source_id: 'src-60' } } })
    .get(`${api}/contacts/60/conversations`)
    .reply(200, { payload: [] })
    .post(`${api}/conversations`, { source_id: 'src-60', inbox_id: INBOX, contact_id: 60, status: 'open' })
    .reply(200, { id: 61 })
    .post(`${api}/conversations/61/messages`, (body) => posted.push({ conversation: 61, ...body }) > 0)
    .reply(200, { id: 1 })
    .get(`${api}/contacts/search`)
    .query({ q: alice })
    .reply(200, foundContact(alice))
    .get(`${api}/contacts/17/conversations`)
    .reply(200, { payload: [{ id: 42, inbox_id: INBOX, status: 'open' }] })
    .post(`${api}/conversations/42/messages`, (body) => posted.push({ conversation: 42, ...body }) > 0)
    .reply(200, { id: 2 });
  const groupId = await groupThenDirect(d, bobWid);
  await allCalled(cw);
  t.true(groupId.endsWith('@g.us'));
  t.deepEqual(
    searched.filter((q) => q !== alice),
    [groupId.split('@')[0]],
  );
  t.deepEqual(created.bodies, [{ inbox_id: INBOX, name: groupId, identifier: groupId }]);
  t.deepEqual(
    posted.map((p) => [p.conversation, p.content, p.message_type]),
    [
      [61, `**${pushname}**:\nhello team`, 'incoming'],
      [42, 'hello bob', 'incoming'],
    ],
  );
  t.deepEqual(unexpected(origin), []);
});

test('a message revoked on WhatsApp is deleted from Chatwoot, once; the deletion notice Chatwoot sends back revokes nothing', async (t) => {
  const { d, cw, api, origin, alice, bobWid } = await bridge(t);
  cw.get(`${api}/contacts/search`)
    .query({ q: alice })
    .reply(200, foundContact(alice, 17, 'src-17'))
    .get(`${api}/contacts/17/conversations`)
    .reply(200, { payload: [] })
    .post(`${api}/conversations`)
    .reply(200, { id: 42 })
    .post(`${api}/conversations/42/messages`)
    .reply(200, { id: 3001 });
  const sent = await phoneOf(d, 'alice').engine('sendText')(bobWid, 'oops, wrong chat');
  await allCalled(cw);
  // Posted and recorded (the Chatwoot id is stored once the answer is read).
  await waitFor(async () => (await deliveries(d, 'bob', 'chatwoot'))[0]?.status === 'delivered');

  cw.delete(`${api}/conversations/42/messages/3001`).reply(200, {});
  await phoneOf(d, 'alice').engine('deleteMessage')(bobWid, sent.id, false);
  await allCalled(cw);

  // Chatwoot then reports the deletion of the (incoming) message: nothing goes to WhatsApp.
  const notice = fixture('message_updated');
  notice.id = 3001;
  notice.message_type = 'incoming';
  notice.content_attributes = { deleted: true };
  notice.conversation.id = 42;
  const res = await postWebhook(d, `bob:${await d.token('bob')}`, notice);
  t.like(res.body, { queued: false, ignored: 'not an outgoing message' });
  await waitFor(async () => {
    const rows = await deliveries(d, 'bob', 'chatwoot');
    return rows.length === 2 && rows.every((r) => r.status === 'delivered');
  });
  const rows = await deliveries(d, 'bob', 'chatwoot');
  t.deepEqual(
    rows.map((r) => r.event),
    ['onmessage', 'onrevokedmessage'],
  );
  // The delivery log names the Chatwoot message that was deleted.
  t.true(rows[1]?.url.endsWith(`${api}/conversations/42/messages/3001`));
  t.deepEqual(unexpected(origin), []);
});
