import './style.css';
import { getJson, postJson } from './common/api';
import { chart, colours } from './common/charts';
import { byId, figures, h, kpi, Section, table } from './common/dom';
import * as f from './common/format';
import { ready, signedIn } from './common/layout';
import { showRefusals } from './refusals';
import type { Baskets, CategoryFigure, ConsentView, DeliveryFigure, ForecastView, Freshness, HourCell, PaymentMix, Statement, StoreInfo, TrendPoint } from './common/models';
import { closedWord, type Grain, tooltipLines, trendRows } from './trendCalendar';
import { showOpeningHours } from './opening-hours';
import './butik-service';

// A store owner's own shop: today, the trend with its forecast, hours, baskets, payments,
// categories, home deliveries and the subsidy earned. The hub has already checked at the page
// address that this store is theirs; every API call checks again.
const storeId = decodeURIComponent(location.pathname.split('/')[2] ?? '');
const api = `/api/stores/${encodeURIComponent(storeId)}`;
const sections = Object.fromEntries(['today', 'trend', 'hours', 'baskets', 'payments', 'categories', 'deliveries', 'consent'].map((id) => [id, new Section(id, `butik-${storeId}`)]));
/** Norsjö's today by the hub's clock, set once signed in. */
let todayIso = '';

function period(): { from: string; to: string; label: string } {
  const select = byId<HTMLSelectElement>('period');
  return { from: f.addDays(todayIso, -(Number(select.value) - 1)), to: todayIso, label: select.selectedOptions[0]?.textContent ?? '' };
}

async function showToday(): Promise<void> {
  // The same weekday a year earlier is 364 days back; compared up to the end of this hour.
  const lastYear = f.addDays(todayIso, -364);
  const hour = f.hourNow();
  const [today, hoursLastYear] = await Promise.all([
    getJson<TrendPoint[]>(`${api}/trend?grain=day&from=${todayIso}&to=${todayIso}`),
    getJson<HourCell[]>(`${api}/hours?from=${lastYear}&to=${lastYear}`),
  ]);
  const now = today[0] ?? { period: todayIso, grossKr: 0, receipts: 0, lastYearGrossKr: 0, lastYearReceipts: 0 };
  const soFarLastYear = hoursLastYear.filter((c) => c.hour <= hour).reduce((sum, c) => sum + c.grossKr, 0);
  const change = soFarLastYear > 0 ? now.grossKr / soFarLastYear - 1 : null;
  sections.today.fill(
    {
      headers: ['Datum', 'Försäljning hittills (kr)', 'Kvitton hittills', `Samma veckodag i fjol till kl ${hour + 1}:00 (kr)`, 'Samma veckodag i fjol, hela dagen (kr)'],
      rows: [[todayIso, now.grossKr, now.receipts, soFarLastYear, now.lastYearGrossKr]],
    },
    h('div', { class: 'kpis' },
      kpi(`Idag, ${f.longDate(todayIso)}`, f.kronor(now.grossKr), 'today-gross', `${f.number(now.receipts)} kvitton`),
      kpi(`Samma veckodag i fjol till kl ${hour + 1}:00`, f.kronor(soFarLastYear), 'today-last-year', `${f.longDate(lastYear)}, hela dagen ${f.kronor(now.lastYearGrossKr)}`),
      kpi('Jämfört med i fjol', change === null ? '–' : `${change >= 0 ? '+' : '−'}${f.percent(Math.abs(change))}`, 'today-change'),
    ),
  );
}

