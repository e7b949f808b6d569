import fs from 'node:fs';
import path from 'node:path';
import convict from 'convict';
import { type CoreConfig, coreSchema } from './schema.ts';

/** A configuration problem: boot stops with this one line, which names the key. */
export class ConfigError extends Error {}

export interface LoadConfigOptions {
  /** Values that win over file and defaults (tests, embedding). */
  overrides?: DeepPartial<CoreConfig>;
  /** Command-line arguments (`--config FILE`). */
  argv?: readonly string[];
  env?: NodeJS.ProcessEnv;
  /** Folder searched for `wppd.json` when no file is named. */
  configDir?: string;
}

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

export interface LoadedConfig {
  config: CoreConfig;
  /** The config with sensitive values masked, for logs and admin routes. */
  redacted: Record<string, unknown>;
  /** Which file was read, if any. */
  file?: string;
}

export function configFileFrom(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  configDir: string,
): string | undefined {
  const flag = argv.indexOf('--config');
  if (flag >= 0) {
    const file = argv[flag + 1];
    if (!file) throw new ConfigError('--config needs a file name');
    return file;
  }
  const inline = argv.find((arg) => arg.startsWith('--config='));
  if (inline) return inline.slice('--config='.length);
  if (env.WPPD_CONFIG) return env.WPPD_CONFIG;
  const fallback = path.join(configDir, 'wppd.json');
  return fs.existsSync(fallback) ? fallback : undefined;
}

export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const config = convict(coreSchema, { env: { ...env }, args: [] });
  const file = configFileFrom(options.argv ?? [], env, options.configDir ?? 'config');
  if (file) {
    if (!fs.existsSync(file)) throw new ConfigError(`config file not found: ${file}`);
    try {
      config.loadFile(file);
    } catch (error) {
      throw new ConfigError(`config file ${file} is not valid JSON: ${(error as Error).message}`);
    }
  }
  if (options.overrides) config.load(options.overrides);
  try {
    config.validate({ allowed: 'strict' });
  } catch (error) {
    // convict lists every problem on its own line; the first names the key.
    const first = String((error as Error).message).split('\n')[0];
    throw new ConfigError(`invalid configuration: ${first}`);
  }
  const props = config.getProperties() as CoreConfig;
  const redacted = JSON.parse(config.toString()) as Record<string, unknown>;
  return { config: props, redacted, file };
}
