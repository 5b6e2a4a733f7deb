// The operator console: pages under /admin (server-rendered, forms that work without JavaScript)
// and the same reads and actions as JSON under /api/admin. Every route names the role it needs
// (operator-access.ts): viewer reads, editor acts on customers, admin manages roles. On pages, any
// refusal or bad input is answered as an HTML page with the status the API would send.
import express, { Router, type ErrorRequestHandler, type RequestHandler, type Response } from 'express';
import { auditCsv, listAudit, recordAudit, type AuditDeps } from '@billing/shared/admin/audit-log.js';
import { readCustomerDetail } from '@billing/shared/admin/customer-detail.js';
import type { CustomerActionDeps } from '@billing/shared/admin/customer-actions.js';
import { listCustomers, type CustomerListQuery } from '@billing/shared/admin/customer-list.js';
import { listInvoices, InvoiceListKind } from '@billing/shared/admin/invoice-list.js';
import { listOperators, setOperatorRole } from '@billing/shared/admin/operator-roles.js';
import { readPipelineHealth } from '@billing/shared/admin/pipeline-status.js';
import type { DeadLetterQueue } from '@billing/shared/ports/dead-letter-queue.js';
import { AppError, notFound } from '@billing/shared/errors/app-error.js';
import type { Store } from '@billing/shared/firestore/store.js';
import { toAppError } from '@billing/shared/http/error-handler.js';
import type { Logger } from '@billing/shared/logging/logger.js';
import { nowSeconds, type Clock } from '@billing/shared/ports/clock.js';
import { z } from 'zod';
import { parseInput } from '../http/parse-input.js';
import { renderConsoleErrorPage } from '../pages/admin-error-page.js';
import { renderAuditPage } from '../pages/admin-audit-page.js';
import { renderCancelNowConfirmPage, renderCustomerPage, DONE_MESSAGES, type DoneMessage } from '../pages/admin-customer-page.js';
import { renderCustomersPage } from '../pages/admin-customers-page.js';
import { renderInvoicesPage } from '../pages/admin-invoices-page.js';
import { renderOperatorsPage } from '../pages/admin-operators-page.js';
import { renderPipelinePage, type DeadLetterView } from '../pages/admin-pipeline-page.js';
import { renderRevenuePage } from '../pages/revenue-page.js';
import { CONSOLE_ACTIONS, type ActionContext, type ConsoleAction, type ConsoleActionName } from './console-actions.js';
import { AccountParams, AuditParams, CustomerListParams, SetRoleBody } from './console-inputs.js';
import { operatorOf, requireRole } from './operator-access.js';
import { revenueSources } from './revenue-router.js';

export interface ConsoleDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
  /** ADMIN_EMAILS (lower-cased): admins on their first visit, when they have no operator document yet. */
  bootstrapAdmins: readonly string[];
  /** Stripe-backed actions; null: this instance has no operator gateway (they answer 503). */
  stripe: Omit<CustomerActionDeps, keyof AuditDeps> | null;
  /** The Stripe key's mode, for Dashboard links to objects stored without one. */
  livemode: boolean;
  /** The app's own origin: the pages' forms must come from it (CSRF). */
  publicBaseUrl: string;
  /** The dead-letter queue, loaded on first use; null: not configured (the pipeline view says so). */
  deadLetters: (() => Promise<DeadLetterQueue>) | null;
}

/** Dead-lettered events counted per view (a peek), and replayed per click, at most. */
export const DEAD_LETTER_PEEK_MAX = 100;
export const DEAD_LETTER_REPLAY_MAX = 500;

/** Rows one CSV export holds at most (newest first); older entries are in BigQuery. */
export const AUDIT_CSV_MAX_ROWS = 5_000;

const InvoiceListParams = z.strictObject({
  kind: z.enum(InvoiceListKind).default('open'),
  after: z
    .string()
    .regex(/^in_\w{1,120}$/)
    .optional(),
});
const DoneParam = z.enum(Object.keys(DONE_MESSAGES) as [DoneMessage, ...DoneMessage[]]);

