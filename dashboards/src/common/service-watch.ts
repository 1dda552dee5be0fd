// Service watch as a timeline per village (issue 19): one place for the /kommun card and the yearly report.
import { h } from './dom';
import type { ServiceWatchView } from './service-types';

/** Per village a heading and its gains and losses in date order, a loss marked; <code>testId</code>-{village} on each village. */
export function watchTimelines(watch: ServiceWatchView, testId: string): HTMLElement {
  return h('div', { class: 'timelines' }, ...watch.villages.map((v) => h('section', { 'aria-label': v.village, 'data-testid': `${testId}-${v.village}` },
    h('h3', {}, v.village),
    h('ol', { class: 'history' }, ...v.events.map((e) => h('li', { class: e.change === 'lost' ? 'warn' : '' },
      `${e.date}: ${e.serviceName} ${e.change === 'lost' ? 'försvann' : 'tillkom'} (${e.place})`))))));
}
