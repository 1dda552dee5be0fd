import './style.css';
import { ApiError, getJson } from './common/api';
import { chart, colours } from './common/charts';
import { byId, figures, h, kpi, Section, table } from './common/dom';
import * as f from './common/format';
import { ready, signedIn } from './common/layout';
import type { CashShareMonth, DeliveryFigure, Freshness, IndexPeriod, Outlook, SilentAgent, StateClaim, Statement, StoreInfo, VillageReport } from './common/models';

// The municipality's view: the index against 60, what it takes, the villages, coverage, home
// deliveries and the subsidy ledger, the cash share and the agents. Figures made of fewer than
// three stores never reach this page: the hub suppresses them and says so.
const sections = Object.fromEntries(['index', 'gap', 'index-trend', 'villages', 'coverage', 'subsidy', 'cash', 'agents'].map((id) => [id, new Section(id, 'kommun')]));
const todayIso = f.today();
const thisMonth = todayIso.slice(0, 7);
const target = 60;
/** Two years of month ends: each point needs twelve months behind it, and three years of history is what a new installation often has. */
const trendMonths = 24;
let stores: StoreInfo[] = [];
const storeName = (id: string): string => stores.find((s) => s.id === id)?.name ?? id;

function showIndex(periods: IndexPeriod[]): IndexPeriod | undefined {
  const latest = [...periods].reverse().find((p) => p.complete) ?? periods.at(-1);
  if (!latest) {
    sections.index.fill(null, h('p', {}, 'Inga uppgifter än.'));
    return undefined;
  }
  const gauge = h('div', { class: 'chart gauge' });
  sections.index.fill(
    {
      headers: ['Period', 'Total', 'Dagligvaror', 'Sällanköpsvaror', 'Total lägst', 'Total högst', 'Täckning'],
      rows: [[latest.label, latest.index.total, latest.index.dagligvaror, latest.index.sallankop, latest.low.total, latest.high.total, latest.coverage]],
    },
    gauge,
    h('div', { class: 'kpis' },
      kpi('Totalt', f.number(latest.index.total, 1), 'index-total', `osäkerhet ${f.number(latest.low.total, 1)}–${f.number(latest.high.total, 1)}`),
      kpi('Dagligvaror', f.number(latest.index.dagligvaror, 1), 'index-dagligvaror'),
      kpi('Sällanköpsvaror', f.number(latest.index.sallankop, 1), 'index-sallankop'),
    ),
    h('p', { class: 'note' }, `${latest.label}. ${latest.growth ? `Förändring mot året innan: ${signed(latest.growth.measuredPercent)} (${signed(latest.growth.constantVatPercent)} med oförändrad moms).` : ''}${latest.figuresYear !== Number(latest.to.slice(0, 4)) ? ` Rikets siffror från ${latest.figuresYear}.` : ''}`),
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

function showGap(latest: IndexPeriod): void {
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
  const lastValue = last?.index.total ?? 0;
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
        ...periods.map((p) => [p.to.slice(0, 7), p.index.total, p.index.dagligvaror, p.index.sallankop, p.low.total, p.high.total, p.coverage]),
        ...(outlook ? [[`${outlook.year} prognos`, outlook.expected, null, null, outlook.low, outlook.high, null]] : []),
      ],
    },
    outlook
      ? h('div', { class: 'kpis' },
          kpi(`Prognos för ${outlook.year}`, f.number(outlook.expected, 1), 'outlook-expected', `troligen ${f.number(outlook.low, 1)}–${f.number(outlook.high, 1)}`),
          kpi(`Chans att nå ${target} i år`, f.percent(outlook.probabilityOf60, 0), 'outlook-probability', `beräknad ${outlook.asOf}`),
        )
      : h('p', { class: 'note', 'data-testid': 'outlook-missing' }, outlookError ?? 'Ingen prognos ännu.'),
    container,
    h('p', { class: 'note' }, 'Varje punkt är de tolv månaderna till och med den månaden. Det skuggade bandet är osäkerheten från butiker utan agent. Prognosen görs varje vecka av hubben.'),
    figures(table('Försäljningsindex, rullande 12 månader', [{ header: 'Till och med' }, { header: 'Total', numeric: true }, { header: 'Dagligvaror', numeric: true }, { header: 'Sällanköp', numeric: true }],
      periods.map((p) => [{ shown: f.monthName(p.to), raw: p.to }, { shown: f.number(p.index.total, 1), raw: p.index.total }, { shown: f.number(p.index.dagligvaror, 1), raw: p.index.dagligvaror }, { shown: f.number(p.index.sallankop, 1), raw: p.index.sallankop }]), 'index-table')),
  );
  const pad = (values: number[]): (number | null)[] => [...values, ...Array<null>(ahead.length).fill(null)];
  chart(container, `Försäljningsindex, rullande tolv månader, ${periods[0]?.label ?? ''} till ${last?.label ?? ''}, mot målet ${target}${outlook ? `, med prognos ${f.number(outlook.expected, 1)} för ${outlook.year}` : ''}.`, {
    tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => (typeof v === 'number' ? f.number(v, 1) : '–') },
    legend: { top: 0, data: ['Totalt', 'Dagligvaror', 'Sällanköp', ...(outlook ? ['Prognos'] : [])] },
    grid: { left: 8, right: 40, top: 40, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: x, axisLabel: { formatter: f.shortMonth } },
    yAxis: { type: 'value', min: 0, max: (v: { max: number }) => Math.max(100, Math.ceil(v.max / 10) * 10) },
    series: [
      { name: 'osäkerhet lägst', type: 'line', stack: 'band', data: pad(periods.map((p) => p.low.total)), symbol: 'none', lineStyle: { opacity: 0 }, tooltip: { show: false } },
      { name: 'osäkerhet', type: 'line', stack: 'band', data: pad(periods.map((p) => Math.round((p.high.total - p.low.total) * 10) / 10)), symbol: 'none', lineStyle: { opacity: 0 }, areaStyle: { color: colours.band }, tooltip: { show: false } },
      {
        name: 'Totalt', type: 'line', data: pad(periods.map((p) => p.index.total)), symbolSize: 6, lineStyle: { width: 3, color: colours.primary }, itemStyle: { color: colours.primary },
        markLine: { symbol: 'none', silent: true, lineStyle: { color: colours.target, type: 'solid', width: 2 }, label: { formatter: `mål ${target}`, color: colours.target }, data: [{ yAxis: target }] },
      },
      { name: 'Dagligvaror', type: 'line', data: pad(periods.map((p) => p.index.dagligvaror)), symbol: 'none', lineStyle: { type: 'dashed', color: colours.tertiary }, itemStyle: { color: colours.tertiary } },
      { name: 'Sällanköp', type: 'line', data: pad(periods.map((p) => p.index.sallankop)), symbol: 'none', lineStyle: { type: 'dotted', width: 2, color: colours.quaternary }, itemStyle: { color: colours.quaternary } },
      ...(outlook ? [
        { name: 'Prognos', type: 'line', data: towards(outlook.expected), symbol: 'circle', symbolSize: 4, lineStyle: { type: 'dashed', width: 2, color: colours.secondary }, itemStyle: { color: colours.secondary } },
        { name: 'prognos lägst', type: 'line', stack: 'outlook', data: outlookLow, symbol: 'none', lineStyle: { opacity: 0 }, tooltip: { show: false } },
        { name: 'prognos spann', type: 'line', stack: 'outlook', data: towards(outlook.high).map((v, i) => (v === null ? null : Math.round((v - (outlookLow[i] ?? 0)) * 10) / 10)), symbol: 'none', lineStyle: { opacity: 0 }, areaStyle: { color: 'rgba(181, 74, 0, 0.18)' }, tooltip: { show: false } },
      ] : []),
    ],
  });
}

