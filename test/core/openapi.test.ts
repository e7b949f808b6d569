import { validate } from '@readme/openapi-parser';
import test from 'ava';
import { KNOWN_TAGS } from '../../core/http/openapi.ts';
import { startDaemon } from '../helpers/daemon.ts';

test('/api-docs/openapi.json is a valid OpenAPI document titled as wppconnect-server’s', async (t) => {
  const d = await startDaemon();
  t.teardown(() => d.close());
  const doc: any = await (await fetch(`${d.url}/api-docs/openapi.json`)).json();
  const result = await validate(structuredClone(doc));
  t.true(result.valid, JSON.stringify(result.valid ? [] : result.errors).slice(0, 2000));
  t.is(doc.info.title, 'WPPConnect API Rest');
  t.deepEqual(doc.components.securitySchemes.bearerAuth, {
    type: 'http',
    scheme: 'bearer',
    description: 'Token from generate-token',
  });
  const tagNames = doc.tags.map((tag: { name: string }) => tag.name);
  for (const tag of KNOWN_TAGS) t.true(tagNames.includes(tag), tag);
});

test('every route has a summary, a tag, and schemas for its inputs', async (t) => {
  const d = await startDaemon();
  t.teardown(() => d.close());
  t.true(d.daemon.routes.length > 10);
  for (const route of d.daemon.routes) {
    const name = `${route.method} ${route.path}`;
    t.true(route.summary.length > 0, name);
    t.true(route.tags.length > 0, name);
    const pathParams = [...route.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1] as string);
    if (pathParams.length > 0) {
      const declared = Object.keys(
        (route.schema?.params as { properties?: object } | undefined)?.properties ?? {},
      );
      for (const param of pathParams) t.true(declared.includes(param), `${name} declares :${param}`);
    }
  }
});

test('/api-docs serves the UI from the daemon itself (no CDN)', async (t) => {
  const d = await startDaemon();
  t.teardown(() => d.close());
  const html = await (await fetch(`${d.url}/api-docs`)).text();
  t.false(/https?:\/\//.test(html.replace(/<!doctype html>/i, '')));
  for (const asset of ['swagger-ui.css', 'swagger-ui-bundle.js', 'init.js']) {
    const res = await fetch(`${d.url}/api-docs/${asset}`);
    t.is(res.status, 200, asset);
  }
});
