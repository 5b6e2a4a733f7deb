// `expand[]=latest_invoice`, `expand[]=data.customer`: replaces id strings at those paths by the
// objects they name, on a copy of the response, like Stripe. Ids are resolved by their prefix.
import type { StandInState } from '../billing/stand-in-state.js';
import { structuredCloneJson } from '../billing/event-log.js';

function lookup(state: StandInState, id: string): unknown {
  if (id.startsWith('cus_')) return state.customers.get(id);
  if (id.startsWith('sub_')) return state.subscriptions.get(id)?.subscription;
  if (id.startsWith('in_')) return state.invoices.get(id);
  if (id.startsWith('price_')) return state.prices.get(id);
  if (id.startsWith('prod_')) return state.products.get(id);
  if (id.startsWith('cs_')) return state.checkoutSessions.get(id);
  if (id.startsWith('feat_')) return state.features.get(id);
  if (id.startsWith('mtr_')) return state.meters.get(id);
  return undefined;
}

function expandPath(state: StandInState, node: unknown, path: readonly string[]): unknown {
  const [head, ...rest] = path;
  if (head === undefined || node === null || typeof node !== 'object') return node;
  if (Array.isArray(node)) return node.map((n) => expandPath(state, n, path));
  const obj = node as Record<string, unknown>;
  let value = obj[head];
  if (typeof value === 'string') {
    const found = lookup(state, value);
    if (found !== undefined) value = structuredCloneJson(found);
  }
  obj[head] = rest.length > 0 ? expandPath(state, value, rest) : value;
  return obj;
}

export function expandFields(state: StandInState, response: unknown, expand: readonly string[] | undefined): unknown {
  const copy = structuredCloneJson(response);
  if (!expand) return copy;
  return expand.reduce((acc, path) => expandPath(state, acc, path.split('.')), copy);
}
