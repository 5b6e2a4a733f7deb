// Stripe's metadata update rule, the same on every object: the keys sent are merged into the
// existing metadata, and a key sent as '' is removed. https://docs.stripe.com/api/metadata
import type Stripe from 'stripe';

export function mergeMetadata(current: Stripe.Metadata, update: Record<string, string> | undefined): Stripe.Metadata {
  if (!update) return current;
  const next = { ...current };
  for (const [k, v] of Object.entries(update)) {
    if (v === '') delete next[k];
    else next[k] = v;
  }
  return next;
}
