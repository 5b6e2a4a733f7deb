// The stand-in's own clock, like a Stripe test clock: it only moves when told to, so renewals,
// trial ends and dunning retries happen on demand. Times are unix seconds, as in Stripe objects.
import type { Clock } from '@billing/shared/ports/clock.js';

export class StandInClock {
  #now: number;

  constructor(startSeconds: number) {
    this.#now = Math.floor(startSeconds);
  }

  now(): number {
    return this.#now;
  }

  /** Moves the clock forward only; the billing engine calls this while it walks through due work. */
  moveTo(seconds: number): void {
    if (seconds < this.#now) throw new Error(`clock cannot go back (${seconds} < ${this.#now})`);
    this.#now = Math.floor(seconds);
  }

  /** The shared Clock port (milliseconds), for code that takes one. */
  asPort(): Clock {
    return { now: () => this.#now * 1000 };
  }
}
