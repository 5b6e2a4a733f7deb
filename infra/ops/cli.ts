// `npm run ops -- <command> [flags]`: operator tools, run from a workstation with Application
// Default Credentials (or against the local stack: the emulator variables are honoured).
//   replay-dead-letters [--max 1000] [--dry-run] [--type customer.subscription.updated ...]
//   replay-stripe-events --since 2026-11-20T00:00:00Z [--dry-run]
//   resync [--customer cus_...] [--per-second 10]
//   drift [--customer cus_...] [--since 2026-11-20T00:00:00Z] [--json] [--fix]
//   stripe-setup [--dry-run] [--webhook-url https://<app>/stripe/webhook]
//   service-key create --name <caller> [--scopes check,track,read] | service-key list | service-key revoke --id svckey_...
//   migrate-accounts [--dry-run] [--batch 200] [--after <userId>]   (issue 19: users -> accounts)
//   revenue-backfill [--months 12] [--dry-run] [--overwrite]   (past revenue_months from Stripe history)
//   backfill-listing [--dry-run] [--batch 200] [--after <accountId>]   (accounts' console list fields)
//   <command> --help: what a command does and its limits (revenue-backfill, backfill-listing)
// Environment: GOOGLE_CLOUD_PROJECT; STRIPE_SECRET_KEY and STRIPE_LIVEMODE (+ STRIPE_API_BASE for the
// stand-in) for the Stripe commands; PUBSUB_TOPIC, DEAD_LETTER_SUBSCRIPTION override the default names.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { createStore } from '@billing/shared/firestore/store.js';
import { crossChecks, parseEnv, stripeApiBase } from '@billing/shared/config/parse-env.js';
import { checkKeyMatchesLivemode, StripeLivemode, StripeSecretKey } from '@billing/shared/config/stripe-mode.js';
import { createFirestore } from '@billing/shared/firestore/firestore-client.js';
import { createLogger } from '@billing/shared/logging/logger.js';
import { systemClock } from '@billing/shared/ports/clock.js';
import { createPubSubClient } from '@billing/shared/pubsub/pubsub-client.js';
import { createPubSubPublisher } from '@billing/shared/pubsub/pubsub-publisher.js';
import { createStripeClient } from '@billing/shared/stripe/stripe-client.js';
import { createSdkStripeReader } from '@billing/shared/stripe/stripe-reader-sdk.js';
import { migrateAccounts } from '@billing/shared/accounts/migrate-accounts.js';
import { BACKFILL_LISTING_HELP, backfillListing } from '@billing/shared/admin/backfill-listing.js';
import { AccountId, UserId } from '@billing/shared/model/ids.js';
import { replayDeadLetters } from './replay-dead-letters.js';
import { replayStripeEvents } from './replay-stripe-events.js';
import { resyncSubscriptions } from './resync-subscriptions.js';
import { stripeSetup } from './stripe-setup.js';
import { driftLines, findDrift } from './drift.js';
import { REVENUE_BACKFILL_HELP, backfillRevenueMonths } from './revenue-backfill.js';
import { ServiceKeyScope } from '@billing/shared/model/service-documents.js';
import { createServiceKey, listServiceKeys, revokeServiceKey } from '@billing/shared/service-api/service-keys.js';

const Env = z
  .object({
    GOOGLE_CLOUD_PROJECT: z.string().min(1),
    PUBSUB_TOPIC: z.string().min(1).default('stripe-events'),
    DEAD_LETTER_SUBSCRIPTION: z.string().min(1).default('stripe-events-dead-letter-inspect'),
    STRIPE_SECRET_KEY: StripeSecretKey.optional(),
    // The one livemode rule (shared/src/config/stripe-mode.ts): stated, and checked against the key.
    STRIPE_LIVEMODE: StripeLivemode.optional(),
    STRIPE_API_BASE: stripeApiBase,
  })
  .superRefine((env, ctx) => {
    if (env.STRIPE_SECRET_KEY !== undefined && env.STRIPE_LIVEMODE !== undefined)
      checkKeyMatchesLivemode({ STRIPE_SECRET_KEY: env.STRIPE_SECRET_KEY, STRIPE_LIVEMODE: env.STRIPE_LIVEMODE }, ctx);
  }, crossChecks);

