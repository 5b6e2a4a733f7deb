import { describe, expect, it } from 'vitest';
import { createRefusedApiKeys } from './refused-api-keys.js';

function clockAt(ms: number): { t: number; now(): number } {
  return {
    t: ms,
    now() {
      return this.t;
    },
  };
}

describe('refused API keys', () => {
  it('refuses an unknown key for the TTL only, and a revoked key until pushed out', () => {
    const clock = clockAt(1_000_000);
    const refused = createRefusedApiKeys({ clock, maxEntries: 10, unknownTtlMs: 30_000 });
    refused.unknown('u');
    refused.revoked('r');
    clock.t += 29_999;
    expect([refused.has('u'), refused.has('r')]).toEqual([true, true]);
    clock.t += 1;
    expect([refused.has('u'), refused.has('r')]).toEqual([false, true]);
    clock.t += 365 * 86_400_000;
    expect(refused.has('r')).toBe(true);
  });

  it('holds at most maxEntries hashes, forgetting the oldest first; remembering again makes an entry the newest', () => {
    const clock = clockAt(0);
    const refused = createRefusedApiKeys({ clock, maxEntries: 3, unknownTtlMs: 60_000 });
    for (const h of ['a', 'b', 'c']) refused.unknown(h);
    refused.unknown('a'); // seen again: now newer than b and c
    refused.unknown('d');
    expect(refused.size).toBe(3);
    expect(['a', 'b', 'c', 'd'].filter((h) => refused.has(h))).toEqual(['a', 'c', 'd']);
    for (let i = 0; i < 1_000; i++) refused.unknown(`flood${i}`);
    expect(refused.size).toBe(3);
  });

  it('forgets a hash at once when the key is created', () => {
    const refused = createRefusedApiKeys({ clock: clockAt(0), maxEntries: 3, unknownTtlMs: 60_000 });
    refused.unknown('k');
    refused.forget('k');
    expect(refused.has('k')).toBe(false);
  });
});
