import './style.css';
import './service.css';
import { byId, h, scrollRegion, table } from './common/dom';
import type { PublicPlace, PublicServiceOverview, PublicVillage } from './common/service-types';

// The public page, no sign-in, phone first: /service lists the villages; /service/{village} shows what
// is there, whether it is open now (the hub's clock, Swedish time), the nearest place of each service
// and how to pay; /service/{village}/utskrift is the same village as an A4 sheet for the notice board.
// Everything comes from one anonymous call (/api/open/service). The map is drawn only when the
// municipality has configured a tile server; without one the page asks nothing of anyone but the hub.

const parts = location.pathname.split('/').filter(Boolean).map(decodeURIComponent);
const wanted = parts[1] ?? null;
const printing = parts[2] === 'utskrift';

const villageHref = (name: string): string => `/service/${encodeURIComponent(name)}`;

async function load(): Promise<PublicServiceOverview> {
  const response = await fetch('/api/open/service', { headers: { Accept: 'application/json' } });
  if (response.status === 429) throw new Error('För många förfrågningar just nu. Vänta en stund och ladda om sidan.');
  if (!response.ok) throw new Error(`Uppgifterna kunde inte hämtas (${response.status}).`);
  return (await response.json()) as PublicServiceOverview;
}

function openBadge(place: PublicPlace): HTMLElement {
  return h('p', { class: `open-state ${place.openNow ? 'open' : 'closed'}`, 'data-testid': `open-${place.id}` },
    h('strong', {}, place.openNow ? 'Öppet nu' : 'Stängt nu'), ` – ${place.openText}`);
}

function placeCard(place: PublicPlace, names: Map<string, string>, payments: Map<string, string>): HTMLElement {
  const services = place.services.map((s) => names.get(s) ?? s);
  return h('article', { class: 'place', 'data-testid': `place-${place.id}`, 'aria-labelledby': `place-${place.id}-h` },
    h('h3', { id: `place-${place.id}-h` }, place.name),
    openBadge(place),
    place.possiblyClosed ? h('p', { class: 'maybe-closed', 'data-testid': `maybe-closed-${place.id}` }, 'Kanske stängt: butikens kassasystem har inte hörts av på flera dagar. Ring gärna innan du åker.') : null,
    h('p', {}, h('span', { class: 'label' }, 'Här finns: '), services.length > 0 ? services.join(', ') : '–'),
    place.homeDeliveryVillages.length > 0 ? h('p', {}, h('span', { class: 'label' }, 'Hemsändning till: '), place.homeDeliveryVillages.join(', ')) : null,
    place.otherServices ? h('p', {}, h('span', { class: 'label' }, 'Också: '), place.otherServices) : null,
    h('p', { 'data-testid': `pay-${place.id}` }, h('span', { class: 'label' }, 'Betala med: '), place.payments.map((p) => payments.get(p) ?? p).join(', ')),
    h('details', { class: 'hours', open: '' }, h('summary', {}, 'Öppettider'),
      h('dl', {}, ...place.hours.flatMap((d) => [h('dt', {}, d.day), h('dd', {}, d.text)]))),
    h('p', { class: 'note' }, `Senast bekräftad ${place.lastConfirmed}.`),
  );
}

function nearestTable(village: PublicVillage, overview: PublicServiceOverview, names: Map<string, string>): HTMLElement {
  const rows = overview.services.map((kind) => {
    const near = village.nearest.find((n) => n.service === kind.code);
    const where = !near ? 'ingen känd' : near.km === 0 ? (near.village === village.name ? `${near.placeName}, i byn` : `${near.placeName} (hemsändning hit)`) : `${near.placeName}, ${near.village}`;
    const distance = !near ? '–' : near.km === 0 ? '0 km' : `${near.km.toLocaleString('sv-SE', { maximumFractionDigits: 1 })} km`;
    const shown = near ? `${where}${near.possiblyClosed ? ' (kanske stängt)' : ''} – ${distance}` : where;
    return [{ shown: names.get(kind.code) ?? kind.code, raw: kind.code }, { shown, raw: near?.km ?? null }];
  });
  return scrollRegion(`Närmaste service från ${village.name}`, table(`Närmaste service från ${village.name}`, [{ header: 'Tjänst' }, { header: 'Närmast och avstånd' }], rows, `nearest-${village.name}`));
}

function paymentTable(places: PublicPlace[], overview: PublicServiceOverview): HTMLElement | null {
  if (places.length === 0) return null;
  return scrollRegion('Så kan du betala', table('Så kan du betala', [{ header: 'Plats' }, ...overview.payments.map((p) => ({ header: p.name }))],
    places.map((place) => [{ shown: place.name, raw: place.name }, ...overview.payments.map((p) => ({ shown: place.payments.includes(p.code) ? 'ja' : 'nej', raw: place.payments.includes(p.code) ? 'ja' : 'nej' }))]),
    'payments-table'));
}

