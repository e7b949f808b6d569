import type { PluginApi, Session, Static } from '../../core/index.ts';
import { Type } from '../../core/index.ts';
import { attempt, SessionParams } from './shared.ts';

const Ids = Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 200 });
/** A group/community id: `<id>` gets `@g.us`, as the library wants it. */
const groupId = (id: string) => (id.includes('@') ? id : `${id}@g.us`);
/** A participant id: a bare number gets `@c.us`. */
const userId = (id: string) => (id.includes('@') ? id : `${id.replace(/\D/g, '')}@c.us`);
const userIds = (ids: string | string[]) => (Array.isArray(ids) ? ids : [ids]).map(userId);

const CommunityId = Type.String({ minLength: 1, maxLength: 100, description: '<id>@g.us of the community' });

/**
 * Community routes (tag Community). wppconnect-server answers the library's value RAW with 200, and
 * `500 {status:'error', message:'Error on …', error}` on failure (4xx here when WhatsApp refused).
 */
export function communityRoutes(api: PluginApi<object>) {
  const raw = <B extends ReturnType<typeof Type.Object>>(
    path: string,
    summary: string,
    body: B,
    errorText: string,
    call: (session: Session, body: Static<B>) => Promise<unknown>,
  ) =>
    api.route({
      method: 'POST',
      path: `/api/:session/${path}`,
      summary,
      tags: ['Community'],
      auth: 'token',
      connected: true,
      schema: {
        params: SessionParams,
        body,
        responses: { 200: { description: "RAW: the library's result" } },
      },
      handler: async ({ session, body: values }) => ({
        status: 200,
        body: await attempt(errorText, () => call(session, values as Static<B>)),
      }),
    });

  raw(
    'create-community',
    'Create a community (with its announcement group) from groups you admin',
    Type.Object({
      name: Type.String({ minLength: 1, maxLength: 100 }),
      description: Type.Optional(Type.String({ maxLength: 2048, default: '' })),
      groupIds: Type.Optional(Ids),
    }),
    'Error on create community',
    (s, b) => s.engine('createCommunity')(b.name, b.description ?? '', (b.groupIds ?? []).map(groupId)),
  );
  raw(
    'deactivate-community',
    'Deactivate a community (its groups stay, unlinked)',
    Type.Object({ id: CommunityId }),
    'Error on deactivate community',
    (s, b) => s.engine('deactivateCommunity')(groupId(b.id)),
  );
  raw(
    'add-community-subgroup',
    'Link groups to a community',
    Type.Object({ id: CommunityId, groupsIds: Ids }),
    'Error on add subgroup',
    (s, b) => s.engine('addSubgroupsCommunity')(groupId(b.id), b.groupsIds.map(groupId)),
  );
  raw(
    'remove-community-subgroup',
    'Unlink groups from a community',
    Type.Object({ id: CommunityId, groupsIds: Ids }),
    'Error on remove subgroup',
    (s, b) => s.engine('removeSubgroupsCommunity')(groupId(b.id), b.groupsIds.map(groupId)),
  );
  raw(
    'promote-community-participant',
    'Make community members admins',
    Type.Object({ id: CommunityId, participantsId: Type.Union([Type.String({ minLength: 1 }), Ids]) }),
    'Error on promote participant of community',
    (s, b) => s.engine('promoteCommunityParticipant')(groupId(b.id), userIds(b.participantsId)),
  );
  raw(
    'demote-community-participant',
    'Revoke community admin rights',
    Type.Object({ id: CommunityId, participantsId: Type.Union([Type.String({ minLength: 1 }), Ids]) }),
    'Error on demote participant of communoty',
    (s, b) => s.engine('demoteCommunityParticipant')(groupId(b.id), userIds(b.participantsId)),
  );

  api.route({
    method: 'GET',
    path: '/api/:session/community-participants/:id',
    summary: 'Members of a community',
    tags: ['Community'],
    auth: 'token',
    connected: true,
    schema: {
      params: Type.Object({ session: Type.String(), id: CommunityId }),
      responses: { 200: { description: 'RAW: participants' } },
    },
    handler: async ({ session, params }) => ({
      status: 200,
      body: await attempt('Error on get participant of communoty', () =>
        session.engine('getCommunityParticipants')(groupId(params.id)),
      ),
    }),
  });
}