async function showTrend(grain: string): Promise<void> {
  // Whole periods from the start: weeks from a Monday, months from the 1st, so only the running one is cut.
  const span = grain === 'day' ? 89 : grain === 'week' ? 364 : 3 * 365;
  const from = grain === 'month' ? f.addDays(todayIso, -span).slice(0, 7) + '-01' : grain === 'week' ? f.monday(f.addDays(todayIso, -span)) : f.addDays(todayIso, -span);
  const [points, forecast] = await Promise.all([
    getJson<TrendPoint[]>(`${api}/trend?grain=${grain}&from=${from}&to=${todayIso}`),
    getJson<ForecastView>(`${api}/forecast`).catch(() => null),
  ]);
  // One calendar (trendCalendar.ts): closed days are "stängt" in history and forecast alike, and weeks and months carry the forecast too.
  const rows = trendRows(grain as Grain, points, forecast, todayIso, from);
  const ahead = rows.filter((r) => r.forecastKr !== null);
  const label = (p: string): string => (grain === 'month' ? f.shortMonth(p) : grain === 'week' ? `v. ${isoWeek(p)}` : p.slice(5));
  const container = h('div', { class: 'chart tall' });
  const grainWord = grain === 'day' ? 'dag' : grain === 'week' ? 'vecka' : 'månad';
  const total = points.reduce((s, p) => s + p.grossKr, 0);
  // Last year only where the store has history a year back: before it there is no figure, not 0 kr.
  const comparable = points.filter((p) => p.lastYearHasData);
  const comparableNow = comparable.reduce((s, p) => s + p.grossKr, 0);
  const totalLastYear = comparable.reduce((s, p) => s + p.lastYearGrossKr, 0);
  const grainPlural = grain === 'day' ? 'dagar' : grain === 'week' ? 'veckor' : 'månader';
  const running = points.filter((p) => !p.complete);
  const runningPeriods = new Set(running.map((p) => p.period));
  const lastYearNote = comparable.length === points.length
    ? null
    : comparable.length === 0
      ? `Ingen jämförelse med i fjol: butikens siffror börjar ${points[0] ? f.longDate(points[0].period) : ''}, så i fjol finns inget att jämföra med.`
      : `Jämfört med i fjol bara för de ${f.number(comparable.length)} ${grainPlural} som har siffror från i fjol; före ${f.longDate(comparable[0]?.period ?? todayIso)} har butiken ingen historik ett år bakåt, och där visas ingen fjolårslinje.`;
  const next28 = (forecast?.points ?? []).filter((p) => p.date > todayIso).slice(0, 28);
  // The hub's note says which method is shown, its own error when tried and the best simple rule's (ForecastWords.Tried): one wording, one place.
  const accuracy = forecast?.note ?? '';
  const periodName = (p: TrendPoint): string => (p.complete ? p.period : `${p.period} (hittills)`);
  sections.trend.fill(
    {
      headers: ['Period', 'Försäljning (kr)', 'Kvitton', 'I fjol (kr)', 'Prognos (kr)', 'Prognos lägst (kr)', 'Prognos högst (kr)', 'Hel period', 'Stängt'],
      rows: rows.map((r) => [r.period, r.soldKr, r.receipts, r.lastYearKr, round(r.forecastKr), round(r.lowerKr), round(r.upperKr),
        r.soldKr === null ? null : runningPeriods.has(r.period) ? 'nej, hittills' : 'ja', r.closed ? closedWord : null]),
    },
    h('div', { class: 'kpis' },
      kpi(`Försäljning, perioden`, f.kronor(total), 'trend-total',
        totalLastYear > 0
          ? `i fjol ${f.kronor(totalLastYear)} (${signed(comparableNow / totalLastYear - 1)}${comparable.length < points.length ? `, för de ${f.number(comparable.length)} ${grainPlural} som kan jämföras` : ''})`
          : 'ingen jämförelse med i fjol'),
      next28.length > 0 ? kpi('Prognos, kommande 4 veckor', f.kronor(next28.reduce((s, p) => s + p.point, 0)), 'trend-forecast', forecast?.methodText ? `visar ${forecast.methodText}` : undefined) : null,
    ),
    container,
    running.length ? h('p', { class: 'note', 'data-testid': 'trend-running' }, `${running.map(periodName).join(', ')}: perioden pågår, så stapeln eller punkten visar försäljningen hittills och jämförs med i fjol fram till samma dag – inget tapp.`) : null,
    lastYearNote ? h('p', { class: 'note', 'data-testid': 'trend-last-year-note' }, lastYearNote) : null,
    accuracy ? h('p', { class: 'note', 'data-test': 'forecast-note' }, accuracy) : null,
    figures(
      table(`Försäljning per ${grainWord}`, [{ header: 'Period' }, { header: 'Försäljning', numeric: true }, { header: 'Kvitton', numeric: true }, { header: 'I fjol', numeric: true }],
        points.map((p) => [{ shown: periodName(p), raw: p.period }, { shown: f.kronor(p.grossKr), raw: p.grossKr }, { shown: f.number(p.receipts), raw: p.receipts }, { shown: p.lastYearHasData ? f.kronor(p.lastYearGrossKr) : 'ingen historik', raw: p.lastYearHasData ? p.lastYearGrossKr : null }]), 'trend-table'),
    ),
  );
  const bars = grain === 'day';
  const band = 'rgba(181, 74, 0, 0.2)';
  chart(container, `Försäljning per ${grainWord} i kronor, med samma period i fjol${ahead.length ? ' och prognos med 80 %-band' : ''}. Stängda dagar är markerade stängt.`, {
    color: [colours.primary, colours.muted, colours.secondary],
    tooltip: {
      trigger: 'axis',
      formatter: (items: { dataIndex: number }[]) => {
        const r = rows[items[0]?.dataIndex ?? -1];
        return r ? [`<b>${r.period}${runningPeriods.has(r.period) ? ' (hittills)' : ''}</b>`, ...tooltipLines(r)].join('<br>') : '';
      },
    },
    legend: { top: 0, data: ['I år', ...(running.length ? ['Hittills'] : []), 'I fjol', ...(ahead.length ? ['Prognos', 'Osäkerhet (80 %)'] : [])] },
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: rows.map((r) => r.period), axisLabel: { formatter: label } },
    yAxis: { type: 'value', axisLabel: { formatter: (v: number) => f.number(v / 1000) + ' tkr' } },
    // Days are bars, history and forecast alike (a line through a week's rhythm is a saw-tooth); weeks and months are lines.
    series: [
      // The running period is its own series: a pale bar or a lone marked point, so the line never drops to "so far".
      { name: 'I år', type: bars ? 'bar' : 'line', stack: bars ? 'now' : undefined, barGap: '-100%', data: rows.map((r) => (runningPeriods.has(r.period) ? null : r.soldKr)), symbol: 'none', itemStyle: { color: colours.primary } },
      ...(running.length
        ? [{ name: 'Hittills', type: bars ? 'bar' : 'line', stack: bars ? 'now' : undefined, data: rows.map((r) => (runningPeriods.has(r.period) ? r.soldKr : null)), symbol: 'emptyCircle', symbolSize: 10, lineStyle: { opacity: 0 }, itemStyle: { color: colours.secondary, opacity: 0.75 }, label: { show: true, position: 'top', formatter: 'hittills', color: '#1f2328' } }]
        : []),
      { name: 'I fjol', type: 'line', data: rows.map((r) => r.lastYearKr), connectNulls: false, symbol: 'none', lineStyle: { type: 'dotted', width: 2 }, itemStyle: { color: colours.muted } },
      { name: 'Stängt', type: 'bar', data: rows.map((r) => (r.closed ? 0 : null)), label: { show: true, position: 'insideBottom', rotate: 90, formatter: closedWord, color: colours.muted, fontSize: 10 }, itemStyle: { color: colours.muted } },
      ...(ahead.length
        ? [
            { name: 'Prognos', type: bars ? 'bar' : 'line', data: rows.map((r) => round(r.forecastKr)), symbol: 'none', lineStyle: { type: 'dashed', width: 2 }, itemStyle: { color: bars ? 'rgba(181, 74, 0, 0.55)' : colours.secondary } },
            { name: 'lägst', type: bars ? 'bar' : 'line', stack: 'band', data: rows.map((r) => round(r.lowerKr)), symbol: 'none', lineStyle: { opacity: 0 }, itemStyle: { color: 'rgba(0, 0, 0, 0)' } },
            { name: 'Osäkerhet (80 %)', type: bars ? 'bar' : 'line', stack: 'band', data: rows.map((r) => (r.upperKr === null || r.lowerKr === null ? null : Math.round(r.upperKr - r.lowerKr))), symbol: 'none', lineStyle: { opacity: 0 }, areaStyle: bars ? undefined : { color: band }, itemStyle: { color: band } },
          ]
        : []),
    ],
  });
}

