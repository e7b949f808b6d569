/**
 * The built-in plugins, by name. Each is imported only when enabled, through the same contract and
 * loader as third-party plugins (core/plugins/contract.ts).
 */
export const builtinPlugins: Record<string, () => Promise<unknown>> = {
  'engine-sandbox': () => import('./engine-sandbox/index.ts'),
  'engine-wppconnect': () => import('./engine-wppconnect/index.ts'),
  messages: () => import('./messages/index.ts'),
  chat: () => import('./chat/index.ts'),
  groups: () => import('./groups/index.ts'),
  catalog: () => import('./catalog/index.ts'),
  labels: () => import('./labels/index.ts'),
  newsletter: () => import('./newsletter/index.ts'),
  webhooks: () => import('./webhooks/index.ts'),
  socketio: () => import('./socketio/index.ts'),
  chatwoot: () => import('./chatwoot/index.ts'),
  dashboard: () => import('./dashboard/index.ts'),
};
