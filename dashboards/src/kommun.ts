import './style.css';
import { ApiError, getJson } from './common/api';
import { chart, colours } from './common/charts';
import { byId, figures, h, kpi, Section, table } from './common/dom';
import * as f from './common/format';
import { ready, signedIn } from './common/layout';
import type { CashShareMonth, ConsentView, DeliveryMonth, Freshness, IndexBasis, IndexPeriod, IndexValue, Outlook, SilentAgent, StateClaim, Statement, StoreInfo, VillageReport } from './common/models';
import { basisLine, yearRow, yearsTable } from './common/index-basis';
import { showConnection } from './kommun-connection';
import './kommun-service';
import { showCashHandling } from './kommun-cash-handling';

// The municipality's view: the index against 60, what it takes, the villages, coverage, home
// deliveries and the subsidy ledger, the cash share and the agents. Figures made of fewer than
// three stores, or dominated by one, never reach this page: the hub holds them back and says why
// ("Visas inte: …"), and the page shows that text where the figure would have been.
const sections = Object.fromEntries(['index', 'years', 'gap', 'index-trend', 'villages', 'coverage', 'consents', 'subsidy', 'cash', 'agents'].map((id) => [id, new Section(id, 'kommun')]));
/** The running month by the hub's clock, set once signed in. */
let thisMonth = '';
/** The hub's own constants and clock (the target, the minimum of stores, the last complete month), set from /index/basis before anything is drawn. */
let basis: IndexBasis;
let target = 0;
/** Two years of month ends: each point needs twelve months behind it, and three years of history is what a new installation often has. */
const trendMonths = 24;
let stores: StoreInfo[] = [];
const storeName = (id: string): string => stores.find((s) => s.id === id)?.name ?? id;

/** A period the hub showed: its figures are all there (the categories may still be held back). */
type ShownPeriod = IndexPeriod & { index: IndexValue; low: IndexValue; high: IndexValue; reported: NonNullable<IndexPeriod['reported']>; coverage: number; gap: NonNullable<IndexPeriod['gap']> };
const isShown = (p: IndexPeriod): p is ShownPeriod => p.shown && p.index !== null;
/** A category's index, or the Swedish word for held back. */
const part = (v: number | null | undefined, decimals = 1): string => (v === null || v === undefined ? 'visas inte' : f.number(v, decimals));

