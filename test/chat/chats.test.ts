import test from 'ava';
import { startDaemon } from '../helpers/daemon.ts';
import { pair, say } from './helpers.ts';

test('chats appear when messages flow: all-chats, list-chats, chat-by-id, all-chats-with-messages', async (t) => {
  const p = await pair(t);
  await say(p, 'alice', p.bob, 'hello bob');

  const all = await p.d.api('bob', 'GET', 'all-chats');
  t.is(all.status, 200);
  t.is(all.body.status, 'success');
  t.is(all.body.mapper, 'chat');
  t.is(all.body.response.length, 1);
  const chat = all.body.response[0];
  t.is(chat.id._serialized, `${p.alice}@c.us`);
  t.is(chat.unreadCount, 1);
  t.is(chat.name, 'alice');
  t.false(chat.archive);
  t.is(chat.lastReceivedKey._serialized.split('_')[0], 'false');

  const listed = await p.d.api('bob', 'POST', 'list-chats', {});
  t.is(listed.status, 200);
  t.true(Array.isArray(listed.body), 'list-chats answers the bare array');
  t.deepEqual(
    listed.body.map((c: any) => c.id._serialized),
    [`${p.alice}@c.us`],
  );

  const byId = await p.d.api('bob', 'GET', `chat-by-id/${p.alice}`);
  t.is(byId.status, 200);
  t.is(byId.body.id._serialized, `${p.alice}@c.us`, 'chat-by-id answers the bare chat');
  t.false(byId.body.isGroup);

  const withMessages = await p.d.api('alice', 'GET', 'all-chats-with-messages');
  t.is(withMessages.status, 200);
  t.is(withMessages.body.status, 'success');
  t.is(withMessages.body.response[0].id._serialized, `${p.bob}@c.us`);
  t.is(withMessages.body.response[0].unreadCount, 0, 'own messages are not unread');
});

test('list-chats filters (onlyUsers, onlyGroups, onlyWithUnreadMessage) and pages by id/count/direction', async (t) => {
  const p = await pair(t);
  const senders = ['5511900000011', '5511900000012', '5511900000013', '5511900000014', '5511900000015'];
  for (const from of senders)
    await p.d.api('alice', 'POST', 'sandbox/inbound', { from, body: `hi from ${from}` });
  // The chat of the first sender is read: it drops out of onlyWithUnreadMessage.
  t.is((await p.d.api('alice', 'POST', 'send-seen', { phone: senders[0] })).status, 201);

  const all = (await p.d.api('alice', 'POST', 'list-chats', {})).body.map((c: any) => c.id._serialized);
  t.is(all.length, 5);
  const unread = (await p.d.api('alice', 'POST', 'list-chats', { onlyWithUnreadMessage: true })).body;
  t.is(unread.length, 4);
  t.false(unread.some((c: any) => c.id._serialized === `${senders[0]}@c.us`));
  t.is((await p.d.api('alice', 'POST', 'list-chats', { onlyUsers: true })).body.length, 5);
  t.deepEqual((await p.d.api('alice', 'POST', 'list-chats', { onlyGroups: true })).body, []);

  const first = (await p.d.api('alice', 'POST', 'list-chats', { count: 2 })).body.map(
    (c: any) => c.id._serialized,
  );
  t.deepEqual(first, all.slice(0, 2));
  const next = (
    await p.d.api('alice', 'POST', 'list-chats', { id: first[1], count: 2, direction: 'after' })
  ).body.map((c: any) => c.id._serialized);
  t.deepEqual(next, all.slice(2, 4));
  const back = (
    await p.d.api('alice', 'POST', 'list-chats', { id: all[4], count: 2, direction: 'before' })
  ).body.map((c: any) => c.id._serialized);
  t.deepEqual(back, all.slice(2, 4));

  const bad = await p.d.api('alice', 'POST', 'list-chats', { direction: 'sideways' });
  t.is(bad.status, 400);
  t.regex(bad.body.message, /direction/);
});

