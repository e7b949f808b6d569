import { randomInt } from 'node:crypto';
import test from 'ava';
import { SECRET, startDaemon } from '../helpers/daemon.ts';

const generateToken = (url: string, session: string, key = SECRET) =>
  fetch(`${url}/api/${session}/${key}/generate-token`, { method: 'POST' });

test('bodies over the configured limits answer 413 JSON, per kind (JSON, form, upload)', async (t) => {
  const d = await startDaemon({
    config: { limits: { jsonBody: '1kb', formBody: '1kb', uploadBytes: 1024 } },
  });
  t.teardown(() => d.close());
  const token = await d.token('alice');
  const headers = { authorization: `Bearer ${token}` };
  const big = 'x'.repeat(4096);

  const json = await fetch(`${d.url}/api/alice/start-session`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ webhook: big }),
  });
  t.is(json.status, 413);
  t.like(await json.json(), { status: 'error', message: 'The request body is too large' });

  const form = await fetch(`${d.url}/api/alice/start-session`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
    body: `webhook=${big}`,
  });
  t.is(form.status, 413);
  t.is(((await form.json()) as { status: string }).status, 'error');

  const upload = new FormData();
  upload.append('file', new Blob([Buffer.alloc(4096)]), 'backup.zip');
  const multipart = await fetch(`${d.url}/api/${SECRET}/restore-sessions`, { method: 'POST', body: upload });
  t.is(multipart.status, 413);
  t.is(((await multipart.json()) as { status: string }).status, 'error');

  // Under the limit, the same route works.
  const small = await fetch(`${d.url}/api/alice/start-session`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: '{}',
  });
  t.is(small.status, 200);
});

test('WPPD_MAX_SESSIONS: starting one session too many answers 429 JSON and starts nothing', async (t) => {
  const d = await startDaemon({ config: { maxSessions: 2 } });
  t.teardown(() => d.close());
  await d.connect('one');
  await d.connect('two');
  const third = await d.api('three', 'POST', 'start-session', {});
  t.is(third.status, 429);
  t.is(third.body.status, 'error');
  t.regex(third.body.message, /WPPD_MAX_SESSIONS/);
  t.is((await d.api('three', 'GET', 'status-session')).body.status, 'CLOSED');
  // Closing one frees a place.
  await d.api('two', 'POST', 'close-session');
  t.is((await d.api('three', 'POST', 'start-session', {})).status, 200);
});

test('secret-key routes are rate limited per client: 429 with Retry-After once the bucket is empty', async (t) => {
  const d = await startDaemon({ config: { rateLimit: { secretKeyBurst: 3, secretKeyPerMinute: 1 } } });
  t.teardown(() => d.close());
  t.is((await generateToken(d.url, 'a')).status, 201);
  t.is((await generateToken(d.url, 'b', 'wrong-key')).status, 400, 'a wrong key costs an attempt too');
  t.is((await fetch(`${d.url}/api/${SECRET}/show-all-sessions`)).status, 200);
  const limited = await generateToken(d.url, 'c');
  t.is(limited.status, 429);
  t.deepEqual(await limited.json(), {
    status: 'error',
    message: 'Too many requests with the secret key; try again later',
  });
  t.true(Number(limited.headers.get('retry-after')) >= 1);
  // Every secret-key route shares the bucket, and a guess is refused before it is compared.
  t.is((await fetch(`${d.url}/api/${SECRET}/show-all-sessions`)).status, 429);
  t.is((await fetch(`${d.url}/api/wrong-key/show-all-sessions`)).status, 429);
});

test('new tokens are rate limited per client; a token already verified keeps working', async (t) => {
  const d = await startDaemon({ config: { rateLimit: { tokenCheckBurst: 3, tokenCheckPerMinute: 1 } } });
  t.teardown(() => d.close());
  const good = await d.api('alice', 'GET', 'status-session'); // verifies alice's token: 1 attempt
  t.is(good.status, 200);
  const forged = (i: number) => `$2b$10$${'A'.repeat(52)}${i}`;
  const tryToken = (token: string) =>
    fetch(`${d.url}/api/alice/status-session`, { headers: { authorization: `Bearer ${token}` } });
  t.is((await tryToken(forged(1))).status, 401);
  t.is((await tryToken(forged(2))).status, 401);
  const limited = await tryToken(forged(3));
  t.is(limited.status, 429);
  t.truthy(limited.headers.get('retry-after'));
  t.is((await tryToken(forged(1))).status, 401, 'a token refused before is answered from cache, for free');
  t.is((await d.api('alice', 'GET', 'status-session')).status, 200, 'the verified token is not limited');
  // Chatwoot's callback checks its token itself (auth 'self'): new tokens there draw on the same bucket.
  const callback = await fetch(`${d.url}/api/alice:${forged(4)}/chatwoot`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  t.is(callback.status, 429);
});

test('200 forged well-formed tokens at once do not starve a verified token', async (t) => {
  const d = await startDaemon();
  t.teardown(() => d.close());
  t.is((await d.api('alice', 'GET', 'status-session')).status, 200);
  const token = await d.token('alice');
  const alphabet = '.ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const forgedToken = () =>
    `$2b$10$${Array.from({ length: 53 }, () => alphabet[randomInt(alphabet.length)]).join('')}`;

  let floodDone = false;
  const flood = Promise.all(
    Array.from({ length: 200 }, () =>
      fetch(`${d.url}/api/alice/status-session`, {
        headers: { authorization: `Bearer ${forgedToken()}` },
      }).then((res) => res.status),
    ),
  ).then((statuses) => {
    floodDone = true;
    return statuses;
  });

  const latencies: number[] = [];
  let answeredDuringFlood = 0;
  for (let i = 0; i < 20; i++) {
    const started = performance.now();
    const res = await fetch(`${d.url}/api/alice/status-session`, {
      headers: { authorization: `Bearer ${token}` },
    });
    latencies.push(performance.now() - started);
    t.is(res.status, 200);
    await res.body?.cancel();
    if (!floodDone) answeredDuringFlood += 1;
  }
  const statuses = await flood;
  t.true(
    statuses.every((status) => status === 401 || status === 429),
    'every forged token is refused',
  );
  t.true(statuses.includes(429), 'most are refused by the rate limit, before any hashing');
  t.true(
    answeredDuringFlood >= 10,
    `the verified token was answered while the flood was still being refused (${answeredDuringFlood}/20)`,
  );
  latencies.sort((a, b) => a - b);
  t.log(
    `verified-token latency during the flood: median ${latencies[10]?.toFixed(1)} ms, max ${latencies.at(-1)?.toFixed(1)} ms; forged: ${statuses.filter((s) => s === 401).length}×401, ${statuses.filter((s) => s === 429).length}×429`,
  );
});