function showIndex(periods: IndexPeriod[], soFar: IndexPeriod | null): ShownPeriod | undefined {
  // The headline is the last complete period: twelve whole months that have ended and settled. The running year is beside it, "hittills".
  const latest = [...periods].reverse().find((p): p is ShownPeriod => isShown(p) && p.complete);
  if (!latest) {
    const held = periods.at(-1)?.heldBack;
    sections.index.fill(null, h('p', { class: 'note', 'data-testid': 'index-held-back' }, held ?? 'Inga uppgifter än.'));
    return undefined;
  }
  const gauge = h('div', { class: 'chart gauge' });
  const shownSoFar = soFar && isShown(soFar) && !soFar.complete ? soFar : null;
  sections.index.fill(
    {
      headers: ['Period', 'Hel period', 'Total', 'Dagligvaror', 'Sällanköpsvaror', 'Total lägst', 'Total högst', 'Täckning', 'Rikets siffror från', 'Befolkning från'],
      rows: [
        [latest.label, 'ja', latest.index.total, latest.index.dagligvaror, latest.index.sallankop, latest.low.total, latest.high.total, latest.coverage, latest.figuresYear, latest.figuresYear],
        ...(shownSoFar ? [[`${shownSoFar.label} hittills`, 'nej', shownSoFar.index.total, shownSoFar.index.dagligvaror, shownSoFar.index.sallankop, shownSoFar.low.total, shownSoFar.high.total, shownSoFar.coverage, shownSoFar.figuresYear, shownSoFar.figuresYear]] : []),
      ],
    },
    h('p', { class: 'lead', 'data-testid': 'index-period' }, `De senaste tolv hela månaderna: ${f.monthName(latest.from)} – ${f.monthName(latest.to)}.`),
    basisLine(latest, basis),
    gauge,
    h('div', { class: 'kpis' },
      kpi('Totalt', f.number(latest.index.total, 1), 'index-total', `osäkerhet ${f.number(latest.low.total, 1)}–${f.number(latest.high.total, 1)}`),
      kpi('Dagligvaror', part(latest.index.dagligvaror), 'index-dagligvaror'),
      kpi('Sällanköpsvaror', part(latest.index.sallankop), 'index-sallankop'),
    ),
    h('div', { class: 'kpis' },
      kpi('Rapporterat av butikernas agenter', f.percent(latest.coverage, 0), 'index-coverage', 'av omsättningen'),
      kpi('Uppskattat', f.percent(1 - latest.coverage, 0), 'index-estimated-share', latest.estimatedStores.length ? `${latest.estimatedStores.map(storeName).join(', ')}, ±${f.percent(basis.estimateUncertainty, 0)}` : 'inget'),
    ),
    shownSoFar
      ? h('div', { class: 'kpis so-far' },
          kpi(`${shownSoFar.label} hittills`, f.number(shownSoFar.index.total, 1), 'index-so-far', `${f.monthSpan(shownSoFar.from, shownSoFar.to)}, uppräknat till helår`))
      : soFar?.heldBack ? h('p', { class: 'note', 'data-testid': 'index-so-far-held-back' }, `${soFar.label} hittills: ${soFar.heldBack}`) : null,
    h('p', { class: 'note', 'data-testid': 'index-running' }, `${f.monthName(basis.nextCompleteMonth)} räknas in när månaden är avslutad och sena uppgifter har hunnit komma, från ${f.longDate(basis.nextCompleteOn)}. En pågående månad visas aldrig som ett tapp.`),
    latest.heldBack ? h('p', { class: 'note', 'data-testid': 'index-categories-held-back' }, latest.heldBack) : null,
    latest.growth ? h('p', { class: 'note' }, `Förändring mot samma tolv månader året innan: ${signed(latest.growth.measuredPercent)} (${signed(latest.growth.constantVatPercent)} med oförändrad moms).`) : null,
  );
  chart(gauge, `Försäljningsindex totalt ${f.number(latest.index.total, 1)} mot målet ${target}.`, {
    series: [{
      type: 'gauge', min: 0, max: 100, startAngle: 200, endAngle: -20, radius: '95%', center: ['50%', '60%'],
      axisLine: { lineStyle: { width: 18, color: [[target / 100, '#c7d3df'], [1, '#9fd1a7']] } },
      pointer: { itemStyle: { color: colours.primary }, width: 5 },
      axisTick: { show: false },
      splitLine: { distance: -18, length: 18, lineStyle: { color: '#ffffff', width: 2 } },
      axisLabel: { distance: 22, color: '#1f2328', formatter: (v: number) => (v === target || v === 0 || v === 100 ? String(v) : '') },
      splitNumber: 20,
      detail: { valueAnimation: false, formatter: (v: number) => f.number(v, 1), fontSize: 28, offsetCenter: [0, '30%'], color: '#1f2328' },
      title: { offsetCenter: [0, '55%'], color: '#57606a', fontSize: 13 },
      data: [{ value: latest.index.total, name: `mål ${target}` }],
    }],
  });
  return latest;
}

function signed(percent: number): string {
  return `${percent >= 0 ? '+' : '−'}${f.number(Math.abs(percent), 1)} %`;
}

/** Calendar years, as HUI publishes the index: whole years, and this year so far (annualised) marked as such. */
function showYears(years: IndexPeriod[]): void {
  const rows = years.map(yearRow);
  sections.years.fill(
    { headers: ['År', 'Total', 'Dagligvaror', 'Sällanköpsvaror', 'Täckning', 'Rikets siffror från', 'Anmärkning'], rows: rows.map((r) => [r.year, r.total, r.dagligvaror, r.sallankop, r.coverage, r.figuresYear, r.note]) },
    yearsTable('Försäljningsindex per kalenderår', rows, 'years-table'),
    h('p', {}, h('a', { href: '/kommun/rapport', class: 'button', 'data-testid': 'report-link' }, 'Årsrapport till nämnden (för utskrift)')),
  );
}

