import { Type } from '@sinclair/typebox';
import { Gauge, type Registry } from 'prom-client';
import type { PluginRecord } from '../plugins/loader.ts';
import type { SessionManager } from '../sessions/manager.ts';
import type { AnyRoute } from './route.ts';

export interface CoreRouteDeps {
  metrics: Registry;
  sessions: SessionManager;
  plugins: PluginRecord[];
}

/** The core's own routes besides the session routes: health, metrics, and the plugin listing. */
export function coreRoutes({ metrics, sessions, plugins: records }: CoreRouteDeps): AnyRoute[] {
  // Registered on the metrics registry, which reads it on every scrape.
  new Gauge({
    name: 'wppd_session_status',
    help: '1 for the status each known session is in',
    labelNames: ['session', 'status'],
    registers: [metrics],
    collect() {
      this.reset();
      for (const session of sessions.live())
        this.set({ session: session.name, status: session.status ?? 'null' }, 1);
    },
  });
  const healthBody = () => ({ uptime: process.uptime(), message: 'OK', timestamp: Date.now() });
  const list: AnyRoute[] = [
    {
      method: 'GET',
      path: '/healthz',
      summary: 'Liveness check',
      tags: ['Misc'],
      auth: 'none',
      handler: () => ({ body: healthBody() }),
    },
    {
      method: 'GET',
      path: '/unhealthy',
      summary: 'Report the daemon as unhealthy (for testing health checks)',
      description:
        'Answers 503 so a health check can be tested. Unlike wppconnect-server it never kills the process.',
      tags: ['Misc'],
      auth: 'none',
      schema: { responses: { 503: { description: 'Always: the daemon reports itself unhealthy' } } },
      handler: () => ({ status: 503, body: { ...healthBody(), message: 'Unhealthy (report only)' } }),
    },
    {
      method: 'GET',
      path: '/metrics',
      summary: 'Prometheus metrics',
      tags: ['Misc'],
      auth: 'none',
      schema: { responses: { 200: { description: 'Prometheus text format', contentType: 'text/plain' } } },
      handler: async () => ({ type: metrics.contentType, body: await metrics.metrics() }),
    },
    {
      method: 'GET',
      path: '/api/:secretkey/plugins',
      summary: 'Plugins: loaded, disabled or failed, and why',
      tags: ['Misc'],
      auth: 'secretKey',
      schema: { params: Type.Object({ secretkey: Type.String() }) },
      handler: () => ({
        body: {
          status: 'success',
          response: records.map((r) => ({
            name: r.name,
            version: r.version,
            builtin: r.builtin,
            state: r.state,
            error: r.error ?? null,
            routes: r.routes.map((route) => `${route.method} ${route.path}`),
          })),
        },
      }),
    },
  ];
  return list;
}
