/**
 * Per-client token buckets, in memory. A bucket holds up to `burst` tokens and refills at
 * `perMinute` tokens a minute; each attempt takes one, and an empty bucket means 429. Buckets are
 * keyed by client address and kept in a bounded map (least recently used forgotten first), so a
 * flood from many addresses cannot grow memory without bound. `burst: 0` turns the limit off.
 */
export interface BucketLimits {
  burst: number;
  perMinute: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly limits: BucketLimits,
    private readonly maxClients = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  get enabled(): boolean {
    return this.limits.burst > 0;
  }

  /** Takes one token for this client; false when its bucket is empty (answer 429). */
  take(client: string): boolean {
    if (!this.enabled) return true;
    const bucket = this.refilled(client);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Seconds until this client has a token again (for Retry-After). */
  retryAfterSeconds(client: string): number {
    if (!this.enabled) return 0;
    const bucket = this.refilled(client);
    if (bucket.tokens >= 1 || this.limits.perMinute <= 0) return bucket.tokens >= 1 ? 0 : 60;
    return Math.ceil(((1 - bucket.tokens) * 60) / this.limits.perMinute);
  }

  private refilled(client: string): Bucket {
    const now = this.now();
    let bucket = this.buckets.get(client);
    if (bucket) {
      this.buckets.delete(client);
      const elapsedMinutes = (now - bucket.updatedAt) / 60_000;
      bucket.tokens = Math.min(this.limits.burst, bucket.tokens + elapsedMinutes * this.limits.perMinute);
      bucket.updatedAt = now;
    } else {
      bucket = { tokens: this.limits.burst, updatedAt: now };
    }
    // Re-inserting keeps the map ordered by last use, so the first key is the one to forget.
    this.buckets.set(client, bucket);
    if (this.buckets.size > this.maxClients) this.buckets.delete(this.buckets.keys().next().value as string);
    return bucket;
  }
}

/**
 * The key a client is limited under: its IPv4 address, or the /64 prefix of an IPv6 address (one
 * host usually owns a whole /64, so per-address buckets would let it rotate through millions).
 */
export function clientKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1] as string;
  if (!ip.includes(':')) return ip;
  const [head = '', tail = ''] = ip.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const missing = ip.includes('::') ? 8 - headGroups.length - tailGroups.length : 0;
  const groups = [...headGroups, ...Array(Math.max(0, missing)).fill('0'), ...tailGroups];
  return `${groups.slice(0, 4).join(':')}::/64`;
}
