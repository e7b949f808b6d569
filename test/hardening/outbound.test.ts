import http from 'node:http';
import type { AddressInfo } from 'node:net';
import test from 'ava';
import { fetchLimited, isPrivateAddress } from '../../core/http/outbound.ts';

/** A local server: / answers "hello", /redirect sends to /, /big sends 1 MB, /slow trickles forever. */
async function localServer(t: { teardown(fn: () => void): void }) {
  const server = http.createServer((req, res) => {
    if (req.url === '/redirect') {
      res.writeHead(302, { location: `http://127.0.0.1:${port}/` });
      res.end();
    } else if (req.url === '/big') res.end(Buffer.alloc(1024 * 1024));
    else if (req.url === '/slow') {
      res.writeHead(200);
      const timer = setInterval(() => res.write('x'), 100);
      res.on('close', () => clearInterval(timer));
    } else res.end('hello');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  t.teardown(() => {
    server.closeAllConnections();
    server.close();
  });
  return port;
}

const limits = (allowPrivate: boolean) => ({ allowPrivate, timeoutMs: 1_000, maxBytes: 64 * 1024 });

test('private, loopback and disguised local addresses are refused unless allowed', async (t) => {
  const port = await localServer(t);
  const disguises = [
    `http://127.0.0.1:${port}/`,
    `http://localhost:${port}/`,
    `http://2130706433:${port}/`, // decimal
    `http://0x7f.1:${port}/`, // hex, short form
    `http://017700000001:${port}/`, // octal
    `http://[::ffff:127.0.0.1]:${port}/`, // IPv4-mapped IPv6
    `http://[::ffff:7f00:1]:${port}/`,
    `http://0:${port}/`,
  ];
  for (const url of disguises) {
    const refused = await t.throwsAsync(fetchLimited(url, limits(false)), undefined, url);
    t.is((refused as { status?: number }).status, 400, url);
    t.regex(refused?.message ?? '', /private or local/, url);
  }
  // The same URLs work with WPPD_FETCH_ALLOW_PRIVATE (a trusted network).
  for (const url of disguises.filter((u) => !u.includes('[') || u.includes('ffff'))) {
    const fetched = await fetchLimited(url, limits(true));
    t.is(fetched.bytes.toString(), 'hello', url);
  }
});

test('a redirect to a private address is refused; other schemes are refused', async (t) => {
  const port = await localServer(t);
  // With private addresses allowed the redirect is followed; without, its target is checked like the
  // first URL (each hop goes through the same address checks).
  t.is((await fetchLimited(`http://127.0.0.1:${port}/redirect`, limits(true))).bytes.toString(), 'hello');
  await t.throwsAsync(fetchLimited(`http://127.0.0.1:${port}/redirect`, limits(false)), {
    message: /private or local/,
  });
  for (const url of [
    'file:///etc/passwd',
    'ftp://example.com/x',
    'gopher://127.0.0.1:25/',
    'data:text/plain,hi',
  ])
    await t.throwsAsync(fetchLimited(url, limits(true)), { message: /Only http/ }, url);
  await t.throwsAsync(fetchLimited('not a url', limits(true)), { message: /not valid/ });
});

test('size and time are bounded, even for a server that trickles bytes', async (t) => {
  const port = await localServer(t);
  const big = await t.throwsAsync(fetchLimited(`http://127.0.0.1:${port}/big`, limits(true)));
  t.is((big as { status?: number }).status, 413);
  const slow = await t.throwsAsync(
    fetchLimited(`http://127.0.0.1:${port}/slow`, { ...limits(true), maxBytes: 1e9 }),
  );
  t.is((slow as { status?: number }).status, 408);
});

test('the block list covers IPv4 special ranges and IPv6 forms that embed IPv4', (t) => {
  for (const address of [
    '10.1.2.3',
    '172.16.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    '::',
    '::127.0.0.1',
    '::ffff:10.0.0.1',
    '::ffff:a00:1',
    '0:0:0:0:0:ffff:7f00:1',
    '64:ff9b::a00:1',
    '2002:7f00:1::',
    'fe80::1',
    'fd00::1',
    'not-an-ip',
  ])
    t.true(isPrivateAddress(address), address);
  for (const address of ['8.8.8.8', '1.1.1.1', '::ffff:8.8.8.8', '::ffff:808:808', '2606:4700:4700::1111'])
    t.false(isPrivateAddress(address), address);
});
