import test from 'ava';
import nock from 'nock';
import {
  allCalled,
  bridge,
  chatwootOrigin,
  deliveries,
  INBOX,
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
  const { api, alice, aliceWid } = first;
  let messageId = '';
  const requestSeen = new Promise<void>((resolve) => {
    first.cw
      .get(`${api}/contacts/search`)
      .query({ q: alice })
      .reply(200, {
        meta: { count: 1 },
        payload: [
          {
            id: 17,
            phone_number: `+${alice}`,
            contact_inboxes: [{ source_id: aliceWid, inbox: { id: INBOX } }],
          },
        ],
      })
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