const sendPage = (res: Response, status: number, page: string) =>
  res.status(status).type('html').set('Cache-Control', 'no-store').send(page);

function listQuery(params: z.output<typeof CustomerListParams>): CustomerListQuery {
  return {
    status: params.status,
    planId: params.plan,
    after: params.after,
    search: params.q ? { field: params.field ?? 'email', term: params.q } : undefined,
  };
}

async function exportAudit(store: Store, accountId: string | undefined): Promise<string> {
  const entries = [];
  let before: string | undefined;
  do {
    const page = await listAudit(store, { accountId, limit: 500, before });
    entries.push(...page.entries);
    before = page.next ?? undefined;
  } while (before && entries.length < AUDIT_CSV_MAX_ROWS);
  return auditCsv(entries.slice(0, AUDIT_CSV_MAX_ROWS));
}

/**
 * A form post must come from the console itself: browsers send `Origin` with every POST, and a
 * cross-site form carries its own (IAP's cookie would otherwise authenticate it). The API is
 * protected by requiring JSON (require-json-post.ts).
 */
function sameOriginForms(publicBaseUrl: string): RequestHandler {
  const origin = new URL(publicBaseUrl).origin;
  return (req, _res, next) => {
    if (req.method !== 'POST') return next();
    if (req.get('origin') !== origin) throw new AppError('forbidden', 'Forms must be sent from the console');
    if (!req.is('application/x-www-form-urlencoded'))
      throw new AppError('unsupported_media_type', 'Send the form as application/x-www-form-urlencoded');
    next();
  };
}

