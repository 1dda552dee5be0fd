// What an index figure rests on, said beside it in the same words on /kommun and in the yearly
// report: which year's national figures and population it is computed with, and whether its
// period is whole. One place, so the two pages cannot drift apart.
import { h, scrollRegion, table } from './dom';
import * as f from './format';
import type { IndexBasis, IndexPeriod } from './models';
import type { IndexBasisYears } from './registry-models';

/** "Räknat med rikets siffror 2017 och befolkning 2017" — loud when the figures are older than the period. */
export function basisLine(period: IndexPeriod, basis: IndexBasis): HTMLElement {
  const periodYear = Number(period.to.slice(0, 4));
  const old = period.figuresYear < periodYear;
  // The hub's words for the year (with the figures' sources), when it gives them: "räknat med befolkning 31 dec 2025 (SCB), …".
  const year = (basis as IndexBasis & Partial<IndexBasisYears>).years?.find((y) => y.year === periodYear);
  return h('p', { class: old ? 'basis' : 'note', 'data-testid': 'index-basis' },
    `Räknat med rikets siffror ${period.figuresYear} och befolkning ${period.figuresYear} (${f.number(period.population)} invånare)`,
    old ? ` – registret har inga nyare än ${Math.max(...basis.registryYears)}, så indexet för ${periodYear} jämför med riket ${period.figuresYear}.` : '.',
    old ? h('strong', { 'data-testid': 'index-provisional' }, ` Preliminärt: lånar ${period.figuresYear} års siffror.`) : null,
    year ? h('span', { class: 'sources', 'data-testid': 'index-sources' }, ` Underlag: ${year.text}.`) : null);
}

export interface YearRow { year: string; total: number | null; dagligvaror: number | null; sallankop: number | null; coverage: number | null; figuresYear: number; note: string; complete: boolean }

/** A calendar year as a row of HUI's table: whole years as they are, the running year marked "hittills" and annualised. */
export function yearRow(p: IndexPeriod): YearRow {
  // The running year ends before December (the hub stops it at the last complete month); a past year that is not whole lacks history.
  const running = !p.complete && p.to < `${p.label}-12-31`;
  const note = !p.shown
    ? p.heldBack ?? 'visas inte'
    : p.complete
      ? 'helt år'
      : running
        ? `hittills: ${f.monthSpan(p.from, p.to)}, uppräknat till helår`
        : `ofullständigt: bara ${f.number(p.months)} ${p.months === 1 ? 'månad' : 'månader'} med uppgifter, uppräknat till helår`;
  return {
    year: p.complete || !p.shown ? p.label : running ? `${p.label} hittills` : `${p.label} (ofullständigt)`,
    total: p.index?.total ?? null,
    dagligvaror: p.index?.dagligvaror ?? null,
    sallankop: p.index?.sallankop ?? null,
    coverage: p.coverage,
    figuresYear: p.figuresYear,
    note,
    complete: p.complete,
  };
}

/**
 * The calendar-year table, the same on /kommun and in the yearly report (one place for its columns).
 * Short headers ("Sällanköp"), so it fits a phone; where it still scrolls, the wrapper takes focus.
 */
export function yearsTable(caption: string, rows: YearRow[], testId: string): HTMLElement {
  const part = (v: number | null): string => (v === null ? 'visas inte' : f.number(v, 1));
  return scrollRegion(caption, table(caption, [{ header: 'År' }, { header: 'Total', numeric: true }, { header: 'Dagligvaror', numeric: true }, { header: 'Sällanköp', numeric: true }, { header: 'Täckning', numeric: true }, { header: 'Anmärkning' }],
    rows.map((r) => [
      { shown: r.year, raw: r.year },
      { shown: part(r.total), raw: r.total },
      { shown: part(r.dagligvaror), raw: r.dagligvaror },
      { shown: part(r.sallankop), raw: r.sallankop },
      { shown: r.coverage === null ? 'visas inte' : f.percent(r.coverage, 0), raw: r.coverage },
      { shown: r.note, raw: r.note },
    ]), testId));
}
