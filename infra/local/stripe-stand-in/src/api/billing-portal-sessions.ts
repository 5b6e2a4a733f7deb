// POST /v1/billing_portal/sessions: a session whose `url` is the stand-in's portal page. The
// URL is a bearer credential for the customer's billing: never log it. `flow_data` of type
// `payment_method_update` is the deep link to the card form; with `after_completion.redirect`
// the portal sends the customer there once the card is changed.
import type Stripe from 'stripe';
import { z } from 'zod';
import { newId } from '../billing/object-ids.js';
import { expandParam } from '../http/request-params.js';
import { invalidParam } from '../http/stripe-error.js';
import { customerOrThrow } from './customers.js';
import { endpoint, type ApiEndpoint } from './endpoint.js';

const FlowData = z.strictObject({
  type: z.literal('payment_method_update'),
  after_completion: z
    .strictObject({
      type: z.enum(['redirect', 'portal_homepage', 'hosted_confirmation']),
      redirect: z.strictObject({ return_url: z.url() }).optional(),
    })
    .optional(),
});

function flowOf(data: z.infer<typeof FlowData>): Stripe.BillingPortal.Session.Flow {
  const after = data.after_completion ?? { type: 'portal_homepage' as const };
  if (after.type === 'redirect' && !after.redirect)
    throw invalidParam('flow_data[after_completion][redirect]', 'Missing required param: flow_data[after_completion][redirect].');
  return {
    after_completion: {
      hosted_confirmation: null,
      redirect: after.type === 'redirect' && after.redirect ? { return_url: after.redirect.return_url } : null,
      type: after.type,
    },
    customer_update: null,
    subscription_cancel: null,
    subscription_pause: null,
    subscription_update: null,
    subscription_update_confirm: null,
    type: data.type,
  };
}

const create = endpoint(
  'post',
  '/v1/billing_portal/sessions',
  z.strictObject({
    customer: z.string(),
    return_url: z.url().optional(),
    locale: z.string().optional(),
    flow_data: FlowData.optional(),
    expand: expandParam,
  }),
  (ctx, p) => {
    const customer = customerOrThrow(ctx, p.customer, 'customer');
    const id = newId('bps');
    const session: Stripe.BillingPortal.Session = {
      id,
      object: 'billing_portal.session',
      configuration: 'bpc_stand_in',
      created: ctx.clock.now(),
      customer: customer.id,
      customer_account: null,
      flow: p.flow_data ? flowOf(p.flow_data) : null,
      livemode: false,
      locale: null,
      on_behalf_of: null,
      return_url: p.return_url ?? null,
      url: `${ctx.publicUrl()}/_stand-in/portal/${id}`,
    };
    ctx.state.portalSessions.set(id, session);
    return session;
  },
);

export const endpoints: ApiEndpoint[] = [create];
