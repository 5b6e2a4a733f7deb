// Every Firestore collection the product uses, named once. The README's "Data model" section
// describes each document and who writes it.
export const Collection = {
  /** `accounts/{accountId}`: a billing account (personal or team) and its billing summary. */
  accounts: 'accounts',
  /** `memberships/{accountId}|{userId}`: a user's role in an account. */
  memberships: 'memberships',
  /** `invitations/{invitationId}`: an invitation to a team, by email. */
  invitations: 'invitations',
  /** `users/{userId}`: each user's own billing as stored before accounts; read by the migration only. */
  legacyUsers: 'users',
  customers: 'customers',
  subscriptions: 'subscriptions',
  entitlements: 'entitlements',
  invoices: 'invoices',
  /** `customer_objects/{customerId}`: ids of the customer's subscriptions and of its invoices with a payment issue. */
  customerObjects: 'customer_objects',
  ledger: 'stripe_events',
  /** `accounts/{accountId}/usage/{feature}_{periodStart}`: quota counters (a subcollection; TTL on the `usage` group). */
  usage: 'usage',
  /** `usage_outbox/{id}`: metered usage waiting to be reported to Stripe (written with the counter). */
  usageOutbox: 'usage_outbox',
  /** `usage_receipts/{writeId}`: proof that one counter write committed, so a retry of a write whose outcome was unknown is not applied twice. */
  usageReceipts: 'usage_receipts',
  /** `usage_reports/{identifier}`: one Stripe meter event, claimed from the outbox (id = meter event identifier). */
  usageReports: 'usage_reports',
  /** `api_keys/{sha256(secret)}`: API keys, hash only. */
  apiKeys: 'api_keys',
  /** `track_keys/{sha256(accountId, idempotencyKey)}`: the service API's `track` outcomes, for idempotency (TTL: the window). */
  trackKeys: 'track_keys',
  /** `service_keys/{sha256(secret)}`: server keys of service API callers outside Google Cloud, hash only. */
  serviceKeys: 'service_keys',
  /** `notification_outbox/{notificationId}`: notifications for hosts, until published (TTL 30 d). */
  notificationOutbox: 'notification_outbox',
  /** `operators/{email}`: the operator console's roles (model/operator-documents.ts). */
  operators: 'operators',
  /** `admin_audit/{auditId}`: every operator action and role change; no TTL. */
  adminAudit: 'admin_audit',
  /** `ops_status/{name}`: small status documents of the pipeline (the usage reporter's last run). */
  opsStatus: 'ops_status',
  /** `revenue_months/{YYYY-MM}`: each account's MRR at the start of a month (the revenue history). */
  revenueMonths: 'revenue_months',
} as const;
export type Collection = (typeof Collection)[keyof typeof Collection];
