import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import yazl from 'yazl';

/**
 * The fuzz engine: hostile requests for every operation of the daemon's own OpenAPI document, so a
 * route added by any plugin is covered the moment it exists. Requests go through node:http with the
 * path exactly as written (fetch would normalise `..` and `%2e%2e` away before they reach the server).
 *
 * A request passes when the daemon answers a 4xx JSON error (or a documented success) in time, wrote
 * nothing outside its data dir and stayed up. `run.ts` prints the table; test/hardening runs a slice.
 */

export interface OpenApiDoc {
  paths: Record<string, Record<string, OpenApiOperation>>;
}

interface OpenApiOperation {
  parameters?: { name: string; in: string; schema?: JsonSchema }[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
  responses?: Record<string, { content?: Record<string, unknown> }>;
  security?: Record<string, unknown>[];
}

export interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  minimum?: number;
}

/** One operation of the document, e.g. `POST /api/{session}/send-message`. */
export interface FuzzTarget {
  /** `METHOD /path` as in the document: the name used by --route and in the table. */
  id: string;
  method: string;
  path: string;
  pathParams: string[];
  query: Record<string, JsonSchema>;
  body: JsonSchema | undefined;
  multipart: boolean;
  /** Documented non-JSON content types of successful answers (image/png, text/plain…). */
  successTypes: Set<string>;
  /** Whether the route takes a session token (bearerAuth); others are public or use the secret key. */
  bearer: boolean;
  /** Statuses the document lists for this operation (a documented 503 is an answer, not a failure). */
  documented: Set<number>;
}

export interface FuzzContext {
  url: string;
  secretKey: string;
  /** A connected session and its token: requests get past auth and the not-connected 404. */
  session: string;
  token: string;
  /** The number of another connected session (a recipient that exists). */
  peerNumber: string;
  /** Unique text put in every file name a traversal case tries to create, to find escapes. */
  marker: string;
  /** Smaller payloads for the in-`npm test` slice. */
  slice: boolean;
}

export interface FuzzRequest {
  /** What this variant tries, e.g. `session name "a/b"`. */
  label: string;
  method: string;
  /** Raw request path, sent byte for byte. */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

export interface FuzzCase {
  name: string;
  /** The requests this case makes for a target; none when it does not apply (no body, no params). */
  requests(target: FuzzTarget, ctx: FuzzContext): FuzzRequest[] | Promise<FuzzRequest[]>;
}

export type Verdict =
  | 'ok'
  | '5xx'
  | 'not-implemented'
  | 'hang'
  | 'not-json'
  | 'connection'
  | 'escape'
  | 'crash';

export interface Outcome {
  target: string;
  caseName: string;
  label: string;
  verdict: Verdict;
  status: number;
  detail: string;
  request: FuzzRequest;
}

// ---------- targets ----------

export function targetsOf(doc: OpenApiDoc): FuzzTarget[] {
  const targets: FuzzTarget[] = [];
  for (const [docPath, operations] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const parameters = operation.parameters ?? [];
      const content = operation.requestBody?.content ?? {};
      const successTypes = new Set<string>();
      for (const [status, response] of Object.entries(operation.responses ?? {}))
        if (status.startsWith('2'))
          for (const type of Object.keys(response.content ?? {}))
            if (!type.includes('json')) successTypes.add(type);
      targets.push({
        id: `${method.toUpperCase()} ${docPath}`,
        method: method.toUpperCase(),
        path: docPath,
        pathParams: parameters.filter((p) => p.in === 'path').map((p) => p.name),
        query: Object.fromEntries(
          parameters.filter((p) => p.in === 'query').map((p) => [p.name, p.schema ?? {}]),
        ),
        body: content['application/json']?.schema,
        multipart: 'multipart/form-data' in content,
        successTypes,
        bearer: Boolean(operation.security?.some((requirement) => 'bearerAuth' in requirement)),
        documented: new Set(Object.keys(operation.responses ?? {}).map(Number)),
      });
    }
  }
  return targets;
}

