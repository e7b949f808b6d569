import { type StartOptions, startDaemon, type TestDaemon, waitFor } from '../helpers/daemon.ts';

export { waitFor };

/** A 1×1 PNG (a real image, so type detection sees image/png). */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

export interface NetworkView {
  chatMessages(owner: string, chatId: string): any[];
  allMessages(owner: string): any[];
}

export interface Pair {
  d: TestDaemon;
  alice: string;
  bob: string;
  network: NetworkView;
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
  const network = d.daemon.container.resolve<NetworkView>('engine-sandbox:network');
  return { d, alice, bob, network, events };
}

/** Sends a text from one session to a number and returns the sender's copy. */
export async function say(p: Pair, from: string, to: string, message: string): Promise<any> {
  const res = await p.d.api(from, 'POST', 'send-message', { phone: to, message });
  if (res.status !== 201) throw new Error(`send-message failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.response[0];
}

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

/** A multipart request with a `file` field. */
export async function upload(
  d: TestDaemon,
  session: string,
  route: string,
  file?: { bytes: Buffer; name: string; type: string },
): Promise<{ status: number; body: any }> {
  const form = new FormData();
  form.append('note', 'x');
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
