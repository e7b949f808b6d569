import test from 'ava';
import { type FuzzContext, fillPath, type OpenApiDoc, plausible, targetsOf } from '../fuzz/engine.ts';
import { SECRET, startDaemon, type TestDaemon } from '../helpers/daemon.ts';

/**
 * Routes that answer without a token or the secret key, and why. A new unauthenticated route fails
 * the admin test below until it is listed here on purpose.
 */
const PUBLIC_ROUTES: Record<string, string> = {
  'GET /healthz': 'liveness probe',
  'GET /unhealthy': 'health-check test; reports only, never stops the daemon',
  'GET /metrics': 'Prometheus scrape; no secrets or message content',
  'GET /webhooks/media/{token}': 'capability URL: the unguessable token is the credential',
  'GET /dashboard': 'static page of the dashboard, holds no data',
  'GET /dashboard/app.js': 'static script of the dashboard',
  'GET /dashboard/style.css': 'static styles of the dashboard',
};

async function docOf(d: TestDaemon) {
  return targetsOf((await (await fetch(`${d.url}/api-docs/openapi.json`)).json()) as OpenApiDoc);
}

function contextFor(d: TestDaemon, session: string, token: string, peerNumber: string): FuzzContext {
  return { url: d.url, secretKey: SECRET, session, token, peerNumber, marker: 'isolation', slice: true };
}

function bodyFor(schema: Parameters<typeof plausible>[0], ctx: FuzzContext): string {
  return JSON.stringify(schema ? plausible(schema, 'body', ctx) : {});
}

test('a token for session A is refused on every route of session B, and nothing happens to B', async (t) => {
  const d = await startDaemon();
  t.teardown(() => d.close());
  const aliceNumber = await d.connect('alice');
  await d.connect('bob');
  const aliceToken = await d.token('alice');
  const network = d.daemon.container.resolve<{ allMessages(owner: string): unknown[] }>(
    'engine-sandbox:network',
  );
  const bobMessagesBefore = network.allMessages('bob').length;

  const targets = (await docOf(d)).filter((target) => target.bearer);
  t.true(targets.length > 5);
  // Chatwoot's callback (auth 'self': token or signature) is checked like every token route.
  t.true(targets.some((target) => target.id === 'POST /api/{session}/chatwoot'));
  // Alice's token, in both places wppconnect-server accepts it, on bob's routes; the body is a
  // plausible one (to alice's number), so a route that skipped auth would act and be seen.
  const ctx = contextFor(d, 'bob', aliceToken, aliceNumber);
  for (const target of targets) {
    const body = target.method === 'GET' ? undefined : bodyFor(target.body, ctx);
    const viaHeader = await fetch(`${d.url}${fillPath(target, ctx)}`, {
      method: target.method,
      headers: { authorization: `Bearer ${aliceToken}`, 'content-type': 'application/json' },
      body,
    });
    t.is(viaHeader.status, 401, `${target.id} with alice's token in the header`);
    // `session: ''` as wppconnect-server adds it to JSON answers of JSON requests when no session is known.
    t.deepEqual(
      await viaHeader.json(),
      { error: 'Check that the Session and Token are correct', session: '' },
      target.id,
    );
    const viaPath = await fetch(`${d.url}${fillPath(target, ctx, { session: `bob:${aliceToken}` })}`, {
      method: target.method,
      headers: { 'content-type': 'application/json' },
      body,
    });
    t.is(viaPath.status, 401, `${target.id} with bob:<alice's token> in the path`);
    await viaPath.body?.cancel();
  }
  t.is(
    (await d.api('bob', 'GET', 'status-session')).body.status,
    'CONNECTED',
    'bob was not logged out or closed',
  );
  t.is(network.allMessages('bob').length, bobMessagesBefore, 'nothing was sent from bob');
});

// Admin routes take the key in the path (`:secretkey`, wppconnect-server's way) or in a header (the
// dashboard's); either way a request without the right key must be refused and change nothing.
test('every route is public on purpose, takes a session token, or requires the secret key', async (t) => {
  const d = await startDaemon();
  t.teardown(() => d.close());
  await d.connect('alice');
  const before = (await fetch(`${d.url}/api/${SECRET}/show-all-sessions`).then((r) => r.json())) as unknown;
  const ctx = contextFor(d, 'alice', await d.token('alice'), '5511999990001');
  const targets = await docOf(d);
  const admin = targets.filter((target) => !target.bearer && !(target.id in PUBLIC_ROUTES));
  for (const target of admin) {
    // Wrong keys: one off, short, a prefix, the key with a suffix.
    for (const wrong of [`${SECRET}x`, 'x', SECRET.slice(0, -1), `${SECRET}%00`]) {
      const res = await fetch(`${d.url}${fillPath(target, ctx, { secretkey: wrong })}`, {
        method: target.method,
        headers: { 'content-type': 'application/json' },
        body: target.method === 'GET' ? undefined : bodyFor(target.body, ctx),
      });
      t.true(
        res.status >= 400 && res.status < 500,
        `${target.id} answered ${res.status} without the secret key: list it in PUBLIC_ROUTES (with why) or guard it`,
      );
      const text = await res.text();
      t.false(text.includes('alice'), `${target.id} leaked session data with a wrong secret key`);
    }
  }
  t.true(admin.length > 3);
  t.is((await d.api('alice', 'GET', 'status-session')).body.status, 'CONNECTED', 'no admin action ran');
  t.deepEqual(await fetch(`${d.url}/api/${SECRET}/show-all-sessions`).then((r) => r.json()), before);
  // Public routes stay public and harmless.
  for (const id of Object.keys(PUBLIC_ROUTES))
    t.true(
      targets.some((target) => target.id === id),
      `${id} exists`,
    );
});

test('session names are checked in the core: anything outside the safe set is a 400 before auth', async (t) => {
  const d = await startDaemon();
  t.teardown(() => d.close());
  const token = await d.token('alice');
  for (const name of ['..', '%2e%2e', 'a%2Fb', 'a%20b', 'a%00b', '.hidden', 's'.repeat(101), 'é']) {
    for (const path of [`/api/${name}/status-session`, `/api/${name}/${SECRET}/generate-token`]) {
      const method = path.endsWith('generate-token') ? 'POST' : 'GET';
      const res = await fetch(`${d.url}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
      // fetch normalises `..` and `%2e%2e` away, so those reach other routes: never a success.
      t.true(
        res.status === 400 || res.status === 404 || res.status === 401,
        `${method} ${path}: ${res.status}`,
      );
      t.regex(res.headers.get('content-type') ?? '', /json/);
      await res.body?.cancel();
    }
  }
  const ok = await fetch(`${d.url}/api/a.b-c_D9/${SECRET}/generate-token`, { method: 'POST' });
  t.is(ok.status, 201, 'the documented set is accepted');
});
