import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import convict from 'convict';
import semver from 'semver';
import type { EngineAdapter } from '../engine/port.ts';
import { errorMessage } from '../errors.ts';
import type { EventHook, WppdEventName } from '../events/catalog.ts';
import type { AnyRoute } from '../http/route.ts';
import type { Logger } from '../logger.ts';
import { CORE_API_VERSION, type PluginApi, type WppdPlugin } from './contract.ts';

export type PluginState = 'disabled' | 'failed' | 'registered' | 'started' | 'stopped';

/** Everything a plugin declared in `register`, kept aside until it has started. */
export interface PluginRecord {
  name: string;
  version: string;
  state: PluginState;
  builtin: boolean;
  error?: string;
  plugin?: WppdPlugin<object>;
  api?: PluginApi<object>;
  routes: AnyRoute[];
  hooks: { event: WppdEventName | '*'; hook: EventHook<WppdEventName> }[];
  services: { name: string; factory: () => unknown }[];
  engines: EngineAdapter[];
  serverCallbacks: ((server: import('node:http').Server) => void)[];
  answerBarriers: (() => Promise<void> | undefined)[];
  stopCallbacks: (() => void | Promise<void>)[];
}

export type PluginSource =
  | { builtin: true; load: () => Promise<unknown> }
  | { builtin: false; resolve: string };

/** Turns a name into its env prefix: `engine-sandbox` → `WPPD_PLUGIN_ENGINE_SANDBOX`. */
export function pluginEnvPrefix(name: string): string {
  return `WPPD_PLUGIN_${name.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`;
}

export function isEnabled(
  name: string,
  raw: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  byDefault: boolean,
) {
  const fromEnv = env[`${pluginEnvPrefix(name)}_ENABLED`];
  if (fromEnv !== undefined) return !['false', '0', 'no', 'off'].includes(fromEnv.toLowerCase());
  if (typeof raw.enabled === 'boolean') return raw.enabled;
  return byDefault;
}

function isPlugin(value: unknown): value is WppdPlugin<object> {
  if (!value || typeof value !== 'object') return false;
  const candidate = value as Record<string, unknown>;
  return (
    typeof candidate.name === 'string' &&
    typeof candidate.version === 'string' &&
    typeof candidate.core === 'string' &&
    typeof candidate.register === 'function'
  );
}

/** Imports a plugin module: a built-in loader, or a third-party npm package name or file path. */
export async function importPlugin(source: PluginSource, baseDir: string): Promise<WppdPlugin<object>> {
  let loaded: unknown;
  if (source.builtin) loaded = await source.load();
  else {
    const target = source.resolve;
    const asPath =
      target.startsWith('.') || path.isAbsolute(target) ? path.resolve(baseDir, target) : undefined;
    if (asPath && !fs.existsSync(asPath)) throw new Error(`cannot find ${asPath}`);
    loaded = await import(asPath ? pathToFileURL(asPath).href : target);
  }
  const candidate = (loaded as { default?: unknown }).default ?? loaded;
  if (!isPlugin(candidate))
    throw new Error('the module does not export a plugin (name, version, core, register)');
  return candidate;
}

/** Validates a plugin's own config keys (plus `enabled`/`resolve`) with convict; the error names the key. */
export function pluginConfig(
  plugin: WppdPlugin<object>,
  raw: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
): Record<string, unknown> {
  const schema = {
    enabled: { doc: 'Load this plugin', format: Boolean, default: true },
    resolve: { doc: 'npm package or path of a third-party plugin', format: String, default: '' },
    ...(plugin.config ?? {}),
  };
  const config = convict(schema as convict.Schema<Record<string, unknown>>, { env: { ...env }, args: [] });
  const { enabled: _enabled, ...rest } = raw;
  config.load(rest);
  try {
    config.validate({ allowed: 'strict' });
  } catch (error) {
    const first = errorMessage(error).split('\n')[0];
    throw new Error(`invalid config plugins.${plugin.name}: ${first}`);
  }
  return config.getProperties();
}

export function checkCoreRange(plugin: WppdPlugin<object>): void {
  if (!semver.validRange(plugin.core)) throw new Error(`invalid core range "${plugin.core}"`);
  if (!semver.satisfies(CORE_API_VERSION, plugin.core))
    throw new Error(`needs core ${plugin.core}, this is core ${CORE_API_VERSION}`);
}

/** Orders records so each comes after its dependencies; a missing or failed dependency fails it. */
export function orderByDependencies(records: PluginRecord[], log: Logger): PluginRecord[] {
  const byName = new Map(records.map((r) => [r.name, r]));
  const ordered: PluginRecord[] = [];
  const visiting = new Set<string>();
  const visit = (record: PluginRecord): boolean => {
    if (ordered.includes(record)) return (record.state as PluginState) !== 'failed';
    if (record.state === 'failed' || record.state === 'disabled') return false;
    if (visiting.has(record.name)) {
      fail(record, 'circular dependency', log);
      return false;
    }
    visiting.add(record.name);
    for (const dependency of record.plugin?.dependencies ?? []) {
      const target = byName.get(dependency);
      if (!target || target.state === 'disabled') {
        fail(record, `missing dependency ${dependency}`, log);
        break;
      }
      if (!visit(target)) {
        fail(record, `dependency ${dependency} failed`, log);
        break;
      }
    }
    visiting.delete(record.name);
    ordered.push(record);
    return (record.state as PluginState) !== 'failed';
  };
  for (const record of records) visit(record);
  return ordered;
}

export function fail(record: PluginRecord, reason: string, log: Logger): void {
  if (record.state === 'failed') return;
  record.state = 'failed';
  record.error = reason;
  record.routes = [];
  record.hooks = [];
  record.services = [];
  record.engines = [];
  record.serverCallbacks = [];
  record.answerBarriers = [];
  log.error({ plugin: record.name, reason }, 'plugin skipped');
}

export function emptyRecord(name: string, builtin: boolean): PluginRecord {
  return {
    name,
    version: '',
    state: 'registered',
    builtin,
    routes: [],
    hooks: [],
    services: [],
    engines: [],
    serverCallbacks: [],
    answerBarriers: [],
    stopCallbacks: [],
  };
}

/** Runs a plugin step with a time bound, so one stuck plugin cannot hold the daemon's boot or stop. */
export async function withTimeout<T>(work: Promise<T> | T, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      Promise.resolve(work),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
