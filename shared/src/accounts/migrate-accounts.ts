// Moves billing from users to accounts (issue 19): for every legacy `users/{userId}` document, in
// user-id order, a page at a time, it creates the personal account `accounts/{userId}` (a personal
// account's id is its user's id), copies the user's quota counters under the account, and stamps
// `accountId` on the API keys and Stripe objects that still name their owner by `userId`.
// Safe to run while the app and the applier write: every read-modify-write is a transaction or a
// write conditional on the document not having changed since it was read, and what exists on the
// account side wins (it was written since the deploy). Idempotent, so a killed run is resumed with
// `after` = the last user id it logged (a page is redone at worst).
import { FieldPath, Timestamp, type Query, type QueryDocumentSnapshot } from '@google-cloud/firestore';
import { GrpcStatus, grpcStatusOf } from '../firestore/classify-firestore-error.js';
import { getPair, type Store } from '../firestore/store.js';
import type { Logger } from '../logging/logger.js';
import type { AccountDoc, LegacyUserDoc } from '../model/account-documents.js';
import type { UsageCounterDoc } from '../model/usage-documents.js';
import type { Clock } from '../ports/clock.js';

export interface MigrateAccountsOptions {
  store: Store;
  clock: Clock;
  logger: Logger;
  /** Users per page (one query, then one user at a time). */
  batch: number;
  /** Resume after this user id (the `lastUserId` of a page logged by an earlier run); null: from the start. */
  after: string | null;
  /** Read and count, write nothing. */
  dryRun: boolean;
}

/** The kinds of change, as counted in the result; a dry run counts what it would do. */
export const MigrationChange = ['accountsCreated', 'accountsFilled', 'countersCopied', 'apiKeys', 'objects'] as const;
export type MigrationChange = (typeof MigrationChange)[number];

export type MigrationResult = { [K in MigrationChange]: number } & {
  users: number;
  /** The last user done: pass it as `after` to go on from there. */
  lastUserId: string | null;
  dryRun: boolean;
  /** The first few ids of each kind of change, to check a dry run by hand. */
  examples: { [K in MigrationChange]: string[] };
};

const EXAMPLES_PER_KIND = 5;

export async function migrateAccounts(opts: MigrateAccountsOptions): Promise<MigrationResult> {
  const result: MigrationResult = {
    users: 0,
    accountsCreated: 0,
    accountsFilled: 0,
    countersCopied: 0,
    apiKeys: 0,
    objects: 0,
    lastUserId: opts.after,
    dryRun: opts.dryRun,
    examples: { accountsCreated: [], accountsFilled: [], countersCopied: [], apiKeys: [], objects: [] },
  };
  const count = (kind: MigrationChange, ids: string[]): void => {
    result[kind] += ids.length;
    result.examples[kind].push(...ids.slice(0, EXAMPLES_PER_KIND - result.examples[kind].length));
  };
  for (;;) {
    // Only the ids: each user's document is read again (and parsed) in its own transaction.
    let page = opts.store.legacyUsers.select().orderBy(FieldPath.documentId()).limit(opts.batch);
    if (result.lastUserId !== null) page = page.startAfter(result.lastUserId);
    const { docs } = await page.get();
    if (docs.length === 0) return result;
    for (const { id: userId } of docs) {
      try {
        const changes = await migrateUser(opts, userId);
        if (changes.account === 'created') count('accountsCreated', [userId]);
        if (changes.account === 'filled') count('accountsFilled', [userId]);
        count('countersCopied', changes.counters);
        count('apiKeys', changes.apiKeys);
        count('objects', changes.objects);
      } catch (err) {
        // Stop at the first failure (a legacy document the schema refuses, an outage): the operator
        // fixes it and resumes; the message says from where.
        const resume = result.lastUserId === null ? 'from the start' : `with --after ${result.lastUserId}`;
        throw new Error(`migrating user ${userId} failed (${err instanceof Error ? err.message : String(err)}); resume ${resume}`, {
          cause: err,
        });
      }
      result.users++;
      result.lastUserId = userId;
    }
    const { examples: _, ...progress } = result;
    opts.logger.info({ event: 'ops.migrate_accounts_page', ...progress }, `users done up to ${result.lastUserId ?? '(none)'}`);
    if (docs.length < opts.batch) return result;
  }
}

