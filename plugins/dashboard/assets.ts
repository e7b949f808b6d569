import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PUBLIC_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'public');

/**
 * Every file the dashboard serves, by its fixed URL. Nothing from the request ever reaches the file
 * system: a route exists per entry, and anything else is the core's 404.
 */
export const ASSETS = [
  { url: '/dashboard', file: 'index.html', type: 'text/html; charset=utf-8', summary: 'The dashboard page' },
  {
    url: '/dashboard/app.js',
    file: 'app.js',
    type: 'text/javascript; charset=utf-8',
    summary: 'The dashboard script',
  },
  {
    url: '/dashboard/style.css',
    file: 'style.css',
    type: 'text/css; charset=utf-8',
    summary: 'The dashboard styles',
  },
] as const;

export type Asset = (typeof ASSETS)[number];

/**
 * The page may load only its own files and talk only to its own origin (socket.io's websocket
 * included: CSP 'self' covers ws: on the same host). QR codes arrive as data: URLs.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const ASSET_HEADERS: Record<string, string> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  // Small files: always revalidate, so an upgraded daemon never runs an old script.
  'cache-control': 'no-cache',
};

/** Reads the plugin's files once, on first use (register does no I/O). */
export function assetReader(): (asset: Asset) => Promise<Buffer> {
  const cache = new Map<string, Promise<Buffer>>();
  return (asset) => {
    let content = cache.get(asset.file);
    if (!content) {
      content = fs.readFile(path.join(PUBLIC_DIR, asset.file));
      // A failed read is not kept: the next request tries again.
      content.catch(() => cache.delete(asset.file));
      cache.set(asset.file, content);
    }
    return content;
  };
}
