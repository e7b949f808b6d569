import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { startDaemon } from '../helpers/daemon.ts';

/** The checklist of wppconnect-server's 156 routes, beside this repo as ../shared (as in CI). */
const checklist = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../shared/reference/routes.tsv',
);

/** Parameter names are not part of the contract (a client only sees the path's shape). */
const shape = (method: string, routePath: string) =>
  `${method} ${routePath.replace(/:[A-Za-z0-9_]+/g, ':param')}`;

test('every route of wppconnect-server is served, with its method and path', async (t) => {
  const d = await startDaemon();
  t.teardown(() => d.close());
  const served = new Set(d.daemon.routes.map((route) => shape(route.method, route.path)));
  served.add(shape('GET', '/api-docs')); // the Swagger UI is served outside the route table
  const rows = fs.readFileSync(checklist, 'utf8').trim().split('\n').slice(1);
  t.is(rows.length, 156);
  const missing = rows
    .map((row) => row.split('\t'))
    .map(([method = '', routePath = '']) => shape(method, routePath))
    .filter((route) => !served.has(route));
  t.deepEqual(missing, []);
});
