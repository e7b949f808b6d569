/**
 * The built-in plugins, by name. Each is imported only when enabled, through the same contract and
 * loader as third-party plugins (core/plugins/contract.ts).
 */
export const builtinPlugins: Record<string, () => Promise<unknown>> = {
  'engine-sandbox': () => import('./engine-sandbox/index.ts'),
  messages: () => import('./messages/index.ts'),
};
