import fs from 'node:fs/promises';
import {
  contactToArray,
  definePlugin,
  httpError,
  resolveRecipients,
  type Session,
  type Static,
  Type,
} from '../../core/index.ts';
import { communityRoutes } from './communities.ts';
import {
  attempt,
  GROUP_PROPERTIES,
  GroupIds,
  GroupParams,
  groupInfo,
  groupProperty,
  groupToArray,
  isTrue,
  SessionParams,
} from './shared.ts';

const Phone = Type.Union(
  [
    Type.String({ minLength: 1, maxLength: 10_000 }),
    Type.Array(Type.String(), { minItems: 1, maxItems: 1000 }),
  ],
  { description: 'Participant number(s): a string, an array, or a `,`/`;` list' },
);

/** Image signatures a group picture may have (JPEG, PNG, WebP). */
function imageType(bytes: Buffer): string | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return 'image/jpeg';
  if (bytes.subarray(0, 4).toString('hex') === '89504e47') return 'image/png';
  if (bytes.subarray(0, 4).toString() === 'RIFF' && bytes.subarray(8, 12).toString() === 'WEBP')
    return 'image/webp';
  return undefined;
}

/** Group routes of wppconnect-server (tag Group; all-broadcast-list is tagged Misc) and communities. */
export default definePlugin({
  name: 'groups',
  version: '1.0.0',
  core: '^1.0.0',
  register(api) {
    const common = { auth: 'token', connected: true } as const;

    api.route({
      ...common,
      method: 'GET',
      path: '/api/:session/all-broadcast-list',
      summary: 'List broadcast lists',
      tags: ['Misc'],
      schema: { params: SessionParams, responses: { 200: { description: '{status, response: Chat[]}' } } },
      handler: async ({ session }) => {
        const response = await attempt('Error on get all broad cast list', () =>
          session.engine('getAllBroadcastList')(),
        );
        return { status: 200, body: { status: 'success', response } };
      },
    });

    api.route({
      ...common,
      method: 'GET',
      path: '/api/:session/all-groups',
      summary: 'List the groups the session is in',
      description: "Deprecated in wppconnect-server in favour of list-chats' onlyGroups.",
      tags: ['Group'],
      schema: { params: SessionParams, responses: { 200: { description: '{status, response: Chat[]}' } } },
      handler: async ({ session }) => {
        const response = await attempt('Error fetching groups', () => session.engine('getAllGroups')());
        return { status: 200, body: { status: 'success', response } };
      },
    });

    /** A GET on one group (or a list, answering the last one, as wppconnect-server does). */
    const perGroupGet = (
      path: string,
      summary: string,
      errorText: string,
      read: (session: Session, group: string) => Promise<unknown>,
      options: { collect?: boolean; successStatus?: string; failureStatus?: number } = {},
    ) =>
      api.route({
        ...common,
        method: 'GET',
        path: `/api/:session/${path}/:groupId`,
        summary,
        tags: ['Group'],
        schema: { params: GroupParams, responses: { 200: { description: '{status, response}' } } },
        handler: async ({ session, params }) => {
          const results: unknown[] = [];
          for (const group of groupToArray(params.groupId))
            results.push(await attempt(errorText, () => read(session, group), options.failureStatus));
          if (!results.length) throw httpError(400, 'groupId names no group');
          const response = options.collect ? results : results[results.length - 1];
          return { status: 200, body: { status: options.successStatus ?? 'success', response } };
        },
      });

    perGroupGet('group-members', 'Members of a group (Contacts)', 'Error on get group members', (s, g) =>
      s.engine('getGroupMembers')(g),
    );
    perGroupGet('group-members-ids', 'Member ids of a group', 'Error on get group members ids', (s, g) =>
      s.engine('getGroupMembersIds')(g),
    );
    perGroupGet(
      'group-admins',
      'Admins of the group(s), one array per group',
      'Error retrieving group admin(s)',
      (s, g) => s.engine('getGroupAdmins')(g),
      { collect: true },
    );
    perGroupGet('group-info', 'Group info (normalised, ISO dates)', 'Error on get group info', async (s, g) =>
      groupInfo(await s.engine('getChatById')(g)),
    );
    perGroupGet(
      'group-invite-link',
      'The invite link (admins only)',
      'Error on get group invite link',
      (s, g) => s.engine('getGroupInviteLink')(g),
    );
    perGroupGet(
      'group-revoke-link',
      'Revoke the invite link and get a new one (admins only; the old code stops working)',
      'Error on revoke group invite link',
      (s, g) => s.engine('revokeGroupInviteLink')(g),
      { successStatus: 'Success', failureStatus: 400 },
    );

    api.route({
      ...common,
      method: 'GET',
      path: '/api/:session/common-groups/:wid',
      summary: 'Groups the session shares with a contact',
      tags: ['Group'],
      schema: {
        params: Type.Object({
          session: Type.String(),
          wid: Type.String({
            pattern: '^[0-9+() -]{5,30}(@(c\\.us|lid))?$',
            description: 'number or <number>@c.us',
          }),
        }),
        responses: { 200: { description: 'RAW: Wid[]' } },
      },
      handler: async ({ session, params }) => {
        const [wid] = contactToArray({ phone: params.wid, isLid: params.wid.endsWith('@lid') });
        if (!wid) throw httpError(400, 'wid is not a contact id');
        return {
          status: 200,
          body: await attempt('Error on get common groups', () => session.engine('getCommonGroups')(wid)),
        };
      },
    });

    api.route({
      ...common,
      method: 'POST',
      path: '/api/:session/create-group',
      summary: 'Create group(s) with participants',
      description:
        'One group per name. Every participant must exist on WhatsApp (400 otherwise, nothing created).',
      tags: ['Group'],
      schema: {
        params: SessionParams,
        body: Type.Object({
          participants: Phone,
          name: Type.Union([
            Type.String({ minLength: 1, maxLength: 100 }),
            Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { minItems: 1, maxItems: 50 }),
          ]),
        }),
        responses: { 201: { description: '{status, response:{message, group, groupInfo[]}}' } },
      },
      handler: async ({ session, body }) => {
        const participants = await resolveRecipients(session, { phone: body.participants });
        if (!participants.length) throw httpError(400, 'participants names no number');
        const groupInfo: { name: string; id: string; participants: unknown }[] = [];
        // wppconnect-server's groupNameToArray: a `,`/`;` list of names makes one group per name.
        const names = (Array.isArray(body.name) ? body.name : body.name.split(/\s*[,;]\s*/)).filter(Boolean);
        if (!names.length) throw httpError(400, 'name names no group');
        for (const name of names) {
          const created = await attempt('Error creating group(s)', () =>
            session.engine('createGroup')(name, participants),
          );
          groupInfo.push({ name, id: created.gid.user, participants: created.participants });
        }
        return {
          status: 201,
          body: {
            status: 'success',
            response: { message: 'Group(s) created successfully', group: body.name, groupInfo },
          },
        };
      },
    });

    api.route({
      ...common,
      method: 'POST',
      path: '/api/:session/leave-group',
      summary: 'Leave group(s)',
      tags: ['Group'],
      schema: {
        params: SessionParams,
        body: Type.Object({ groupId: GroupIds }),
        responses: { 200: { description: '{status, response:{messages, group}}' } },
      },
      handler: async ({ session, body }) => {
        for (const group of groupToArray(body.groupId))
          await attempt('Erro ao sair do(s) grupo(s)', () => session.engine('leaveGroup')(group));
        return {
          status: 200,
          body: {
            status: 'success',
            response: { messages: 'Você saiu do grupo com sucesso', group: body.groupId },
          },
        };
      },
    });

    api.route({
      ...common,
      method: 'POST',
      path: '/api/:session/join-code',
      summary: 'Join a group with an invite code or link',
      tags: ['Group'],
      schema: {
        params: SessionParams,
        body: Type.Object({ inviteCode: Type.Optional(Type.String({ maxLength: 200 })) }),
        responses: { 201: { description: '{status, response:{message, contact}}' } },
      },
      handler: async ({ session, body }) => {
        if (!body.inviteCode) return { status: 400, body: { message: 'Invitation Code is required' } };
        const inviteCode = body.inviteCode;
        await attempt('The informed contact(s) did not join the group successfully', () =>
          session.engine('joinGroup')(inviteCode),
        );
        return {
          status: 201,
          body: {
            status: 'success',
            response: {
              message: 'The informed contact(s) entered the group successfully',
              contact: inviteCode,
            },
          },
        };
      },
    });

    /** add/remove/promote/demote: `phone` is checked (recipients) and applied to each group. */
    const participantRoute = (
      path: string,
      summary: string,
      method: 'addParticipant' | 'removeParticipant' | 'promoteParticipant' | 'demoteParticipant',
      errorText: string,
      reply: (
        participants: string[],
        groups: string[],
        results: unknown[],
      ) => { status: number; body: unknown },
    ) =>
      api.route({
        ...common,
        recipients: true,
        method: 'POST',
        path: `/api/:session/${path}`,
        summary,
        description: 'Only group admins may change participants; others get 403.',
        tags: ['Group'],
        schema: {
          params: SessionParams,
          body: Type.Object({ groupId: GroupIds, phone: Phone }),
          responses: { 200: { description: 'see wppconnect-server' }, 403: { description: 'not an admin' } },
        },
        handler: async ({ session, body, recipients }) => {
          const groups = groupToArray(body.groupId);
          const results: unknown[] = [];
          for (const group of groups)
            results.push(
              (await attempt(
                errorText,
                () => session.engine(method)(group, recipients) as Promise<unknown>,
              )) ?? null,
            );
          return reply(recipients, groups, results);
        },
      });

    participantRoute(
      'add-participant-group',
      'Add participant(s) to group(s)',
      'addParticipant',
      'Error adding participant(s)',
      (participants, groups, result) => ({
        status: 201,
        body: {
          status: 'success',
          response: { message: 'Addition to group attempted.', participants, groups, result },
        },
      }),
    );
    participantRoute(
      'remove-participant-group',
      'Remove participant(s) from group(s)',
      'removeParticipant',
      'Error removing participant(s)',
      (participants, _groups, results) => ({
        status: 200,
        body: {
          status: 'success',
          response: { message: 'Participant(s) removed successfully', participants, groups: results },
        },
      }),
    );
    participantRoute(
      'promote-participant-group',
      'Make participant(s) admins',
      'promoteParticipant',
      'Error promoting participant(s)',
      (participants, groups) => ({
        status: 201,
        body: {
          status: 'success',
          response: { message: 'Successful promoted participant(s)', participants, groups },
        },
      }),
    );
    participantRoute(
      'demote-participant-group',
      'Revoke participant(s) admin rights',
      'demoteParticipant',
      "Error revoking participant's admin(s)",
      (participants, groups) => ({
        status: 201,
        body: {
          status: 'success',
          response: { message: 'Admin of participant(s) revoked successfully', participants, groups },
        },
      }),
    );

    api.route({
      ...common,
      method: 'POST',
      path: '/api/:session/group-info-from-invite-link',
      summary: 'Group info from an invite code or link (without joining)',
      tags: ['Group'],
      schema: {
        params: SessionParams,
        body: Type.Object({
          invitecode: Type.String({
            minLength: 1,
            maxLength: 200,
            description: 'all lowercase, as wppconnect-server reads it',
          }),
        }),
        responses: { 200: { description: '{status, response}' } },
      },
      handler: async ({ session, body }) => {
        const response = await attempt('Error on get group info from invite link', () =>
          session.engine('getGroupInfoFromInviteLink')(body.invitecode),
        );
        return { status: 200, body: { status: 'success', response } };
      },
    });

    /** A POST that changes each group and answers the last result (S200). */
    const groupSetting = <S extends ReturnType<typeof Type.Object>>(
      path: string,
      summary: string,
      bodySchema: S,
      errorText: string,
      change: (session: Session, group: string, body: Static<S>) => Promise<unknown>,
    ) =>
      api.route({
        ...common,
        method: 'POST',
        path: `/api/:session/${path}`,
        summary,
        tags: ['Group'],
        schema: {
          params: SessionParams,
          body: bodySchema,
          responses: { 200: { description: '{status, response}' } },
        },
        handler: async ({ session, body }) => {
          let response: unknown = {};
          for (const group of groupToArray((body as unknown as { groupId: string | string[] }).groupId))
            response = await attempt(errorText, () => change(session, group, body as Static<S>));
          return { status: 200, body: { status: 'success', response } };
        },
      });

    groupSetting(
      'group-description',
      'Set the group description',
      Type.Object({ groupId: GroupIds, description: Type.String({ maxLength: 2048 }) }),
      'Error on set group description',
      (s, g, b) => s.engine('setGroupDescription')(g, b.description),
    );
    groupSetting(
      'group-subject',
      'Set the group name',
      Type.Object({ groupId: GroupIds, title: Type.String({ minLength: 1, maxLength: 100 }) }),
      'Error on set group subject',
      (s, g, b) => s.engine('setGroupSubject')(g, b.title),
    );
    groupSetting(
      'group-property',
      'Set a group property (admins only)',
      Type.Object({
        groupId: GroupIds,
        property: Type.Union(GROUP_PROPERTIES.map((p) => Type.Literal(p))),
        value: Type.Boolean({ default: true }),
      }),
      'Error on set group property',
      (s, g, b) => s.engine('setGroupProperty')(g, groupProperty(b.property), b.value),
    );
    groupSetting(
      'messages-admins-only',
      'Only admins may send messages (admins only)',
      Type.Object({ groupId: GroupIds, value: Type.Boolean({ default: true }) }),
      'Error on set messages admins only',
      (s, g, b) => s.engine('setMessagesAdminsOnly')(g, b.value),
    );

    api.route({
      ...common,
      method: 'POST',
      path: '/api/:session/change-privacy-group',
      summary: "Only admins may edit the group's info (status true) or everyone (false)",
      description:
        'wppconnect-server builds @c.us ids here (a bug); wppd uses the group ids. `status` may be a boolean or "true"/"false".',
      tags: ['Group'],
      schema: {
        params: SessionParams,
        body: Type.Object({
          groupId: GroupIds,
          status: Type.Union([Type.Boolean(), Type.String({ maxLength: 5 })]),
        }),
        responses: { 200: { description: '{status, response:{message}}' } },
      },
      handler: async ({ session, body }) => {
        for (const group of groupToArray(body.groupId))
          await attempt('Error changing group privacy', () =>
            session.engine('setGroupProperty')(group, groupProperty('restrict'), isTrue(body.status)),
          );
        return {
          status: 200,
          body: { status: 'success', response: { message: 'Group privacy changed successfully' } },
        };
      },
    });

    api.route({
      ...common,
      upload: true,
      method: 'POST',
      path: '/api/:session/group-pic',
      summary: 'Set the group picture (multipart `file`, or `path` = an http(s) URL)',
      description: 'A local `path` is refused: only uploads and public URLs are read. Admins only.',
      tags: ['Group'],
      schema: {
        params: SessionParams,
        body: Type.Object({ groupId: GroupIds, path: Type.Optional(Type.String({ maxLength: 4096 })) }),
        responses: { 201: { description: '{status, response:{message}}' } },
      },
      handler: async ({ session, body, files }) => {
        const file = files[0];
        if (!body.path && !file) return { status: 401, body: { message: 'Sending the image is mandatory' } };
        let bytes: Buffer;
        if (file) bytes = await fs.readFile(file.path);
        else {
          if (!/^https?:\/\//i.test(body.path ?? ''))
            throw httpError(400, 'path must be an http(s) URL of an image (local paths are not read)');
          bytes = (await api.fetch(body.path as string, { maxBytes: 5 * 1024 * 1024 })).bytes;
        }
        const type = imageType(bytes);
        if (!type) throw httpError(400, 'The picture must be a JPEG, PNG or WebP image');
        const image = `data:${type};base64,${bytes.toString('base64')}`;
        for (const group of groupToArray(body.groupId))
          await attempt('Error changing group photo', () => session.engine('setGroupIcon')(group, image));
        return {
          status: 201,
          body: { status: 'success', response: { message: 'Group profile photo successfully changed' } },
        };
      },
    });

    communityRoutes(api);
  },
});
