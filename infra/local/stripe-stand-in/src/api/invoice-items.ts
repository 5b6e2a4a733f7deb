// /v1/invoiceitems: list (by customer, invoice, or pending = not yet on an invoice; newest first,
// paginated) and retrieve. The stand-in's invoice items are a subscription change's prorations
// (billing/invoice-items.ts); creating one by hand is not supported.
// https://docs.stripe.com/api/invoiceitems/list
import { z } from 'zod';
import { newestFirst } from '../billing/stand-in-state.js';
import { formBool, listParams } from '../http/request-params.js';
import { endpoint, retrieveEndpoint, type ApiEndpoint } from './endpoint.js';
import { listPage } from './list-page.js';

const list = endpoint(
  'get',
  '/v1/invoiceitems',
  z.strictObject({
    ...listParams,
    customer: z.string().optional(),
    invoice: z.string().optional(),
    pending: formBool.optional(),
  }),
  (ctx, p) =>
    listPage(
      newestFirst(ctx.state.invoiceItems).filter(
        (item) =>
          (p.customer === undefined || item.customer === p.customer) &&
          (p.invoice === undefined || item.invoice === p.invoice) &&
          (p.pending === undefined || (item.invoice === null) === p.pending),
      ),
      p,
      '/v1/invoiceitems',
    ),
);

const retrieve = retrieveEndpoint('/v1/invoiceitems', 'invoiceitem', (ctx, id) => ctx.state.invoiceItems.get(id));

export const endpoints: ApiEndpoint[] = [list, retrieve];