function showGap(latest: ShownPeriod): void {
  const gap = latest.gap;
  const perPoint = gap.neededKrPerYear / gap.target;
  sections.gap.fill(
    {
      headers: ['Period', 'Mål', 'Omsättning som krävs (kr/år)', 'Saknas (kr/år)', 'Saknas per invånare och månad (kr)', 'Nått'],
      rows: [[latest.label, gap.target, gap.neededKrPerYear, gap.gapKrPerYear, gap.gapKrPerResidentPerMonth, gap.reached ? 'ja' : 'nej']],
    },
    gap.reached
      ? h('p', { 'data-testid': 'gap-reached' }, `Målet ${gap.target} är nått.`)
      : h('div', { class: 'kpis' },
          kpi('Saknas per år', f.mkr(gap.gapKrPerYear), 'gap-year', `${f.kronor(gap.gapKrPerYear)} mer i lokala butiker`),
          kpi('Per invånare och månad', f.kronor(gap.gapKrPerResidentPerMonth), 'gap-resident', `${f.number(latest.population)} invånare`),
        ),
    h('p', { class: 'note' }, `En indexpunkt motsvarar omkring ${f.mkr(perPoint)} om året i lokal handel. Att nå ${gap.target} kräver en omsättning på ${f.mkr(gap.neededKrPerYear)} om året.`),
  );
}

