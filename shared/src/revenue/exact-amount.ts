// An amount of minor units (cents) held exactly, as a fraction of BigInts. Revenue figures are
// sums of prices normalised to a year or a month (a yearly $2,000 is 16,666.66… cents a month):
// rounding each term, or rounding MRR and multiplying it by 12, drifts (ARR $2,000.04 for a
// $2,000/year subscription). Sums stay exact here; `roundToCents` is the one place a figure is
// rounded, when it is shown.

export interface ExactAmount {
  /** Minor units × `denominator`. */
  readonly numerator: bigint;
  /** Always positive; the fraction is kept reduced. */
  readonly denominator: bigint;
}

const gcd = (a: bigint, b: bigint): bigint => {
  let [x, y] = [a < 0n ? -a : a, b < 0n ? -b : b];
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
};

function reduced(numerator: bigint, denominator: bigint): ExactAmount {
  if (denominator === 0n) throw new RangeError('an amount cannot have a zero denominator');
  const sign = denominator < 0n ? -1n : 1n;
  const divisor = gcd(numerator, denominator) || 1n;
  return { numerator: (sign * numerator) / divisor, denominator: (sign * denominator) / divisor };
}

export const ZERO: ExactAmount = { numerator: 0n, denominator: 1n };

/** `cents × multiplier / divisor`, exactly; every argument an integer (Stripe's amounts and counts are). */
export function exactAmount(cents: number, multiplier = 1, divisor = 1): ExactAmount {
  for (const n of [cents, multiplier, divisor]) if (!Number.isSafeInteger(n)) throw new RangeError(`not an integer amount: ${n}`);
  return reduced(BigInt(cents) * BigInt(multiplier), BigInt(divisor));
}

export function addAmounts(a: ExactAmount, b: ExactAmount): ExactAmount {
  return reduced(a.numerator * b.denominator + b.numerator * a.denominator, a.denominator * b.denominator);
}

export function divideAmount(a: ExactAmount, by: number): ExactAmount {
  if (!Number.isSafeInteger(by) || by === 0) throw new RangeError(`not a non-zero integer divisor: ${by}`);
  return reduced(a.numerator, a.denominator * BigInt(by));
}

/** To whole minor units, half away from zero (how a half cent is usually shown). */
export function roundToCents(a: ExactAmount): number {
  const magnitude = a.numerator < 0n ? -a.numerator : a.numerator;
  const rounded = (2n * magnitude + a.denominator) / (2n * a.denominator);
  return Number(a.numerator < 0n ? -rounded : rounded);
}
