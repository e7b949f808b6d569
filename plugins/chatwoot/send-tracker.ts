/**
 * The sends to WhatsApp the bridge has in flight, per chat. The engine reports a sent message
 * (onanymessage, fromMe) while the send is still running, before the bridge knows the new
 * message's id; the mirror of fromMe messages waits here until the chat's sends have stored their
 * ids, so an agent's message is never posted back to Chatwoot as a copy of itself.
 */
export class SendTracker {
  private readonly running = new Map<string, Set<Promise<void>>>();

  /** Marks a send to `chat` as started; call the returned function when its id is stored. */
  begin(chat: string): () => void {
    let finish!: () => void;
    const done = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const set = this.running.get(chat) ?? new Set();
    set.add(done);
    this.running.set(chat, set);
    return () => {
      set.delete(done);
      if (set.size === 0 && this.running.get(chat) === set) this.running.delete(chat);
      finish();
    };
  }

  /** Resolves once every send to `chat` that is running now has finished. */
  async idle(chat: string): Promise<void> {
    const set = this.running.get(chat);
    if (set) await Promise.all([...set]);
  }
}
