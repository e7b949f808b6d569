/**
 * Import from a wppconnect-server install (behaviour §H): its `tokens/<session>.data.json` files hold
 * each session's start-session config (`{...libraryTokenData, config}`), its
 * `userDataDir/<session>` folders hold the Chromium profiles that are the WhatsApp logins. Copying a
 * profile into the session's folder lets wppd restart the session without a new QR.
 *
 * Each session is imported once: a list of imported names is kept in the plugin's data folder, so
 * a session deleted in wppd later is not brought back by the next boot.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { isValidSessionName, type Logger } from '../../core/index.ts';
import { PROFILE_LOCK_FILES } from './browser.ts';

export interface MigrationSource {
  tokensDir: string;
  userDataDir: string;
  /** Move the profiles (rename, or copy then delete across file systems) instead of copying. */
  move: boolean;
}

export interface MigrationTarget {
  /** Where the list of imported names is kept. */
  stateDir: string;
  sessionDir(name: string): string;
  isKnown(name: string): boolean;
  save(name: string, config: Record<string, unknown>): void;
  log: Logger;
}

export interface MigrationReport {
  imported: string[];
  profiles: string[];
  skipped: { name: string; reason: string }[];
}

const TOKEN_SUFFIX = '.data.json';
const STATE_FILE = 'migrated-from-wppconnect-server.json';

export async function migrateFromWppconnectServer(
  source: MigrationSource,
  target: MigrationTarget,
): Promise<MigrationReport> {
  const report: MigrationReport = { imported: [], profiles: [], skipped: [] };
  if (!source.tokensDir) return report;
  const statePath = path.join(target.stateDir, STATE_FILE);
  const done = new Set(await readJson<string[]>(statePath).then((list) => (Array.isArray(list) ? list : [])));

  let files: string[];
  try {
    files = (await fs.readdir(source.tokensDir)).filter((file) => file.endsWith(TOKEN_SUFFIX)).sort();
  } catch (error) {
    target.log.error(
      { tokensDir: source.tokensDir, err: String(error) },
      'cannot read the wppconnect-server tokens folder',
    );
    return report;
  }

  for (const file of files) {
    const name = file.slice(0, -TOKEN_SUFFIX.length);
    const skip = (reason: string) => {
      report.skipped.push({ name, reason });
      target.log.warn({ session: name, reason }, 'wppconnect-server session not imported');
    };
    // The name becomes a folder and a database key: only names wppd itself accepts.
    if (!isValidSessionName(name)) {
      skip('not a valid wppd session name');
      continue;
    }
    if (done.has(name)) continue;
    if (target.isKnown(name)) {
      skip('a session of this name already exists in wppd');
      done.add(name);
      continue;
    }
    const token = await readJson<Record<string, unknown>>(path.join(source.tokensDir, file));
    if (!token || typeof token !== 'object') {
      skip('the token file is not a JSON object');
      continue;
    }
    const config = storedConfig(token);

    if (source.userDataDir) {
      const from = path.join(source.userDataDir, name);
      if (await isDirectory(from)) {
        const to = target.sessionDir(name);
        if (await isNonEmptyDirectory(to)) skip('the session folder already has a profile; kept it');
        else {
          await importProfile(from, to, source.move);
          report.profiles.push(name);
        }
      } else
        target.log.warn(
          { session: name, from },
          'no browser profile to import: the session will need a new QR',
        );
    }
    target.save(name, config);
    report.imported.push(name);
    done.add(name);
  }

  await fs.mkdir(target.stateDir, { recursive: true });
  await fs.writeFile(statePath, JSON.stringify([...done].sort(), null, 2));
  if (report.imported.length > 0)
    target.log.info(
      { sessions: report.imported, profiles: report.profiles },
      'imported wppconnect-server sessions',
    );
  return report;
}

/**
 * The start-session body as wppconnect-server would restore it: `config`, plus the legacy top-level
 * `webhook` key of old token files when the config has none.
 */
export function storedConfig(token: Record<string, unknown>): Record<string, unknown> {
  const config =
    token.config && typeof token.config === 'object' && !Array.isArray(token.config)
      ? { ...(token.config as Record<string, unknown>) }
      : {};
  if (typeof token.webhook === 'string' && token.webhook && config.webhook === undefined)
    config.webhook = token.webhook;
  return config;
}

/** Copies (or moves) a profile into place through a temporary name, so a crash leaves no half profile. */
async function importProfile(from: string, to: string, move: boolean): Promise<void> {
  await fs.mkdir(path.dirname(to), { recursive: true });
  await fs.rm(to, { recursive: true, force: true });
  const staging = `${to}.importing`;
  await fs.rm(staging, { recursive: true, force: true });
  // Chromium's lock files name the old host's browser; carried over they block the first launch.
  const isLock = (file: string) => PROFILE_LOCK_FILES.includes(path.basename(file));
  if (move) {
    try {
      await fs.rename(from, to);
      await Promise.all(PROFILE_LOCK_FILES.map((lock) => fs.rm(path.join(to, lock), { force: true })));
      return;
    } catch {
      // Another file system: copy, then delete the source below.
    }
  }
  await fs.cp(from, staging, { recursive: true, filter: (file) => !isLock(file), verbatimSymlinks: true });
  await fs.rename(staging, to);
  if (move) await fs.rm(from, { recursive: true, force: true });
}

async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

async function isDirectory(dir: string): Promise<boolean> {
  return fs.stat(dir).then(
    (stat) => stat.isDirectory(),
    () => false,
  );
}

async function isNonEmptyDirectory(dir: string): Promise<boolean> {
  return fs.readdir(dir).then(
    (entries) => entries.length > 0,
    () => false,
  );
}