function round(value: number | null): number | null {
  return value === null ? null : Math.round(value);
}

function signed(change: number): string {
  return `${change >= 0 ? '+' : '−'}${f.percent(Math.abs(change))}`;
}

function isoWeek(isoDate: string): number {
  // ISO 8601: the week that holds the Thursday.
  const thursday = new Date(isoDate + 'T00:00:00Z');
  thursday.setUTCDate(thursday.getUTCDate() + 3 - ((thursday.getUTCDay() + 6) % 7));
  const yearStart = Date.UTC(thursday.getUTCFullYear(), 0, 1);
  return Math.floor((thursday.getTime() - yearStart) / 86_400_000 / 7) + 1;
}

async function showHours(): Promise<void> {
  const p = period();
  const cells = await getJson<HourCell[]>(`${api}/hours?from=${p.from}&to=${p.to}`);
  const hours = [...new Set(cells.map((c) => c.hour))].sort((a, b) => a - b);
  const busiest = cells.reduce<HourCell | null>((best, c) => (best === null || c.receipts > best.receipts ? c : best), null);
  const container = h('div', { class: 'chart tall' });
  sections.hours.fill(
    { headers: ['Veckodag', 'Timme', 'Kvitton', 'Försäljning (kr)'], rows: cells.map((c) => [f.weekdays[c.weekday - 1] ?? String(c.weekday), c.hour, c.receipts, c.grossKr]) },
    busiest ? h('p', { class: 'note' }, `Mest folk: ${f.weekdays[busiest.weekday - 1]}ar kl ${busiest.hour}–${busiest.hour + 1} (${f.number(busiest.receipts)} kvitton under ${p.label}).`) : h('p', {}, 'Inga kvitton under perioden.'),
    container,
    figures(table(`Kvitton per veckodag och timme, ${p.label}`, [{ header: 'Veckodag' }, ...hours.map((hr) => ({ header: `${hr}`, numeric: true }))],
      f.weekdays.map((day, i) => [{ shown: day, raw: day }, ...hours.map((hr) => {
        const n = cells.find((c) => c.weekday === i + 1 && c.hour === hr)?.receipts ?? 0;
        return { shown: f.number(n), raw: n };
      })]), 'hours-table')),
  );
  const max = Math.max(1, ...cells.map((c) => c.receipts));
  chart(container, `Antal kvitton per timme och veckodag, ${p.label}. Mörkare ruta betyder fler kunder.`, {
    tooltip: { formatter: (item: { value: [number, number, number] }) => `${f.weekdays[item.value[1]]} kl ${hours[item.value[0]]}–${(hours[item.value[0]] ?? 0) + 1}<br>${f.number(item.value[2])} kvitton` },
    grid: { left: 8, right: 8, top: 8, bottom: 56, containLabel: true },
    xAxis: { type: 'category', data: hours.map((hr) => `${hr}`), name: 'timme', nameLocation: 'middle', nameGap: 24 },
    yAxis: { type: 'category', data: f.weekdaysShort, inverse: true },
    visualMap: { min: 0, max, calculable: false, orient: 'horizontal', left: 'center', bottom: 0, itemHeight: 120, inRange: { color: ['#f0f5fa', '#9ec2e0', '#1d5b8f', '#0b2f4d'] }, text: ['fler', 'färre'], textStyle: { color: '#1f2328' } },
    series: [{ type: 'heatmap', data: cells.map((c) => [hours.indexOf(c.hour), c.weekday - 1, c.receipts]) }],
  });
}

