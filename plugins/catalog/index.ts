import {
  contactToArray,
  definePlugin,
  errorMessage,
  HttpError,
  httpError,
  type Session,
  type Static,
  type TSchema,
  Type,
} from '../../core/index.ts';

const SessionParams = Type.Object({ session: Type.String() });

/** wppconnect-server's catalog answer for a missing parameter: 401 with only a message. */
class NotInformed extends HttpError {
  constructor(message: string) {
    super(401, { message });
  }
}

/** WhatsApp's refusals by wa-js error code; anything else is a 500. */
const STATUS_BY_CODE: Record<string, number> = {
  product_not_found: 404,
  collection_not_found: 404,
  image_not_found: 404,
  contact_not_found: 404,
  msg_not_found: 404,
  msg_not_is_a_order: 400,
  msg_not_order: 400,
  invalid_order_message: 400,
  connected_device_not_is_business: 403,
};

function statusOf(error: unknown): number {
  const code = (error as { code?: unknown })?.code;
  return (typeof code === 'string' && STATUS_BY_CODE[code]) || 500;
}

function describe(error: unknown) {
  const code = (error as { code?: unknown })?.code;
  return { ...(typeof code === 'string' ? { code } : {}), message: errorMessage(error) };
}

/** Catalog envelope: `201 {status:'success', response}`; failure `{status:'Error', message, error}`. */
async function catalogCall(errorText: string, work: () => Promise<unknown>) {
  try {
    return { status: 201, body: { status: 'success', response: await work() } };
  } catch (error) {
    if (error instanceof HttpError) throw error;
    throw new HttpError(statusOf(error), { status: 'Error', message: errorText, error: describe(error) });
  }
}

/** The info envelope of orderController (business-profiles-products, order-by-messageId). */
async function infoCall(session: Session, contact: unknown, work: () => Promise<unknown>) {
  try {
    const data = await work();
    return {
      status: 201,
      body: {
        status: 'Success',
        response: { message: 'Information retrieved successfully.', contact, session: session.name, data },
      },
    };
  } catch (error) {
    if (error instanceof HttpError) throw error;
    throw new HttpError(statusOf(error) === 500 ? 400 : statusOf(error), {
      status: 'Error',
      response: { message: 'Error retrieving information', session: session.name, log: describe(error) },
    });
  }
}

/** A business's id from a number or id (`5521…`, `5521…@c.us`). */
function businessId(phone: string): string {
  const [id] = contactToArray({ phone });
  if (!id) throw httpError(400, 'phone is not a number');
  return id;
}

/** Base64 image data (bare or a data: URL), checked so the engine never gets garbage. */
function base64Image(value: string, field: string): string {
  const data = value.replace(/^data:[\w/+.-]+;base64,/, '');
  if (!/^[A-Za-z0-9+/=\s]+$/.test(data) || Buffer.from(data, 'base64').length === 0)
    throw httpError(400, `${field} must be a base64 image`);
  return value;
}

/** A price as wppconnect-server takes it: a number or a numeric string (e.g. "8890"). */
function priceOf(value: string | number): number {
  const price = Number(value);
  if (!Number.isFinite(price) || price < 0) throw httpError(400, 'price must be a number, 0 or more');
  return price;
}

const Text = (max = 1000) => Type.Optional(Type.String({ maxLength: max }));
const Anything = Type.Optional(Type.Unknown());
const Bool = Type.Optional(Type.Union([Type.Boolean(), Type.Literal('true'), Type.Literal('false')]));
const truthy = (v: unknown) => v === true || v === 'true';

