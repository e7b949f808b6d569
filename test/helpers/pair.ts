import { type StartOptions, startDaemon, type TestDaemon, waitFor } from './daemon.ts';

/**
 * Two connected sandbox sessions and small media samples, shared by the route plugins' tests.
 */

/** A 1×1 PNG (a real image, so type detection sees image/png). */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
/** A minimal GIF89a. */
export const GIF = Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64');
/** A PDF document header is enough for type detection. */
export const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
/** An Ogg/Opus voice note header (OggS + OpusHead), as WhatsApp voice notes are. */
export const OGG = Buffer.concat([
  Buffer.from('OggS', 'ascii'),
  Buffer.from([0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 19]),
  Buffer.from('OpusHead', 'ascii'),
  Buffer.from([1, 1, 0x38, 1, 0x80, 0xbb, 0, 0, 0, 0, 0]),
]);
/** An MP4 (ftyp box) for video stories. */
export const MP4 = Buffer.concat([
  Buffer.from([0, 0, 0, 0x18]),
  Buffer.from('ftypmp42', 'ascii'),
  Buffer.from([0, 0, 0, 0]),
  Buffer.from('mp42isom', 'ascii'),
  Buffer.alloc(64),
]);

export interface SandboxNetworkView {
  chatMessages(owner: string, chatId: string): any[];
  allMessages(owner: string): any[];
  getMessage(owner: string, id: string): any;
}

export interface Pair {
  d: TestDaemon;
  alice: string;
  bob: string;
  network: SandboxNetworkView;
  /** Every event raised on the daemon's bus, in order. */
  events: { name: string; session: string; payload: any }[];
}

/** A daemon with two connected sessions, alice and bob, and a recorder of every event. */
export async function pair(
  t: { teardown(fn: () => unknown): void },
  options: StartOptions = {},
): Promise<Pair> {
  const d = await startDaemon(options);
  t.teardown(() => d.close());
  const events: Pair['events'] = [];
  d.daemon.container
    .resolve<{ on(owner: string, name: string, hook: (e: any) => void): void }>('events')
    .on('test', '*', (e) => events.push({ name: e.name, session: e.session, payload: e.payload }));
  const alice = await d.connect('alice');
  const bob = await d.connect('bob');
  const network = d.daemon.container.resolve<SandboxNetworkView>('engine-sandbox:network');
  return { d, alice, bob, network, events };
}

/** The first event of that name raised on a session (and matching), waiting for it. */
export async function eventOf(
  p: Pair,
  session: string,
  name: string,
  match: (payload: any) => boolean = () => true,
) {
  return waitFor(async () =>
    p.events.find((e) => e.session === session && e.name === name && match(e.payload)),
  );
}

/** A multipart request with the given fields and, when given, a `file` field. */
export async function upload(
  d: TestDaemon,
  session: string,
  route: string,
  fields: Record<string, string>,
  file?: { bytes: Buffer; name: string; type: string },
): Promise<{ status: number; body: any }> {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  if (file) form.append('file', new Blob([file.bytes], { type: file.type }), file.name);
  const res = await fetch(`${d.url}/api/${session}/${route}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await d.token(session)}` },
    body: form,
  });
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) };
  } catch {
    return { status: res.status, body: text };
  }
}
