import { createHash, randomBytes } from 'node:crypto';
import type { Message } from '@wppconnect-team/wppconnect';
import type { EngineCallbacks, EngineEvents, SqliteDatabase } from '../../core/index.ts';
import { GroupDirectory } from './client/groups.ts';
import { ownedNewsletter } from './client/newsletter.ts';
import {
  BLOCKED_CONTACT_KIND,
  type MessageInit,
  makeContact,
  makeMessage,
  messageId,
  newKeyId,
  WhatsAppError,
  wid,
} from './model.ts';

/**
 * The simulated WhatsApp network: every session is a phone with a number; phones message each other;
 * numbers ending in 0000 do not exist; any other number exists (as an outside contact when no session
 * has it). Everything is persisted in one SQLite file under the plugin's data dir, so a restart brings
 * back logins (no new scan), chats and messages.
 */
export interface SandboxPhone {
  session: string;
  /** Digits only, e.g. 5511987654321. */
  number: string;
  /** `<number>@c.us`. */
  wid: string;
  /** The stable `@lid` id WhatsApp now also gives every account. */
  lid: string;
  pushname: string;
  /** Whether the phone has linked this session (persisted: a restart needs no new scan). */
  loggedIn: boolean;
  /** Set while the session runs and is connected. */
  callbacks?: EngineCallbacks;
}

/** Builds a stable 15-digit LID from a number, as WhatsApp's privacy ids look. */
export function lidFor(number: string): string {
  const digest = createHash('sha256').update(`lid:${number}`).digest();
  const digits = (digest.readBigUInt64BE(0) % 10n ** 14n).toString().padStart(14, '0');
  return `1${digits}@lid`;
}

/** A deterministic phone number for a session name: `55` + 11 digits, never ending in 0000. */
export function numberFor(session: string): string {
  const digest = createHash('sha256').update(`number:${session}`).digest();
  let number = `55${(digest.readBigUInt64BE(0) % 10n ** 11n).toString().padStart(11, '0')}`;
  if (number.endsWith('0000')) number = `${number.slice(0, -1)}1`;
  return number;
}

export function existsOnNetwork(number: string): boolean {
  return /^\d{5,20}$/.test(number) && !number.endsWith('0000');
}

export function userOf(id: string): string {
  return (id.split('@')[0] ?? '').replace(/\D/g, '');
}

/** What a sender decides about a message; identity, ack and time are set by the network. */
export type MessageContent = Omit<
  MessageInit,
  'id' | 'from' | 'to' | 'chatId' | 'fromMe' | 'notifyName' | 'sender' | 'ack' | 't'
>;

/** How many entities (or known absences) the network keeps in memory before starting over. */
const ENTITY_CACHE_SIZE = 10_000;

function entityKey(owner: string, kind: string, id: string): string {
  return `${owner}\n${kind}\n${id}`;
}

/** The chat every phone's status stories go to. */
export const STATUS_BROADCAST = 'status@broadcast';

export class SandboxNetwork {
  private readonly phones = new Map<string, SandboxPhone>();
  private readonly byNumber = new Map<string, SandboxPhone>();
  private readonly byLid = new Map<string, string>();
  /** Numbers whose next sends fail (the sandbox's delivery-failure switch). */
  private readonly failNext = new Map<string, number>();
  /**
   * Message writes not yet in SQLite, keyed by owner and id: they are written together, one
   * transaction per event-loop turn (`writeMessages`), and every read of the messages table writes
   * them first. A commit per send was the largest cost of send-message and of inbound messages under
   * load; batching shares one commit among all the sends of a turn, and a message saved twice in a
   * turn (a send's ack going SENT → RECEIVED) is written, and serialized, once: as it is when
   * written, so a change made to a saved message before then is stored too (callers change a
   * message, then save it). A SIGKILL can lose the writes of the turn in progress (under a
   * millisecond): this is a simulated network, and a stop writes them.
   */
  private readonly unwrittenMessages = new Map<string, { owner: string; message: Message }>();
  private writeScheduled: NodeJS.Immediate | undefined;
  /**
   * Entities as stored (their JSON, or null when absent), by owner, kind and id: a send reads two
   * (the chat's disappearing-message timer, whether the recipient blocked the sender), each a SQLite
   * read, together a visible part of send-message. Writes go through it; a transaction that throws
   * forgets it whole (its writes were rolled back); it is bounded.
   */
  private readonly entityCache = new Map<string, string | null>();
  private readonly statements;

