// The kommunöversikt on /kommun: the places, stale and possibly closed first (who confirmed each and
// when), and service watch — per village, the services gained and lost with their dates, derived by
// the hub from the change history. Imported by kommun.ts; it draws its own cards.
import { getJson } from './common/api';
import { h, scrollRegion, table } from './common/dom';
import { watchTimelines } from './common/service-watch';
import type { AdminServicePoints, ServiceWatchView } from './common/service-types';

async function showServicePointList(): Promise<void> {
  const body = h('div', { class: 'body', 'aria-busy': 'true' }, 'Hämtar …');
  (document.querySelector('#main .grid') ?? document.getElementById('main'))?.append(
    h('section', { class: 'card wide', id: 'service-list', 'aria-labelledby': 'service-list-h', style: 'min-width: 0' }, h('h2', { id: 'service-list-h' }, 'Kommunöversikt: är uppgifterna aktuella?'), body));
  try {
    const list = await getJson<AdminServicePoints>('/api/municipality/service-points');
    const state = (p: AdminServicePoints['points'][number]): string => (p.possiblyClosed ? 'kanske stängt' : p.stale ? 'inaktuell' : 'aktuell');
    body.replaceChildren(
      h('p', { class: 'note' }, `Inaktuella (inte bekräftade på ${list.confirmEveryMonths} månader) och de som kanske har stängt (butikens agent tyst i flera dagar) står först.`),
      scrollRegion('Servicepunkter', table('Servicepunkter, inaktuella först', [{ header: 'Plats' }, { header: 'Läge' }, { header: 'Senast bekräftad' }],
        list.points.map((p) => [
          { shown: `${p.name} (${p.village})`, raw: p.id },
          { shown: h('span', { class: p.stale || p.possiblyClosed ? 'warn' : '' }, state(p)), raw: state(p) },
          { shown: `${p.confirmedAt} av ${p.confirmedBy}`, raw: p.confirmedAt },
        ]), 'service-list-table')),
    );
  } catch (error) {
    body.replaceChildren(h('p', { class: 'error', role: 'alert' }, `Kunde inte hämta servicepunkterna: ${(error as Error).message}`));
  }
  body.removeAttribute('aria-busy');
}

async function showServiceWatch(): Promise<void> {
  const body = h('div', { class: 'body', 'aria-busy': 'true' }, 'Hämtar …');
  (document.querySelector('#main .grid') ?? document.getElementById('main'))?.append(
    h('section', { class: 'card wide', id: 'service-watch', 'aria-labelledby': 'service-watch-h', style: 'min-width: 0' }, h('h2', { id: 'service-watch-h' }, 'Servicebevakning: vunnen och förlorad service per by'), body));
  try {
    const watch = await getJson<ServiceWatchView>('/api/municipality/service-watch');
    body.replaceChildren(
      h('p', { class: 'note' }, 'När den första platsen i en by börjar erbjuda en tjänst (eller hemsändning börjar nå byn) är den vunnen; när den sista slutar är den förlorad. ',
        h('a', { href: '/service' }, 'Den offentliga sidan'), ' visar vad som finns nu.'),
      watch.villages.length === 0
        ? h('p', { 'data-testid': 'service-watch-empty' }, 'Ingen by har vunnit eller förlorat någon tjänst sedan översikten började.')
        : watchTimelines(watch, 'service-watch'),
    );
  } catch (error) {
    body.replaceChildren(h('p', { class: 'error', role: 'alert' }, `Kunde inte hämta servicebevakningen: ${(error as Error).message}`));
  }
  body.removeAttribute('aria-busy');
}

void showServicePointList().then(showServiceWatch);
