// Revenue over time, from monthly snapshots of each account's MRR (revenue_months/{YYYY-MM}, taken
// at the start of each month by monthly-snapshot.ts: the state at the end of the month before).
// Pure. Between two consecutive snapshots, each account's MRR change is one movement:
//   new          0 -> x, the account never paid before (no earlier snapshot with MRR > 0)
//   reactivation 0 -> x, the account paid in an earlier snapshot
//   expansion    x -> y, y > x > 0
//   contraction  x -> y, 0 < y < x
//   churn        x -> 0
// so that start MRR + new + reactivation + expansion - contraction - churn = end MRR, exactly.
// Rates, per month: customer churn = customers who churned / paying customers at the start; revenue
// churn = (churn + contraction) / MRR at the start (gross revenue churn); ARPU = MRR / paying
// customers at the end. All amounts in cents (usd) per month.

export interface MrrSnapshot {
  /** `YYYY-MM`: the month that starts with this state. */
  month: string;
  /** Account id -> cents per month; accounts paying nothing are left out. */
  mrrByAccount: Readonly<Record<string, number>>;
}

export interface MonthMovements {
  /** `YYYY-MM`: the month the movements happened in (from the snapshot at its start to the next one). */
  month: string;
  startMrr: number;
  endMrr: number;
  new: number;
  reactivation: number;
  expansion: number;
  contraction: number;
  churn: number;
  /** new + reactivation + expansion - contraction - churn (= endMrr - startMrr). */
  net: number;
  customersStart: number;
  customersEnd: number;
  customersChurned: number;
  /** Fractions (0.05 = 5 %); null when nobody paid at the start. */
  customerChurnRate: number | null;
  revenueChurnRate: number | null;
  /** Cents per paying customer at the end; null without one. */
  arpu: number | null;
}

const paying = (s: MrrSnapshot) => Object.entries(s.mrrByAccount).filter(([, mrr]) => mrr > 0);
const total = (s: MrrSnapshot) => paying(s).reduce((sum, [, mrr]) => sum + mrr, 0);

/** The movements of each month between consecutive snapshots (sorted by month; n snapshots give n - 1 months). */
export function monthlyMovements(snapshots: readonly MrrSnapshot[]): MonthMovements[] {
  const sorted = [...snapshots].sort((a, b) => a.month.localeCompare(b.month));
  const everPaid = new Set<string>();
  const out: MonthMovements[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const start = sorted[i];
    const end = sorted[i + 1];
    if (!start) continue;
    for (const [account] of paying(start)) everPaid.add(account);
    if (!end) break;
    const m = { new: 0, reactivation: 0, expansion: 0, contraction: 0, churn: 0, churned: 0 };
    const accounts = new Set([...Object.keys(start.mrrByAccount), ...Object.keys(end.mrrByAccount)]);
    for (const account of accounts) {
      const before = start.mrrByAccount[account] ?? 0;
      const after = end.mrrByAccount[account] ?? 0;
      if (before === after) continue;
      if (before === 0) {
        if (everPaid.has(account)) m.reactivation += after;
        else m.new += after;
      } else if (after === 0) {
        m.churn += before;
        m.churned++;
      } else if (after > before) m.expansion += after - before;
      else m.contraction += before - after;
    }
    const startMrr = total(start);
    const endMrr = total(end);
    const customersStart = paying(start).length;
    const customersEnd = paying(end).length;
    out.push({
      month: start.month,
      startMrr,
      endMrr,
      new: m.new,
      reactivation: m.reactivation,
      expansion: m.expansion,
      contraction: m.contraction,
      churn: m.churn,
      net: m.new + m.reactivation + m.expansion - m.contraction - m.churn,
      customersStart,
      customersEnd,
      customersChurned: m.churned,
      customerChurnRate: customersStart ? m.churned / customersStart : null,
      revenueChurnRate: startMrr ? (m.churn + m.contraction) / startMrr : null,
      arpu: customersEnd ? Math.round(endMrr / customersEnd) : null,
    });
  }
  return out;
}

/** `YYYY-MM` of a unix time (UTC). */
export function monthOf(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().slice(0, 7);
}
