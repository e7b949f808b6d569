import test from 'ava';
import nock from 'nock';
import {
  allCalled,
  bridge,
  chatwootOrigin,
  deliveries,
  fixture,
  foundContact,
  INBOX,
  network,
  postWebhook,
  received,
  TOKEN,
  unexpected,
  waitFor,
} from './helpers.ts';

test('Chatwoot down for a while: nothing is lost, each message is posted once, in order; the delivery log counts the attempts', async (t) => {
  const { d, cw, api, origin } = await bridge(t);
  const outside = '5511912345678';
  const posted: string[] = [];
  let down = 0;
  cw.get(`${api}/contacts/search`)
    .query({ q: outside })
    .times(3)
    .reply(() => {
      down += 1;
      return [503, 'maintenance'];
    })
    .get(`${api}/contacts/search`)
    .query({ q: outside })
    .reply(200, { meta: { count: 0 }, payload: [] })
    .get(`${api}/contacts/search`)
    .query({ q: '551112345678' })
    .reply(200, { meta: { count: 0 }, payload: [] })
    .post(`${api}/contacts`, {
      inbox_id: INBOX,
      name: 'Carla',
      identifier: `${outside}@c.us`,
      phone_number: `+${outside}`,
    })
    .reply(200, { payload: { contact: { id: 8 }, contact_inbox: { source_id: 'src-8' } } })
    .get(`${api}/contacts/8/conversations`)
    .reply(200, { payload: [] })
    .post(`${api}/conversations`, { source_id: 'src-8', inbox_id: INBOX, contact_id: 8, status: 'open' })
    .reply(200, { id: 90 })
    .post(`${api}/conversations/90/messages`, (body: { content: string }) => posted.push(body.content) > 0)
    .times(3)
    .reply(200, () => ({ id: 3000 + posted.length }));

  for (const text of ['one', 'two', 'three'])
    await d.api('bob', 'POST', 'sandbox/inbound', { from: outside, body: text, pushname: 'Carla' });
  await allCalled(cw);
  t.is(down, 3);
  t.deepEqual(posted, ['one', 'two', 'three']);
  const rows = await waitFor(async () => {
    const list = await deliveries(d, 'bob', 'chatwoot');
    return list.length === 3 && list.every((r) => r.status === 'delivered') && list;
  });
  t.is(rows[0]?.attempts, 4, 'the first message was tried while Chatwoot was down, then delivered');
  t.deepEqual(unexpected(origin), []);
});

test('a restart while a message is being posted does not post it twice: the bridge finds it by its source_id', async (t) => {
  const origin = chatwootOrigin();
  const first = await bridge(t, { origin });
  const { api, alice } = first;
  let messageId = '';
  const requestSeen = new Promise<void>((resolve) => {
    first.cw
      .get(`${api}/contacts/search`)
      .query({ q: alice })
      .reply(200, foundContact(alice))
      .get(`${api}/contacts/17/conversations`)
      .reply(200, { payload: [{ id: 42, inbox_id: INBOX, status: 'open' }] })
      .post(`${api}/conversations/42/messages`, (body: { source_id: string }) => {
        messageId = body.source_id;
        resolve();
        return true;
      })
      // Chatwoot stores the message, but the answer never arrives: the daemon stops first
      .delay(30_000)
      .reply(200, { id: 1001 });
  });
  await first.d.api('bob', 'POST', 'sandbox/inbound', { from: alice, body: 'before the restart' });
  await requestSeen;
  await first.d.close();

  const after = nock(origin, { reqheaders: { api_access_token: TOKEN } })
    .get(`${api}/conversations/42/messages`)
    .reply(200, () => ({
      meta: {},
      payload: [
        { id: 1000, content: 'older', source_id: null },
        { id: 1001, content: 'before the restart', source_id: messageId },
      ],
    }));
  const second = await bridge(t, { origin, dataDir: first.d.dataDir });
  await allCalled(after);
  const rows = await waitFor(async () => {
    const list = await deliveries(second.d, 'bob', 'chatwoot');
    return list.length === 1 && list[0]?.status === 'delivered' && list;
  });
  t.is(rows[0]?.event, 'onmessage');
  t.regex(messageId, /^WAID:false_/);
  t.deepEqual(unexpected(origin), [], 'no second POST, no new contact or conversation lookup');
});

test('a restart in the middle of an agent message with attachments sends only the parts not sent yet', async (t) => {
  const origin = chatwootOrigin();
  const first = await bridge(t, { origin });
  const { alice, bobWid } = first;
  const pdf = '/rails/active_storage/blobs/redirect/eyJfcmFpbHMiOnsiZGF0YSI6NTAxfX0=--aaa/invoice.pdf';
  const png = '/rails/active_storage/blobs/redirect/eyJfcmFpbHMiOnsiZGF0YSI6NTAyfX0=--bbb/photo.png';
  const before = nock(origin)
    .get(pdf)
    .reply(200, '%PDF-1.4 part one', { 'content-type': 'application/pdf' })
    // the second download never finishes: the daemon stops while waiting for it
    .get(png)
    .delay(30_000)
    .reply(200, 'never arrives', { 'content-type': 'image/png' });
  const payload = fixture('message_created.outgoing-attachments');
  payload.conversation.meta.sender.phone_number = `+${alice}`;
  t.is((await postWebhook(first.d, `bob:${await first.d.token('bob')}`, payload)).status, 200);
  await allCalled(before);
  t.is(received(first.d, 'alice', bobWid).length, 1);
  await first.d.close();

  const after = nock(origin).get(png).reply(200, 'part two', { 'content-type': 'image/png' });
  // delivered is reported only if alice's phone is back before bob sends (the restart decides)
  nock(origin, { reqheaders: { api_access_token: TOKEN } })
    .patch(`${first.api}/conversations/42/messages/2004`, { status: 'delivered' })
    .optionally()
    .reply(200, {});
  const second = await bridge(t, { origin, dataDir: first.d.dataDir });
  await allCalled(after);
  await waitFor(async () => (await deliveries(second.d, 'bob', 'chatwoot-send'))[0]?.status === 'delivered');
  const atAlice = received(second.d, 'alice', bobWid);
  t.deepEqual(
    atAlice.map((m) => [m.type, m.caption]),
    [
      ['document', 'Here is your invoice'],
      ['image', undefined],
    ],
    'the document was not sent again',
  );
  t.is(network(second.d).getMedia(String(atAlice[1]?.filehash))?.toString(), 'part two');
  t.deepEqual(unexpected(origin), []);
});
