// The yearly report's parts on service in the villages (issue 19): service watch, a timeline per
// village of what it gained and lost this year, with the dates; and kontanthantering, per village
// the latest settled month of the year against the year before. Imported by rapport.ts; drawn after
// the report, outside the part that rapport.ts redraws, so the two never race.
import { getJson, me } from './common/api';
import { h, reportPart as part } from './common/dom';
import * as f from './common/format';
import { cashHandlingTable, latestMonth, type CashHandlingReport } from './common/cash-handling';
import { watchTimelines } from './common/service-watch';
import type { ServiceWatchView } from './common/service-types';

async function showServiceReport(): Promise<void> {
  const today = (await me()).today;
  const year = today.slice(0, 4);
  const [watch, cash] = await Promise.all([
    getJson<ServiceWatchView>(`/api/municipality/service-watch?year=${year}`),
    getJson<CashHandlingReport>(`/api/municipality/cash-handling?from=${year}-01&to=${today.slice(0, 7)}`),
  ]);
  const month = latestMonth(cash);
  document.getElementById('main')?.append(
    part('report-service', `Service i byarna ${year}`,
      watch.villages.length === 0
        ? h('p', { 'data-testid': 'report-service-empty' }, `Ingen by vann eller förlorade någon tjänst under ${year}.`)
        : watchTimelines(watch, 'report-service'),
      h('p', { class: 'note' }, 'Ur kommunöversikten: när den första platsen i en by börjar erbjuda en tjänst är den vunnen, när den sista slutar är den förlorad.')),
    part('report-cash-handling', `Kontanthantering ${year}`,
      h('p', { class: 'lead' }, `Går det fortfarande att använda kontanter i byn? ${month ? `Senaste hela månaden: ${f.monthName(month)}, mot samma månad året innan.` : ''}`),
      cashHandlingTable(cash, month, 'report-cash-handling-table', 'report-cash-handling-empty'),
      h('p', { class: 'note' }, f.swedishQuotes(cash.note))),
  );
}

void showServiceReport().catch((error: unknown) => {
  document.getElementById('main')?.append(h('p', { class: 'error', role: 'alert' }, `Service i byarna kunde inte visas: ${error instanceof Error ? error.message : String(error)}`));
});
