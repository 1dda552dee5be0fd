// The kommunöversikt on /admin (admin and registry editor): every place, stale and possibly closed
// first, with who confirmed it last; a form for any place (a shop from the registry or another
// provider); and the distances between villages the public page's "närmaste" is computed from.
// Imported by admin.ts; it draws its own cards.
import { getJson, postJson } from './common/api';
import { h, scrollRegion, table } from './common/dom';
import { FieldErrors, send } from './common/registry-models';
import { ServiceForm } from './common/service-form';
import type { AdminServicePoint, AdminServicePoints, DistancesView } from './common/service-types';

const status = h('p', { role: 'status', 'aria-live': 'polite', 'data-testid': 'service-status' });

function card(id: string, title: string): { section: HTMLElement; body: HTMLElement } {
  const body = h('div', { class: 'body', 'aria-busy': 'true' }, 'Hämtar …');
  const section = h('section', { class: 'card wide', id, 'aria-labelledby': `${id}-h`, style: 'min-width: 0' }, h('h2', { id: `${id}-h` }, title), body);
  (document.querySelector('#main .grid') ?? document.getElementById('main'))?.append(section);
  return { section, body };
}

function state(p: AdminServicePoint): string {
  if (p.possiblyClosed) return 'kanske stängt';
  return p.stale ? 'inaktuell' : 'aktuell';
}

async function showServicePoints(): Promise<void> {
  const { body } = card('service-points', 'Kommunöversikt: servicepunkter');
  const distances = card('service-distances', 'Kommunöversikt: avstånd mellan byar');
  let list: AdminServicePoints;
  try {
    list = await getJson<AdminServicePoints>('/api/municipality/service-points');
  } catch (error) {
    body.replaceChildren(h('p', { class: 'error', role: 'alert' }, `Kunde inte hämta servicepunkterna: ${(error as Error).message}`));
    body.removeAttribute('aria-busy');
    return;
  }

  const pick = h('select', { id: 'service-point-pick' });
  const form = new ServiceForm({
    id: 'service-point', services: list.services, payments: list.payments, submitLabel: 'Spara platsen',
    address: () => `/api/admin/service-points/${encodeURIComponent(currentId())}`,
    saved: async (point) => {
      status.textContent = `${point.name} är sparad.`;
      await redraw(point.id);
    },
  });
  const newId = h('input', { id: 'service-point-id', autocomplete: 'off', 'aria-describedby': 'service-point-id-error' });
  const newIdLabel = h('label', {}, 'Id för ny plats', h('small', { class: 'note' }, ' (a–z, 0–9 och -)'), ' ', newId, ' ',
    h('span', { class: 'error field-error', id: 'service-point-id-error', 'data-testid': 'service-point-id-error' }));
  const currentId = (): string => (pick.value === '' ? newId.value.trim() : pick.value);

  const choose = (): void => {
    const point = list.points.find((p) => p.id === pick.value) ?? null;
    const shop = point?.isShop ?? list.shopsWithoutEntry.some((s) => s.id === pick.value);
    newIdLabel.hidden = pick.value !== '';
    form.show(point, shop);
  };
  pick.addEventListener('change', choose);

  const redraw = async (selected: string): Promise<void> => {
    list = await getJson<AdminServicePoints>('/api/municipality/service-points');
    pick.replaceChildren(
      ...list.points.map((p) => h('option', { value: p.id }, `${p.name} (${p.village})`)),
      ...list.shopsWithoutEntry.map((s) => h('option', { value: s.id }, `${s.name} (${s.village}) – ny`)),
      h('option', { value: '' }, 'Ny plats (annan aktör) …'),
    );
    pick.value = selected;
    if (pick.value !== selected) pick.value = list.points[0]?.id ?? '';
    choose();
    const services = new Map(list.services.map((s) => [s.code, s.name]));
    tableBox.replaceChildren(scrollRegion('Servicepunkter', table('Servicepunkter, inaktuella först', [{ header: 'Plats' }, { header: 'Läge' }, { header: 'Tjänster' }, { header: 'Senast bekräftad' }, { header: 'Åtgärd' }],
      list.points.map((p) => {
        const confirm = h('button', { type: 'button', class: 'action' }, `Bekräfta ${p.name}`);
        confirm.addEventListener('click', async () => {
          await postJson(`/api/admin/service-points/${encodeURIComponent(p.id)}/confirm`);
          status.textContent = `${p.name} är bekräftad.`;
          await redraw(pick.value);
        });
        return [
          { shown: h('span', {}, p.name, h('br'), h('small', {}, p.village)), raw: p.id },
          { shown: h('span', { class: p.stale || p.possiblyClosed ? 'warn' : '', 'data-testid': `service-state-${p.id}` }, state(p)), raw: state(p) },
          { shown: p.services.map((s) => services.get(s) ?? s).join(', '), raw: p.services.join(' ') },
          { shown: `${p.confirmedAt} av ${p.confirmedBy}`, raw: p.confirmedAt },
          { shown: confirm, raw: null },
        ];
      }), 'service-points-table')));
  };

  const tableBox = h('div');
  body.replaceChildren(
    h('p', { class: 'note' }, `Varje plats ska bekräftas minst var ${list.confirmEveryMonths}:e månad; inaktuella och de som kanske har stängt (butikens agent tyst i flera dagar) står först. Den offentliga sidan finns på `, h('a', { href: '/service' }, '/service'), '.'),
    status, tableBox,
    h('h3', {}, 'Ändra en plats'),
    h('label', {}, 'Plats ', pick), newIdLabel, form.element,
  );
  body.removeAttribute('aria-busy');
  await redraw(list.points[0]?.id ?? '');
  await showDistances(distances.body);
}

