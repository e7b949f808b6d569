import { createHash, randomBytes } from 'node:crypto';
import type { Message } from '@wppconnect-team/wppconnect';
import type { EngineClient } from '../../../core/index.ts';
import { WhatsAppError } from '../model.ts';
import type { SandboxNetwork } from '../network.ts';
import type { SandboxContext } from './context.ts';

/**
 * The WhatsApp Business catalog of each session (entities owned by the session):
 * kind 'product' (ProductState), 'collection' (CollectionState), 'business' id 'profile'
 * (BusinessState: cart switch and the fields edit-business-profile set).
 */
const PRODUCT_KIND = 'product';
const COLLECTION_KIND = 'collection';
const BUSINESS_KIND = 'business';

interface ProductState {
  id: string;
  name: string;
  description: string;
  /** As the client gave it: WhatsApp takes the amount × 1000 in the currency (8890 → 8.89). */
  price: number;
  currency: string;
  url: string;
  retailerId: string;
  isHidden: boolean;
  /** Hashes of the images (the first is the main one); the images themselves are not kept. */
  images: string[];
}

interface CollectionState {
  id: string;
  name: string;
  products: string[];
}

export interface BusinessState {
  cartEnabled: boolean;
  profile: Record<string, unknown>;
}

function hashOf(image: string): string {
  return createHash('sha256').update(image).digest('base64');
}

function cdnUrl(hash: string): string {
  return `https://media.whatsapp.net/v/sandbox/${encodeURIComponent(hash.slice(0, 16))}.jpg`;
}

/** wa-js's product shape (the one getProductById declares). */
function productView(product: ProductState) {
  const [main, ...additional] = product.images;
  return {
    id: product.id,
    retailer_id: product.retailerId,
    name: product.name,
    description: product.description,
    url: product.url,
    currency: product.currency,
    price: String(product.price),
    is_hidden: product.isHidden,
    max_available: 99,
    availability: 'in stock',
    checkmark: false,
    image_hashes_for_whatsapp: product.images,
    image_cdn_urls: main
      ? [
          { key: 'requested' as const, value: cdnUrl(main) },
          { key: 'full' as const, value: cdnUrl(main) },
        ]
      : [],
    additional_image_cdn_urls: additional.map((hash) => [
      { key: 'requested', value: cdnUrl(hash) },
      { key: 'full', value: cdnUrl(hash) },
    ]),
    whatsapp_product_can_appeal: false,
    capability_to_review_status: [{ key: 'WHATSAPP' as const, value: 'APPROVED' as const }],
  };
}

function collectionView(network: SandboxNetwork, session: string, collection: CollectionState, max: number) {
  return {
    id: collection.id,
    name: collection.name,
    products: collection.products
      .map((id) => network.getEntity<ProductState>(session, PRODUCT_KIND, id))
      .filter((p): p is ProductState => Boolean(p))
      .slice(0, max)
      .map(productView),
  };
}

/** The order carried by an order message (send-order-message stores `type:'order'` messages). */
export function orderOf(message: Message | undefined, msgId: string) {
  if (!message) throw new WhatsAppError('msg_not_found', `Message ${msgId} not found`);
  if (String(message.type) !== 'order')
    throw new WhatsAppError('msg_not_is_a_order', `Message ${msgId} is not an order`);
  const fields = message as unknown as Record<string, unknown>;
  const products = (fields.products ?? fields.orderItems ?? fields.items ?? []) as Record<string, unknown>[];
  const subtotal =
    (fields.subtotal as number | undefined) ??
    products.reduce((sum, p) => sum + Number(p.price ?? 0) * Number(p.qnt ?? p.quantity ?? 1), 0);
  const tax = (fields.tax as number | undefined) ?? 0;
  return {
    id: (fields.orderId as string | undefined) ?? msgId,
    products,
    itemCount: (fields.itemCount as number | undefined) ?? products.length,
    subtotal,
    tax,
    total:
      (fields.total as number | undefined) ??
      (fields.totalAmount1000 as number | undefined) ??
      subtotal + tax,
    currency:
      (fields.currency as string | undefined) ?? (fields.totalCurrencyCode as string | undefined) ?? 'BRL',
    createdAt: message.t,
    sellerJid: (fields.sellerJid as string | undefined) ?? message.from,
  };
}

