import './style.css';
import { getJson } from './common/api';
import { chart } from './common/charts';
import { figures, h, Section, table } from './common/dom';
import * as f from './common/format';
import { ready, signedIn } from './common/layout';
import type { IndexPeriod, RegionalMunicipality } from './common/models';
import { watchTimelines } from './common/service-watch';

// The region's view (issue 20): every municipality on the hub side by side. Each municipality's
// figures are the answer its own staff get (the hub makes them with the same handlers), so a
// figure held back for the municipality is held back here too, with the municipality's reason.
const sections = Object.fromEntries(['side', 'trend', 'watch'].map((id) => [id, new Section(id, 'region')]));
/** Two years of month ends, as on the municipality's own page. */
const trendMonths = 24;

const indexOf = (p: IndexPeriod | undefined): number | null => (p && p.shown && p.index ? p.index.total : null);

function showSide(municipalities: RegionalMunicipality[]): void {
  const rows = municipalities.map((m) => {
    const latest = [...m.rolling].reverse().find((p) => p.complete) ?? m.rolling.at(-1);
    const shown = latest?.shown === true && latest.index !== null;
    const held = latest?.heldBack ?? 'Inga uppgifter än.';
    return { m, latest, shown, held };
  });
  sections.side.fill(
    {
      headers: ['Kommun', 'Mål', 'Period', 'Index totalt', 'Lägst', 'Högst', 'Täckning', 'Förändring mot i fjol (%)', 'Anmärkning'],
      rows: rows.map(({ m, latest, shown, held }) => [m.name, m.target, latest?.label ?? '', shown ? latest!.index!.total : null, shown ? latest!.low!.total : null,
        shown ? latest!.high!.total : null, shown ? latest!.coverage : null, shown ? (latest!.growth?.measuredPercent ?? null) : null, shown ? '' : held]),
    },
    table('Försäljningsindex per kommun, rullande tolv månader', [
      { header: 'Kommun' }, { header: 'Mål', numeric: true }, { header: 'Period' }, { header: 'Index totalt', numeric: true },
      { header: 'Intervall', numeric: true }, { header: 'Täckning', numeric: true }, { header: 'Förändring mot i fjol', numeric: true },
    ], rows.map(({ m, latest, shown, held }) => [
      { shown: m.name, raw: m.id },
      { shown: f.number(m.target), raw: m.target },
      { shown: latest?.label ?? '', raw: latest?.label ?? null },
      { shown: shown ? f.number(latest!.index!.total, 1) : h('span', { class: 'note', 'data-testid': `held-${m.id}` }, held), raw: shown ? latest!.index!.total : null },
      { shown: shown ? `${f.number(latest!.low!.total, 1)}–${f.number(latest!.high!.total, 1)}` : '', raw: null },
      { shown: shown && latest!.coverage !== null ? f.percent(latest!.coverage, 0) : '', raw: shown ? latest!.coverage : null },
      { shown: shown && latest!.growth ? `${f.number(latest!.growth.measuredPercent, 1)} %` : '', raw: shown ? (latest!.growth?.measuredPercent ?? null) : null },
    ]), 'region-table'),
  );
}

function showTrend(municipalities: RegionalMunicipality[]): void {
  const labels = municipalities[0]?.rolling.map((p) => p.label) ?? [];
  const csv = { headers: ['Period', ...municipalities.map((m) => m.name)], rows: labels.map((label, i) => [label, ...municipalities.map((m) => indexOf(m.rolling[i]))]) };
  const container = h('div', { class: 'chart' });
  sections.trend.fill(csv, container, figures(table('Index totalt per kommun och period', [{ header: 'Period' }, ...municipalities.map((m) => ({ header: m.name, numeric: true }))],
    labels.map((label, i) => [{ shown: label, raw: label }, ...municipalities.map((m) => {
      const v = indexOf(m.rolling[i]);
      return { shown: v === null ? 'visas inte' : f.number(v, 1), raw: v };
    })]), 'region-trend-table')));
  chart(container, `Försäljningsindex totalt, rullande tolv månader, per kommun, ${labels[0] ?? ''} till ${labels.at(-1) ?? ''}.`, {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    xAxis: { type: 'category', data: labels.map((l) => l.slice(-7)) },
    yAxis: { type: 'value', name: 'index' },
    series: municipalities.map((m) => ({ type: 'line', name: m.name, connectNulls: false, data: m.rolling.map(indexOf) })),
  });
}

function showWatch(municipalities: RegionalMunicipality[]): void {
  sections.watch.fill(null, ...municipalities.map((m) => h('section', { 'aria-label': m.name },
    h('h3', {}, m.name),
    m.serviceWatch.villages.length === 0 ? h('p', { class: 'note' }, 'Inga förändringar registrerade.') : watchTimelines(m.serviceWatch, `watch-${m.id}`))));
}

async function main(): Promise<void> {
  const user = await signedIn('region');
  const lastMonth = f.addMonths(user.today.slice(0, 7), -1);
  const municipalities = await getJson<RegionalMunicipality[]>(`/api/region/municipalities?from=${f.addMonths(lastMonth, -(trendMonths - 1))}&to=${lastMonth}`);
  showSide(municipalities);
  showTrend(municipalities);
  showWatch(municipalities);
}

void main()
  .catch((error: unknown) => Object.values(sections).forEach((s) => s.fail(error)))
  .finally(ready);
