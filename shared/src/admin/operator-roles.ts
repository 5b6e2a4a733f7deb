// Who may operate the console, and with which role (viewer < editor < admin). Roles live in
// `operators/{email}`; ADMIN_EMAILS only bootstraps: an email of it with no operator document
// becomes admin on its first visit (recorded in the audit log), and from then on the document
// rules (an admin may demote or revoke it, and the bootstrap does not give the role back).
import { Timestamp } from '@google-cloud/firestore';
import { AppError } from '../errors/app-error.js';
import type { OperatorDoc, OperatorRole } from '../model/operator-documents.js';
import { auditEntry, logAudit, stageAudit, type AuditDeps } from './audit-log.js';

export const BOOTSTRAP_GRANTOR = 'ADMIN_EMAILS';

export interface OperatorDeps extends AuditDeps {
  /** ADMIN_EMAILS, lower-cased. */
  bootstrapAdmins: readonly string[];
}

/**
 * The role of the operator with this (verified, lower-cased) email; null: not an operator. One
 * document read; a bootstrap admin's first visit also writes its document and audit entry.
 */
export async function operatorRole(deps: OperatorDeps, email: string | null): Promise<OperatorRole | null> {
  if (email === null) return null;
  const ref = deps.store.operators.doc(email);
  const stored = (await ref.get()).data();
  if (stored) return stored.role;
  if (!deps.bootstrapAdmins.includes(email)) return null;
  const nowMs = deps.clock.now();
  const now = Timestamp.fromMillis(nowMs);
  const entry = auditEntry(
    { actor: BOOTSTRAP_GRANTOR, action: 'operator.bootstrapped', subject: email, after: { role: 'admin' } },
    nowMs,
    `operator-bootstrap:${email}`,
  );
  const role = await deps.store.db.runTransaction(async (tx) => {
    // Two first requests race: the second finds the first's document.
    const again = (await tx.get(ref)).data();
    if (again) return { role: again.role, created: false };
    tx.create(ref, { email, role: 'admin', grantedBy: BOOTSTRAP_GRANTOR, createdAt: now, updatedAt: now });
    stageAudit(deps.store, tx, entry);
    return { role: 'admin' as const, created: true };
  });
  if (role.created) logAudit(deps.logger, entry);
  return role.role;
}

/** Every operator document, revoked ones included, by email. A handful of documents: one read each. */
export async function listOperators(deps: Pick<AuditDeps, 'store'>): Promise<OperatorDoc[]> {
  const snap = await deps.store.operators.get();
  return snap.docs.map((d) => d.data()).sort((a, b) => a.email.localeCompare(b.email));
}

/**
 * Sets (or, with null, revokes) an operator's role, audited in the same transaction. An admin may
 * not change their own role: the console must keep at least the admin who is using it.
 */
export async function setOperatorRole(deps: AuditDeps, actor: string, email: string, role: OperatorRole | null): Promise<OperatorDoc> {
  if (email === actor) throw new AppError('conflict', 'You cannot change your own role; ask another admin');
  const ref = deps.store.operators.doc(email);
  const nowMs = deps.clock.now();
  const now = Timestamp.fromMillis(nowMs);
  const result = await deps.store.db.runTransaction(async (tx) => {
    const before = (await tx.get(ref)).data();
    if ((before?.role ?? null) === role) return { doc: before ?? null, entry: null };
    const doc: OperatorDoc = { email, role, grantedBy: actor, createdAt: before?.createdAt ?? now, updatedAt: now };
    const entry = auditEntry(
      {
        actor,
        action: role === null ? 'operator.role_revoked' : 'operator.role_set',
        subject: email,
        before: { role: before?.role ?? null },
        after: { role },
      },
      nowMs,
    );
    tx.set(ref, doc);
    stageAudit(deps.store, tx, entry);
    return { doc, entry };
  });
  if (result.entry) logAudit(deps.logger, result.entry);
  // Revoking someone who never was an operator: nothing to store, nothing to record.
  return result.doc ?? { email, role: null, grantedBy: actor, createdAt: now, updatedAt: now };
}