// ---------- values ----------

/** A plausible value for a field: gets a request past validation so later checks are reached. */
export function plausible(schema: JsonSchema | undefined, name: string, ctx: FuzzContext): unknown {
  if (!schema) return 'fuzz';
  if (schema.const !== undefined) return schema.const;
  if (schema.enum?.length) return schema.enum[0];
  const option = schema.anyOf?.[0] ?? schema.oneOf?.[0];
  if (option) return plausible(option, name, ctx);
  switch (schema.type) {
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return true;
    case 'array':
      return [plausible(schema.items, name, ctx)];
    case 'object':
      return plausibleObject(schema, ctx);
    default:
      if (/phone|number|chatid|contact|from|to$/i.test(name)) return ctx.peerNumber;
      if (/base64/i.test(name)) return 'data:text/plain;base64,aGVsbG8=';
      if (/url|link|path/i.test(name)) return 'http://127.0.0.1:1/fuzz.png';
      if (/id$/i.test(name)) return `true_${ctx.peerNumber}@c.us_FUZZ`;
      return 'fuzz';
  }
}

function plausibleObject(schema: JsonSchema, ctx: FuzzContext): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  const required = new Set(schema.required ?? []);
  for (const [name, property] of Object.entries(schema.properties ?? {}))
    if (required.has(name) || name === 'phone') object[name] = plausible(property, name, ctx);
  return object;
}

/** A value of a type the schema does not allow. */
function wrongType(schema: JsonSchema | undefined): unknown {
  const type = schema?.type ?? schema?.anyOf?.[0]?.type;
  switch (type) {
    case 'string':
      return { nested: ['not', 'a', 'string'] };
    case 'integer':
    case 'number':
      return 'NaN-not-a-number';
    case 'boolean':
      return [[]];
    case 'array':
      return { length: 1e9 };
    case 'object':
      return 'not-an-object';
    default:
      return [null, { a: {} }];
  }
}

function stringFields(schema: JsonSchema | undefined): string[] {
  return Object.entries(schema?.properties ?? {})
    .filter(([, property]) => isStringy(property))
    .map(([name]) => name);
}

function isStringy(schema: JsonSchema): boolean {
  return schema.type === 'string' || Boolean(schema.anyOf?.some((option) => option.type === 'string'));
}

/** Fields that carry files, paths or URLs: where base64 and traversal payloads hurt most. */
function fileishFields(schema: JsonSchema | undefined): string[] {
  const all = stringFields(schema);
  const fileish = all.filter((name) =>
    /base64|file|path|url|link|image|media|thumb|avatar|audio|video|sticker|document|picture|filename/i.test(
      name,
    ),
  );
  return fileish.length > 0 ? fileish : all;
}

// ---------- requests ----------

export function fillPath(
  target: FuzzTarget,
  ctx: FuzzContext,
  overrides: Record<string, string> = {},
): string {
  return target.path.replace(/\{([^}]+)\}/g, (_match, name: string) => {
    if (name in overrides) return overrides[name] as string;
    if (name === 'session') return ctx.session;
    if (name === 'secretkey') return ctx.secretKey;
    if (/phone|number|chat|contact/i.test(name)) return `${ctx.peerNumber}@c.us`;
    if (/id$/i.test(name)) return `true_${ctx.peerNumber}@c.us_FUZZ`;
    return 'fuzz';
  });
}

function authHeaders(ctx: FuzzContext): Record<string, string> {
  return { authorization: `Bearer ${ctx.token}` };
}

function withQuery(pathname: string, query: Record<string, unknown>): string {
  const entries = Object.entries(query);
  if (entries.length === 0) return pathname;
  const search = entries
    .map(([key, value]) => `${percentEncode(key)}=${percentEncode(stringify(value))}`)
    .join('&');
  return `${pathname}?${search}`;
}

