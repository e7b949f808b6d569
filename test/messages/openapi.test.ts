import test from 'ava';
import { startDaemon } from '../helpers/daemon.ts';
import { referenceRoutes, seedFields } from '../helpers/reference.ts';

test('/api-docs documents all 36 message and story routes with the seed request fields', async (t) => {
  const d = await startDaemon();
  t.teardown(() => d.close());
  const spec = (await (await fetch(`${d.url}/api-docs/openapi.json`)).json()) as {
    paths: Record<string, Record<string, any>>;
  };
  const routes = referenceRoutes().filter((route) => route.plugin === 'messages');
  t.is(routes.length, 36);
  const seed = seedFields();
  t.deepEqual(seed.get('send-message'), ['phone', 'isGroup', 'isNewsletter', 'message', 'options']);
  t.deepEqual(seed.get('get-messages/{phone}'), ['count', 'direction', 'id']);
  for (const { method, path, tag } of routes) {
    const openapiPath = path.replace(/:(\w+)/g, '{$1}');
    const operation = spec.paths[openapiPath]?.[method.toLowerCase()];
    t.truthy(operation, `${method} ${path} is documented`);
    if (!operation) continue;
    t.true(operation.tags.includes(tag), `${path} has tag ${tag}`);
    const name = openapiPath.split('/').slice(3).join('/').replace('{session}/', '');
    const documented = new Set<string>([
      ...Object.keys(operation.requestBody?.content?.['application/json']?.schema?.properties ?? {}),
      ...(operation.parameters ?? []).map((p: { name: string }) => p.name),
    ]);
    for (const field of seed.get(name) ?? []) t.true(documented.has(field), `${path} documents ${field}`);
  }
});
