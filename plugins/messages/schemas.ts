import { type TSchema, Type } from '../../core/index.ts';
import { recipientFields } from './recipients.ts';

export { recipientFields };

export const SessionParams = Type.Object({ session: Type.String({ description: 'Session name' }) });

/** `phone` not required (send-status validates it when given but does not use it). */
export const optionalRecipientFields = { ...recipientFields, phone: Type.Optional(recipientFields.phone) };

/** A serialised message id: `<fromMe>_<chat>_<key>[_<participant>]`. */
export const MessageId = (description = 'Message id, e.g. true_5521999999999@c.us_3EB0…') =>
  Type.String({ minLength: 1, maxLength: 300, description });

/** One id or a list of ids, as wppconnect-server accepts. */
export const MessageIds = (description: string) =>
  Type.Union([MessageId(), Type.Array(MessageId(), { minItems: 1, maxItems: 500 })], { description });

/** A free-form options object handed to the library method (its own option names). */
export const LibraryOptions = (description: string) =>
  Type.Optional(Type.Object({}, { additionalProperties: true, description }));

export const Text = (description: string, maxLength = 65_536) => Type.String({ maxLength, description });

/** Response docs shared by the routes. */
export const Responses = {
  msg201: {
    201: { description: '`{status:"success", response:[one result per recipient], mapper:"return"}`' },
  },
  s200: { 200: { description: '`{status:"success", response}`' } },
} satisfies Record<string, Record<number, { description: string; schema?: TSchema }>>;
