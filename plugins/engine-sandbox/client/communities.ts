import type { Wid } from '@wppconnect-team/wppconnect';
import type { EngineClient } from '../../../core/index.ts';
import { type GroupState, WhatsAppError, wid } from '../model.ts';
import type { SandboxContext } from './context.ts';
import { GroupDirectory } from './groups.ts';

function idOf(id: string | Wid): string {
  return typeof id === 'string' ? id : id._serialized;
}

function idsOf(ids: string | Wid | (string | Wid)[]): string[] {
  return (Array.isArray(ids) ? ids : [ids]).map(idOf);
}

/**
 * Communities: a parent group (isParentGroup) with its announcement group (defaultSubgroup) and
 * linked subgroups (parentGroup = the community). The community's members are its own participant
 * list, which grows with the members of every linked group.
 */
export function communityMethods({ network, phone }: SandboxContext): EngineClient {
  const groups = new GroupDirectory(network);

  const community = (id: string | Wid): GroupState => {
    const found = groups.get(idOf(id));
    if (!found.isParentGroup || found.deactivated)
      throw new WhatsAppError('not_a_community', `${idOf(id)} is not an active community`);
    return found;
  };

  const adminOfCommunity = (id: string | Wid): GroupState => {
    const found = community(id);
    if (!groups.participant(found, phone.wid)?.isAdmin)
      throw new WhatsAppError('group_you_are_not_admin', `You are not an admin of ${found.id}`);
    return found;
  };

  /** Links groups to a community (the caller must admin each); returns wa-js's result shape. */
  const link = (parent: GroupState, groupIds: string[]) => {
    const failedGroups: { error: string; jid: string }[] = [];
    const linkedGroupJids: string[] = [];
    const announcement = groups.all().find((g) => g.parentGroup === parent.id && g.defaultSubgroup);
    for (const id of groupIds) {
      const group = groups.find(id);
      if (!group || group.isParentGroup) {
        failedGroups.push({ error: '404', jid: id });
        continue;
      }
      if (!groups.participant(group, phone.wid)?.isAdmin) {
        failedGroups.push({ error: '403', jid: id });
        continue;
      }
      group.parentGroup = parent.id;
      groups.save(group);
      // Members of a linked group become members of the community and of its announcement group.
      for (const member of group.participants) {
        if (!groups.participant(parent, member.id))
          parent.participants.push({ id: member.id, isAdmin: false, isSuperAdmin: false });
        if (announcement && !groups.participant(announcement, member.id))
          announcement.participants.push({ id: member.id, isAdmin: false, isSuperAdmin: false });
      }
      linkedGroupJids.push(id);
    }
    groups.save(parent);
    if (announcement) groups.save(announcement);
    return { failedGroups, linkedGroupJids };
  };

  const setAdmin = (id: string | Wid, participants: string | Wid | (string | Wid)[], isAdmin: boolean) => {
    const parent = adminOfCommunity(id);
    for (const participantId of idsOf(participants)) {
      const member = groups.participant(parent, participantId);
      if (!member)
        throw new WhatsAppError(
          'group_participant_is_not_a_group_member',
          `${participantId} is not a member of ${parent.id}`,
        );
      if (member.isSuperAdmin && !isAdmin)
        throw new WhatsAppError('group_you_are_not_admin', 'The community creator cannot be demoted');
      member.isAdmin = isAdmin;
    }
    groups.save(parent);
    return { success: true, participants: idsOf(participants).map((p) => groups.userId(p)) };
  };

  return {
    async createCommunity(name, description, groupIds) {
      const parent = groups.create(phone, name, [], { isParentGroup: true, desc: description ?? '' });
      const announcement = groups.create(phone, name, [], {
        parentGroup: parent.id,
        defaultSubgroup: true,
        announce: true,
      });
      const linked = link(parent, idsOf(groupIds ?? []));
      return {
        wid: wid(parent.id),
        subject: name,
        description: description ?? '',
        announcementGroup: wid(announcement.id),
        subGroups: linked.linkedGroupJids.map((id) => wid(id)),
        failedGroups: linked.failedGroups,
      };
    },

    async deactivateCommunity(communityId) {
      const parent = adminOfCommunity(communityId);
      if (!groups.participant(parent, phone.wid)?.isSuperAdmin)
        throw new WhatsAppError('group_you_are_not_admin', 'Only the community creator can deactivate it');
      for (const group of groups.all()) {
        if (group.parentGroup !== parent.id) continue;
        // The announcement group goes with the community; other groups stay, unlinked.
        if (group.defaultSubgroup) group.deactivated = true;
        group.parentGroup = undefined;
        groups.save(group);
      }
      parent.deactivated = true;
      groups.save(parent);
      return { success: true, id: parent.id };
    },

    async addSubgroupsCommunity(communityId, groupsIds) {
      return link(adminOfCommunity(communityId), idsOf(groupsIds));
    },

    async removeSubgroupsCommunity(communityId, groupsIds) {
      const parent = adminOfCommunity(communityId);
      const failedGroups: { error: string; jid: string }[] = [];
      const linkedGroupJids: string[] = [];
      for (const id of idsOf(groupsIds)) {
        const group = groups.find(id);
        if (!group || group.parentGroup !== parent.id || group.defaultSubgroup) {
          failedGroups.push({ error: '404', jid: id });
          continue;
        }
        group.parentGroup = undefined;
        groups.save(group);
        linkedGroupJids.push(id);
      }
      return { failedGroups, linkedGroupJids };
    },

    async promoteCommunityParticipant(communityId, participantId) {
      return setAdmin(communityId, participantId, true);
    },

    async demoteCommunityParticipant(communityId, participantId) {
      return setAdmin(communityId, participantId, false);
    },

    async getCommunityParticipants(communityId) {
      const parent = community(communityId);
      if (!groups.participant(parent, phone.wid))
        throw new WhatsAppError('group_not_exist', `You are not a member of ${parent.id}`);
      return parent.participants.map((p) => ({
        id: wid(p.id),
        isAdmin: p.isAdmin,
        isSuperAdmin: p.isSuperAdmin,
      }));
    },
  };
}
