// Every state change is recorded here as a Stripe event (for GET /v1/events) and handed to the
// webhook delivery queue. `emit` is typed per event type, so `customer.subscription.created`
// must carry a Subscription and `invoice.paid` an Invoice, in the SDK's own shape.
import Stripe from 'stripe';
import type { StandInClock } from './stand-in-clock.js';
import { newId } from './object-ids.js';
import type { StandInState } from './stand-in-state.js';

export type EventType = Stripe.Event['type'];
export type EventOf<T extends EventType> = Extract<Stripe.Event, { type: T }>;
export type EventObject<T extends EventType> = EventOf<T>['data']['object'];

export interface RequestOrigin {
  id: string;
  idempotencyKey: string | null;
}

export type EventListener = (event: Stripe.Event) => void;

export class EventLog {
  #origin: RequestOrigin | null = null;
  readonly #listeners: EventListener[] = [];

  constructor(
    private readonly state: StandInState,
    private readonly clock: StandInClock,
  ) {}

  onEvent(listener: EventListener): void {
    this.#listeners.push(listener);
  }

  /**
   * Runs an API request's handler so that the events it emits carry `request.id` and
   * `request.idempotency_key`, as Stripe's do. Handlers are synchronous (all state is in
   * memory), so no other request can interleave while the origin is set.
   */
  withinRequest<R>(origin: RequestOrigin, handler: () => R): R {
    this.#origin = origin;
    try {
      return handler();
    } finally {
      this.#origin = null;
    }
  }

  emit<T extends EventType>(type: T, object: EventObject<T>, previousAttributes?: Record<string, unknown>): EventOf<T> {
    const event = {
      id: newId('evt'),
      object: 'event',
      api_version: Stripe.API_VERSION,
      created: this.clock.now(),
      // A snapshot: later changes to the live object must not rewrite history.
      data: {
        object: structuredCloneJson(object),
        ...(previousAttributes ? { previous_attributes: structuredCloneJson(previousAttributes) } : {}),
      },
      livemode: false,
      pending_webhooks: 1,
      request: this.#origin ? { id: this.#origin.id, idempotency_key: this.#origin.idempotencyKey } : { id: null, idempotency_key: null },
      type,
    } as unknown as EventOf<T>; // TS cannot relate a generic T to its member of the union; `emit`'s signature checks the object
    this.state.events.push(event);
    for (const listener of this.#listeners) listener(event);
    return event;
  }
}

/** A deep copy through JSON, as the object would look on the wire (Decimals become strings). */
export function structuredCloneJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Stripe's `previous_attributes`: the old values of the top-level fields that changed. */
export function previousAttributes(before: object, after: object): Record<string, unknown> | undefined {
  const prev: Record<string, unknown> = {};
  const b = before as Record<string, unknown>;
  const a = after as Record<string, unknown>;
  for (const key of Object.keys(b)) if (JSON.stringify(b[key]) !== JSON.stringify(a[key])) prev[key] = b[key];
  return Object.keys(prev).length > 0 ? prev : undefined;
}
