// Typed references to the documents the applier reads and writes. Every read goes through a
// converter that parses (model/documents.ts), so code past a read trusts the shape.
import type { CollectionReference, DocumentData, Firestore, Query } from '@google-cloud/firestore';
import type { z } from 'zod';
import { zodConverter } from '../firestore/zod-converter.js';
import { Collection } from '../model/collections.js';
import { CustomerDoc, CustomerObjectsDoc, EntitlementsDoc, InvoiceDoc, LedgerEntry, SubscriptionDoc, UserDoc } from '../model/documents.js';

function typed<S extends z.ZodType<DocumentData>>(db: Firestore, name: string, schema: S): CollectionReference<z.infer<S>> {
  return db.collection(name).withConverter(zodConverter(schema));
}

export function createBillingStore(db: Firestore) {
  const subscriptions = typed(db, Collection.subscriptions, SubscriptionDoc);
  const invoices = typed(db, Collection.invoices, InvoiceDoc);
  return {
    db,
    users: typed(db, Collection.users, UserDoc),
    customers: typed(db, Collection.customers, CustomerDoc),
    subscriptions,
    entitlements: typed(db, Collection.entitlements, EntitlementsDoc),
    invoices,
    customerObjects: typed(db, Collection.customerObjects, CustomerObjectsDoc),
    ledger: typed(db, Collection.ledger, LedgerEntry),
    subscriptionsOfCustomer: (customerId: string): Query<SubscriptionDoc> => subscriptions.where('customerId', '==', customerId),
    /** Invoices that still carry a payment problem (the billing page banner). */
    invoicesWithPaymentIssue: (customerId: string): Query<InvoiceDoc> =>
      invoices.where('customerId', '==', customerId).where('paymentIssue', 'in', ['failed', 'action_required']),
  };
}
export type BillingStore = ReturnType<typeof createBillingStore>;
