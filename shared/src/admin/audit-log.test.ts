// The audit log's entry and CSV shapes: state kept as canonical JSON (bounded), ids derived from an
// idempotency key when there is one, and a CSV a spreadsheet opens without running formulas.
import { describe, expect, it } from 'vitest';
import { auditCsv, auditEntry } from './audit-log.js';

const at = Date.UTC(2026, 11, 3, 10, 0, 0);

describe('audit entries', () => {
  it('keeps before and after as canonical JSON, and names a keyed action by its key', () => {
    const a = auditEntry(
      { actor: 'ops@example.com', action: 'subscription.trial_extended', before: { b: 1, a: 2 }, after: null },
      at,
      'admin:key-1',
    );
    const b = auditEntry({ actor: 'someone@example.com', action: 'subscription.trial_extended' }, at, 'admin:key-1');
    expect(a.before).toBe('{"a":2,"b":1}');
    expect(a.after).toBeNull();
    expect(a.auditId).toBe(b.auditId);
    expect(auditEntry({ actor: 'x', action: 'customer.resynced' }, at).auditId).not.toBe(
      auditEntry({ actor: 'x', action: 'customer.resynced' }, at).auditId,
    );
  });

  it('bounds the state it keeps', () => {
    expect(auditEntry({ actor: 'x', action: 'override.granted', after: { text: 'a'.repeat(10_000) } }, at).after).toHaveLength(4_000);
  });
});

describe('the CSV export', () => {
  it('quotes every field, doubles quotes, and defuses formula-like cells', () => {
    const entry = auditEntry(
      {
        actor: 'ops@example.com',
        action: 'override.granted',
        accountId: 'acct_1',
        reason: '=HYPERLINK("http://x")',
        after: { note: 'say "hi"' },
      },
      at,
      'k',
    );
    const [header, row, end] = auditCsv([entry]).split('\r\n');
    expect(header).toBe('at,actor,action,accountId,customerId,subject,reason,before,after,auditId');
    expect(row).toBe(
      `"2026-12-03T10:00:00.000Z","ops@example.com","override.granted","acct_1","","","'=HYPERLINK(""http://x"")","","{""note"":""say \\""hi\\""""}","${entry.auditId}"`,
    );
    expect(end).toBe('');
  });
});