async function showBaskets(): Promise<void> {
  const p = period();
  const baskets = await getJson<Baskets>(`${api}/baskets?from=${p.from}&to=${p.to}`);
  const label = (b: Baskets['distribution'][number]): string => (b.toKr === null ? `${f.number(b.fromKr)} kr –` : `${f.number(b.fromKr)}–${f.number(b.toKr)} kr`);
  const container = h('div', { class: 'chart' });
  sections.baskets.fill(
    { headers: ['Köpets storlek', 'Kvitton'], rows: baskets.distribution.map((b) => [label(b), b.receipts]) },
    h('div', { class: 'kpis' }, kpi('Genomsnittligt köp', f.kronor(baskets.averageKr), 'basket-average', `${f.number(baskets.receipts)} kvitton, ${p.label}`)),
    container,
    figures(table('Kvitton per köpstorlek', [{ header: 'Köpets storlek' }, { header: 'Kvitton', numeric: true }], baskets.distribution.map((b) => [{ shown: label(b), raw: label(b) }, { shown: f.number(b.receipts), raw: b.receipts }]), 'baskets-table')),
  );
  chart(container, `Antal kvitton per köpstorlek, ${p.label}. Genomsnittligt köp ${f.kronor(baskets.averageKr)}.`, {
    tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => `${f.number(Number(v))} kvitton` },
    grid: { left: 8, right: 8, top: 8, bottom: 8, containLabel: true },
    // Short labels, turned and thinned where they would collide (a phone is 390 px wide).
    xAxis: { type: 'category', name: 'kr', data: baskets.distribution.map((b) => (b.toKr === null ? `${f.number(b.fromKr)}–` : `${f.number(b.fromKr)}–${f.number(b.toKr)}`)), axisLabel: { rotate: 45, hideOverlap: true } },
    yAxis: { type: 'value', axisLabel: { formatter: (v: number) => f.number(v) } },
    series: [{ type: 'bar', data: baskets.distribution.map((b) => b.receipts), itemStyle: { color: colours.primary } }],
  });
}

