// Each console action through the app as production composes it, the Firestore emulator and the
// Stripe stand-in: what Stripe ends up holding, what Firestore stores after the refresh, what the
// customer sees (/api/me), and the action's audit entry (one per action, even when repeated).
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyEvent } from '@billing/shared/billing/apply-event.js';
import { parseEventMessage } from '@billing/shared/billing/event-envelope.js';
import { createStore, type Store } from '@billing/shared/firestore/store.js';
import { silentLogger } from '@billing/shared/logging/logger.js';
import type { AuditAction, AuditEntry } from '@billing/shared/model/operator-documents.js';
import { createSdkStripeReader } from '@billing/shared/stripe/stripe-reader-sdk.js';
import { startTestStack, type TestStack } from '../testing/stack.js';

const ADMIN = 'ops@example.com';
const EDITOR = 'editor@example.com';
const FRANK = 'frank-console@example.com';
const DAY = 86_400;

let stack: TestStack;
let store: Store;
let accountId = '';
let subscriptionId = '';
let customerId = '';

const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
const form = (fields: Record<string, string>): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(stack.baseUrl).origin },
  body: new URLSearchParams(fields).toString(),
});

interface Me {
  account: { id: string };
  subscription: { id: string; status: string; cancelAtPeriodEnd: boolean; trialEnd: number | null } | null;
  entitlements: string[];
  overrides?: { kind: string; feature: string; expiresAt: number }[];
}
const me = async (): Promise<Me> => (await (await stack.as(FRANK, '/api/me')).json()) as Me;

