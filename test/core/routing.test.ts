import test from 'ava';
import { startDaemon } from '../helpers/daemon.ts';

/**
 * How a request finds its route (core/http/route-index.ts): @koa/router's matching rules (literal
 * segments case-insensitive, a trailing slash ignored, parameters decoded), with the answers its
 * allowedMethods gave for a known path with another method.
 */
test('requests reach their route by path shape, with @koa/router matching rules', async (t) => {
  const d = await startDaemon();
  t.teardown(() => d.close());
  const number = await d.connect('alice');
  const token = await d.token('alice');
  const get = (path: string, init: RequestInit = {}) =>
    fetch(`${d.url}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...init.headers } });

  for (const path of [
    '/api/alice/status-session',
    '/api/alice/STATUS-Session',
    '/api/alice/status-session/',
  ]) {
    const res = await get(path);
    t.is(res.status, 200, path);
    t.is(((await res.json()) as { status: string }).status, 'CONNECTED', path);
  }

  // A route ending in a parameter (the wildcard bucket), with the parameter percent-decoded.
  const check = await get(`/api/alice/check-number-status/${encodeURIComponent(`${number}@c.us`)}`);
  t.is(check.status, 200);
  const status = (await check.json()) as { response: { id: { _serialized: string }; numberExists: boolean } };
  t.is(status.response.id._serialized, `${number}@c.us`);
  t.true(status.response.numberExists);

  const wrongMethod = await get('/api/alice/status-session', { method: 'DELETE' });
  t.is(wrongMethod.status, 405);
  t.is(wrongMethod.headers.get('allow'), 'HEAD, GET');
  t.deepEqual(await wrongMethod.json(), { status: 'error', message: 'Method not allowed: DELETE' });

  const options = await get('/api/alice/status-session', { method: 'OPTIONS' });
  t.is(options.status, 200);
  t.is(options.headers.get('allow'), 'HEAD, GET');

  const unknown = await get('/api/alice/no-such-route');
  t.is(unknown.status, 404);
  t.deepEqual(await unknown.json(), { status: 'error', message: 'No such route: GET' });
});
