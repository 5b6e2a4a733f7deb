// entitlements.active_entitlement_summary.updated: the customer's active feature lookup keys. The
// event embeds at most 10; with more, the full list is fetched (compare-and-set write).
import type { EntitlementsDoc, Version } from '../../model/documents.js';
import type { ApplyContext } from '../apply-context.js';
import { EntitlementSummaryPayload, parsePayload } from '../object-payloads.js';
import { resolveAccountId } from '../resolve-account.js';
import { writeFetched, writeVersioned } from '../versioned-write.js';
import { finishCustomerChange, type EventFamily, type Handler } from './handler.js';

const EMBEDDED_LIMIT = 10;

function entitlementsDoc(ctx: ApplyContext, customerId: string, accountId: string | null, features: readonly string[]) {
  return (version: Version): EntitlementsDoc => ({
    customerId,
    accountId,
    features: [...new Set(features)].sort(),
    version,
    updatedAt: ctx.now,
  });
}

export const applyEntitlementsEvent: Handler<EventFamily<'entitlements'>> = async (event, ctx) => {
  const summary = parsePayload(EntitlementSummaryPayload, event.data.object, 'entitlement summary');
  const customerId = summary.customer;
  const accountId = await resolveAccountId(ctx, customerId, { hint: null, livemode: event.livemode, fetchIfMissing: true });
  const ref = ctx.store.entitlements.doc(customerId);
  const fetch = async () => (await ctx.reader.listActiveEntitlements(customerId)).map((e) => e.lookup_key);
  const build = (features: string[]) => entitlementsDoc(ctx, customerId, accountId, features);
  const embedded = summary.entitlements.data.map((e) => e.lookup_key);
  const written =
    summary.entitlements.has_more || embedded.length > EMBEDDED_LIMIT
      ? await writeFetched(ctx, ref, fetch, build)
      : await writeVersioned(ctx, ref, build(embedded), { fetch, build });
  return finishCustomerChange(ctx, customerId, accountId, written);
};