/** Catalog & business routes of wppconnect-server (tag "Catalog & Bussiness", sic) and edit-business-profile. */
export default definePlugin({
  name: 'catalog',
  version: '1.0.0',
  core: '^1.0.0',
  register(api) {
    const route = <Q extends TSchema, B extends TSchema>(definition: {
      method: 'GET' | 'POST';
      path: string;
      summary: string;
      query?: Q;
      body?: B;
      tags?: string[];
      status?: number;
      handler: (request: {
        session: Session;
        query: Static<Q>;
        body: Static<B>;
        params: Record<string, string>;
      }) => Promise<{ status: number; body: unknown }>;
    }) =>
      api.route({
        method: definition.method,
        path: `/api/:session/${definition.path}`,
        summary: definition.summary,
        tags: definition.tags ?? ['Catalog & Bussiness'],
        auth: 'token',
        connected: true,
        schema: {
          params: definition.path.includes(':messageId')
            ? Type.Object({
                session: Type.String(),
                messageId: Type.String({ minLength: 1, maxLength: 200 }),
              })
            : SessionParams,
          ...(definition.query ? { query: definition.query } : {}),
          ...(definition.body ? { body: definition.body } : {}),
          responses: {
            [definition.status ?? 201]: { description: 'see wppconnect-server' },
            401: { description: '{message: "… was not informed"}' },
          },
        },
        handler: (request) =>
          definition.handler({
            session: request.session,
            query: request.query as Static<Q>,
            body: request.body as Static<B>,
            params: request.params as Record<string, string>,
          }),
      });

    route({
      method: 'GET',
      path: 'get-products',
      summary: "A business's products",
      query: Type.Object({
        phone: Text(100),
        qnt: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
      }),
      handler: ({ session, query: { phone, qnt } }) => {
        if (!phone) throw new NotInformed('Please send the contact number you wish to return the products.');
        return catalogCall('Error on get products', () =>
          session.engine('getProducts')(businessId(phone), qnt ?? 10),
        );
      },
    });

    route({
      method: 'GET',
      path: 'get-product-by-id',
      summary: 'One product of a business',
      query: Type.Object({ phone: Text(100), id: Text(100) }),
      handler: ({ session, query: { id, phone } }) => {
        if (!phone || !id) throw new NotInformed('Please send the contact number and productId.');
        return catalogCall('Error on get product', () =>
          session.engine('getProductById')(businessId(phone), id),
        );
      },
    });

    route({
      method: 'POST',
      path: 'add-product',
      summary: 'Add a product (image as base64; price as a number, e.g. 8890)',
      body: Type.Object({
        name: Text(200),
        image: Type.Optional(Type.String({ maxLength: 20 * 1024 * 1024 })),
        description: Text(5000),
        price: Type.Optional(Type.Union([Type.Number(), Type.String({ maxLength: 30 })])),
        url: Text(2000),
        retailerId: Text(200),
        currency: Type.Optional(Type.String({ pattern: '^[A-Za-z]{3}$', default: 'BRL' })),
      }),
      handler: ({ session, body: { currency, description, image, name, price, retailerId, url } }) => {
        if (!name || !image || price === undefined || price === '')
          throw new NotInformed('name, price and image was not informed');
        const imageData = base64Image(image, 'image');
        const amount = priceOf(price);
        return catalogCall('Error on add product.', () =>
          session.engine('createProduct')(
            name,
            imageData,
            description ?? '',
            amount,
            false,
            url ?? '',
            retailerId ?? '',
            String(currency ?? 'BRL').toUpperCase(),
          ),
        );
      },
    });

    route({
      method: 'POST',
      path: 'edit-product',
      summary: 'Edit a product (options: name, description, price, currency, url, retailerId, isHidden)',
      body: Type.Object({
        id: Text(100),
        options: Type.Optional(Type.Object({}, { additionalProperties: true })),
      }),
      handler: ({ session, body: { id, options } }) => {
        if (!id || !options) throw new NotInformed('productId or options was not informed');
        return catalogCall('Error on edit product.', () =>
          session.engine('editProduct')(id, options as unknown as string),
        );
      },
    });

    route({
      method: 'POST',
      path: 'del-products',
      summary: 'Delete product(s)',
      body: Type.Object({
        id: Type.Optional(
          Type.Union([
            Type.String({ maxLength: 100 }),
            Type.Array(Type.String({ maxLength: 100 }), { maxItems: 500 }),
          ]),
        ),
      }),
      handler: ({ session, body: { id } }) => {
        if (!id || (Array.isArray(id) && !id.length)) throw new NotInformed('products Id was not informed');
        const ids = Array.isArray(id) ? id : [id];
        return catalogCall('Error on delete product.', () => session.engine('delProducts')(ids));
      },
    });

    for (const [path, method, summary, errorText] of [
      [
        'change-product-image',
        'changeProductImage',
        'Replace the main image of a product',
        'Error on change product image.',
      ],
      ['add-product-image', 'addProductImage', 'Add an image to a product', 'Error on add product image.'],
    ] as const) {
      route({
        method: 'POST',
        path,
        summary,
        body: Type.Object({
          id: Text(100),
          base64: Type.Optional(Type.String({ maxLength: 20 * 1024 * 1024 })),
        }),
        handler: ({ session, body: { base64, id } }) => {
          if (!id || !base64) throw new NotInformed('productId and base64 was not informed');
          const image = base64Image(base64, 'base64');
          return catalogCall(errorText, () => session.engine(method)(id, image));
        },
      });
    }

    route({
      method: 'POST',
      path: 'remove-product-image',
      summary: 'Remove an additional image (index 1 = the first additional image)',
      body: Type.Object({ id: Text(100), index: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })) }),
      handler: ({ session, body: { id, index } }) => {
        if (!id || index === undefined) throw new NotInformed('productId and index image was not informed');
        return catalogCall('Error on remove product image.', () =>
          session.engine('removeProductImage')(id, String(index)),
        );
      },
    });

    route({
      method: 'GET',
      path: 'get-collections',
      summary: "A business's collections",
      query: Type.Object({
        phone: Text(100),
        qnt: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
        max: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
      }),
      handler: ({ session, query: { max, phone, qnt } }) => {
        if (!phone) throw new NotInformed('phone was not informed');
        return catalogCall('Error on get collections.', () =>
          session.engine('getCollections')(businessId(phone), String(qnt ?? 10), String(max ?? 10)),
        );
      },
    });

    route({
      method: 'POST',
      path: 'create-collection',
      summary: 'Create a collection of products',
      body: Type.Object({
        name: Text(200),
        products: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 500 })),
      }),
      handler: ({ session, body: { name, products } }) => {
        if (!name || !products) throw new NotInformed('name or products was not informed');
        return catalogCall('Error on create collection.', () =>
          session.engine('createCollection')(name, products as unknown as string),
        );
      },
    });

    route({
      method: 'POST',
      path: 'edit-collection',
      summary: 'Edit a collection (options: name, products)',
      body: Type.Object({
        id: Text(100),
        options: Type.Optional(Type.Object({}, { additionalProperties: true })),
      }),
      handler: ({ session, body: { id, options } }) => {
        if (!id || !options) throw new NotInformed('id or options was not informed');
        return catalogCall('Error on edit collection.', () =>
          session.engine('editCollection')(id, options as unknown as string),
        );
      },
    });

    route({
      method: 'POST',
      path: 'del-collection',
      summary: 'Delete a collection',
      body: Type.Object({ id: Text(100) }),
      handler: ({ session, body: { id } }) => {
        if (!id) throw new NotInformed('id was not informed');
        return catalogCall('Error on delete collection.', () => session.engine('deleteCollection')(id));
      },
    });

    route({
      method: 'POST',
      path: 'set-product-visibility',
      summary: 'Show (true) or hide (false) a product',
      body: Type.Object({ id: Text(100), value: Bool }),
      handler: ({ session, body: { id, value } }) => {
        // wppconnect-server refused value:false as "not informed"; only a missing value is refused here.
        if (!id || value === undefined)
          throw new NotInformed('product id or value (false, true) was not informed');
        return catalogCall('Error on set product visibility.', () =>
          session.engine('setProductVisibility')(id, truthy(value)),
        );
      },
    });

    route({
      method: 'POST',
      path: 'set-cart-enabled',
      summary: 'Turn the shopping cart on or off',
      body: Type.Object({ enabled: Bool }),
      handler: ({ session, body: { enabled } }) => {
        if (enabled === undefined) throw new NotInformed('enabled (false, true) was not informed');
        return catalogCall('Error on set enabled cart.', () =>
          session.engine('updateCartEnabled')(truthy(enabled)),
        );
      },
    });

    route({
      method: 'GET',
      path: 'get-business-profiles-products',
      summary: 'Products of business profile(s)',
      query: Type.Object({ phone: Type.String({ minLength: 1, maxLength: 2000 }) }),
      handler: ({ session, query: { phone } }) => {
        // wppconnect-server iterated the characters of a single phone; a `,` list of numbers is read here.
        const phones = contactToArray({ phone: phone });
        if (!phones.length) throw httpError(400, 'phone is not a number');
        return infoCall(session, phone, async () => {
          const data: unknown[] = [];
          for (const phone of phones) data.push(await session.engine('getBusinessProfilesProducts')(phone));
          return data;
        });
      },
    });

    route({
      method: 'GET',
      path: 'get-order-by-messageId/:messageId',
      summary: 'The order carried by an order message',
      handler: ({ session, params }) =>
        infoCall(session, null, () => session.engine('getOrder')(params.messageId as string)),
    });

    route({
      method: 'POST',
      path: 'edit-business-profile',
      summary:
        'Edit the business profile (adress/address, email, categories, website[], description, businessHours)',
      tags: ['Profile'],
      status: 200,
      body: Type.Object(
        {
          adress: Text(500),
          address: Text(500),
          email: Type.Optional(Type.String({ maxLength: 200 })),
          categories: Anything,
          website: Type.Optional(Type.Array(Type.String({ maxLength: 2000 }), { maxItems: 2 })),
          description: Text(1000),
          businessHours: Anything,
        },
        { additionalProperties: false },
      ),
      handler: async ({ session, body }) => {
        // The documented field is `adress` (sic); WhatsApp's is `address`: accept both.
        const { adress, ...profile } = body as { adress?: string; address?: string };
        if (adress && !profile.address) profile.address = adress;
        try {
          return { status: 200, body: await session.engine('editBusinessProfile')(profile) };
        } catch (error) {
          if (error instanceof HttpError) throw error;
          throw new HttpError(statusOf(error), {
            status: 'error',
            message: 'Error on edit business profile',
            error: describe(error),
          });
        }
      },
    });
  },
});