interface UserChanges {
  account: AccountPlan['kind'] | 'gone';
  counters: string[];
  apiKeys: string[];
  objects: string[];
}

/** One user: the steps touch different documents, so they run side by side. */
async function migrateUser(opts: MigrateAccountsOptions, userId: string): Promise<UserChanges> {
  const { customers, subscriptions, entitlements, invoices, usageOutbox, apiKeys } = opts.store;
  const path = (doc: QueryDocumentSnapshot): string => doc.ref.path;
  const [account, counters, keys, ...objects] = await allOrFirstError([
    migrateAccount(opts, userId),
    copyCounters(opts, userId),
    // Labelled by the key's public id: the document id is the secret's hash, kept out of logs.
    stampOwner(opts, apiKeys.where('userId', '==', userId), { accountId: userId, createdBy: userId }, (doc) => String(doc.get('id'))),
    // Stripe objects written before accounts name their owner `userId` (model/documents.ts, ownedByAccount).
    stampOwner(opts, customers.where('userId', '==', userId), { accountId: userId }, path),
    stampOwner(opts, subscriptions.where('userId', '==', userId), { accountId: userId }, path),
    stampOwner(opts, entitlements.where('userId', '==', userId), { accountId: userId }, path),
    stampOwner(opts, invoices.where('userId', '==', userId), { accountId: userId }, path),
    stampOwner(opts, usageOutbox.where('userId', '==', userId), { accountId: userId }, path),
  ]);
  return { account, counters, apiKeys: keys, objects: objects.flat() };
}

export type AccountPlan =
  | { kind: 'created'; account: Omit<AccountDoc, 'updatedAt'> }
  | { kind: 'filled'; fields: Partial<Pick<AccountDoc, 'stripeCustomerId' | 'billing'>> }
  | { kind: 'unchanged' };

/**
 * What the personal account needs from the legacy document: all of it when absent; else only the
 * billing fields it lacks (whatever the account has was written since the deploy, so it is newer).
 */
export function planAccount(userId: string, legacy: LegacyUserDoc, account: AccountDoc | undefined): AccountPlan {
  if (account === undefined) {
    const { email, stripeCustomerId, billing, createdAt } = legacy;
    return { kind: 'created', account: { accountId: userId, kind: 'personal', name: null, email, stripeCustomerId, billing, createdAt } };
  }
  const fields: Partial<Pick<AccountDoc, 'stripeCustomerId' | 'billing'>> = {
    ...(account.stripeCustomerId === null && legacy.stripeCustomerId !== null ? { stripeCustomerId: legacy.stripeCustomerId } : {}),
    ...(account.billing === null && legacy.billing !== null ? { billing: legacy.billing } : {}),
  };
  return Object.keys(fields).length > 0 ? { kind: 'filled', fields } : { kind: 'unchanged' };
}

async function migrateAccount({ store, clock, dryRun }: MigrateAccountsOptions, userId: string): Promise<UserChanges['account']> {
  const legacyRef = store.legacyUsers.doc(userId);
  const accountRef = store.accounts.doc(userId);
  if (dryRun) {
    const [legacy, account] = await Promise.all([legacyRef.get(), accountRef.get()]);
    const data = legacy.data();
    return data === undefined ? 'gone' : planAccount(userId, data, account.data()).kind;
  }
  return store.db.runTransaction(async (tx) => {
    const [legacy, account] = await getPair(tx, legacyRef, accountRef);
    if (legacy === undefined) return 'gone'; // deleted since the page was read
    const plan = planAccount(userId, legacy, account);
    const updatedAt = Timestamp.fromMillis(clock.now());
    if (plan.kind === 'created') tx.create(accountRef, { ...plan.account, updatedAt });
    if (plan.kind === 'filled') tx.update(accountRef, { ...plan.fields, updatedAt });
    return plan.kind;
  });
}

