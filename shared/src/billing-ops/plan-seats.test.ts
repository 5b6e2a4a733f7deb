import { describe, expect, it } from 'vitest';
import { PLANS } from '../plans/catalog.js';
import { seatsAfterMove, seatsToBuy } from './plan-seats.js';

describe('seatsToBuy', () => {
  it("takes a per-seat plan's requested seats within its range, its minimum by default", () => {
    expect(seatsToBuy(PLANS.team, 7)).toBe(7);
    expect(seatsToBuy(PLANS.team, undefined)).toBe(PLANS.team.seats?.min);
    for (const bad of [0, 101, 2.5])
      expect(() => seatsToBuy(PLANS.team, bad)).toThrow(
        expect.objectContaining({ code: 'bad_request', details: { fields: { seats: ['must be a whole number from 1 to 100'] } } }),
      );
  });

  it('buys a flat plan with quantity 1 and refuses seats for it', () => {
    expect(seatsToBuy(PLANS.pro, undefined)).toBe(1);
    expect(seatsToBuy(PLANS.pro, 1)).toBe(1);
    expect(() => seatsToBuy(PLANS.pro, 3)).toThrow(
      expect.objectContaining({ code: 'bad_request', message: 'The Pro plan is not priced per seat' }),
    );
  });
});

describe('seatsAfterMove', () => {
  it('keeps the seats within the target range on a per-seat plan, 1 on a flat one', () => {
    expect(seatsAfterMove(PLANS.team, 5)).toBe(5);
    expect(seatsAfterMove(PLANS.team, 0)).toBe(1);
    expect(seatsAfterMove(PLANS.team, 250)).toBe(100);
    expect(seatsAfterMove(PLANS.pro, 5)).toBe(1);
  });
});
