import test from 'ava';
import { gate } from '../fixtures/plugins/answer-gate/index.ts';
import { SECRET, startDaemon, waitFor } from '../helpers/daemon.ts';

const fixture = (name: string) => ({ resolve: `./test/fixtures/plugins/${name}/index.ts` });

test('a third-party plugin adds a route and an event hook through the same contract', async (t) => {
  const d = await startDaemon({ config: { plugins: { hello: { ...fixture('hello'), greeting: 'olá' } } } });
  t.teardown(() => d.close());
  await d.connect('s');
  const res = await d.api('s', 'GET', 'hello');
  t.is(res.status, 200);
  t.is(res.body.greeting, 'olá s');
  t.true(res.body.seen.includes('s:CONNECTED'));
  const doc: any = await (await fetch(`${d.url}/api-docs/openapi.json`)).json();
  t.truthy(doc.paths['/api/{session}/hello'].get);
});

test('broken plugins are skipped with nothing registered, and the reason is listed', async (t) => {
  const d = await startDaemon({
    config: {
      plugins: {
        'broken-import': fixture('broken-import'),
        'bad-config': { ...fixture('bad-config'), port: 'not-a-port' },
        'missing-dependency': fixture('missing-dependency'),
        'version-mismatch': fixture('version-mismatch'),
        'throws-in-register': fixture('throws-in-register'),
        'no-such-file': { resolve: './test/fixtures/plugins/nope/index.ts' },
      },
    },
  });
  t.teardown(() => d.close());
  // The daemon is up and its own routes work.
  t.is((await fetch(`${d.url}/healthz`)).status, 200);
  await d.connect('s');
  t.is((await fetch(`${d.url}/half-registered`)).status, 404);

  const res = await fetch(`${d.url}/api/${SECRET}/plugins`);
  const { response } = (await res.json()) as { response: { name: string; state: string; error: string }[] };
  const byName = Object.fromEntries(response.map((p) => [p.name, p]));
  t.is(byName['broken-import']?.state, 'failed');
  t.regex(byName['broken-import']?.error ?? '', /this-package-does-not-exist-anywhere/);
  t.regex(byName['bad-config']?.error ?? '', /^invalid config plugins\.bad-config: port:/);
  t.is(byName['missing-dependency']?.error, 'missing dependency not-installed');
  t.is(byName['version-mismatch']?.error, 'needs core ^2.0.0, this is core 1.0.0');
  t.is(byName['throws-in-register']?.error, 'register failed: boom in register');
  t.regex(byName['no-such-file']?.error ?? '', /cannot find/);
  t.is(byName.messages?.state, 'started');
  t.false(d.logText().includes('hook of a failed plugin ran'));
  const logged = d.logs().filter((line) => line.msg === 'plugin skipped');
  t.is(logged.length, 6);
});

test('a plugin turned off has no routes and is absent from the docs (config and env forms)', async (t) => {
  for (const options of [
    { config: { plugins: { messages: { enabled: false } } } },
    { env: { WPPD_PLUGIN_MESSAGES_ENABLED: 'false' } },
  ]) {
    const d = await startDaemon(options);
    await d.connect('s');
    const res = await d.api('s', 'POST', 'send-message', { phone: '5511999999999', message: 'x' });
    t.is(res.status, 404);
    const doc: any = await (await fetch(`${d.url}/api-docs/openapi.json`)).json();
    t.falsy(doc.paths['/api/{session}/send-message']);
    const list: any = await (await fetch(`${d.url}/api/${SECRET}/plugins`)).json();
    t.is(list.response.find((p: { name: string }) => p.name === 'messages').state, 'disabled');
    await d.close();
  }
});

test('a plugin can hold answers until its writes are done (beforeAnswer), as the webhook outbox does', async (t) => {
  const d = await startDaemon({ config: { plugins: { 'answer-gate': fixture('answer-gate') } } });
  t.teardown(() => d.close());
  await d.connect('s');
  let release: () => void = () => undefined;
  gate.held = new Promise((resolve) => {
    release = resolve;
  });
  const askedBefore = gate.asked;
  let answered = false;
  const pending = d.api('s', 'GET', 'status-session').then((res) => {
    answered = true;
    return res;
  });
  await waitFor(async () => gate.asked > askedBefore);
  await new Promise((resolve) => setTimeout(resolve, 100));
  t.false(answered, 'the answer waits while the plugin holds it');
  gate.held = undefined;
  release();
  const res = await pending;
  t.is(res.status, 200);
  t.is(res.body.status, 'CONNECTED');
});