export function consoleRouters(deps: ConsoleDeps): { page: Router; api: Router } {
  const need = requireRole({ store: deps.store, clock: deps.clock, logger: deps.logger, bootstrapAdmins: deps.bootstrapAdmins });
  const audit: AuditDeps = { store: deps.store, clock: deps.clock, logger: deps.logger };
  const stripe = deps.stripe ? { ...audit, ...deps.stripe } : null;
  const revenue = revenueSources(deps);
  const actionContext = (res: Response, accountId: string, target: string | null): ActionContext => ({
    audit,
    stripe,
    actor: operatorOf(res).email,
    accountId,
    target,
  });
  const targetOf = (a: ConsoleAction, target: unknown) => (a.target ? parseInput(z.object({ target: a.target }), { target }).target : null);
  const detail = async (accountId: string) => {
    const found = await readCustomerDetail(deps.store, accountId, nowSeconds(deps.clock));
    if (!found) throw notFound('Customer');
    return found;
  };

  const deadLetterView = async (): Promise<DeadLetterView> => {
    if (!deps.deadLetters) return { state: 'unavailable', why: 'The dead-letter subscription is not configured on this instance.' };
    try {
      return { state: 'ok', peek: await (await deps.deadLetters()).peek(DEAD_LETTER_PEEK_MAX) };
    } catch (err) {
      deps.logger.warn({ event: 'console.dead_letters_unavailable', err }, 'dead-letter subscription unreadable');
      return { state: 'unavailable', why: 'The dead-letter subscription could not be read just now.' };
    }
  };
  const pipeline = async () => ({
    health: await readPipelineHealth(deps.store),
    deadLetters: await deadLetterView(),
    now: nowSeconds(deps.clock),
  });
  /** Admins only; audited with how many were replayed. */
  const replay = async (res: Response) => {
    if (!deps.deadLetters) throw new AppError('upstream_unavailable', 'The dead-letter subscription is not configured on this instance');
    const result = await (await deps.deadLetters()).replay(DEAD_LETTER_REPLAY_MAX);
    await recordAudit(audit, { actor: operatorOf(res).email, action: 'dead_letters.replayed', after: result });
    return result;
  };

  // ---- JSON API (mounted at /api/admin, behind express.json and requireJsonPost) ----
  const api = Router();
  api.get('/revenue', need('viewer'), async (_req, res) => {
    res.json(await revenue.summary());
  });
  api.get('/revenue/history', need('viewer'), async (_req, res) => {
    res.json(await revenue.history());
  });
  api.get('/customers', need('viewer'), async (req, res) => {
    res.json(await listCustomers(deps.store, listQuery(parseInput(CustomerListParams, req.query))));
  });
  api.get('/customers/:accountId', need('viewer'), async (req, res) => {
    const { accountId } = parseInput(AccountParams, req.params);
    const d = await detail(accountId);
    res.json({
      ...d,
      account: {
        ...d.account,
        createdAt: d.account.createdAt.toDate().toISOString(),
        updatedAt: d.account.updatedAt.toDate().toISOString(),
      },
    });
  });
  for (const [, a] of Object.entries(CONSOLE_ACTIONS) as [ConsoleActionName, ConsoleAction][]) {
    api.post(`/customers/:accountId/${a.path}`, need(a.role), async (req, res) => {
      const { accountId } = parseInput(AccountParams, { accountId: req.params['accountId'] });
      const target = targetOf(a, req.params['target']);
      const body: unknown = parseInput(a.body, req.body);
      res.json({ ok: true, result: (await a.run(actionContext(res, accountId, target), body)) ?? null });
    });
  }
  api.get('/invoices', need('viewer'), async (req, res) => {
    const p = parseInput(InvoiceListParams, req.query);
    res.json(await listInvoices(deps.store, p.kind, { after: p.after }));
  });
  api.get('/audit', need('viewer'), async (req, res) => {
    const p = parseInput(AuditParams, req.query);
    const page = await listAudit(deps.store, { accountId: p.account, before: p.before });
    res.json({ entries: page.entries.map((e) => ({ ...e, at: e.at.toDate().toISOString() })), next: page.next });
  });
  api.get('/pipeline', need('viewer'), async (_req, res) => {
    res.json(await pipeline());
  });
  api.post('/pipeline/replay', need('admin'), async (req, res) => {
    parseInput(z.strictObject({}), req.body);
    res.json(await replay(res));
  });
  api.get('/operators', need('admin'), async (_req, res) => {
    res.json({ operators: (await listOperators(deps)).map((o) => ({ email: o.email, role: o.role, grantedBy: o.grantedBy })) });
  });
  api.post('/operators', need('admin'), async (req, res) => {
    const body = parseInput(SetRoleBody, req.body);
    const doc = await setOperatorRole(audit, operatorOf(res).email, body.email, body.role === 'none' ? null : body.role);
    res.json({ email: doc.email, role: doc.role });
  });

  // ---- Pages (mounted at /admin) ----
  const page = Router();
  page.use(sameOriginForms(deps.publicBaseUrl), express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 20 }));
  page.get('/', need('viewer'), async (_req, res) => {
    const [summary, history] = await Promise.all([revenue.summary(), revenue.history()]);
    sendPage(res, 200, renderRevenuePage(summary, operatorOf(res), history));
  });
  page.get('/customers', need('viewer'), async (req, res) => {
    const params = parseInput(CustomerListParams, req.query);
    const result = await listCustomers(deps.store, listQuery(params));
    sendPage(
      res,
      200,
      renderCustomersPage(
        { q: params.q ?? '', field: params.field ?? 'email', status: params.status ?? null, plan: params.plan ?? null, page: result },
        operatorOf(res),
      ),
    );
  });
  page.get('/customers/:accountId', need('viewer'), async (req, res) => {
    const { accountId } = parseInput(AccountParams, req.params);
    const done = DoneParam.safeParse(req.query['done']);
    sendPage(
      res,
      200,
      renderCustomerPage(await detail(accountId), operatorOf(res), { livemode: deps.livemode, done: done.success ? done.data : null }),
    );
  });
  for (const [name, a] of Object.entries(CONSOLE_ACTIONS) as [ConsoleActionName, ConsoleAction][]) {
    page.post(`/customers/:accountId/${a.path}`, need(a.role), async (req, res) => {
      const { accountId } = parseInput(AccountParams, { accountId: req.params['accountId'] });
      const target = targetOf(a, req.params['target']);
      const body = parseInput(a.body, req.body) as Record<string, unknown>;
      // Cancelling now takes a second, explicit step: the first post shows what will happen.
      if (name === 'cancel-now' && body['confirm'] !== 'yes') {
        const d = await detail(accountId);
        const sub = d.account.billing?.subscriptionId;
        if (!sub) throw new AppError('conflict', 'This account has no subscription');
        sendPage(
          res,
          200,
          renderCancelNowConfirmPage(accountId, sub, typeof body['reason'] === 'string' ? body['reason'] : '', operatorOf(res)),
        );
        return;
      }
      await a.run(actionContext(res, accountId, target), body);
      res.redirect(303, `/admin/customers/${encodeURIComponent(accountId)}?done=${name}`);
    });
  }
  page.get('/invoices', need('viewer'), async (req, res) => {
    const p = parseInput(InvoiceListParams, req.query);
    const result = await listInvoices(deps.store, p.kind, { after: p.after });
    sendPage(res, 200, renderInvoicesPage({ kind: p.kind, ...result }, operatorOf(res)));
  });
  page.get('/audit', need('viewer'), async (req, res) => {
    const p = parseInput(AuditParams, req.query);
    const result = await listAudit(deps.store, { accountId: p.account, before: p.before });
    sendPage(res, 200, renderAuditPage({ accountId: p.account ?? null, ...result }, operatorOf(res)));
  });
  page.get('/audit.csv', need('viewer'), async (req, res) => {
    const p = parseInput(AuditParams, req.query);
    res
      .type('text/csv; charset=utf-8')
      .set('Cache-Control', 'no-store')
      .attachment(p.account ? `audit-${p.account}.csv` : 'audit.csv')
      .send(await exportAudit(deps.store, p.account));
  });
  page.get('/pipeline', need('viewer'), async (req, res) => {
    const replayed = z.coerce.number().int().nonnegative().safeParse(req.query['replayed']);
    sendPage(
      res,
      200,
      renderPipelinePage(
        { ...(await pipeline()), replayed: replayed.success && req.query['replayed'] !== undefined ? replayed.data : null },
        operatorOf(res),
      ),
    );
  });
  page.post('/pipeline/replay', need('admin'), async (req, res) => {
    parseInput(z.strictObject({}), req.body);
    const result = await replay(res);
    res.redirect(303, `/admin/pipeline?replayed=${result.replayed}`);
  });
  page.get('/operators', need('admin'), async (req, res) => {
    sendPage(res, 200, renderOperatorsPage(await listOperators(deps), operatorOf(res), req.query['done'] === '1'));
  });
  page.post('/operators', need('admin'), async (req, res) => {
    const body = parseInput(SetRoleBody, req.body);
    await setOperatorRole(audit, operatorOf(res).email, body.email, body.role === 'none' ? null : body.role);
    res.redirect(303, '/admin/operators?done=1');
  });
  // Any other path under /admin: a page, not the API's JSON 404 (operators only, like the rest).
  page.use(need('viewer'), () => {
    throw notFound('Page');
  });
  const pageErrors: ErrorRequestHandler = (err: unknown, _req, res, next) => {
    const appError = toAppError(err);
    if (!appError || appError.status >= 500 || res.headersSent) return next(err);
    let viewer = null;
    try {
      viewer = operatorOf(res);
    } catch {
      // Refused before a role was known: the page shows no navigation.
    }
    sendPage(res, appError.status, renderConsoleErrorPage(appError.status, appError.code, appError.message, viewer));
  };
  page.use(pageErrors);
  return { page, api };
}
