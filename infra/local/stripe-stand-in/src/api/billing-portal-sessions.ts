// POST /v1/billing_portal/sessions: a session whose `url` is the stand-in's portal page. The
// URL is a bearer credential for the customer's billing: never log it.
import type Stripe from 'stripe';
import { z } from 'zod';
import { newId } from '../billing/object-ids.js';
import { expandParam } from '../http/request-params.js';
import { customerOrThrow } from './customers.js';
import { endpoint, type ApiEndpoint } from './endpoint.js';

const create = endpoint('post', '/v1/billing_portal/sessions', z.strictObject({ customer: z.string(), return_url: z.url().optional(), locale: z.string().optional(), expand: expandParam }), (ctx, p) => {
  const customer = customerOrThrow(ctx, p.customer, 'customer');
  const id = newId('bps');
  const session: Stripe.BillingPortal.Session = {
    id,
    object: 'billing_portal.session',
    configuration: 'bpc_stand_in',
    created: ctx.clock.now(),
    customer: customer.id,
    customer_account: null,
    flow: null,
    livemode: false,
    locale: null,
    on_behalf_of: null,
    return_url: p.return_url ?? null,
    url: `${ctx.publicUrl()}/_stand-in/portal/${id}`,
  };
  ctx.state.portalSessions.set(id, session);
  return session;
});

export const endpoints: ApiEndpoint[] = [create];
