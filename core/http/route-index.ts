import Router from '@koa/router';
import type { Context, Middleware } from 'koa';

/** A mounted route's whole work for one request; `params` are the decoded path parameters. */
export type RouteHandler = (ctx: Context, params: Record<string, string>) => Promise<void>;

type RouteLayer = ReturnType<Router['match']>['path'][number];

interface Bucket {
  /** Used only to match (path-to-regexp, HEAD for GET, case-insensitive literals): never as middleware. */
  router: Router;
  handlers: Map<RouteLayer, RouteHandler>;
}

/**
 * Finds the route of a request and runs its handler.
 *
 * Routes are split into small @koa/router instances by shape: how many path segments, and the last
 * segment when it is literal (`/api/:session/status-session` → `3 status-session`; a route ending in
 * a parameter goes to `3 *`). A request is matched only against its own bucket (the literal one
 * first, being more specific), instead of against all ~180 routes: one router with every route
 * matched each request against every pattern, which measured as the largest cost of a request.
 *
 * @koa/router matches (`router.match`), but its `routes()` middleware is not used: per request it
 * composed the matched layers into a new koa-compose chain, wrapped them in a params-setting
 * middleware and ran `allowedMethods` after them, about a fifth of a trivial route's CPU time. A
 * route here is one handler, so the index calls it directly and answers OPTIONS/405 itself.
 */
export class RouteIndex {
  private readonly buckets = new Map<string, Bucket>();

  add(method: string, path: string, handler: RouteHandler): void {
    const segments = segmentsOf(path);
    const last = segments.at(-1) ?? '';
    const key = bucketKey(segments.length, last.startsWith(':') || last.includes('(') ? '*' : last);
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { router: new Router(), handlers: new Map() };
      this.buckets.set(key, bucket);
    }
    const layer = bucket.router.register(path, [method], noopMiddleware) as RouteLayer;
    bucket.handlers.set(layer, handler);
  }

  middleware(): Middleware {
    return (ctx, next) => {
      const path = ctx.path;
      const { count, last } = shapeOf(path);
      const literal = this.buckets.get(bucketKey(count, last));
      const wildcard = this.buckets.get(bucketKey(count, '*'));
      let allowed: Set<string> | undefined;
      for (let i = 0; i < 2; i += 1) {
        const bucket = i === 0 ? literal : wildcard;
        if (!bucket) continue;
        const match = bucket.router.match(path, ctx.method);
        const layer = match.pathAndMethod[0];
        if (layer) {
          // The same context fields @koa/router sets, for anything that reads them (the 500 log).
          ctx._matchedRoute = layer.path;
          ctx.params = layer.params(path, layer.captures(path));
          return (bucket.handlers.get(layer) as RouteHandler)(ctx, ctx.params);
        }
        for (const other of match.path) {
          allowed ??= new Set();
          for (const method of other.methods) allowed.add(method);
        }
      }
      if (!allowed) return next();
      // The path exists, not with this method: what @koa/router's allowedMethods answered.
      ctx.set('allow', [...allowed].join(', '));
      if (ctx.method === 'OPTIONS') {
        ctx.status = 200;
        ctx.body = '';
      } else ctx.status = 405;
      return undefined;
    };
  }
}

const noopMiddleware: Middleware = (_ctx, next) => next();

/** segmentsOf's count and last segment without building the array (this runs on every request). */
function shapeOf(path: string): { count: number; last: string } {
  let end = path.length;
  while (end > 0 && path.charCodeAt(end - 1) === 47 /* / */) end -= 1;
  let count = 0;
  for (let i = 0; i < end; i += 1) if (path.charCodeAt(i) === 47) count += 1;
  return { count, last: path.slice(path.lastIndexOf('/', end - 1) + 1, end) };
}

function segmentsOf(path: string): string[] {
  // Routers ignore a trailing slash (strict: false), so the index does too.
  return path.replace(/\/+$/, '').split('/').slice(1);
}

/** Literal segments are matched case-insensitively, as @koa/router does by default. */
function bucketKey(count: number, last: string): string {
  return `${count} ${last.toLowerCase()}`;
}
