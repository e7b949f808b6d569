import Router from '@koa/router';
import type { Middleware } from 'koa';

/**
 * Routes split into small @koa/router instances by shape: how many path segments, and the last
 * segment when it is literal (`/api/:session/status-session` → `3 status-session`; a route ending in
 * a parameter goes to `3 *`). A request is matched only against its own bucket (the literal one
 * first, being more specific), instead of against all ~180 routes: one router with every route
 * matched each request against every pattern, which measured as the largest cost of a request.
 */
export class RouteIndex {
  private readonly buckets = new Map<string, { router: Router; middleware: Middleware }>();

  /** The router a route with this path belongs to (register it there). */
  routerFor(path: string): Router {
    const segments = segmentsOf(path);
    const last = segments.at(-1) ?? '';
    const key = bucketKey(segments.length, last.startsWith(':') || last.includes('(') ? '*' : last);
    let bucket = this.buckets.get(key);
    if (!bucket) {
      const router = new Router();
      // Both are Koa middleware; @koa/router types their context as its own router context.
      const routes = router.routes() as unknown as Middleware;
      const allowed = router.allowedMethods({ throw: false }) as unknown as Middleware;
      bucket = { router, middleware: (ctx, next) => routes(ctx, () => allowed(ctx, next)) };
      this.buckets.set(key, bucket);
    }
    return bucket.router;
  }

  middleware(): Middleware {
    return (ctx, next) => {
      const { count, last } = shapeOf(ctx.path);
      const literal = this.buckets.get(bucketKey(count, last));
      const wildcard = this.buckets.get(bucketKey(count, '*'));
      if (literal && wildcard) return literal.middleware(ctx, () => wildcard.middleware(ctx, next));
      return (literal ?? wildcard)?.middleware(ctx, next) ?? next();
    };
  }
}

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
