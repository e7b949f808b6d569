import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { TSchema } from '@sinclair/typebox';
// awilix's build without loadModules: the main entry imports fast-glob for it (~30 ms of boot), unused here.
import { type AwilixContainer, asValue } from 'awilix/browser';
import type { Context } from 'koa';
import type { koaBody } from 'koa-body';
import { resolveRecipients } from '../engine/recipients.ts';
import { HttpError, httpError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { isValidSessionName, type SessionManager } from '../sessions/manager.ts';
import { NOT_CONNECTED_BODY, type Session } from '../sessions/session.ts';
import { AUTH_ERRORS, secretsEqual, type TokenVerifier, tokenFromRequest } from './auth.ts';
import type { AnyRoute, RouteRequest, UploadedFile } from './route.ts';
import type { RouteHandler, RouteIndex } from './route-index.ts';
import { compileValidator } from './validation.ts';

export interface PipelineDeps {
  container: AwilixContainer;
  sessions: SessionManager;
  tokens: TokenVerifier;
  secretKey: string;
  log: Logger;
  limits: { jsonBody: string; formBody: string; uploadBytes: number };
  uploadDir: string;
  /** JSON/form parsers shared by the routes without uploads, one per JSON size limit (and raw-body need). */
  jsonParsers: Map<string, Promise<BodyParser>>;
  /** Called on every refused token or secret key, per client address (counted in /metrics). */
  onAuthFailure?: (ip: string) => void;
  /** Takes one attempt at a not-yet-verified token for this client: true, or seconds to wait (429). */
  mayTryToken?: (ip: string) => true | number;
  /** Takes one request to a secret-key route for this client: true, or seconds to wait (429). */
  mayUseSecretKey?: (ip: string) => true | number;
  /** What every answer waits for: the plugins' pending event writes (PluginApi.beforeAnswer). */
  beforeAnswer?: () => Promise<void> | undefined;
}

/**
 * The methods koa-body parses (its default `parsedMethods`): for the others it only ran four
 * content-type checks per request and parsed nothing, so the pipeline skips it.
 */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
const noop = async () => undefined;

type BodyParser = ReturnType<typeof koaBody>;
/** koa-body (with co-body, formidable and zod) is imported with the first body to parse, not at boot. */
let koaBodyModule: Promise<typeof koaBody> | undefined;
const loadKoaBody = () => (koaBodyModule ??= import('koa-body').then((module) => module.koaBody));

/**
 * What a handler receives. A class, not an object literal: a literal with `get log()`/`get scope()`
 * accessors was defined through V8's slow path on every request (about a third of a trivial route's
 * cost in the profile), while prototype getters cost nothing until used. The child logger and the
 * awilix request scope are made on first use: most handlers need neither.
 */
class PipelineRequest implements RouteRequest {
  private requestLog: Logger | undefined;
  private requestScope: AwilixContainer | undefined;
  readonly files: UploadedFile[];

  constructor(
    readonly ctx: Context,
    private readonly route: AnyRoute,
    private readonly deps: PipelineDeps,
    readonly params: Record<string, string>,
    readonly query: Record<string, unknown>,
    readonly body: Record<string, unknown>,
    readonly sessionName: string,
    readonly session: Session,
    readonly recipients: string[],
    readonly presentedToken: string | undefined,
  ) {
    this.files = uploadedFiles(ctx);
  }

  get log(): Logger {
    this.requestLog ??= this.deps.log.child({
      route: this.route.path,
      session: this.sessionName || undefined,
    });
    return this.requestLog;
  }

  get scope(): AwilixContainer {
    if (!this.requestScope) {
      this.requestScope = this.deps.container.createScope();
      this.requestScope.register({
        ctx: asValue(this.ctx),
        session: asValue(this.session),
        log: asValue(this.log),
      });
    }
    return this.requestScope;
  }

  get hasScope(): boolean {
    return this.requestScope !== undefined;
  }

  async disposeScope(): Promise<void> {
    await this.requestScope?.dispose();
  }
}

const DEFAULT_SECRET_KEY_ERROR = { response: 'error', message: 'The token is incorrect' };

/**
 * Mounts one route with the core's pipeline: auth → session → body parsing → validation →
 * recipients → handler → cleanup. Each step answers in wppconnect-server's style and nothing runs
 * after an error answer (its middlewares kept going after a 400/404).
 */
export function mountRoute(routes: RouteIndex, route: AnyRoute, deps: PipelineDeps): void {
  const validators = {
    params:
      route.schema?.params && !acceptsEveryMatch(route.schema.params, route.path)
        ? compileValidator('params', route.schema.params)
        : undefined,
    query: route.schema?.query && compileValidator('query', route.schema.query),
    body: route.schema?.body && compileValidator('body', route.schema.body),
  };
  // Uploads go to a folder of their own per request, removed whole afterwards: a file formidable
  // wrote before failing (empty, too large) is never listed in ctx.request.files, so it must go too.
  const jsonLimit = route.jsonLimit ?? deps.limits.jsonBody;
  const bodyParserFor = async (uploadDir: string): Promise<BodyParser> =>
    (await loadKoaBody())({
      json: true,
      urlencoded: true,
      text: false,
      multipart: Boolean(route.upload),
      jsonLimit,
      formLimit: deps.limits.formBody,
      jsonStrict: false,
      includeUnparsed: Boolean(route.rawBody),
      formidable: {
        uploadDir,
        maxFileSize: deps.limits.uploadBytes,
        maxFiles: 1,
        keepExtensions: false,
        allowEmptyFiles: false,
      },
      onError: (error: Error) => {
        throw toBodyError(error);
      },
    });
  // Routes without uploads share one parser per JSON limit: building a koa-body parser validates its
  // options, which for ~170 routes was a noticeable part of boot.
  const parserKey = `${jsonLimit}${route.rawBody ? ' raw' : ''}`;
  let jsonBodyParser: BodyParser | undefined;
  const jsonParser = async () => {
    if (jsonBodyParser) return jsonBodyParser;
    let shared = deps.jsonParsers.get(parserKey);
    if (!shared) {
      shared = bodyParserFor(deps.uploadDir);
      deps.jsonParsers.set(parserKey, shared);
    }
    jsonBodyParser = await shared;
    return jsonBodyParser;
  };
  // One async function per request, awaiting only what is really asynchronous: every extra async
  // layer or `await` of a plain value cost a promise and a microtask turn, a measurable part of a
  // trivial route (status-session) and of a refused token.
  const handle: RouteHandler = async (ctx, params) => {
    const requestUploadDir = route.upload ? path.join(deps.uploadDir, randomUUID()) : undefined;
    let request: PipelineRequest | undefined;
    try {
      let sessionName = '';
      let presentedToken: string | undefined;
      if (route.auth === 'token') {
        const verdict = authenticate(ctx, params, deps);
        const accepted = verdict instanceof Promise ? await verdict : verdict;
        // A wrong token comes back as its answer rather than thrown: attackers send floods of them.
        if (accepted instanceof HttpError) return answer(ctx, accepted);
        sessionName = accepted;
      } else if (route.auth === 'self') {
        // The handler authenticates; the session is not resolved (an unauthenticated caller must
        // not create one), and the response's `session` key stays empty as before auth.
        const presented = tokenFromRequest(params.session ?? '', ctx.get('authorization') || undefined);
        checkSessionName(presented.session);
        // A token the handler will have to hash costs the client an attempt, as on token routes.
        if (presented.token && !deps.tokens.isCached(presented.session, presented.token))
          checkRate(deps.mayTryToken?.(ctx.ip), 'Too many authentication attempts; try again later');
        params.session = presented.session;
        presentedToken = presented.token;
      } else if (route.auth === 'secretKey') {
        checkRate(deps.mayUseSecretKey?.(ctx.ip), 'Too many requests with the secret key; try again later');
        if (!secretsEqual(params.secretkey ?? '', deps.secretKey)) {
          deps.onAuthFailure?.(ctx.ip);
          throw new HttpError(400, route.secretKeyError ?? DEFAULT_SECRET_KEY_ERROR);
        }
      }
      if (!sessionName && params.session !== undefined && route.auth !== 'self') {
        sessionName = params.session;
        checkSessionName(sessionName);
      }
      if (sessionName) params.session = sessionName;
      ctx.state.sessionName = sessionName;

      const session: Session | undefined = sessionName ? deps.sessions.getOrCreate(sessionName) : undefined;
      if (route.connected && !session?.isConnected) throw new HttpError(404, NOT_CONNECTED_BODY);

      if (requestUploadDir) {
        await fs.mkdir(requestUploadDir, { recursive: true });
        await (await bodyParserFor(requestUploadDir))(ctx, noop);
      } else if (BODY_METHODS.has(ctx.method)) await (jsonBodyParser ?? (await jsonParser()))(ctx, noop);
      const rawBody = ctx.request.body;
      const body: Record<string, unknown> =
        rawBody && typeof rawBody === 'object' && !Array.isArray(rawBody)
          ? (rawBody as Record<string, unknown>)
          : {};
      const query = ctx.querystring ? { ...(ctx.query as Record<string, unknown>) } : {};
      validators.params?.(params);
      validators.query?.(query);
      validators.body?.(body);
      const recipients = route.recipients && session ? await resolveRecipients(session, body) : [];
      request = new PipelineRequest(
        ctx,
        route,
        deps,
        params,
        query,
        body,
        sessionName,
        session as Session,
        recipients,
        presentedToken,
      );
      const pending = route.handler(request);
      const reply = pending instanceof Promise ? await pending : pending;
      if (reply) {
        if (reply.status !== undefined) ctx.status = reply.status;
        if (reply.headers) ctx.set(reply.headers);
        if (reply.type) ctx.type = reply.type;
        // Koa would look the JSON type up in mime-types for every answer (in the profile).
        else if (isJsonBody(reply.body)) ctx.set('content-type', JSON_CONTENT_TYPE);
        ctx.body = reply.body;
      }
    } catch (error) {
      // Refusals (validation, not connected, rate limits) are answered here rather than unwinding
      // to the error envelope: each async layer an exception unwinds costs.
      if (!(error instanceof HttpError)) throw error;
      answer(ctx, error);
    } finally {
      if (requestUploadDir) await fs.rm(requestUploadDir, { recursive: true, force: true });
      if (request?.hasScope) await request.disposeScope();
      // Answered only once the events this request raised are stored.
      const stored = deps.beforeAnswer?.();
      if (stored) await stored;
    }
  };
  routes.add(route.method, route.path, handle);
}

/** The session name of an accepted token: at once when the verdict is cached, else after bcrypt. */
function authenticate(
  ctx: Context,
  params: Record<string, string>,
  deps: PipelineDeps,
): string | HttpError | Promise<string | HttpError> {
  const raw = params.session ?? '';
  if (!raw) throw new HttpError(401, AUTH_ERRORS.noSession);
  const { session, token } = tokenFromRequest(raw, ctx.get('authorization') || undefined);
  if (!session) throw new HttpError(401, AUTH_ERRORS.noSession);
  checkSessionName(session);
  if (!token) throw new HttpError(401, AUTH_ERRORS.noToken);
  // A token seen before (accepted or refused) is answered from cache for free (one lookup, no
  // await); a new one costs the client an attempt, taken before any hashing.
  const cached = deps.tokens.cachedVerdict(session, token);
  if (cached !== undefined) return acceptedSession(cached, session, ctx, deps);
  checkRate(deps.mayTryToken?.(ctx.ip), 'Too many authentication attempts; try again later');
  return deps.tokens.verify(session, token).then((ok) => acceptedSession(ok, session, ctx, deps));
}

/** The answer to a wrong token: one shared instance, never changed. */
const BAD_TOKEN = new HttpError(401, AUTH_ERRORS.badToken);

function acceptedSession(ok: boolean, session: string, ctx: Context, deps: PipelineDeps): string | HttpError {
  if (ok) return session;
  deps.onAuthFailure?.(ctx.ip);
  return BAD_TOKEN;
}

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** What Koa sends as JSON: a plain object or an array. */
function isJsonBody(body: unknown): boolean {
  if (body === null || typeof body !== 'object') return false;
  const prototype = Object.getPrototypeOf(body);
  return prototype === Object.prototype || prototype === null || Array.isArray(body);
}

/**
 * Whether a params schema accepts whatever a match of `path` gives: plain strings, each required
 * one a mandatory `:param` of the path. Its validator could never fail (most routes' params are
 * just `{ session: string }`, and the core checks the session name), so none is run: ajv was ~2% of
 * a trivial route's cost.
 */
function acceptsEveryMatch(schema: TSchema, path: string): boolean {
  if (schema.type !== 'object' || schema.additionalProperties === false || schema.patternProperties)
    return false;
  const mandatory = new Set([...path.matchAll(/:(\w+)(\?)?/g)].filter((m) => !m[2]).map((m) => m[1]));
  const required: string[] = schema.required ?? [];
  if (!required.every((name) => mandatory.has(name))) return false;
  const annotations = new Set(['type', 'description', 'title', 'examples']);
  return Object.values((schema.properties ?? {}) as Record<string, TSchema>).every(
    (property) =>
      property.type === 'string' && Object.keys(property).every((keyword) => annotations.has(keyword)),
  );
}

function answer(ctx: Context, error: HttpError): void {
  ctx.status = error.status;
  ctx.set(error.headers);
  ctx.body = error.body;
}

/** Answers 429 (with Retry-After) when a rate-limit hook says the client must wait. */
function checkRate(verdict: true | number | undefined, message: string): void {
  if (verdict === undefined || verdict === true) return;
  throw new HttpError(429, { status: 'error', message }, { 'retry-after': String(Math.max(1, verdict)) });
}

function checkSessionName(name: string): void {
  if (!isValidSessionName(name))
    throw httpError(400, 'Invalid session name: use 1-100 letters, digits, "_", "-" or "." (not first)');
}

function uploadedFiles(ctx: Context): UploadedFile[] {
  const files = ctx.request.files;
  if (!files) return [];
  const list: UploadedFile[] = [];
  for (const entry of Object.values(files)) {
    for (const file of Array.isArray(entry) ? entry : [entry]) {
      list.push({
        path: file.filepath,
        size: file.size,
        originalName: file.originalFilename ?? 'file',
        mimetype: file.mimetype ?? 'application/octet-stream',
      });
    }
  }
  return list;
}

/**
 * wppconnect-server adds `session` to every JSON answer, errors included, when the request's
 * content-type is exactly `application/json` and the answer has none (empty when no session is
 * known); clients read it, so wppd keeps doing it.
 */
export function withSessionKey(ctx: Context, body: unknown): unknown {
  if (ctx.get('content-type') !== 'application/json') return body;
  if (!body || typeof body !== 'object' || Array.isArray(body) || Buffer.isBuffer(body) || 'pipe' in body)
    return body;
  if ('session' in body) return body;
  const sessionName = typeof ctx.state.sessionName === 'string' ? ctx.state.sessionName : '';
  return { ...body, session: sessionName };
}

function toBodyError(error: Error & { status?: number; statusCode?: number; httpCode?: number }): HttpError {
  const status = error.status ?? error.statusCode ?? error.httpCode ?? 400;
  if (status === 413 || /maxFileSize|too large|exceeded/i.test(error.message))
    return httpError(413, 'The request body is too large');
  return httpError(400, `The request body could not be read: ${error.message.split('\n')[0]}`);
}
