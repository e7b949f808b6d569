import test from 'ava';
import bcrypt from 'bcryptjs';
import { SECRET, startDaemon } from '../helpers/daemon.ts';

/** Mints a token exactly as wppconnect-server's encryptSession does. */
async function wppconnectServerToken(session: string, secret: string) {
  const hash = await bcrypt.hash(session + secret, 10);
  return hash.replace(/\//g, '_').replace(/\+/g, '-');
}

test('generate-token answers 201 with session, token and full', async (t) => {
  const d = await startDaemon();
  t.teardown(() => d.close());
  const res = await fetch(`${d.url}/api/my-session/${SECRET}/generate-token`, { method: 'POST' });
  t.is(res.status, 201);
  const body = (await res.json()) as Record<string, string>;
  t.is(body.status, 'success');
  t.is(body.session, 'my-session');
  t.regex(body.token as string, /^\$2[aby]\$10\$[._A-Za-z0-9]{53}$/);
  t.is(body.full, `my-session:${body.token}`);
  // wppconnect-server verifies our token the way it verifies its own.
  t.true(await bcrypt.compare(`my-session${SECRET}`, (body.token as string).replace(/_/g, '/')));
});

test('a token minted by wppconnect-server with the same secret key is accepted', async (t) => {
  const d = await startDaemon();
  t.teardown(() => d.close());
  const token = await wppconnectServerToken('legacy', SECRET);
  const res = await fetch(`${d.url}/api/legacy/status-session`, {
    headers: { authorization: `Bearer ${token}` },
  });
  t.is(res.status, 200);
  t.deepEqual(await res.json(), { status: 'CLOSED', qrcode: null });
});

test('the token works as the second word of Authorization with any scheme, and in the path', async (t) => {
  const d = await startDaemon();
  t.teardown(() => d.close());
  const token = await d.token('s1');
  for (const scheme of ['Bearer', 'Token', 'foo']) {
    const res = await fetch(`${d.url}/api/s1/status-session`, {
      headers: { authorization: `${scheme} ${token}` },
    });
    t.is(res.status, 200, scheme);
  }
  const inPath = await fetch(`${d.url}/api/s1:${token}/status-session`);
  t.is(inPath.status, 200);
});

test('401 bodies are those of wppconnect-server', async (t) => {
  const d = await startDaemon();
  t.teardown(() => d.close());
  const missing = await fetch(`${d.url}/api/s1/status-session`);
  t.is(missing.status, 401);
  t.deepEqual(await missing.json(), { message: 'Token is not present. Check your header and try again' });

  const noSpace = await fetch(`${d.url}/api/s1/status-session`, { headers: { authorization: 'Bearer' } });
  t.is(noSpace.status, 401);

  const otherSession = await d.token('s2');
  const wrong = await fetch(`${d.url}/api/s1/status-session`, {
    headers: { authorization: `Bearer ${otherSession}` },
  });
  t.is(wrong.status, 401);
  t.deepEqual(await wrong.json(), { error: 'Check that the Session and Token are correct' });

  const forgedCost = `$2b$14$${'a'.repeat(53)}`;
  const forged = await fetch(`${d.url}/api/s1/status-session`, {
    headers: { authorization: `Bearer ${forgedCost}` },
  });
  t.is(forged.status, 401);
});

test('a wrong secret key answers 400 and does nothing', async (t) => {
  const d = await startDaemon();
  t.teardown(() => d.close());
  await d.connect('keep');

  const token = await fetch(`${d.url}/api/x/wrong/generate-token`, { method: 'POST' });
  t.is(token.status, 400);
  t.deepEqual(await token.json(), { response: false, message: 'The SECRET_KEY is incorrect' });

  const list = await fetch(`${d.url}/api/wrong/show-all-sessions`);
  t.is(list.status, 400);
  t.deepEqual(await list.json(), { response: false, message: 'The token is incorrect' });

  const clear = await fetch(`${d.url}/api/keep/wrong/clear-session-data`, { method: 'POST' });
  t.is(clear.status, 400);
  t.deepEqual(await clear.json(), { response: 'error', message: 'The token is incorrect' });
  // The session is still there and still connected.
  t.is((await d.api('keep', 'GET', 'status-session')).body.status, 'CONNECTED');
  const all = await fetch(`${d.url}/api/${SECRET}/show-all-sessions`);
  t.deepEqual(await all.json(), { response: ['keep'] });
});

test('session names that could escape the data dir are refused before anything else', async (t) => {
  const d = await startDaemon();
  t.teardown(() => d.close());
  for (const name of ['.hidden', 'a%2Fb', 'a%00b', '..x', 'x'.repeat(101), 'a%20b', '%2e%2e%2fetc']) {
    const res = await fetch(`${d.url}/api/${name}/${SECRET}/generate-token`, { method: 'POST' });
    t.is(res.status, 400, name);
    t.is(((await res.json()) as { status: string }).status, 'error');
  }
  // `..` and `%2e%2e` segments are resolved by URL parsing before they reach a route: no route matches.
  for (const name of ['..', '%2e%2e']) {
    const res = await fetch(`${d.url}/api/${name}/${SECRET}/generate-token`, { method: 'POST' });
    t.is(res.status, 404, name);
  }
});
