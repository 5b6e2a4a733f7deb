// customer.created|updated|deleted: the `customers/{id}` mapping document itself. A customer with
// no user (created outside the product) has no mapping document to write: `unmapped`.
import type { CustomerDoc, Version } from '../../model/documents.js';
import type { ApplyContext } from '../apply-context.js';
import { CustomerPayload, parsePayload } from '../object-payloads.js';
import { accountIdHint, metadataAccountId, resolveAccountId } from '../resolve-account.js';
import { writeVersioned } from '../versioned-write.js';
import { finishCustomerChange, type EventFamily, type Handler } from './handler.js';

/** The customer's own events; `customer.subscription.*` are subscription-events.ts's. */
export type CustomerEventType = Exclude<EventFamily<'customer'>, EventFamily<'customer.subscription'>>;

function customerDoc(ctx: ApplyContext, customer: CustomerPayload, deleted: boolean, accountId: string, livemode: boolean) {
  return (version: Version, current: CustomerDoc | undefined): CustomerDoc => ({
    customerId: customer.id,
    // The mapping written at creation is authoritative; metadata can be edited in the Dashboard.
    accountId: current?.accountId ?? accountId,
    email: deleted ? (current?.email ?? null) : customer.email,
    deleted,
    livemode,
    version,
    updatedAt: ctx.now,
  });
}

export const applyCustomerEvent: Handler<CustomerEventType> = async (event, ctx) => {
  const customer = parsePayload(CustomerPayload, event.data.object, 'customer');
  const accountId = await resolveAccountId(ctx, customer.id, {
    hint: accountIdHint(metadataAccountId(customer.metadata)),
    livemode: event.livemode,
    fetchIfMissing: false,
  });
  if (accountId === null) return 'unmapped';
  const written = await writeVersioned(
    ctx,
    ctx.store.customers.doc(customer.id),
    customerDoc(ctx, customer, event.type === 'customer.deleted' || customer.deleted === true, accountId, event.livemode),
    {
      fetch: async () => parsePayload(CustomerPayload, await ctx.reader.retrieveCustomer(customer.id), 'customer'),
      build: (fetched) => customerDoc(ctx, fetched, fetched.deleted === true, accountId, event.livemode),
    },
  );
  return finishCustomerChange(ctx, customer.id, accountId, written);
};
