import * as f from './common/format';
import type { ForecastPoint, ForecastView, TrendPoint } from './common/models';

// One calendar for the owner's trend: history and forecast on the same days, weeks or months. A day
// the shop is closed (its opening hours, or a big day it has closed on before) is "stängt" in both,
// never a forecast of sales; weeks and months sum the forecast's days, and a period the forecast
// does not reach to its end is left out rather than drawn as a drop.

export type Grain = 'day' | 'week' | 'month';

export interface TrendRow {
  period: string;
  soldKr: number | null;
  receipts: number | null;
  lastYearKr: number | null;
  forecastKr: number | null;
  lowerKr: number | null;
  upperKr: number | null;
  closed: boolean;
}

export const closedWord = 'stängt';

/** ISO weekday, Monday 1 … Sunday 7, of an ISO date. */
export function isoWeekday(isoDate: string): number {
  return ((new Date(isoDate + 'T00:00:00Z').getUTCDay() + 6) % 7) + 1;
}

/** The period a day belongs to, as the hub names it: the day, the week's Monday, or the month's first day. */
export function periodOf(grain: Grain, isoDate: string): string {
  if (grain === 'day') return isoDate;
  if (grain === 'month') return isoDate.slice(0, 7) + '-01';
  return f.addDays(isoDate, -(isoWeekday(isoDate) - 1));
}

function lastDayOf(grain: Grain, period: string): string {
  if (grain === 'day') return period;
  if (grain === 'week') return f.addDays(period, 6);
  return f.addDays(f.addMonths(period.slice(0, 7), 1) + '-01', -1);
}

/** The rows of the trend: what was sold, and after today what is forecast, closed days marked in both. */
export function trendRows(grain: Grain, points: TrendPoint[], forecast: ForecastView | null, todayIso: string, from: string): TrendRow[] {
  const closedWeekdays = new Set(forecast?.closedWeekdays ?? []);
  const ahead = (forecast?.points ?? []).filter((p) => p.date > todayIso);
  const row = (period: string): TrendRow => ({ period, soldKr: null, receipts: null, lastYearKr: null, forecastKr: null, lowerKr: null, upperKr: null, closed: false });
  const rows = new Map<string, TrendRow>();
  // Last year only where the store has history a year back (lastYearHasData): before it there is no figure, not 0 kr.
  for (const p of points) rows.set(p.period, { ...row(p.period), soldKr: p.grossKr, receipts: p.receipts, lastYearKr: p.lastYearHasData ? p.lastYearGrossKr : null });
  if (grain === 'day') {
    // History: a day without sales on a weekday the shop keeps closed was a closed day, not a missing one.
    for (let d = from; d <= todayIso; d = f.addDays(d, 1)) {
      if (!rows.has(d) && closedWeekdays.has(isoWeekday(d))) rows.set(d, { ...row(d), closed: true });
    }
    for (const p of ahead) rows.set(p.date, p.closed ? { ...row(p.date), closed: true } : { ...row(p.date), forecastKr: p.point, lowerKr: p.lower, upperKr: p.upper });
  } else {
    const lastForecastDay = ahead.length ? ahead[ahead.length - 1]!.date : todayIso;
    const byPeriod = new Map<string, ForecastPoint[]>();
    for (const p of ahead) byPeriod.set(periodOf(grain, p.date), [...(byPeriod.get(periodOf(grain, p.date)) ?? []), p]);
    for (const [period, days] of byPeriod) {
      if (lastDayOf(grain, period) > lastForecastDay) continue; // the forecast does not reach the period's end
      const sum = (pick: (p: ForecastPoint) => number): number => days.reduce((s, p) => s + (p.closed ? 0 : pick(p)), 0);
      // The running period: what is sold so far plus the forecast of its remaining days.
      const soFar = rows.get(period)?.soldKr ?? 0;
      rows.set(period, { ...(rows.get(period) ?? row(period)), forecastKr: soFar + sum((p) => p.point), lowerKr: soFar + sum((p) => p.lower), upperKr: soFar + sum((p) => p.upper) });
    }
  }
  return [...rows.values()].sort((a, b) => (a.period < b.period ? -1 : 1));
}

/** The tooltip's text for a row: sales, last year, the forecast and its 80 % range, or "stängt". */
export function tooltipLines(r: TrendRow): string[] {
  if (r.closed) return [`Butiken har stängt`];
  const lines: string[] = [];
  if (r.soldKr !== null) lines.push(`I år: ${f.kronor(r.soldKr)}`);
  if (r.lastYearKr !== null) lines.push(`I fjol: ${f.kronor(r.lastYearKr)}`);
  if (r.forecastKr !== null && r.lowerKr !== null && r.upperKr !== null) {
    lines.push(`Prognos: ${f.kronor(r.forecastKr)}`);
    lines.push(`80 % säkert mellan ${f.kronor(r.lowerKr)} och ${f.kronor(r.upperKr)}`);
  }
  return lines.length ? lines : ['Ingen försäljning inrapporterad'];
}
