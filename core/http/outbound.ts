import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { httpError } from '../errors.ts';

/**
 * Fetching a URL that came from a request (media to send, a link to preview). Refuses loopback,
 * private, link-local and other special addresses unless allowed (SSRF), checks the address the
 * connection really uses (so DNS rebinding cannot slip through), follows a few redirects with the same
 * checks, and bounds time and size. Webhook and Chatwoot URLs set by the session owner do not use it.
 */
export interface OutboundLimits {
  allowPrivate: boolean;
  timeoutMs: number;
  maxBytes: number;
  maxRedirects?: number;
}

export interface FetchedFile {
  bytes: Buffer;
  contentType: string | undefined;
  /** The last path segment of the final URL, a hint only. */
  fileName: string | undefined;
}

const blockList = new net.BlockList();
for (const [prefix, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['192.0.2.0', 24],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  blockList.addSubnet(prefix, bits, 'ipv4');
// IPv6 forms that embed an IPv4 address (IPv4-compatible, NAT64, 6to4) are blocked as a whole: each
// could reach 127.0.0.1 or a private network through a translator. IPv4-mapped addresses
// (::ffff:a.b.c.d) are judged by their IPv4 address (isPrivateAddress): a /96 rule for them would
// make BlockList refuse every IPv4 address, public ones included.
for (const [prefix, bits] of [
  ['::', 96],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  blockList.addSubnet(prefix, bits, 'ipv6');

export function isPrivateAddress(address: string): boolean {
  const family = net.isIP(address);
  if (family === 0) return true;
  const mapped = mappedIPv4(address);
  if (mapped) return blockList.check(mapped, 'ipv4');
  return blockList.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

export async function fetchLimited(rawUrl: string, limits: OutboundLimits): Promise<FetchedFile> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw httpError(400, 'The URL is not valid');
  }
  for (let redirects = 0; ; redirects += 1) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw httpError(400, 'Only http(s) URLs can be fetched');
    const answer = await requestOnce(url, limits);
    if ('redirect' in answer) {
      if (redirects >= (limits.maxRedirects ?? 3))
        throw httpError(400, 'Too many redirects fetching the URL');
      url = new URL(answer.redirect, url);
      continue;
    }
    return answer;
  }
}

function requestOnce(url: URL, limits: OutboundLimits): Promise<FetchedFile | { redirect: string }> {
  // Every address a name resolves to is checked, in the form the socket asks for: Node 20 asks for
  // all of them (`all: true`, happy eyeballs) and expects an array back.
  const lookup: net.LookupFunction = (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      if (!limits.allowPrivate && addresses.some((entry) => isPrivateAddress(entry.address)))
        return callback(Object.assign(new Error('blocked address'), { code: 'EBLOCKED' }), '', 0);
      if (options.all)
        return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, addresses);
      const first = addresses[0];
      if (!first) return callback(Object.assign(new Error('no address'), { code: 'ENOTFOUND' }), '', 0);
      callback(null, first.address, first.family);
    });
  };
  // A literal IP never goes through lookup, so it is checked here.
  const literal = url.hostname.replace(/^\[|\]$/g, '');
  if (net.isIP(literal) && !limits.allowPrivate && isPrivateAddress(literal))
    return Promise.reject(httpError(400, 'The URL points to a private or local address'));
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.get(url, { lookup, timeout: limits.timeoutMs }, (response) => {
      const status = response.statusCode ?? 0;
      if (status >= 300 && status < 400 && response.headers.location) {
        response.resume();
        resolve({ redirect: response.headers.location });
        return;
      }
      if (status < 200 || status >= 300) {
        response.resume();
        reject(httpError(400, `Fetching the URL answered HTTP ${status}`));
        return;
      }
      const declared = Number(response.headers['content-length'] ?? 0);
      if (declared > limits.maxBytes) {
        response.destroy();
        reject(httpError(413, `The file at the URL is larger than ${limits.maxBytes} bytes`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > limits.maxBytes) {
          response.destroy();
          reject(httpError(413, `The file at the URL is larger than ${limits.maxBytes} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      response.on('end', () =>
        resolve({
          bytes: Buffer.concat(chunks),
          contentType: response.headers['content-type']?.split(';')[0]?.trim(),
          fileName: lastSegment(url),
        }),
      );
      response.on('error', (error: NodeJS.ErrnoException) => reject(failure(error)));
    });
    // `timeout` only fires on an idle socket; the deadline also stops a server that trickles bytes.
    const timedOut = () => request.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' }));
    const deadline = setTimeout(timedOut, limits.timeoutMs);
    request.on('close', () => clearTimeout(deadline));
    request.on('timeout', timedOut);
    request.on('error', (error: NodeJS.ErrnoException) => reject(failure(error)));
  });
}

function failure(error: NodeJS.ErrnoException) {
  if (error.code === 'EBLOCKED') return httpError(400, 'The URL points to a private or local address');
  if (error.code === 'ETIMEDOUT') return httpError(408, 'Fetching the URL timed out');
  return httpError(400, `Fetching the URL failed: ${error.message}`);
}

/** The URL's last path segment, decoded when it can be (a stray `%` must not throw in a stream handler). */
function lastSegment(url: URL): string | undefined {
  const segment = url.pathname.split('/').pop() ?? '';
  try {
    return decodeURIComponent(segment) || undefined;
  } catch {
    return segment || undefined;
  }
}

/** The IPv4 address inside an IPv4-mapped IPv6 address, in either notation (::ffff:127.0.0.1, ::ffff:7f00:1). */
function mappedIPv4(address: string): string | undefined {
  const dotted = /^(?:0{0,4}:){0,5}:?ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (dotted) return dotted[1];
  const hex = /^(?:0{0,4}:){0,5}:?ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (!hex) return undefined;
  const high = Number.parseInt(hex[1] as string, 16);
  const low = Number.parseInt(hex[2] as string, 16);
  return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
}
