// Delivers events to the webhook endpoint like Stripe: JSON body signed with the endpoint secret
// (`Stripe-Signature: t=…,v1=…`, made by the SDK), at least once, retried with bounded backoff on
// a non-2xx answer or a connection error. The signature time is the real wall clock, not the
// stand-in clock: the receiver checks it against its own clock (300 s tolerance).
import Stripe from 'stripe';
import type { Logger } from '@billing/shared/logging/logger.js';
import { applyPatch, type Patch } from '../billing/settings-patch.js';
import { DEFAULT_DELIVERY_SETTINGS, DeliverySettings } from './delivery-settings.js';

export interface DeliveryAttempt {
  eventId: string;
  type: string;
  attempt: number;
  /** HTTP status, 'dropped' (drop-then-retry switch) or 'error' (connection failure/timeout). */
  outcome: number | 'dropped' | 'error';
  at: number;
}

interface Pending {
  event: Stripe.Event;
  body: string;
  attempt: number;
  notBefore: number;
}

const signer = new Stripe('sk_test_stand_in_signer').webhooks;

export class DeliveryQueue {
  #settings: DeliverySettings;
  readonly #queue: Pending[] = [];
  readonly #attempts: DeliveryAttempt[] = [];
  readonly #abandoned: string[] = [];
  #running = false;
  #idleWaiters: (() => void)[] = [];
  #timer: NodeJS.Timeout | null = null;
  #wake: (() => void) | null = null;

  constructor(
    private readonly secret: string,
    private readonly logger: Logger,
    settings: Patch<DeliverySettings> = {},
    private readonly random: () => number = Math.random,
  ) {
    this.#settings = DeliverySettings.parse(applyPatch(DEFAULT_DELIVERY_SETTINGS, settings));
  }

  configure(settings: Patch<DeliverySettings>): DeliverySettings {
    this.#settings = DeliverySettings.parse(applyPatch(this.#settings, settings));
    return this.#settings;
  }

  get settings(): DeliverySettings {
    return this.#settings;
  }

  /** Every attempt so far, in order (tests read retries and duplicates from it). */
  attempts(): readonly DeliveryAttempt[] {
    return this.#attempts;
  }

  /** Event ids whose delivery gave up after maxAttempts. */
  abandoned(): readonly string[] {
    return this.#abandoned;
  }

  enqueue(event: Stripe.Event): void {
    if (this.#settings.url === null) return;
    // Serialised once: every duplicate and retry carries the same bytes, as Stripe's do.
    const body = JSON.stringify(event, null, 2);
    let copies = this.#settings.duplicateEvery;
    if (this.random() < this.#settings.duplicateProbability) copies += 1;
    for (let i = 0; i < copies; i++) this.#queue.push({ event, body, attempt: 0, notBefore: 0 });
    this.#kick();
  }

  /** Resolves when nothing is queued, in flight or waiting for a retry. */
  idle(): Promise<void> {
    if (!this.#running && this.#queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Stops retrying: drops whatever is queued (for shutdown). */
  close(): void {
    this.#queue.length = 0;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#wake?.(); // lets a drain that waits for a retry see the empty queue and stop
    if (!this.#running) this.#settle();
  }

  #kick(): void {
    if (this.#running) return;
    this.#running = true;
    // setImmediate: events emitted by one API call arrive together, so the shuffle window sees them.
    setImmediate(() => void this.#drain());
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const now = Date.now();
        const ready = this.#queue.filter((p) => p.notBefore <= now);
        if (ready.length === 0) {
          const wait = Math.min(...this.#queue.map((p) => p.notBefore)) - now;
          await new Promise<void>((resolve) => {
            this.#wake = resolve;
            this.#timer = setTimeout(resolve, wait);
          });
          this.#timer = null;
          this.#wake = null;
          continue;
        }
        const batch = ready.slice(0, this.#settings.shuffleWindow);
        if (batch.length > 1) shuffle(batch, this.random);
        for (const item of batch) {
          this.#queue.splice(this.#queue.indexOf(item), 1);
          await this.#attempt(item);
        }
      }
    } finally {
      this.#running = false;
      this.#settle();
    }
  }

  async #attempt(item: Pending): Promise<void> {
    const s = this.#settings;
    item.attempt += 1;
    if (s.delayMs > 0) await new Promise((r) => setTimeout(r, s.delayMs));
    const outcome = s.dropFirstAttempt && item.attempt === 1 ? 'dropped' : await this.#post(item.body, s);
    this.#attempts.push({ eventId: item.event.id, type: item.event.type, attempt: item.attempt, outcome, at: Date.now() });
    if (typeof outcome === 'number' && outcome >= 200 && outcome < 300) return;
    if (item.attempt >= s.maxAttempts) {
      this.#abandoned.push(item.event.id);
      this.logger.warn(
        { event: 'stand_in.webhook_abandoned', eventId: item.event.id, type: item.event.type, attempts: item.attempt },
        'webhook delivery gave up',
      );
      return;
    }
    const backoff = Math.min(s.retryMaxMs, s.retryBaseMs * 2 ** (item.attempt - 1));
    this.#queue.push({ ...item, notBefore: Date.now() + backoff });
  }

  async #post(body: string, s: DeliverySettings): Promise<number | 'error'> {
    if (s.url === null) return 'error';
    const signature = signer.generateTestHeaderString({ payload: body, secret: this.secret });
    try {
      const res = await fetch(s.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'stripe-signature': signature,
          'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
        },
        body,
        signal: AbortSignal.timeout(s.timeoutMs),
      });
      await res.arrayBuffer(); // drain, so the connection is reused
      return res.status;
    } catch {
      return 'error';
    }
  }

  #settle(): void {
    if (this.#running || this.#queue.length > 0) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const w of waiters) w();
  }
}

function shuffle<T>(items: T[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
}
