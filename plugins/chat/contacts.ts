import { contactToArray, httpError, type PluginApi, Type } from '../../core/index.ts';
import {
  attempt,
  chatIdFromPath,
  IsGroupQuery,
  PhoneParams,
  recipientFields,
  SessionParams,
  success,
} from './shared.ts';

/**
 * The id getPnLidEntry takes: `<number>@c.us` or `<lid>@lid` (a bare number becomes `@c.us`, or
 * `@lid` when longer than 14 digits, as contactToArray decides).
 */
function pnLidId(segment: string): string {
  if (/^\d{5,20}@(c\.us|lid)$/.test(segment)) return segment;
  if (/^\+?[\d\s().-]{5,40}$/.test(segment)) {
    const id = contactToArray({ phone: segment }).at(-1);
    if (id) return id;
  }
  throw httpError(400, 'pnLid must be a phone number (optionally @c.us) or a LID (@lid)');
}

/** Contacts, profiles of other users, the phone ↔ LID mapping and the blocklist. */
export function registerContactRoutes(api: PluginApi<object>): void {
  api.route({
    method: 'GET',
    path: '/api/:session/contact/:phone',
    summary: 'A contact',
    tags: ['Chat'],
    auth: 'token',
    connected: true,
    schema: { params: PhoneParams },
    handler: async ({ session, params }) =>
      success(
        await attempt(() => session.engine('getContact')(chatIdFromPath(params.phone)), {
          status: 'error',
          message: 'Error on get contact',
        }),
      ),
  });

  api.route({
    method: 'GET',
    path: '/api/:session/profile/:phone',
    summary: "A number's WhatsApp profile (deprecated: check-number-status)",
    tags: ['Chat'],
    auth: 'token',
    connected: true,
    schema: { params: PhoneParams },
    handler: async ({ session, params }) =>
      success(
        await attempt(() => session.engine('getNumberProfile')(chatIdFromPath(params.phone)), {
          status: 'error',
          message: 'Error on get number profile',
        }),
      ),
  });

  api.route({
    method: 'GET',
    path: '/api/:session/check-number-status/:phone',
    summary: 'Whether a number exists on WhatsApp (and its canonical id)',
    tags: ['Misc'],
    auth: 'token',
    connected: true,
    schema: { params: PhoneParams },
    handler: async ({ session, params }) =>
      success(
        await attempt(() => session.engine('checkNumberStatus')(chatIdFromPath(params.phone)), {
          status: 'error',
          message: 'Error on check number status',
        }),
      ),
  });

  api.route({
    method: 'GET',
    path: '/api/:session/all-contacts',
    summary: 'All contacts',
    tags: ['Contact'],
    auth: 'token',
    connected: true,
    schema: { params: SessionParams },
    handler: async ({ session }) =>
      success(
        await attempt(() => session.engine('getAllContacts')(), {
          status: 'error',
          message: 'Error on get all constacts',
        }),
      ),
  });

  api.route({
    method: 'GET',
    path: '/api/:session/contact/pn-lid/:pnLid',
    summary: 'Phone number ↔ LID mapping of a contact',
    description: 'Answers the bare `{lid, phoneNumber, contact}` (no envelope), as wppconnect-server does.',
    tags: ['Contact'],
    auth: 'token',
    connected: true,
    schema: {
      params: Type.Object({ session: Type.String(), pnLid: Type.String({ minLength: 1, maxLength: 64 }) }),
    },
    handler: async ({ session, params }) => {
      const id = pnLidId(params.pnLid);
      const entry = await attempt(() => session.engine('getPnLidEntry')(id), {
        status: 'error',
        message: 'Error on get contact by PN-LID',
      });
      return { body: entry };
    },
  });

  api.route({
    method: 'GET',
    path: '/api/:session/profile-pic/:phone',
    summary: "A contact's (or with isGroup a group's) profile picture",
    tags: ['Contact'],
    auth: 'token',
    connected: true,
    schema: { params: PhoneParams, query: Type.Object({ isGroup: IsGroupQuery }) },
    handler: async ({ session, params, query }) =>
      success(
        await attempt(
          () => session.engine('getProfilePicFromServer')(chatIdFromPath(params.phone, query.isGroup)),
          {
            status: 'error',
            message: 'Error on  get profile pic',
          },
        ),
      ),
  });

  api.route({
    method: 'GET',
    path: '/api/:session/profile-status/:phone',
    summary: "A contact's about text",
    tags: ['Contact'],
    auth: 'token',
    connected: true,
    schema: { params: PhoneParams },
    handler: async ({ session, params }) =>
      success(
        await attempt(() => session.engine('getStatus')(chatIdFromPath(params.phone)), {
          status: 'error',
          message: 'Error on  get status',
        }),
      ),
  });

  api.route({
    method: 'GET',
    path: '/api/:session/blocklist',
    summary: 'Blocked contacts',
    tags: ['Misc'],
    auth: 'token',
    connected: true,
    schema: { params: SessionParams },
    handler: async ({ session }) => {
      const blocked = await attempt(() => session.engine('getBlockList')(), {
        status: 'error',
        message: 'Error retrieving blocked contact list',
      });
      return success(blocked.map((id) => ({ phone: id ? String(id).split('@')[0] : '' })));
    },
  });

  for (const [path, method, message, errorMessage] of [
    ['block-contact', 'blockContact', 'Contact blocked', 'Error on block contact'],
    ['unblock-contact', 'unblockContact', 'Contact UnBlocked', 'Error on unlock contact'],
  ] as const) {
    api.route({
      method: 'POST',
      path: `/api/:session/${path}`,
      summary:
        method === 'blockContact' ? 'Block contacts: their messages stop arriving' : 'Unblock contacts',
      tags: ['Misc'],
      auth: 'token',
      connected: true,
      recipients: true,
      schema: { params: SessionParams, body: Type.Object(recipientFields) },
      handler: async ({ session, recipients }) => {
        // wppconnect-server passed the whole list as one id; wppd (un)blocks each.
        for (const id of recipients)
          await attempt(() => session.engine(method)(id), { status: 'error', message: errorMessage });
        return success({ message });
      },
    });
  }
}
