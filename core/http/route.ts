import type { Static, TSchema } from '@sinclair/typebox';
import type { AwilixContainer } from 'awilix';
import type { Context } from 'koa';
import type { Logger } from '../logger.ts';
import type { Session } from '../sessions/session.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/**
 * - `none`: anyone (health, docs, capability URLs)
 * - `token`: the session's bearer token (header, any scheme word, or `/api/<session>:<token>/…`)
 * - `secretKey`: the `:secretkey` path segment must equal the secret key
 * - `self`: the handler decides (a callback that also accepts its caller's signature). The core
 *   checks the `:session` name, splits off a `:<token>` suffix and hands the token over unverified
 *   as `presentedToken` (from the path or the Authorization header); it creates no session.
 */
export type AuthMode = 'none' | 'token' | 'secretKey' | 'self';

export interface ResponseDoc {
  description: string;
  schema?: TSchema;
  /** Defaults to application/json. */
  contentType?: string;
}

export interface RouteSchemas {
  params?: TSchema;
  query?: TSchema;
  body?: TSchema;
  responses?: Record<number, ResponseDoc>;
}

type StaticOr<T, Fallback> = T extends TSchema ? Static<T> : Fallback;

export interface UploadedFile {
  /** Temporary path under the data dir; removed by the core when the handler returns. */
  path: string;
  size: number;
  /** The name the client gave, untrusted: use only as a display name. */
  originalName: string;
  /** The type the client claimed, untrusted. */
  mimetype: string;
}

export interface RouteRequest<S extends RouteSchemas = RouteSchemas> {
  params: StaticOr<S['params'], Record<string, string>>;
  query: StaticOr<S['query'], Record<string, unknown>>;
  body: StaticOr<S['body'], Record<string, unknown>>;
  /** Multipart uploads (routes with `upload: true`). */
  files: UploadedFile[];
  /** The session name from the path (without a `:token` suffix), when the route has one. */
  sessionName: string;
  /** The session object (created as a never-started placeholder if the daemon did not know it). */
  session: Session;
  /** `body.phone` normalised and checked (routes with `recipients: true`). */
  recipients: string[];
  /** `auth: 'self'` routes: the token the caller presented (path or header), not yet verified. */
  presentedToken?: string;
  log: Logger;
  /** The awilix request scope (ctx, session, log registered). */
  scope: AwilixContainer;
  ctx: Context;
}

export interface RouteReply {
  status?: number;
  body?: unknown;
  /** Response content type when not JSON (e.g. image/png). */
  type?: string;
  headers?: Record<string, string>;
}

export interface RouteDefinition<S extends RouteSchemas = RouteSchemas> {
  method: HttpMethod;
  /** koa-router path, e.g. `/api/:session/send-message`. */
  path: string;
  summary: string;
  description?: string;
  tags: string[];
  operationId?: string;
  auth: AuthMode;
  /** The body sent when the secret key is wrong (routes differ in wppconnect-server). */
  secretKeyError?: unknown;
  /** Needs a CONNECTED session, else wppconnect-server's 404 (its statusConnection). */
  connected?: boolean;
  /** Normalise and check `body.phone` into `req.recipients` (wppconnect-server's contactToArray). */
  recipients?: boolean;
  /** Accepts a multipart `file` field. */
  upload?: boolean;
  /** Largest JSON body for this route (defaults to limits.jsonBody). */
  jsonLimit?: string;
  /** Keep the exact bytes of the body as `ctx.request.rawBody` (to verify a signature over them). */
  rawBody?: boolean;
  schema?: S;
  handler(request: RouteRequest<S>): Promise<RouteReply | undefined> | RouteReply | undefined;
}

/** Erases a route's schema type so routes of different shapes share one table. */
export type AnyRoute = RouteDefinition<RouteSchemas>;
