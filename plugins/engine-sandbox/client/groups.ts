import { createHash, randomBytes } from 'node:crypto';
import type { Chat, ParticipantEvent, Wid } from '@wppconnect-team/wppconnect';
import type { EngineClient } from '../../../core/index.ts';
import { type GroupState, makeChat, makeContact, makeGroupMetadata, WhatsAppError, wid } from '../model.ts';
import type { SandboxNetwork, SandboxPhone } from '../network.ts';
import type { SandboxContext } from './context.ts';

/** Entity kind of groups and communities on the network (owner ''). */
export const GROUP_KIND = 'group';
const INVITE_PREFIX = 'https://chat.whatsapp.com/';

type Participant = GroupState['participants'][number];

function now(): number {
  return Math.floor(Date.now() / 1000);
}

/** A new group id, `120363<12 digits>@g.us` like WhatsApp's. */
function newGroupId(): string {
  return `120363${(randomBytes(6).readUIntBE(0, 6) % 10 ** 12).toString().padStart(12, '0')}@g.us`;
}

function newInviteCode(): string {
  return randomBytes(16).toString('base64url').slice(0, 22);
}

/** The code of an invite: accepts the code or any form of the chat.whatsapp.com link. */
export function inviteCodeOf(codeOrLink: string): string {
  return codeOrLink
    .replace(/^https?:\/\//, '')
    .replace('chat.whatsapp.com/', '')
    .replace('invite/', '')
    .trim();
}

function asList(ids: string | string[] | Wid | Wid[]): string[] {
  const list = Array.isArray(ids) ? ids : [ids];
  return list.map((id) => (typeof id === 'string' ? id : id._serialized));
}

/**
 * The groups of the sandbox network: one record per group shared by every phone, so a group created
 * by one session is seen by its member sessions. Errors use wa-js's codes (see WhatsAppError).
 */
export class GroupDirectory {
  constructor(private readonly network: SandboxNetwork) {}

  find(id: string): GroupState | undefined {
    return this.network.getEntity<GroupState>('', GROUP_KIND, id);
  }

  get(id: string): GroupState {
    const group = this.find(id);
    if (!group) throw new WhatsAppError('group_not_exist', `Group ${id} does not exist`);
    return group;
  }

  save(group: GroupState): void {
    this.network.putEntity('', GROUP_KIND, group.id, group);
  }

  all(): GroupState[] {
    return this.network.listEntities<GroupState>('', GROUP_KIND);
  }

  /** The canonical `<number>@c.us` id of a phone or contact id. */
  userId(id: string): string {
    return `${this.network.numberOf(id)}@c.us`;
  }

  participant(group: GroupState, id: string): Participant | undefined {
    const user = this.userId(id);
    return group.participants.find((p) => p.id === user);
  }

  /** The group, if `phone` is a member; WhatsApp answers "not found" to outsiders. */
  memberOf(phone: SandboxPhone, id: string): GroupState {
    const group = this.get(id);
    if (!this.participant(group, phone.wid) && !group.isParentGroup)
      throw new WhatsAppError('group_not_exist', `You are not a participant of ${id}`);
    return group;
  }

  /** The group, if `phone` is one of its admins. */
  adminOf(phone: SandboxPhone, id: string): GroupState {
    const group = this.get(id);
    const me = this.participant(group, phone.wid);
    if (!me) throw new WhatsAppError('group_not_exist', `You are not a participant of ${id}`);
    if (!me.isAdmin) throw new WhatsAppError('group_you_are_not_admin', `You are not an admin of ${id}`);
    return group;
  }

  create(
    owner: SandboxPhone,
    subject: string,
    memberIds: string[],
    extra: Partial<GroupState> = {},
  ): GroupState {
    const t = now();
    const members = [...new Set(memberIds.map((id) => this.userId(id)))].filter((id) => id !== owner.wid);
    const group: GroupState = {
      id: newGroupId(),
      subject,
      subjectTime: t,
      subjectOwner: owner.wid,
      desc: '',
      descId: '',
      descTime: 0,
      descOwner: '',
      creation: t,
      owner: owner.wid,
      participants: [
        { id: owner.wid, isAdmin: true, isSuperAdmin: true },
        ...members.map((id) => ({ id, isAdmin: false, isSuperAdmin: false })),
      ],
      pastParticipants: [],
      announce: false,
      restrict: false,
      noFrequentlyForwarded: false,
      ephemeralDuration: 0,
      inviteCode: newInviteCode(),
      lastActivity: t,
      isParentGroup: false,
      defaultSubgroup: false,
      ...extra,
    };
    this.save(group);
    return group;
  }

  /** The library's Chat of a group, as `viewer` sees it. */
  chat(group: GroupState): Chat {
    return makeChat({
      id: group.id,
      name: group.subject,
      t: group.lastActivity,
      groupMetadata: makeGroupMetadata(group),
      isReadOnly: group.deactivated ?? false,
    });
  }

  /** Raises onparticipantschanged on every session of the network that is (or just was) a member. */
  announceChange(
    group: GroupState,
    by: SandboxPhone,
    action: ParticipantEvent['action'],
    who: string[],
    formerMembers: string[] = [],
  ): void {
    const operation: ParticipantEvent['operation'] =
      action === 'join' ? 'add' : action === 'leaver' ? 'remove' : action;
    const payload: ParticipantEvent = {
      by: by.wid,
      byPushName: by.pushname,
      groupId: group.id,
      action,
      operation,
      who,
    };
    const audience = new Set([...group.participants.map((p) => p.id), ...formerMembers]);
    for (const id of audience) {
      const phone = this.network.phoneByNumber(this.network.numberOf(id));
      if (phone) this.network.emit(phone, 'onparticipantschanged', payload);
    }
  }

  /** Throws the way WhatsApp does when `phone` may not post into the group. */
  assertCanPost(phone: SandboxPhone, id: string): GroupState {
    const group = this.memberOf(phone, id);
    if (group.deactivated || group.isParentGroup)
      throw new WhatsAppError('not_a_group', `${id} does not accept messages`);
    if (group.announce && !this.participant(group, phone.wid)?.isAdmin)
      throw new WhatsAppError(
        'group_you_are_restricted_member',
        'Only admins can send messages to this group',
      );
    return group;
  }
}

/** A stable picture tag for an image, so the same picture is recognised. */
function pictureTag(data: string): string {
  return createHash('sha256').update(data).digest('hex').slice(0, 16);
}

/** Groups: create, read, invite links, participants and settings, all on the shared network state. */
export function groupMethods({ network, phone }: SandboxContext): EngineClient {
  const groups = new GroupDirectory(network);

  /** Applies a participant change after checking that `phone` is an admin. */
  const changeParticipants = (
    groupId: string,
    ids: string | string[],
    action: 'add' | 'remove' | 'promote' | 'demote',
  ) => {
    const group = groups.adminOf(phone, groupId);
    const who = asList(ids).map((id) => groups.userId(id));
    for (const id of who) {
      if (!network.exists(id)) throw new WhatsAppError('participant_not_exists', `${id} is not on WhatsApp`);
      const current = groups.participant(group, id);
      if (action === 'add') {
        if (!current) group.participants.push({ id, isAdmin: false, isSuperAdmin: false });
        group.pastParticipants = group.pastParticipants.filter((p) => p.id !== id);
        continue;
      }
      if (!current)
        throw new WhatsAppError(
          'group_participant_is_not_a_group_member',
          `${id} is not a member of ${groupId}`,
        );
      if (action === 'remove') {
        if (current.isSuperAdmin)
          throw new WhatsAppError('group_you_are_not_admin', 'The group creator cannot be removed');
        group.participants = group.participants.filter((p) => p !== current);
        group.pastParticipants.push({ id, leaveTs: now(), leaveReason: 'Removed' });
      } else {
        if (current.isSuperAdmin && action === 'demote')
          throw new WhatsAppError('group_you_are_not_admin', 'The group creator cannot be demoted');
        current.isAdmin = action === 'promote';
      }
    }
    group.lastActivity = now();
    groups.save(group);
    groups.announceChange(group, phone, action, who, action === 'remove' ? who : []);
    return who;
  };

  const setInfo = (groupId: string, change: (group: GroupState) => void) => {
    const group = groups.memberOf(phone, groupId);
    if (group.restrict && !groups.participant(group, phone.wid)?.isAdmin)
      throw new WhatsAppError('you_are_not_allowed_set_group_property', 'Only admins can edit this group');
    change(group);
    group.lastActivity = now();
    groups.save(group);
    return true;
  };

  return {
    async createGroup(groupName, contacts) {
      const ids = asList(contacts);
      for (const id of ids)
        if (!network.exists(id))
          throw new WhatsAppError('participant_not_exists', `${id} is not on WhatsApp`);
      const group = groups.create(phone, groupName, ids);
      const participants: Record<
        string,
        { wid: string; code: number; invite_code: null; invite_code_exp: null }
      > = {};
      for (const p of group.participants.filter((member) => member.id !== phone.wid))
        participants[p.id] = { wid: p.id, code: 200, invite_code: null, invite_code_exp: null };
      groups.announceChange(
        group,
        phone,
        'add',
        group.participants.map((p) => p.id).filter((id) => id !== phone.wid),
      );
      return { gid: wid(group.id), participants } as unknown as Awaited<
        ReturnType<NonNullable<EngineClient['createGroup']>>
      >;
    },

    async getAllGroups() {
      return groups
        .all()
        .filter((g) => !g.isParentGroup && groups.participant(g, phone.wid))
        .map((g) => groups.chat(g));
    },

    async getAllBroadcastList() {
      // Broadcast lists are made on the phone; the sandbox's phones have none.
      return [];
    },

    async getGroupMembers(groupId) {
      return groups.memberOf(phone, groupId).participants.map((p) => {
        const member = network.phoneByNumber(network.numberOf(p.id));
        return makeContact(p.id, member?.pushname ?? '', { isMe: p.id === phone.wid });
      });
    },

    async getGroupMembersIds(groupId) {
      return groups.memberOf(phone, groupId).participants.map((p) => {
        const id = wid(p.id);
        return { ...id, fromMe: p.id === phone.wid, remote: p.id, id: id.user };
      });
    },

    async getGroupAdmins(chatId) {
      return groups
        .memberOf(phone, chatId)
        .participants.filter((p) => p.isAdmin)
        .map((p) => wid(p.id)) as unknown as Awaited<ReturnType<NonNullable<EngineClient['getGroupAdmins']>>>;
    },

    async getCommonGroups(other) {
      const otherId = groups.userId(other);
      return groups
        .all()
        .filter((g) => !g.isParentGroup && groups.participant(g, phone.wid) && groups.participant(g, otherId))
        .map((g) => wid(g.id)) as unknown as Awaited<
        ReturnType<NonNullable<EngineClient['getCommonGroups']>>
      >;
    },

    async getGroupInviteLink(chatId) {
      return `${INVITE_PREFIX}${groups.adminOf(phone, chatId).inviteCode}`;
    },

    async revokeGroupInviteLink(chatId) {
      const group = groups.adminOf(phone, chatId);
      group.inviteCode = newInviteCode();
      groups.save(group);
      return `${INVITE_PREFIX}${group.inviteCode}`;
    },

    async getGroupInfoFromInviteLink(inviteCode) {
      const code = inviteCodeOf(inviteCode);
      const group = groups.all().find((g) => g.inviteCode === code && !g.deactivated);
      if (!group) throw new WhatsAppError('invalid_invite_code', 'The invite code is invalid or was revoked');
      const meta = makeGroupMetadata(group);
      return {
        descOwner: group.descOwner || undefined,
        id: group.id,
        owner: group.owner,
        participants: group.participants.map((p) => ({ ...p })),
        subjectOwner: group.subjectOwner,
        announce: meta.announce,
        creation: meta.creation,
        desc: meta.desc,
        descId: meta.descId,
        descTime: meta.descTime,
        noFrequentlyForwarded: meta.noFrequentlyForwarded,
        parent: group.isParentGroup,
        restrict: meta.restrict,
        size: meta.size,
        status: 200,
        subject: meta.subject,
        subjectTime: meta.subjectTime,
        support: false,
        suspended: false,
        isParentGroup: group.isParentGroup,
        isParentGroupClosed: false,
        defaultSubgroup: group.defaultSubgroup,
        generalSubgroup: false,
        membershipApprovalMode: false,
        isLidAddressingMode: false,
        generalChatAutoAddDisabled: false,
      };
    },

    async joinGroup(inviteCode) {
      const code = inviteCodeOf(inviteCode);
      const group = groups.all().find((g) => g.inviteCode === code && !g.deactivated);
      if (!group) throw new WhatsAppError('invalid_invite_code', 'The invite code is invalid or was revoked');
      if (!groups.participant(group, phone.wid)) {
        group.participants.push({ id: phone.wid, isAdmin: false, isSuperAdmin: false });
        group.pastParticipants = group.pastParticipants.filter((p) => p.id !== phone.wid);
        group.lastActivity = now();
        groups.save(group);
        groups.announceChange(group, phone, 'join', [phone.wid]);
      }
      return { id: group.id, pendingApproval: false };
    },

    async leaveGroup(groupId) {
      const group = groups.memberOf(phone, groupId);
      group.participants = group.participants.filter((p) => p.id !== phone.wid);
      group.pastParticipants.push({ id: phone.wid, leaveTs: now(), leaveReason: 'Left' });
      // WhatsApp hands the group to another member when its last admin leaves.
      const next = group.participants[0];
      if (next && !group.participants.some((p) => p.isAdmin)) next.isAdmin = true;
      groups.save(group);
      groups.announceChange(group, phone, 'leaver', [phone.wid], [phone.wid]);
    },

    async addParticipant(groupId, participantId) {
      const who = changeParticipants(groupId, participantId, 'add');
      const result: Record<
        string,
        { wid: string; code: number; message: string; invite_code: null; invite_code_exp: null }
      > = {};
      for (const id of who)
        result[id] = { wid: id, code: 200, message: 'OK', invite_code: null, invite_code_exp: null };
      return result as Awaited<ReturnType<NonNullable<EngineClient['addParticipant']>>>;
    },

    async removeParticipant(groupId, participantId) {
      changeParticipants(groupId, participantId, 'remove');
    },

    async promoteParticipant(groupId, participantId) {
      changeParticipants(groupId, participantId, 'promote');
    },

    async demoteParticipant(groupId, participantId) {
      changeParticipants(groupId, participantId, 'demote');
    },

    async setGroupDescription(groupId, description) {
      return setInfo(groupId, (group) => {
        group.desc = description;
        group.descId = randomBytes(8).toString('hex').toUpperCase();
        group.descTime = now();
        group.descOwner = phone.wid;
      });
    },

    async setGroupSubject(groupId, title) {
      return setInfo(groupId, (group) => {
        group.subject = title;
        group.subjectTime = now();
        group.subjectOwner = phone.wid;
      });
    },

    async setGroupProperty(groupId, property, value) {
      const group = groups.adminOf(phone, groupId);
      switch (String(property)) {
        case 'announcement':
          group.announce = value;
          break;
        case 'restrict':
          group.restrict = value;
          break;
        case 'no_frequently_forwarded':
          group.noFrequentlyForwarded = value;
          break;
        case 'ephemeral':
          group.ephemeralDuration = value ? 7 * 24 * 3600 : 0;
          break;
        default:
          throw new WhatsAppError('incorrect_type', `Unknown group property ${String(property)}`);
      }
      groups.save(group);
      return true;
    },

    async setMessagesAdminsOnly(chatId, option) {
      const group = groups.adminOf(phone, chatId);
      group.announce = option;
      groups.save(group);
      return true;
    },

    async setGroupIcon(groupId, pathOrBase64) {
      const group = setInfoIcon(groups, phone, groupId, pathOrBase64);
      return {
        eurl: group.picture?.eurl ?? '',
        status: 200,
        tag: group.picture?.tag ?? '',
        token: '',
        _duplicate: false,
      };
    },
  };
}

/** Stores a group picture (admins only, like WhatsApp); the picture itself stays with the caller. */
function setInfoIcon(
  groups: GroupDirectory,
  phone: SandboxPhone,
  groupId: string,
  image: string,
): GroupState {
  const group = groups.adminOf(phone, groupId);
  const tag = pictureTag(image);
  group.picture = { tag, eurl: `https://pps.whatsapp.net/v/sandbox/${group.id.split('@')[0]}_${tag}.jpg` };
  groups.save(group);
  return group;
}
