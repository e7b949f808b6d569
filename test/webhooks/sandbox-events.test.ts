import test from 'ava';
import { startDaemon } from '../helpers/daemon.ts';
import { Receiver } from './receiver.ts';

/**
 * Every webhook event of wppconnect-server produced by the sandbox engine itself (through the public
 * routes and the sandbox's control routes), not raised on the bus by the test.
 */
test('the sandbox produces every webhook event, and each is delivered with its name and payload', async (t) => {
  const receiver = await new Receiver().start();
  const d = await startDaemon({
    config: { plugins: { webhooks: { url: receiver.url, retry: { initialDelayMs: 5, maxDelayMs: 20 } } } },
  });
  t.teardown(async () => {
    await d.close();
    await receiver.close();
  });
  const alice = await d.connect('alice');
  const bob = await d.connect('bob');
  const carol = await d.connect('carol');
  const fromBob = (e: Record<string, unknown>) => e.session === 'alice' && JSON.stringify(e).includes(bob);

  // location: bob shares his live location with alice
  const shared = await d.api('alice', 'POST', 'sandbox/live-location', {
    from: bob,
    lat: -23.55,
    lng: -46.63,
  });
  t.is(shared.status, 201);
  t.like(await receiver.waitEvent('location', (e) => e.session === 'alice'), {
    type: 'update',
    id: `${bob}@c.us`,
    lat: -23.55,
    lng: -46.63,
    speed: 0,
  });

  // incomingcall
  t.is((await d.api('alice', 'POST', 'sandbox/incoming-call', { from: bob })).status, 201);
  t.like(await receiver.waitEvent('incomingcall', (e) => e.session === 'alice'), { peerJid: `${bob}@c.us` });

  // onpresencechanged: alice subscribes to bob, bob goes offline
  await d.api('alice', 'POST', 'subscribe-presence', { phone: bob });
  await d.api('bob', 'POST', 'set-online-presence', { isOnline: false });
  t.like(await receiver.waitEvent('onpresencechanged', fromBob), { id: `${bob}@c.us`, isOnline: false });

  // onreactionmessage and onrevokedmessage: bob reacts to alice's message, then alice revokes it
  const sent = await d.api('alice', 'POST', 'send-message', { phone: bob, message: 'react to me' });
  const atBob = await receiver.waitEvent('onmessage', (e) => e.session === 'bob' && e.body === 'react to me');
  await d.api('bob', 'POST', 'react-message', { msgId: atBob.id, reaction: '👍' });
  t.like(await receiver.waitEvent('onreactionmessage', (e) => e.session === 'alice'), { reactionText: '👍' });
  await d.api('alice', 'POST', 'delete-message', { phone: bob, messageId: sent.body.response[0].id });
  t.truthy(await receiver.waitEvent('onrevokedmessage', (e) => e.session === 'bob'));

  // onpollresponse: alice sends a poll, bob votes
  await d.api('alice', 'POST', 'send-poll-message', {
    phone: bob,
    name: 'Lunch?',
    choices: ['Pizza', 'Sushi'],
  });
  const poll = await receiver.waitEvent(
    'onmessage',
    (e) => e.session === 'bob' && e.type === 'poll_creation',
  );
  await d.api('bob', 'POST', 'sandbox/vote', { messageId: poll.id, selectedOptions: ['Sushi'] });
  t.truthy(await receiver.waitEvent('onpollresponse', (e) => e.session === 'alice'));

  // onparticipantschanged: alice creates a group with bob and adds carol
  const group = await d.api('alice', 'POST', 'create-group', { name: 'Team', participants: [bob] });
  const groupId = group.body.response.groupInfo[0].id;
  await d.api('alice', 'POST', 'add-participant-group', { groupId, phone: carol });
  t.like(await receiver.waitEvent('onparticipantschanged', (e) => e.action === 'add'), {
    groupId: `${groupId}@g.us`,
  });

  // onupdatelabel: alice labels her chat with bob
  const label = await d.api('alice', 'POST', 'add-new-label', { name: 'VIP' });
  t.is(label.status, 201);
  const labels = (await d.api('alice', 'GET', 'get-all-labels')).body.response;
  await d.api('alice', 'POST', 'add-or-remove-label', {
    chatIds: [bob],
    options: [{ labelId: labels[0].id, type: 'add' }],
  });
  t.like(await receiver.waitEvent('onupdatelabel', (e) => e.session === 'alice'), { type: 'add' });

  // onack from a send, onmessage from an inbound; closesession and logoutsession
  t.truthy(await receiver.waitEvent('onack', (e) => e.session === 'alice'));
  await d.api('carol', 'POST', 'close-session');
  t.like(await receiver.waitEvent('closesession', (e) => e.session === 'carol'), { connected: false });
  await d.connect('carol');
  await d.api('carol', 'POST', 'logout-session');
  t.like(await receiver.waitEvent('logoutsession', (e) => e.session === 'carol'), { connected: false });
  void alice;
});

test('unreadmessages: messages still unread are posted when a session connects (allUnreadOnStart)', async (t) => {
  // readMessage off: otherwise the first delivery of onmessage marks the chat read.
  const receiver = await new Receiver().start();
  const d = await startDaemon({
    config: {
      plugins: {
        webhooks: {
          url: receiver.url,
          allUnreadOnStart: true,
          readMessage: false,
          retry: { initialDelayMs: 5, maxDelayMs: 20 },
        },
      },
    },
  });
  t.teardown(async () => {
    await d.close();
    await receiver.close();
  });
  const bob = await d.connect('bob');
  await d.connect('alice');
  await d.api('alice', 'POST', 'send-message', { phone: bob, message: 'while you were away' });
  await d.api('bob', 'POST', 'close-session');
  await d.connect('bob');
  t.like(await receiver.waitEvent('unreadmessages', (e) => e.session === 'bob'), {
    body: 'while you were away',
  });
});
