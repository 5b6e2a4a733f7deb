// The Deploy docs must not drift from the code they describe.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { WEBHOOK_ENABLED_EVENTS } from '@billing/shared/stripe/event-types.js';
import { readTerraform } from './terraform-config.js';

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

test('the TTL commands cover exactly the collection groups Terraform puts a TTL policy on', async () => {
  const tf = await readTerraform();
  const documented = [...readme.matchAll(/ttls update expireAt --collection-group=(\S+)/g)].map((m) => m[1]);
  expect(documented.sort()).toEqual([...(tf.locals['ttl_collections'] as string[])].sort());
});

test('IAP docs name the backend-service audience and the backend-service IAM resource, not Cloud Run IAP', () => {
  expect(readme).toContain('/projects/<PROJECT_NUMBER>/global/backendServices/<BACKEND_SERVICE_ID>');
  expect(readme).toContain('--resource-type=backend-services --service=billing-app');
  expect(readme).not.toMatch(/--resource-type=cloud-run|locations\/<REGION>\/services/);
});

test('health checks use /health (Cloud Run reserves some paths ending in z)', () => {
  expect(readme).toContain('`GET /health`');
  expect(readme.match(/healthz/g) ?? []).toHaveLength(1); // only the sentence saying why not
});

/** `event` names logged at ERROR by deployed code (tests and the local Stripe stand-in excluded). */
function errorEventsInSource(): string[] {
  const roots = ['../shared/src', '../services/webhook/src', '../services/app/src', '../functions/src'];
  const events = new Set<string>();
  for (const root of roots) {
    const dir = fileURLToPath(new URL(root, import.meta.url));
    for (const file of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
      if (!file.endsWith('.ts') || file.endsWith('.test.ts') || file.split(path.sep).includes('testing')) continue;
      const source = readFileSync(path.join(dir, file), 'utf8');
      for (const m of source.matchAll(/\.error\(\s*\{\s*event:\s*'([a-z_.]+)'/g)) events.add(m[1] ?? '');
    }
  }
  return [...events].sort();
}

test('every event logged at ERROR (charted on the dashboard, paged by its cause) says what to do in "Alerts and what to do"', () => {
  const events = errorEventsInSource();
  expect(events).toEqual(expect.arrayContaining(['stripe_event.dead_lettered', 'usage_report.expired', 'webhook.publish_failed']));
  const section = readme.slice(readme.indexOf('## Alerts and what to do'), readme.indexOf('## Restore Firestore'));
  const documented = new Set(
    [...section.matchAll(/^\| ([^|]+) \|/gm)].flatMap((row) => [...(row[1] ?? '').matchAll(/`([a-z_.]+)`/g)].map((m) => m[1])),
  );
  expect(events.filter((event) => !documented.has(event))).toEqual([]);
});
