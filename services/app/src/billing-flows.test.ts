// Checkout, success refresh, plan change, cancel/resume, invoices and ownership, end to end over
// HTTP: the app as composed in production, the Firestore emulator and the local Stripe stand-in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devSubject } from './auth/dev-iap.js';
import { startTestStack, type TestStack } from './testing/stack.js';

let stack: TestStack;
const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';

const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
const sessionIdOf = (url: string) => /\/(cs_[A-Za-z0-9_]+)/.exec(url)?.[1] ?? '';

interface Me {
  plan: { id: string };
  trialAvailable: boolean;
  subscription: {
    id: string;
    status: string;
    interval: string;
    cancelAtPeriodEnd: boolean;
    cancelAt: number | null;
    currentPeriodEnd: number;
    trialEnd: number | null;
    seats: number | null;
  } | null;
}

/** Moves the stand-in's clock past a trialing subscription's trial: it renews, paid, as active. */
function endTrialOf(subscriptionId: string): void {
  const sub = stack.standIn.state.subscriptions.get(subscriptionId)?.subscription;
  if (sub?.status !== 'trialing' || sub.trial_end === null) throw new Error(`${subscriptionId} is not trialing`);
  stack.standIn.advanceClock(sub.trial_end - stack.standIn.clock.now() + 3_600);
  expect(stack.standIn.state.subscriptions.get(subscriptionId)?.subscription.status).toBe('active');
}

async function me(email: string): Promise<Me> {
  const res = await stack.as(email, '/api/me');
  expect(res.status).toBe(200);
  return (await res.json()) as Me;
}