function villageView(village: PublicVillage, overview: PublicServiceOverview): HTMLElement {
  const names = new Map(overview.services.map((s) => [s.code, s.name]));
  const payments = new Map(overview.payments.map((p) => [p.code, p.name]));
  const places = overview.places.filter((p) => village.placeIds.includes(p.id));
  const print = h('a', { class: 'button', href: `${villageHref(village.name)}/utskrift` }, 'Utskrift för anslagstavlan (A4)');
  return h('section', { class: 'village', 'aria-labelledby': 'village-h', 'data-testid': 'village' },
    h('h2', { id: 'village-h' }, `Service i ${village.name}`),
    printing ? null : h('p', {}, print),
    h('h3', {}, places.length > 0 ? 'Här i byn' : 'I byn finns ingen egen servicepunkt'),
    h('div', { class: 'places' }, ...places.map((p) => placeCard(p, names, payments))),
    h('h3', {}, 'Närmaste service'),
    nearestTable(village, overview, names),
    places.length > 0 ? h('h3', {}, 'Så kan du betala') : null,
    paymentTable(places, overview),
  );
}

function villageList(overview: PublicServiceOverview): HTMLElement {
  return h('section', { 'aria-labelledby': 'villages-h' },
    h('h2', { id: 'villages-h' }, 'Välj by'),
    h('ul', { class: 'village-list', 'data-testid': 'village-list' }, ...overview.villages.map((v) => {
      const here = overview.places.filter((p) => v.placeIds.includes(p.id));
      const open = here.filter((p) => p.openNow).length;
      return h('li', {}, h('a', { href: villageHref(v.name) }, v.name),
        h('span', { class: 'note' }, here.length === 0 ? ' – ingen egen servicepunkt' : ` – ${here.length} ${here.length === 1 ? 'plats' : 'platser'}, ${open} öppna nu`));
    })));
}

function footer(overview: PublicServiceOverview): void {
  byId('footer').replaceChildren(
    h('p', {}, `Uppgifterna kommer från ${overview.municipality} kommun och butikerna själva, visade ${overview.now} (svensk tid).`),
    printing ? '' : h('p', {}, 'Öppna data: ',
      h('a', { href: '/api/open/service-points.json' }, 'JSON'), ', ',
      h('a', { href: '/api/open/service-points.csv' }, 'CSV'), ', ',
      h('a', { href: '/api/open/service-points.geojson' }, 'GeoJSON'), '.'),
  );
}

async function main(): Promise<void> {
  const content = byId('content');
  const overview = await load();
  const village = wanted === null ? null : overview.villages.find((v) => v.name.toLocaleLowerCase('sv') === wanted.toLocaleLowerCase('sv')) ?? null;
  if (printing) document.body.classList.add('print-sheet');
  footer(overview);
  if (wanted !== null && village === null) {
    content.replaceChildren(h('p', { class: 'error', role: 'alert' }, `Det finns ingen by som heter ${wanted} i översikten. `, h('a', { href: '/service' }, 'Se alla byar.')));
  } else if (village === null) {
    byId('lead').textContent = `Var finns service i ${overview.municipality} kommuns byar, har det öppet nu och hur kan du betala? Välj en by.`;
    content.replaceChildren(villageList(overview));
  } else {
    document.title = `Service i ${village.name} – ${overview.municipality} kommun`;
    byId('title').textContent = printing ? `Service i ${village.name}` : 'Service i byarna';
    byId('lead').textContent = printing ? `Uppdaterad ${overview.now}. Aktuella uppgifter: ${location.origin}${villageHref(village.name)}` : `Visat ${overview.now}.`;
    const back = h('p', { class: 'back' }, h('a', { href: '/service' }, '← Alla byar'));
    const map = overview.map && !printing ? h('div', { id: 'map', class: 'map', role: 'region', 'aria-label': `Karta över ${village.name}` }) : null;
    content.replaceChildren(printing ? h('span') : back, villageView(village, overview), map ?? h('span'));
    if (printing) {
      const button = h('button', { type: 'button', class: 'primary print-button' }, 'Skriv ut');
      button.addEventListener('click', () => window.print());
      content.prepend(button);
    }
    if (map && overview.map) {
      // Leaflet comes only with a tile server: the page is whole without it.
      const { drawMap } = await import('./service-map');
      drawMap(map, overview.map, overview.places.filter((p) => village.placeIds.includes(p.id)));
    }
  }
  content.removeAttribute('aria-busy');
}

main()
  .catch((error: unknown) => {
    byId('content').replaceChildren(h('p', { class: 'error', role: 'alert' }, error instanceof Error ? error.message : String(error)));
  })
  .finally(() => {
    document.body.dataset.ready = 'true';
    performance.mark('norsjo:ready');
  });