async function showPayments(): Promise<void> {
  const p = period();
  const mix = await getJson<PaymentMix>(`${api}/payments?from=${p.from}&to=${p.to}`);
  const container = h('div', { class: 'chart' });
  sections.payments.fill(
    { headers: ['Betalsätt', 'Belopp (kr)', 'Andel'], rows: mix.methods.map((m) => [f.paymentName(m.method), m.amountKr, m.share]) },
    h('div', { class: 'kpis' }, kpi('Kontantandel', f.percent(mix.cashShare), 'cash-share', p.label)),
    container,
    figures(table('Betalningar per betalsätt', [{ header: 'Betalsätt' }, { header: 'Belopp', numeric: true }, { header: 'Andel', numeric: true }],
      mix.methods.map((m) => [{ shown: f.paymentName(m.method), raw: m.method }, { shown: f.kronor(m.amountKr), raw: m.amountKr }, { shown: f.percent(m.share), raw: m.share }]), 'payments-table')),
  );
  chart(container, `Andel av betalningarna per betalsätt, ${p.label}. Kontant ${f.percent(mix.cashShare)}.`, {
    tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => f.percent(Number(v)) },
    grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', max: 1, axisLabel: { formatter: (v: number) => f.percent(v, 0) } },
    yAxis: { type: 'category', data: mix.methods.map((m) => f.paymentName(m.method)), inverse: true },
    series: [{ type: 'bar', data: mix.methods.map((m) => ({ value: m.share, itemStyle: { color: m.method === 'cash' ? colours.secondary : colours.primary } })), label: { show: true, position: 'right', formatter: (item: { value: number }) => f.percent(item.value, 0), color: '#1f2328' } }],
  });
}

