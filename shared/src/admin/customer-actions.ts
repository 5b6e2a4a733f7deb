// What an editor of the operator console can do to a customer. Stripe owns subscriptions and
// invoices, so those actions are Stripe calls (with our deterministic idempotency keys, decided on
// the stored object's revision like the app's own changes: a doubled click on the same state is
// one request, the same action after the state moved is a new one), followed by a refresh of the
// stored subscription through the applier's compare-and-set path, and an audit entry named by the
// key. Overrides are ours: written on the account document in one transaction with their entry.
import { createHash } from 'node:crypto';
import { Timestamp } from '@google-cloud/firestore';
import { AppError, notFound } from '../errors/app-error.js';
import type { RefreshStoredSubscription } from '../billing-ops/billing-ops-deps.js';
import { cancelAtPeriodEndKey, requestKey } from '../billing-ops/idempotency-keys.js';
import type { AccountDoc } from '../model/account-documents.js';
import type { SubscriptionDoc } from '../model/documents.js';
import { activeOverrides, type AccessOverride, type AuditAction } from '../model/operator-documents.js';
import { isCurrentSubscriptionStatus } from '../model/subscription-status.js';
import type { BillingGateway } from '../ports/billing-gateway.js';
import { nowSeconds } from '../ports/clock.js';
import type { OperatorGateway, PayInvoiceResult } from '../ports/operator-gateway.js';
import { auditEntry, logAudit, recordAudit, stageAudit, type AuditDeps } from './audit-log.js';

export interface CustomerActionDeps extends AuditDeps {
  billingGateway: Pick<BillingGateway, 'setCancelAtPeriodEnd'>;
  operatorGateway: OperatorGateway;
  refresh: RefreshStoredSubscription;
}

/** The longest trial extension one action grants, and the longest an override lasts. */
export const MAX_TRIAL_EXTENSION_DAYS = 90;
export const MAX_OVERRIDE_DAYS = 366;
/** Overrides kept on one account (the account document is read on every access decision). */
export const MAX_OVERRIDES = 20;

interface Subject {
  account: AccountDoc;
  customerId: string;
  subscription: SubscriptionDoc;
}

async function accountOf(deps: AuditDeps, accountId: string): Promise<AccountDoc> {
  const account = (await deps.store.accounts.doc(accountId).get()).data();
  if (!account) throw notFound('Account');
  return account;
}

/** The account's subscription as stored (the one its billing summary names). */
async function subscriptionOf(deps: AuditDeps, accountId: string): Promise<Subject> {
  const account = await accountOf(deps, accountId);
  const subscriptionId = account.billing?.subscriptionId ?? null;
  const subscription = subscriptionId ? (await deps.store.subscriptions.doc(subscriptionId).get()).data() : undefined;
  if (!account.stripeCustomerId || !subscription) throw new AppError('conflict', 'This account has no subscription');
  return { account, customerId: account.stripeCustomerId, subscription };
}

/** What the audit keeps of a subscription: the fields these actions change. */
const subscriptionState = (s: SubscriptionDoc) => ({
  status: s.status,
  cancelAtPeriodEnd: s.cancelAtPeriodEnd,
  cancelAt: s.cancelAt,
  trialEnd: s.trialEnd,
  endedAt: s.endedAt,
});

/**
 * A subscription action Stripe owns: `change` makes it in Stripe under `key`; then the stored
 * subscription is refreshed from Stripe, and the action is recorded once per key.
 */
async function changeInStripe(
  deps: CustomerActionDeps,
  actor: string,
  subject: Subject,
  audit: { action: AuditAction; reason: string; key: string },
  change: () => Promise<unknown>,
): Promise<SubscriptionDoc> {
  const { subscription, account } = subject;
  await change();
  await deps.refresh(subscription.subscriptionId, { accountIdHint: account.accountId, livemode: subscription.livemode });
  const after = (await deps.store.subscriptions.doc(subscription.subscriptionId).get()).data() ?? subscription;
  await recordAudit(
    deps,
    {
      actor,
      action: audit.action,
      accountId: account.accountId,
      customerId: subject.customerId,
      subject: subscription.subscriptionId,
      before: subscriptionState(subscription),
      after: subscriptionState(after),
      reason: audit.reason,
    },
    `admin:${audit.key}`,
  );
  return after;
}

/**
 * Re-reads the customer's subscriptions from Stripe and stores them (the billing summary and the
 * console's list fields follow): for a state that looks wrong, or an account stored before the
 * list fields existed.
 */
