import fs from 'node:fs';
import test from 'ava';
import { startDaemon } from '../helpers/daemon.ts';

const REFERENCE = new URL('../../../shared/reference/routes.tsv', import.meta.url);
const SEED = new URL('../../../shared/seed/wppconnect-api-2.0.0.txt', import.meta.url);

/** The request fields the published docs give each route (body and query). */
function seedFields(): Map<string, string[]> {
  const fields = new Map<string, string[]>();
  let route: string | undefined;
  let collecting = false;
  let previous = '';
  for (const line of fs.readFileSync(SEED, 'utf8').split('\n')) {
    // Deprecated routes have the word after their path.
    const path = /^\/api\/\{session\}\/(\S+)(?: Deprecated)?$/.exec(line.trim());
    if (line.startsWith('Authorizations:') && !/^\/api\//.test(previous)) route = undefined;
    previous = line.trim() || previous;
    if (path) {
      route = path[1];
      fields.set(route as string, []);
      collecting = false;
      continue;
    }
    if (/^(Request Body schema|query Parameters)/.test(line)) collecting = true;
    else if (/^(Responses|path Parameters)/.test(line)) collecting = false;
    else if (collecting && route) {
      const field = /^\$?(\w+)(?: required)? \|/.exec(line.trim());
      if (field) fields.get(route)?.push(field[1] as string);
    }
  }
  return fields;
}

test('/api-docs documents all 47 chat routes, with their tags and the seed request fields', async (t) => {
  const d = await startDaemon();
  t.teardown(() => d.close());
  const spec = (await (await fetch(`${d.url}/api-docs/openapi.json`)).json()) as {
    paths: Record<string, Record<string, any>>;
  };
  const routes = fs
    .readFileSync(REFERENCE, 'utf8')
    .split('\n')
    .map((line) => line.split('\t'))
    .filter((cols) => cols[4] === 'chat');
  t.is(routes.length, 47);
  const seed = seedFields();
  for (const [method, path, , tag] of routes) {
    const openapiPath = (path as string).replace(/:(\w+)/g, '{$1}');
    const operation = spec.paths[openapiPath]?.[(method as string).toLowerCase()];
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
