import { HttpError, resolveRecipients, Type } from '../../core/index.ts';
import type { MessagesContext } from './context.ts';
import {
  LibraryOptions,
  MessageId,
  optionalRecipientFields,
  Responses,
  recipientFields,
  SessionParams,
  Text,
} from './schemas.ts';
import { sendToEach, sent, success } from './send.ts';

const common = {
  method: 'POST' as const,
  tags: ['Messages'],
  auth: 'token' as const,
  connected: true,
  recipients: true,
};

const Coordinate = (description: string) =>
  Type.Union([Type.Number(), Type.String({ pattern: '^\\s*-?\\d+(\\.\\d+)?\\s*$' })], { description });

/** Text-like sends: text, replies, links, locations, mentions, buttons, lists, orders, polls, PIX, vCards. */
export function registerSendRoutes({ api }: MessagesContext): void {
  api.route({
    ...common,
    path: '/api/:session/send-message',
    summary: 'Send a text message',
    schema: {
      params: SessionParams,
      body: Type.Object({
        ...recipientFields,
        message: Text('The text'),
        options: LibraryOptions('sendText options: quotedMsg, mentionedList, linkPreview …'),
      }),
      responses: Responses.msg201,
    },
    handler: async ({ session, recipients, body }) => {
      const sendText = session.engine('sendText');
      const results = await sendToEach(recipients, (to) => sendText(to, body.message, body.options ?? {}));
      api.emit(session.name, 'message-sent', { route: 'send-message', results });
      return sent(results);
    },
  });

  api.route({
    ...common,
    path: '/api/:session/send-reply',
    summary: 'Reply to a message (quoting it)',
    schema: {
      params: SessionParams,
      body: Type.Object({
        ...recipientFields,
        message: Text('The text'),
        messageId: MessageId('The message being answered'),
      }),
      responses: Responses.msg201,
    },
    handler: async ({ session, recipients, body }) => {
      const reply = session.engine('reply');
      const results = await sendToEach(recipients, (to) => reply(to, body.message, body.messageId));
      api.emit(session.name, 'message-sent', { route: 'send-reply', results });
      return sent(results);
    },
  });

  api.route({
    ...common,
    path: '/api/:session/send-status',
    summary: 'Post a text status (to status@broadcast)',
    description:
      '`phone` is checked when given but not used, as in wppconnect-server; send-text-storie is the richer route.',
    schema: {
      params: SessionParams,
      body: Type.Object({
        ...optionalRecipientFields,
        message: Text('The status text'),
        messageId: Type.Optional(Type.String({ maxLength: 300, description: 'Accepted, not used' })),
      }),
      responses: Responses.msg201,
    },
    handler: async ({ session, body }) => {
      const sendText = session.engine('sendText');
      const results = await sendToEach(['status@broadcast'], (to) => sendText(to, body.message));
      return sent(results);
    },
  });

  api.route({
    ...common,
    path: '/api/:session/send-link-preview',
    summary: 'Send a link with its preview',
    schema: {
      params: SessionParams,
      body: Type.Object({
        ...recipientFields,
        url: Type.String({ pattern: '^https?://', maxLength: 4096, description: 'http(s) link' }),
        caption: Type.Optional(Text('Text sent with the link')),
      }),
      responses: Responses.msg201,
    },
    handler: async ({ session, recipients, body }) => {
      const sendLinkPreview = session.engine('sendLinkPreview');
      return sent(await sendToEach(recipients, (to) => sendLinkPreview(to, body.url, body.caption)));
    },
  });

  api.route({
    ...common,
    path: '/api/:session/send-location',
    summary: 'Send a location',
    schema: {
      params: SessionParams,
      body: Type.Object({
        ...recipientFields,
        lat: Coordinate('Latitude'),
        lng: Coordinate('Longitude'),
        title: Type.Optional(Text('Place name (sent as the location name)', 1000)),
        address: Type.Optional(Text('Address', 1000)),
      }),
      responses: Responses.msg201,
    },
    handler: async ({ session, recipients, body }) => {
      const sendLocation = session.engine('sendLocation');
      const options = {
        lat: String(body.lat),
        lng: String(body.lng),
        address: body.address,
        name: body.title,
      };
      return sent(await sendToEach(recipients, (to) => sendLocation(to, options)));
    },
  });

  api.route({
    ...common,
    path: '/api/:session/send-mentioned',
    summary: 'Send a text that mentions contacts',
    description:
      'Answers `201 {status, response:<the last result>}` without `mapper`, as wppconnect-server does.',
    schema: {
      params: SessionParams,
      body: Type.Object({
        ...recipientFields,
        message: Text('The text; write @<number> where each mention goes'),
        mentioned: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
          minItems: 1,
          maxItems: 1000,
          description: 'Ids mentioned, e.g. @5521999999999@c.us',
        }),
      }),
      responses: { 201: { description: '`{status:"success", response:<last result>}`' } },
    },
    handler: async ({ session, recipients, body }) => {
      const sendMentioned = session.engine('sendMentioned');
      const mentioned = body.mentioned.map((id) => id.replace(/^@/, ''));
      const results = await sendToEach(recipients, (to) => sendMentioned(to, body.message, mentioned));
      return { status: 201, body: { status: 'success', response: results.at(-1) } };
    },
  });

  api.route({
    ...common,
    path: '/api/:session/send-buttons',
    summary: 'Send a text with buttons (deprecated by WhatsApp)',
    description:
      'WhatsApp deprecated buttons: most phones no longer show them. The message is sent and stored with its buttons; the response lists the recipients, as wppconnect-server answers.',
    schema: {
      params: SessionParams,
      body: Type.Object({
        ...recipientFields,
        message: Text('The text'),
        options: LibraryOptions('sendText options with `buttons`, `title`, `footer`'),
      }),
      responses: { 201: { description: '`{status:"success", response:[recipient ids], mapper:"return"}`' } },
    },
    handler: async ({ session, recipients, body }) => {
      const sendText = session.engine('sendText');
      await sendToEach(recipients, (to) => sendText(to, body.message, body.options ?? {}));
      return sent(recipients);
    },
  });

  api.route({
    ...common,
    path: '/api/:session/send-list-message',
    summary: 'Send a list message (deprecated by WhatsApp)',
    description: 'WhatsApp deprecated list messages for most accounts; they are sent and stored as given.',
    schema: {
      params: SessionParams,
      body: Type.Object({
        ...recipientFields,
        description: Type.String({ maxLength: 4096, default: '' }),
        buttonText: Type.String({ maxLength: 100, default: 'SELECIONE UMA OPÇÃO' }),
        sections: Type.Array(
          Type.Object({
            title: Type.String({ maxLength: 100 }),
            rows: Type.Array(
              Type.Object({
                rowId: Type.String({ maxLength: 200 }),
                title: Type.String({ maxLength: 200 }),
                description: Type.Optional(Type.String({ maxLength: 1000 })),
              }),
              { minItems: 1, maxItems: 100 },
            ),
          }),
          { minItems: 1, maxItems: 100 },
        ),
      }),
      responses: Responses.msg201,
    },
    handler: async ({ session, recipients, body }) => {
      const sendListMessage = session.engine('sendListMessage');
      const sections = body.sections.map((section) => ({
        title: section.title,
        rows: section.rows.map((row) => ({ ...row, description: row.description ?? '' })),
      }));
      const options = { buttonText: body.buttonText, description: body.description, sections };
      return sent(await sendToEach(recipients, (to) => sendListMessage(to, options)));
    },
  });

  api.route({
    ...common,
    path: '/api/:session/send-order-message',
    summary: 'Send an order (WhatsApp Business)',
    description: 'Prices in thousandths without separators, e.g. 12.90 → 12900.',
    schema: {
      params: SessionParams,
      body: Type.Object({
        ...recipientFields,
        items: Type.Array(
          Type.Object({
            type: Type.Union([Type.Literal('custom'), Type.Literal('product')]),
            id: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())])),
            name: Type.Optional(Type.String({ maxLength: 500 })),
            price: Type.Optional(Type.Number({ minimum: 0 })),
            qnt: Type.Optional(Type.Integer({ minimum: 1 })),
          }),
          { minItems: 1, maxItems: 100 },
        ),
        options: Type.Optional(
          Type.Object(
            {
              tax: Type.Optional(Type.Number({ minimum: 0 })),
              shipping: Type.Optional(Type.Number({ minimum: 0 })),
              discount: Type.Optional(Type.Number({ minimum: 0 })),
            },
            { additionalProperties: true },
          ),
        ),
      }),
      responses: Responses.msg201,
    },
    handler: async ({ session, recipients, body }) => {
      const sendOrderMessage = session.engine('sendOrderMessage');
      const items = body.items as Parameters<typeof sendOrderMessage>[1];
      const results = await sendToEach(recipients, (to) => sendOrderMessage(to, items, body.options ?? {}));
      api.emit(session.name, 'message-sent', { route: 'send-order-message', results });
      return sent(results);
    },
  });

  api.route({
    ...common,
    path: '/api/:session/send-poll-message',
    summary: 'Send a poll',
    schema: {
      params: SessionParams,
      body: Type.Object({
        ...recipientFields,
        name: Type.String({ minLength: 1, maxLength: 255, description: 'The question' }),
        choices: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { minItems: 2, maxItems: 12 }),
        options: Type.Optional(
          Type.Object(
            { selectableCount: Type.Optional(Type.Integer({ minimum: 0, maximum: 12 })) },
            { additionalProperties: true, description: '`selectableCount`: 1 = single choice, 0 = any' },
          ),
        ),
      }),
      responses: Responses.msg201,
    },
    handler: async ({ session, recipients, body }) => {
      const sendPollMessage = session.engine('sendPollMessage');
      return sent(
        await sendToEach(recipients, (to) =>
          sendPollMessage(to, body.name, body.choices, body.options ?? {}),
        ),
      );
    },
  });

  api.route({
    ...common,
    path: '/api/:session/send-pix-key',
    summary: 'Send a PIX key (Brazilian payments)',
    schema: {
      params: SessionParams,
      body: Type.Object({
        ...recipientFields,
        keyType: Type.Union(
          ['CPF', 'CNPJ', 'EMAIL', 'PHONE', 'EVP'].map((k) => Type.Literal(k)),
          {
            description: 'CPF, CNPJ, EMAIL, PHONE or EVP',
          },
        ),
        name: Type.String({ minLength: 1, maxLength: 200 }),
        key: Type.String({ minLength: 1, maxLength: 200 }),
        instructions: Type.Optional(Text('Text shown with the key', 4096)),
        options: LibraryOptions('SendMessageOptions'),
      }),
      responses: Responses.msg201,
    },
    handler: async ({ session, recipients, body }) => {
      const sendPixKey = session.engine('sendPixKey');
      const params = {
        keyType: body.keyType,
        name: body.name,
        key: body.key,
        instructions: body.instructions,
      };
      const results = await sendToEach(recipients, (to) =>
        sendPixKey(to, params as Parameters<typeof sendPixKey>[1], body.options ?? {}),
      );
      api.emit(session.name, 'message-sent', { route: 'send-pix-key', results });
      return sent(results);
    },
  });

  api.route({
    ...common,
    recipients: false,
    path: '/api/:session/send-link-catalog',
    summary: 'Send a link to your catalog',
    description:
      'Each of `phones` gets `<message> https://wa.me/c/<your number>`. Unlike wppconnect-server (which used the numbers raw), the numbers are normalised and checked like `phone`.',
    schema: {
      params: SessionParams,
      body: Type.Object({
        phones: Type.Union([
          Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 1000 }),
          Type.String({ minLength: 1, maxLength: 10_000 }),
        ]),
        message: Text('Text before the link'),
      }),
      responses: { 200: { description: '`{status:"success", response:[{phone, status:<message id>}]}`' } },
    },
    handler: async ({ session, body }) => {
      const phones = await resolveRecipients(session, { phone: body.phones });
      if (phones.length === 0) throw new HttpError(400, { status: 'error', message: 'phones is empty' });
      const me = String(await session.engine('getWid')());
      const text = `${body.message} https://wa.me/c/${me.split('@')[0]}`;
      const sendText = session.engine('sendText');
      const results = await sendToEach(phones, (to) =>
        sendText(to, text, {
          buttons: [{ url: `https://wa.me/c/${me.split('@')[0]}`, text: 'Abrir catálogo' }],
        }),
      );
      return success(results.map((result, i) => ({ phone: phones[i], status: result.id })));
    },
  });

  api.route({
    ...common,
    path: '/api/:session/contact-vcard',
    summary: 'Send contact card(s)',
    description: 'One id sends a vCard; several send one multi-contact message (sendContactVcardList).',
    schema: {
      params: SessionParams,
      body: Type.Object({
        ...recipientFields,
        contactsId: Type.Union([
          Type.String({ minLength: 1, maxLength: 64 }),
          Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 100 }),
        ]),
        name: Type.Optional(Type.String({ maxLength: 200, description: 'Name shown on the card' })),
      }),
      responses: Responses.s200,
    },
    handler: async ({ session, recipients, body }) => {
      const ids = (Array.isArray(body.contactsId) ? body.contactsId : [body.contactsId]).map((id) =>
        id.includes('@') ? id : `${id.replace(/\D/g, '')}@c.us`,
      );
      const results = await sendToEach(recipients, (to) =>
        ids.length === 1
          ? session.engine('sendContactVcard')(to, ids[0] as string, body.name)
          : session.engine('sendContactVcardList')(to, ids),
      );
      return success(results.at(-1));
    },
  });
}
