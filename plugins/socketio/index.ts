import type http from 'node:http';
import { Server, type Socket } from 'socket.io';
import { definePlugin, errorMessage, type PluginApi, type WppdEvent } from '../../core/index.ts';

/** The room every secret-key socket joins: it receives every session's events. */
const ALL = 'wppd:all';
const roomOf = (session: string) => `session:${session}`;

/**
 * Maps a bus event to wppconnect-server's socket.io event (behaviour §F), or undefined when it
 * sends none. Payload shapes are kept, including the ones that do not name the session
 * (`session-error`, `whatsapp-status`): a socket only ever gets events of sessions it may see.
 */
export function toSocket(event: WppdEvent): { name: string; data: unknown } | undefined {
  const payload = event.payload as Record<string, unknown>;
  const session = event.session;
  switch (event.name) {
    case 'qrcode':
      return { name: 'qrCode', data: { data: `data:image/png;base64,${payload.qrcode}`, session } };
    case 'phoneCode':
      return { name: 'phoneCode', data: { data: payload.phoneCode, phone: payload.phone, session } };
    case 'session-logged':
      return { name: 'session-logged', data: { status: true, session } };
    case 'session-status':
      // wppconnect-server's session-error: the session failed before it ever connected.
      return payload.status === 'CLOSED' && payload.previous !== 'CONNECTED' && payload.previous !== null
        ? { name: 'session-error', data: session }
        : undefined;
    case 'onanymessage':
      return { name: 'received-message', data: { response: { ...payload, session } } };
    case 'message-sent':
      return { name: 'mensagem-enviada', data: payload.results };
    case 'message-edited':
      return { name: 'edited-message', data: payload.result };
    case 'closesession':
    case 'logoutsession':
      return { name: 'whatsapp-status', data: false };
    case 'incomingcall':
    case 'onack':
    case 'onpresencechanged':
    case 'onreactionmessage':
    case 'onrevokedmessage':
    case 'onpollresponse':
    case 'onupdatelabel':
      return { name: event.name, data: payload };
    default:
      return undefined;
  }
}

function first(value: unknown): string | undefined {
  const item = Array.isArray(value) ? value[0] : value;
  return typeof item === 'string' && item ? item : undefined;
}

/**
 * Who a handshake is: `auth: {session, token}` or `?session=&token=`. The token may be the session
 * token, `session:token`, or the secret key (then every session). Anything else is refused.
 */
async function authenticate(api: PluginApi, socket: Socket): Promise<{ rooms: string[] } | undefined> {
  const auth = (socket.handshake.auth ?? {}) as Record<string, unknown>;
  const query = socket.handshake.query ?? {};
  let session = first(auth.session) ?? first(query.session);
  let token = first(auth.token) ?? first(query.token);
  const bearer = first(socket.handshake.headers.authorization)?.split(' ')[1];
  token ??= bearer;
  if (!token) return undefined;
  if (api.credentials.isSecretKey(token)) return { rooms: [ALL] };
  const colon = token.indexOf(':');
  if (colon > 0 && (!session || session === token.slice(0, colon))) {
    session = token.slice(0, colon);
    token = token.slice(colon + 1);
  }
  if (!session) return undefined;
  return (await api.credentials.verifySessionToken(session, token))
    ? { rooms: [roomOf(session)] }
    : undefined;
}

export default definePlugin({
  name: 'socketio',
  version: '1.0.0',
  core: '^1.0.0',
  register(api) {
    let io: Server | undefined;

    api.onServer((server: http.Server) => {
      // serveClient: the browser client at /socket.io/socket.io.js, for the dashboard (no CDN).
      const created = new Server(server, { cors: { origin: '*' }, serveClient: true });
      io = created;
      created.use((socket, next) => {
        authenticate(api as unknown as PluginApi, socket).then(
          (who) => {
            if (!who) {
              next(new Error('unauthorized: pass auth {session, token} (or the secret key)'));
              return;
            }
            socket.data.rooms = who.rooms;
            next();
          },
          (error: unknown) => next(new Error(`unauthorized: ${errorMessage(error)}`)),
        );
      });
      created.on('connection', (socket) => {
        void socket.join(socket.data.rooms as string[]);
      });
      // A daemon stop closes the HTTP server first, which waits for every open connection: drop the
      // websockets at that moment so they cannot hold the shutdown.
      const close = server.close.bind(server);
      server.close = ((callback?: (error?: Error) => void) => {
        created.disconnectSockets(true);
        created.engine.close();
        return close(callback);
      }) as typeof server.close;
    });

    api.on('*', (event) => {
      // No client connected: nothing to encode (socket.io would still serialise every event).
      if (!io || io.engine.clientsCount === 0) return;
      const message = toSocket(event);
      if (message) io.to([roomOf(event.session), ALL]).emit(message.name, message.data);
      // wppd's own event (wppconnect-server has none): every status change with its reason, so a
      // client such as the dashboard can follow a session without polling status-session.
      if (event.name === 'session-status')
        io.to([roomOf(event.session), ALL]).emit('session-status', {
          ...event.payload,
          session: event.session,
        });
    });

    api.onStop(async () => {
      const server = io;
      io = undefined;
      if (!server) return;
      server.disconnectSockets(true);
      server.engine.close();
    });
  },
});
