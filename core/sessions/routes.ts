import { Type } from '@sinclair/typebox';
import { HttpError } from '../errors.ts';
import { mintToken } from '../http/auth.ts';
import type { AnyRoute, RouteDefinition, RouteSchemas } from '../http/route.ts';
import type { SessionManager } from './manager.ts';

const route = <S extends RouteSchemas>(definition: RouteDefinition<S>) => definition as unknown as AnyRoute;

const SessionParams = Type.Object({ session: Type.String() });
const SecretKeyParams = Type.Object({ secretkey: Type.String() });
const ChatwootSettings = Type.Object(
  {
    baseURL: Type.Optional(Type.String({ description: 'Chatwoot URL, e.g. https://chat.example.com' })),
    token: Type.Optional(Type.String({ description: 'Chatwoot user api_access_token' })),
    account_id: Type.Optional(Type.Union([Type.String(), Type.Number()])),
    inbox_id: Type.Optional(Type.Union([Type.String(), Type.Number()])),
    mobile_name: Type.Optional(Type.String()),
    mobile_number: Type.Optional(Type.String()),
  },
  { additionalProperties: true },
);
export const StartSessionBody = Type.Object(
  {
    webhook: Type.Optional(
      Type.String({ description: 'Webhook URL for this session (empty: the global one)' }),
    ),
    waitQrCode: Type.Optional(
      Type.Boolean({ description: 'Answer once a QR code, a pairing code or the connection is there' }),
    ),
    proxy: Type.Optional(
      Type.Object({
        url: Type.String(),
        username: Type.Optional(Type.String()),
        password: Type.Optional(Type.String()),
      }),
    ),
    phone: Type.Optional(Type.String({ description: 'Log in with a pairing code sent to this number' })),
    deviceName: Type.Optional(Type.String()),
    poweredBy: Type.Optional(Type.String()),
    chatWoot: Type.Optional(ChatwootSettings),
    chatwoot: Type.Optional(ChatwootSettings),
  },
  { additionalProperties: true },
);

export interface SessionRouteDeps {
  sessions: SessionManager;
  secretKey: string;
  version: string;
}

