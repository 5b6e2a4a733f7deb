// The Deploy docs must not drift from the code they describe.
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { WEBHOOK_ENABLED_EVENTS } from '@billing/shared/stripe/event-types.js';

const readme = readFileSync(new URL('./README.md', import.meta.url), 'utf8');

test('the Stripe CLI command registers exactly the handled event types', () => {
  const block = /EVENTS="([^"]+)"/.exec(readme)?.[1] ?? '';
  expect(block.split(/\s+/).filter(Boolean).sort()).toEqual([...WEBHOOK_ENABLED_EVENTS].sort());
});

test('the endpoint API version is the one the installed stripe SDK pins', () => {
  const source = readFileSync(new URL('../node_modules/stripe/esm/apiVersion.js', import.meta.url), 'utf8');
  const pinned = /ApiVersion = '([^']+)'/.exec(source)?.[1];
  expect(pinned).toBe('2026-10-28.endive');
  expect(readme).toContain(`api_version=${pinned}`);
});
