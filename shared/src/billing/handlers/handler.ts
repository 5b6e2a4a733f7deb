import type { HandledEventType } from '../../stripe/event-types.js';
import type { LedgerOutcome } from '../../model/documents.js';
import type { ApplyContext } from '../apply-context.js';
import type { EventEnvelope } from '../event-envelope.js';
import { stageCustomerChange } from '../stage-customer-change.js';
import type { WriteResult } from '../versioned-write.js';

export type EventOf<K extends HandledEventType> = EventEnvelope & { type: K };

/** The handled types named `${prefix}.…`: a handler's family, derived from the one enum. */
export type EventFamily<Prefix extends string> = Extract<HandledEventType, `${Prefix}.${string}`>;

/** Runs inside the event's transaction; may throw FetchRequired (see versioned-write.ts). */
export type Handler<K extends HandledEventType> = (event: EventOf<K>, ctx: ApplyContext) => Promise<LedgerOutcome>;

/** A type added to HandledEventType without a handler here does not compile. */
export type HandlerMap = { [K in HandledEventType]: Handler<K> };

/** After an object write: recompute the account's summary, or report the customer as unmapped. */
export async function finishCustomerChange(
  ctx: ApplyContext,
  customerId: string,
  accountId: string | null,
  written: WriteResult,
): Promise<LedgerOutcome> {
  if (written === 'stale') return 'stale';
  const billing = await stageCustomerChange(ctx, customerId, accountId);
  return billing ? 'applied' : 'unmapped';
}
