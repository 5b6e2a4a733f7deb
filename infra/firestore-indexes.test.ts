// firestore.indexes.json must match the queries the deployed code runs. The queries are read from
// the source (every `.where(...)` / `.orderBy(...)` chain), so a new query that needs a composite
// index, or that filters on a field exempted from indexing, fails here instead of in production
// (FAILED_PRECONDITION "The query requires an index").
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { InvitationDoc } from '@billing/shared/model/account-documents.js';
import { LedgerEntry } from '@billing/shared/model/documents.js';
import { NotificationOutboxDoc, TrackKeyDoc } from '@billing/shared/model/service-documents.js';
import { Collection } from '@billing/shared/model/collections.js';
import { UsageCounterDoc, UsageOutboxEntry, UsageReportDoc, UsageWriteReceipt } from '@billing/shared/model/usage-documents.js';
import { REPO_ROOT } from './scripts/build-deployable.js';

interface IndexesFile {
  indexes: { collectionGroup: string; queryScope: string; fields: { fieldPath: string; order?: string }[] }[];
  fieldOverrides: { collectionGroup: string; fieldPath: string; indexes: unknown[]; ttl?: boolean }[];
}
const file = JSON.parse(readFileSync(path.join(REPO_ROOT, 'firestore.indexes.json'), 'utf8')) as IndexesFile;

/** Source of everything that is deployed (not the local Stripe stand-in, not tests). */
const SOURCE_DIRS = ['shared/src', 'functions/src', 'services/webhook/src', 'services/app/src'];

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(REPO_ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.includes('testing/'))
    .map((f) => path.join(dir, f));
}

/** Equality-like operators: served by merging single-field indexes, no composite index needed. */
const EQUALITY_OPS = new Set(['==', 'in', 'array-contains']);

interface QueryChain {
  readonly where: string;
  /** The collection group, when the chain is called on a typed collection named after a `Collection` key (`store.invoices.where(...)`); else unknown. */
  readonly group: string | undefined;
  readonly filters: { field: string; op: string }[];
  readonly orderBy: string[];
}

function queryChains(): QueryChain[] {
  const chains: QueryChain[] = [];
  for (const rel of SOURCE_DIRS.flatMap(sourceFiles)) {
    const source = readFileSync(path.join(REPO_ROOT, rel), 'utf8');
    // Shapes this scan does not understand must not slip through unnoticed.
    expect(source, `${rel}: Filter.or/and or collectionGroup queries need a rule in this test`).not.toMatch(
      /\bFilter\.|\.collectionGroup\(/,
    );
    for (const m of source.matchAll(/(?:(\w+)\s*)?((?:\.(?:where|orderBy)\([^()]*\)\s*)+)/g)) {
      const text = m[2] ?? '';
      const receiver = m[1];
      const group =
        receiver !== undefined && Object.hasOwn(Collection, receiver) ? Collection[receiver as keyof typeof Collection] : undefined;
      const line = source.slice(0, m.index).split('\n').length;
      const filters: { field: string; op: string }[] = [];
      const orderBy: string[] = [];
      for (const call of text.matchAll(/\.(where|orderBy)\(([^()]*)\)/g)) {
        const args = call[2] ?? '';
        const literal = /^\s*'([^']+)'\s*(?:,\s*'([^']+)')?/.exec(args);
        expect(literal, `${rel}:${line}: ${call[0]} must name its field (and operator) as string literals`).not.toBeNull();
        if (call[1] === 'where') filters.push({ field: literal?.[1] ?? '', op: literal?.[2] ?? '' });
        else orderBy.push(literal?.[1] ?? '');
      }
      chains.push({ where: `${rel}:${line}`, group, filters, orderBy });
    }
  }
  return chains;
}

/** One range filter and nothing else is served by that field's automatic single-field index. */
const singleFieldRange = (q: QueryChain) => q.filters.length === 1 && q.orderBy.length === 0;
const needsComposite = (q: QueryChain) => !singleFieldRange(q) && (q.orderBy.length > 0 || q.filters.some((f) => !EQUALITY_OPS.has(f.op)));
const exempted = file.fieldOverrides.filter((o) => o.indexes.length === 0);