function showTrend(periods: IndexPeriod[], outlook: Outlook | null, outlookError: string | null): void {
  const months = periods.map((p) => p.to.slice(0, 7));
  const last = periods.at(-1);
  const ahead: string[] = [];
  if (outlook && last) for (let m = f.addMonths(last.to, 1); m <= `${outlook.year}-12`; m = f.addMonths(m, 1)) ahead.push(m);
  const x = [...months, ...ahead];
  const lastValue = last?.index?.total ?? 0;
  const steps = ahead.length;
  const towards = (end: number): (number | null)[] => [
    ...Array<null>(Math.max(0, months.length - 1)).fill(null),
    lastValue,
    ...ahead.map((_, i) => Math.round((lastValue + ((end - lastValue) * (i + 1)) / steps) * 10) / 10),
  ];
  const outlookLow = outlook ? towards(outlook.low) : [];
  const container = h('div', { class: 'chart tall' });
  sections['index-trend'].fill(
    {
      headers: ['Månad (tolv månader till och med)', 'Total', 'Dagligvaror', 'Sällanköpsvaror', 'Lägst', 'Högst', 'Täckning'],
      rows: [
        ...periods.map((p) => [p.to.slice(0, 7), p.index?.total ?? null, p.index?.dagligvaror ?? null, p.index?.sallankop ?? null, p.low?.total ?? null, p.high?.total ?? null, p.coverage ?? p.heldBack]),
        ...(outlook ? [[`${outlook.year} prognos`, outlook.expected, null, null, outlook.low, outlook.high, null]] : []),
      ],
    },
    outlook
      ? h('div', { class: 'kpis' },
          kpi(`Prognos för ${outlook.year}`, f.number(outlook.expected, 1), 'outlook-expected', `troligen ${f.number(outlook.low, 1)}–${f.number(outlook.high, 1)}`),
          kpi(`Chans att nå ${target} i år`, f.percent(outlook.probabilityOfTarget, 0), 'outlook-probability', `beräknad ${outlook.asOf}`),
        )
      : h('p', { class: 'note', 'data-testid': 'outlook-missing' }, outlookError ?? 'Ingen prognos ännu.'),
    container,
    h('p', { class: 'note' }, 'Varje punkt är de tolv månaderna till och med den månaden. Det skuggade bandet är osäkerheten från butiker utan agent. Prognosen görs varje vecka av hubben.'),
    periods.some((p) => !p.shown) ? h('p', { class: 'note', 'data-testid': 'trend-held-back' }, `Alla månader visas inte. Senast: ${[...periods].reverse().find((p) => !p.shown)?.heldBack ?? ''}`) : null,
    figures(table('Försäljningsindex, rullande 12 månader', [{ header: 'Till och med' }, { header: 'Total', numeric: true }, { header: 'Dagligvaror', numeric: true }, { header: 'Sällanköp', numeric: true }],
      periods.map((p) => [{ shown: f.monthName(p.to), raw: p.to }, { shown: part(p.index?.total), raw: p.index?.total ?? null }, { shown: part(p.index?.dagligvaror), raw: p.index?.dagligvaror ?? null }, { shown: part(p.index?.sallankop), raw: p.index?.sallankop ?? null }]), 'index-table')),
  );
  const pad = (values: (number | null)[]): (number | null)[] => [...values, ...Array<null>(ahead.length).fill(null)];
  chart(container, `Försäljningsindex, rullande tolv månader, ${periods[0]?.label ?? ''} till ${last?.label ?? ''}, mot målet ${target}${outlook ? `, med prognos ${f.number(outlook.expected, 1)} för ${outlook.year}` : ''}.`, {
    tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => (typeof v === 'number' ? f.number(v, 1) : '–') },
    legend: { top: 0, data: ['Totalt', 'Dagligvaror', 'Sällanköp', ...(outlook ? ['Prognos'] : [])] },
    grid: { left: 8, right: 40, top: 40, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: x, axisLabel: { formatter: f.shortMonth } },
    yAxis: { type: 'value', min: 0, max: (v: { max: number }) => Math.max(100, Math.ceil(v.max / 10) * 10) },
    series: [
      { name: 'osäkerhet lägst', type: 'line', stack: 'band', data: pad(periods.map((p) => p.low?.total ?? null)), symbol: 'none', lineStyle: { opacity: 0 }, tooltip: { show: false } },
      { name: 'osäkerhet', type: 'line', stack: 'band', data: pad(periods.map((p) => (p.high && p.low ? Math.round((p.high.total - p.low.total) * 10) / 10 : null))), symbol: 'none', lineStyle: { opacity: 0 }, areaStyle: { color: colours.band }, tooltip: { show: false } },
      {
        name: 'Totalt', type: 'line', data: pad(periods.map((p) => p.index?.total ?? null)), symbolSize: 6, lineStyle: { width: 3, color: colours.primary }, itemStyle: { color: colours.primary },
        markLine: { symbol: 'none', silent: true, lineStyle: { color: colours.target, type: 'solid', width: 2 }, label: { formatter: `mål ${target}`, color: colours.target }, data: [{ yAxis: target }] },
      },
      { name: 'Dagligvaror', type: 'line', data: pad(periods.map((p) => p.index?.dagligvaror ?? null)), symbol: 'none', lineStyle: { type: 'dashed', color: colours.tertiary }, itemStyle: { color: colours.tertiary } },
      { name: 'Sällanköp', type: 'line', data: pad(periods.map((p) => p.index?.sallankop ?? null)), symbol: 'none', lineStyle: { type: 'dotted', width: 2, color: colours.quaternary }, itemStyle: { color: colours.quaternary } },
      ...(outlook ? [
        { name: 'Prognos', type: 'line', data: towards(outlook.expected), symbol: 'circle', symbolSize: 4, lineStyle: { type: 'dashed', width: 2, color: colours.secondary }, itemStyle: { color: colours.secondary } },
        { name: 'prognos lägst', type: 'line', stack: 'outlook', data: outlookLow, symbol: 'none', lineStyle: { opacity: 0 }, tooltip: { show: false } },
        { name: 'prognos spann', type: 'line', stack: 'outlook', data: towards(outlook.high).map((v, i) => (v === null ? null : Math.round((v - (outlookLow[i] ?? 0)) * 10) / 10)), symbol: 'none', lineStyle: { opacity: 0 }, areaStyle: { color: 'rgba(181, 74, 0, 0.18)' }, tooltip: { show: false } },
      ] : []),
    ],
  });
}