/**
 * The counter to keep when both sides have one for the same period: the larger `used` and
 * `reserved`, so no usage is lost (used <= reserved holds for the result when it holds for both).
 * The account's limit and dates stay: they were written since the deploy. Null: nothing to change.
 */
export function mergeCounter(legacy: UsageCounterDoc, account: UsageCounterDoc): Pick<UsageCounterDoc, 'used' | 'reserved'> | null {
  if (legacy.used <= account.used && legacy.reserved <= account.reserved) return null;
  return { used: Math.max(legacy.used, account.used), reserved: Math.max(legacy.reserved, account.reserved) };
}

/**
 * Copies `users/{userId}/usage/*` under the account; returns the ids of the counters created or
 * raised. A copied counter keeps its units unattributed (`byMember` {}), as the model reads every
 * counter stored before the split by member.
 */
async function copyCounters({ store, clock, dryRun }: MigrateAccountsOptions, userId: string): Promise<string[]> {
  const legacy = await store.legacyUsageCounters(userId).get();
  const changed: string[] = [];
  for (const doc of legacy.docs) {
    const counter = { ...doc.data(), accountId: userId };
    const ref = store.usageCounter(userId, counter.feature, counter.periodStart);
    const copy = (current: UsageCounterDoc | undefined) => (current === undefined ? counter : mergeCounter(counter, current));
    const wrote = dryRun
      ? copy((await ref.get()).data()) !== null
      : await store.db.runTransaction(async (tx) => {
          // A transaction: the app may lease from or flush to the same counter meanwhile.
          const current = (await tx.get(ref)).data();
          const change = copy(current);
          const updatedAt = Timestamp.fromMillis(clock.now());
          if (current === undefined) tx.create(ref, { ...counter, updatedAt });
          else if (change !== null) tx.update(ref, { ...change, updatedAt });
          return change !== null;
        });
    if (wrote) changed.push(`${userId}/${ref.id}`);
  }
  return changed;
}

/**
 * Sets the owner fields on the documents of `query` (those with a `userId`) whose stored document
 * has no `accountId` yet. The converters read `userId` as `accountId`, so the raw field is checked.
 * Each write is conditional on the document being unchanged since the query: one changed in between
 * (its owner written meanwhile, or deleted) is left to the next run. Returns the changed documents' labels.
 */
async function stampOwner<T>(
  { dryRun, logger }: MigrateAccountsOptions,
  query: Query<T>,
  owner: { accountId: string; createdBy?: string },
  label: (doc: QueryDocumentSnapshot<T>) => string,
): Promise<string[]> {
  const { docs } = await query.get();
  const changed: string[] = [];
  for (const doc of docs.filter((d) => d.get('accountId') === undefined)) {
    if (!dryRun) {
      try {
        // Without the converter: the same fields on five document types (each schema has them).
        await doc.ref.withConverter(null).update(owner, { lastUpdateTime: doc.updateTime });
      } catch (err) {
        const status = grpcStatusOf(err);
        if (status !== GrpcStatus.FAILED_PRECONDITION && status !== GrpcStatus.NOT_FOUND) throw err;
        logger.warn(
          { event: 'ops.migrate_accounts_changed_meanwhile', path: doc.ref.path },
          'document changed since read: left for the next run',
        );
        continue;
      }
    }
    changed.push(label(doc));
  }
  return changed;
}

/** Waits for every task (no write left running unobserved), then fails with the first failure. */
async function allOrFirstError<T extends readonly unknown[]>(tasks: T): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  for (const settled of await Promise.allSettled(tasks)) if (settled.status === 'rejected') throw settled.reason;
  return Promise.all(tasks);
}
