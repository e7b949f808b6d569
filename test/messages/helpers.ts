import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { type TestDaemon, waitFor } from '../helpers/daemon.ts';
import type { Pair } from '../helpers/pair.ts';

export {
  eventOf,
  GIF,
  MP4,
  OGG,
  type Pair,
  PDF,
  PNG,
  pair,
  type SandboxNetworkView,
  upload,
} from '../helpers/pair.ts';
export { waitFor };

/** The last message bob has from alice (and the like). */
export async function lastIn(p: Pair, owner: string, chatId: string): Promise<any> {
  return waitFor(async () => p.network.chatMessages(owner, chatId).at(-1));
}

/** A local HTTP server that serves fixed files (the "remote" media of URL sends). */
export async function fileServer(
  t: { teardown(fn: () => unknown): void },
  files: Record<string, { bytes: Buffer; type: string }>,
): Promise<string> {
  const server = http.createServer((req, res) => {
    const file = files[req.url ?? ''];
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': file.type, 'content-length': file.bytes.length }).end(file.bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise((resolve) => server.close(resolve)));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Files left in the daemon's upload temp folder. */
export function tempUploads(d: TestDaemon): string[] {
  const dir = path.join(d.dataDir, 'tmp', 'uploads');
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
}