function showCoverage(latest: IndexPeriod): void {
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
      ? `Butiker utan agent räknas med sin registrerade basomsättning, följd av hur de rapporterande butikerna utvecklats: ${estimated.join(', ')}. Osäkerheten (±25 %) ger indexets spann ${f.number(latest.low.total, 1)}–${f.number(latest.high.total, 1)}.`
      : 'Alla butiker rapporterar.'),
    without.length ? h('p', { class: 'warn' }, `Saknar uppgifter för perioden: ${without.join(', ')}.`) : null,
  );
}

async function showVillages(): Promise<void> {
  const report = await getJson<VillageReport>('/api/municipality/villages');
  const container = h('div', { class: 'chart' });
  const shown = report.villages.filter((v) => !v.suppressed && v.indexPoints !== null);
  sections.villages.fill(
    { headers: ['Ort', 'Butiker', 'Omsättning (kr)', 'Indexpoäng', 'Anmärkning'], rows: report.villages.map((v) => [v.village, v.stores, v.turnoverKr, v.indexPoints, v.note ?? (v.suppressed ? 'dold' : '')]) },
    shown.length ? container : null,
    h('div', { class: 'table-scroll' }, table(`Serviceorterna, ${report.label}`, [{ header: 'Ort' }, { header: 'Butiker', numeric: true }, { header: 'Omsättning', numeric: true }, { header: 'Indexpoäng', numeric: true }],
      report.villages.map((v) => [
        { shown: v.village, raw: v.village },
        { shown: f.number(v.stores), raw: v.stores },
        { shown: v.turnoverKr === null ? 'dold' : f.mkr(v.turnoverKr), raw: v.turnoverKr },
        { shown: v.indexPoints === null ? 'dold' : f.number(v.indexPoints, 1), raw: v.indexPoints },
      ]), 'villages-table')),
    h('p', { class: 'note', 'data-testid': 'suppression-note' }, report.suppressionNote),
    ...report.villages.filter((v) => v.note).map((v) => h('p', { class: 'note' }, `${v.village}: ${v.note}`)),
  );
  if (shown.length) {
    chart(container, `Indexpoäng per serviceort, ${report.label}.`, {
      tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => `${f.number(Number(v), 1)} indexpoäng` },
      grid: { left: 8, right: 16, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: 'value', axisLabel: { formatter: (v: number) => f.number(v) } },
      yAxis: { type: 'category', data: shown.map((v) => v.village), inverse: true },
      series: [{ type: 'bar', data: shown.map((v) => v.indexPoints), itemStyle: { color: colours.primary } }],
    });
  }
}

