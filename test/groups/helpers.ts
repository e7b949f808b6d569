import { startDaemon, type TestDaemon, waitFor } from '../helpers/daemon.ts';

export { waitFor };

/** A 1×1 PNG. */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

export interface RecordedEvent {
  name: string;
  session: string;
  payload: any;
}

export interface Phones {
  d: TestDaemon;
  /** Session name → its number, for every connected session. */
  numbers: Record<string, string>;
  /** Every event raised on the daemon's bus, in order. */
  events: RecordedEvent[];
  network: {
    chatMessages(owner: string, chatId: string): any[];
    allMessages(owner: string): any[];
    getEntity<T>(owner: string, kind: string, id: string): T | undefined;
    saveMessage(owner: string, message: unknown): void;
  };
}

/** A daemon with the given sessions connected and a recorder of every event. */
export async function phones(
  t: { teardown(fn: () => unknown): void },
  sessions: string[] = ['alice', 'bob'],
  options: Parameters<typeof startDaemon>[0] = {},
): Promise<Phones> {
  const d = await startDaemon(options);
  t.teardown(() => d.close());
  const events: RecordedEvent[] = [];
  d.daemon.container
    .resolve<{ on(owner: string, name: string, hook: (e: RecordedEvent) => void): void }>('events')
    .on('test', '*', (e) => events.push({ name: e.name, session: e.session, payload: e.payload }));
  const numbers: Record<string, string> = {};
  for (const session of sessions) numbers[session] = await d.connect(session);
  const network = d.daemon.container.resolve<Phones['network']>('engine-sandbox:network');
  return { d, numbers, events, network };
}

/** Creates a group as `owner` with `members` (session names) and answers its id `<n>@g.us`. */
export async function makeGroup(p: Phones, owner: string, members: string[], name = 'Team'): Promise<string> {
  const res = await p.d.api(owner, 'POST', 'create-group', {
    name,
    participants: members.map((m) => p.numbers[m]),
  });
  if (res.status !== 201) throw new Error(`create-group answered ${res.status}: ${JSON.stringify(res.body)}`);
  return `${res.body.response.groupInfo[0].id}@g.us`;
}
