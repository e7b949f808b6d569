import { openSqlite, type SqliteDatabase } from '../../core/index.ts';

/**
 * What the bridge remembers, per scope (session + Chatwoot inbox), in its own SQLite file so that
 * nothing is posted or sent twice, across restarts too:
 * - contacts: WhatsApp chat → Chatwoot contact and its contact_inbox source_id;
 * - conversations: Chatwoot conversation ↔ WhatsApp chat, and whether it is still open;
 * - messages: WhatsApp message id ↔ Chatwoot message id, both directions (`to_chatwoot` says which);
 * - posting: WhatsApp messages whose POST was started but not confirmed (a crash in between is
 *   resolved by looking for the message's source_id in Chatwoot before posting again);
 * - sent_parts: the parts (text, each attachment) of a Chatwoot message already sent to WhatsApp;
 * - handled: Chatwoot messages fully sent, so a replayed webhook sends nothing.
 * Contacts and conversations (one per chat) are kept; the per-message rows are forgotten after the
 * retention period (`prune`): a quote of an older message then goes without its link.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS contacts (
  scope TEXT NOT NULL, chat TEXT NOT NULL, contact_id INTEGER NOT NULL, source_id TEXT NOT NULL,
  PRIMARY KEY (scope, chat));
CREATE TABLE IF NOT EXISTS conversations (
  scope TEXT NOT NULL, conversation_id INTEGER NOT NULL, chat TEXT NOT NULL, open INTEGER NOT NULL,
  PRIMARY KEY (scope, conversation_id));
CREATE INDEX IF NOT EXISTS conversations_by_chat ON conversations (scope, chat, open);
CREATE TABLE IF NOT EXISTS messages (
  scope TEXT NOT NULL, wa_id TEXT NOT NULL, cw_id INTEGER NOT NULL, conversation_id INTEGER NOT NULL,
  to_chatwoot INTEGER NOT NULL, status_level INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL,
  PRIMARY KEY (scope, wa_id));
CREATE INDEX IF NOT EXISTS messages_by_cw ON messages (scope, cw_id);
CREATE TABLE IF NOT EXISTS posting (
  scope TEXT NOT NULL, wa_id TEXT NOT NULL, conversation_id INTEGER NOT NULL, started_at INTEGER NOT NULL,
  PRIMARY KEY (scope, wa_id));
CREATE TABLE IF NOT EXISTS sent_parts (
  scope TEXT NOT NULL, cw_id INTEGER NOT NULL, part INTEGER NOT NULL, wa_id TEXT NOT NULL, created_at INTEGER NOT NULL,
  PRIMARY KEY (scope, cw_id, part));
CREATE TABLE IF NOT EXISTS handled (
  scope TEXT NOT NULL, cw_id INTEGER NOT NULL, handled_at INTEGER NOT NULL,
  PRIMARY KEY (scope, cw_id));
CREATE TABLE IF NOT EXISTS deleted (
  scope TEXT NOT NULL, cw_id INTEGER NOT NULL, deleted_at INTEGER NOT NULL,
  PRIMARY KEY (scope, cw_id));
`;

export interface StoredContact {
  contactId: number;
  sourceId: string;
}

export class BridgeStore {
  private readonly db: SqliteDatabase;
  private readonly q;

  constructor(file: string) {
    this.db = openSqlite(file);
    this.db.exec(SCHEMA);
    this.addCreatedAt('messages');
    this.addCreatedAt('sent_parts');
    const db = this.db;
    this.q = {
      contact: db.prepare(
        'SELECT contact_id AS contactId, source_id AS sourceId FROM contacts WHERE scope = ? AND chat = ?',
      ),
      saveContact: db.prepare(
        'INSERT INTO contacts (scope, chat, contact_id, source_id) VALUES (?, ?, ?, ?) ON CONFLICT (scope, chat) DO UPDATE SET contact_id = excluded.contact_id, source_id = excluded.source_id',
      ),
      forgetContact: db.prepare('DELETE FROM contacts WHERE scope = ? AND chat = ?'),
      openConversation: db.prepare(
        'SELECT conversation_id AS id FROM conversations WHERE scope = ? AND chat = ? AND open = 1 ORDER BY rowid DESC LIMIT 1',
      ),
      saveConversation: db.prepare(
        'INSERT INTO conversations (scope, conversation_id, chat, open) VALUES (?, ?, ?, 1) ON CONFLICT (scope, conversation_id) DO UPDATE SET chat = excluded.chat, open = 1',
      ),
      setOpen: db.prepare('UPDATE conversations SET open = ? WHERE scope = ? AND conversation_id = ?'),
      chatOf: db.prepare('SELECT chat FROM conversations WHERE scope = ? AND conversation_id = ?'),
      waIdOf: db.prepare(
        'SELECT wa_id AS id FROM messages WHERE scope = ? AND cw_id = ? ORDER BY rowid LIMIT 1',
      ),
      sentByBridge: db.prepare(
        'SELECT cw_id AS cwId, conversation_id AS conversationId, status_level AS level FROM messages WHERE scope = ? AND wa_id = ? AND to_chatwoot = 0',
      ),
      saveMessage: db.prepare(
        'INSERT INTO messages (scope, wa_id, cw_id, conversation_id, to_chatwoot, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (scope, wa_id) DO NOTHING',
      ),
      raiseLevel: db.prepare(
        'UPDATE messages SET status_level = ? WHERE scope = ? AND wa_id = ? AND status_level < ?',
      ),
      posting: db.prepare(
        'SELECT conversation_id AS conversationId FROM posting WHERE scope = ? AND wa_id = ?',
      ),
      startPosting: db.prepare(
        'INSERT INTO posting (scope, wa_id, conversation_id, started_at) VALUES (?, ?, ?, ?) ON CONFLICT (scope, wa_id) DO UPDATE SET conversation_id = excluded.conversation_id',
      ),
      endPosting: db.prepare('DELETE FROM posting WHERE scope = ? AND wa_id = ?'),
      sentPart: db.prepare('SELECT wa_id AS id FROM sent_parts WHERE scope = ? AND cw_id = ? AND part = ?'),
      savePart: db.prepare(
        'INSERT OR IGNORE INTO sent_parts (scope, cw_id, part, wa_id, created_at) VALUES (?, ?, ?, ?, ?)',
      ),
      mirrorOf: db.prepare(
        'SELECT cw_id AS cwId, conversation_id AS conversationId FROM messages WHERE scope = ? AND wa_id = ?',
      ),
      partsSent: db.prepare('SELECT wa_id AS id FROM sent_parts WHERE scope = ? AND cw_id = ? ORDER BY part'),
      deleted: db.prepare('SELECT 1 AS yes FROM deleted WHERE scope = ? AND cw_id = ?'),
      markDeleted: db.prepare('INSERT OR IGNORE INTO deleted (scope, cw_id, deleted_at) VALUES (?, ?, ?)'),
      handled: db.prepare('SELECT 1 AS yes FROM handled WHERE scope = ? AND cw_id = ?'),
      markHandled: db.prepare('INSERT OR IGNORE INTO handled (scope, cw_id, handled_at) VALUES (?, ?, ?)'),
      prune: [
        db.prepare('DELETE FROM messages WHERE created_at < ?'),
        db.prepare('DELETE FROM sent_parts WHERE created_at < ?'),
        db.prepare('DELETE FROM handled WHERE handled_at < ?'),
        db.prepare('DELETE FROM deleted WHERE deleted_at < ?'),
        db.prepare('DELETE FROM posting WHERE started_at < ?'),
      ],
    };
  }

  /**
   * Files written before the bridge pruned have no created_at: the column is added with the time
   * of the upgrade, so those rows get a full retention period from now.
   */
  private addCreatedAt(table: 'messages' | 'sent_parts'): void {
    const columns = this.db.pragma(`table_info(${table})`) as { name: string }[];
    if (columns.some((column) => column.name === 'created_at')) return;
    this.db.exec(`ALTER TABLE ${table} ADD COLUMN created_at INTEGER NOT NULL DEFAULT ${Date.now()}`);
  }

  /** Forgets the per-message rows written before `before` (ms); returns how many. */
  prune(before: number): number {
    return this.db.transaction(() =>
      this.q.prune.reduce((n, statement) => n + statement.run(before).changes, 0),
    )();
  }

  contact(scope: string, chat: string): StoredContact | undefined {
    return this.q.contact.get(scope, chat) as StoredContact | undefined;
  }

  saveContact(scope: string, chat: string, contact: StoredContact): void {
    this.q.saveContact.run(scope, chat, contact.contactId, contact.sourceId);
  }

  /** The contact was deleted in Chatwoot: find or create it again next time. */
  forgetContact(scope: string, chat: string): void {
    this.q.forgetContact.run(scope, chat);
  }

  openConversation(scope: string, chat: string): number | undefined {
    return (this.q.openConversation.get(scope, chat) as { id: number } | undefined)?.id;
  }

  saveConversation(scope: string, chat: string, conversationId: number): void {
    this.q.saveConversation.run(scope, conversationId, chat);
  }

  /** Resolved (or deleted) conversations are not reused: the next message opens a new one. */
  setConversationOpen(scope: string, conversationId: number, open: boolean): void {
    this.q.setOpen.run(open ? 1 : 0, scope, conversationId);
  }

  /** The WhatsApp chat of a conversation this bridge created or used. */
  chatOfConversation(scope: string, conversationId: number): string | undefined {
    return (this.q.chatOf.get(scope, conversationId) as { chat: string } | undefined)?.chat;
  }

  chatwootIdOf(scope: string, waId: string): number | undefined {
    return this.mirrorOf(scope, waId)?.cwId;
  }

  whatsappIdOf(scope: string, cwId: number): string | undefined {
    return (this.q.waIdOf.get(scope, cwId) as { id: string } | undefined)?.id;
  }

  /** A WhatsApp message the bridge sent for a Chatwoot message (acks of it are reported back). */
  sentByBridge(
    scope: string,
    waId: string,
  ): { cwId: number; conversationId: number; level: number } | undefined {
    return this.q.sentByBridge.get(scope, waId) as
      | { cwId: number; conversationId: number; level: number }
      | undefined;
  }

  saveMessage(scope: string, waId: string, cwId: number, conversationId: number, toChatwoot: boolean): void {
    this.q.saveMessage.run(scope, waId, cwId, conversationId, toChatwoot ? 1 : 0, Date.now());
  }

  /** Records a reported delivery level; false when it is not higher than the last one (report nothing). */
  raiseStatusLevel(scope: string, waId: string, level: number): boolean {
    return this.q.raiseLevel.run(level, scope, waId, level).changes > 0;
  }

  postingStarted(scope: string, waId: string): number | undefined {
    return (this.q.posting.get(scope, waId) as { conversationId: number } | undefined)?.conversationId;
  }

  startPosting(scope: string, waId: string, conversationId: number): void {
    this.q.startPosting.run(scope, waId, conversationId, Date.now());
  }

  /** The message is posted: remember its Chatwoot id and drop the in-flight marker, atomically. */
  posted(scope: string, waId: string, cwId: number, conversationId: number): void {
    this.db.transaction(() => {
      this.q.saveMessage.run(scope, waId, cwId, conversationId, 1, Date.now());
      this.q.endPosting.run(scope, waId);
    })();
  }

  sentPart(scope: string, cwId: number, part: number): string | undefined {
    return (this.q.sentPart.get(scope, cwId, part) as { id: string } | undefined)?.id;
  }

  /** One part of a Chatwoot message went out to WhatsApp as `waId`. */
  savePart(scope: string, cwId: number, part: number, waId: string, conversationId: number): void {
    this.db.transaction(() => {
      const now = Date.now();
      this.q.savePart.run(scope, cwId, part, waId, now);
      this.q.saveMessage.run(scope, waId, cwId, conversationId, 0, now);
    })();
  }

  /** The Chatwoot message a WhatsApp message is paired with (either direction). */
  mirrorOf(scope: string, waId: string): { cwId: number; conversationId: number } | undefined {
    return this.q.mirrorOf.get(scope, waId) as { cwId: number; conversationId: number } | undefined;
  }

  /** The WhatsApp messages a Chatwoot message went out as, in order. */
  partsSent(scope: string, cwId: number): string[] {
    return (this.q.partsSent.all(scope, cwId) as { id: string }[]).map((row) => row.id);
  }

  /**
   * A message deleted on one side and deleted (or revoked) on the other by the bridge: the other
   * side's own notice of that deletion then does nothing.
   */
  isDeleted(scope: string, cwId: number): boolean {
    return this.q.deleted.get(scope, cwId) !== undefined;
  }

  markDeleted(scope: string, cwId: number): void {
    this.q.markDeleted.run(scope, cwId, Date.now());
  }

  isHandled(scope: string, cwId: number): boolean {
    return this.q.handled.get(scope, cwId) !== undefined;
  }

  markHandled(scope: string, cwId: number): void {
    this.q.markHandled.run(scope, cwId, Date.now());
  }

  close(): void {
    this.db.close();
  }
}
