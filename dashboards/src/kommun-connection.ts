// The municipality's card of the agents' connection logs: per village and month, minutes offline
// per shop and day, the longest outage and the round-trip times — evidence for the service plan's
// broadband and mobile-coverage work. A village-month of fewer shops than the disclosure minimum is
// held back unless every one of them shares its figures; the hub says why, and the page shows it.
import { getJson } from './common/api';
import { h, table } from './common/dom';
import * as f from './common/format';
import type { VillageConnectionMonth } from './common/agenthealth';
import { card } from './refusals';

export async function showConnection(): Promise<void> {
  const section = card('connection', 'Uppkoppling per ort', 'kommun');
  await section.load(async () => {
    const months = await getJson<VillageConnectionMonth[]>('/api/municipality/connection');
    const reported = months.filter((m) => m.shops > 0);
    const value = (m: VillageConnectionMonth, shown: string): string => (m.shown ? shown : `visas inte: ${m.heldBack ?? ''}`);
    section.fill(
      {
        headers: ['Ort', 'Månad', 'Butiker', 'Butiksdagar', 'Visas', 'Skäl', 'Minuter nere per dag', 'Andel nere', 'Längsta avbrott (min)', 'Svarstid median (ms)', 'Svarstid p95 (ms)'],
        rows: reported.map((m) => [m.village, m.month, m.shops, m.shopDays, m.shown ? 'ja' : 'nej', m.heldBack, m.offlineMinutesPerDay, m.offlineShare, m.longestOutageMinutes, m.roundTripMedianMs, m.roundTripP95Ms]),
      },
      reported.length
        ? h('div', { class: 'table-scroll' }, table('Butikernas uppkoppling mot hubben', [{ header: 'Ort' }, { header: 'Månad' }, { header: 'Butiker', numeric: true }, { header: 'Nere per dag' }, { header: 'Längsta avbrott' }, { header: 'Svarstid (median / p95)' }],
            reported.map((m) => [
              { shown: m.village, raw: m.village },
              { shown: f.monthName(m.month), raw: m.month },
              { shown: f.number(m.shops), raw: m.shops },
              { shown: value(m, m.offlineMinutesPerDay === null ? '–' : `${f.number(m.offlineMinutesPerDay, 1)} min (${f.percent(m.offlineShare ?? 0)})`), raw: m.offlineMinutesPerDay },
              { shown: value(m, m.longestOutageMinutes === null ? '–' : `${f.number(m.longestOutageMinutes)} min`), raw: m.longestOutageMinutes },
              { shown: value(m, m.roundTripMedianMs === null ? '–' : `${f.number(m.roundTripMedianMs)} / ${f.number(m.roundTripP95Ms ?? 0)} ms`), raw: m.roundTripMedianMs },
            ]), 'connection-table'))
        : h('p', { class: 'note', 'data-testid': 'connection-empty' }, 'Inga agenter har rapporterat sin uppkoppling än.'),
      h('p', { class: 'note' }, 'Varje butiks agent noterar när den når hubben och när den inte gör det, dygn för dygn i svensk tid, och skickar varje hel dag en gång. Tiden då agenten var avstängd räknas inte. En ort med färre butiker än regeln kräver visas bara om alla dess butiker delar sina siffror.'),
    );
  });
}
