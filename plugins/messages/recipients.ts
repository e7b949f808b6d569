import { Type } from '../../core/index.ts';

/** The recipient fields every send route accepts, with wppconnect-server's names. */
export const recipientFields = {
  phone: Type.Union(
    [
      Type.String({ minLength: 1, maxLength: 10_000 }),
      Type.Array(Type.String(), { minItems: 1, maxItems: 1000 }),
    ],
    {
      description:
        'Number(s): a string, an array, or a comma/semicolon list. Group or newsletter ids with isGroup/isNewsletter.',
    },
  ),
  isGroup: Type.Optional(Type.Boolean({ default: false })),
  isNewsletter: Type.Optional(Type.Boolean({ default: false })),
  isLid: Type.Optional(Type.Boolean({ default: false })),
};
