import { createHash, randomBytes } from 'node:crypto';
import type { EngineClient } from '../../../core/index.ts';
import { makeChat, WhatsAppError } from '../model.ts';
import type { SandboxNetwork, SandboxPhone } from '../network.ts';
import type { SandboxContext } from './context.ts';

/** Entity kinds: newsletters are network-wide (owner ''); a mute belongs to one session. */
export const NEWSLETTER_KIND = 'newsletter';
const MUTE_KIND = 'newsletter-mute';

/** A newsletter (channel) as the network stores it. */
export interface NewsletterState {
  idJid: string;
  name: string;
  description: string | null;
  /** A tag of the picture (the image itself is not kept), or null. */
  picture: string | null;
  /** The wid of the phone that created it: the only one allowed to post, edit or delete. */
  owner: string;
  inviteCode: string;
  state: 'ACTIVE' | 'DELETED';
  timestamp: number;
}

function resultOf(newsletter: NewsletterState) {
  return {
    idJid: newsletter.idJid,
    inviteCode: newsletter.inviteCode,
    inviteLink: `https://whatsapp.com/channel/${newsletter.inviteCode}`,
    name: newsletter.name,
    state: newsletter.state,
    subscribersCount: 0,
    description: newsletter.description,
    timestamp: newsletter.timestamp,
  };
}

function pictureTag(picture: string): string {
  return createHash('sha256').update(picture).digest('hex').slice(0, 16);
}

/** The newsletter, if it exists and is active. */
export function findNewsletter(network: SandboxNetwork, id: string): NewsletterState {
  const found = network.getEntity<NewsletterState>('', NEWSLETTER_KIND, id);
  if (found?.state !== 'ACTIVE')
    throw new WhatsAppError('invalid_newsletter_id', `Newsletter ${id} does not exist`);
  return found;
}

/** The newsletter, if `phone` owns it (posting, editing and deleting need that). */
export function ownedNewsletter(network: SandboxNetwork, phone: SandboxPhone, id: string): NewsletterState {
  const found = findNewsletter(network, id);
  if (found.owner !== phone.wid)
    throw new WhatsAppError('newsletter_subscribers_require_admin', `You are not the owner of ${id}`);
  return found;
}

export function newsletterMethods({ network, phone }: SandboxContext): EngineClient {
  return {
    async createNewsletter(name, options) {
      const newsletter: NewsletterState = {
        idJid: `120363${(randomBytes(6).readUIntBE(0, 6) % 10 ** 12).toString().padStart(12, '0')}@newsletter`,
        name,
        description: options?.description ?? null,
        picture: options?.picture ? pictureTag(options.picture) : null,
        owner: phone.wid,
        inviteCode: randomBytes(12).toString('base64url'),
        state: 'ACTIVE',
        timestamp: Math.floor(Date.now() / 1000),
      };
      network.putEntity('', NEWSLETTER_KIND, newsletter.idJid, newsletter);
      return resultOf(newsletter);
    },

    async editNewsletter(id, opts) {
      const newsletter = ownedNewsletter(network, phone, id);
      if (opts?.name !== undefined) newsletter.name = opts.name;
      if (opts?.description !== undefined) newsletter.description = opts.description;
      // `picture: null` removes the picture; a string replaces it; undefined keeps it.
      if (opts?.picture !== undefined) newsletter.picture = opts.picture ? pictureTag(opts.picture) : null;
      network.putEntity('', NEWSLETTER_KIND, id, newsletter);
      return resultOf(newsletter);
    },

    async destroyNewsletter(id) {
      const newsletter = ownedNewsletter(network, phone, id);
      newsletter.state = 'DELETED';
      network.putEntity('', NEWSLETTER_KIND, id, newsletter);
      return true;
    },

    async muteNesletter(id) {
      const newsletter = findNewsletter(network, id);
      network.putEntity(phone.session, MUTE_KIND, id, { muted: true });
      const chat = makeChat({
        id,
        name: newsletter.name,
        t: newsletter.timestamp,
        muteExpiration: -1,
        isReadOnly: newsletter.owner !== phone.wid,
      });
      return chat as unknown as Awaited<ReturnType<NonNullable<EngineClient['muteNesletter']>>>;
    },
  };
}