test('archive-chat, all-chats-archived and archive-all-chats', async (t) => {
  const p = await pair(t);
  await say(p, 'alice', p.bob, 'one');
  await p.d.api('alice', 'POST', 'sandbox/inbound', { from: '5511900000021', body: 'two' });

  const archived = await p.d.api('alice', 'POST', 'archive-chat', { phone: p.bob });
  t.is(archived.status, 201);
  t.is(archived.body.status, 'success');
  t.true(archived.body.response.archive);
  t.is(archived.body.response.wid._serialized, `${p.bob}@c.us`);

  const list = await p.d.api('alice', 'GET', 'all-chats-archived');
  t.is(list.status, 201, 'wppconnect-server answers 201 here');
  t.deepEqual(
    list.body.map((c: any) => c.id._serialized),
    [`${p.bob}@c.us`],
  );
  // Archiving is alice's alone: bob's chat with alice is not archived.
  t.false((await p.d.api('bob', 'GET', `chat-by-id/${p.alice}`)).body.archive);

  const unarchived = await p.d.api('alice', 'POST', 'archive-chat', { phone: p.bob, value: false });
  t.false(unarchived.body.response.archive);
  t.deepEqual((await p.d.api('alice', 'GET', 'all-chats-archived')).body, []);

  const everything = await p.d.api('alice', 'POST', 'archive-all-chats');
  t.is(everything.status, 201);
  t.deepEqual(everything.body, { status: 'success' });
  t.is((await p.d.api('alice', 'GET', 'all-chats-archived')).body.length, 2);

  const invalid = await p.d.api('alice', 'POST', 'archive-chat', { value: true });
  t.is(invalid.status, 400);
  t.regex(invalid.body.message, /phone is required/);
  const unknown = await p.d.api('alice', 'POST', 'archive-chat', { phone: '5511912340000' });
  t.is(unknown.status, 400, 'a number that does not exist');
});

test('pin-chat pins up to three chats, set-limit unlimitedPin lifts the limit', async (t) => {
  const p = await pair(t);
  const others = ['5511900000031', '5511900000032', '5511900000033', '5511900000034'];
  for (const from of others) await p.d.api('alice', 'POST', 'sandbox/inbound', { from, body: 'hi' });

  const pinned = await p.d.api('alice', 'POST', 'pin-chat', { phone: others[3], state: true });
  t.is(pinned.status, 200);
  t.like(pinned.body, { status: 'success', response: { message: 'Chat fixed' } });
  const list = (await p.d.api('alice', 'POST', 'list-chats', {})).body;
  t.is(list[0].id._serialized, `${others[3]}@c.us`, 'pinned chats come first');
  t.true(list[0].pin > 0);

  // The string "true" pins too (wppconnect-server's clients send it).
  t.is((await p.d.api('alice', 'POST', 'pin-chat', { phone: others[0], state: 'true' })).status, 200);
  t.is((await p.d.api('alice', 'POST', 'pin-chat', { phone: others[1], state: true })).status, 200);
  const fourth = await p.d.api('alice', 'POST', 'pin-chat', { phone: others[2], state: true });
  t.is(fourth.status, 400);
  t.regex(fourth.body.error, /up to 3 chats/);

  const limit = await p.d.api('alice', 'POST', 'set-limit', { type: 'unlimitedPin', value: true });
  t.is(limit.status, 200);
  t.is((await p.d.api('alice', 'POST', 'pin-chat', { phone: others[2], state: true })).status, 200);

  const unpinned = await p.d.api('alice', 'POST', 'pin-chat', { phone: others[3], state: false });
  t.is(unpinned.status, 200);
  t.is((await p.d.api('alice', 'GET', `chat-by-id/${others[3]}`)).body.pin, 0);

  const noState = await p.d.api('alice', 'POST', 'pin-chat', { phone: others[0] });
  t.is(noState.status, 400);
  t.regex(noState.body.message, /state is required/);
});

test('send-mute and list-mutes', async (t) => {
  const p = await pair(t);
  await say(p, 'alice', p.bob, 'hi');
  const muted = await p.d.api('alice', 'POST', 'send-mute', { phone: p.bob, time: 2, type: 'hours' });
  t.is(muted.status, 200);
  t.is(muted.body.status, 'success');
  t.is(muted.body.response.status, 200);
  t.false(muted.body.response.erro);
  t.is(muted.body.response.type, 'sendMute');

  const chat = (await p.d.api('alice', 'GET', `chat-by-id/${p.bob}`)).body;
  const inTwoHours = Math.floor(Date.now() / 1000) + 2 * 3600;
  t.true(Math.abs(chat.muteExpiration - inTwoHours) < 60);

  const mutes = await p.d.api('alice', 'GET', 'list-mutes/all');
  t.is(mutes.status, 200);
  t.is(mutes.body.response[0].amountToMute, 1);
  t.is(mutes.body.response[1][0].id._serialized, `${p.bob}@c.us`);

  // Without time, send-mute unmutes.
  t.is((await p.d.api('alice', 'POST', 'send-mute', { phone: p.bob })).status, 200);
  t.is((await p.d.api('alice', 'GET', 'list-mutes/toMute')).body.response[0].total, 0);
  t.is((await p.d.api('alice', 'GET', 'list-mutes/noMute')).body.response[0].total, 1);

  t.is((await p.d.api('alice', 'POST', 'send-mute', { phone: p.bob, time: 1, type: 'days' })).status, 400);
  t.is((await p.d.api('alice', 'POST', 'send-mute', { phone: p.bob, time: -1 })).status, 400);
  t.is((await p.d.api('alice', 'GET', 'list-mutes/some')).status, 400);
});