function showCoverage(latest: ShownPeriod): void {
  const estimated = latest.estimatedStores.map(storeName);
  const without = latest.storesWithoutData.map(storeName);
  sections.coverage.fill(
    {
      headers: ['Period', 'Täckning', 'Rapporterad omsättning (kr)', 'Uppskattad omsättning (kr)', 'Uppskattade butiker', 'Butiker utan uppgifter'],
      rows: [[latest.label, latest.coverage, latest.reported.totalKr, latest.estimated.totalKr, estimated.join(', '), without.join(', ')]],
    },
    h('div', { class: 'kpis' },
      kpi('Rapporterad andel av omsättningen', f.percent(latest.coverage, 0), 'coverage', latest.label),
      kpi('Rapporterat', f.mkr(latest.reported.totalKr), 'coverage-reported'),
      kpi('Uppskattat', f.mkr(latest.estimated.totalKr), 'coverage-estimated'),
    ),
    h('p', { class: 'note' }, estimated.length
      ? `Butiker utan agent räknas med sin registrerade basomsättning, följd av hur de rapporterande butikerna utvecklats: ${estimated.join(', ')}. Osäkerheten (±${f.percent(basis.estimateUncertainty, 0)}) ger indexets spann ${f.number(latest.low.total, 1)}–${f.number(latest.high.total, 1)}.`
      : 'Alla butiker rapporterar.'),
    without.length ? h('p', { class: 'warn' }, `Saknar uppgifter för perioden: ${without.join(', ')}.`) : null,
  );
}

// The hub's kinds (Disclosure/PublishedModels.cs), as the page names them; an unknown kind shows as it is.
const kindName: Record<string, string> = { group: 'butiker tillsammans', shared: 'butik med samtycke', estimate: 'uppskattad' };

async function showVillages(): Promise<void> {
  // Whole settled months only: the twelve months up to the last complete one, as the headline.
  const report = await getJson<VillageReport>(`/api/municipality/villages?from=${f.addMonths(basis.lastCompleteMonth, -11)}&to=${basis.lastCompleteMonth}`);
  const container = h('div', { class: 'chart' });
  const shown = report.villages.filter((v) => !v.suppressed && v.indexPoints !== null);
  const label = (v: VillageReport['villages'][number]): string => (v.storeId ? `${v.village}: ${storeName(v.storeId)}` : v.village);
  sections.villages.fill(
    { headers: ['Ort', 'Vad', 'Butiker', 'Omsättning (kr)', 'Indexpoäng', 'Anmärkning'], rows: report.villages.map((v) => [label(v), (kindName[v.kind] ?? v.kind), v.stores, v.turnoverKr, v.indexPoints, v.note ?? '']) },
    shown.length ? container : null,
    h('div', { class: 'table-scroll' }, table(`Serviceorterna, ${report.label}`, [{ header: 'Ort' }, { header: 'Vad' }, { header: 'Butiker', numeric: true }, { header: 'Omsättning', numeric: true }, { header: 'Indexpoäng', numeric: true }],
      report.villages.map((v) => [
        { shown: label(v), raw: label(v) },
        { shown: (kindName[v.kind] ?? v.kind), raw: v.kind },
        { shown: f.number(v.stores), raw: v.stores },
        { shown: v.turnoverKr === null ? 'visas inte' : f.mkr(v.turnoverKr), raw: v.turnoverKr },
        { shown: v.indexPoints === null ? 'visas inte' : f.number(v.indexPoints, 1), raw: v.indexPoints },
      ]), 'villages-table')),
    h('p', { class: 'note', 'data-testid': 'suppression-note' }, report.suppressionNote),
    ...report.villages.filter((v) => v.note).map((v) => h('p', { class: 'note' }, `${v.village}: ${v.note}`)),
  );
  if (shown.length) {
    chart(container, `Indexpoäng per serviceort, ${report.label}.`, {
      tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => `${f.number(Number(v), 1)} indexpoäng` },
      grid: { left: 8, right: 16, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: 'value', axisLabel: { formatter: (v: number) => f.number(v) } },
      yAxis: { type: 'category', data: shown.map(label), inverse: true },
      series: [{ type: 'bar', data: shown.map((v) => v.indexPoints), itemStyle: { color: colours.primary } }],
    });
  }
}

