import test from 'ava';
import { SECRET, startDaemon } from '../helpers/daemon.ts';

const CHATWOOT_TOKEN = 'chatwoot-token-9f8e7d6c5b4a';
const PROXY_PASSWORD = 'proxy-password-1a2b3c';

test('the secret key, session tokens and Chatwoot tokens never reach logs, /metrics, the plugin listing or error bodies', async (t) => {
  const d = await startDaemon({ config: { log: { level: 'trace' } } });
  t.teardown(() => d.close());
  const token = await d.token('alice');
  const bodies: string[] = [];
  const call = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`${d.url}${path}`, init);
    const text = await res.text();
    return { status: res.status, text };
  };
  // Settings holding secrets, stored and logged around start-up.
  await d.api('alice', 'POST', 'start-session', {
    chatWoot: { baseURL: 'http://127.0.0.1:1', token: CHATWOOT_TOKEN, account_id: 1, inbox_id: 1 },
    proxy: { url: 'http://127.0.0.1:1', username: 'u', password: PROXY_PASSWORD },
  });
  await d.connect('alice');
  // The token in the path, in a header, wrong, on routes that fail in various ways.
  const errors = [
    await call(`/api/alice:${token}/status-session`),
    await call(`/api/alice:${token}/no-such-route`),
    await call(`/api/alice:${token}/send-message`, {
      method: 'POST',
      body: '{"phone":',
      headers: { 'content-type': 'application/json' },
    }),
    await call('/api/bob/status-session', { headers: { authorization: `Bearer ${token}` } }),
    await call(`/api/alice/${SECRET}x/clear-session-data`, { method: 'POST' }),
    await call(`/api/${SECRET}/start-all`, {
      method: 'POST',
      body: '{',
      headers: { 'content-type': 'application/json' },
    }),
    await call(`/api/alice/${SECRET}/generate-token`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'x',
    }),
  ];
  await d.api('alice', 'GET', 'status-session');
  await d.api('alice', 'POST', 'send-message', { phone: '5511912340000', message: 'to nobody' });
  await d.api('alice', 'POST', 'close-session');

  const metrics = (await call('/metrics')).text;
  const plugins = (await call(`/api/${SECRET}/plugins`)).text;
  // Error answers to someone who did not send the secret: the wrong-token and wrong-key ones.
  for (const answer of [errors[3], errors[4]]) if (answer?.text) bodies.push(answer.text);

  const logs = d.logText();
  t.true(logs.length > 0);
  for (const [where, text] of [
    ['logs', logs],
    ['/metrics', metrics],
    ['plugin listing', plugins],
    ['error bodies', bodies.join('\n')],
  ] as const) {
    t.false(text.includes(SECRET), `the secret key is in ${where}`);
    t.false(text.includes(token), `a session token is in ${where}`);
    t.false(text.includes(token.slice(7, 40)), `part of a session token is in ${where}`);
    t.false(text.includes(CHATWOOT_TOKEN), `the Chatwoot token is in ${where}`);
    t.false(text.includes(PROXY_PASSWORD), `the proxy password is in ${where}`);
  }
});