const Command = z.enum([
  'replay-dead-letters',
  'replay-stripe-events',
  'resync',
  'migrate-accounts',
  'service-key',
  'stripe-setup',
  'drift',
  'revenue-backfill',
  'backfill-listing',
]);
/** `<command> --help`; the other commands are described in the comment at the top of this file. */
const HELP: Partial<Record<z.infer<typeof Command>, string>> = {
  'revenue-backfill': REVENUE_BACKFILL_HELP,
  'backfill-listing': BACKFILL_LISTING_HELP,
};
const ServiceKeyAction = z.enum(['create', 'list', 'revoke']);
const ServiceKeyName = z.string().trim().min(1).max(100);
const Scopes = z
  .string()
  .transform((list) =>
    list
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  )
  .pipe(z.array(ServiceKeyScope).min(1));

/** Users per page of `migrate-accounts`: each page is one query, and a killed run redoes at most one. */
const Batch = z.coerce.number().int().min(1).max(1000);
/** Months of revenue movements to backfill (0: this month's snapshot only); five years at most. */
const Months = z.coerce.number().int().min(0).max(60);

function stripeFrom(env: z.infer<typeof Env>) {
  if (!env.STRIPE_SECRET_KEY) throw new Error('STRIPE_SECRET_KEY is required for this command');
  if (env.STRIPE_LIVEMODE === undefined)
    throw new Error("STRIPE_LIVEMODE (true or false, the deployment's mode) is required for this command");
  return { stripe: createStripeClient({ secretKey: env.STRIPE_SECRET_KEY, apiBase: env.STRIPE_API_BASE }), livemode: env.STRIPE_LIVEMODE };
}

function parseSince(raw: string | undefined): number {
  if (!raw) throw new Error('--since is required (ISO date or unix seconds)');
  const seconds = /^\d+$/.test(raw) ? Number(raw) : Math.floor(Date.parse(raw) / 1000);
  if (!Number.isFinite(seconds)) throw new Error(`--since: cannot read "${raw}"`);
  return seconds;
}