describe('firestore.indexes.json against the queries in the code', () => {
  const chains = queryChains();

  test('the scan finds the queries the code is known to run', () => {
    // A guard on the scan itself: if these disappear, the regexes above stopped matching.
    const found = chains.flatMap((q) => q.filters.map((f) => f.field));
    expect(found).toEqual(expect.arrayContaining(['customerId', 'paymentIssue', 'accountId', 'revokedAt', 'state']));
  });

  test('composite indexes exist exactly for the queries that combine filters with orderBy or a range', () => {
    const needing = chains.filter(needsComposite);
    for (const q of needing) {
      const fields = [...q.filters.map((f) => f.field), ...q.orderBy];
      const served = file.indexes.some((i) => fields.every((f) => i.fields.some((x) => x.fieldPath === f)));
      expect(served, `${q.where} (${fields.join(', ')}) has no composite index`).toBe(true);
    }
    // Equality-only queries (==, in) are served by index merging: an index no query needs only costs writes.
    for (const index of file.indexes) {
      const paths = index.fields.map((f) => f.fieldPath);
      const used = needing.some((q) => [...q.filters.map((f) => f.field), ...q.orderBy].every((f) => paths.includes(f)));
      expect(used, `composite index ${index.collectionGroup}(${paths.join(', ')}) serves no query`).toBe(true);
    }
  });

  test('no field a query filters or sorts on is exempted from indexing', () => {
    for (const o of exempted) {
      // A chain of unknown collection counts against every group's exemption of that field.
      const querying = chains.filter(
        (q) =>
          (q.group === undefined || q.group === o.collectionGroup) &&
          [...q.filters.map((f) => f.field), ...q.orderBy].includes(o.fieldPath),
      );
      expect(
        querying.map((q) => q.where),
        `${o.collectionGroup}.${o.fieldPath} is queried but exempt`,
      ).toEqual([]);
    }
  });

  test('the scan tells collections apart where the receiver names one', () => {
    const revenue = chains.filter((q) => q.where.startsWith('shared/src/revenue/read-revenue.ts'));
    expect(revenue.map((q) => q.group).sort()).toEqual(['invoices', 'invoices', 'subscriptions', 'subscriptions']);
  });
});

describe('index exemptions', () => {
  /** The documents whose high-rate or TTL fields are exempt, by collection group. */
  // An owned document's schema is a preprocess (legacy `userId` read as `accountId`) in front of its object.
  const schemas: Record<string, { readonly shape: object } | { readonly out: { readonly shape: object } }> = {
    [Collection.ledger]: LedgerEntry,
    [Collection.usage]: UsageCounterDoc,
    [Collection.usageOutbox]: UsageOutboxEntry,
    [Collection.usageReceipts]: UsageWriteReceipt,
    [Collection.usageReports]: UsageReportDoc,
    [Collection.invitations]: InvitationDoc,
    [Collection.trackKeys]: TrackKeyDoc,
    [Collection.notificationOutbox]: NotificationOutboxDoc,
  };

  test('every exemption names a real collection group and a field its documents have', () => {
    const groups = new Set<string>(Object.values(Collection));
    for (const o of file.fieldOverrides) {
      expect(groups, o.collectionGroup).toContain(o.collectionGroup);
      const schema = schemas[o.collectionGroup];
      expect(schema, `no schema known for ${o.collectionGroup}`).toBeDefined();
      const shape = schema === undefined ? {} : 'shape' in schema ? schema.shape : schema.out.shape;
      expect(Object.keys(shape), `${o.collectionGroup}.${o.fieldPath}`).toContain(o.fieldPath);
    }
  });

  test.each([
    // TTL fields (every document, increasing)
    ['stripe_events', 'expireAt'],
    ['usage', 'expireAt'],
    ['usage_outbox', 'expireAt'],
    ['usage_receipts', 'expireAt'],
    ['usage_reports', 'expireAt'],
    // timestamps written on every applied event / usage flush / meter report
    ['stripe_events', 'appliedAt'],
    ['usage', 'updatedAt'],
    ['usage_outbox', 'createdAt'],
    ['usage_outbox', 'timestamp'],
    ['usage_receipts', 'createdAt'],
    ['usage_reports', 'createdAt'],
  ])('%s.%s is exempt from single-field indexing', (group, field) => {
    expect(exempted.some((o) => o.collectionGroup === group && o.fieldPath === field)).toBe(true);
  });

  test('the file never sets ttl (Terraform owns the TTL policies)', () => {
    expect(file.fieldOverrides.every((o) => o.ttl === undefined)).toBe(true);
  });
});
