import type { EngineClient } from '../../../core/index.ts';
import { makeChat, WhatsAppError } from '../model.ts';
import type { SandboxNetwork } from '../network.ts';
import type { SandboxContext } from './context.ts';
import { GroupDirectory } from './groups.ts';

/** wa-js's Label (the library's Label plus colorIndex). */
export interface SandboxLabel {
  id: string;
  name: string;
  color: number | null;
  count: number;
  hexColor: string;
  colorIndex: number;
}

/**
 * Labels are per session (WhatsApp Business). Entities, owner = the session:
 * - kind 'label', id = label id → SandboxLabel (without a live count);
 * - kind 'chat-labels', id = chat id → `{ labels: string[] }`, the label ids of that chat.
 * A chat object shows them in its `labels` field (list-chats' withLabels filter reads it): use
 * `chatLabelIds` below.
 */
export const LABEL_KIND = 'label';
export const CHAT_LABELS_KIND = 'chat-labels';

/** WhatsApp's label palette (ARGB), used when a label is created without a colour. */
const PALETTE = [
  0xff00a0f2, 0xff7acca5, 0xffffaa00, 0xfff76969, 0xffa62c71, 0xff9368cf, 0xff6e6e6e, 0xffd1a35e, 0xff56a4b0,
  0xff6bc0e8, 0xffdfaef0, 0xff8fc75e, 0xfff2c94c, 0xfffb9d84, 0xffc68ecb, 0xff59c9bd, 0xff85a5cc, 0xffe08b74,
  0xff7cc6b7, 0xffbac2c6,
];

export function chatLabelIds(network: SandboxNetwork, session: string, chatId: string): string[] {
  return network.getEntity<{ labels: string[] }>(session, CHAT_LABELS_KIND, chatId)?.labels ?? [];
}

function hexOf(color: number): string {
  return `#${(color & 0xffffff).toString(16).padStart(6, '0')}`;
}

export function labelMethods({ network, phone }: SandboxContext): EngineClient {
  const session = phone.session;
  const groups = new GroupDirectory(network);

  const stored = () => network.listEntities<SandboxLabel>(session, LABEL_KIND);
  const assignments = () =>
    network.listEntities<{ chat: string; labels: string[] }>(session, CHAT_LABELS_KIND);
  const withCount = (label: SandboxLabel): SandboxLabel => ({
    ...label,
    count: assignments().filter((a) => a.labels.includes(label.id)).length,
  });

  /** The Chat a label change is about, for onupdatelabel. */
  const chatFor = (chatId: string) => {
    const group = chatId.endsWith('@g.us') ? groups.find(chatId) : undefined;
    if (group) return groups.chat(group);
    const other = network.phoneByNumber(network.numberOf(chatId));
    return makeChat({
      id: chatId,
      name: other?.pushname ?? '',
      t: Math.floor(Date.now() / 1000),
      labels: chatLabelIds(network, session, chatId),
    });
  };

  const setChatLabels = (chatId: string, labels: string[]) => {
    if (labels.length) network.putEntity(session, CHAT_LABELS_KIND, chatId, { chat: chatId, labels });
    else network.deleteEntity(session, CHAT_LABELS_KIND, chatId);
  };

  /** Removes labels from every chat, raising onupdatelabel per chat that had them. */
  const unassign = (labelIds: string[], labels: SandboxLabel[]) => {
    for (const assignment of assignments()) {
      const removed = assignment.labels.filter((id) => labelIds.includes(id));
      if (!removed.length) continue;
      setChatLabels(
        assignment.chat,
        assignment.labels.filter((id) => !labelIds.includes(id)),
      );
      network.emit(phone, 'onupdatelabel', {
        chat: chatFor(assignment.chat),
        ids: removed,
        labels: labels.filter((l) => removed.includes(l.id)),
        type: 'remove',
      });
    }
  };

  return {
    async addNewLabel(name, options) {
      const labelColor = (options as unknown as { labelColor?: number } | undefined)?.labelColor;
      const existing = stored();
      const id = String(existing.reduce((max, l) => Math.max(max, Number(l.id) || 0), 0) + 1);
      const colorIndex = (Number(id) - 1) % PALETTE.length;
      const color = typeof labelColor === 'number' ? labelColor : (PALETTE[colorIndex] as number);
      const label: SandboxLabel = { id, name, color, count: 0, hexColor: hexOf(color), colorIndex };
      network.putEntity(session, LABEL_KIND, id, label);
      // The library declares void, but wa-js answers the new label.
      return label as unknown as undefined;
    },

    async addOrRemoveLabels(chatIds, options) {
      const chats = (Array.isArray(chatIds) ? chatIds : [chatIds]).map(String);
      const labels = stored();
      for (const option of options) {
        if (!labels.some((l) => l.id === String(option.labelId)))
          throw new WhatsAppError('label_not_found', `Label ${option.labelId} does not exist`);
      }
      for (const chatId of chats) {
        const before = chatLabelIds(network, session, chatId);
        const after = new Set(before);
        for (const option of options) {
          if (option.type === 'add') after.add(String(option.labelId));
          else after.delete(String(option.labelId));
        }
        setChatLabels(chatId, [...after]);
        const added = [...after].filter((id) => !before.includes(id));
        const removed = before.filter((id) => !after.has(id));
        for (const [type, ids] of [
          ['add', added],
          ['remove', removed],
        ] as const) {
          if (!ids.length) continue;
          network.emit(phone, 'onupdatelabel', {
            chat: chatFor(chatId),
            ids: [...ids],
            labels: labels.filter((l) => ids.includes(l.id)).map(withCount),
            type,
          });
        }
      }
    },

    async getAllLabels() {
      return stored().map(withCount);
    },

    async getLabelById(id) {
      const label = network.getEntity<SandboxLabel>(session, LABEL_KIND, String(id));
      if (!label) throw new WhatsAppError('label_not_found', `Label ${id} does not exist`);
      return withCount(label) as unknown as undefined;
    },

    async deleteAllLabels() {
      const labels = stored();
      unassign(
        labels.map((l) => l.id),
        labels,
      );
      for (const label of labels) network.deleteEntity(session, LABEL_KIND, label.id);
    },

    async deleteLabel(id) {
      const ids = (Array.isArray(id) ? id : [id]).map(String);
      const labels = stored();
      for (const labelId of ids)
        if (!labels.some((l) => l.id === labelId))
          throw new WhatsAppError('label_not_found', `Label ${labelId} does not exist`);
      unassign(ids, labels);
      for (const labelId of ids) network.deleteEntity(session, LABEL_KIND, labelId);
    },
  };
}