/** encodeURIComponent that does not throw on lone surrogates (they become U+FFFD, as on the wire). */
function percentEncode(text: string): string {
  let encoded = '';
  for (const byte of Buffer.from(text, 'utf8'))
    encoded += /[A-Za-z0-9\-_.~]/.test(String.fromCharCode(byte))
      ? String.fromCharCode(byte)
      : `%${byte.toString(16).padStart(2, '0').toUpperCase()}`;
  return encoded;
}

function stringify(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function jsonRequest(
  target: FuzzTarget,
  ctx: FuzzContext,
  label: string,
  body: unknown,
  query: Record<string, unknown> = {},
): FuzzRequest {
  return {
    label,
    method: target.method,
    path: withQuery(fillPath(target, ctx), query),
    headers: { ...authHeaders(ctx), 'content-type': 'application/json' },
    body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
  };
}

function rawRequest(
  target: FuzzTarget,
  ctx: FuzzContext,
  label: string,
  contentType: string,
  body: string | Buffer,
): FuzzRequest {
  return {
    label,
    method: target.method,
    path: fillPath(target, ctx),
    headers: { ...authHeaders(ctx), 'content-type': contentType },
    body: Buffer.isBuffer(body) ? body : Buffer.from(body),
  };
}

/** Whether body-ish cases apply: routes that read a body (POST/PUT) or take query parameters. */
function takesInput(target: FuzzTarget): boolean {
  return Boolean(target.body) || target.multipart || Object.keys(target.query).length > 0;
}

/** Builds the request that puts `value` in every chosen field: body fields, else query fields. */
function fieldsRequest(
  target: FuzzTarget,
  ctx: FuzzContext,
  label: string,
  valueFor: (name: string, schema: JsonSchema) => unknown,
  pick: (schema: JsonSchema | undefined) => string[] = (schema) => Object.keys(schema?.properties ?? {}),
): FuzzRequest[] {
  const requests: FuzzRequest[] = [];
  if (target.body || target.multipart) {
    const body = target.body ? plausibleObject(target.body, ctx) : {};
    const names = pick(target.body);
    for (const name of names) body[name] = valueFor(name, target.body?.properties?.[name] ?? {});
    if (names.length === 0) body.unexpected = valueFor('unexpected', { type: 'string' });
    requests.push(jsonRequest(target, ctx, label, body));
  }
  const queryNames = Object.keys(target.query);
  if (queryNames.length > 0) {
    const querySchema: JsonSchema = { type: 'object', properties: target.query };
    const query: Record<string, unknown> = {};
    for (const name of pick(querySchema)) query[name] = valueFor(name, target.query[name] ?? {});
    requests.push(jsonRequest(target, ctx, `${label} (query)`, target.method === 'GET' ? '' : '{}', query));
  }
  return requests;
}

const TRAVERSALS = (marker: string) => [
  `../../../../../../../../../../tmp/wppd-fuzz-escape-${marker}`,
  `../../wppd-fuzz-escape-${marker}`,
  `..%2f..%2f..%2fwppd-fuzz-escape-${marker}`,
  `%2e%2e/%2e%2e/wppd-fuzz-escape-${marker}`,
  '/etc/passwd',
  'file:///etc/passwd',
  `..\\..\\wppd-fuzz-escape-${marker}`,
  `x\u0000../../wppd-fuzz-escape-${marker}`,
];

const NASTY_TEXT =
  '\u0000\u0001\u0007\u001b[31m\r\nX-Injected: 1\r\n\u202e\u200b\ufeff\ud800 lone surrogate \udfff 😀𝕏 \u0085 ﷽';

/** Session names that must be refused before they reach the file system or the engine. */
const HOSTILE_SESSIONS = ['a%2Fb', '..', '%2e%2e', '.', 'a%20b', 'a%00b', '..%2F..%2Fetc', '%2e%2e%2f%2e%2e'];

function zipWith(entries: Record<string, string>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  // yazl refuses unsafe names, so it is given safe ones and the bytes are patched below.
  for (const [name, content] of Object.entries(entries))
    zip.addBuffer(Buffer.from(content), name.replaceAll('.', 'D').replaceAll('/', 'S').replaceAll('\\', 'B'));
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on('error', reject);
    zip.outputStream.on('end', () => {
      let bytes = Buffer.concat(chunks);
      for (const name of Object.keys(entries)) {
        const safe = Buffer.from(name.replaceAll('.', 'D').replaceAll('/', 'S').replaceAll('\\', 'B'));
        const hostile = Buffer.from(name);
        // Same length, so every occurrence (local header and central directory) can be swapped in place.
        let at = bytes.indexOf(safe);
        while (at >= 0) {
          hostile.copy(bytes, at);
          at = bytes.indexOf(safe, at + safe.length);
        }
      }
      bytes = Buffer.from(bytes);
      resolve(bytes);
    });
  });
}

