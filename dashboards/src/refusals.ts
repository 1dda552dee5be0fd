// What the hub refused at ingest, and the home deliveries that earned no subsidy, with the reasons:
// a card of its own on the owner's page and on /admin. Nothing refused may vanish unseen.
import { getJson } from './common/api';
import { h, kpi, Section, table } from './common/dom';
import * as f from './common/format';
import type { AdminStore, NotApprovedReport, RefusalCount, StoreRefusals } from './common/models';

const shownRows = 50;
const localTime = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', dateStyle: 'short', timeStyle: 'short' });

/** Swedish local time of an instant from the API: "2026-12-01 10:30". */
export const when = (iso: string | null): string => (iso ? localTime.format(new Date(iso)) : '–');

/** A card like the page's others, added at the end of its grid. */
export function card(id: string, title: string, page: string): Section {
  const grid = document.querySelector('.grid') ?? document.getElementById('main');
  grid?.append(
    h('section', { class: 'card wide', id, 'aria-labelledby': `${id}-h` },
      h('div', { class: 'card-head' }, h('h2', { id: `${id}-h` }, title), h('button', { class: 'csv', type: 'button', disabled: '' }, 'Exportera CSV')),
      h('div', { class: 'body', 'aria-busy': 'true' }, 'Hämtar …')),
  );
  return new Section(id, page);
}

/** The owner's card: what the hub refused from this store's agent, and the deliveries without subsidy in the last 12 months. */
export async function showRefusals(storeId: string): Promise<void> {
  const section = card('refusals', 'Avvisat och utan bidrag', `butik-${storeId}`);
  await section.load(async () => {
    const api = `/api/stores/${encodeURIComponent(storeId)}`;
    const [refused, notApproved] = await Promise.all([
      getJson<StoreRefusals>(`${api}/refusals`),
      getJson<NotApprovedReport>(`${api}/subsidy/not-approved`),
    ]);
    const reasons = Object.entries(notApproved.byReason).sort((a, b) => b[1] - a[1]);
    section.fill(
      {
        headers: ['Typ', 'Datum', 'Vad', 'Skäl', 'Hubbens förklaring', 'Avvisat'],
        rows: [
          ...refused.items.map((r) => ['avvisat', r.itemDate, r.what, r.explanation, r.reason, when(r.refusedAt)]),
          ...notApproved.items.map((d) => ['utan bidrag', d.date, d.locality ?? 'hemsändning', d.reason, null, null]),
        ],
      },
      h('div', { class: 'kpis' },
        kpi('Avvisat av hubben', f.number(refused.total), 'refused-count', refused.total === 0 ? 'inget' : 'poster som inte räknas'),
        kpi(`Hemsändningar utan bidrag, ${f.monthName(notApproved.from)}–${f.monthName(notApproved.to)}`, f.number(notApproved.deliveries), 'not-approved-count',
          reasons.map(([reason, n]) => `${reason}: ${f.number(n)}`).join(', ') || 'alla godkända'),
      ),
      h('p', { class: 'note', 'data-testid': 'refusals-note' }, refused.note),
      refused.items.length
        ? h('div', { class: 'table-scroll' }, table('Det hubben inte tog emot', [{ header: 'Datum' }, { header: 'Vad' }, { header: 'Skäl' }, { header: 'Hubbens förklaring' }, { header: 'Avvisat' }],
            refused.items.slice(0, shownRows).map((r) => [
              { shown: r.itemDate ?? '–', raw: r.itemDate },
              { shown: r.what, raw: r.kind },
              { shown: r.explanation, raw: r.explanation },
              { shown: h('code', {}, `${r.field}: ${r.reason}`), raw: r.reason },
              { shown: when(r.refusedAt), raw: r.refusedAt },
            ]), 'refusals-table'))
        : null,
      notApproved.items.length
        ? h('div', { class: 'table-scroll' }, table(`Hemsändningar utan bidrag${notApproved.items.length > shownRows ? ` (de senaste ${shownRows}, alla i CSV)` : ''}`,
            [{ header: 'Datum' }, { header: 'Ort' }, { header: 'Avstånd', numeric: true }, { header: 'Skäl' }],
            notApproved.items.slice(-shownRows).reverse().map((d) => [
              { shown: d.date, raw: d.date },
              { shown: d.locality ?? '–', raw: d.locality },
              { shown: d.distanceKm === null ? '–' : `${f.number(d.distanceKm, 1)} km`, raw: d.distanceKm },
              { shown: d.reason, raw: d.reason },
            ]), 'not-approved-table'))
        : null,
    );
  });
}

