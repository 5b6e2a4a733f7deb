import { Timestamp } from '@google-cloud/firestore';
import { describe, expect, it } from 'vitest';
import { timestamp } from './documents.js';

// The model checks a time we stamp by its shape, so that it (and the pure domain over it) loads
// without the Firestore SDK: a stored Timestamp still passes, and nothing else does.
describe('timestamp', () => {
  it('accepts a Firestore Timestamp as stored', () => {
    const stamp = Timestamp.fromMillis(1_767_225_600_000);
    expect(timestamp.parse(stamp)).toBe(stamp);
  });

  it.each([
    ['a Date', new Date(1_767_225_600_000)],
    ['unix seconds', 1_767_225_600],
    ['an ISO string', '2026-01-01T00:00:00Z'],
    ['a plain object without the methods', { seconds: 1_767_225_600, nanoseconds: 0 }],
    ['null', null],
  ])('refuses %s', (_what, value) => {
    expect(timestamp.safeParse(value).success).toBe(false);
  });
});
