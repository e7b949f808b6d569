/**
 * The public API for plugins (built-in and third-party): import from here (or from the `wppd`
 * package), never from another plugin's files.
 */
export { type Static, type TSchema, Type } from '@sinclair/typebox';
export { statusForEngineError } from './engine/errors.ts';
export type {
  EngineAdapter,
  EngineCallbacks,
  EngineClient,
  EngineSession,
  EngineStartOptions,
  StatusFind,
} from './engine/port.ts';
export { contactToArray, resolveRecipients } from './engine/recipients.ts';
export { errorMessage, HttpError, httpError, notImplemented } from './errors.ts';
export type {
  EngineEvents,
  EventHook,
  SessionStatus,
  WppdEvent,
  WppdEventName,
  WppdEvents,
} from './events/catalog.ts';
export { AUTH_ERRORS, tokenFromRequest } from './http/auth.ts';
export type { RouteDefinition, RouteReply, RouteRequest, RouteSchemas, UploadedFile } from './http/route.ts';
export type { Logger } from './logger.ts';
export type { CoreFacts, PluginApi, SessionsView, WppdPlugin } from './plugins/contract.ts';
export { CORE_API_VERSION } from './plugins/contract.ts';
export type {
  Deliverer,
  DeliveryOutcome,
  DeliveryRecord,
  DeliveryStatus,
  EnqueueRequest,
  ListQuery,
  OutboxService,
} from './plugins/outbox.ts';
export { isValidSessionName } from './sessions/manager.ts';
export { NOT_CONNECTED_BODY, Session } from './sessions/session.ts';
export { openSqlite, type SqliteDatabase } from './store/sqlite.ts';

import type { WppdPlugin } from './plugins/contract.ts';

/** Identity helper that gives a plugin object its type (and checks it). */
export function definePlugin<C extends object>(plugin: WppdPlugin<C>): WppdPlugin<C> {
  return plugin;
}
