// The admin's card of the agents' own health: what each agent last said of itself (queue, oldest
// item, last upload, refusals, damage, the "fel" folders, failed calls) and the silence check's
// judgement now — "sänder", "kan inte skicka" (alive, its batches do not get through), "tyst"
// (nothing heard while the shop is open: off or cut off), "stängt".
import { getJson } from './common/api';
import { h, kpi, table } from './common/dom';
import * as f from './common/format';
import type { AgentHealthRow } from './common/agenthealth';
import { card, when } from './refusals';

/** "3 h 20 min" for an age in seconds. */
function age(seconds: number): string {
  const minutes = Math.round(seconds / 60);
  return minutes < 60 ? `${f.number(minutes)} min` : `${f.number(Math.floor(minutes / 60))} h ${f.number(minutes % 60)} min`;
}

export async function showAgentHealth(): Promise<void> {
  const section = card('agent-health', 'Agenternas hälsa', 'admin');
  await section.load(async () => {
    const rows = await getJson<AgentHealthRow[]>('/api/admin/agent-health');
    const stuck = rows.filter((r) => r.state === 'cannotUpload').length;
    const silent = rows.filter((r) => r.state === 'silent').length;
    section.fill(
      {
        headers: ['Butik', 'Ort', 'Läge', 'I kö', 'Äldsta i kö (s)', 'Senast skickat', 'Avvisat', 'Skadade', 'Filer i fel', 'Rader i fel', 'Misslyckade försök', 'Senaste fel', 'Senast hörd', 'Agentversion'],
        rows: rows.map((r) => [r.name, r.village, r.stateText, r.health?.queueItems ?? null, r.health?.oldestItemAgeSeconds ?? null, when(r.health?.lastUpload ?? r.lastUpload),
          r.health?.refused ?? null, r.health?.damagedItems ?? null, r.health?.errorFiles ?? null, r.health?.errorLines ?? null, r.health?.failedAttempts ?? null,
          r.health?.lastFailureStatus || null, r.health ? when(r.health.received) : null, r.health?.agentVersion ?? null]),
      },
      h('div', { class: 'kpis' },
        kpi('Kan inte skicka', f.number(stuck), 'agents-cannot-upload', 'agenten lever men försäljningen kommer inte fram'),
        kpi('Tysta', f.number(silent), 'agents-silent', 'inget hört medan butiken har öppet'),
      ),
      h('div', { class: 'table-scroll' }, table('Agenternas egen rapport', [{ header: 'Butik' }, { header: 'Läge' }, { header: 'I kö', numeric: true }, { header: 'Äldsta i kö' }, { header: 'Senast skickat' }, { header: 'Avvisat / skadat', numeric: true }, { header: 'I mappen fel' }, { header: 'Misslyckade försök', numeric: true }, { header: 'Senast hörd' }],
        rows.map((r) => [
          { shown: h('span', {}, r.name, h('br'), h('small', {}, r.village)), raw: r.storeId },
          { shown: h('span', { class: r.state === 'sends' || r.state === 'closed' ? '' : 'warn', 'data-state': r.state }, r.stateText), raw: r.state },
          { shown: r.health ? `${f.number(r.health.queueItems)} av ${f.number(r.health.queueCapacity)}` : '–', raw: r.health?.queueItems ?? null },
          { shown: r.health && r.health.queueItems > 0 ? age(r.health.oldestItemAgeSeconds) : '–', raw: r.health?.oldestItemAgeSeconds ?? null },
          { shown: when(r.health?.lastUpload ?? r.lastUpload), raw: r.health?.lastUpload ?? r.lastUpload },
          { shown: r.health ? `${f.number(r.health.refused)} / ${f.number(r.health.damagedItems)}` : '–', raw: r.health ? r.health.refused + r.health.damagedItems : null },
          { shown: r.health ? `${f.number(r.health.errorFiles)} filer, ${f.number(r.health.errorLines)} rader` : '–', raw: r.health?.errorFiles ?? null },
          { shown: r.health ? (r.health.failedAttempts ? `${f.number(r.health.failedAttempts)} (${r.health.lastFailureStatus}, ${when(r.health.lastFailure)})` : '0') : '–', raw: r.health?.failedAttempts ?? null },
          { shown: r.health ? when(r.health.received) : 'rapporterar inte sin hälsa (äldre agent)', raw: r.health?.received ?? null },
        ]), 'agent-health-table')),
      h('p', { class: 'note' }, '”Kan inte skicka”: agenten hör av sig men det som ligger i kö har väntat längre än två timmar – hubben tar inte emot butikens försäljning. ”Tyst”: inget har hörts medan butiken har öppet; agenten är avstängd eller når inte hubben, vilket hubben inte kan skilja åt. Tider i svensk tid.'),
    );
  });
}
