// `npm run ops -- backfill-listing`: gives every account the console's list fields
// (`accounts/{accountId}.listing`) that it lacks or that no longer match its billing summary.
// Accounts stored before the field existed get it from the applier only at their next event; until
// then the customer list's status and plan filters, which query `listing.*`, do not find them.
// The listing is computed by the applier's own function (revenue/customer-listing.ts) from the
// summary and the summary's subscription, so a backfilled account reads exactly as if an event had
// just been applied to it.
//
// Paged by document id (one query of `batch` accounts at a time, never the whole collection), and
// idempotent: an account whose listing already matches is not written, so a killed run is resumed
// with `after` = the last account id it logged (a page is redone at worst), or simply run again.
// Each write is a transaction that reads the account and its subscription again: the applier writes
// `billing` and `listing` together in its own transaction on the same account document, so the two
// serialize and the listing written always matches the summary it sits beside.
import { FieldPath } from '@google-cloud/firestore';
import type { Store } from '../firestore/store.js';
import type { Logger } from '../logging/logger.js';
import type { AccountDoc } from '../model/account-documents.js';
import type { SubscriptionDoc } from '../model/documents.js';
import type { CustomerListing } from '../model/operator-documents.js';
import { customerListing, sameListing } from '../revenue/customer-listing.js';

export interface BackfillListingOptions {
  store: Store;
  logger: Logger;
  /** Accounts per page (one query each). */
  batch: number;
  /** Resume after this account id (the `lastAccountId` of a page logged by an earlier run); null: from the start. */
  after: string | null;
  /** Read and count, write nothing. */
  dryRun: boolean;
}

export interface BackfillListingResult {
  /** Accounts read. */
  accounts: number;
  /** Accounts whose listing was missing (a dry run: would be written). */
  added: number;
  /** Accounts whose listing differed from the one computed now (a dry run: would be written). */
  corrected: number;
  unchanged: number;
  /** The last account done: pass it as `after` to go on from there. */
  lastAccountId: string | null;
  dryRun: boolean;
  /** The first few account ids written (or to be written), to check a dry run by hand. */
  examples: string[];
}

const EXAMPLES = 10;

/** The listing an account should carry: the applier's function over its summary and that summary's subscription. */
export function expectedListing(account: AccountDoc, subscription: SubscriptionDoc | undefined): CustomerListing {
  return customerListing(account.billing, subscription ? [subscription] : []);
}

const subscriptionRef = (store: Store, account: AccountDoc) =>
  account.billing?.subscriptionId ? store.subscriptions.doc(account.billing.subscriptionId) : null;

export async function backfillListing(opts: BackfillListingOptions): Promise<BackfillListingResult> {
  const { store, logger, batch, dryRun } = opts;
  const result: BackfillListingResult = {
    accounts: 0,
    added: 0,
    corrected: 0,
    unchanged: 0,
    lastAccountId: opts.after,
    dryRun,
    examples: [],
  };
  for (;;) {
    let page = store.accounts.orderBy(FieldPath.documentId()).limit(batch);
    if (result.lastAccountId !== null) page = page.startAfter(result.lastAccountId);
    const { docs } = await page.get();
    if (docs.length === 0) return result;
    for (const doc of docs) {
      const change = dryRun ? await plannedChange(store, doc.data()) : await writeListing(store, doc.id);
      if (change === 'unchanged') result.unchanged++;
      else {
        result[change]++;
        if (result.examples.length < EXAMPLES) result.examples.push(doc.id);
      }
      result.accounts++;
      result.lastAccountId = doc.id;
    }
    const { examples: _, ...progress } = result;
    logger.info({ event: 'ops.backfill_listing_page', ...progress }, `accounts done up to ${result.lastAccountId ?? '(none)'}`);
    if (docs.length < batch) return result;
  }
}

type Change = 'added' | 'corrected' | 'unchanged';

const changeOf = (current: CustomerListing | undefined, expected: CustomerListing): Change =>
  current === undefined ? 'added' : sameListing(current, expected) ? 'unchanged' : 'corrected';

async function plannedChange(store: Store, account: AccountDoc): Promise<Change> {
  const ref = subscriptionRef(store, account);
  const subscription = ref ? (await ref.get()).data() : undefined;
  return changeOf(account.listing, expectedListing(account, subscription));
}

/** One account, in a transaction: read it and its subscription, write the listing only when it differs. */
async function writeListing(store: Store, accountId: string): Promise<Change> {
  const accountRef = store.accounts.doc(accountId);
  return store.db.runTransaction(async (tx) => {
    const account = (await tx.get(accountRef)).data();
    if (account === undefined) return 'unchanged'; // deleted since the page was read
    const ref = subscriptionRef(store, account);
    const subscription = ref ? (await tx.get(ref)).data() : undefined;
    const listing = expectedListing(account, subscription);
    const change = changeOf(account.listing, listing);
    // Only the listing: the account's billing did not change, so its `updatedAt` stays as the applier left it.
    if (change !== 'unchanged') tx.update(accountRef, { listing });
    return change;
  });
}

/** `npm run ops -- backfill-listing --help`. */
export const BACKFILL_LISTING_HELP = `npm run ops -- backfill-listing [--dry-run] [--batch 200] [--after <accountId>]

Gives every account the console's list fields (accounts/{id}.listing: status, plan, MRR) that it lacks
or that no longer match its billing summary, computed by the function the applier writes them with.
Accounts stored before the field existed are otherwise missing from the customer list's status and
plan filters until their next billing event or resync. Reads --batch accounts per query, in account
id order; writes only the accounts that change, each in a transaction beside the applier's. Logs one
ops.backfill_listing_page line per page with lastAccountId: a killed run resumes with --after <it>,
or simply runs again (idempotent). --dry-run counts what it would add and correct, writes nothing.`;
