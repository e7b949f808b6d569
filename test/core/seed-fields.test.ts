import test from 'ava';
import { startDaemon } from '../helpers/daemon.ts';
import { referenceRoutes, seedFields } from '../helpers/reference.ts';

test('/api-docs documents every request field the published docs give each route, under its tag', async (t) => {
  const d = await startDaemon();
  t.teardown(() => d.close());
  const spec = (await (await fetch(`${d.url}/api-docs/openapi.json`)).json()) as {
    paths: Record<string, Record<string, any>>;
  };
  const seed = seedFields();
  const missing: string[] = [];
  // Known differences, on purpose: the Swagger UI itself is not an operation of its document, and
  // edit-collection's published `products` is wrong (wppconnect-server reads `options`, as wppd does).
  const expected = new Set(['GET /api-docs: not documented', '/api/:session/edit-collection: products']);
  for (const { method, path, tag } of referenceRoutes()) {
    const openapiPath = path.replace(/:(\w+)/g, '{$1}');
    const operation = spec.paths[openapiPath]?.[method.toLowerCase()];
    if (!operation) {
      missing.push(`${method} ${path}: not documented`);
      continue;
    }
    // The published tags, except "(untagged)" /api-docs and the malformed "Newsletter*" annotation.
    const expectedTag = tag.replace(/\*$/, '');
    if (!tag.startsWith('(') && !operation.tags.includes(expectedTag))
      missing.push(`${path}: tag ${expectedTag}`);
    const documented = new Set<string>([
      ...Object.keys(operation.requestBody?.content?.['application/json']?.schema?.properties ?? {}),
      ...(operation.parameters ?? []).map((p: { name: string }) => p.name),
    ]);
    const name = openapiPath.replace(/^\/api\/\{session\}\//, '');
    for (const field of seed.get(name) ?? []) if (!documented.has(field)) missing.push(`${path}: ${field}`);
  }
  t.deepEqual(
    missing.filter((entry) => !expected.has(entry)),
    [],
  );
});
