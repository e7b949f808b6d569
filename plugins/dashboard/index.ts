import { definePlugin, httpError, isValidSessionName, type SessionsView, Type } from '../../core/index.ts';
import { SECRET_KEY_HEADER, SecretKeyGate } from './admin.ts';
import { ASSET_HEADERS, ASSETS, assetReader } from './assets.ts';

const TAGS = ['Dashboard'];
const KEY_HEADER_DOC = `The secret key, in the ${SECRET_KEY_HEADER} header (never in the URL)`;
const NameParams = Type.Object({ name: Type.String({ description: 'Session name' }) });

const SessionSummary = Type.Object({
  session: Type.String(),
  status: Type.String({ description: 'CLOSED, INITIALIZING, QRCODE, PHONECODE or CONNECTED' }),
  qrcode: Type.Union([Type.String(), Type.Null()], { description: 'PNG data URL while a QR code waits' }),
  phoneCode: Type.Union([Type.String(), Type.Null()], { description: 'Pairing code while one waits' }),
  reason: Type.Union([Type.String(), Type.Null()], { description: 'Why the session last stopped' }),
});

/** What the dashboard shows of one session (status-session's facts, for every session at once). */
function summary(sessions: SessionsView, name: string) {
  const session = sessions.get(name);
  const status = session?.status ?? null;
  return {
    session: name,
    status: status ?? 'CLOSED',
    qrcode: status === 'QRCODE' ? (session?.qrDataUrl ?? null) : null,
    phoneCode: status === 'PHONECODE' ? (session?.phoneCode ?? null) : null,
    reason: status === 'CLOSED' || status === null ? (session?.closeReason ?? null) : null,
  };
}

/** Admin routes name their session `:name`: a `:session` param makes the core create it before auth. */
function checkedName(name: string): string {
  if (!isValidSessionName(name))
    throw httpError(400, 'Invalid session name: use 1-100 letters, digits, "_", "-" or "." (not first)');
  return name;
}

/**
 * The web dashboard at /dashboard: plain files (no build step) that drive the public API routes and
 * listen to socket.io. Its own routes are the few the browser cannot reach without putting the
 * secret key in a URL: the session list, a session token, clear-session-data; plus a token-checked
 * read of a session's stored start-session settings, so editing them keeps the fields it does not show.
 */
export default definePlugin({
  name: 'dashboard',
  version: '1.0.0',
  core: '^1.0.0',
  register(api) {
    const read = assetReader();
    const gate = new SecretKeyGate(api.credentials.isSecretKey);

    for (const asset of ASSETS) {
      api.route({
        method: 'GET',
        path: asset.url,
        summary: asset.summary,
        description: 'A static file of the web dashboard; it holds no data.',
        tags: TAGS,
        auth: 'none',
        schema: { responses: { 200: { description: asset.file, contentType: asset.type.split(';')[0] } } },
        handler: async () => ({ type: asset.type, headers: ASSET_HEADERS, body: await read(asset) }),
      });
    }

    api.route({
      method: 'GET',
      path: '/dashboard/api/admin/sessions',
      summary: 'Every session with its status, QR code or pairing code (secret key header)',
      description: `show-all-sessions plus status-session of each. ${KEY_HEADER_DOC}.`,
      tags: TAGS,
      auth: 'none',
      schema: {
        responses: {
          200: {
            description: 'Sessions',
            schema: Type.Object({ status: Type.Literal('success'), response: Type.Array(SessionSummary) }),
          },
        },
      },
      handler: ({ ctx }) => {
        gate.check(ctx.ip, ctx.get(SECRET_KEY_HEADER));
        return {
          body: {
            status: 'success',
            response: api.sessions.names().map((name) => summary(api.sessions, name)),
          },
        };
      },
    });

    api.route({
      method: 'POST',
      path: '/dashboard/api/admin/sessions/:name/token',
      summary: "A session's token (secret key header)",
      description: `generate-token without the key in the URL. ${KEY_HEADER_DOC}.`,
      tags: TAGS,
      auth: 'none',
      schema: {
        params: NameParams,
        responses: {
          201: {
            description: 'The token, as generate-token answers it',
            schema: Type.Object({
              status: Type.Literal('success'),
              session: Type.String(),
              token: Type.String(),
              full: Type.String(),
            }),
          },
        },
      },
      handler: async ({ ctx, params }) => {
        gate.check(ctx.ip, ctx.get(SECRET_KEY_HEADER));
        const name = checkedName(params.name);
        const token = await api.credentials.mintToken(name);
        return { status: 201, body: { status: 'success', session: name, token, full: `${name}:${token}` } };
      },
    });

    api.route({
      method: 'POST',
      path: '/dashboard/api/admin/sessions/:name/clear',
      summary: 'Delete everything stored for a session (secret key header)',
      description: `Runs clear-session-data. ${KEY_HEADER_DOC}.`,
      tags: TAGS,
      auth: 'none',
      schema: {
        params: NameParams,
        responses: { 200: { description: 'clear-session-data’s answer: {success: true}' } },
      },
      handler: async ({ ctx, params }) => {
        gate.check(ctx.ip, ctx.get(SECRET_KEY_HEADER));
        const name = checkedName(params.name);
        await api.sessions.clear(name);
        return { body: { success: true } };
      },
    });

    api.route({
      method: 'GET',
      path: '/dashboard/api/:session/settings',
      summary: "The session's stored start-session settings (webhook, Chatwoot, …)",
      description:
        'What start-session stored for the session, so an editor can send them back changed. Saving goes through start-session.',
      tags: TAGS,
      auth: 'token',
      schema: {
        params: Type.Object({ session: Type.String() }),
        responses: {
          200: {
            description: 'The stored settings',
            schema: Type.Object({
              status: Type.Literal('success'),
              response: Type.Record(Type.String(), Type.Unknown()),
            }),
          },
        },
      },
      handler: ({ session }) => ({ body: { status: 'success', response: session.config ?? {} } }),
    });
  },
});
