import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Message } from '@wppconnect-team/wppconnect';
import type { Logger, Session } from '../../core/index.ts';

/**
 * Media of received messages, kept in the plugin's data dir (`<dataDir>/plugins/messages/media/<session>/`,
 * owner-only files, never a public folder) as soon as a message arrives. WhatsApp's CDN links expire,
 * so get-media-by-message and download-media answer from here first and still work weeks later; they
 * are the only way to read these files (authenticated routes). File names are a hash of the message
 * id, so nothing from a message ever becomes a path.
 */
export class ReceivedMedia {
  constructor(
    private readonly root: string,
    private readonly maxBytes: number,
    private readonly log: Logger,
  ) {}

  private file(session: string, messageId: string): string {
    const name = createHash('sha256').update(messageId).digest('hex');
    return path.join(this.root, createHash('sha256').update(session).digest('hex').slice(0, 32), name);
  }

  /** Downloads and keeps a received message's media (errors are logged: the message itself is fine). */
  async keep(session: Session, message: Message): Promise<void> {
    if (!(message.isMedia || message.isMMS) || message.fromMe) return;
    if (typeof message.size === 'number' && message.size > this.maxBytes) return;
    if (!session.supports('decryptFile')) return;
    try {
      const bytes = Buffer.from(await session.engine('decryptFile')(message));
      if (bytes.length === 0 || bytes.length > this.maxBytes) return;
      const file = this.file(session.name, message.id);
      await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
      const temp = `${file}.${process.pid}.tmp`;
      await fs.writeFile(temp, bytes, { mode: 0o600 });
      await fs.rename(temp, file);
    } catch (error) {
      this.log.warn(
        { err: error, session: session.name, message: message.id },
        'could not keep received media',
      );
    }
  }

  async read(session: string, messageId: string): Promise<Buffer | undefined> {
    try {
      return await fs.readFile(this.file(session, messageId));
    } catch {
      return undefined;
    }
  }

  /** Deletes everything kept for a session (it was logged out or cleared). */
  async forget(session: string): Promise<void> {
    await fs.rm(this.folder(session), { recursive: true, force: true });
  }

  /** Where a session's kept media lives (tests and clean-up). */
  folder(session: string): string {
    return path.dirname(this.file(session, 'x'));
  }
}