  /**
   * @param now the network's clock in ms: disappearing messages are gone once their timer has run
   * out by it (a test passes a clock it can move).
   */
  constructor(
    private readonly db: SqliteDatabase,
    private readonly now: () => number = Date.now,
  ) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS phones (session TEXT PRIMARY KEY, number TEXT NOT NULL UNIQUE, pushname TEXT NOT NULL, logged_in INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS messages (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, owner TEXT NOT NULL, id TEXT NOT NULL, chat TEXT NOT NULL, data TEXT NOT NULL,
        UNIQUE(owner, id));
      CREATE INDEX IF NOT EXISTS messages_by_chat ON messages(owner, chat, seq);
      CREATE TABLE IF NOT EXISTS entities (owner TEXT NOT NULL, kind TEXT NOT NULL, id TEXT NOT NULL, data TEXT NOT NULL,
        PRIMARY KEY(owner, kind, id));
      CREATE TABLE IF NOT EXISTS media (hash TEXT PRIMARY KEY, data BLOB NOT NULL);
    `);
    this.statements = {
      savePhone: db.prepare(
        `INSERT INTO phones (session, number, pushname, logged_in) VALUES (@session, @number, @pushname, @loggedIn)
         ON CONFLICT(session) DO UPDATE SET number = excluded.number, pushname = excluded.pushname, logged_in = excluded.logged_in`,
      ),
      deletePhone: db.prepare('DELETE FROM phones WHERE session = ?'),
      insertMessage: db.prepare(
        `INSERT INTO messages (owner, id, chat, data) VALUES (?, ?, ?, ?)
         ON CONFLICT(owner, id) DO UPDATE SET data = excluded.data, chat = excluded.chat`,
      ),
      getMessage: db.prepare('SELECT data FROM messages WHERE owner = ? AND id = ?'),
      chatMessages: db.prepare('SELECT data FROM messages WHERE owner = ? AND chat = ? ORDER BY seq'),
      ownerMessages: db.prepare('SELECT data FROM messages WHERE owner = ? ORDER BY seq'),
      deleteMessage: db.prepare('DELETE FROM messages WHERE owner = ? AND id = ?'),
      deleteOwnerMessages: db.prepare('DELETE FROM messages WHERE owner = ?'),
      putEntity: db.prepare(
        `INSERT INTO entities (owner, kind, id, data) VALUES (?, ?, ?, ?)
         ON CONFLICT(owner, kind, id) DO UPDATE SET data = excluded.data`,
      ),
      getEntity: db.prepare('SELECT data FROM entities WHERE owner = ? AND kind = ? AND id = ?'),
      listEntities: db.prepare('SELECT data FROM entities WHERE owner = ? AND kind = ? ORDER BY rowid'),
      deleteEntity: db.prepare('DELETE FROM entities WHERE owner = ? AND kind = ? AND id = ?'),
      deleteOwnerEntities: db.prepare('DELETE FROM entities WHERE owner = ?'),
      putMedia: db.prepare('INSERT OR IGNORE INTO media (hash, data) VALUES (?, ?)'),
      getMedia: db.prepare('SELECT data FROM media WHERE hash = ?'),
      messagesWithKey: db.prepare(`SELECT owner, data FROM messages WHERE id LIKE ? ESCAPE '!' ORDER BY seq`),
    };
    const rows = db.prepare('SELECT session, number, pushname, logged_in FROM phones').all() as {
      session: string;
      number: string;
      pushname: string;
      logged_in: number;
    }[];
    for (const row of rows)
      this.index(this.makePhone(row.session, row.number, row.pushname, row.logged_in === 1));
  }

  private makePhone(session: string, number: string, pushname: string, loggedIn: boolean): SandboxPhone {
    return { session, number, wid: `${number}@c.us`, lid: lidFor(number), pushname, loggedIn };
  }

  private index(phone: SandboxPhone): void {
    this.phones.set(phone.session, phone);
    this.byNumber.set(phone.number, phone);
    this.byLid.set(phone.lid, phone.number);
  }

  /** The phone of a session, created on first start (with `requestedNumber` when start-session gave `phone`). */
  phoneFor(session: string, requestedNumber?: string): SandboxPhone {
    const existing = this.phones.get(session);
    const wanted = requestedNumber ? userOf(requestedNumber) : undefined;
    if (existing && (!wanted || wanted === existing.number)) return existing;
    let number = wanted && existsOnNetwork(wanted) ? wanted : numberFor(session);
    const owner = this.byNumber.get(number);
    if (owner && owner.session !== session) {
      if (wanted) throw new Error(`the number ${wanted} already belongs to session ${owner.session}`);
      number = numberFor(`${session}#${randomBytes(4).toString('hex')}`);
    }
    if (existing) {
      this.byNumber.delete(existing.number);
      this.byLid.delete(existing.lid);
    }
    const phone = this.makePhone(session, number, session, false);
    this.index(phone);
    this.savePhone(phone);
    return phone;
  }

  savePhone(phone: SandboxPhone): void {
    this.statements.savePhone.run({
      session: phone.session,
      number: phone.number,
      pushname: phone.pushname,
      loggedIn: phone.loggedIn ? 1 : 0,
    });
  }

  /** Forget a session's phone and everything it stored (logout / clear-session-data). */
  forget(session: string): void {
    const phone = this.phones.get(session);
    if (phone) {
      this.phones.delete(session);
      this.byNumber.delete(phone.number);
      this.byLid.delete(phone.lid);
    }
    this.writeMessages();
    this.db.transaction(() => {
      this.statements.deletePhone.run(session);
      this.statements.deleteOwnerMessages.run(session);
      this.statements.deleteOwnerEntities.run(session);
    })();
    this.entityCache.clear();
  }

  phone(session: string): SandboxPhone | undefined {
    return this.phones.get(session);
  }

  phoneByNumber(number: string): SandboxPhone | undefined {
    return this.byNumber.get(number);
  }

  allPhones(): SandboxPhone[] {
    return [...this.phones.values()];
  }

  /** The phone number behind a `@c.us` or `@lid` id. */
  numberOf(id: string): string {
    if (id.endsWith('@lid')) return this.byLid.get(id) ?? userOf(id);
    return userOf(id);
  }

  exists(id: string): boolean {
    if (id.endsWith('@lid')) return this.byLid.has(id);
    return existsOnNetwork(userOf(id));
  }

  // ---- failure switch ----
  setFailNext(number: string, count: number): void {
    if (count > 0) this.failNext.set(number, count);
    else this.failNext.delete(number);
  }

  /** Whether this send should fail, consuming one from the switch. */
  takeFailure(number: string): boolean {
    const left = this.failNext.get(number) ?? 0;
    if (left <= 0) return false;
    this.setFailNext(number, left - 1);
    return true;
  }

  // ---- messages ----
  saveMessage(owner: string, message: Message): void {
    this.unwrittenMessages.set(`${owner}\n${message.id}`, { owner, message });
    this.writeScheduled ??= setImmediate(() => this.writeMessages());
  }

  /** Writes the saved messages not yet in SQLite (see `unwrittenMessages`); before reads and at stop. */
  writeMessages(): void {
    if (this.writeScheduled) clearImmediate(this.writeScheduled);
    this.writeScheduled = undefined;
    // After the plugin stopped (its database closed) there is nowhere to write: a late save is dropped.
    if (this.unwrittenMessages.size === 0 || !this.db.open) return;
    const rows = [...this.unwrittenMessages.values()];
    this.unwrittenMessages.clear();
    this.db.transaction(() => {
      for (const { owner, message } of rows)
        this.statements.insertMessage.run(owner, message.id, String(message.chatId), JSON.stringify(message));
    })();
  }

  getMessage(owner: string, id: string): Message | undefined {
    this.writeMessages();
    const row = this.statements.getMessage.get(owner, id) as { data: string } | undefined;
    return row && this.unexpired(owner, [JSON.parse(row.data) as Message])[0];
  }

  chatMessages(owner: string, chatId: string): Message[] {
    this.writeMessages();
    const rows = this.statements.chatMessages.all(owner, chatId) as { data: string }[];
    return this.unexpired(
      owner,
      rows.map((r) => JSON.parse(r.data)),
    );
  }

  allMessages(owner: string): Message[] {
    this.writeMessages();
    const rows = this.statements.ownerMessages.all(owner) as { data: string }[];
    return this.unexpired(
      owner,
      rows.map((r) => JSON.parse(r.data)),
    );
  }

  /**
   * Drops disappearing messages whose timer (`ephemeralDuration` seconds after `t`) has run out,
   * as WhatsApp does: they are deleted on the owner's phone when next read.
   */
  private unexpired(owner: string, messages: Message[]): Message[] {
    const nowSeconds = this.now() / 1000;
    return messages.filter((message) => {
      const duration = (message as { ephemeralDuration?: number }).ephemeralDuration;
      if (!duration || message.t + duration > nowSeconds) return true;
      this.statements.deleteMessage.run(owner, message.id);
      return false;
    });
  }

  deleteMessage(owner: string, id: string): void {
    this.writeMessages();
    this.statements.deleteMessage.run(owner, id);
  }

  // ---- generic persisted state (chats' flags, groups, labels, catalog …) ----
  /** `owner` is a session name, or '' for state shared by the whole network (groups, newsletters). */
  putEntity<T>(owner: string, kind: string, id: string, data: T): void {
    const json = JSON.stringify(data);
    this.statements.putEntity.run(owner, kind, id, json);
    this.cacheEntity(owner, kind, id, json);
  }

  getEntity<T>(owner: string, kind: string, id: string): T | undefined {
    let json = this.entityCache.get(entityKey(owner, kind, id));
    if (json === undefined) {
      const row = this.statements.getEntity.get(owner, kind, id) as { data: string } | undefined;
      json = row?.data ?? null;
      this.cacheEntity(owner, kind, id, json);
    }
    // Parsed per read: callers may change what they get.
    return json === null ? undefined : (JSON.parse(json) as T);
  }

  private cacheEntity(owner: string, kind: string, id: string, json: string | null): void {
    if (this.entityCache.size >= ENTITY_CACHE_SIZE) this.entityCache.clear();
    this.entityCache.set(entityKey(owner, kind, id), json);
  }

  listEntities<T>(owner: string, kind: string): T[] {
    return (this.statements.listEntities.all(owner, kind) as { data: string }[]).map((r) =>
      JSON.parse(r.data),
    );
  }

  deleteEntity(owner: string, kind: string, id: string): void {
    this.statements.deleteEntity.run(owner, kind, id);
    this.cacheEntity(owner, kind, id, null);
  }

  transaction<T>(work: () => T): T {
    try {
      return this.db.transaction(work)();
    } catch (error) {
      this.entityCache.clear();
      throw error;
    }
  }

  /** Whether `owner` blocked this sender (block-contact): a blocked contact's messages are not delivered. */
  hasBlocked(owner: SandboxPhone, senderId: string): boolean {
    return (
      this.getEntity(owner.session, BLOCKED_CONTACT_KIND, `${this.numberOf(senderId)}@c.us`) !== undefined
    );
  }

  /** Raise an engine event on a phone if its session is running (and drop it otherwise). */
  emit<K extends keyof EngineEvents>(phone: SandboxPhone, name: K, payload: EngineEvents[K]): void {
    phone.callbacks?.event(name, payload);
  }

  /**
   * Sends a message from a phone to a chat, as WhatsApp does: the sender keeps a copy (`fromMe`,
   * ack SENT), and the recipient's phone, if it is on this network, gets its own copy and the
   * `onmessage` event; the sender then sees the ack go to RECEIVED. A number switched to fail gets
   * ack FAILED (-1) and nothing is delivered.
   */
  send(from: SandboxPhone, to: string, requested: MessageContent): Message {
    if (to.endsWith('@g.us') || to.endsWith('@newsletter')) this.assertCanPost(from, to);
    const keyId = newKeyId();
    const t = Math.floor(Date.now() / 1000);
    // In a chat with disappearing messages on, every new message carries the timer.
    const ephemeralDuration = this.ephemeralDuration(from.session, to);
    const content = ephemeralDuration
      ? { ...requested, extra: { ...requested.extra, ephemeralDuration } }
      : requested;
    const failed = to.endsWith('@c.us') || to.endsWith('@lid') ? this.takeFailure(this.numberOf(to)) : false;
    const own = makeMessage({
      ...content,
      id: messageId(true, to, keyId),
      from: from.wid,
      to,
      chatId: to,
      fromMe: true,
      notifyName: from.pushname,
      sender: makeContact(from.wid, from.pushname, { isMe: true }),
      ack: failed ? -1 : 1,
      t,
    });
    this.saveMessage(from.session, own);
    this.emit(from, 'onanymessage', own);
    if (failed) {
      this.emit(from, 'onack', ackOf(own, -1));
      return own;
    }
    if (to === STATUS_BROADCAST) {
      for (const viewer of this.phones.values())
        if (viewer !== from) this.deliverStatus(viewer, from, own, keyId, content);
      return own;
    }
    if (to.endsWith('@g.us') || to.endsWith('@newsletter')) {
      this.deliverToGroup(from, own, keyId, content);
      return own;
    }
    const recipient =
      to.endsWith('@c.us') || to.endsWith('@lid') ? this.byNumber.get(this.numberOf(to)) : undefined;
    if (recipient && recipient !== from && !this.hasBlocked(recipient, from.wid)) {
      this.deliverCopy(recipient, from, own, keyId, content);
      if (recipient.callbacks) {
        own.ack = 2;
        this.saveMessage(from.session, own);
        this.emit(from, 'onack', ackOf(own, 2));
      }
    }
    return own;
  }

  // ---- group & newsletter fan-out (groups engineer: plugins/engine-sandbox/client/groups.ts) ----

  /** Throws like WhatsApp when `from` may not post into a group or newsletter. */
  private assertCanPost(from: SandboxPhone, to: string): void {
    if (to.endsWith('@g.us')) new GroupDirectory(this).assertCanPost(from, to);
    else ownedNewsletter(this, from, to);
  }

  /**
   * A group message reaches every participant's phone on the network, with the group as `from` and
   * `chatId` and the sender as `author`; a newsletter post is kept in the channel's feed (owner '').
   * The sender's ack goes to RECEIVED once a participant's session is running.
   */
  private deliverToGroup(from: SandboxPhone, own: Message, keyId: string, content: MessageContent): void {
    if (String(own.to).endsWith('@newsletter')) {
      this.saveMessage('', { ...own, fromMe: false, id: messageId(false, String(own.to), keyId) } as Message);
      return;
    }
    const group = new GroupDirectory(this).get(String(own.to));
    let received = false;
    for (const participant of group.participants) {
      const recipient = this.byNumber.get(this.numberOf(participant.id));
      if (!recipient || recipient === from) continue;
      const copy = makeMessage({
        ...content,
        quotedMsgId: this.sameMessageAt(recipient.session, content.quotedMsgId),
        id: messageId(false, group.id, keyId, from.wid),
        from: group.id,
        to: recipient.wid,
        chatId: group.id,
        author: from.wid,
        fromMe: false,
        notifyName: from.pushname,
        sender: makeContact(from.wid, from.pushname),
        ack: 2,
        t: own.t,
      });
      this.receive(recipient, copy);
      received ||= Boolean(recipient.callbacks);
    }
    if (received) {
      own.ack = 2;
      this.saveMessage(from.session, own);
      this.emit(from, 'onack', ackOf(own, 2));
    }
  }

  // ---- end of group & newsletter fan-out ----

  /** The recipient's copy of a message sent by another phone of the network. */
  deliverCopy(
    recipient: SandboxPhone,
    sender: SandboxPhone,
    original: Message,
    keyId: string,
    content: MessageContent,
  ): Message {
    const copy = makeMessage({
      ...content,
      quotedMsgId: this.sameMessageAt(recipient.session, content.quotedMsgId),
      id: messageId(false, sender.wid, keyId),
      from: sender.wid,
      to: recipient.wid,
      chatId: sender.wid,
      fromMe: false,
      notifyName: sender.pushname,
      sender: makeContact(sender.wid, sender.pushname),
      ack: 2,
      t: original.t,
    });
    this.receive(recipient, copy);
    return copy;
  }

  /** A phone receives its copy of a message: stored, then onmessage and onanymessage. */
  private receive(phone: SandboxPhone, message: Message): void {
    this.saveMessage(phone.session, message);
    this.emit(phone, 'onmessage', message);
    this.emit(phone, 'onanymessage', message);
  }

  /** A message from a number outside the daemon (the sandbox/inbound route). */
  receiveFromOutside(
    recipient: SandboxPhone,
    fromNumber: string,
    pushname: string,
    content: MessageContent,
  ): Message {
    const fromWid = `${fromNumber}@c.us`;
    const message = makeMessage({
      ...content,
      id: messageId(false, fromWid, newKeyId()),
      from: fromWid,
      to: recipient.wid,
      chatId: fromWid,
      fromMe: false,
      notifyName: pushname,
      sender: makeContact(fromWid, pushname),
      ack: 2,
      t: Math.floor(Date.now() / 1000),
    });
    if (this.hasBlocked(recipient, fromWid)) return message;
    this.receive(recipient, message);
    return message;
  }

  // ---- message life after sending (messages plugin): media, status, reads, edits, revokes, reactions,
  // polls, stars, disappearing messages. A message's copies (sender's, recipients') share its key id.

  /** A status story's copy at a viewer: `false_status@broadcast_<key>_<author>`. */
  private deliverStatus(
    viewer: SandboxPhone,
    author: SandboxPhone,
    original: Message,
    keyId: string,
    content: MessageContent,
  ): Message {
    const copy = makeMessage({
      ...content,
      id: messageId(false, STATUS_BROADCAST, keyId, author.wid),
      from: STATUS_BROADCAST,
      to: viewer.wid,
      chatId: STATUS_BROADCAST,
      author: author.wid,
      fromMe: false,
      notifyName: author.pushname,
      sender: makeContact(author.wid, author.pushname),
      ack: 2,
      t: original.t,
    });
    this.receive(viewer, copy);
    return copy;
  }

  /** Stores media bytes once, by content (like WhatsApp's CDN); returns the filehash that names them. */
  putMedia(bytes: Buffer): string {
    const hash = createHash('sha256').update(bytes).digest('base64');
    this.statements.putMedia.run(hash, bytes);
    return hash;
  }

  getMedia(hash: string): Buffer | undefined {
    const row = this.statements.getMedia.get(hash) as { data: Buffer } | undefined;
    return row?.data;
  }

  /** Every phone's copy of the message with this id (the sender's and the recipients'). */
  copiesOf(id: string): { owner: string; message: Message }[] {
    const key = keyOf(id);
    if (!/^[0-9A-Za-z]+$/.test(key)) return [];
    this.writeMessages();
    const rows = this.statements.messagesWithKey.all(`%!_${key}%`) as { owner: string; data: string }[];
    return rows
      .map((row) => ({ owner: row.owner, message: JSON.parse(row.data) as Message }))
      .filter(
        ({ owner, message }) => keyOf(message.id) === key && this.unexpired(owner, [message]).length > 0,
      );
  }

  /** The id another phone knows a message by (quotes name the message in the recipient's terms). */
  sameMessageAt(owner: string, id: string | null | undefined): string | null {
    if (!id) return null;
    return this.copiesOf(id).find((copy) => copy.owner === owner)?.message.id ?? null;
  }

  /** A phone's own copy of a message, or an error like wa-js's when it has none. */
  ownMessage(phone: SandboxPhone, id: string): Message {
    const message = this.getMessage(phone.session, id);
    if (!message) throw new WhatsAppError('msg_not_found', `Message not found: ${id}`);
    return message;
  }

  /** Received messages not read yet, oldest first (optionally of one chat). */
  unreadMessages(owner: string, chatId?: string): Message[] {
    const messages = chatId ? this.chatMessages(owner, chatId) : this.allMessages(owner);
    return messages.filter((m) => !m.fromMe && m.ack < 3 && m.type !== 'revoked');
  }

  /**
   * The phone opens a chat: its received messages become read and their senders see ack READ (3).
   * Also clears a "mark as unread".
   */
  markChatRead(phone: SandboxPhone, chatId: string): { unreadCount: number } {
    const unread = this.unreadMessages(phone.session, chatId);
    for (const message of unread) {
      this.saveMessage(phone.session, { ...message, ack: 3 } as Message);
      for (const copy of this.copiesOf(message.id)) {
        if (copy.owner === phone.session || !copy.message.fromMe || copy.message.ack >= 3) continue;
        const read = { ...copy.message, ack: 3 } as Message;
        this.saveMessage(copy.owner, read);
        const sender = this.phones.get(copy.owner);
        if (sender) this.emit(sender, 'onack', ackOf(read, 3));
      }
    }
    this.deleteEntity(phone.session, 'marked-unread', chatId);
    return { unreadCount: 0 };
  }

  /** "Mark as unread": the chat's last received message is unread again, on this phone only. */
  markChatUnread(phone: SandboxPhone, chatId: string): boolean {
    const last = this.chatMessages(phone.session, chatId)
      .filter((m) => !m.fromMe)
      .pop();
    if (last) this.saveMessage(phone.session, { ...last, ack: 2 } as Message);
    this.putEntity(phone.session, 'marked-unread', chatId, { chatId, at: Date.now() });
    return true;
  }

  /** Edits the text (or caption) of one's own message on every copy; everyone gets onmessageedit. */
  editMessage(phone: SandboxPhone, id: string, newText: string): Message {
    const own = this.ownMessage(phone, id);
    if (!own.fromMe) throw new Error('Only your own messages can be edited');
    if (own.type === 'revoked') throw new Error('A deleted message cannot be edited');
    let edited = own;
    for (const copy of this.copiesOf(id)) {
      const text = copy.message.type === 'chat' ? { body: newText, content: newText } : { caption: newText };
      const updated = {
        ...copy.message,
        ...text,
        latestEditMsgKey: msgKey(messageId(copy.message.fromMe, String(copy.message.chatId), newKeyId())),
        latestEditSenderTimestampMs: Date.now(),
      } as unknown as Message;
      this.saveMessage(copy.owner, updated);
      if (copy.owner === phone.session) edited = updated;
      const owner = this.phones.get(copy.owner);
      if (owner)
        this.emit(owner, 'onmessageedit', {
          chat: wid(String(updated.chatId)),
          id: updated.id,
          msg: updated,
        } as EngineEvents['onmessageedit']);
    }
    return edited;
  }

  /**
   * Deletes messages. Only on this phone (`onlyLocal`), or revoked for everyone: every copy becomes a
   * `revoked` message and the other phones get onrevokedmessage. Only one's own messages can be revoked.
   */
  deleteMessages(phone: SandboxPhone, ids: string[], onlyLocal: boolean): void {
    const own = ids.map((id) => this.ownMessage(phone, id));
    if (!onlyLocal) {
      const notMine = own.find((m) => !m.fromMe);
      if (notMine) throw new Error(`Only your own messages can be deleted for everyone: ${notMine.id}`);
    }
    for (const message of own) {
      if (onlyLocal) {
        this.deleteMessage(phone.session, message.id);
        continue;
      }
      for (const copy of this.copiesOf(message.id)) {
        const revoked = {
          ...copy.message,
          type: 'revoked',
          subtype: 'sender_revoke',
          body: '',
          content: '',
          caption: undefined,
        } as unknown as Message;
        this.saveMessage(copy.owner, revoked);
        const owner = this.phones.get(copy.owner);
        if (owner && copy.owner !== phone.session)
          this.emit(owner, 'onrevokedmessage', {
            author: copy.message.author || undefined,
            from: copy.message.from,
            to: copy.message.to,
            id: messageId(copy.message.fromMe, String(copy.message.chatId), newKeyId()),
            refId: copy.message.id,
          });
      }
    }
  }

  /** Reacts to a message (`false` or '' removes the reaction); the other phones get onreactionmessage. */
  react(phone: SandboxPhone, id: string, reaction: string | false): void {
    this.ownMessage(phone, id);
    const key = keyOf(id);
    const reactions = this.getEntity<Record<string, ReactionRecord>>('', 'reactions', key) ?? {};
    const timestamp = Date.now();
    if (reaction) reactions[phone.wid] = { reactionText: reaction, timestamp };
    else delete reactions[phone.wid];
    this.putEntity('', 'reactions', key, reactions);
    for (const copy of this.copiesOf(id)) {
      const owner = this.phones.get(copy.owner);
      const updated = { ...copy.message, hasReaction: Object.keys(reactions).length > 0 } as Message;
      this.saveMessage(copy.owner, updated);
      if (!owner || owner === phone) continue;
      this.emit(owner, 'onreactionmessage', {
        id: msgKey(messageId(false, phone.wid, newKeyId())),
        msgId: msgKey(copy.message.id),
        reactionText: reaction || '',
        read: false,
        sender: wid(phone.wid),
        orphan: 0,
        orphanReason: null,
        timestamp,
      } as unknown as EngineEvents['onreactionmessage']);
    }
  }

  /** Reactions to a message, from the point of view of `phone` (the library's getReactions shape). */
  reactionsOf(phone: SandboxPhone, id: string) {
    const message = this.ownMessage(phone, id);
    const reactions = this.getEntity<Record<string, ReactionRecord>>('', 'reactions', keyOf(id)) ?? {};
    const sender = (jid: string, record: ReactionRecord) => ({
      id: msgKey(messageId(jid === phone.wid, jid, `R${record.timestamp}`)),
      orphan: 0,
      msgId: msgKey(message.id),
      reactionText: record.reactionText,
      read: true,
      senderUserJid: jid,
      timestamp: record.timestamp,
    });
    const byEmoji = new Map<string, ReturnType<typeof sender>[]>();
    for (const [jid, record] of Object.entries(reactions)) {
      const list = byEmoji.get(record.reactionText) ?? [];
      list.push(sender(jid, record));
      byEmoji.set(record.reactionText, list);
    }
    const mine = reactions[phone.wid];
    return {
      reactionByMe: mine ? sender(phone.wid, mine) : null,
      reactions: [...byEmoji].map(([aggregateEmoji, senders]) => ({
        aggregateEmoji,
        hasReactionByMe: senders.some((s) => s.senderUserJid === phone.wid),
        senders,
      })),
    };
  }

  /** A vote on a poll (the indexes of the chosen options); the other phones get onpollresponse. */
  vote(phone: SandboxPhone, pollId: string, selectedOptions: number[]): void {
    const poll = this.ownMessage(phone, pollId);
    if (poll.type !== 'poll_creation') throw new Error('The message is not a poll');
    const options = (poll as unknown as { pollOptions?: unknown[] }).pollOptions ?? [];
    const limit =
      (poll as unknown as { pollSelectableOptionsCount?: number }).pollSelectableOptionsCount ?? 0;
    if (selectedOptions.some((i) => !Number.isInteger(i) || i < 0 || i >= options.length))
      throw new Error('A selected option does not exist in the poll');
    if (limit > 0 && selectedOptions.length > limit)
      throw new Error(`The poll allows at most ${limit} option(s)`);
    const key = keyOf(pollId);
    const votes = this.getEntity<Record<string, VoteRecord>>('', 'votes', key) ?? {};
    const timestamp = Date.now();
    votes[phone.wid] = { selectedOptions: [...new Set(selectedOptions)], timestamp };
    this.putEntity('', 'votes', key, votes);
    for (const copy of this.copiesOf(pollId)) {
      const owner = this.phones.get(copy.owner);
      if (!owner || owner === phone) continue;
      this.emit(owner, 'onpollresponse', {
        msgId: copy.message.id,
        chatId: wid(String(copy.message.chatId)),
        selectedOptions: votes[phone.wid]?.selectedOptions,
        timestamp,
        sender: wid(phone.wid),
      } as EngineEvents['onpollresponse']);
    }
  }

  /** The votes on a poll (the library's getVotes shape). */
  votesOf(phone: SandboxPhone, pollId: string) {
    const poll = this.ownMessage(phone, pollId);
    const votes = this.getEntity<Record<string, VoteRecord>>('', 'votes', keyOf(pollId)) ?? {};
    return {
      msgId: msgKey(poll.id),
      chatId: wid(String(poll.chatId)),
      votes: Object.entries(votes).map(([voter, record]) => ({
        selectedOptions: record.selectedOptions,
        timestamp: record.timestamp,
        sender: wid(voter),
      })),
    };
  }

  /** Stars or unstars messages on this phone only; the number of messages changed. */
  star(phone: SandboxPhone, ids: string[], star: boolean): number {
    let changed = 0;
    for (const id of ids) {
      const message = this.getMessage(phone.session, id);
      if (!message || message.star === star) continue;
      this.saveMessage(phone.session, { ...message, star } as Message);
      changed += 1;
    }
    return changed;
  }

  /** Forwards a message this phone has: same content (media by the same hash), marked as forwarded. */
  forward(phone: SandboxPhone, to: string, original: Message): Message {
    if (original.type === 'revoked') throw new Error('A deleted message cannot be forwarded');
    const source = original as unknown as Record<string, unknown>;
    const extra: Record<string, unknown> = {};
    for (const field of FORWARDED_FIELDS) if (source[field] !== undefined) extra[field] = source[field];
    extra.forwardingScore = (Number(source.forwardingScore) || 0) + 1;
    return this.send(phone, to, {
      type: original.type as MessageInit['type'],
      body: original.body,
      caption: original.caption,
      mimetype: original.mimetype || undefined,
      size: original.size,
      filename: (source.filename as string | undefined) ?? undefined,
      isForwarded: true,
      extra,
    });
  }

  /** Disappearing messages for a chat (7 days when on), on both sides of a one-to-one chat. */
  setEphemeral(phone: SandboxPhone, chatId: string, on: boolean): void {
    const duration = on ? EPHEMERAL_SECONDS : 0;
    const sides: [string, string][] = [[phone.session, chatId]];
    const other =
      chatId.endsWith('@c.us') || chatId.endsWith('@lid')
        ? this.byNumber.get(this.numberOf(chatId))
        : undefined;
    if (other && other !== phone) sides.push([other.session, phone.wid]);
    for (const [owner, chat] of sides) {
      if (duration) this.putEntity(owner, 'ephemeral', chat, { duration });
      else this.deleteEntity(owner, 'ephemeral', chat);
    }
  }

  /** The disappearing-messages timer of a chat in seconds (0 = off). */
  ephemeralDuration(owner: string, chatId: string): number {
    return this.getEntity<{ duration: number }>(owner, 'ephemeral', chatId)?.duration ?? 0;
  }
}

