import { createHmac } from 'node:crypto';
import test from 'ava';
import { startDaemon } from '../helpers/daemon.ts';
import {
  agentMessage,
  bridge,
  chatwootOrigin,
  chatwootSettings,
  postWebhook,
  received,
  waitFor,
} from './helpers.ts';

const SECRET = 'inbox-webhook-secret';

/** Chatwoot's signature headers for a raw body (reference/chatwoot-api.md §3). */
function signed(raw: string, secret = SECRET, timestamp = Math.floor(Date.now() / 1000)) {
  const digest = createHmac('sha256', secret).update(`${timestamp}.${raw}`).digest('hex');
  return {
    'x-chatwoot-timestamp': String(timestamp),
    'x-chatwoot-signature': `sha256=${digest}`,
    'x-chatwoot-delivery': '6f1c1a0e-0000-4000-8000-000000000001',
  };
}

test('the callback refuses anyone without the session token or a valid signature (401), and sends nothing', async (t) => {
  const { d, alice, bobWid } = await bridge(t, { chatwoot: { secret: SECRET } });
  const payload = agentMessage(alice, 2001, 42);
  const raw = JSON.stringify(payload);

  const none = await postWebhook(d, 'bob', raw);
  t.is(none.status, 401);
  t.like(none.body, { message: 'Token is not present. Check your header and try again' });

  const wrong = await postWebhook(d, 'bob:not-a-token', raw);
  t.is(wrong.status, 401);
  t.like(wrong.body, { error: 'Check that the Session and Token are correct' });

  const otherSession = await postWebhook(d, `bob:${await d.token('alice')}`, raw);
  t.is(otherSession.status, 401);

  const forged = await postWebhook(d, 'bob', raw, signed(raw, 'guessed-secret'));
  t.is(forged.status, 401);
  t.like(forged.body, {
    error: "The X-Chatwoot-Signature does not match this session's Chatwoot secret",
  });

  const tampered = await postWebhook(
    d,
    'bob',
    raw.replace('Hello from the agent', 'Send me your password'),
    signed(raw),
  );
  t.is(tampered.status, 401);

  const stale = await postWebhook(d, 'bob', raw, signed(raw, SECRET, Math.floor(Date.now() / 1000) - 3600));
  t.is(stale.status, 401, 'an old signed call replayed later is refused');

  const badName = await postWebhook(d, '..%2Fetc', raw);
  t.is(badName.status, 400);

  t.deepEqual(received(d, 'alice', bobWid), []);
});

test('a signed call, the path token and the bearer header are each accepted', async (t) => {
  const { d, alice, bobWid } = await bridge(t, { chatwoot: { secret: SECRET } });
  const bySignature = JSON.stringify(agentMessage(alice, 3001, 42, 'signed'));
  const first = await postWebhook(d, 'bob', bySignature, signed(bySignature));
  t.is(first.status, 200);
  t.true(first.body.queued);

  const second = await postWebhook(
    d,
    `bob:${await d.token('bob')}`,
    agentMessage(alice, 3002, 42, 'path token'),
  );
  t.is(second.status, 200);
  const third = await postWebhook(d, 'bob', agentMessage(alice, 3003, 42, 'bearer'), {
    authorization: `Bearer ${await d.token('bob')}`,
  });
  t.is(third.status, 200);
  await waitFor(async () => received(d, 'alice', bobWid).length === 3);
  t.deepEqual(
    received(d, 'alice', bobWid).map((m) => m.body),
    ['signed', 'path token', 'bearer'],
  );
});

test('a session that is not connected gets a clear 404 at once (never a hanging request); one without Chatwoot settings a 400', async (t) => {
  const d = await startDaemon();
  t.teardown(() => d.close());
  const origin = chatwootOrigin();
  // carol is started but nobody scanned her QR code
  const started = await d.api('carol', 'POST', 'start-session', { chatWoot: chatwootSettings(origin) });
  t.true(started.status < 300);
  const res = await postWebhook(
    d,
    `carol:${await d.token('carol')}`,
    agentMessage('5521987654321', 4001, 42),
  );
  t.is(res.status, 404);
  t.like(res.body, {
    response: null,
    status: 'Disconnected',
    message: 'A sessão do WhatsApp não está ativa.',
  });

  await d.connect('dave');
  const plain = await postWebhook(
    d,
    `dave:${await d.token('dave')}`,
    agentMessage('5521987654321', 4002, 42),
  );
  t.is(plain.status, 400);
  t.is(plain.body.status, 'error');
  t.regex(plain.body.message, /Chatwoot is not configured for session dave/);
});
