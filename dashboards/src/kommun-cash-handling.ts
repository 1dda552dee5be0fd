// The municipality's kontanthantering card (issue 19): is cash still usable in each village, and is
// it changing? Per village (or small villages merged) and whole month: cash withdrawals at the tills,
// the other service transactions, the cash share of payments, and the same month a year before.
// Every figure passes the hub's disclosure rule on its own; a figure held back says why.
import { getJson } from './common/api';
import { h, table } from './common/dom';
import * as f from './common/format';
import type { CashHandlingMonth, CashHandlingReport } from './common/cash-handling';
import { card } from './refusals';

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

export async function showCashHandling(): Promise<void> {
  const section = card('cash-handling', 'Kontanthantering per ort', 'kommun');
  await section.load(async () => {
    const report = await getJson<CashHandlingReport>('/api/municipality/cash-handling');
    // The latest month that shows anything, per village: the question is asked of now.
    const months = [...new Set(report.months.map((m) => m.month))].sort();
    const latest = [...months].reverse().find((month) => report.months.some((m) => m.month === month && m.stores > 0 && (m.withdrawals !== null || m.cashShare !== null))) ?? months[months.length - 1];
    const rows = report.months.filter((m) => m.month === latest);
    section.fill(
      {
        headers: ['Ort', 'Orter', 'Slag', 'Månad', 'Butiker', 'Visas', 'Skäl', 'Kontantuttag (antal)', 'Kontantuttag (kr)', 'Kontantuttag året innan', 'Förändring kontantuttag', 'Kontantandel', 'Kontantandel året innan', 'Förändring (procentenheter)',
          ...(report.months[0]?.services ?? []).map((s) => s.name)],
        rows: report.months.map((m) => [m.village, m.villages.join(', '), m.kind === 'shared' ? 'butik som delar' : 'ort', m.month, m.stores, m.shown ? 'ja' : 'nej', m.heldBack, m.withdrawals, m.withdrawnKr, m.withdrawalsYearBefore, m.withdrawalsChange, m.cashShare, m.cashShareYearBefore, m.cashShareChange,
          ...m.services.map((s) => s.transactions)]),
      },
      h('p', { class: 'lead', 'data-testid': 'cash-handling-question' }, 'Går det fortfarande att använda kontanter i byn?'),
      rows.length
        ? h('div', { class: 'table-scroll' }, table(`Kontanthantering ${latest ? f.monthName(latest) : ''}`, [{ header: 'Ort' }, { header: 'Kontantuttag i butiken' }, { header: 'Andel kontant av betalningarna' }, { header: 'Andra tjänster' }],
            rows.map((m) => [
              { shown: m.kind === 'shared' ? `${m.village} (${m.storeId ?? ''}, delar sina siffror)` : m.villages.length > 1 ? `${m.village} (${m.villages.join(', ')})` : m.village, raw: m.village },
              { shown: m.withdrawals === null ? held(m) : `${f.number(m.withdrawals)} uttag, ${f.kronor(m.withdrawnKr ?? 0)}${change(m.withdrawalsChange, 'share')}`, raw: m.withdrawals },
              { shown: m.cashShare === null || m.cashShare === undefined ? held(m) : `${f.percent(m.cashShare)}${change(m.cashShareChange, 'points')}`, raw: m.cashShare },
              { shown: services(m), raw: m.services.reduce((sum, s) => sum + (s.transactions ?? 0), 0) },
            ]), 'cash-handling-table'))
        : h('p', { class: 'note', 'data-testid': 'cash-handling-empty' }, 'Inga butiker har skickat kontantuttag eller betalningar än.'),
      h('p', { class: 'note' }, f.swedishQuotes(report.note)),
    );
  });
}