async function showSubsidy(month: string): Promise<void> {
  const [statements, deliveries, claim] = await Promise.all([
    getJson<Statement[]>(`/api/municipality/subsidy/${month}`),
    getJson<DeliveryMonth>(`/api/municipality/deliveries?month=${month}`),
    getJson<StateClaim>(`/api/municipality/subsidy/claim/${month.slice(0, 4)}`),
  ]);
  const produced = statements.filter((s) => s.produced);
  const due = produced.reduce((s, x) => s + x.amountDueKr, 0);
  sections.subsidy.fill(
    {
      headers: ['Månad', 'Butik', 'Beräknad', 'Leveranser', 'Godkända', 'Avslagna', 'Rättelser', 'Att betala (kr)'],
      rows: statements.map((s) => [s.month, storeName(s.storeId), s.produced ? 'ja' : 'nej', s.deliveries, s.eligible, s.rejected, s.corrections, s.amountDueKr]),
    },
    h('div', { class: 'kpis' },
      kpi(`Att betala för ${f.monthName(month)}`, produced.length ? f.kronor(due) : 'ej beräknat', 'subsidy-due', `${f.number(produced.reduce((s, x) => s + x.eligible, 0))} godkända hemsändningar`),
      kpi(`Statsbidrag att söka för ${claim.year}`, f.kronor(claim.claimKr), 'subsidy-claim', `${f.number(claim.eligibleDeliveries)} leveranser, ${f.number(claim.households)} hushåll, nettokostnad ${f.kronor(claim.netCostKr)}`),
    ),
    h('div', { class: 'table-scroll' }, table(`Hemsändningsbidrag per butik, ${f.monthName(month)}`,
      // The links come right after the store, so they are on the screen of a phone too.
      [{ header: 'Butik' }, { header: 'Underlag' }, { header: 'Att betala', numeric: true }, { header: 'Leveranser', numeric: true }, { header: 'Godkända', numeric: true }, { header: 'Avslagna', numeric: true }],
      statements.map((s) => [
        { shown: storeName(s.storeId), raw: s.storeId },
        { shown: s.produced ? h('span', {}, h('a', { href: `/api/stores/${encodeURIComponent(s.storeId)}/subsidy/${s.month}/print` }, 'utskrift'), ' · ', h('a', { href: `/api/stores/${encodeURIComponent(s.storeId)}/subsidy/${s.month}/csv`, download: `bidrag-${s.storeId}-${s.month}.csv` }, 'CSV')) : '', raw: null },
        { shown: s.produced ? f.kronor(s.amountDueKr) : 'ej beräknat', raw: s.amountDueKr },
        { shown: s.produced ? f.number(s.deliveries) : '–', raw: s.deliveries },
        { shown: s.produced ? f.number(s.eligible) : '–', raw: s.eligible },
        { shown: s.produced ? f.number(s.rejected) : '–', raw: s.rejected },
      ]), 'subsidy-table')),
    h('div', { class: 'table-scroll' }, table(`Hemsändningar per ort, ${f.monthName(month)}`,
      [{ header: 'Ort' }, { header: 'Hemsändningar', numeric: true }, { header: 'Hushåll', numeric: true }, { header: 'Medelavstånd', numeric: true }],
      deliveries.localities.map((d) => [
        { shown: d.locality, raw: d.locality },
        { shown: d.suppressed ? 'visas inte' : f.number(d.deliveries), raw: d.suppressed ? null : d.deliveries },
        { shown: d.suppressed ? 'visas inte' : f.number(d.households), raw: d.suppressed ? null : d.households },
        { shown: d.suppressed ? 'visas inte' : `${f.number(d.averageDistanceKm, 1)} km`, raw: d.suppressed ? null : d.averageDistanceKm },
      ]), 'localities-table')),
    h('p', { class: 'note', 'data-testid': 'localities-note' }, f.swedishQuotes(deliveries.note)),
    h('p', { class: 'note' }, `Statsbidraget: ${claim.method}`),
  );
}

