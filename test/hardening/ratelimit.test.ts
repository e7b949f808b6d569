import test from 'ava';
import { clientKey, RateLimiter } from '../../core/http/ratelimit.ts';

test('a bucket allows its burst, then refills at its rate per minute', (t) => {
  let now = 0;
  const limiter = new RateLimiter({ burst: 3, perMinute: 6 }, 100, () => now);
  t.true(limiter.take('a'));
  t.true(limiter.take('a'));
  t.true(limiter.take('a'));
  t.false(limiter.take('a'));
  t.is(limiter.retryAfterSeconds('a'), 10, 'one token every 10 s');
  t.true(limiter.take('b'), 'clients have their own buckets');
  now += 10_000;
  t.true(limiter.take('a'));
  t.false(limiter.take('a'));
  now += 10 * 60_000;
  for (let i = 0; i < 3; i++) t.true(limiter.take('a'), 'refills up to the burst, not beyond');
  t.false(limiter.take('a'));
});

test('burst 0 turns the limit off; the client map stays bounded', (t) => {
  const off = new RateLimiter({ burst: 0, perMinute: 0 });
  for (let i = 0; i < 1000; i++) t.true(off.take('a'));
  const small = new RateLimiter({ burst: 1, perMinute: 0 }, 2);
  t.true(small.take('a'));
  t.true(small.take('b'));
  t.true(small.take('c')); // forgets a, the least recently used
  t.false(small.take('c'));
  t.is(small.retryAfterSeconds('c'), 60, 'no refill: try again in a minute');
});

test('clients are keyed by IPv4 address, or by the /64 of an IPv6 address', (t) => {
  t.is(clientKey('203.0.113.7'), '203.0.113.7');
  t.is(clientKey('::ffff:203.0.113.7'), '203.0.113.7');
  t.is(clientKey('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64');
  t.is(clientKey('2001:db8:1:2:bbbb:cccc:dddd:eeee'), '2001:db8:1:2::/64');
  t.is(clientKey('2001:db8::1'), '2001:db8:0:0::/64');
  t.is(clientKey('::1'), '0:0:0:0::/64');
});