export async function resyncCustomer(deps: CustomerActionDeps, actor: string, accountId: string): Promise<{ subscriptions: number }> {
  const account = await accountOf(deps, accountId);
  if (!account.stripeCustomerId) throw new AppError('conflict', 'This account has no Stripe customer');
  const stored = await deps.store.subscriptionsOfCustomer(account.stripeCustomerId).get();
  for (const doc of stored.docs) {
    const sub = doc.data();
    await deps.refresh(sub.subscriptionId, { accountIdHint: accountId, livemode: sub.livemode });
  }
  const after = await accountOf(deps, accountId);
  await recordAudit(deps, {
    actor,
    action: 'customer.resynced',
    accountId,
    customerId: account.stripeCustomerId,
    before: { billing: account.billing?.status ?? null, listing: account.listing ?? null },
    after: { billing: after.billing?.status ?? null, listing: after.listing ?? null },
  });
  return { subscriptions: stored.size };
}

/** Cancel at period end (true) or resume (false): Stripe's `cancel_at_period_end`, as the customer's own button. */
export async function setCancellation(
  deps: CustomerActionDeps,
  actor: string,
  accountId: string,
  cancelAtPeriodEnd: boolean,
  reason: string,
): Promise<SubscriptionDoc> {
  const subject = await subscriptionOf(deps, accountId);
  const { subscription } = subject;
  if (!isCurrentSubscriptionStatus(subscription.status)) throw new AppError('conflict', 'The subscription has ended');
  const request = { subscriptionId: subscription.subscriptionId, cancelAtPeriodEnd };
  const key = cancelAtPeriodEndKey(request, subscription.version.revision);
  const action = cancelAtPeriodEnd ? 'subscription.cancel_at_period_end' : 'subscription.resumed';
  return changeInStripe(deps, actor, subject, { action, reason, key }, () => deps.billingGateway.setCancelAtPeriodEnd(request, key));
}

/** Ends the subscription now (access ends with it). The page asks for a confirmation first. */
export async function cancelNow(deps: CustomerActionDeps, actor: string, accountId: string, reason: string): Promise<SubscriptionDoc> {
  const subject = await subscriptionOf(deps, accountId);
  const { subscription } = subject;
  if (!isCurrentSubscriptionStatus(subscription.status)) throw new AppError('conflict', 'The subscription has already ended');
  const request = { subscriptionId: subscription.subscriptionId };
  const key = requestKey('admin-subscription-cancel', request, { revision: subscription.version.revision });
  return changeInStripe(deps, actor, subject, { action: 'subscription.canceled_now', reason, key }, () =>
    deps.operatorGateway.cancelSubscriptionNow(request, key),
  );
}

/**
 * Moves a trialing subscription's trial end `days` later. `fromTrialEnd`: the trial end the operator
 * saw (the page sends it): an extension is relative, so a form submitted twice must not extend twice.
 * When the stored end already is `fromTrialEnd + days` the extension was done (answered as is); any
 * other end means the trial changed since: 409, look again.
 */
export async function extendTrial(
  deps: CustomerActionDeps,
  actor: string,
  accountId: string,
  days: number,
  reason: string,
  fromTrialEnd?: number,
): Promise<SubscriptionDoc> {
  if (!Number.isInteger(days) || days < 1 || days > MAX_TRIAL_EXTENSION_DAYS)
    throw new AppError('bad_request', `Extend by 1 to ${MAX_TRIAL_EXTENSION_DAYS} days`);
  const subject = await subscriptionOf(deps, accountId);
  const { subscription } = subject;
  if (subscription.status !== 'trialing' || subscription.trialEnd === null)
    throw new AppError('conflict', 'The subscription is not in a trial');
  const from = fromTrialEnd ?? subscription.trialEnd;
  if (fromTrialEnd !== undefined && subscription.trialEnd === from + days * 86_400) return subscription;
  if (subscription.trialEnd !== from)
    throw new AppError('conflict', 'The trial end changed since the page was shown: reload and try again');
  const request = { subscriptionId: subscription.subscriptionId, trialEnd: from + days * 86_400 };
  const key = requestKey('admin-trial-end', request, { revision: subscription.version.revision });
  return changeInStripe(deps, actor, subject, { action: 'subscription.trial_extended', reason, key }, () =>
    deps.operatorGateway.setTrialEnd(request, key),
  );
}

