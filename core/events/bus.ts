import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger.ts';
import type { EventHook, WppdEvent, WppdEventName, WppdEvents } from './catalog.ts';

interface Subscription {
  owner: string;
  name: WppdEventName | '*';
  hook: EventHook<WppdEventName>;
}

/**
 * Calls every hook of an event in isolation: hooks run synchronously in subscription order (so a
 * hook that writes to a durable outbox has written before emit returns; the outbox commits at the
 * end of the turn, and answers wait for it, see PluginApi.beforeAnswer), a throwing hook is logged
 * and skipped, and an async hook is never awaited, so a slow one cannot delay the engine or the
 * hooks after it.
 */
export class EventBus {
  private subscriptions: Subscription[] = [];

  constructor(private readonly log: Logger) {}

  on<K extends WppdEventName>(owner: string, name: K | '*', hook: EventHook<K>): () => void {
    const subscription: Subscription = { owner, name, hook: hook as unknown as EventHook<WppdEventName> };
    this.subscriptions.push(subscription);
    return () => {
      this.subscriptions = this.subscriptions.filter((s) => s !== subscription);
    };
  }

  /** Drop every hook a plugin added (a plugin that failed to start leaves nothing behind). */
  removeOwner(owner: string): void {
    this.subscriptions = this.subscriptions.filter((s) => s.owner !== owner);
  }

  emit<K extends WppdEventName>(session: string, name: K, payload: WppdEvents[K]): WppdEvent<K> {
    const event: WppdEvent<K> = { id: `evt_${randomUUID()}`, name, session, at: Date.now(), payload };
    for (const subscription of this.subscriptions) {
      if (subscription.name !== name && subscription.name !== '*') continue;
      try {
        const result = subscription.hook(event as unknown as WppdEvent<WppdEventName>);
        if (result && typeof result.then === 'function') {
          result.then(undefined, (error: unknown) => this.hookFailed(subscription, event, error));
        }
      } catch (error) {
        this.hookFailed(subscription, event, error);
      }
    }
    return event;
  }

  private hookFailed(subscription: Subscription, event: WppdEvent, error: unknown): void {
    this.log.error(
      { plugin: subscription.owner, event: event.name, session: event.session, err: error },
      'event hook failed',
    );
  }
}
