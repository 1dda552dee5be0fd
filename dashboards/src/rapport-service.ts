// The yearly report's part on service in the villages (service watch): what each village gained and
// lost this year, with the dates. Imported by rapport.ts; drawn after the report, outside the part
// that rapport.ts redraws, so the two never race.
import { getJson, me } from './common/api';
import { h } from './common/dom';
import type { ServiceWatchView } from './common/service-types';

async function showServiceWatchReport(): Promise<void> {
  const year = (await me()).today.slice(0, 4);
  const watch = await getJson<ServiceWatchView>(`/api/municipality/service-watch?year=${year}`);
  document.getElementById('main')?.append(h('section', { class: 'report-part', id: 'report-service', 'aria-labelledby': 'report-service-h' },
    h('h2', { id: 'report-service-h' }, `Service i byarna ${year}`),
    watch.villages.length === 0
      ? h('p', { 'data-testid': 'report-service-empty' }, `Ingen by vann eller förlorade någon tjänst under ${year}.`)
      : h('ul', { 'data-testid': 'report-service' }, ...watch.villages.map((v) => h('li', {}, h('strong', {}, `${v.village}: `),
        v.events.map((e) => `${e.serviceName} ${e.change === 'lost' ? 'försvann' : 'tillkom'} ${e.date} (${e.place})`).join('; ')))),
    h('p', { class: 'note' }, 'Ur kommunöversikten: när den första platsen i en by börjar erbjuda en tjänst är den vunnen, när den sista slutar är den förlorad.'),
  ));
}

void showServiceWatchReport().catch((error: unknown) => {
  document.getElementById('main')?.append(h('p', { class: 'error', role: 'alert' }, `Servicebevakningen kunde inte visas: ${error instanceof Error ? error.message : String(error)}`));
});
