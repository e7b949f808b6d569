import { HttpError, httpError } from '../../core/index.ts';

/** The header that carries the secret key: never the URL, which lands in logs and browser history. */
export const SECRET_KEY_HEADER = 'x-wppd-secret-key';

/**
 * Wrong secret keys a client may try before it must wait: `burst` at once, then one every
 * `refillMs`. The core limits its own secret-key routes; these header routes need their own.
 */
const WRONG_KEY_BURST = 10;
const WRONG_KEY_REFILL_MS = 6_000;
const MAX_CLIENTS = 10_000;

/** Checks the secret-key header of admin requests, and slows down guessing. */
export class SecretKeyGate {
  private readonly wrongKeys = new Map<string, { left: number; at: number }>();

  constructor(private readonly isSecretKey: (value: string) => boolean) {}

  /** Returns the secret key when the header holds it; 401 when not, 429 after too many wrong keys. */
  check(ip: string, header: string | undefined): string {
    const bucket = this.refilled(ip);
    if (bucket.left < 1) {
      const wait = Math.ceil(((1 - bucket.left) * WRONG_KEY_REFILL_MS) / 1000);
      throw new HttpError(
        429,
        { status: 'error', message: 'Too many wrong secret keys; try again later' },
        { 'retry-after': String(Math.max(1, wait)) },
      );
    }
    if (header && this.isSecretKey(header)) return header;
    bucket.left -= 1;
    throw httpError(401, `Send the secret key in the ${SECRET_KEY_HEADER} header`);
  }

  private refilled(ip: string): { left: number; at: number } {
    const now = Date.now();
    let bucket = this.wrongKeys.get(ip);
    if (bucket) {
      bucket.left = Math.min(WRONG_KEY_BURST, bucket.left + (now - bucket.at) / WRONG_KEY_REFILL_MS);
      bucket.at = now;
      this.wrongKeys.delete(ip);
    } else {
      bucket = { left: WRONG_KEY_BURST, at: now };
    }
    // Most recently seen last, so the oldest client is forgotten first when the map is full.
    this.wrongKeys.set(ip, bucket);
    if (this.wrongKeys.size > MAX_CLIENTS)
      this.wrongKeys.delete(this.wrongKeys.keys().next().value as string);
    return bucket;
  }
}
