// Which Stripe API versions' payloads this product reads. A Stripe event is rendered in the API
// version of the webhook endpoint that receives it (events listed through the API: the account's
// default version when the event was created), not in the SDK's. An endpoint registered without
// an explicit version gets the account's default, often years old, and those payloads have other
// shapes: before 2025-03-31.basil a subscription's billing period sat on the subscription, an
// invoice named its subscription directly, and more. Applying them would fail, or worse, apply
// wrong values without failing. So they are refused at the edge (webhook, replay tool).
//
// Readable: from 2025-03-31.basil (the shapes the applier parses, shared/src/billing/object-payloads.ts)
// up to the version the stripe SDK pins, and the later monthly versions of the pin's release
// (Stripe changes shapes only at a new release; within one, versions only add). A later release
// may change shapes this code has not seen.
import Stripe from 'stripe';

/** The first API version whose payload shapes the applier reads. */
export const OLDEST_READABLE_API_VERSION = '2025-03-31.basil';
/** The version the stripe SDK pins: the version to register webhook endpoints with. */
export const PINNED_API_VERSION: string = Stripe.API_VERSION;

/** `2026-10-28.endive` → date `2026-10-28` (versions are ordered by it), release `endive`. */
function parse(version: string | null | undefined): { date: string; release: string | null } | null {
  const match = /^(\d{4}-\d{2}-\d{2})(?:\.([a-z]+))?$/.exec(version ?? '');
  return match?.[1] ? { date: match[1], release: match[2] ?? null } : null;
}

export function isReadableApiVersion(version: string | null | undefined): boolean {
  const [v, oldest, pinned] = [parse(version), parse(OLDEST_READABLE_API_VERSION), parse(PINNED_API_VERSION)];
  if (!v || !oldest || !pinned) return false;
  return v.date >= oldest.date && (v.date <= pinned.date || (v.release !== null && v.release === pinned.release));
}