function multipart(fields: Record<string, string>, file?: { name: string; type: string; bytes: Buffer }) {
  const boundary = '----wppdfuzz';
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields))
    parts.push(
      Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
    );
  if (file)
    parts.push(
      Buffer.from(
        `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="${file.name}"\r\ncontent-type: ${file.type}\r\n\r\n`,
      ),
      file.bytes,
      Buffer.from('\r\n'),
    );
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { contentType: `multipart/form-data; boundary=${boundary}`, body: Buffer.concat(parts) };
}

/** Every case. Sizes shrink in the slice; the kinds of input do not. */
export const CASES: FuzzCase[] = [
  {
    name: 'missing-fields',
    requests: (target, ctx) => {
      if (!takesInput(target)) return [];
      const requests = [jsonRequest(target, ctx, 'empty object', {})];
      if (target.method !== 'GET') requests.push(jsonRequest(target, ctx, 'JSON null', 'null'));
      if (target.method !== 'GET') requests.push(jsonRequest(target, ctx, 'JSON array', '[1,2]'));
      return requests;
    },
  },
  {
    name: 'wrong-types',
    requests: (target, ctx) =>
      fieldsRequest(target, ctx, 'every field of a wrong type', (_name, schema) => wrongType(schema)),
  },
  {
    name: 'huge-strings',
    requests: (target, ctx) => {
      const size = ctx.slice ? 64 * 1024 : 2 * 1024 * 1024;
      const requests = fieldsRequest(
        target,
        ctx,
        `every string ${size} chars`,
        () => 'x'.repeat(size),
        stringFields,
      ).filter((request) => !request.label.endsWith('(query)'));
      // Query strings are bounded by the header size limit; stay just under it.
      if (Object.keys(target.query).length > 0)
        requests.push(
          jsonRequest(target, ctx, 'query value 8k chars', '{}', {
            [Object.keys(target.query)[0] as string]: 'q'.repeat(8 * 1024),
          }),
        );
      return requests;
    },
  },
  {
    name: 'deep-json',
    requests: (target, ctx) => {
      if (target.method === 'GET') return [];
      const depth = 10_000;
      const deepArray = `${'['.repeat(depth)}${']'.repeat(depth)}`;
      const deepObject = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
      const field = Object.keys(target.body?.properties ?? {})[0] ?? 'phone';
      return [
        jsonRequest(target, ctx, `array nested ${depth} deep`, deepArray),
        jsonRequest(target, ctx, `field "${field}" nested ${depth} deep`, `{"${field}":${deepObject}}`),
      ];
    },
  },
  {
    name: 'invalid-json',
    requests: (target, ctx) => {
      if (target.method === 'GET') return [];
      return ['{"phone": "1",', '{', 'nul', '{"a":1}}', '\u0000', '{"__proto__":{"polluted":true}}'].map(
        (text) => jsonRequest(target, ctx, `body ${JSON.stringify(text)}`, text),
      );
    },
  },
  {
    name: 'content-types',
    requests: (target, ctx) => {
      if (target.method === 'GET') return [];
      const json = JSON.stringify(target.body ? plausibleObject(target.body, ctx) : {});
      const deepForm = `${'a'}${'[b]'.repeat(200)}=1&__proto__[polluted]=1&constructor[prototype][polluted]=1`;
      return [
        rawRequest(target, ctx, 'JSON as text/plain', 'text/plain', json),
        rawRequest(
          target,
          ctx,
          'XML',
          'application/xml',
          '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
        ),
        rawRequest(
          target,
          ctx,
          'urlencoded deep and __proto__',
          'application/x-www-form-urlencoded',
          deepForm,
        ),
        rawRequest(target, ctx, 'multipart without boundary', 'multipart/form-data', json),
        rawRequest(target, ctx, 'multipart, broken', 'multipart/form-data; boundary=zz', '--zz\r\nbroken'),
        rawRequest(target, ctx, 'JSON with charset utf-16', 'application/json; charset=utf-16', json),
        rawRequest(target, ctx, 'gzip that is not gzip', 'application/json', json),
      ].map((request) =>
        request.label.startsWith('gzip')
          ? { ...request, headers: { ...request.headers, 'content-encoding': 'gzip' } }
          : request,
      );
    },
  },
  {
    name: 'base64',
    requests: (target, ctx) => {
      const oversized = ctx.slice ? 1024 * 1024 : 24 * 1024 * 1024;
      return [
        ...fieldsRequest(
          target,
          ctx,
          'invalid base64',
          () => 'data:image/png;base64,!!!not*base64%%%',
          fileishFields,
        ),
        ...fieldsRequest(
          target,
          ctx,
          `${oversized} bytes of base64`,
          () => `data:application/octet-stream;base64,${'QUFB'.repeat(oversized / 4)}`,
          fileishFields,
        ).filter((request) => !request.label.endsWith('(query)')),
        ...fieldsRequest(
          target,
          ctx,
          'data URL with hostile mime',
          () => 'data:../../x;base64,aGVsbG8=',
          fileishFields,
        ),
      ];
    },
  },
  {
    name: 'unicode',
    requests: (target, ctx) =>
      fieldsRequest(target, ctx, 'control and odd unicode', () => NASTY_TEXT, stringFields),
  },
  {
    name: 'traversal',
    requests: async (target, ctx) => {
      const requests: FuzzRequest[] = [];
      const values = TRAVERSALS(ctx.marker);
      for (const value of ctx.slice ? values.slice(0, 2) : values)
        requests.push(
          ...fieldsRequest(target, ctx, `fields = ${JSON.stringify(value)}`, () => value, fileishFields),
        );
      const others = target.pathParams.filter((name) => name !== 'session');
      for (const name of others)
        for (const segment of [
          '..',
          '%2e%2e',
          '%00',
          `..%2F..%2Fwppd-fuzz-escape-${ctx.marker}`,
          'a%2F..%2F..',
        ])
          requests.push({
            label: `path param ${name} = ${segment}`,
            method: target.method,
            path: fillPath(target, ctx, { [name]: segment }),
            headers: authHeaders(ctx),
          });
      if (target.multipart) {
        const zip = await zipWith({
          [`../../wppd-fuzz-escape-${ctx.marker}`]: 'zip slip',
          [`/tmp/wppd-fuzz-escape-${ctx.marker}-abs`]: 'absolute',
        });
        for (const file of [
          { name: `../../wppd-fuzz-escape-${ctx.marker}`, type: 'application/zip', bytes: zip },
          { name: 'x.png', type: 'image/png', bytes: Buffer.from('not a png') },
        ]) {
          const form = multipart({}, file);
          requests.push({
            ...rawRequest(target, ctx, `multipart file ${file.name}`, form.contentType, form.body),
          });
        }
      }
      return requests;
    },
  },
  {
    // Applies to every route, even those without parameters or body: junk query and odd headers.
    name: 'junk-query',
    requests: (target, ctx) => [
      {
        label: 'prototype keys, NUL, repeated and traversal query values',
        method: target.method,
        path: `${fillPath(target, ctx)}?__proto__[polluted]=1&constructor[prototype][polluted]=1&x=%00&x=..%2F..&x[]=%2e%2e&%ff=%e0%a4%a`,
        headers: { ...authHeaders(ctx), accept: '../../etc/passwd', 'x-forwarded-for': '127.0.0.1, ::1' },
      },
    ],
  },
  {
    name: 'session-names',
    requests: (target, ctx) => {
      if (!target.pathParams.includes('session')) return [];
      const names = [...HOSTILE_SESSIONS, 's'.repeat(300)];
      return (ctx.slice ? [names[0], names[1], names[8]] : names).map((name) => ({
        label: `session "${name}"`,
        method: target.method,
        path: fillPath(target, ctx, { session: name as string }),
        headers: { ...authHeaders(ctx), 'content-type': 'application/json' },
        body: target.method === 'GET' ? undefined : Buffer.from('{}'),
      }));
    },
  },
];