async function showCategories(): Promise<void> {
  const p = period();
  const categories = (await getJson<CategoryFigure[]>(`${api}/categories?from=${p.from}&to=${p.to}`)).sort((a, b) => b.grossKr - a.grossKr);
  const container = h('div', { class: 'chart' });
  sections.categories.fill(
    { headers: ['Varugrupp', 'Försäljning (kr)', 'Moms (kr)', 'Antal', 'Returer (kr)'], rows: categories.map((c) => [f.categoryName(c.category), c.grossKr, c.vatKr, c.quantity, c.returnedKr]) },
    container,
    figures(table(`Försäljning per varugrupp, ${p.label}`, [{ header: 'Varugrupp' }, { header: 'Försäljning', numeric: true }, { header: 'Moms', numeric: true }, { header: 'Returer', numeric: true }],
      categories.map((c) => [{ shown: f.categoryName(c.category), raw: c.category }, { shown: f.kronor(c.grossKr), raw: c.grossKr }, { shown: f.kronor(c.vatKr), raw: c.vatKr }, { shown: f.kronor(c.returnedKr), raw: c.returnedKr }]), 'categories-table')),
  );
  chart(container, `Försäljning per varugrupp i kronor, ${p.label}.`, {
    tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => f.kronor(Number(v)) },
    grid: { left: 8, right: 16, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', axisLabel: { formatter: (v: number) => f.number(v / 1000) + ' tkr' } },
    yAxis: { type: 'category', data: categories.map((c) => f.categoryName(c.category)), inverse: true },
    series: [{ type: 'bar', data: categories.map((c) => c.grossKr), itemStyle: { color: colours.tertiary } }],
  });
}

async function showDeliveries(): Promise<void> {
  const p = period();
  const months = [1, 2, 3].map((back) => f.addMonths(todayIso, -back));
  const [localities, ...statements] = await Promise.all([
    getJson<DeliveryFigure[]>(`${api}/deliveries?from=${p.from}&to=${p.to}`),
    ...months.map((m) => getJson<Statement>(`${api}/subsidy/${m}`)),
  ]);
  const latest = statements[0];
  sections.deliveries.fill(
    {
      headers: ['Ort', 'Hemsändningar', 'Hushåll', 'Ordervärde (kr)', 'Medelavstånd (km)'],
      rows: localities.map((d) => [d.locality, d.deliveries, d.households, d.orderValueKr, d.averageDistanceKm]),
    },
    h('div', { class: 'kpis' },
      kpi(`Hemsändningar, ${p.label}`, f.number(localities.reduce((s, d) => s + d.deliveries, 0)), 'deliveries-count'),
      latest ? kpi(`Bidrag för ${f.monthName(latest.month)}`, latest.produced ? f.kronor(latest.amountDueKr) : 'ej beräknat än', 'subsidy-latest', latest.produced ? `${f.number(latest.eligible)} av ${f.number(latest.deliveries)} leveranser godkända` : 'beräknas efter månadsskiftet') : null,
    ),
    h('div', { class: 'table-scroll' }, table(`Hemsändningar per ort, ${p.label}`, [{ header: 'Ort' }, { header: 'Hemsändningar', numeric: true }, { header: 'Hushåll', numeric: true }, { header: 'Medelavstånd', numeric: true }],
      localities.map((d) => [{ shown: d.locality, raw: d.locality }, { shown: f.number(d.deliveries), raw: d.deliveries }, { shown: f.number(d.households), raw: d.households }, { shown: `${f.number(d.averageDistanceKm, 1)} km`, raw: d.averageDistanceKm }]), 'deliveries-table')),
    h('div', { class: 'table-scroll' }, table('Hemsändningsbidrag per månad', [{ header: 'Månad' }, { header: 'Underlag' }, { header: 'Bidrag', numeric: true }, { header: 'Leveranser', numeric: true }, { header: 'Godkända', numeric: true }],
      statements.map((s) => [
        { shown: f.monthName(s.month), raw: s.month },
        { shown: s.produced ? h('span', {}, h('a', { href: `${api}/subsidy/${s.month}/print` }, 'utskrift'), ' · ', h('a', { href: `${api}/subsidy/${s.month}/csv`, download: `bidrag-${storeId}-${s.month}.csv` }, 'CSV')) : '', raw: null },
        { shown: s.produced ? f.kronor(s.amountDueKr) : 'ej beräknat', raw: s.amountDueKr },
        { shown: s.produced ? f.number(s.deliveries) : '–', raw: s.deliveries },
        { shown: s.produced ? f.number(s.eligible) : '–', raw: s.eligible },
      ]), 'subsidy-table')),
  );
}

