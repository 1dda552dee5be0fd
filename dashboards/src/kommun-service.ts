// Service watch on /kommun: per village, the services gained and lost with their dates, derived by
// the hub from the kommunöversikt's change history. Imported by kommun.ts; it draws its own card.
import { getJson } from './common/api';
import { h } from './common/dom';
import type { ServiceWatchView } from './common/service-types';

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
        : h('div', { class: 'timelines' }, ...watch.villages.map((v) => h('section', { 'aria-label': v.village, 'data-testid': `service-watch-${v.village}` },
          h('h3', {}, v.village),
          h('ol', { class: 'history' }, ...v.events.map((e) => h('li', { class: e.change === 'lost' ? 'warn' : '' },
            `${e.date}: ${e.serviceName} ${e.change === 'lost' ? 'försvann' : 'tillkom'} (${e.place})`)))))),
    );
  } catch (error) {
    body.replaceChildren(h('p', { class: 'error', role: 'alert' }, `Kunde inte hämta servicebevakningen: ${(error as Error).message}`));
  }
  body.removeAttribute('aria-busy');
}

void showServiceWatch();