/** The slice inside `npm test`: every route gets malformed input, small and fast. */
export const SLICE_CASES = ['wrong-types', 'invalid-json', 'traversal', 'junk-query', 'session-names'];

// ---------- sending and judging ----------

export interface RawAnswer {
  status: number;
  contentType: string;
  text: string;
}

export function send(ctx: FuzzContext, request: FuzzRequest, timeoutMs: number): Promise<RawAnswer | Error> {
  const base = new URL(ctx.url);
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: base.hostname,
        port: base.port,
        method: request.method,
        path: request.path,
        headers: {
          ...request.headers,
          connection: 'close',
          ...(request.body ? { 'content-length': String(request.body.length) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          clearTimeout(timer);
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            text: Buffer.concat(chunks).toString('utf8'),
          });
        });
        res.on('error', (error) => {
          clearTimeout(timer);
          resolve(error);
        });
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      resolve(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'HANG' }));
    }, timeoutMs);
    req.on('error', (error) => {
      clearTimeout(timer);
      resolve(error);
    });
    req.end(request.body);
  });
}

export function judge(
  target: FuzzTarget,
  answer: RawAnswer | Error,
): { verdict: Verdict; status: number; detail: string } {
  if (answer instanceof Error) {
    const code = (answer as NodeJS.ErrnoException).code;
    return { verdict: code === 'HANG' ? 'hang' : 'connection', status: 0, detail: answer.message };
  }
  const { status, contentType, text } = answer;
  const detail = text.slice(0, 200);
  // Node's own HTTP parser answers these before the app sees the request (no body to judge).
  if (status === 431 || status === 414) return { verdict: 'ok', status, detail };
  if (status === 501) return { verdict: 'not-implemented', status, detail };
  if (status >= 500 && !target.documented.has(status)) return { verdict: '5xx', status, detail };
  if (status >= 200 && status < 300 && [...target.successTypes].some((type) => contentType.startsWith(type)))
    return { verdict: 'ok', status, detail };
  if (!contentType.includes('json'))
    return { verdict: 'not-json', status, detail: `${contentType}: ${detail}` };
  try {
    const parsed = JSON.parse(text) as unknown;
    if (status >= 400 && (parsed === null || typeof parsed !== 'object'))
      return { verdict: 'not-json', status, detail: `error body is not an object: ${detail}` };
  } catch {
    return { verdict: 'not-json', status, detail: `unparsable JSON: ${detail}` };
  }
  return { verdict: 'ok', status, detail };
}