/** /api/me reads the per-instance cache, which follows Firestore through a listener: poll briefly. */
async function eventually(check: () => Promise<boolean>, withinMs = 3_000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > withinMs) throw new Error(`not true within ${withinMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.close();
});

describe('checkout', () => {
  let aliceSession = '';

  it('a double click makes one customer and one session', async () => {
    expect((await me(ALICE)).trialAvailable).toBe(true); // the first request creates the user
    const [a, b] = await Promise.all([
      stack.as(ALICE, '/api/checkout', json({ lookupKey: 'pro_month' })),
      stack.as(ALICE, '/api/checkout', json({ lookupKey: 'pro_month' })),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const [urlA, urlB] = [((await a.json()) as { url: string }).url, ((await b.json()) as { url: string }).url];
    expect(urlA).toBe(urlB);
    aliceSession = sessionIdOf(urlA);
    expect(stack.standIn.state.checkoutSessions.get(aliceSession)?.status).toBe('open'); // not expired by its own double
    const customers = [...stack.standIn.state.customers.values()].filter((c) => c.metadata['accountId'] === devSubject(ALICE));
    expect(customers).toHaveLength(1);
    const user = await stack.firestore.doc(`accounts/${devSubject(ALICE)}`).get();
    expect(user.get('stripeCustomerId')).toBe(customers[0]?.id);
    expect((await stack.firestore.doc(`customers/${customers[0]?.id}`).get()).get('accountId')).toBe(devSubject(ALICE));
  });

  it('rejects bad input with field errors, and a non-JSON post', async () => {
    const bad = await stack.as(ALICE, '/api/checkout', json({ lookupKey: 'gold_forever' }));
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'bad_request', fields: { lookupKey: [expect.any(String)] } } });
    const missing = await stack.as(ALICE, '/api/checkout', json({}));
    expect(await missing.json()).toMatchObject({ error: { fields: { lookupKey: [expect.any(String)] } } });
    const form = await stack.as(ALICE, '/api/checkout', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'lookupKey=pro_month',
    });
    expect(form.status).toBe(403);
  });

  it('another user cannot use Alice’s checkout session', async () => {
    await stack.as(BOB, '/api/me');
    const res = await stack.as(BOB, `/billing/success?session_id=${aliceSession}`);
    expect(res.status).toBe(404);
  });

  it('a checkout session Stripe does not have is a 404 (the reader port says not found, not an SDK error)', async () => {
    const res = await stack.as(ALICE, '/billing/success?session_id=cs_test_madeUp0000000000000000');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('the success page refreshes from Stripe before any webhook and shows the plan', async () => {
    stack.standIn.completeCheckout(aliceSession);
    const res = await stack.as(ALICE, `/billing/success?session_id=${aliceSession}`);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/billing?checkout=success');
    const page = await (await stack.as(ALICE, '/billing?checkout=success')).text();
    expect(page).toContain('Thank you! Your free trial has started.'); // Pro has a trial: the stored subscription is trialing
    expect(page).toMatch(/data-testid="plan-name">Pro</);
    await eventually(async () => (await me(ALICE)).plan.id === 'pro');
    const after = await me(ALICE);
    expect(after.subscription?.status).toBe('trialing');
    expect(after.trialAvailable).toBe(false); // one trial per user
    expect((await stack.as(ALICE, '/api/reports/advanced')).status).toBe(200);
  });

  it('a new Checkout Session expires the open one, so two tabs cannot make two subscriptions', async () => {
    const ERIK = 'erik@example.com';
    await stack.as(ERIK, '/api/me');
    const open = async (lookupKey: string) =>
      sessionIdOf(((await (await stack.as(ERIK, '/api/checkout', json({ lookupKey }))).json()) as { url: string }).url);
    const proTab = await open('pro_month');
    const teamTab = await open('team_month');
    expect(stack.standIn.state.checkoutSessions.get(proTab)?.status).toBe('expired');
    expect(() => stack.standIn.completeCheckout(proTab)).toThrow(/is expired/);
    stack.standIn.completeCheckout(teamTab);
    const customerId = [...stack.standIn.state.customers.values()].find((c) => c.metadata['accountId'] === devSubject(ERIK))?.id ?? '';
    expect(stack.standIn.subscriptionsOf(customerId)).toHaveLength(1);
  });

  it('refuses a second checkout with 409', async () => {
    const res = await stack.as(ALICE, '/api/checkout', json({ lookupKey: 'team_month' }));
    expect(res.status).toBe(409);
  });
});

describe('promotion codes', () => {
  const sessionFor = async (on: TestStack, email: string) => {
    const res = await on.as(email, '/api/checkout', json({ lookupKey: 'pro_month' }));
    expect(res.status).toBe(200);
    return on.standIn.state.checkoutSessions.get(sessionIdOf(((await res.json()) as { url: string }).url));
  };

  it('Checkout has no promotion code field by default', async () => {
    expect((await sessionFor(stack, 'dora@example.com'))?.allow_promotion_codes).toBeNull();
  });

  it('CHECKOUT_PROMOTION_CODES=true asks Stripe for one', async () => {
    const withCodes = await startTestStack({ env: { CHECKOUT_PROMOTION_CODES: 'true' } });
    try {
      expect((await sessionFor(withCodes, 'erin@example.com'))?.allow_promotion_codes).toBe(true);
    } finally {
      await withCodes.close();
    }
  });
});

describe('subscription changes', () => {
  it('cancel at period end, then resume', async () => {
    const cancel = await stack.as(ALICE, '/api/subscription/cancel', json({}));
    expect(cancel.status).toBe(200);
    await eventually(async () => (await me(ALICE)).subscription?.cancelAtPeriodEnd === true);
    const resume = await stack.as(ALICE, '/api/subscription/resume', json({}));
    expect(resume.status).toBe(200);
    await eventually(async () => (await me(ALICE)).subscription?.cancelAtPeriodEnd === false);
    // and cancel again: a new state, so a new idempotency key, so it really cancels
    expect((await stack.as(ALICE, '/api/subscription/cancel', json({}))).status).toBe(200);
    await eventually(async () => (await me(ALICE)).subscription?.cancelAtPeriodEnd === true);
    expect((await stack.as(ALICE, '/api/subscription/resume', json({}))).status).toBe(200);
  });

  it('resume also undoes an end scheduled on a custom date (cancel_at, e.g. from the Dashboard)', async () => {
    const customerId = [...stack.standIn.state.customers.values()].find((c) => c.metadata['accountId'] === devSubject(ALICE))?.id ?? '';
    const subscription = stack.standIn.subscriptionsOf(customerId)[0];
    const endsOn = (subscription?.items.data[0]?.current_period_end ?? 0) + 10 * 86_400;
    await stack.stripe.subscriptions.update(subscription?.id ?? '', { cancel_at: endsOn });
    expect((await stack.as(ALICE, '/api/subscription/resume', json({}))).status).toBe(200);
    expect(await stack.stripe.subscriptions.retrieve(subscription?.id ?? '')).toMatchObject({
      cancel_at: null,
      cancel_at_period_end: false,
    });
    await eventually(async () => (await me(ALICE)).subscription?.cancelAt === null);
  });

  it('previews a change during the trial as free until the trial ends', async () => {
    const customerId = [...stack.standIn.state.customers.values()].find((c) => c.metadata['accountId'] === devSubject(ALICE))?.id ?? '';
    const sub = stack.standIn.subscriptionsOf(customerId)[0];
    expect(sub?.status).toBe('trialing');
    const res = await stack.as(ALICE, '/api/subscription/plan/preview', json({ lookupKey: 'pro_year' }));
    expect(await res.json()).toMatchObject({
      currency: 'usd',
      invoicedNow: false,
      amountDueNow: 0,
      proration: 0,
      nextInvoiceAt: sub?.trial_end,
      recursFrom: sub?.trial_end,
      lines: [],
    });
  });

  it('previews a change of billing interval as invoiced at once, for what the change then charges, changing nothing', async () => {
    const customerId = [...stack.standIn.state.customers.values()].find((c) => c.metadata['accountId'] === devSubject(ALICE))?.id ?? '';
    endTrialOf(stack.standIn.subscriptionsOf(customerId)[0]?.id ?? '');
    const invoicesBefore = [...stack.standIn.state.invoices.values()].filter((i) => i.customer === customerId).length;
    const res = await stack.as(ALICE, '/api/subscription/plan/preview', json({ lookupKey: 'pro_year' }));
    expect(res.status).toBe(200);
    const preview = (await res.json()) as {
      currency: string;
      invoicedNow: boolean;
      amountDueNow: number;
      proration: number;
      nextInvoiceAt: number | null;
    };
    expect(preview).toMatchObject({ currency: 'usd', invoicedNow: true, proration: 0, nextInvoiceAt: null });
    const yearly = stack.standIn.state.prices.get('price_pro_year')?.unit_amount ?? 0;
    expect(preview.amountDueNow).toBeGreaterThan(0);
    expect(preview.amountDueNow).toBeLessThan(yearly); // less the unused time on the monthly price
    expect(stack.standIn.subscriptionsOf(customerId)[0]?.items.data.map((i) => i.price.id)).toEqual(['price_pro_month']);
    expect([...stack.standIn.state.invoices.values()].filter((i) => i.customer === customerId)).toHaveLength(invoicesBefore);
    for (const [body, status] of [
      [{ lookupKey: 'pro_month' }, 409],
      [{ lookupKey: 'gold_month' }, 400],
      [{}, 400],
    ] as const) {
      expect((await stack.as(ALICE, '/api/subscription/plan/preview', json(body))).status).toBe(status);
    }
    expect((await stack.as(BOB, '/api/subscription/plan/preview', json({ lookupKey: 'pro_year' }))).status).toBe(409);

    expect((await stack.as(ALICE, '/api/subscription/plan', json({ lookupKey: 'pro_year' }))).status).toBe(200);
    const charged = [...stack.standIn.state.invoices.values()].filter((i) => i.customer === customerId).at(-1);
    expect(charged?.billing_reason).toBe('subscription_update');
    expect(charged?.amount_due).toBe(preview.amountDueNow);
  });

  it('changes plan with proration and shows the new plan', async () => {
    // The change the test above confirmed: pro_month → pro_year swaps the licensed price. (pro →
    // team would also add the metered api_calls price; the stand-in's subscription update only
    // swaps existing items, so that path is covered by plan-item-changes.test.ts.)
    const customerId = [...stack.standIn.state.customers.values()].find((c) => c.metadata['accountId'] === devSubject(ALICE))?.id ?? '';
    expect(stack.standIn.subscriptionsOf(customerId)[0]?.items.data.map((i) => i.price.id)).toEqual(['price_pro_year']);
    await eventually(async () => (await me(ALICE)).subscription?.interval === 'year');
    expect((await stack.as(ALICE, '/api/subscription/plan', json({ lookupKey: 'pro_year' }))).status).toBe(409);
  });

  it('a user without a subscription gets 409 for changes and the portal', async () => {
    expect((await stack.as(BOB, '/api/subscription/cancel', json({}))).status).toBe(409);
    expect((await stack.as(BOB, '/api/portal', json({}))).status).toBe(409);
  });
});

describe('seats (a plan priced per seat)', () => {
  const CAROL = 'carol@example.com';
  const carolsSubscription = () => {
    const customerId = [...stack.standIn.state.customers.values()].find((c) => c.metadata['accountId'] === devSubject(CAROL))?.id ?? '';
    const sub = stack.standIn.subscriptionsOf(customerId)[0];
    if (!sub) throw new Error('Carol has no subscription');
    return sub;
  };
  const licensedQuantity = () =>
    carolsSubscription().items.data.find((i) => i.price.id === 'price_team_month' || i.price.id === 'price_pro_month')?.quantity;

  it('checks out the chosen seats, refuses seats a plan does not take, and shows them', async () => {
    await stack.as(CAROL, '/api/me');
    for (const [body, field] of [
      [{ lookupKey: 'team_month', seats: 0 }, 'seats'],
      [{ lookupKey: 'team_month', seats: 101 }, 'seats'],
      [{ lookupKey: 'pro_month', seats: 3 }, 'seats'],
    ] as const) {
      const refused = await stack.as(CAROL, '/api/checkout', json(body));
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({ error: { code: 'bad_request', fields: { [field]: [expect.any(String)] } } });
    }
    const res = await stack.as(CAROL, '/api/checkout', json({ lookupKey: 'team_month', seats: 3 }));
    expect(res.status).toBe(200);
    const sessionId = sessionIdOf(((await res.json()) as { url: string }).url);
    stack.standIn.completeCheckout(sessionId);
    expect((await stack.as(CAROL, `/billing/success?session_id=${sessionId}`)).status).toBe(303);
    expect(licensedQuantity()).toBe(3);
    await eventually(async () => (await me(CAROL)).subscription?.seats === 3);
  });

  it('previews more seats as a proration on the next invoice, the one the change then carries', async () => {
    endTrialOf(carolsSubscription().id);
    const sub = carolsSubscription();
    // The prorations waiting for the next invoice: Stripe's pending invoice items.
    const customer = typeof sub.customer === 'string' ? sub.customer : sub.customer.id;
    const pendingProration = async () =>
      (await stack.stripe.invoiceItems.list({ customer, pending: true })).data.reduce((sum, i) => sum + i.amount, 0);
    const pendingBefore = await pendingProration();
    const res = await stack.as(CAROL, '/api/subscription/seats/preview', json({ seats: 5 }));
    expect(res.status).toBe(200);
    const preview = (await res.json()) as { invoicedNow: boolean; amountDueNow: number; proration: number; nextInvoiceAt: number | null };
    expect(preview).toMatchObject({ invoicedNow: false, amountDueNow: 0, nextInvoiceAt: sub.items.data[0]?.current_period_end });
    expect(preview.proration).toBeGreaterThan(0);
    expect(preview.proration).toBeLessThanOrEqual(2 * 10_000); // at most two more seats for a whole period
    expect(licensedQuantity()).toBe(3);
    expect(await pendingProration()).toBe(pendingBefore);
    expect((await stack.as(CAROL, '/api/subscription/seats/preview', json({ seats: 3 }))).status).toBe(409);
    expect((await stack.as(CAROL, '/api/subscription/seats/preview', json({ seats: 101 }))).status).toBe(400);

    expect((await stack.as(CAROL, '/api/subscription/seats', json({ seats: 5 }))).status).toBe(200);
    expect((await pendingProration()) - pendingBefore).toBe(preview.proration);
  });

  it('changes the seats with proration; refuses the same count, a count out of range, and a flat plan', async () => {
    expect(licensedQuantity()).toBe(5); // changed by the test above
    expect((await stack.as(CAROL, '/api/subscription/seats', json({ seats: 4 }))).status).toBe(200);
    expect(licensedQuantity()).toBe(4);
    const changed = await stack.as(CAROL, '/api/subscription/seats', json({ seats: 5 }));
    expect(changed.status).toBe(200);
    expect(await changed.json()).toMatchObject({ seats: 5 });
    expect(licensedQuantity()).toBe(5);
    await eventually(async () => (await me(CAROL)).subscription?.seats === 5);
    expect((await stack.as(CAROL, '/api/subscription/seats', json({ seats: 5 }))).status).toBe(409);
    expect((await stack.as(CAROL, '/api/subscription/seats', json({ seats: 101 }))).status).toBe(400);
    expect((await stack.as(CAROL, '/api/subscription/seats', json({ seats: 'five' }))).status).toBe(400);
    expect((await stack.as(ALICE, '/api/subscription/seats', json({ seats: 2 }))).status).toBe(409); // Pro is a flat plan
    expect((await me(ALICE)).subscription?.seats).toBeNull();
  });

  it('moving to a flat plan bills one, not the seats', async () => {
    expect((await stack.as(CAROL, '/api/subscription/plan', json({ lookupKey: 'pro_month' }))).status).toBe(200);
    expect(licensedQuantity()).toBe(1);
    await eventually(async () => (await me(CAROL)).plan.id === 'pro' && (await me(CAROL)).subscription?.seats === null);
  });
});

describe('portal and invoices', () => {
  it('opens a portal session for the user’s own customer', async () => {
    const res = await stack.as(ALICE, '/api/portal', json({}));
    expect(res.status).toBe(200);
    const { url } = (await res.json()) as { url: string };
    const portal = await (await fetch(url)).text();
    expect(portal).toContain('pro_year');
  });

  it('lists only the user’s invoices, and the PDF of another user’s invoice is 404', async () => {
    const list = await stack.as(ALICE, '/api/invoices?limit=5');
    expect(list.status).toBe(200);
    const page = (await list.json()) as { invoices: { id: string; invoicePdf: string | null }[]; hasMore: boolean };
    expect(page.invoices.length).toBeGreaterThan(0);
    const invoice = page.invoices.find((i) => i.invoicePdf);
    expect(invoice).toBeDefined();
    const pdf = await stack.as(ALICE, `/api/invoices/${invoice?.id ?? ''}/pdf`);
    expect(pdf.status).toBe(302);
    expect(pdf.headers.get('location')).toBe(invoice?.invoicePdf);

    expect(await (await stack.as(BOB, '/api/invoices')).json()).toEqual({ invoices: [], hasMore: false });
    expect((await stack.as(BOB, `/api/invoices/${invoice?.id ?? ''}/pdf`)).status).toBe(404);
    expect((await stack.as(BOB, '/api/invoices/in_doesnotexist/pdf')).status).toBe(404);
    expect((await stack.as(BOB, '/api/invoices/not-an-id/pdf')).status).toBe(404);
    expect((await stack.as(ALICE, '/api/invoices?limit=500')).status).toBe(400);
  });
});

describe('a team account through Checkout, Stripe and the applier', () => {
  const OWNER = 'dana-team@example.com';
  const MEMBER = 'erin-team@example.com';
  let team = '';
  const asTeam = (email: string, path: string, init: RequestInit = {}) =>
    stack.as(email, path, { ...init, headers: { ...(init.headers as Record<string, string> | undefined), 'x-billing-account': team } });

  it('the team buys seats; its customer carries the account id; a member gets the plan', async () => {
    const created = await stack.as(OWNER, '/api/teams', json({ name: 'Dana & Erin' }));
    expect(created.status).toBe(201);
    team = ((await created.json()) as { account: { id: string } }).account.id;
    const checkout = await asTeam(OWNER, '/api/checkout', json({ lookupKey: 'team_month', seats: 2 }));
    expect(checkout.status).toBe(200);
    const sessionId = sessionIdOf(((await checkout.json()) as { url: string }).url);
    stack.standIn.completeCheckout(sessionId);
    expect((await asTeam(OWNER, `/billing/success?session_id=${sessionId}`)).status).toBe(303);
    const session = stack.standIn.state.checkoutSessions.get(sessionId);
    expect(session?.client_reference_id).toBe(team);
    const customer = stack.standIn.state.customers.get(typeof session?.customer === 'string' ? session.customer : '');
    expect(customer?.metadata).toEqual({ accountId: team });
    // The owner's personal account is untouched.
    expect((await me(OWNER)).plan.id).toBe('free');

    const invited = await asTeam(OWNER, '/api/team/invitations', json({ email: MEMBER }));
    expect(invited.status).toBe(201);
    const { invitation } = (await invited.json()) as { invitation: { id: string } };
    expect((await stack.as(MEMBER, `/api/invitations/${invitation.id}/accept`, json({}))).status).toBe(200);
    const memberView = (await (await asTeam(MEMBER, '/api/me')).json()) as Me & { account: { role: string } };
    expect(memberView).toMatchObject({ plan: { id: 'team' }, account: { role: 'member' } });
  });

  it('refuses fewer seats, or a flat plan, while the members use them; allows it once a member is removed', async () => {
    const fewer = await asTeam(OWNER, '/api/subscription/seats', json({ seats: 1 }));
    expect(fewer.status).toBe(409);
    expect(await fewer.json()).toMatchObject({ error: { code: 'conflict', reason: 'seats_in_use', seats: { requested: 1, used: 2 } } });
    expect((await asTeam(OWNER, '/api/subscription/seats/preview', json({ seats: 1 }))).status).toBe(409);
    expect((await asTeam(OWNER, '/api/subscription/plan', json({ lookupKey: 'pro_month' }))).status).toBe(409);
    // More seats are always fine.
    expect((await asTeam(OWNER, '/api/subscription/seats', json({ seats: 3 }))).status).toBe(200);

    expect(
      (
        await asTeam(OWNER, `/api/team/members/${encodeURIComponent(devSubject(MEMBER))}`, {
          method: 'DELETE',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        })
      ).status,
    ).toBe(204);
    expect((await asTeam(OWNER, '/api/subscription/seats', json({ seats: 1 }))).status).toBe(200);
    const teamDoc = await stack.firestore.doc(`accounts/${team}`).get();
    await eventually(
      async () => (((await stack.firestore.doc(`accounts/${team}`).get()).get('billing.quantity') as number | undefined) ?? 0) === 1,
    );
    expect(teamDoc.get('kind')).toBe('team');
  });
});

// Team monthly -> Pro yearly: another interval, so invoiced at once and granted only if paid
// (pending_if_incomplete), and the Team plan's metered prices go. Stripe refuses a removal in a
// pending update (the stand-in too), so the removal follows once the change is paid.
describe('a change of interval that drops the metered prices', () => {
  const customerOf = (email: string) =>
    [...stack.standIn.state.customers.values()].find((c) => c.metadata['accountId'] === devSubject(email));
  const pricesOf = (email: string) =>
    stack.standIn
      .subscriptionsOf(customerOf(email)?.id ?? '')[0]
      ?.items.data.map((i) => i.price.id)
      .sort();

  async function teamMonthly(email: string): Promise<void> {
    await stack.as(email, '/api/me');
    const res = await stack.as(email, '/api/checkout', json({ lookupKey: 'team_month', seats: 2 }));
    expect(res.status).toBe(200);
    const sessionId = sessionIdOf(((await res.json()) as { url: string }).url);
    stack.standIn.completeCheckout(sessionId);
    expect((await stack.as(email, `/billing/success?session_id=${sessionId}`)).status).toBe(303);
    // Out of the trial: a change during one is free, not invoiced at once.
    const subscription = (await me(email)).subscription;
    if (subscription?.status === 'trialing') endTrialOf(subscription.id); // the change reads Stripe's subscription
  }

  it('moves to Pro yearly, paid, and removes the metered prices after', async () => {
    const email = 'dora@example.com';
    await teamMonthly(email);
    expect(pricesOf(email)).toEqual(['price_team_api_calls', 'price_team_month', 'price_team_tokens']);
    const res = await stack.as(email, '/api/subscription/plan', json({ lookupKey: 'pro_year' }));
    expect(res.status).toBe(200);
    expect(pricesOf(email)).toEqual(['price_pro_year']);
    await eventually(async () => (await me(email)).plan.id === 'pro' && (await me(email)).subscription?.interval === 'year');
  });

  it('keeps Team monthly with its metered prices when the charge is declined', async () => {
    const email = 'ezra@example.com';
    await teamMonthly(email);
    stack.standIn.setPaymentBehaviour(customerOf(email)?.id ?? '', 'fails');
    const res = await stack.as(email, '/api/subscription/plan', json({ lookupKey: 'pro_year' }));
    expect(res.status).toBe(402);
    expect(await res.json()).toMatchObject({ error: { code: 'payment_required', reason: 'payment_failed' } });
    expect(pricesOf(email)).toEqual(['price_team_api_calls', 'price_team_month', 'price_team_tokens']);
    expect((await me(email)).plan.id).toBe('team');
  });
});
