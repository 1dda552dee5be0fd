import './style.css';
import { ApiError, getJson } from './common/api';
import { byId, h, reportPart, table } from './common/dom';
import * as f from './common/format';
import { basisLine, yearRow, yearsTable } from './common/index-basis';
import { ready, signedIn } from './common/layout';
import './rapport-service';
import type { IndexBasis, IndexPeriod, Outlook, StoreInfo, VillageReport } from './common/models';

// The yearly report for the municipal committee, to print: the index per calendar year and per
// part, the trend, the gap to the target, the outlook, coverage and the method, in Swedish. Every
// figure comes from the same API as /kommun (whole, settled months; the disclosure rule applied).
const part = (v: number | null | undefined, decimals = 1): string => (v === null || v === undefined ? 'visas inte' : f.number(v, decimals));

const section = reportPart;

async function main(): Promise<void> {
  await signedIn('kommun');
  const [basis, stores] = await Promise.all([getJson<IndexBasis>('/api/municipality/index/basis'), getJson<StoreInfo[]>('/api/municipality/stores')]);
  const storeName = (id: string): string => stores.find((s) => s.id === id)?.name ?? id;
  const last = basis.lastCompleteMonth;
  const years = [basis.year - 3, basis.year - 2, basis.year - 1, basis.year];
  const [rolling, villages, outlook, ...calendar] = await Promise.all([
    getJson<IndexPeriod[]>(`/api/municipality/index/rolling?from=${f.addMonths(last, -23)}&to=${last}`),
    getJson<VillageReport>(`/api/municipality/villages?from=${f.addMonths(last, -11)}&to=${last}`),
    getJson<Outlook>('/api/municipality/index/outlook').catch((e: unknown) => (e instanceof ApiError ? null : Promise.reject(e))),
    ...years.map((y) => getJson<IndexPeriod>(`/api/municipality/index/years/${y}`)),
  ]);
  const yearPeriods = calendar as IndexPeriod[];
  const headline = [...rolling].reverse().find((p) => p.shown && p.complete && p.index !== null);
  byId('report-title').textContent = `Försäljningsindex för Norsjö kommun – årsrapport ${basis.year}`;
  byId('report-lead').textContent = `Underlag till nämnden, ${f.longDate(basis.today)}. Målet är ett index över ${f.number(basis.target)}. Siffrorna gäller hela, avslutade månader till och med ${f.monthName(last)}.`;

  const rows = yearPeriods.map(yearRow);
  const yearly = section('report-years', 'Index per kalenderår',
    yearsTable('Försäljningsindex per kalenderår och del', rows, 'report-years-table'),
    h('p', { class: 'note' }, 'Som HUI redovisar indexet: per kalenderår. Ett år som pågår räknas upp till helår från de avslutade månaderna och är markerat ”hittills”.'));

  const trendRows = rolling.filter((p) => p.shown && p.index !== null);
  const first = trendRows[0];
  const trendText = headline && first && first !== headline
    ? `Rullande tolv månader: ${f.number(first.index!.total, 1)} till och med ${f.monthName(first.to)}, ${f.number(headline.index!.total, 1)} till och med ${f.monthName(headline.to)} (${headline.index!.total >= first.index!.total ? '+' : '−'}${f.number(Math.abs(headline.index!.total - first.index!.total), 1)} indexpunkter).`
    : 'För få avslutade månader för en trend ännu.';
  const trend = section('report-trend', 'Utveckling',
    h('p', { 'data-testid': 'report-trend' }, trendText),
    h('div', { class: 'table-scroll' }, table('Försäljningsindex, rullande tolv månader, per kvartal', [{ header: 'Tolv månader till och med' }, { header: 'Total', numeric: true }, { header: 'Lägst', numeric: true }, { header: 'Högst', numeric: true }],
      trendRows.filter((p) => Number(p.to.slice(5, 7)) % 3 === 0 || p === headline).map((p) => [
        { shown: f.monthName(p.to), raw: p.to },
        { shown: part(p.index?.total), raw: p.index?.total ?? null },
        { shown: part(p.low?.total), raw: p.low?.total ?? null },
        { shown: part(p.high?.total), raw: p.high?.total ?? null },
      ]))));

  const gap = headline?.gap
    ? section('report-gap', `Vad som krävs för att nå ${f.number(basis.target)}`,
        h('p', { 'data-testid': 'report-gap' }, headline.gap.reached
          ? `Målet ${f.number(basis.target)} är nått.`
          : `Det saknas ${f.mkr(headline.gap.gapKrPerYear)} om året i lokala butiker, ${f.kronor(headline.gap.gapKrPerResidentPerMonth)} per invånare och månad. Att nå ${f.number(basis.target)} kräver en omsättning på ${f.mkr(headline.gap.neededKrPerYear)} om året.`))
    : null;

  const prognosis = section('report-outlook', `Prognos för ${basis.year}`,
    h('p', { 'data-testid': 'report-outlook' }, outlook
      ? `Väntat index för ${outlook.year}: ${f.number(outlook.expected, 1)}, troligen ${f.number(outlook.low, 1)}–${f.number(outlook.high, 1)}. Chans att nå ${f.number(basis.target)}: ${f.percent(outlook.probabilityOfTarget, 0)} (beräknad ${outlook.asOf}).`
      : 'Ingen prognos ännu: den görs varje vecka.'));

  const coverage = headline
    ? section('report-coverage', 'Täckning och uppskattningar',
        h('p', { 'data-testid': 'report-coverage' }, `${f.percent(headline.coverage ?? 0, 0)} av omsättningen rapporterades av butikernas agenter; ${f.percent(1 - (headline.coverage ?? 0), 0)} är uppskattat${headline.estimatedStores.length ? ` (${headline.estimatedStores.map(storeName).join(', ')})` : ''}, med en osäkerhet på ±${f.percent(basis.estimateUncertainty, 0)} som ger spannet ${part(headline.low?.total)}–${part(headline.high?.total)}.`),
        h('div', { class: 'table-scroll' }, table(`Serviceorterna, ${f.monthName(villages.from)} – ${f.monthName(villages.to)}`, [{ header: 'Ort' }, { header: 'Butiker', numeric: true }, { header: 'Indexpoäng', numeric: true }],
          villages.villages.map((v) => [
            { shown: v.storeId ? `${v.village}: ${storeName(v.storeId)}` : v.village, raw: v.village },
            { shown: f.number(v.stores), raw: v.stores },
            { shown: v.indexPoints === null ? 'visas inte' : f.number(v.indexPoints, 1), raw: v.indexPoints },
          ]))))
    : null;

  const method = section('report-method', 'Metod',
    headline ? basisLine(headline, basis) : null,
    h('p', {}, `Försäljningsindex = 100 × (kommunens omsättning per invånare) / (rikets omsättning per invånare × inkomstfaktor), för dagligvaror, sällanköpsvaror och totalt, som HUI räknar. Omsättningen är butikernas försäljning inklusive moms; drivmedel och ombudstjänster räknas inte.`),
    h('p', {}, `Butiker utan agent räknas med sin basomsättning i registret, följd av hur de rapporterande butikerna utvecklats, ±${f.percent(basis.estimateUncertainty, 0)}. En siffra visas bara om den i varje månad bygger på minst ${f.number(basis.minimumStores)} butiker och ingen butik står för nästan allt; en månad räknas in först ${f.number(basis.settleDays)} dagar efter att den tagit slut, så sena uppgifter hinner komma.`),
    h('p', {}, `Sänkt matmoms (6 % från 1 april 2026): förändringen mot året innan visas också med oförändrad moms, så skattesänkningen inte läses som tappad handel.`));

  byId('report').replaceChildren(...[yearly, trend, gap, prognosis, coverage, method].filter((x): x is HTMLElement => x !== null));
  byId('report').removeAttribute('aria-busy');
  byId('print').addEventListener('click', () => print());
  ready();
}

main().catch((error: unknown) => {
  byId('report').replaceChildren(h('p', { class: 'error', role: 'alert' }, `Rapporten kunde inte visas: ${error instanceof Error ? error.message : String(error)}`));
  ready();
});