async function showSubsidy(month: string): Promise<void> {
  const monthStart = `${month}-01`;
  const monthEnd = f.addDays(f.addMonths(month, 1) + '-01', -1);
  const [statements, localities, claim] = await Promise.all([
    getJson<Statement[]>(`/api/municipality/subsidy/${month}`),
    getJson<DeliveryFigure[]>(`/api/municipality/deliveries?from=${monthStart}&to=${monthEnd < todayIso ? monthEnd : todayIso}`),
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
      [{ header: 'Butik' }, { header: 'Leveranser', numeric: true }, { header: 'Godkända', numeric: true }, { header: 'Avslagna', numeric: true }, { header: 'Att betala', numeric: true }, { header: 'Underlag' }],
      statements.map((s) => [
        { shown: storeName(s.storeId), raw: s.storeId },
        { shown: s.produced ? f.number(s.deliveries) : '–', raw: s.deliveries },
        { shown: s.produced ? f.number(s.eligible) : '–', raw: s.eligible },
        { shown: s.produced ? f.number(s.rejected) : '–', raw: s.rejected },
        { shown: s.produced ? f.kronor(s.amountDueKr) : 'ej beräknat', raw: s.amountDueKr },
        { shown: s.produced ? h('span', {}, h('a', { href: `/api/stores/${encodeURIComponent(s.storeId)}/subsidy/${s.month}/print` }, 'utskrift'), ' · ', h('a', { href: `/api/stores/${encodeURIComponent(s.storeId)}/subsidy/${s.month}/csv`, download: `bidrag-${s.storeId}-${s.month}.csv` }, 'CSV')) : '', raw: null },
      ]), 'subsidy-table')),
    h('div', { class: 'table-scroll' }, table(`Hemsändningar per ort, ${f.monthName(month)}`,
      [{ header: 'Ort' }, { header: 'Hemsändningar', numeric: true }, { header: 'Hushåll', numeric: true }, { header: 'Medelavstånd', numeric: true }],
      localities.map((d) => [
        { shown: d.locality, raw: d.locality },
        { shown: d.suppressed ? 'dold' : f.number(d.deliveries), raw: d.suppressed ? null : d.deliveries },
        { shown: d.suppressed ? 'dold' : f.number(d.households), raw: d.suppressed ? null : d.households },
        { shown: d.suppressed ? 'dold' : `${f.number(d.averageDistanceKm, 1)} km`, raw: d.suppressed ? null : d.averageDistanceKm },
      ]), 'localities-table')),
    localities.some((d) => d.suppressed) ? h('p', { class: 'note' }, 'Orter som färre än tre butiker levererar till visas inte med siffror.') : null,
    h('p', { class: 'note' }, `Statsbidraget: ${claim.method}`),
  );
}

