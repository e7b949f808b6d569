import test from 'ava';
import { startDaemon } from '../helpers/daemon.ts';
import { referenceRoutes } from '../helpers/reference.ts';

/** Parameter names are not part of the contract (a client only sees the path's shape). */
const shape = (method: string, routePath: string) =>
  `${method} ${routePath.replace(/:[A-Za-z0-9_]+/g, ':param')}`;

test('every route of wppconnect-server (routes.tsv) is served, with its method and path', async (t) => {
  const d = await startDaemon();
  t.teardown(() => d.close());
  const served = new Set(d.daemon.routes.map((route) => shape(route.method, route.path)));
  served.add(shape('GET', '/api-docs')); // the Swagger UI is served outside the route table
  const checklist = referenceRoutes();
  t.is(checklist.length, 156);
  const missing = checklist
    .map((route) => shape(route.method, route.path))
    .filter((route) => !served.has(route));
  t.deepEqual(missing, []);
});