async function eventually(check: () => Promise<boolean>, withinMs = 3_000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > withinMs) throw new Error(`not true within ${withinMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function auditOf(action: AuditAction): Promise<AuditEntry[]> {
  return (await store.adminAudit.where('accountId', '==', accountId).get()).docs.map((d) => d.data()).filter((e) => e.action === action);
}

/** Applies the stand-in's latest event of this type, as the applier would. */
async function applyLatest(type: string): Promise<void> {
  const event = stack.standIn.state.events.findLast((e: Stripe.Event) => e.type === type);
  if (!event) throw new Error(`no ${type} event`);
  const deps = {
    store,
    reader: createSdkStripeReader(stack.stripe),
    clock: { now: () => stack.standIn.clock.now() * 1000 },
    logger: silentLogger(),
    maxEventAgeSeconds: 30 * DAY,
  };
  expect(await applyEvent(deps, parseEventMessage(Buffer.from(JSON.stringify(event))))).toBe('applied');
}

const stripeSubscription = () => stack.stripe.subscriptions.retrieve(subscriptionId);
const act = (path: string, body: unknown = {}) =>
  stack.as(EDITOR, `/api/admin/customers/${encodeURIComponent(accountId)}/${path}`, json(body));

beforeAll(async () => {
  stack = await startTestStack({ env: { ADMIN_EMAILS: ADMIN }, testClockStart: Math.floor(Date.now() / 1000) });
  store = createStore(stack.firestore);
  // Frank subscribes to Pro (with its trial) through Checkout.
  expect((await stack.as(FRANK, '/api/me')).status).toBe(200);
  const checkout = (await (await stack.as(FRANK, '/api/checkout', json({ lookupKey: 'pro_month' }))).json()) as { url: string };
  const sessionId = /\/(cs_[A-Za-z0-9_]+)/.exec(checkout.url)?.[1] ?? '';
  const session = stack.standIn.completeCheckout(sessionId);
  expect((await stack.as(FRANK, `/billing/success?session_id=${sessionId}`)).status).toBe(303);
  subscriptionId = typeof session.subscription === 'string' ? session.subscription : (session.subscription?.id ?? '');
  customerId = typeof session.customer === 'string' ? session.customer : (session.customer?.id ?? '');
  await eventually(async () => (await me()).subscription?.id === subscriptionId);
  accountId = (await me()).account.id;
  // The bootstrap admin names an editor.
  expect((await stack.as(ADMIN, '/api/admin/operators', json({ email: EDITOR, role: 'editor' }))).status).toBe(200);
});
afterAll(async () => {
  await stack?.close();
});

describe('console actions, through Stripe where Stripe owns the state', () => {
  it('lists the new customer with the fields the refresh stored', async () => {
    const res = await stack.as(EDITOR, `/api/admin/customers?q=${customerId}`);
    const body = (await res.json()) as { rows: { accountId: string; status: string; planId: string }[] };
    expect(body.rows).toEqual([expect.objectContaining({ accountId, status: 'trialing', planId: 'pro' })]);
  });

  it('extends the trial in Stripe, stores it, and records it once even when the request is repeated', async () => {
    const before = (await stripeSubscription()).trial_end ?? 0;
    const [first, second] = await Promise.all([
      act('extend-trial', { days: 7, reason: 'onboarding help' }),
      act('extend-trial', { days: 7, reason: 'onboarding help' }),
    ]);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect((await stripeSubscription()).trial_end).toBe(before + 7 * DAY);
    expect((await store.subscriptions.doc(subscriptionId).get()).data()?.trialEnd).toBe(before + 7 * DAY);
    const entries = await auditOf('subscription.trial_extended');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actor: EDITOR, customerId, subject: subscriptionId, reason: 'onboarding help' });
    expect(JSON.parse(entries[0]?.after ?? '{}')).toMatchObject({ trialEnd: before + 7 * DAY });
  });

  it('extends a trial once when the page form is submitted twice (it carries the trial end it showed)', async () => {
    const shown = (await stripeSubscription()).trial_end ?? 0;
    const submit = () =>
      stack.as(
        EDITOR,
        `/admin/customers/${encodeURIComponent(accountId)}/extend-trial`,
        form({ days: '1', reason: '', fromTrialEnd: String(shown) }),
      );
    expect((await submit()).status).toBe(303);
    expect((await submit()).status).toBe(303);
    expect((await stripeSubscription()).trial_end).toBe(shown + DAY);
    expect(await auditOf('subscription.trial_extended')).toHaveLength(2);
    // A form showing an older trial end is refused: the trial changed since.
    const stale = await stack.as(
      EDITOR,
      `/admin/customers/${encodeURIComponent(accountId)}/extend-trial`,
      form({ days: '3', fromTrialEnd: String(shown - DAY) }),
    );
    expect(stale.status).toBe(409);
  });

  it('sets cancel at period end, then resumes; the customer sees both', async () => {
    expect((await act('cancel-at-period-end', { reason: 'asked by phone' })).status).toBe(200);
    expect((await stripeSubscription()).cancel_at_period_end).toBe(true);
    await eventually(async () => (await me()).subscription?.cancelAtPeriodEnd === true);
    const listed = (await (await stack.as(EDITOR, '/api/admin/customers?status=canceling')).json()) as { rows: { accountId: string }[] };
    expect(listed.rows.map((r) => r.accountId)).toContain(accountId);
    expect((await act('resume')).status).toBe(200);
    expect((await stripeSubscription()).cancel_at_period_end).toBe(false);
    await eventually(async () => (await me()).subscription?.cancelAtPeriodEnd === false);
    expect(await auditOf('subscription.cancel_at_period_end')).toHaveLength(1);
    expect(await auditOf('subscription.resumed')).toHaveLength(1);
  });

  it('grants a feature override the access decision and the account view honour, once per request id, and revokes it', async () => {
    expect((await me()).entitlements).not.toContain('sso');
    const grant = { kind: 'feature', feature: 'sso', days: 14, reason: 'pilot', requestId: 'grant-sso-1' };
    expect((await act('overrides', grant)).status).toBe(200);
    expect((await act('overrides', grant)).status).toBe(200);
    await eventually(async () => (await me()).entitlements.includes('sso'));
    const overrides = (await me()).overrides ?? [];
    expect(overrides).toEqual([expect.objectContaining({ kind: 'feature', feature: 'sso' })]);
    expect(await auditOf('override.granted')).toHaveLength(1);
    const overrideId = (await store.accounts.doc(accountId).get()).data()?.overrides?.[0]?.id ?? '';
    expect((await act(`overrides/${overrideId}/revoke`)).status).toBe(200);
    await eventually(async () => !(await me()).entitlements.includes('sso'));
    expect(await auditOf('override.revoked')).toHaveLength(1);
  });

  it('retries the payment of an open invoice after a failed renewal', async () => {
    stack.standIn.setPaymentBehaviour(customerId, 'fails');
    stack.standIn.advanceClock(23 * DAY); // past the (extended) trial: the first charge fails
    expect((await stripeSubscription()).status).toBe('past_due');
    await applyLatest('invoice.payment_failed');
    const invoiceId = (await store.invoicesWithPaymentIssue(customerId).get()).docs[0]?.id ?? '';
    expect(invoiceId).toMatch(/^in_/);
    // Still failing: the attempt is made and reported as not paid.
    const declined = (await (await act(`invoices/${invoiceId}/pay`)).json()) as { result: { paid: boolean } };
    expect(declined.result.paid).toBe(false);
    await applyLatest('invoice.payment_failed');
    stack.standIn.setPaymentBehaviour(customerId, 'succeeds');
    const paid = (await (await act(`invoices/${invoiceId}/pay`)).json()) as { result: { paid: boolean; status: string } };
    expect(paid.result).toMatchObject({ paid: true, status: 'paid' });
    expect((await stripeSubscription()).status).toBe('active');
    expect((await store.subscriptions.doc(subscriptionId).get()).data()?.status).toBe('active');
    const entries = await auditOf('invoice.payment_retried');
    expect(entries.map((e) => JSON.parse(e.after ?? '{}') as { paid: boolean }).map((a) => a.paid)).toEqual(
      expect.arrayContaining([false, true]),
    );
    // Paying it again: Stripe refuses, the operator reads why (409), nothing is recorded.
    await applyLatest('invoice.paid');
    const again = await act(`invoices/${invoiceId}/pay`);
    expect(again.status).toBe(409);
    expect(await auditOf('invoice.payment_retried')).toHaveLength(2);
  });

  it('resyncs from Stripe and records it', async () => {
    expect((await act('resync')).status).toBe(200);
    expect(await auditOf('customer.resynced')).toHaveLength(1);
  });

  it('cancels now only after the confirmation step of the page (no JavaScript needed)', async () => {
    const path = `/admin/customers/${encodeURIComponent(accountId)}/cancel-now`;
    const ask = await stack.as(EDITOR, path, form({ reason: 'fraud' }));
    expect(ask.status).toBe(200);
    const confirmPage = await ask.text();
    expect(confirmPage).toContain('data-testid="confirm-cancel"');
    expect(confirmPage).toContain('name="confirm" value="yes"');
    expect((await stripeSubscription()).status).toBe('active');
    const done = await stack.as(EDITOR, path, form({ reason: 'fraud', confirm: 'yes' }));
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe(`/admin/customers/${encodeURIComponent(accountId)}?done=cancel-now`);
    expect((await stripeSubscription()).status).toBe('canceled');
    await eventually(async () => (await me()).subscription?.status === 'canceled');
    expect(await auditOf('subscription.canceled_now')).toEqual([expect.objectContaining({ actor: EDITOR, reason: 'fraud' })]);
    // The API needs the confirmation too.
    expect((await act('cancel-now', {})).status).toBe(400);
  });

  it('shows every action in the customer timeline and exports the audit as CSV', async () => {
    const page = await (await stack.as(EDITOR, `/admin/customers/${encodeURIComponent(accountId)}`)).text();
    for (const action of ['subscription.trial_extended', 'subscription.canceled_now', 'override.granted', 'invoice.payment_retried'])
      expect(page).toContain(action);
    // Billing events the applier applied are in the same timeline.
    expect(page).toContain('<code>invoice.payment_failed</code>');
    expect(page).toContain(`https://dashboard.stripe.com/test/customers/${customerId}`);
    const csv = await stack.as(EDITOR, `/admin/audit.csv?account=${encodeURIComponent(accountId)}`);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe('at,actor,action,accountId,customerId,subject,reason,before,after,auditId');
    expect(lines.filter((l) => l.includes('"subscription.canceled_now"'))).toHaveLength(1);
  });
});
