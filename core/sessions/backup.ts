import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import yazl from 'yazl';
import { httpError } from '../errors.ts';
import type { SessionStore } from '../store/session-store.ts';
import { isValidSessionName } from './manager.ts';

/**
 * Backups use wppconnect-server's layout, so its backup zips restore into wppd and back:
 * `tokens/<session>.data.json` holds `{config}` (the start-session body) and `userDataDir/<session>/…`
 * the engine's per-session folder (the browser profile, where the WhatsApp login lives).
 */

/** Browser caches and locks: large, rebuilt by Chromium, and harmful to copy. */
const SKIPPED_PROFILE_PARTS = new Set([
  'Cache',
  'Code Cache',
  'GPUCache',
  'GrShaderCache',
  'ShaderCache',
  'Service Worker',
  'SingletonLock',
  'SingletonCookie',
  'SingletonSocket',
  'Crashpad',
]);

async function* filesUnder(root: string, relative = ''): AsyncGenerator<string> {
  let entries: fs.Dirent[];
  try {
    entries = await fsp.readdir(path.join(root, relative), { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    if (SKIPPED_PROFILE_PARTS.has(entry.name)) continue;
    const child = path.join(relative, entry.name);
    if (entry.isDirectory()) yield* filesUnder(root, child);
    else if (entry.isFile()) yield child;
  }
}

/** Builds the backup zip of every stored session; the returned stream is the zip. */
export async function createBackup(store: SessionStore, sessionDir: (name: string) => string) {
  const zip = new yazl.ZipFile();
  for (const stored of store.list()) {
    zip.addBuffer(Buffer.from(JSON.stringify({ config: stored.config })), `tokens/${stored.name}.data.json`);
    const dir = sessionDir(stored.name);
    for await (const file of filesUnder(dir)) {
      zip.addFile(path.join(dir, file), `userDataDir/${stored.name}/${file.split(path.sep).join('/')}`);
    }
  }
  zip.end();
  return zip.outputStream;
}

export interface RestoreLimits {
  maxEntries: number;
  maxTotalBytes: number;
}

/**
 * Restores a backup zip: session configs are written to the store (replacing), profile files only
 * where none exists yet (as wppconnect-server does). Every entry name is checked: only the two
 * layouts above, valid session names, no absolute paths or `..` — nothing lands outside the data dir.
 */
export async function restoreBackup(
  zipPath: string,
  store: SessionStore,
  sessionDir: (name: string) => string,
  limits: RestoreLimits,
): Promise<string[]> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(zipPath, {
      lazyEntries: true,
      strictFileNames: true,
      validateEntrySizes: true,
    });
  } catch {
    throw httpError(400, 'The file is not a valid zip archive');
  }
  const restored = new Set<string>();
  let entries = 0;
  let total = 0;
  try {
    for await (const entry of zip.eachEntry()) {
      entries += 1;
      total += entry.uncompressedSize;
      if (entries > limits.maxEntries || total > limits.maxTotalBytes)
        throw httpError(413, 'The backup is larger than this daemon accepts');
      if (entry.fileName.endsWith('/')) continue;
      const token = /^tokens\/([^/]+)\.data\.json$/.exec(entry.fileName);
      if (token) {
        const name = token[1] as string;
        if (!isValidSessionName(name)) throw httpError(400, `Invalid session name in the backup: ${name}`);
        const stream = await zip.openReadStreamPromise(entry);
        const chunks: Buffer[] = [];
        for await (const chunk of stream) chunks.push(chunk as Buffer);
        let config: Record<string, unknown> = {};
        try {
          const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { config?: unknown };
          if (parsed.config && typeof parsed.config === 'object')
            config = parsed.config as Record<string, unknown>;
        } catch {
          throw httpError(400, `The backup's ${entry.fileName} is not valid JSON`);
        }
        store.save(name, config, true);
        restored.add(name);
        continue;
      }
      const profile = /^userDataDir\/([^/]+)\/(.+)$/.exec(entry.fileName);
      if (!profile) continue;
      const name = profile[1] as string;
      const relative = profile[2] as string;
      if (!isValidSessionName(name)) throw httpError(400, `Invalid session name in the backup: ${name}`);
      const root = path.resolve(sessionDir(name));
      const target = path.resolve(root, relative);
      if (!target.startsWith(root + path.sep))
        throw httpError(400, `Unsafe path in the backup: ${entry.fileName}`);
      if (fs.existsSync(target)) continue;
      await fsp.mkdir(path.dirname(target), { recursive: true });
      await pipeline(await zip.openReadStreamPromise(entry), fs.createWriteStream(target, { flags: 'wx' }));
      restored.add(name);
    }
  } catch (error) {
    if (error instanceof Error && !('status' in error))
      throw httpError(400, `The backup could not be read: ${error.message}`);
    throw error;
  } finally {
    zip.close();
  }
  return [...restored];
}