async function showCash(): Promise<void> {
  const months = await getJson<CashShareMonth[]>(`/api/municipality/cash-share?from=${f.addMonths(thisMonth, -35)}-01&to=${todayIso}`);
  const container = h('div', { class: 'chart' });
  const latest = [...months].reverse().find((m) => m.cashShare !== null);
  sections.cash.fill(
    { headers: ['Månad', 'Butiker', 'Kontantandel'], rows: months.map((m) => [m.month.slice(0, 7), m.stores, m.cashShare]) },
    h('div', { class: 'kpis' }, kpi('Kontantandel senast', latest?.cashShare != null ? f.percent(latest.cashShare) : '–', 'cash-latest', latest ? f.monthName(latest.month) : '')),
    container,
    months.some((m) => m.suppressed) ? h('p', { class: 'note' }, 'Månader med färre än tre rapporterande butiker visas inte.') : null,
    figures(table('Kontantandel per månad', [{ header: 'Månad' }, { header: 'Butiker', numeric: true }, { header: 'Kontantandel', numeric: true }],
      months.map((m) => [{ shown: f.monthName(m.month), raw: m.month }, { shown: f.number(m.stores), raw: m.stores }, { shown: m.cashShare === null ? 'dold' : f.percent(m.cashShare), raw: m.cashShare }]), 'cash-table')),
  );
  chart(container, `Andel kontant av alla betalningar per månad${latest?.cashShare != null ? `, senast ${f.percent(latest.cashShare)}` : ''}.`, {
    tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => (typeof v === 'number' ? f.percent(v) : 'dold') },
    grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: months.map((m) => m.month.slice(0, 7)), axisLabel: { formatter: f.shortMonth } },
    yAxis: { type: 'value', min: 0, axisLabel: { formatter: (v: number) => f.percent(v, 0) } },
    series: [{ name: 'Kontantandel', type: 'line', data: months.map((m) => m.cashShare), connectNulls: false, itemStyle: { color: colours.secondary }, lineStyle: { width: 3 } }],
  });
}

async function showAgents(): Promise<void> {
  const [fresh, silent] = await Promise.all([getJson<Freshness[]>('/api/municipality/freshness'), getJson<SilentAgent[]>('/api/municipality/silent-agents')]);
  const silentIds = new Set(silent.filter((s) => s.silent).map((s) => s.storeId));
  const status = (x: Freshness): string => (silentIds.has(x.storeId) ? 'tyst' : x.minutesSinceUpload === null ? 'aldrig hörd' : 'rapporterar');
  sections.agents.fill(
    { headers: ['Butik', 'Ort', 'Senast rapporterat', 'Minuter sedan', 'Status'], rows: fresh.map((x) => [storeName(x.storeId), stores.find((s) => s.id === x.storeId)?.village ?? '', x.lastUpload, x.minutesSinceUpload, status(x)]) },
    h('div', { class: 'kpis' }, kpi('Tysta agenter', f.number(silentIds.size), 'silent-count', silent[0] ? `kontrollerat ${silent[0].checked.replace('T', ' ').slice(0, 16)} UTC` : 'ingen kontroll ännu')),
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
  stores = await getJson<StoreInfo[]>('/api/municipality/stores');
  const monthInput = byId<HTMLInputElement>('subsidy-month');
  monthInput.value = f.addMonths(thisMonth, -1);
  monthInput.max = thisMonth;
  monthInput.addEventListener('change', () => {
    if (/^\d{4}-\d{2}$/.test(monthInput.value)) void sections.subsidy.load(() => showSubsidy(monthInput.value));
  });
  const index = (async () => {
    const [periods, outlook] = await Promise.all([
      getJson<IndexPeriod[]>(`/api/municipality/index/rolling?from=${f.addMonths(thisMonth, -trendMonths + 1)}&to=${thisMonth}`),
      getJson<Outlook>('/api/municipality/index/outlook').then((o) => ({ o, e: null }), (e: unknown) => ({ o: null, e: e instanceof ApiError && e.status === 404 ? e.message : `Prognosen kunde inte hämtas: ${(e as Error).message}` })),
    ]);
    const latest = showIndex(periods);
    if (latest) {
      showGap(latest);
      showCoverage(latest);
    }
    showTrend(periods, outlook.o, outlook.e);
  })().catch((error: unknown) => ['index', 'gap', 'index-trend', 'coverage'].forEach((id) => sections[id].fail(error)));
  await Promise.all([index, sections.villages.load(showVillages), sections.subsidy.load(() => showSubsidy(monthInput.value)), sections.cash.load(showCash), sections.agents.load(showAgents)]);
  ready();
}

main().catch((error: unknown) => {
  byId('main').prepend(h('p', { class: 'error', role: 'alert' }, `Sidan kunde inte visas: ${error instanceof Error ? error.message : String(error)}`));
  ready();
});