async function showCash(): Promise<void> {
  // Whole complete months only: a month that is still running would be a few days' cash, not a trend.
  const months = await getJson<CashShareMonth[]>(`/api/municipality/cash-share?from=${f.addMonths(basis.lastCompleteMonth, -35)}&to=${basis.lastCompleteMonth}`);
  const container = h('div', { class: 'chart' });
  const latest = [...months].reverse().find((m) => m.cashShare !== null);
  sections.cash.fill(
    { headers: ['Månad', 'Butiker', 'Kontantandel'], rows: months.map((m) => [m.month.slice(0, 7), m.stores, m.cashShare]) },
    h('div', { class: 'kpis' }, kpi('Kontantandel senast', latest?.cashShare != null ? f.percent(latest.cashShare) : '–', 'cash-latest', latest ? `${f.monthName(latest.month)}, hel månad` : '')),
    h('p', { class: 'note', 'data-testid': 'cash-running' }, `Hittills i ${f.monthName(thisMonth)}: visas när månaden är avslutad (${f.monthName(basis.nextCompleteMonth)} från ${f.longDate(basis.nextCompleteOn)}).`),
    container,
    months.some((m) => m.suppressed) ? h('p', { class: 'note', 'data-testid': 'cash-held-back' }, `Alla månader visas inte. Senast: ${[...months].reverse().find((m) => m.suppressed)?.heldBack ?? ''}`) : null,
    figures(table('Kontantandel per månad', [{ header: 'Månad' }, { header: 'Butiker', numeric: true }, { header: 'Kontantandel', numeric: true }],
      months.map((m) => [{ shown: f.monthName(m.month), raw: m.month }, { shown: f.number(m.stores), raw: m.stores }, { shown: m.cashShare === null ? 'visas inte' : f.percent(m.cashShare), raw: m.cashShare }]), 'cash-table')),
  );
  chart(container, `Andel kontant av alla betalningar per månad${latest?.cashShare != null ? `, senast ${f.percent(latest.cashShare)}` : ''}.`, {
    tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => (typeof v === 'number' ? f.percent(v) : 'visas inte') },
    grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: months.map((m) => m.month.slice(0, 7)), axisLabel: { formatter: f.shortMonth } },
    yAxis: { type: 'value', min: 0, axisLabel: { formatter: (v: number) => f.percent(v, 0) } },
    series: [{ name: 'Kontantandel', type: 'line', data: months.map((m) => m.cashShare), connectNulls: false, itemStyle: { color: colours.secondary }, lineStyle: { width: 3 } }],
  });
}

async function showConsents(): Promise<void> {
  const consents = await getJson<ConsentView[]>('/api/municipality/consents');
  const state = (c: ConsentView): string => (c.effective ? 'delar sina siffror' : c.given ? 'samtycke väntar' : 'visas bara med andra');
  sections.consents.fill(
    { headers: ['Butik', 'Ort', 'Läge', 'Av', 'När', 'Anmärkning'], rows: consents.map((c) => [c.storeName, c.village, state(c), c.by, c.at ? f.localTime(c.at) : null, c.note]) },
    h('div', { class: 'kpis' }, kpi('Butiker som delar sina siffror', f.number(consents.filter((c) => c.effective).length), 'consents-count', `av ${f.number(consents.length)} med agent`)),
    h('div', { class: 'table-scroll' }, table('Butikernas samtycke', [{ header: 'Butik' }, { header: 'Ort' }, { header: 'Läge' }, { header: 'Anmärkning' }],
      consents.map((c) => [
        { shown: c.storeName, raw: c.storeId },
        { shown: c.village, raw: c.village },
        { shown: state(c), raw: state(c) },
        { shown: c.note, raw: c.note },
      ]), 'consents-table')),
    h('p', { class: 'note' }, 'Varje butiksägare väljer själv på sin sida om kommunen får se butikens siffror. Ett samtycke gäller genast och kan återkallas när som helst.'),
  );
}