test('clear-chat empties the chat on this device only; delete-chat removes it until a new message', async (t) => {
  const p = await pair(t);
  await say(p, 'alice', p.bob, 'one');
  await say(p, 'bob', p.alice, 'two');

  const cleared = await p.d.api('alice', 'POST', 'clear-chat', { phone: p.bob });
  t.is(cleared.status, 201);
  t.is(cleared.body.status, 'Success');
  t.is(cleared.body.response.message, 'Information retrieved successfully.');
  t.is(cleared.body.response.session, 'alice');
  t.deepEqual(cleared.body.response.data, { [`${p.bob}@c.us`]: true });
  t.deepEqual((await p.d.api('alice', 'GET', `all-messages-in-chat/${p.bob}`)).body.response, []);
  t.is((await p.d.api('alice', 'POST', 'list-chats', {})).body.length, 1, 'a cleared chat stays in the list');
  t.is(
    (await p.d.api('bob', 'GET', `all-messages-in-chat/${p.alice}`)).body.response.length,
    2,
    "bob's copy stays",
  );

  const deleted = await p.d.api('alice', 'POST', 'delete-chat', { phone: p.bob });
  t.is(deleted.status, 201);
  t.deepEqual(deleted.body.response.data, { [`${p.bob}@c.us`]: true });
  t.deepEqual((await p.d.api('alice', 'POST', 'list-chats', {})).body, []);
  const gone = await p.d.api('alice', 'GET', `chat-by-id/${p.bob}`);
  t.is(gone.status, 404);
  t.is(gone.body.message, 'Error changing chat by Id');

  await say(p, 'bob', p.alice, 'are you there?');
  const back = await p.d.api('alice', 'GET', `chat-by-id/${p.bob}`);
  t.is(back.status, 200);
  t.is(back.body.unreadCount, 1);

  const again = await p.d.api('alice', 'POST', 'delete-chat', { phone: '5511900000099' });
  t.is(again.status, 400, 'deleting a chat that does not exist: the info error');
  t.is(again.body.status, 'Error');
  t.is((await p.d.api('alice', 'POST', 'clear-chat', {})).status, 400);
});

test('clear-all-chats and delete-all-chats act on every chat', async (t) => {
  const p = await pair(t);
  await say(p, 'alice', p.bob, 'one');
  await p.d.api('alice', 'POST', 'sandbox/inbound', { from: '5511900000041', body: 'two' });

  const cleared = await p.d.api('alice', 'POST', 'clear-all-chats');
  t.is(cleared.status, 201);
  t.deepEqual(cleared.body, { status: 'success' });
  t.is(p.network.allMessages('alice').length, 0);
  t.is((await p.d.api('alice', 'POST', 'list-chats', {})).body.length, 2);

  const deleted = await p.d.api('alice', 'POST', 'delete-all-chats');
  t.is(deleted.status, 200);
  t.deepEqual(deleted.body, { status: 'success' });
  t.deepEqual((await p.d.api('alice', 'POST', 'list-chats', {})).body, []);
  t.is(p.network.allMessages('bob').length, 1, "the other side's messages stay");
});

test('archive, pin and mute flags persist across a restart', async (t) => {
  const first = await startDaemon();
  const bob = await first.connect('bob');
  await first.connect('alice');
  await first.api('alice', 'POST', 'send-message', { phone: bob, message: 'hi' });
  await first.api('alice', 'POST', 'archive-chat', { phone: bob });
  await first.api('alice', 'POST', 'pin-chat', { phone: bob, state: true });
  await first.api('alice', 'POST', 'send-mute', { phone: bob, time: 1, type: 'hours' });
  await first.close();

  const second = await startDaemon({ dataDir: first.dataDir });
  t.teardown(() => second.close());
  await second.connect('alice');
  const chat = (await second.api('alice', 'GET', `chat-by-id/${bob}`)).body;
  t.true(chat.archive);
  t.true(chat.pin > 0);
  t.true(chat.muteExpiration > Math.floor(Date.now() / 1000));
});

test('chat routes validate their path and answer 404 when not connected', async (t) => {
  const p = await pair(t);
  t.is((await p.d.api('alice', 'GET', 'chat-by-id/..%2F..%2Fetc')).status, 400);
  t.is((await p.d.api('alice', 'GET', `chat-by-id/${'9'.repeat(130)}`)).status, 400);
  const idle = await p.d.api('idle', 'GET', 'all-chats');
  t.is(idle.status, 404);
  t.is(idle.body.status, 'Disconnected');
});