// ---------- escapes ----------

/**
 * Watches for files written outside the data dir: a canary tree around it (the data dir's parent,
 * which also holds a canary file) and the places traversal payloads aim at (/tmp, the cwd).
 */
export class EscapeWatch {
  private readonly before: Map<string, string>;

  constructor(
    private readonly root: string,
    private readonly dataDir: string,
    private readonly marker: string,
  ) {
    fs.writeFileSync(path.join(root, 'canary.txt'), 'do not touch');
    this.before = this.snapshot();
  }

  /** Paths created, changed or removed outside the data dir since the start. */
  changes(): string[] {
    const after = this.snapshot();
    const changed: string[] = [];
    for (const [file, stamp] of after) if (this.before.get(file) !== stamp) changed.push(file);
    for (const file of this.before.keys()) if (!after.has(file)) changed.push(`${file} (removed)`);
    for (const dir of ['/tmp', process.cwd(), path.dirname(this.root)])
      for (const name of safeReaddir(dir)) if (name.includes(this.marker)) changed.push(path.join(dir, name));
    return changed;
  }

  private snapshot(): Map<string, string> {
    const files = new Map<string, string>();
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (full === this.dataDir) continue;
        if (entry.isDirectory()) walk(full);
        else {
          const stat = fs.statSync(full);
          files.set(full, `${stat.size}:${stat.mtimeMs}`);
        }
      }
    };
    walk(this.root);
    return files;
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

