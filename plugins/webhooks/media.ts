import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Session } from '../../core/index.ts';

/**
 * Signed, expiring media links (`WPPD_WEBHOOK_MEDIA=url`): instead of megabytes of base64 in the
 * webhook body, the payload gets a `fileUrl` the receiver can fetch without a token until it expires.
 * The link names the session and the message; an HMAC with a key kept in the plugin's data dir
 * makes it unforgeable.
 */
export class MediaLinks {
  private key: Buffer | undefined;

  constructor(private readonly keyFile: string) {}

  load(): void {
    fs.mkdirSync(path.dirname(this.keyFile), { recursive: true });
    try {
      this.key = fs.readFileSync(this.keyFile);
      if (this.key.length >= 32) return;
    } catch {
      // first start: create the key below
    }
    this.key = randomBytes(32);
    fs.writeFileSync(this.keyFile, this.key, { mode: 0o600 });
  }

  private mac(data: string): string {
    if (!this.key) throw new Error('media link key not loaded');
    return createHmac('sha256', this.key).update(data).digest('base64url');
  }

  token(session: string, messageId: string, expiresAt: number): string {
    const data = Buffer.from(JSON.stringify({ s: session, m: messageId, e: expiresAt })).toString(
      'base64url',
    );
    return `${data}.${this.mac(data)}`;
  }

  /** The link's session and message, or undefined when it is forged, malformed or expired. */
  verify(token: string): { session: string; messageId: string } | undefined {
    const [data, mac] = token.split('.');
    if (!data || !mac) return undefined;
    const expected = Buffer.from(this.mac(data));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    try {
      const { s, m, e } = JSON.parse(Buffer.from(data, 'base64url').toString('utf8')) as {
        s: string;
        m: string;
        e: number;
      };
      if (typeof s !== 'string' || typeof m !== 'string' || typeof e !== 'number' || e < Date.now())
        return undefined;
      return { session: s, messageId: m };
    } catch {
      return undefined;
    }
  }
}

/** A message's media from the engine: base64 and mimetype. Throws when the session cannot provide it. */
export async function downloadMedia(
  session: Session,
  id: string,
  message?: Record<string, unknown>,
): Promise<{ base64: string; mimetype: string | undefined }> {
  const knownType = typeof message?.mimetype === 'string' ? message.mimetype : undefined;
  if (session.supports('downloadMedia')) {
    const dataUrl = await session.engine('downloadMedia')(id);
    const match = /^data:([^;,]+)?(?:;[^,]*)?,(.*)$/s.exec(dataUrl);
    if (match) return { mimetype: match[1] ?? knownType, base64: match[2] ?? '' };
    return { mimetype: knownType, base64: dataUrl };
  }
  if (message && session.supports('decryptFile')) {
    const buffer = await session.engine('decryptFile')(message as never);
    return { mimetype: knownType, base64: Buffer.from(buffer).toString('base64') };
  }
  // Session.engine throws the right 404/501 when the session cannot download.
  await session.engine('downloadMedia');
  throw new Error('the engine cannot download media');
}