export function catalogMethods({ network, phone }: SandboxContext): EngineClient {
  const session = phone.session;

  const own = (id: string): ProductState => {
    const product = network.getEntity<ProductState>(session, PRODUCT_KIND, String(id));
    if (!product) throw new WhatsAppError('product_not_found', `Product ${id} not found`);
    return product;
  };
  const save = (product: ProductState) => {
    network.putEntity(session, PRODUCT_KIND, product.id, product);
    return productView(product);
  };
  const collection = (id: string): CollectionState => {
    const found = network.getEntity<CollectionState>(session, COLLECTION_KIND, String(id));
    if (!found) throw new WhatsAppError('collection_not_found', `Collection ${id} not found`);
    return found;
  };
  const business = (): BusinessState =>
    network.getEntity<BusinessState>(session, BUSINESS_KIND, 'profile') ?? { cartEnabled: true, profile: {} };

  /** The session whose catalog a phone/wid names: other businesses see only visible products. */
  const catalogOwner = (id: string): { session: string | undefined; self: boolean } => {
    if (!network.exists(id)) throw new WhatsAppError('contact_not_found', `${id} is not on WhatsApp`);
    const owner = network.phoneByNumber(network.numberOf(id));
    return { session: owner?.session, self: owner?.session === session };
  };
  const productsOf = (id: string): ProductState[] => {
    const owner = catalogOwner(id);
    if (!owner.session) return [];
    return network
      .listEntities<ProductState>(owner.session, PRODUCT_KIND)
      .filter((p) => owner.self || !p.isHidden);
  };

  return {
    async createProduct(name, image, description, price, isHidden, url, retailerId, currency) {
      const product: ProductState = {
        id: String(Date.now() * 1000 + (randomBytes(2).readUInt16BE(0) % 1000)),
        name,
        description: description ?? '',
        price: Number(price),
        currency: currency || 'BRL',
        url: url ?? '',
        retailerId: retailerId ?? '',
        isHidden: Boolean(isHidden),
        images: [hashOf(image)],
      };
      return save(product) as unknown as Awaited<ReturnType<NonNullable<EngineClient['createProduct']>>>;
    },

    async getProducts(id, qnt) {
      const limit = Number(qnt) > 0 ? Number(qnt) : 10;
      return productsOf(id).slice(0, limit).map(productView);
    },

    async getProductById(id, productId) {
      const product = productsOf(id).find((p) => p.id === String(productId));
      if (!product) throw new WhatsAppError('product_not_found', `Product ${productId} not found`);
      return productView(product);
    },

    async getBusinessProfilesProducts(id) {
      return productsOf(id).map(productView);
    },

    async editProduct(productId, options) {
      const product = own(productId);
      const changes = (options ?? {}) as unknown as Partial<Record<string, unknown>>;
      if (typeof changes.name === 'string') product.name = changes.name;
      if (typeof changes.description === 'string') product.description = changes.description;
      if (changes.price !== undefined && Number.isFinite(Number(changes.price)))
        product.price = Number(changes.price);
      if (typeof changes.currency === 'string') product.currency = changes.currency;
      if (typeof changes.url === 'string') product.url = changes.url;
      if (typeof changes.retailerId === 'string') product.retailerId = changes.retailerId;
      if (typeof changes.isHidden === 'boolean') product.isHidden = changes.isHidden;
      return save(product) as unknown as Awaited<ReturnType<NonNullable<EngineClient['editProduct']>>>;
    },

    async delProducts(productsId) {
      const ids = (Array.isArray(productsId) ? productsId : [productsId]).map(String);
      for (const id of ids) own(id);
      for (const id of ids) network.deleteEntity(session, PRODUCT_KIND, id);
      for (const found of network.listEntities<CollectionState>(session, COLLECTION_KIND)) {
        found.products = found.products.filter((p) => !ids.includes(p));
        network.putEntity(session, COLLECTION_KIND, found.id, found);
      }
      return { deleted: ids };
    },

    async changeProductImage(productId, image) {
      const product = own(productId);
      product.images = [hashOf(image), ...product.images.slice(1)];
      return save(product);
    },

    async addProductImage(productId, image) {
      const product = own(productId);
      product.images.push(hashOf(image));
      return save(product);
    },

    async removeProductImage(productId, index) {
      const product = own(productId);
      // Index 0 is the main image, which a product cannot lose; additional images count from 1.
      const position = Number(index);
      if (!Number.isInteger(position) || position < 1 || position >= product.images.length)
        throw new WhatsAppError('image_not_found', `Product ${productId} has no additional image ${index}`);
      product.images.splice(position, 1);
      return save(product) as unknown as Awaited<ReturnType<NonNullable<EngineClient['removeProductImage']>>>;
    },

    async getCollections(id, qnt, maxProducts) {
      const owner = catalogOwner(id);
      if (!owner.session) return [];
      const limit = Number(qnt) > 0 ? Number(qnt) : 10;
      const max = Number(maxProducts) > 0 ? Number(maxProducts) : 10;
      const ownerSession = owner.session;
      return network
        .listEntities<CollectionState>(ownerSession, COLLECTION_KIND)
        .slice(0, limit)
        .map((c) => collectionView(network, ownerSession, c, max)) as unknown as Awaited<
        ReturnType<NonNullable<EngineClient['getCollections']>>
      >;
    },

    async createCollection(collectionName, productsId) {
      const products = (Array.isArray(productsId) ? productsId : [productsId]).map(String);
      for (const id of products) own(id);
      const created: CollectionState = {
        id: String(Date.now() * 1000 + (randomBytes(2).readUInt16BE(0) % 1000)),
        name: collectionName,
        products,
      };
      network.putEntity(session, COLLECTION_KIND, created.id, created);
      return collectionView(network, session, created, products.length);
    },

    async editCollection(collectionId, options) {
      const found = collection(collectionId);
      const changes = (options ?? {}) as unknown as { name?: unknown; products?: unknown };
      if (typeof changes.name === 'string') found.name = changes.name;
      if (Array.isArray(changes.products)) {
        const products = changes.products.map(String);
        for (const id of products) own(id);
        found.products = products;
      }
      network.putEntity(session, COLLECTION_KIND, found.id, found);
      return collectionView(network, session, found, found.products.length);
    },

    async deleteCollection(collectionId) {
      collection(collectionId);
      network.deleteEntity(session, COLLECTION_KIND, String(collectionId));
      return { deleted: String(collectionId) };
    },

    async setProductVisibility(productId, value) {
      const product = own(productId);
      product.isHidden = !value;
      return save(product);
    },

    async updateCartEnabled(value) {
      const state = business();
      state.cartEnabled = Boolean(value);
      network.putEntity(session, BUSINESS_KIND, 'profile', state);
      return { cartEnabled: state.cartEnabled };
    },

    async editBusinessProfile(options) {
      const state = business();
      state.profile = { ...state.profile, ...(options as Record<string, unknown>) };
      network.putEntity(session, BUSINESS_KIND, 'profile', state);
      return { ...state.profile, id: phone.wid };
    },

    async getOrder(msgId) {
      return orderOf(network.getMessage(session, msgId), msgId) as unknown as Awaited<
        ReturnType<NonNullable<EngineClient['getOrder']>>
      >;
    },

    async getOrderbyMsg(messageId) {
      return orderOf(network.getMessage(session, messageId), messageId);
    },
  };
}
