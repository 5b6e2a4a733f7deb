// Seats of a per-seat plan (the catalog's `seats`): the quantity of the subscription's licensed
// item. Flat plans are bought with quantity 1.
import { badRequest } from '../errors/app-error.js';
import type { Plan } from '../plans/catalog.js';

/**
 * The quantity to buy (or change to) on `plan`: the requested seats of a per-seat plan (its minimum
 * when none is asked), 1 for a flat plan. Anything the plan does not allow is a 400.
 */
export function seatsToBuy(plan: Plan, requested: number | undefined): number {
  if (!plan.seats) {
    if (requested !== undefined && requested !== 1)
      throw badRequest(`The ${plan.name} plan is not priced per seat`, { fields: { seats: ['is only for plans priced per seat'] } });
    return 1;
  }
  const { min, max } = plan.seats;
  const seats = requested ?? min;
  if (!Number.isInteger(seats) || seats < min || seats > max) {
    throw badRequest(`The ${plan.name} plan takes ${min} to ${max} seats`, {
      fields: { seats: [`must be a whole number from ${min} to ${max}`] },
    });
  }
  return seats;
}

/** The quantity a licensed item gets when it moves onto `plan`: its seats, kept within the plan's range; 1 on a flat plan. */
export function seatsAfterMove(plan: Plan, current: number): number {
  return plan.seats ? Math.min(plan.seats.max, Math.max(plan.seats.min, current)) : 1;
}
