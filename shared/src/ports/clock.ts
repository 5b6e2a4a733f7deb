export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };
export const nowSeconds = (clock: Clock): number => Math.floor(clock.now() / 1000);
