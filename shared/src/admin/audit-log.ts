// The operator console's audit log: `admin_audit/{auditId}` (model/operator-documents.ts), never
// expiring, plus one structured log line per entry with `event: 'admin.audit'`, which the Cloud
// Logging sink routes to BigQuery (filter `jsonPayload.event="admin.audit"`: keep that name).
// Entries are staged in the transaction of the change when Firestore holds the state; when Stripe
// does, they are created after Stripe's answer, under an id derived from the action's idempotency
// key, so a retried action (same key) records once.
import { createHash, randomUUID } from 'node:crypto';
import { Timestamp, type Query, type Transaction } from '@google-cloud/firestore';
import { canonicalJson } from '../billing-ops/canonical-json.js';
import { isAlreadyExists } from '../firestore/already-exists.js';
import type { Store } from '../firestore/store.js';
import type { Logger } from '../logging/logger.js';
import type { AuditAction, AuditEntry } from '../model/operator-documents.js';
import type { Clock } from '../ports/clock.js';

/** The log line's `event`: the BigQuery sink filters on it (another deployable's Terraform). */
export const AUDIT_LOG_EVENT = 'admin.audit';

/** Before/after text kept per entry: a state snapshot, not a dump. */
const MAX_STATE_CHARS = 4_000;

export interface AuditInput {
  actor: string;
  action: AuditAction;
  accountId?: string | null;
  customerId?: string | null;
  subject?: string | null;
  before?: unknown;
  after?: unknown;
  reason?: string;
}

export interface AuditDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
}

const stateText = (state: unknown): string | null =>
  state === undefined || state === null ? null : canonicalJson(state).slice(0, MAX_STATE_CHARS);

/** The entry for `input` at `nowMs`; `key` (an idempotency key) names it, else a random id. */
export function auditEntry(input: AuditInput, nowMs: number, key?: string): AuditEntry {
  return {
    auditId: key === undefined ? randomUUID() : createHash('sha256').update(key).digest('base64url'),
    at: Timestamp.fromMillis(nowMs),
    actor: input.actor,
    action: input.action,
    accountId: input.accountId ?? null,
    customerId: input.customerId ?? null,
    subject: input.subject ?? null,
    before: stateText(input.before),
    after: stateText(input.after),
    reason: input.reason ?? '',
  };
}

/** Stages the entry in the transaction of the change it records; call `logAudit` once it committed. */
export function stageAudit(store: Store, tx: Transaction, entry: AuditEntry): void {
  tx.create(store.adminAudit.doc(entry.auditId), entry);
}

/** The entry as one structured log line (after its commit, so a retried transaction logs once). */
export function logAudit(logger: Logger, entry: AuditEntry): void {
  const { at, ...fields } = entry;
  logger.info({ event: AUDIT_LOG_EVENT, ...fields, at: at.toDate().toISOString() }, `admin ${entry.action} by ${entry.actor}`);
}

/** Records an action Stripe carried out. Idempotent by `key`: a repeat of the same action finds its entry and records nothing. */
export async function recordAudit(deps: AuditDeps, input: AuditInput, key?: string): Promise<AuditEntry> {
  const entry = auditEntry(input, deps.clock.now(), key);
  try {
    await deps.store.adminAudit.doc(entry.auditId).create(entry);
  } catch (err) {
    if (isAlreadyExists(err)) return entry;
    throw err;
  }
  logAudit(deps.logger, entry);
  return entry;
}

export const AUDIT_PAGE_SIZE = 50;

/**
 * A page of the log, newest first, overall or for one account. Cost: `limit` + 1 reads (plus one
 * for the cursor document); the per-account query uses the composite index (accountId, at desc).
 */
export async function listAudit(
  store: Store,
  opts: { accountId?: string | undefined; limit?: number; before?: string | undefined },
): Promise<{ entries: AuditEntry[]; next: string | null }> {
  const limit = opts.limit ?? AUDIT_PAGE_SIZE;
  let query: Query<AuditEntry> = opts.accountId
    ? store.adminAudit.where('accountId', '==', opts.accountId).orderBy('at', 'desc')
    : store.adminAudit.orderBy('at', 'desc');
  if (opts.before) {
    const cursor = await store.adminAudit.doc(opts.before).get();
    if (cursor.exists) query = query.startAfter(cursor);
  }
  const snap = await query.limit(limit + 1).get();
  const entries = snap.docs.slice(0, limit).map((d) => d.data());
  return { entries, next: snap.docs.length > limit ? (entries.at(-1)?.auditId ?? null) : null };
}

const CSV_COLUMNS = ['at', 'actor', 'action', 'accountId', 'customerId', 'subject', 'reason', 'before', 'after', 'auditId'] as const;

/** A CSV field: quoted, quotes doubled; a leading =, +, - or @ is prefixed with ' so a spreadsheet does not run it as a formula. */
function csvField(value: string | null): string {
  const text = value ?? '';
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return `"${safe.replace(/"/g, '""')}"`;
}

/** The entries as CSV (RFC 4180, CRLF line ends), header first. */
export function auditCsv(entries: readonly AuditEntry[]): string {
  const rows = entries.map((e) => CSV_COLUMNS.map((c) => csvField(c === 'at' ? e.at.toDate().toISOString() : e[c])).join(','));
  return [CSV_COLUMNS.join(','), ...rows].join('\r\n') + '\r\n';
}
