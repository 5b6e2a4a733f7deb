// Stripe's list envelope and cursor pagination: newest first, `starting_after` / `ending_before`
// take an object id, `limit` defaults to 10, `has_more` says whether another page exists.
import { noSuchResource } from '../http/stripe-error.js';

export interface ListPage<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  url: string;
}

export interface PageParams {
  limit?: number | undefined;
  starting_after?: string | undefined;
  ending_before?: string | undefined;
}

/** `newestFirst` must already be ordered newest first (as Stripe lists are). */
export function listPage<T extends { id: string }>(newestFirst: readonly T[], params: PageParams, url: string): ListPage<T> {
  const limit = params.limit ?? 10;
  const indexOf = (id: string, param: string) => {
    const i = newestFirst.findIndex((x) => x.id === id);
    if (i < 0) throw noSuchResource('object', id, param);
    return i;
  };
  if (params.ending_before !== undefined) {
    const end = indexOf(params.ending_before, 'ending_before');
    const start = Math.max(0, end - limit);
    return { object: 'list', data: newestFirst.slice(start, end), has_more: start > 0, url };
  }
  const start = params.starting_after !== undefined ? indexOf(params.starting_after, 'starting_after') + 1 : 0;
  return { object: 'list', data: newestFirst.slice(start, start + limit), has_more: start + limit < newestFirst.length, url };
}

/** A list that is not paginated by the caller (embedded lists such as `subscription.items`). */
export const fullList = <T>(data: T[], url: string): ListPage<T> => ({ object: 'list', data, has_more: false, url });
