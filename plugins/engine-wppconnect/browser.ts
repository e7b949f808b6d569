/**
 * The Chromium side of a session, handled from outside the library: which binary to run, with which
 * flags, and how to find, measure and kill the processes of one session's profile. The library gives
 * no handle on its browser when `create()` fails, so processes are found through /proc by the
 * `--user-data-dir=<profile>` flag every Chromium of that session carries (or descends from).
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

/** Debian's and Google's usual install paths, tried after the configured ones. */
export const SYSTEM_BROWSER_PATHS = ['/usr/bin/chromium', '/usr/bin/google-chrome'];

export interface BrowserSearch {
  /** WPPD_CHROMIUM_PATH / plugins.engine-wppconnect.chromiumPath. */
  configured: string;
  env: NodeJS.ProcessEnv;
  /** Where puppeteer would have downloaded its own Chrome (undefined when unknown). */
  puppeteerBrowser?: () => string | undefined;
  systemPaths?: string[];
}

/**
 * The browser to launch, in the documented order: the setting, PUPPETEER_EXECUTABLE_PATH, puppeteer's
 * own download, the system paths. A setting that names a missing file is an error rather than a
 * silent fallback: the operator asked for that binary.
 */
export function findBrowser(search: BrowserSearch): string {
  if (search.configured) {
    if (isExecutable(search.configured)) return search.configured;
    throw new Error(`WPPD_CHROMIUM_PATH is set to ${search.configured}, which is not an executable file`);
  }
  const fromPuppeteerEnv = search.env.PUPPETEER_EXECUTABLE_PATH;
  if (fromPuppeteerEnv && isExecutable(fromPuppeteerEnv)) return fromPuppeteerEnv;
  const downloaded = search.puppeteerBrowser?.();
  if (downloaded && isExecutable(downloaded)) return downloaded;
  for (const candidate of search.systemPaths ?? SYSTEM_BROWSER_PATHS)
    if (isExecutable(candidate)) return candidate;
  throw new Error(
    'No Chromium found: install one (Debian: apt-get install chromium) or set WPPD_CHROMIUM_PATH to its executable',
  );
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * The Chrome puppeteer downloads into its cache (not done by `npm ci` here, but a user may run
 * `npx puppeteer browsers install chrome`). Resolved through the library so it is the puppeteer the
 * library drives; puppeteer only computes the path, so existence is checked by the caller.
 */
export function puppeteerDownloadedBrowser(): string | undefined {
  try {
    const fromLibrary = createRequire(createRequire(import.meta.url).resolve('@wppconnect-team/wppconnect'));
    const puppeteer = fromLibrary('puppeteer') as { executablePath(): string };
    return puppeteer.executablePath();
  } catch {
    return undefined;
  }
}

/**
 * Chromium flags. The library uses `browserArgs` as the whole argument list, so this is all of it.
 * Memory: one renderer per site instead of per frame, no GPU process, no background networking,
 * extensions, sync or component updates, and /tmp instead of /dev/shm (containers give 64 MB).
 */
export const MEMORY_SAVING_ARGS = [
  '--disable-dev-shm-usage',
  '--disable-gpu',
  '--disable-extensions',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-default-apps',
  '--disable-sync',
  // Site isolation starts a renderer per origin; WhatsApp Web is one origin plus its CDN frames.
  '--disable-site-isolation-trials',
  '--disable-features=Translate,OptimizationHints,MediaRouter,IsolateOrigins,site-per-process',
  '--no-first-run',
  '--no-default-browser-check',
  '--mute-audio',
  '--metrics-recording-only',
  '--password-store=basic',
  '--disable-blink-features=AutomationControlled',
];

export function browserArgs(extra: string[], runningAsRoot: boolean): string[] {
  // Chromium refuses to start as root with its sandbox on ("Running as root without --no-sandbox").
  const sandbox = runningAsRoot ? ['--no-sandbox', '--disable-setuid-sandbox'] : [];
  return [...new Set([...sandbox, ...MEMORY_SAVING_ARGS, ...extra])];
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

interface ProcessEntry {
  pid: number;
  ppid: number;
  args: string[];
}

/** One look at /proc: every process with its parent and arguments (Linux only; empty elsewhere). */
export function listProcesses(): ProcessEntry[] {
  let names: string[];
  try {
    names = fs.readdirSync('/proc');
  } catch {
    return [];
  }
  const entries: ProcessEntry[] = [];
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const args = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').filter(Boolean);
      // The command name in /proc/<pid>/stat is in parentheses and may contain spaces: parse after it.
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const afterName = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      entries.push({ pid: Number(name), ppid: Number(afterName[1]), args });
    } catch {
      // The process ended while we looked.
    }
  }
  return entries;
}

/**
 * PIDs of every process of one profile: those started with `--user-data-dir=<dir>` and all their
 * descendants (zygotes and renderers do not always repeat the flag).
 */
export function profileProcesses(userDataDir: string, processes: ProcessEntry[] = listProcesses()): number[] {
  const flag = `--user-data-dir=${path.resolve(userDataDir)}`;
  const found = new Set(processes.filter((p) => p.args.includes(flag)).map((p) => p.pid));
  let grew = found.size > 0;
  while (grew) {
    grew = false;
    for (const p of processes) {
      if (!found.has(p.pid) && found.has(p.ppid)) {
        found.add(p.pid);
        grew = true;
      }
    }
  }
  found.delete(process.pid);
  return [...found];
}

/** Resident memory of a process tree, in bytes (0 for processes that are gone). */
export function residentBytes(pids: number[]): number {
  let total = 0;
  for (const pid of pids) {
    try {
      const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
      const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
      if (match) total += Number(match[1]) * 1024;
    } catch {
      // gone
    }
  }
  return total;
}

/**
 * Kills every process of a profile and waits until they are gone (or `timeoutMs` passed). SIGKILL:
 * by the time this runs a polite close was already tried, and a hung Chromium ignores SIGTERM.
 * Returns the PIDs that were still alive at the end (empty on success).
 */
export async function killProfileProcesses(userDataDir: string, timeoutMs = 5_000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let alive = profileProcesses(userDataDir);
  while (alive.length > 0) {
    for (const pid of alive) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone, or not ours to kill
      }
    }
    if (Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Killed children become zombies of their (Chromium) parent until it is reaped; a zombie holds no
    // memory or lock, so only living processes count.
    alive = profileProcesses(userDataDir).filter((pid) => !isZombie(pid));
  }
  return alive;
}

function isZombie(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

/**
 * Chromium's profile lock: symlinks naming the host and PID of the browser that owns the profile.
 * Left behind by a killed browser they make the next launch fail with "already running", so they
 * are removed once no process of the profile is alive.
 */
export const PROFILE_LOCK_FILES = ['SingletonLock', 'SingletonSocket', 'SingletonCookie'];

export async function clearProfileLocks(userDataDir: string): Promise<void> {
  await Promise.all(PROFILE_LOCK_FILES.map((name) => fsp.rm(path.join(userDataDir, name), { force: true })));
}