/** The admin's card: per store, how much the hub refused and when it last did; then its home deliveries without subsidy over 12 months. */
export async function showRefusalCounts(): Promise<void> {
  const section = card('refusals', 'Avvisat och utan bidrag', 'admin');
  await section.load(async () => {
    const [counts, stores] = await Promise.all([
      getJson<RefusalCount[]>('/api/admin/refusals'),
      getJson<AdminStore[]>('/api/admin/stores'),
    ]);
    fillCounts(section, counts, stores, null);
    // The deliveries without subsidy are one request per store: they follow, and the page does not wait for them.
    void Promise.all(stores.filter((s) => s.reports).map(async (s) => [s.id, await getJson<NotApprovedReport>(`/api/stores/${encodeURIComponent(s.id)}/subsidy/not-approved`)] as const))
      .then((reports) => fillCounts(section, counts, stores, new Map(reports)))
      .catch((error: unknown) => section.fail(error));
  });
}

function fillCounts(section: Section, counts: RefusalCount[], stores: { id: string; name: string }[], notApproved: Map<string, NotApprovedReport> | null): void {
  const name = (id: string): string => stores.find((s) => s.id === id)?.name ?? id;
  const reasons = (id: string): string =>
    Object.entries(notApproved?.get(id)?.byReason ?? {})
      .sort((a, b) => b[1] - a[1])
      .map(([reason, n]) => `${reason} ${f.number(n)}`)
      .join(', ');
  const without = (id: string): string => (notApproved === null ? 'hämtar …' : notApproved.has(id) ? f.number(notApproved.get(id)?.deliveries ?? 0) : '–');
  section.fill(
    {
      headers: ['Butik', 'Kvitton', 'Hemsändningar', 'Dagssummor', 'Tjänster per dag', 'Hela sändningar', 'Senast avvisat', 'Hemsändningar utan bidrag (12 mån)', 'Skäl'],
      rows: counts.map((c) => [c.storeId, c.receipts, c.homeDeliveries, c.dailyTotals, c.serviceVolumes, c.batches, when(c.last), notApproved?.get(c.storeId)?.deliveries ?? null, reasons(c.storeId)]),
    },
    h('p', { class: 'note' }, 'Det hubben avvisat räknas inte i någon siffra. Butikens ägare ser varje avvisad post och skälet på sin sida; agenten lägger posten åt sidan i mappen fel/.'),
    h('div', { class: 'table-scroll' }, table('Avvisade poster och hemsändningar utan bidrag per butik',
      [{ header: 'Butik' }, { header: 'Kvitton', numeric: true }, { header: 'Hemsändningar', numeric: true }, { header: 'Dagssummor', numeric: true }, { header: 'Tjänster per dag', numeric: true }, { header: 'Hela sändningar', numeric: true }, { header: 'Senast avvisat' }, { header: 'Utan bidrag, 12 mån', numeric: true }, { header: 'Skäl' }],
      counts.map((c) => [
        { shown: h('span', {}, name(c.storeId), h('br'), h('small', {}, c.storeId)), raw: c.storeId },
        { shown: f.number(c.receipts), raw: c.receipts },
        { shown: f.number(c.homeDeliveries), raw: c.homeDeliveries },
        { shown: f.number(c.dailyTotals), raw: c.dailyTotals },
        { shown: f.number(c.serviceVolumes), raw: c.serviceVolumes },
        { shown: f.number(c.batches), raw: c.batches },
        { shown: when(c.last), raw: c.last },
        { shown: without(c.storeId), raw: notApproved?.get(c.storeId)?.deliveries ?? null },
        { shown: reasons(c.storeId) || '–', raw: reasons(c.storeId) },
      ]), 'refusal-counts-table')),
  );
}