// ---------- reporting ----------

const MARKS: Record<Verdict, string> = {
  ok: '.',
  '5xx': '5',
  'not-implemented': 'n',
  hang: 'H',
  'not-json': 'J',
  connection: 'C',
  escape: 'E',
  crash: 'X',
};

export function isFailure(verdict: Verdict): boolean {
  return verdict !== 'ok' && verdict !== 'not-implemented';
}

/** Routes × cases; each cell is the worst verdict of that case's requests ('-' = not applicable). */
export function table(targets: FuzzTarget[], caseNames: string[], outcomes: Outcome[]): string {
  const width = Math.max(...targets.map((t) => t.id.length), 5);
  const header = `${'route'.padEnd(width)}  ${caseNames.map((_name, i) => String.fromCharCode(65 + i)).join(' ')}`;
  const legend = caseNames.map((name, i) => `${String.fromCharCode(65 + i)}=${name}`).join('  ');
  const rows = targets.map((target) => {
    const cells = caseNames.map((name) => {
      const mine = outcomes.filter((o) => o.target === target.id && o.caseName === name);
      if (mine.length === 0) return '-';
      const worst = mine.find((o) => isFailure(o.verdict)) ?? mine.find((o) => o.verdict !== 'ok') ?? mine[0];
      return MARKS[(worst as Outcome).verdict];
    });
    return `${target.id.padEnd(width)}  ${cells.join(' ')}`;
  });
  const key = `cells: . ok (4xx JSON or documented success)  5 5xx  H hang  J not JSON  C connection dropped  E file outside the data dir  X uncaught exception in the daemon  n 501 (engine lacks the feature)  - not applicable`;
  return [legend, key, '', header, ...rows].join('\n');
}

export function reproCommand(outcome: Outcome): string {
  return `npm run fuzz -- --route '${outcome.target}' --case ${outcome.caseName}`;
}

/** The same request as a curl command line (for a daemon you run yourself; bodies over 2 KB elided). */
export function curlCommand(ctx: FuzzContext, request: FuzzRequest): string {
  const headers = Object.entries(request.headers)
    .map(([name, value]) => `-H ${shellQuote(`${name}: ${value}`)}`)
    .join(' ');
  const body =
    request.body === undefined
      ? ''
      : request.body.length > 2048
        ? ` --data-binary @<(${request.body.length} bytes: see test/fuzz/engine.ts)`
        : ` --data-binary ${shellQuote(request.body.toString('utf8'))}`;
  return `curl -sS --path-as-is -X ${request.method} ${headers}${body} ${shellQuote(ctx.url + request.path)}`;
}

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}
