import test from 'ava';
import { pair, say, waitFor } from './helpers.ts';

test('paging: 250 messages read back in pages in both directions, with no gap or duplicate', async (t) => {
  const p = await pair(t);
  // Both sides write, so the chat holds own and received messages.
  for (let i = 0; i < 250; i += 1)
    await say(p, i % 3 === 0 ? 'bob' : 'alice', i % 3 === 0 ? p.alice : p.bob, `m${i}`);
  const expected = p.network.chatMessages('bob', `${p.alice}@c.us`).map((m) => m.id);
  t.is(expected.length, 250);

  // Backwards from the newest: all-messages-in-chat with count/id/direction=before.
  const backwards: string[][] = [];
  let cursor: string | undefined;
  for (;;) {
    const query = new URLSearchParams({
      count: '40',
      direction: 'before',
      ...(cursor ? { id: cursor } : {}),
    });
    const res = await p.d.api('bob', 'GET', `all-messages-in-chat/${p.alice}?${query}`);
    t.is(res.status, 200);
    const page: string[] = res.body.response.map((m: any) => m.id);
    if (page.length === 0) break;
    t.true(page.length <= 40);
    backwards.unshift(page);
    cursor = page[0];
  }
  t.deepEqual(backwards.flat(), expected);

  // Forwards from the oldest: load-messages-in-chat with direction=after.
  const forwards: string[] = [expected[0] as string];
  cursor = expected[0];
  for (;;) {
    const query = new URLSearchParams({ count: '33', direction: 'after', id: cursor as string });
    const res = await p.d.api('bob', 'GET', `load-messages-in-chat/${p.alice}@c.us?${query}`);
    t.is(res.status, 200);
    const page: string[] = res.body.response.map((m: any) => m.id);
    if (page.length === 0) break;
    forwards.push(...page);
    cursor = page.at(-1);
  }
  t.deepEqual(forwards, expected);
  t.is(new Set(forwards).size, 250);

  // Without paging, every message; includeMe=false leaves bob's own out.
  const all = await p.d.api('bob', 'GET', `all-messages-in-chat/${p.alice}`);
  t.is(all.body.response.length, 250);
  const received = await p.d.api('bob', 'GET', `all-messages-in-chat/${p.alice}?includeMe=false`);
  t.true(received.body.response.every((m: any) => !m.fromMe));
  t.is(received.body.response.length, expected.filter((id) => id.startsWith('false_')).length);

  const bad = await p.d.api('bob', 'GET', `all-messages-in-chat/${p.alice}?direction=up`);
  t.is(bad.status, 400);
  t.is((await p.d.api('bob', 'GET', `all-messages-in-chat/${p.alice}?count=-5`)).status, 400);
  t.is((await p.d.api('bob', 'GET', `all-messages-in-chat/${p.alice}?id=not-an-id`)).status, 400);
});

test('unread messages: all-new-messages, all-unread-messages, send-seen (the sender sees READ)', async (t) => {
  const p = await pair(t);
  const sent = await say(p, 'alice', p.bob, 'read me');
  await say(p, 'alice', p.bob, 'and me');

  const fresh = await p.d.api('bob', 'GET', 'all-new-messages');
  t.is(fresh.status, 200);
  t.deepEqual(
    fresh.body.response.map((m: any) => m.body),
    ['read me', 'and me'],
  );
  const unread = await p.d.api('bob', 'GET', 'all-unread-messages');
  t.is(unread.status, 200);
  t.is(unread.body.response.length, 2);
  t.is((await p.d.api('bob', 'GET', `chat-by-id/${p.alice}`)).body.unreadCount, 2);

  const seen = await p.d.api('bob', 'POST', 'send-seen', { phone: p.alice });
  t.is(seen.status, 201);
  t.is(seen.body.status, 'Success');
  t.deepEqual(seen.body.response.contact, [`${p.alice}@c.us`]);
  t.is(seen.body.response.data.length, 1);

  t.deepEqual((await p.d.api('bob', 'GET', 'all-unread-messages')).body.response, []);
  t.deepEqual((await p.d.api('bob', 'GET', 'all-new-messages')).body.response, []);
  t.is((await p.d.api('bob', 'GET', `chat-by-id/${p.alice}`)).body.unreadCount, 0);
  // The sender's copy shows READ.
  const mine = await waitFor(async () => {
    const res = await p.d.api('alice', 'GET', `message-by-id/${sent.id}`);
    return res.body.response.data.ack === 3 ? res : undefined;
  });
  t.is(mine.status, 201);

  t.is((await p.d.api('bob', 'POST', 'send-seen', {})).status, 400);
});

test('message-by-id answers the info envelope, 400 for an unknown message', async (t) => {
  const p = await pair(t);
  const sent = await say(p, 'alice', p.bob, 'find me');
  const res = await p.d.api('alice', 'GET', `message-by-id/${sent.id}`);
  t.is(res.status, 201);
  t.is(res.body.status, 'Success');
  t.is(res.body.response.message, 'Information retrieved successfully.');
  t.is(res.body.response.contact, p.bob);
  t.is(res.body.response.session, 'alice');
  t.is(res.body.response.data.body, 'find me');

  const unknown = await p.d.api('alice', 'GET', `message-by-id/true_${p.bob}@c.us_3EB0FFFFFFFFFFFFFFFF`);
  t.is(unknown.status, 400);
  t.is(unknown.body.status, 'Error');
  t.is(unknown.body.response.message, 'Error retrieving information');

  const malformed = await p.d.api('alice', 'GET', 'message-by-id/nonsense');
  t.is(malformed.status, 400);
  t.regex(malformed.body.message, /messageId/);
});
