import { contactToArray, definePlugin, errorMessage, HttpError, Type } from '../../core/index.ts';

const SessionParams = Type.Object({ session: Type.String() });

/** Labels envelope: `201 {status:'success', response}`; failures `{status:'Error', message, error}`. */
async function labelCall(errorText: string, work: () => Promise<unknown>) {
  try {
    return { status: 201, body: { status: 'success', response: (await work()) ?? null } };
  } catch (error) {
    if (error instanceof HttpError) throw error;
    const code = (error as { code?: unknown })?.code;
    const status = code === 'label_not_found' ? 404 : code === 'connected_device_not_is_business' ? 403 : 500;
    throw new HttpError(status, {
      status: 'Error',
      message: errorText,
      error: { ...(typeof code === 'string' ? { code } : {}), message: errorMessage(error) },
    });
  }
}

/** A chat id from what clients send: ids are kept, bare numbers become `<n>@c.us`. */
function chatIdOf(value: string): string {
  if (value.includes('@')) return value;
  return contactToArray({ phone: value })[0] ?? value;
}

/** Labels routes of wppconnect-server (WhatsApp Business). Changes raise `onupdatelabel`. */
export default definePlugin({
  name: 'labels',
  version: '1.0.0',
  core: '^1.0.0',
  register(api) {
    const common = { auth: 'token' as const, connected: true, tags: ['Labels'] };
    const responses = {
      201: { description: '{status, response}' },
      401: { description: '{message: "… was not informed"}' },
    };

    api.route({
      ...common,
      method: 'POST',
      path: '/api/:session/add-new-label',
      summary: 'Create a label',
      schema: {
        params: SessionParams,
        body: Type.Object({
          name: Type.Optional(Type.String({ maxLength: 100 })),
          options: Type.Optional(
            Type.Object({ labelColor: Type.Optional(Type.Integer({ minimum: 0, maximum: 0xffffffff })) }),
          ),
        }),
        responses,
      },
      handler: async ({ session, body }) => {
        if (!body.name) return { status: 401, body: { message: 'Name was not informed' } };
        const name = body.name;
        return labelCall('Erro ao adicionar etiqueta.', () =>
          // The library declares options as a string; it is the object {labelColor}.
          session.engine('addNewLabel')(name, body.options as unknown as string),
        );
      },
    });

    api.route({
      ...common,
      method: 'POST',
      path: '/api/:session/add-or-remove-label',
      summary: 'Add and/or remove labels on chats, in one call',
      schema: {
        params: SessionParams,
        body: Type.Object({
          chatIds: Type.Optional(
            Type.Union([
              Type.String({ minLength: 1, maxLength: 100 }),
              Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 1000 }),
            ]),
          ),
          options: Type.Optional(
            Type.Array(
              Type.Object({
                labelId: Type.String({ minLength: 1, maxLength: 50 }),
                type: Type.Union([Type.Literal('add'), Type.Literal('remove')]),
              }),
              { maxItems: 100 },
            ),
          ),
        }),
        responses,
      },
      handler: async ({ session, body }) => {
        if (!body.chatIds || !body.options)
          return { status: 401, body: { message: 'chatIds or options was not informed' } };
        const chatIds = (Array.isArray(body.chatIds) ? body.chatIds : [body.chatIds]).map(chatIdOf);
        const options = body.options;
        return labelCall('Erro ao adicionar/deletar etiqueta.', () =>
          // The library declares chatIds as a string; wa-js takes an array too.
          session.engine('addOrRemoveLabels')(chatIds as unknown as string, options),
        );
      },
    });

    api.route({
      ...common,
      method: 'GET',
      path: '/api/:session/get-all-labels',
      summary: 'All labels (answers 201, as wppconnect-server does)',
      schema: { params: SessionParams, responses },
      handler: ({ session }) =>
        labelCall('Erro ao buscar etiquetas.', () => session.engine('getAllLabels')()),
    });

    api.route({
      ...common,
      method: 'PUT',
      path: '/api/:session/delete-all-labels',
      summary: 'Delete every label',
      schema: { params: SessionParams, responses },
      handler: ({ session }) =>
        labelCall('Erro ao deletar todas as etiquetas.', () => session.engine('deleteAllLabels')()),
    });

    api.route({
      ...common,
      method: 'PUT',
      path: '/api/:session/delete-label/:id',
      summary: 'Delete a label',
      schema: {
        params: Type.Object({ session: Type.String(), id: Type.String({ minLength: 1, maxLength: 50 }) }),
        responses,
      },
      handler: ({ session, params }) =>
        labelCall('Erro ao deletar etiqueta.', () => session.engine('deleteLabel')(params.id)),
    });
  },
});
