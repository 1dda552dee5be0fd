// Page-side types of the kontanthantering endpoint (hub/Norsjo.Retail.Hub/Api/CashHandlingApi.cs):
// aliases of the generated types, as models.ts does for the rest.
import type { components } from './api-types';
import { h, table } from './dom';
import * as f from './format';

type Schemas = components['schemas'];

/** /api/municipality/cash-handling: per group of stores (or consenting store) and whole month; a figure is null where held back. */
export type CashHandlingReport = Schemas['CashHandlingReport'];
export type CashHandlingMonth = Schemas['CashHandlingMonth'];
export type ServiceCountFigure = Schemas['ServiceCountFigure'];

// The kontanthantering table, one place for the /kommun card and the yearly report.

const held = (m: CashHandlingMonth): string => `visas inte${m.heldBack ? `: ${m.heldBack.replace(/^Visas inte: /, '')}` : ''}`;

function change(value: number | null | undefined, unit: 'share' | 'points'): string {
  if (value === null || value === undefined) return '';
  const sign = value > 0 ? '+' : value < 0 ? '−' : '±';
  return unit === 'share' ? ` (${sign}${f.percent(Math.abs(value), 0)} mot året innan)` : ` (${sign}${f.number(Math.abs(value), 1)} procentenheter mot året innan)`;
}

function services(m: CashHandlingMonth): string {
  const parts = m.services
    .filter((s) => s.transactions === null || s.transactions === undefined || s.transactions > 0)
    .map((s) => (s.transactions === null || s.transactions === undefined ? `${s.name}: visas inte (${(s.heldBack ?? '').replace(/^\d{4}-\d{2}: /, '')})` : `${s.name}: ${f.number(s.transactions)}`));
  return parts.length ? parts.join(', ') : 'inga';
}

/** The latest month that shows anything: the question is asked of now. */
export function latestMonth(report: CashHandlingReport): string | undefined {
  const months = [...new Set(report.months.map((m) => m.month))].sort();
  return [...months].reverse().find((month) => report.months.some((m) => m.month === month && m.stores > 0 && (m.withdrawals !== null || m.cashShare !== null))) ?? months[months.length - 1];
}

/** Per village (or consenting shop) in <code>month</code>: withdrawals, the cash share, the other services; held back where the rule says so, with why. */
export function cashHandlingTable(report: CashHandlingReport, month: string | undefined, testId: string, emptyTestId: string): HTMLElement {
  const rows = report.months.filter((m) => m.month === month);
  return rows.length
    ? h('div', { class: 'table-scroll' }, table(`Kontanthantering ${month ? f.monthName(month) : ''}`, [{ header: 'Ort' }, { header: 'Kontantuttag i butiken' }, { header: 'Andel kontant av betalningarna' }, { header: 'Andra tjänster' }],
        rows.map((m) => [
          { shown: m.kind === 'shared' ? `${m.village} (${m.storeId ?? ''}, delar sina siffror)` : m.villages.length > 1 ? `${m.village} (${m.villages.join(', ')})` : m.village, raw: m.village },
          { shown: m.withdrawals === null ? held(m) : `${f.number(m.withdrawals)} uttag, ${f.kronor(m.withdrawnKr ?? 0)}${change(m.withdrawalsChange, 'share')}`, raw: m.withdrawals },
          { shown: m.cashShare === null || m.cashShare === undefined ? held(m) : `${f.percent(m.cashShare)}${change(m.cashShareChange, 'points')}`, raw: m.cashShare },
          { shown: services(m), raw: m.services.reduce((sum, s) => sum + (s.transactions ?? 0), 0) },
        ]), testId))
    : h('p', { class: 'note', 'data-testid': emptyTestId }, 'Inga butiker har skickat kontantuttag eller betalningar än.');
}
