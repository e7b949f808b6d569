import { definePlugin, errorMessage, HttpError, type Session, Type } from '../../core/index.ts';

const IdParams = Type.Object({
  session: Type.String(),
  id: Type.String({ minLength: 1, maxLength: 100, description: '<id>@newsletter' }),
});

/** A newsletter id as the library wants it: `<id>@newsletter`. */
function newsletterId(id: string): string {
  return id.includes('@') ? id : `${id}@newsletter`;
}

/** Picture: base64 image data (bare or a data: URL). */
const Picture = Type.String({
  maxLength: 10 * 1024 * 1024,
  pattern: '^(data:image/[\\w+.-]+;base64,)?[A-Za-z0-9+/=\\s]+$',
});

/**
 * Newsletter routes: the library's value RAW with 201. Failures answer wppconnect-server's
 * `{status:'Error', response:{message:'Error retrieving information', session, log}}` — 400 as it
 * does, 403 when the session does not own the channel and 404 for an unknown one.
 */
async function raw(session: Session, work: () => Promise<unknown>) {
  try {
    return { status: 201, body: await work() };
  } catch (error) {
    if (error instanceof HttpError) throw error;
    const code = (error as { code?: unknown })?.code;
    const status =
      code === 'newsletter_subscribers_require_admin' ? 403 : code === 'invalid_newsletter_id' ? 404 : 400;
    throw new HttpError(status, {
      status: 'Error',
      response: {
        message: 'Error retrieving information',
        session: session.name,
        log: { ...(typeof code === 'string' ? { code } : {}), message: errorMessage(error) },
      },
    });
  }
}

/** Newsletter (channel) routes. Posting into a channel is send-message with `isNewsletter`. */
export default definePlugin({
  name: 'newsletter',
  version: '1.0.0',
  core: '^1.0.0',
  register(api) {
    const common = { auth: 'token' as const, connected: true, tags: ['Newsletter'] };
    const responses = { 201: { description: "RAW: the library's result" } };

    api.route({
      ...common,
      method: 'POST',
      path: '/api/:session/newsletter',
      summary: 'Create a newsletter (channel)',
      schema: {
        params: Type.Object({ session: Type.String() }),
        body: Type.Object({
          name: Type.String({ minLength: 1, maxLength: 100 }),
          options: Type.Optional(
            Type.Object({
              description: Type.Optional(Type.String({ maxLength: 2048 })),
              picture: Type.Optional(Picture),
            }),
          ),
        }),
        responses,
      },
      handler: ({ session, body }) =>
        raw(session, () => session.engine('createNewsletter')(body.name, body.options ?? {})),
    });

    api.route({
      ...common,
      method: 'PUT',
      path: '/api/:session/newsletter/:id',
      summary: 'Edit a newsletter you own (name, description, picture; picture null removes it)',
      schema: {
        params: IdParams,
        body: Type.Object({
          name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
          description: Type.Optional(Type.String({ maxLength: 2048 })),
          picture: Type.Optional(Type.Union([Picture, Type.Null()])),
        }),
        responses,
      },
      handler: ({ session, params, body }) =>
        raw(session, () =>
          session.engine('editNewsletter')(newsletterId(params.id), {
            name: body.name,
            description: body.description,
            picture: body.picture,
          }),
        ),
    });

    api.route({
      ...common,
      method: 'DELETE',
      path: '/api/:session/newsletter/:id',
      summary: 'Delete a newsletter you own',
      schema: { params: IdParams, responses },
      handler: ({ session, params }) =>
        raw(session, () => session.engine('destroyNewsletter')(newsletterId(params.id))),
    });

    api.route({
      ...common,
      method: 'POST',
      path: '/api/:session/mute-newsletter/:id',
      summary: 'Mute a newsletter',
      schema: { params: IdParams, responses },
      handler: ({ session, params }) =>
        raw(session, () => session.engine('muteNesletter')(newsletterId(params.id))),
    });
  },
});