async function showAgents(): Promise<void> {
  const [fresh, silent] = await Promise.all([getJson<Freshness[]>('/api/municipality/freshness'), getJson<SilentAgent[]>('/api/municipality/silent-agents')]);
  const silentIds = new Set(silent.filter((s) => s.silent).map((s) => s.storeId));
  // The check tells an agent that is alive but cannot get its sales through ("kan inte skicka") from one not heard at all ("tyst").
  const status = (x: Freshness): string => (silentIds.has(x.storeId) ? (silent.find((s) => s.storeId === x.storeId)?.stateText ?? 'tyst') : x.minutesSinceUpload === null ? 'aldrig hörd' : 'rapporterar');
  sections.agents.fill(
    { headers: ['Butik', 'Ort', 'Senast rapporterat', 'Minuter sedan', 'Status'], rows: fresh.map((x) => [storeName(x.storeId), stores.find((s) => s.id === x.storeId)?.village ?? '', x.lastUpload ? f.localTime(x.lastUpload) : null, x.minutesSinceUpload, status(x)]) },
    h('div', { class: 'kpis' }, kpi('Tysta agenter', f.number(silentIds.size), 'silent-count', silent[0] ? `kontrollerat ${f.localTime(silent[0].checked)}` : 'ingen kontroll ännu')),
    h('div', { class: 'table-scroll' }, table('Agenter per butik', [{ header: 'Butik' }, { header: 'Ort' }, { header: 'Senast rapporterat' }, { header: 'Status' }],
      fresh.map((x) => [
        { shown: storeName(x.storeId), raw: x.storeId },
        { shown: stores.find((s) => s.id === x.storeId)?.village ?? '', raw: null },
        { shown: x.minutesSinceUpload === null ? 'aldrig' : f.ago(x.minutesSinceUpload), raw: x.minutesSinceUpload },
        { shown: h('span', { class: status(x) === 'rapporterar' ? '' : 'warn' }, status(x)), raw: status(x) },
      ]), 'agents-table')),
  );
}

async function main(): Promise<void> {
  await signedIn('kommun');
  thisMonth = f.today().slice(0, 7);
  [stores, basis] = await Promise.all([getJson<StoreInfo[]>('/api/municipality/stores'), getJson<IndexBasis>('/api/municipality/index/basis')]);
  target = basis.target;
  byId('title').textContent = `Handeln i ${basis.municipality} kommun`;
  document.title = `${basis.municipality} kommun – Norsjö Retail`;
  byId('lead').textContent = `Försäljningsindex mot målet ${f.number(target)}, serviceorterna, hemsändning och betalningar. Inga siffror som bygger på färre än ${f.number(basis.minimumStores)} butiker, eller som en butik står för nästan ensam, visas – utom för butiker vars ägare har valt att dela sina siffror.`;
  byId('gap-h').textContent = `Vad som krävs för att nå ${f.number(target)}`;
  const monthInput = byId<HTMLInputElement>('subsidy-month');
  monthInput.value = f.addMonths(thisMonth, -1);
  monthInput.max = thisMonth;
  monthInput.addEventListener('change', () => {
    if (/^\d{4}-\d{2}$/.test(monthInput.value)) void sections.subsidy.load(() => showSubsidy(monthInput.value));
  });
  const index = (async () => {
    const last = basis.lastCompleteMonth;
    const years = [basis.year - 2, basis.year - 1, basis.year];
    const [periods, outlook, ...calendar] = await Promise.all([
      getJson<IndexPeriod[]>(`/api/municipality/index/rolling?from=${f.addMonths(last, -trendMonths + 1)}&to=${last}`),
      getJson<Outlook>('/api/municipality/index/outlook').then((o) => ({ o, e: null }), (e: unknown) => ({ o: null, e: e instanceof ApiError && e.status === 404 ? e.message : `Prognosen kunde inte hämtas: ${(e as Error).message}` })),
      ...years.map((y) => getJson<IndexPeriod>(`/api/municipality/index/years/${y}`)),
    ]);
    const calendarYears = calendar as IndexPeriod[];
    const latest = showIndex(periods, calendarYears.at(-1) ?? null);
    showYears(calendarYears);
    if (latest) {
      showGap(latest);
      showCoverage(latest);
    }
    showTrend(periods, outlook.o, outlook.e);
  })().catch((error: unknown) => ['index', 'years', 'gap', 'index-trend', 'coverage'].forEach((id) => sections[id].fail(error)));
  await Promise.all([index, sections.villages.load(showVillages), sections.consents.load(showConsents), sections.subsidy.load(() => showSubsidy(monthInput.value)), sections.cash.load(showCash), sections.agents.load(showAgents), showConnection(), showCashHandling()]);
  ready();
}

main().catch((error: unknown) => {
  byId('main').prepend(h('p', { class: 'error', role: 'alert' }, `Sidan kunde inte visas: ${error instanceof Error ? error.message : String(error)}`));
  ready();
});