async function showFreshness(): Promise<void> {
  const element = byId('freshness');
  try {
    const fresh = await getJson<Freshness>(`${api}/freshness`);
    element.textContent = fresh.minutesSinceUpload === null
      ? 'Er agent har inte rapporterat något än.'
      : `Er agent rapporterade senast ${f.ago(fresh.minutesSinceUpload)}${fresh.lastSale ? `; senaste försäljning ${fresh.lastSale.replace('T', ' ').slice(0, 16)}` : ''}.`;
    element.classList.toggle('warn', fresh.late);
  } catch (error) {
    element.textContent = `Kunde inte se när agenten rapporterade: ${(error as Error).message}`;
  }
}

/** The owner's choice to share the shop's figures with the municipality: given or revoked here, in effect at once. */
async function showConsent(view?: ConsentView): Promise<void> {
  const consent = view ?? (await getJson<ConsentView>(`${api}/consent`));
  const button = h('button', { type: 'button', 'data-testid': 'consent-toggle' }, consent.given ? 'Återkalla samtycket' : 'Dela butikens siffror med kommunen');
  button.addEventListener('click', () => {
    void sections.consent.load(async () => showConsent(await postJson<ConsentView>(`${api}/consent`, { given: !consent.given })));
  });
  sections.consent.fill(
    { headers: ['Samtycke', 'Av', 'När'], rows: consent.history.map((e) => [e.given ? 'gett' : 'återkallat', e.by, f.localTime(e.at)]) },
    h('p', { 'data-testid': 'consent-note' }, consent.note),
    h('p', { class: 'note' }, 'Utan samtycke ser kommunen butikens omsättning bara tillsammans med minst två andra butikers, per hel månad. Med samtycke ser kommunen butikens omsättning per månad, i sin ort. Hemsändningsbidragets underlag och när agenten senast rapporterade ser kommunen alltid.'),
    button,
    consent.history.length
      ? h('div', { class: 'table-scroll' }, table('Historik', [{ header: 'Samtycke' }, { header: 'Av' }, { header: 'När' }],
          consent.history.map((e) => [
            { shown: e.given ? 'gett' : 'återkallat', raw: e.given ? 'gett' : 'återkallat' },
            { shown: e.by, raw: e.by },
            { shown: f.localTime(e.at), raw: e.at },
          ]), 'consent-history'))
      : null,
  );
}

function grain(): string {
  return document.querySelector<HTMLInputElement>('input[name="grain"]:checked')?.value ?? 'day';
}

async function main(): Promise<void> {
  await signedIn('butik');
  todayIso = f.today();
  const info = await getJson<StoreInfo>(api);
  byId('store-name').textContent = info.name;
  document.title = `${info.name} – Norsjö Retail`;
  const periodic = (): Promise<void>[] => [
    sections.hours.load(showHours),
    sections.baskets.load(showBaskets),
    sections.payments.load(showPayments),
    sections.categories.load(showCategories),
    sections.deliveries.load(showDeliveries),
  ];
  byId('period').addEventListener('change', () => void Promise.all(periodic()));
  document.querySelectorAll<HTMLInputElement>('input[name="grain"]').forEach((input) => input.addEventListener('change', () => void sections.trend.load(() => showTrend(grain()))));
  await Promise.all([showFreshness(), sections.consent.load(() => showConsent()), sections.today.load(showToday), sections.trend.load(() => showTrend(grain())), ...periodic(), showRefusals(storeId),
    showOpeningHours(storeId, byId('consent').parentElement!.appendChild(document.createElement('div'))).catch(() => undefined)]);
  ready();
}

main().catch((error: unknown) => {
  byId('store-name').textContent = 'Sidan kunde inte visas';
  byId('freshness').textContent = error instanceof Error ? error.message : String(error);
  ready();
});
