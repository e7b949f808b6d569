import { createHash, randomBytes } from 'node:crypto';
import type { Message } from '@wppconnect-team/wppconnect';
import type { EngineCallbacks, EngineEvents, SqliteDatabase } from '../../core/index.ts';
import { type MessageInit, makeContact, makeMessage, messageId, newKeyId } from './model.ts';
import { GroupDirectory } from './client/groups.ts';
import { ownedNewsletter } from './client/newsletter.ts';

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

export class SandboxNetwork {
  private readonly phones = new Map<string, SandboxPhone>();
  private readonly byNumber = new Map<string, SandboxPhone>();
  private readonly byLid = new Map<string, string>();
  /** Numbers whose next sends fail (the sandbox's delivery-failure switch). */
  private readonly failNext = new Map<string, number>();
  private readonly statements;

  constructor(private readonly db: SqliteDatabase) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS phones (session TEXT PRIMARY KEY, number TEXT NOT NULL UNIQUE, pushname TEXT NOT NULL, logged_in INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS messages (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, owner TEXT NOT NULL, id TEXT NOT NULL, chat TEXT NOT NULL, data TEXT NOT NULL,
        UNIQUE(owner, id));
      CREATE INDEX IF NOT EXISTS messages_by_chat ON messages(owner, chat, seq);
      CREATE TABLE IF NOT EXISTS entities (owner TEXT NOT NULL, kind TEXT NOT NULL, id TEXT NOT NULL, data TEXT NOT NULL,
        PRIMARY KEY(owner, kind, id));
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
    this.db.transaction(() => {
      this.statements.deletePhone.run(session);
      this.statements.deleteOwnerMessages.run(session);
      this.statements.deleteOwnerEntities.run(session);
    })();
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
    this.statements.insertMessage.run(owner, message.id, String(message.chatId), JSON.stringify(message));
  }

  getMessage(owner: string, id: string): Message | undefined {
    const row = this.statements.getMessage.get(owner, id) as { data: string } | undefined;
    return row && (JSON.parse(row.data) as Message);
  }

  chatMessages(owner: string, chatId: string): Message[] {
    return (this.statements.chatMessages.all(owner, chatId) as { data: string }[]).map((r) =>
      JSON.parse(r.data),
    );
  }

  allMessages(owner: string): Message[] {
    return (this.statements.ownerMessages.all(owner) as { data: string }[]).map((r) => JSON.parse(r.data));
  }

  deleteMessage(owner: string, id: string): void {
    this.statements.deleteMessage.run(owner, id);
  }

  // ---- generic persisted state (chats' flags, groups, labels, catalog …) ----
  /** `owner` is a session name, or '' for state shared by the whole network (groups, newsletters). */
  putEntity<T>(owner: string, kind: string, id: string, data: T): void {
    this.statements.putEntity.run(owner, kind, id, JSON.stringify(data));
  }

  getEntity<T>(owner: string, kind: string, id: string): T | undefined {
    const row = this.statements.getEntity.get(owner, kind, id) as { data: string } | undefined;
    return row && (JSON.parse(row.data) as T);
  }

  listEntities<T>(owner: string, kind: string): T[] {
    return (this.statements.listEntities.all(owner, kind) as { data: string }[]).map((r) =>
      JSON.parse(r.data),
    );
  }

  deleteEntity(owner: string, kind: string, id: string): void {
    this.statements.deleteEntity.run(owner, kind, id);
  }

  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
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
  send(
    from: SandboxPhone,
    to: string,
    content: Omit<
      MessageInit,
      'id' | 'from' | 'to' | 'chatId' | 'fromMe' | 'notifyName' | 'sender' | 'ack' | 't'
    >,
  ): Message {
    if (to.endsWith('@g.us') || to.endsWith('@newsletter')) this.assertCanPost(from, to);
    const keyId = newKeyId();
    const t = Math.floor(Date.now() / 1000);
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
    if (to.endsWith('@g.us') || to.endsWith('@newsletter')) {
      this.deliverToGroup(from, own, keyId, content);
      return own;
    }
    const recipient =
      to.endsWith('@c.us') || to.endsWith('@lid') ? this.byNumber.get(this.numberOf(to)) : undefined;
    if (recipient && recipient !== from) {
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
  private deliverToGroup(from: SandboxPhone, own: Message, keyId: string, content: Parameters<SandboxNetwork['deliverCopy']>[4]): void {
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
      this.saveMessage(recipient.session, copy);
      this.emit(recipient, 'onmessage', copy);
      this.emit(recipient, 'onanymessage', copy);
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
    content: Omit<
      MessageInit,
      'id' | 'from' | 'to' | 'chatId' | 'fromMe' | 'notifyName' | 'sender' | 'ack' | 't'
    >,
  ): Message {
    const copy = makeMessage({
      ...content,
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
    this.saveMessage(recipient.session, copy);
    this.emit(recipient, 'onmessage', copy);
    this.emit(recipient, 'onanymessage', copy);
    return copy;
  }

  /** A message from a number outside the daemon (the sandbox/inbound route). */
  receiveFromOutside(
    recipient: SandboxPhone,
    fromNumber: string,
    pushname: string,
    content: Omit<
      MessageInit,
      'id' | 'from' | 'to' | 'chatId' | 'fromMe' | 'notifyName' | 'sender' | 'ack' | 't'
    >,
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
    this.saveMessage(recipient.session, message);
    this.emit(recipient, 'onmessage', message);
    this.emit(recipient, 'onanymessage', message);
    return message;
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