/** A flag's value parsed with its schema; the error names the flag. */
function flag<T>(name: string, schema: z.ZodType<T>, raw: string | undefined): T {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new Error(`${name}: cannot read "${raw ?? ''}" (${parsed.error.issues.map((i) => i.message).join('; ')})`);
  return parsed.data;
}

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      max: { type: 'string', default: '1000' },
      'dry-run': { type: 'boolean', default: false },
      type: { type: 'string', multiple: true },
      since: { type: 'string' },
      customer: { type: 'string' },
      'per-second': { type: 'string', default: '10' },
      batch: { type: 'string', default: '200' },
      after: { type: 'string' },
      name: { type: 'string' },
      scopes: { type: 'string', default: 'check,track,read' },
      id: { type: 'string' },
      'webhook-url': { type: 'string' },
      json: { type: 'boolean', default: false },
      fix: { type: 'boolean', default: false },
      months: { type: 'string', default: '12' },
      overwrite: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  const command = Command.parse(positionals[0]);
  const help = HELP[command];
  if (values.help && help !== undefined) {
    console.log(help);
    return;
  }
  const env = parseEnv(Env, process.env);
  const logger = createLogger({ service: 'ops' });
  const pubsub = createPubSubClient({ projectId: env.GOOGLE_CLOUD_PROJECT });
  try {
    switch (command) {
      case 'replay-dead-letters': {
        const result = await replayDeadLetters({
          pubsub,
          deadLetterSubscription: env.DEAD_LETTER_SUBSCRIPTION,
          topic: env.PUBSUB_TOPIC,
          logger,
          max: Number(values.max),
          dryRun: values['dry-run'],
          types: values.type ?? [],
        });
        console.log(JSON.stringify(result, null, 2));
        break;
      }
      case 'replay-stripe-events': {
        const { stripe } = stripeFrom(env);
        const publisher = createPubSubPublisher({ pubsub, topic: env.PUBSUB_TOPIC });
        try {
          console.log(
            JSON.stringify(
              await replayStripeEvents({ stripe, publisher, logger, since: parseSince(values.since), dryRun: values['dry-run'] }),
            ),
          );
        } finally {
          await publisher.close();
        }
        break;
      }
      case 'resync': {
        const { stripe, livemode } = stripeFrom(env);
        const firestore = createFirestore(env.GOOGLE_CLOUD_PROJECT);
        try {
          const result = await resyncSubscriptions({
            stripe,
            store: createStore(firestore),
            reader: createSdkStripeReader(stripe),
            clock: systemClock,
            logger,
            customerId: values.customer,
            livemode,
            perSecond: Number(values['per-second']),
          });
          console.log(JSON.stringify(result));
        } finally {
          await firestore.terminate();
        }
        break;
      }
      case 'migrate-accounts': {
        const batch = flag('--batch', Batch, values.batch);
        const after = values.after === undefined ? null : flag('--after', UserId, values.after);
        const firestore = createFirestore(env.GOOGLE_CLOUD_PROJECT);
        try {
          // Progress: one `ops.migrate_accounts_page` log line per page, with the lastUserId to resume after.
          const result = await migrateAccounts({
            store: createStore(firestore),
            clock: systemClock,
            logger,
            batch,
            after,
            dryRun: values['dry-run'],
          });
          console.log(JSON.stringify(result, null, 2));
        } finally {
          await firestore.terminate();
        }
        break;
      }
      case 'revenue-backfill': {
        const months = flag('--months', Months, values.months);
        const { stripe } = stripeFrom(env);
        const firestore = createFirestore(env.GOOGLE_CLOUD_PROJECT);
        try {
          // Progress: one `ops.revenue_backfill_month` log line per month, with what was done to it.
          const result = await backfillRevenueMonths({
            stripe,
            store: createStore(firestore),
            clock: systemClock,
            logger,
            months,
            dryRun: values['dry-run'],
            overwrite: values.overwrite,
          });
          console.log(JSON.stringify(result, null, 2));
        } finally {
          await firestore.terminate();
        }
        break;
      }
      case 'backfill-listing': {
        const batch = flag('--batch', Batch, values.batch);
        const after = values.after === undefined ? null : flag('--after', AccountId, values.after);
        const firestore = createFirestore(env.GOOGLE_CLOUD_PROJECT);
        try {
          // Progress: one `ops.backfill_listing_page` log line per page, with the lastAccountId to resume after.
          const result = await backfillListing({ store: createStore(firestore), logger, batch, after, dryRun: values['dry-run'] });
          console.log(JSON.stringify(result, null, 2));
        } finally {
          await firestore.terminate();
        }
        break;
      }
      case 'drift': {
        const { stripe, livemode } = stripeFrom(env);
        const firestore = createFirestore(env.GOOGLE_CLOUD_PROJECT);
        const store = createStore(firestore);
        try {
          const since = values.since === undefined ? undefined : parseSince(values.since);
          const result = await findDrift({ stripe, store, customerId: values.customer, since });
          console.log(values.json ? JSON.stringify(result, null, 2) : driftLines(result).join('\n'));
          if (values.fix) {
            for (const d of result.drifted) {
              await resyncSubscriptions({
                stripe,
                store,
                reader: createSdkStripeReader(stripe),
                clock: systemClock,
                logger,
                customerId: d.customerId,
                livemode,
                perSecond: Number(values['per-second']),
              });
            }
            const after = await findDrift({ stripe, store, customerId: values.customer, since });
            console.log(values.json ? JSON.stringify({ afterFix: after }, null, 2) : ['after --fix:', ...driftLines(after)].join('\n'));
            if (after.drifted.length > 0) process.exitCode = 1;
          } else if (result.drifted.length > 0) {
            process.exitCode = 1;
          }
        } finally {
          await firestore.terminate();
        }
        break;
      }
      case 'stripe-setup': {
        const { stripe } = stripeFrom(env);
        const webhookUrl =
          values['webhook-url'] === undefined ? undefined : flag('--webhook-url', z.url({ protocol: /^https?$/ }), values['webhook-url']);
        const result = await stripeSetup({ stripe, dryRun: values['dry-run'], webhookUrl });
        console.log(JSON.stringify(result, null, 2));
        console.log(`\nSTRIPE_PRICE_IDS='${JSON.stringify(result.priceIds)}'`);
        break;
      }
      case 'service-key': {
        const action = flag('service-key <action>', ServiceKeyAction, positionals[1]);
        const firestore = createFirestore(env.GOOGLE_CLOUD_PROJECT);
        const deps = { store: createStore(firestore), clock: systemClock };
        try {
          if (action === 'create') {
            // The secret is printed here once; only its hash is stored.
            console.log(
              JSON.stringify(
                await createServiceKey(deps, flag('--name', ServiceKeyName, values.name), flag('--scopes', Scopes, values.scopes)),
                null,
                2,
              ),
            );
          } else if (action === 'list') {
            console.log(JSON.stringify(await listServiceKeys(deps.store), null, 2));
          } else {
            console.log(
              JSON.stringify(await revokeServiceKey(deps, flag('--id', z.string().regex(/^svckey_[0-9a-f]{24}$/), values.id)), null, 2),
            );
          }
        } finally {
          await firestore.terminate();
        }
        break;
      }
    }
  } finally {
    await pubsub.close();
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