/** One payment attempt of an open invoice of the account's customer, now (Stripe's "retry payment"). */
export async function retryInvoicePayment(
  deps: CustomerActionDeps,
  actor: string,
  accountId: string,
  invoiceId: string,
): Promise<PayInvoiceResult> {
  const account = await accountOf(deps, accountId);
  const invoice = (await deps.store.invoices.doc(invoiceId).get()).data();
  // Another customer's invoice reads as unknown: the URL names the account.
  if (!invoice || invoice.customerId !== account.stripeCustomerId) throw notFound('Invoice');
  if (invoice.status !== 'open') throw new AppError('conflict', `The invoice is ${invoice.status ?? 'a draft'}, not open`);
  const request = { invoiceId };
  // Decided on the stored invoice's revision: the failure event of an attempt bumps it, so a later retry is a new attempt, a double click is not.
  const key = requestKey('admin-invoice-pay', request, { revision: invoice.version.revision });
  const result = await deps.operatorGateway.payInvoice(request, key);
  if (invoice.subscriptionId) {
    const sub = (await deps.store.subscriptions.doc(invoice.subscriptionId).get()).data();
    if (sub) await deps.refresh(sub.subscriptionId, { accountIdHint: accountId, livemode: sub.livemode });
  }
  await recordAudit(
    deps,
    {
      actor,
      action: 'invoice.payment_retried',
      accountId,
      customerId: invoice.customerId,
      subject: invoiceId,
      before: { status: invoice.status, paymentIssue: invoice.paymentIssue },
      after: { status: result.status, paid: result.paid },
    },
    `admin:${key}`,
  );
  return result;
}

export type OverrideGrant =
  | { kind: 'feature'; feature: Extract<AccessOverride, { kind: 'feature' }>['feature'] }
  | { kind: 'quota'; feature: Extract<AccessOverride, { kind: 'quota' }>['feature']; limit: number };

/** Grants a feature or another monthly quota beside the plan until `days` from now; the access decision reads it from the account document. */
/**
 * `requestId`: the form's (or API caller's) own id of this grant, so a resubmitted form grants once.
 */
export async function grantOverride(
  deps: AuditDeps,
  actor: string,
  accountId: string,
  grant: OverrideGrant,
  days: number,
  reason: string,
  requestId: string,
): Promise<AccessOverride> {
  if (!Number.isInteger(days) || days < 1 || days > MAX_OVERRIDE_DAYS)
    throw new AppError('bad_request', `An override lasts 1 to ${MAX_OVERRIDE_DAYS} days`);
  const nowMs = deps.clock.now();
  const now = nowSeconds(deps.clock);
  const id = `ovr_${createHash('sha256').update(`${accountId}|${requestId}`).digest('base64url').slice(0, 20)}`;
  const base = { id, expiresAt: now + days * 86_400, grantedBy: actor, grantedAt: now, reason };
  const override: AccessOverride =
    grant.kind === 'feature'
      ? { ...base, kind: 'feature', feature: grant.feature }
      : { ...base, kind: 'quota', feature: grant.feature, limit: grant.limit };
  const ref = deps.store.accounts.doc(accountId);
  const entry = await deps.store.db.runTransaction(async (tx) => {
    const account = (await tx.get(ref)).data();
    if (!account) throw notFound('Account');
    // Expired grants are dropped here, so the list stays what is in force.
    const existing = account.overrides?.find((o) => o.id === id);
    if (existing) return { override: existing, audit: null };
    const kept = activeOverrides(account.overrides, now);
    if (kept.length >= MAX_OVERRIDES) throw new AppError('conflict', `At most ${MAX_OVERRIDES} overrides per account: revoke one first`);
    tx.update(ref, { overrides: [...kept, override], updatedAt: Timestamp.fromMillis(nowMs) });
    const audit = auditEntry(
      {
        actor,
        action: 'override.granted',
        accountId,
        customerId: account.stripeCustomerId,
        subject: override.id,
        before: null,
        after: override,
        reason,
      },
      nowMs,
    );
    stageAudit(deps.store, tx, audit);
    return { override, audit };
  });
  if (entry.audit) logAudit(deps.logger, entry.audit);
  return entry.override;
}

export async function revokeOverride(deps: AuditDeps, actor: string, accountId: string, overrideId: string): Promise<void> {
  const nowMs = deps.clock.now();
  const ref = deps.store.accounts.doc(accountId);
  const entry = await deps.store.db.runTransaction(async (tx) => {
    const account = (await tx.get(ref)).data();
    if (!account) throw notFound('Account');
    const found = (account.overrides ?? []).find((o) => o.id === overrideId);
    // Already revoked (a resubmitted form): nothing to change or record.
    if (!found) return null;
    tx.update(ref, { overrides: (account.overrides ?? []).filter((o) => o.id !== overrideId), updatedAt: Timestamp.fromMillis(nowMs) });
    const audit = auditEntry(
      {
        actor,
        action: 'override.revoked',
        accountId,
        customerId: account.stripeCustomerId,
        subject: overrideId,
        before: found,
        after: null,
      },
      nowMs,
    );
    stageAudit(deps.store, tx, audit);
    return audit;
  });
  if (entry) logAudit(deps.logger, entry);
}
