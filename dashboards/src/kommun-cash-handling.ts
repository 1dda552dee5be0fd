// The municipality's kontanthantering card (issue 19): is cash still usable in each village, and is
// it changing? Per village (or small villages merged) and whole month: cash withdrawals at the tills,
// the other service transactions, the cash share of payments, and the same month a year before.
// Every figure passes the hub's disclosure rule on its own; a figure held back says why.
import { getJson } from './common/api';
import { h } from './common/dom';
import * as f from './common/format';
import { cashHandlingTable, latestMonth, type CashHandlingReport } from './common/cash-handling';
import { card } from './refusals';

export async function showCashHandling(): Promise<void> {
  const section = card('cash-handling', 'Kontanthantering per ort', 'kommun');
  await section.load(async () => {
    const report = await getJson<CashHandlingReport>('/api/municipality/cash-handling');
    const latest = latestMonth(report);
    section.fill(
      {
        headers: ['Ort', 'Orter', 'Slag', 'Månad', 'Butiker', 'Visas', 'Skäl', 'Kontantuttag (antal)', 'Kontantuttag (kr)', 'Kontantuttag året innan', 'Förändring kontantuttag', 'Kontantandel', 'Kontantandel året innan', 'Förändring (procentenheter)',
          ...(report.months[0]?.services ?? []).map((s) => s.name)],
        rows: report.months.map((m) => [m.village, m.villages.join(', '), m.kind === 'shared' ? 'butik som delar' : 'ort', m.month, m.stores, m.shown ? 'ja' : 'nej', m.heldBack, m.withdrawals, m.withdrawnKr, m.withdrawalsYearBefore, m.withdrawalsChange, m.cashShare, m.cashShareYearBefore, m.cashShareChange,
          ...m.services.map((s) => s.transactions)]),
      },
      h('p', { class: 'lead', 'data-testid': 'cash-handling-question' }, 'Går det fortfarande att använda kontanter i byn?'),
      cashHandlingTable(report, latest, 'cash-handling-table', 'cash-handling-empty'),
      h('p', { class: 'note' }, f.swedishQuotes(report.note)),
    );
  });
}
