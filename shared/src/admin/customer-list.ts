// The console's customer list: accounts, newest first, filtered by list status and plan (the
// `listing` fields the applier keeps on each account), searched by email or team-name prefix, by
// Stripe customer id or by account id. Every query below is one indexed Firestore query, never a
// scan: its cost is the documents it returns, `limit` + 1 reads (at least 1 for an empty answer),
// plus 1 read for the page cursor's document. The composite indexes are in firestore.indexes.json
// (accounts: listing.status / listing.planId with createdAt desc, email, name).
import type { Query } from '@google-cloud/firestore';
import type { Store } from '../firestore/store.js';
import type { AccountDoc } from '../model/account-documents.js';
import type { ListingStatus } from '../model/operator-documents.js';

export const CUSTOMER_PAGE_SIZE = 25;

/** Where the search term is looked for. Customer ids (`cus_…`) are recognised whatever is chosen. */
export const SearchField = ['email', 'name', 'customer', 'account'] as const;
export type SearchField = (typeof SearchField)[number];

export interface CustomerListQuery {
  status?: ListingStatus | undefined;
  planId?: string | undefined;
  search?: { field: SearchField; term: string } | undefined;
  /** The last account id of the previous page. */
  after?: string | undefined;
  limit?: number | undefined;
}

export interface CustomerRow {
  accountId: string;
  kind: AccountDoc['kind'];
  name: string | null;
  email: string | null;
  customerId: string | null;
  status: ListingStatus;
  planId: string | null;
  /** Cents per month (usd). */
  mrr: number;
  createdAt: string;
}

export interface CustomerPage {
  rows: CustomerRow[];
  /** The cursor of the next page; null on the last. */
  next: string | null;
}

const END = '\uf8ff';

/** Accounts by creation, newest first. Cost: limit + 1 reads. */
function browse(store: Store, status: ListingStatus | undefined, planId: string | undefined): Query<AccountDoc> {
  if (status && planId)
    return store.accounts.where('listing.status', '==', status).where('listing.planId', '==', planId).orderBy('createdAt', 'desc');
  if (status) return store.accounts.where('listing.status', '==', status).orderBy('createdAt', 'desc');
  if (planId) return store.accounts.where('listing.planId', '==', planId).orderBy('createdAt', 'desc');
  return store.accounts.orderBy('createdAt', 'desc');
}

/** Accounts whose billing email starts with `prefix`, by email. Cost: limit + 1 reads. */
function byEmail(store: Store, prefix: string, status: ListingStatus | undefined, planId: string | undefined): Query<AccountDoc> {
  const end = prefix + END;
  if (status && planId)
    return store.accounts
      .where('listing.status', '==', status)
      .where('listing.planId', '==', planId)
      .where('email', '>=', prefix)
      .where('email', '<', end)
      .orderBy('email');
  if (status)
    return store.accounts.where('listing.status', '==', status).where('email', '>=', prefix).where('email', '<', end).orderBy('email');
  if (planId)
    return store.accounts.where('listing.planId', '==', planId).where('email', '>=', prefix).where('email', '<', end).orderBy('email');
  return store.accounts.where('email', '>=', prefix).where('email', '<', end).orderBy('email');
}

/** Team accounts whose name starts with `prefix` (case-sensitive, as stored), by name. Cost: limit + 1 reads. */
function byName(store: Store, prefix: string, status: ListingStatus | undefined, planId: string | undefined): Query<AccountDoc> {
  const end = prefix + END;
  if (status && planId)
    return store.accounts
      .where('listing.status', '==', status)
      .where('listing.planId', '==', planId)
      .where('name', '>=', prefix)
      .where('name', '<', end)
      .orderBy('name');
  if (status)
    return store.accounts.where('listing.status', '==', status).where('name', '>=', prefix).where('name', '<', end).orderBy('name');
  if (planId)
    return store.accounts.where('listing.planId', '==', planId).where('name', '>=', prefix).where('name', '<', end).orderBy('name');
  return store.accounts.where('name', '>=', prefix).where('name', '<', end).orderBy('name');
}

export function customerRow(account: AccountDoc): CustomerRow {
  return {
    accountId: account.accountId,
    kind: account.kind,
    name: account.name,
    email: account.email,
    customerId: account.stripeCustomerId,
    status: account.listing?.status ?? (account.billing?.status ? 'active' : 'none'),
    planId: account.listing?.planId ?? account.billing?.planId ?? null,
    mrr: account.listing?.mrr ?? 0,
    createdAt: account.createdAt.toDate().toISOString(),
  };
}

const matches = (account: AccountDoc, q: CustomerListQuery) =>
  (!q.status || account.listing?.status === q.status) && (!q.planId || account.listing?.planId === q.planId);

/** One account by id: a direct read (cost 1; 2 through a customer id). Filters still apply. */
async function exact(store: Store, field: 'customer' | 'account', term: string, q: CustomerListQuery): Promise<CustomerPage> {
  let accountId: string | null = term;
  if (field === 'customer') accountId = (await store.customers.doc(term).get()).data()?.accountId ?? null;
  const account = accountId ? (await store.accounts.doc(accountId).get()).data() : undefined;
  return { rows: account && matches(account, q) ? [customerRow(account)] : [], next: null };
}

/** A document id names no path: refused ids read as "no such account" rather than a Firestore error. */
const isDocumentId = (id: string) => id.length > 0 && id.length <= 128 && !id.includes('/') && id !== '.' && id !== '..';

export async function listCustomers(store: Store, q: CustomerListQuery): Promise<CustomerPage> {
  const limit = q.limit ?? CUSTOMER_PAGE_SIZE;
  const term = q.search?.term.trim() ?? '';
  let field = q.search?.field ?? 'email';
  if (term.startsWith('cus_')) field = 'customer';
  if (term && (field === 'customer' || field === 'account'))
    return isDocumentId(term) ? exact(store, field, term, q) : { rows: [], next: null };
  let query = !term
    ? browse(store, q.status, q.planId)
    : field === 'name'
      ? byName(store, term, q.status, q.planId)
      : byEmail(store, term.toLowerCase(), q.status, q.planId);
  if (q.after && isDocumentId(q.after)) {
    const cursor = await store.accounts.doc(q.after).get();
    if (cursor.exists) query = query.startAfter(cursor);
  }
  const snap = await query.limit(limit + 1).get();
  const rows = snap.docs.slice(0, limit).map((d) => customerRow(d.data()));
  return { rows, next: snap.docs.length > limit ? (rows.at(-1)?.accountId ?? null) : null };
}