/** The library's Ack payload for a message. */
export function ackOf(message: Message, ack: number): EngineEvents['onack'] {
  const [fromMe, remote = '', key = ''] = message.id.split('_');
  return {
    ...message,
    ack,
    id: { fromMe: fromMe === 'true', remote, id: key, _serialized: message.id },
  } as unknown as EngineEvents['onack'];
}

/** The type-specific fields a forwarded copy keeps (media, location, cards, polls, lists, orders). */
const FORWARDED_FIELDS = [
  'filehash',
  'mediaKey',
  'directPath',
  'clientUrl',
  'deprecatedMms3Url',
  'lat',
  'lng',
  'loc',
  'vcardFormattedName',
  'vcardList',
  'pollName',
  'pollOptions',
  'pollSelectableOptionsCount',
  'list',
  'matchedText',
  'isLink',
  'orderTitle',
  'itemCount',
  'totalAmount1000',
  'totalCurrencyCode',
  'orderItems',
  'pixKey',
];

/** WhatsApp's default disappearing-messages timer: 7 days. */
export const EPHEMERAL_SECONDS = 7 * 24 * 60 * 60;

interface ReactionRecord {
  reactionText: string;
  timestamp: number;
}

interface VoteRecord {
  selectedOptions: number[];
  timestamp: number;
}

/** The key id of a serialised message id (`<fromMe>_<chat>_<key>[_<author>]`). */
export function keyOf(id: string): string {
  return id.split('_')[2] ?? '';
}

/** The library's MsgKey object for a serialised message id. */
export function msgKey(id: string) {
  const [fromMe, remote = '', key = '', participant] = id.split('_');
  return { fromMe: fromMe === 'true', remote, id: key, participant, _serialized: id };
}