/** The session lifecycle routes of wppconnect-server (behaviour §A–B), tag Auth/Misc. */
export function sessionRoutes({ sessions, secretKey, version }: SessionRouteDeps): AnyRoute[] {
  const statusBody = (name: string) => {
    const session = sessions.get(name);
    if (!session || session.status === null) return { status: 'CLOSED', qrcode: null };
    return {
      status: session.status,
      qrcode: session.status === 'QRCODE' ? session.qrDataUrl : null,
      urlcode: session.status === 'QRCODE' ? session.urlcode : null,
      version,
      ...(session.status === 'PHONECODE' ? { phoneCode: session.phoneCode } : {}),
      ...(session.status === 'CLOSED' && session.closeReason ? { reason: session.closeReason } : {}),
    };
  };

  return [
    route({
      method: 'POST',
      path: '/api/:session/:secretkey/generate-token',
      summary: 'Generate a token for a session',
      description:
        'The token is bcrypt(session + secret key), URL-safe; tokens minted by wppconnect-server with the same secret key keep working.',
      tags: ['Auth'],
      auth: 'secretKey',
      secretKeyError: { response: false, message: 'The SECRET_KEY is incorrect' },
      schema: {
        params: Type.Object({ session: Type.String(), secretkey: Type.String() }),
        responses: {
          201: {
            description: 'The token',
            schema: Type.Object({
              status: Type.Literal('success'),
              session: Type.String(),
              token: Type.String(),
              full: Type.String(),
            }),
          },
        },
      },
      handler: async ({ sessionName }) => {
        const token = await mintToken(sessionName, secretKey);
        return {
          status: 201,
          body: { status: 'success', session: sessionName, token, full: `${sessionName}:${token}` },
        };
      },
    }),
    route({
      method: 'GET',
      path: '/api/:secretkey/show-all-sessions',
      summary: 'List every stored session',
      tags: ['Auth'],
      auth: 'secretKey',
      secretKeyError: { response: false, message: 'The token is incorrect' },
      schema: {
        params: SecretKeyParams,
        responses: {
          200: { description: 'Session names', schema: Type.Object({ response: Type.Array(Type.String()) }) },
        },
      },
      handler: () => ({ body: { response: sessions.names() } }),
    }),
    route({
      method: 'POST',
      path: '/api/:secretkey/start-all',
      summary: 'Start every stored session',
      description: 'Sessions start with their stored start-session settings; a non-empty body replaces them.',
      tags: ['Auth'],
      auth: 'secretKey',
      schema: { params: SecretKeyParams, body: Type.Object({}, { additionalProperties: true }) },
      handler: ({ body }) => {
        void sessions.startAll({ onlyWanted: false, config: body as Record<string, unknown> });
        return { status: 201, body: { status: 'success', message: 'Starting all sessions' } };
      },
    }),
    route({
      method: 'GET',
      path: '/api/:session/check-connection-session',
      summary: 'Check whether the session is connected',
      description: 'Asks the engine; unlike wppconnect-server it answers false when the engine says so.',
      tags: ['Auth'],
      auth: 'token',
      schema: { params: SessionParams },
      handler: async ({ session }) => {
        const connected =
          session.isConnected && session.engineSession
            ? await session.engineSession.isConnected().catch(() => false)
            : false;
        return {
          body: connected
            ? { status: true, message: 'Connected' }
            : { status: false, message: 'Disconnected' },
        };
      },
    }),
    route({
      method: 'GET',
      path: '/api/:session/qrcode-session',
      summary: 'The QR code to scan, as a PNG',
      tags: ['Auth'],
      auth: 'token',
      schema: {
        params: SessionParams,
        responses: {
          200: { description: 'PNG image, or a JSON status when no QR is waiting', contentType: 'image/png' },
        },
      },
      handler: async ({ session }) => {
        if (session.status === null)
          return {
            body: {
              status: null,
              message:
                'Session not started. Please, use the /start-session route, for initialization your session',
            },
          };
        if (session.status !== 'QRCODE' || !session.urlcode)
          return { body: { status: session.status, message: 'QRCode is not available...' } };
        const { default: QRCode } = await import('qrcode'); // on first use, not at boot
        const png = await QRCode.toBuffer(session.urlcode, {
          width: 500,
          scale: 5,
          errorCorrectionLevel: 'M',
        });
        return { type: 'image/png', body: png };
      },
    }),
    route({
      method: 'POST',
      path: '/api/:session/start-session',
      summary: 'Start (or resume) a session',
      description:
        'Starts in the background and answers at once with the status. With waitQrCode the answer waits for the QR, the pairing code or the connection, bounded by WPPD_WAIT_QRCODE_TIMEOUT_MS (408 after it). The body is stored and reused by start-all.',
      tags: ['Auth'],
      auth: 'token',
      schema: { params: SessionParams, body: StartSessionBody },
      handler: async ({ session, body }) => {
        const { waitQrCode, ...config } = body;
        const wasActive = session.status !== null && session.status !== 'CLOSED';
        await sessions.start(session.name, config);
        if (!waitQrCode || wasActive) return { body: statusBody(session.name) };
        const outcome = await sessions.waitForLogin(session);
        switch (outcome.kind) {
          case 'qrcode':
            return {
              body: {
                status: 'qrcode',
                qrcode: (session.qrDataUrl ?? '').replace(/^data:image\/png;base64,/, ''),
                urlcode: session.urlcode,
                session: session.name,
              },
            };
          case 'phoneCode':
            return {
              body: {
                status: 'phoneCode',
                phone: typeof config.phone === 'string' ? config.phone : '',
                phoneCode: session.phoneCode,
                session: session.name,
              },
            };
          case 'connected':
            return { body: { ...statusBody(session.name), session: session.name } };
          case 'closed':
            throw new HttpError(500, {
              status: 'error',
              message: `The session closed before showing a QR code: ${outcome.reason}`,
              session: session.name,
            });
          case 'timeout':
            throw new HttpError(408, {
              status: 'error',
              message: 'Timed out waiting for a QR code; poll status-session or qrcode-session',
              session: session.name,
            });
        }
      },
    }),
    route({
      method: 'GET',
      path: '/api/:session/status-session',
      summary: 'The session status',
      description:
        'status is null-like CLOSED, INITIALIZING, QRCODE, PHONECODE or CONNECTED. qrcode is only set while a QR waits (wppconnect-server kept returning the old one after connect). A closed session also says why (reason).',
      tags: ['Auth'],
      operationId: 'statusSession',
      auth: 'token',
      schema: { params: SessionParams },
      handler: ({ sessionName }) => ({ body: statusBody(sessionName) }),
    }),
    route({
      method: 'POST',
      path: '/api/:session/logout-session',
      summary: 'Log out: unlink the device and delete the session',
      tags: ['Auth'],
      auth: 'token',
      connected: true,
      schema: { params: SessionParams },
      handler: async ({ sessionName }) => {
        await sessions.logout(sessionName);
        return { body: { status: true, message: 'Session successfully closed' } };
      },
    }),
    route({
      method: 'POST',
      path: '/api/:session/close-session',
      summary: 'Close the session, keeping its login',
      tags: ['Auth'],
      auth: 'token',
      schema: { params: SessionParams },
      handler: async ({ sessionName }) => {
        await sessions.close(sessionName);
        return { body: { status: true, message: 'Session successfully closed' } };
      },
    }),
    route({
      method: 'GET',
      path: '/api/:secretkey/backup-sessions',
      summary: 'Download a backup of every session (zip)',
      description:
        "wppconnect-server's layout: tokens/<session>.data.json (the stored start-session settings) and userDataDir/<session>/ (the login). Running sessions pause while it is made, then restart.",
      tags: ['Misc'],
      auth: 'secretKey',
      schema: {
        params: SecretKeyParams,
        responses: { 200: { description: 'The zip', contentType: 'application/zip' } },
      },
      handler: async () => ({
        type: 'application/zip',
        headers: { 'content-disposition': 'attachment; filename="backupSessions.zip"' },
        body: await sessions.backup(),
      }),
    }),
    route({
      method: 'POST',
      path: '/api/:secretkey/restore-sessions',
      summary: 'Restore sessions from a backup zip (multipart field file)',
      description:
        'Accepts backups of wppd and of wppconnect-server. Settings are replaced; existing login files are kept. Then every stored session starts.',
      tags: ['Misc'],
      auth: 'secretKey',
      upload: true,
      schema: { params: Type.Object({ secretkey: Type.String() }) },
      handler: async ({ files }) => {
        const zip = files[0];
        if (!zip)
          throw new HttpError(400, {
            status: false,
            message: 'Send the backup zip in the multipart field "file"',
          });
        const restored = await sessions.restore(zip.path);
        return { body: { success: true, sessions: restored } };
      },
    }),
    route({
      method: 'POST',
      path: '/api/:session/:secretkey/clear-session-data',
      summary: 'Delete everything stored for a session',
      tags: ['Misc'],
      auth: 'secretKey',
      schema: { params: Type.Object({ session: Type.String(), secretkey: Type.String() }) },
      handler: async ({ sessionName }) => {
        await sessions.clear(sessionName);
        return { body: { success: true } };
      },
    }),
  ];
}
