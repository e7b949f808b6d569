import test from 'ava';
import { startDaemon } from '../helpers/daemon.ts';
import { referenceRoutes, seedFields } from '../helpers/reference.ts';

test('/api-docs documents all 47 chat routes, with their tags and the seed request fields', async (t) => {
  const d = await startDaemon();
  t.teardown(() => d.close());
  const spec = (await (await fetch(`${d.url}/api-docs/openapi.json`)).json()) as {
    paths: Record<string, Record<string, any>>;
  };
  const routes = referenceRoutes().filter((route) => route.plugin === 'chat');
  t.is(routes.length, 47);
  const seed = seedFields();
  for (const { method, path, tag } of routes) {
    const openapiPath = path.replace(/:(\w+)/g, '{$1}');
    const operation = spec.paths[openapiPath]?.[method.toLowerCase()];
    t.truthy(operation, `${method} ${path} is documented`);
    if (!operation) continue;
    t.true(operation.tags.includes(tag), `${path} has tag ${tag}`);
    const name = openapiPath.split('/').slice(3).join('/');
    const documented = new Set<string>([
      ...Object.keys(operation.requestBody?.content?.['application/json']?.schema?.properties ?? {}),
      ...(operation.parameters ?? []).map((p: { name: string }) => p.name),
    ]);
    for (const field of seed.get(name) ?? []) t.true(documented.has(field), `${path} documents ${field}`);
  }
});
