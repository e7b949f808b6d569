import { waitFor } from '../helpers/daemon.ts';
import type { Pair } from '../helpers/pair.ts';

export {
  eventOf,
  type Pair,
  PNG,
  pair,
  type SandboxNetworkView as NetworkView,
  upload,
} from '../helpers/pair.ts';
export { waitFor };

/** Sends a text from one session to a number and returns the sender's copy. */
export async function say(p: Pair, from: string, to: string, message: string): Promise<any> {
  const res = await p.d.api(from, 'POST', 'send-message', { phone: to, message });
  if (res.status !== 201) throw new Error(`send-message failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.response[0];
}
