import test from 'ava';
import { startDaemon } from '../helpers/daemon.ts';

/** One refused request per chat-plugin route: bad input is a 400 naming the problem, never a 500. */
const BAD_INPUT: [method: string, route: string, body?: unknown][] = [
  ['POST', 'list-chats', { count: 0 }],
  ['GET', 'all-messages-in-chat/5521999999999?includeMe=perhaps'],
  ['GET', 'load-messages-in-chat/5521999999999?id=1_2'],
  ['GET', 'chat-by-id/5521%3Cb%3E'],
  ['GET', 'message-by-id/12345'],
  ['GET', 'chat-is-online/%2E%2E%2Fx%2F'],
  ['GET', 'last-seen/a%2Fb'],
  ['GET', 'list-mutes/everything'],
  ['POST', 'archive-chat', { phone: [] }],
  ['POST', 'clear-chat', { phone: 5 }],
  ['POST', 'delete-chat', {}],
  ['POST', 'pin-chat', { phone: '5521999999999', state: 'maybe' }],
  ['POST', 'send-mute', { phone: '5521999999999', time: 'soon' }],
  ['POST', 'send-seen', {}],
  ['POST', 'chat-state', { phone: '5521999999999', chatstate: 'typing' }],
  ['POST', 'typing', { phone: '5521999999999', value: 'sometimes' }],
  ['POST', 'recording', { phone: '5521999999999', duration: 'long' }],
  ['GET', 'contact/5521%25999'],
  ['GET', 'profile/%3Bls'],
  ['GET', 'check-number-status/%24%28id%29'],
  ['GET', 'contact/pn-lid/abc'],
  ['GET', 'profile-pic/5521999999999?isGroup=perhaps'],
  ['GET', 'profile-status/%7Bx%7D'],
  ['POST', 'block-contact', { phone: {} }],
  ['POST', 'unblock-contact', {}],
  ['POST', 'profile-status', { status: { text: 'x' } }],
  ['POST', 'change-username', { name: '' }],
  ['GET', 'get-platform-from-message/abc'],
  ['POST', 'subscribe-presence', { all: 'sure' }],
  ['POST', 'set-online-presence', { isOnline: 'yes please' }],
  ['POST', 'reject-call', { callId: 'a b' }],
  ['POST', 'set-limit', { type: 'maxFileSize' }],
];

/** Routes without input: a session that is not connected gets wppconnect-server's 404. */
const NO_INPUT: [method: string, route: string][] = [
  ['GET', 'all-chats'],
  ['GET', 'all-chats-archived'],
  ['GET', 'all-chats-with-messages'],
  ['GET', 'all-new-messages'],
  ['GET', 'all-unread-messages'],
  ['POST', 'archive-all-chats'],
  ['POST', 'clear-all-chats'],
  ['POST', 'delete-all-chats'],
  ['GET', 'all-contacts'],
  ['GET', 'blocklist'],
  ['GET', 'get-battery-level'],
  ['GET', 'host-device'],
  ['GET', 'get-phone-number'],
  ['GET', 'take-screenshot'],
];

test('every chat route refuses bad input with a 400, and routes need a connected session', async (t) => {
  const d = await startDaemon();
  t.teardown(() => d.close());
  await d.connect('alice');
  for (const [method, route, body] of BAD_INPUT) {
    const res = await d.api('alice', method, route, body);
    t.is(res.status, 400, `${method} ${route} → ${res.status} ${JSON.stringify(res.body)}`);
    t.is(typeof res.body.message, 'string', `${route} says why`);
  }
  const pic = await fetch(`${d.url}/api/alice/set-profile-pic`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await d.token('alice')}` },
  });
  t.is(pic.status, 400);

  for (const [method, route] of NO_INPUT) {
    const res = await d.api('idle', method, route);
    t.is(res.status, 404, `${method} ${route} on a session that is not connected`);
    t.is(res.body.status, 'Disconnected');
  }
  for (const [method, route] of NO_INPUT) {
    const res = await fetch(`${d.url}/api/alice/${route}`, { method });
    t.is(res.status, 401, `${method} ${route} without a token`);
  }
});
