// The shop's own entry in the kommunöversikt on /butik/{store}: what the public page says about it,
// a form to change it (services, payment methods, coordinates; name, village and hours are the
// registry's), and every quarter the question whether it still holds, answered in one click.
// Imported by butik.ts; it draws its own card. The hub refuses another shop's entry (403).
import { getJson, postJson } from './common/api';
import { h } from './common/dom';
import { ServiceForm } from './common/service-form';
import type { OwnServicePoint } from './common/service-types';

const storeId = decodeURIComponent(location.pathname.split('/')[2] ?? '');
const address = `/api/stores/${encodeURIComponent(storeId)}/service-point`;

async function showOwnServicePoint(): Promise<void> {
  const body = h('div', { class: 'body', 'aria-busy': 'true' }, 'Hämtar …');
  (document.querySelector('#main .grid') ?? document.getElementById('main'))?.append(
    h('section', { class: 'card wide', id: 'own-service', 'aria-labelledby': 'own-service-h', style: 'min-width: 0' }, h('h2', { id: 'own-service-h' }, 'Butiken i kommunöversikten'), body));
  try {
    await draw(body, await getJson<OwnServicePoint>(address));
  } catch (error) {
    body.replaceChildren(h('p', { class: 'error', role: 'alert' }, `Kunde inte hämta butikens uppgifter: ${(error as Error).message}`));
  }
  body.removeAttribute('aria-busy');
}

async function draw(body: HTMLElement, own: OwnServicePoint): Promise<void> {
  const form = new ServiceForm({
    id: 'own-service', services: own.services, payments: own.payments, submitLabel: 'Spara uppgifterna', address: () => address,
    saved: async () => draw(body, await getJson<OwnServicePoint>(address)),
  });
  form.show(own.point ?? null, true);
  const names = new Map(own.services.map((s) => [s.code, s.name]));
  const point = own.point;
  const ask = own.confirmationDue && point
    ? h('div', { class: 'confirm-due', 'data-testid': 'own-service-due' },
      h('p', {}, h('strong', {}, 'Stämmer uppgifterna fortfarande?'), ` De bekräftades senast ${point.confirmedAt}. Kommunen ber butikerna bekräfta varje kvartal, så att den offentliga sidan stämmer.`))
    : null;
  if (ask && point) {
    const yes = h('button', { type: 'button', class: 'primary' }, 'Stämmer fortfarande');
    yes.addEventListener('click', async () => {
      await postJson(`${address}/confirm`);
      await draw(body, await getJson<OwnServicePoint>(address));
    });
    ask.append(yes);
  }
  body.replaceChildren(
    ask ?? h('p', { 'data-testid': 'own-service-confirmed' }, point ? `Senast bekräftad ${point.confirmedAt} av ${point.confirmedBy}.` : 'Butiken finns inte i kommunöversikten än: fyll i uppgifterna nedan.'),
    point ? h('p', {}, `På `, h('a', { href: `/service/${encodeURIComponent(own.village)}` }, 'den offentliga sidan'), `: ${point.services.map((s) => names.get(s) ?? s).join(', ') || '–'}.`) : '',
    h('details', {}, h('summary', {}, 'Ändra uppgifterna'),
      h('p', { class: 'note' }, 'Namn, by och öppettider kommer från butiksregistret (öppettiderna ändrar du under Öppettider).'),
      form.element),
  );
}

void showOwnServicePoint();