async function showDistances(body: HTMLElement): Promise<void> {
  const view = await getJson<DistancesView>('/api/municipality/service-distances');
  const area = h('textarea', { id: 'service-distances-text', rows: '12', 'aria-describedby': 'service-distances-error' });
  area.value = view.distances.map((d) => `${d.from}; ${d.to}; ${String(d.km).replace('.', ',')}`).join('\n');
  const errors = h('ul', { class: 'error', id: 'service-distances-error', 'data-testid': 'service-distances-error' });
  const message = h('p', { role: 'status', 'data-testid': 'service-distances-status' });
  const save = h('button', { type: 'button', class: 'primary' }, 'Spara avstånden');
  save.addEventListener('click', async () => {
    errors.replaceChildren();
    message.textContent = '';
    const lines = area.value.split('\n').map((l) => l.trim()).filter(Boolean);
    const rows = lines.map((l) => l.split(';').map((c) => c.trim()));
    try {
      const saved = await send<DistancesView>('PUT', '/api/admin/service-distances', { distances: rows.map(([from, to, km]) => ({ from: from ?? '', to: to ?? '', km: km ?? '' })) });
      message.textContent = `${saved.distances.length} avstånd är sparade.`;
    } catch (error) {
      if (!(error instanceof FieldErrors)) {
        message.textContent = `Kunde inte spara: ${(error as Error).message}`;
        return;
      }
      errors.replaceChildren(...Object.entries(error.errors).map(([field, texts]) => {
        const row = /^distances\[(\d+)\]/.exec(field);
        return h('li', {}, row ? `Rad ${Number(row[1]) + 1} (${lines[Number(row[1])]}): ${texts.join(' ')}` : texts.join(' '));
      }));
    }
  });
  body.replaceChildren(
    h('p', { class: 'note' }, 'Vägavstånd i km, en rad per par: by; by; km. Närmaste service räknas som kortaste väg genom tabellen.'),
    h('label', { for: 'service-distances-text' }, 'Avstånd'), area, save, message, errors,
  );
  body.removeAttribute('aria-busy');
}

void showServicePoints();
