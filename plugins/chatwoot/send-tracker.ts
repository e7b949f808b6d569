/**
 * The sends to WhatsApp the bridge has in flight, per session. The engine may report a sent message
 * (onanymessage, fromMe) while the send is still running, before the bridge knows the new message's
 * id; the mirror of fromMe messages waits here until the session's sends have stored their ids, so
 * an agent's message is never posted back to Chatwoot as a copy of itself. Per session, not per
 * chat: WhatsApp may report the chat under another id (`@lid`) than the one sent to.
 */
export class SendTracker {
  private readonly running = new Map<string, Set<Promise<void>>>();

  /** Marks a send by `session` as started; call the returned function when its id is stored. */
  begin(session: string): () => void {
    let finish!: () => void;
    const done = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const set = this.running.get(session) ?? new Set();
    set.add(done);
    this.running.set(session, set);
    return () => {
      set.delete(done);
      if (set.size === 0 && this.running.get(session) === set) this.running.delete(session);
      finish();
    };
  }

  /** Resolves once every send of `session` that is running now has finished. */
  async idle(session: string): Promise<void> {
    const set = this.running.get(session);
    if (set) await Promise.all([...set]);
  }
}
