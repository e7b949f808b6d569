import { randomBytes } from 'node:crypto';
import type { EngineAdapter, EngineCallbacks, EngineSession } from '../../core/index.ts';
import { createSandboxClient } from './client/index.ts';
import type { SandboxNetwork, SandboxPhone } from './network.ts';

interface PendingLogin {
  phone: SandboxPhone;
  callbacks: EngineCallbacks;
  timer?: NodeJS.Timeout;
}

/** Pairing codes look like WhatsApp's: 8 characters from an alphabet without look-alikes. */
function pairingCode(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTVWXYZ23456789';
  return [...randomBytes(8)].map((byte) => alphabet[byte % alphabet.length]).join('');
}

/**
 * The sandbox engine's lifecycle: a phone with a stored login connects at once; otherwise it shows a
 * QR (or a pairing code when started with `phone`) until the simulated phone scans it — after
 * `autoscanMs`, or at once through the sandbox/scan route.
 */
export class SandboxEngine implements EngineAdapter {
  readonly name = 'sandbox';
  private readonly pending = new Map<string, PendingLogin>();

  constructor(
    private readonly network: SandboxNetwork,
    private readonly autoscanMs: number,
  ) {}

  async start({
    session,
    phone: requestedPhone,
    callbacks,
  }: Parameters<EngineAdapter['start']>[0]): Promise<EngineSession> {
    const phone = this.network.phoneFor(session, requestedPhone);
    const client = createSandboxClient({ network: this.network, phone });
    let running = true;
    setImmediate(() => {
      if (!running) return;
      if (phone.loggedIn) {
        callbacks.status('isLogged');
        this.connect(phone, callbacks);
        return;
      }
      callbacks.status('notLogged');
      const login: PendingLogin = { phone, callbacks };
      this.pending.set(session, login);
      if (requestedPhone) callbacks.linkCode(pairingCode());
      else callbacks.qr(`2@sandbox/${session}/${randomBytes(12).toString('base64url')}`, 1);
      if (this.autoscanMs > 0) {
        login.timer = setTimeout(() => this.scan(session), this.autoscanMs);
        login.timer.unref();
      }
    });
    const stop = () => {
      running = false;
      const login = this.pending.get(session);
      if (login?.timer) clearTimeout(login.timer);
      this.pending.delete(session);
      if (phone.callbacks === callbacks) phone.callbacks = undefined;
    };
    return {
      client,
      close: async () => stop(),
      logout: async () => {
        stop();
        phone.loggedIn = false;
        this.network.savePhone(phone);
      },
      isConnected: async () => running && phone.callbacks === callbacks,
    };
  }

  /** The simulated phone scans the QR (or enters the pairing code). False when nothing waits. */
  scan(session: string): boolean {
    const login = this.pending.get(session);
    if (!login) return false;
    if (login.timer) clearTimeout(login.timer);
    this.pending.delete(session);
    login.phone.loggedIn = true;
    this.network.savePhone(login.phone);
    login.callbacks.status('qrReadSuccess');
    this.connect(login.phone, login.callbacks);
    return true;
  }

  private connect(phone: SandboxPhone, callbacks: EngineCallbacks): void {
    phone.callbacks = callbacks;
    callbacks.connected();
    callbacks.status('inChat');
  }

  async forget(session: string): Promise<void> {
    const login = this.pending.get(session);
    if (login?.timer) clearTimeout(login.timer);
    this.pending.delete(session);
    this.network.forget(session);
  }

  async hasLogin(session: string): Promise<boolean> {
    return this.network.phone(session)?.loggedIn ?? false;
  }
}
