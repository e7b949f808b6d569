import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import Router from '@koa/router';
import { SWAGGER_INIT_JS, swaggerUiHtml } from './openapi.ts';

const require = createRequire(import.meta.url);

/** `/api-docs`: Swagger UI served from the daemon itself (no CDN), over the generated document. */
export function apiDocsRouter(openapi: object): Router {
  const swaggerDir = path.dirname(require.resolve('swagger-ui-dist/package.json'));
  const router = new Router();
  router.get('/api-docs', (ctx) => {
    ctx.type = 'text/html';
    ctx.body = swaggerUiHtml('/api-docs/openapi.json');
  });
  router.get('/api-docs/openapi.json', (ctx) => {
    ctx.body = openapi;
  });
  router.get('/api-docs/init.js', (ctx) => {
    ctx.type = 'application/javascript';
    ctx.body = SWAGGER_INIT_JS;
  });
  // Fixed asset names only: nothing from the request becomes a path.
  for (const asset of ['swagger-ui.css', 'swagger-ui-bundle.js']) {
    router.get(`/api-docs/${asset}`, (ctx) => {
      ctx.type = asset.endsWith('.css') ? 'text/css' : 'application/javascript';
      ctx.set('cache-control', 'public, max-age=86400');
      ctx.body = fs.createReadStream(path.join(swaggerDir, asset));
    });
  }
  return router;
}
