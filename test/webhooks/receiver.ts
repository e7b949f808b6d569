import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: http.IncomingHttpHeaders;
  raw: string;
  body: Record<string, unknown>;
  /** What the receiver answered (0 = it never answered). */
  answered: number;
}

/** What the receiver does with a request: answer a status, or hang (never answer). */
export type Behaviour = (request: Received, index: number) => number | 'hang';

/** A real webhook receiver on 127.0.0.1:<free port> that records every request. */
export class Receiver {
  readonly requests: Received[] = [];
  behaviour: Behaviour = () => 200;
  private server: http.Server;
  private waiters: { check: () => boolean; resolve: () => void }[] = [];
  private hanging = new Set<http.ServerResponse>();
  url = '';

  constructor() {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        let body: Record<string, unknown> = {};
        try {
          body = JSON.parse(raw) as Record<string, unknown>;
        } catch {}
        const received: Received = { headers: req.headers, raw, body, answered: 0 };
        const decision = this.behaviour(received, this.requests.length);
        this.requests.push(received);
        if (decision === 'hang') {
          this.hanging.add(res);
          res.on('close', () => this.hanging.delete(res));
        } else {
          received.answered = decision;
          res.writeHead(decision, { 'content-type': 'application/json' }).end('{}');
        }
        this.notify();
      });
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
    return this;
  }

  /** Requests the receiver accepted (2xx). */
  accepted(): Received[] {
    return this.requests.filter((r) => r.answered >= 200 && r.answered < 300);
  }

  /** Accepted payloads of one webhook event name. */
  events(name: string): Record<string, unknown>[] {
    return this.accepted()
      .filter((r) => r.body.event === name)
      .map((r) => r.body);
  }

  private notify(): void {
    this.waiters = this.waiters.filter((w) => {
      if (!w.check()) return true;
      w.resolve();
      return false;
    });
  }

  /** Resolves once `check` holds (checked after every request); the ava timeout bounds it. */
  until(check: () => boolean): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ check, resolve }));
  }

  /** Waits for an accepted event of this name matching `match`. */
  async waitEvent(name: string, match: (body: Record<string, unknown>) => boolean = () => true) {
    await this.until(() => this.events(name).some(match));
    return this.events(name).find(match) as Record<string, unknown>;
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
