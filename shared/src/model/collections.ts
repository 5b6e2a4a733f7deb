// Every Firestore collection the product uses, named once. The README's "Data model" section
// describes each document and who writes it.
export const Collection = {
  users: 'users',
  customers: 'customers',
  subscriptions: 'subscriptions',
  entitlements: 'entitlements',
  invoices: 'invoices',
  ledger: 'stripe_events',
} as const;
export type Collection = (typeof Collection)[keyof typeof Collection];
