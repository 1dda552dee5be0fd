// The registry on /admin, for the municipality's editor: stores, years with their sources, the
// category mapping and the subsidy rules, each with its history, and what the registry lacks. The
// hub checks every edit with the registry file's own rules and answers per field; this page only
// shows those answers beside their fields, so no rule is written twice.
import { getJson } from './common/api';
import { h } from './common/dom';
import * as f from './common/format';
import { FieldErrors, send, weekdays, type RegistryChange, type RegistryView, type StoreFacts } from './common/registry-models';

/** What the last save said; outside the sections, which are drawn again after each save. */
const status = h('p', { id: 'registry-status', role: 'status', 'aria-live': 'polite', 'data-testid': 'registry-status' });
let selectedStore = '';

interface FieldSpec { name: string; label: string; error?: string; type?: 'text' | 'checkbox'; hint?: string }

/** A form whose fields show the hub's refusal for them; refusals for no field are said at the top. */
class EditForm {
  readonly element: HTMLFormElement;
  private readonly general: HTMLElement;
  private readonly inputs = new Map<string, HTMLInputElement>();
  private readonly errors = new Map<string, HTMLElement>();

  constructor(readonly id: string, fields: FieldSpec[], submitLabel: string, onSubmit: (form: EditForm) => Promise<string>) {
    this.general = h('p', { class: 'error', role: 'alert', 'data-testid': `${id}-message` });
    const rows = fields.map((spec) => {
      const input = h('input', { id: `${id}-${spec.name}`, name: spec.name, 'aria-describedby': `${id}-${spec.name}-error`, autocomplete: 'off' });
      if (spec.type === 'checkbox') input.type = 'checkbox';
      this.inputs.set(spec.name, input);
      const error = h('span', { class: 'error field-error', id: `${id}-${spec.name}-error`, 'data-testid': `${id}-${spec.name}-error` });
      this.errors.set(spec.error ?? spec.name, error);
      return h('label', {}, spec.label, spec.hint ? h('small', { class: 'note' }, ` (${spec.hint})`) : null, ' ', input, ' ', error);
    });
    const submit = h('button', { class: 'primary', type: 'submit' }, submitLabel);
    this.element = h('form', { id, class: 'stack', novalidate: '' }, ...rows, submit, this.general);
    this.element.addEventListener('submit', async (event) => {
      event.preventDefault();
      this.clear();
      try {
        status.textContent = await onSubmit(this);
      } catch (error) {
        this.general.className = 'error';
        if (error instanceof FieldErrors) this.show(error);
        else this.general.textContent = `Kunde inte spara: ${(error as Error).message}`;
      }
    });
  }

  value(name: string): string {
    return this.inputs.get(name)!.value.trim();
  }

  checked(name: string): boolean {
    return this.inputs.get(name)!.checked;
  }

  set(values: Record<string, string | number | boolean | null | undefined>): void {
    for (const [name, value] of Object.entries(values)) {
      const input = this.inputs.get(name);
      if (!input) continue;
      if (input.type === 'checkbox') input.checked = Boolean(value);
      else input.value = value === null || value === undefined ? '' : String(value);
    }
  }

  readOnly(name: string, readOnly: boolean): void {
    this.inputs.get(name)!.readOnly = readOnly;
  }

  private clear(): void {
    for (const e of this.errors.values()) e.textContent = '';
    this.general.textContent = '';
  }

  private show(refusal: FieldErrors): void {
    const unplaced: string[] = [];
    for (const [field, messages] of Object.entries(refusal.errors)) {
      const place = this.errors.get(field);
      if (place) place.textContent = messages.join(' ');
      else unplaced.push(...messages.map((m) => (field ? `${field}: ${m}` : m)));
    }
    this.general.textContent = [refusal.message, ...unplaced].join(' ');
  }
}

function card(id: string, title: string, ...children: (Node | string | null)[]): HTMLElement {
  return h('section', { class: 'card wide', id, 'aria-labelledby': `${id}-h`, style: 'min-width: 0' }, h('h2', { id: `${id}-h` }, title), ...children);
}

/** The history of one item, newest first: who, when, from which day, and what it was before. */
async function showHistory(place: HTMLElement, kind: string, key: string): Promise<void> {
  const changes = await getJson<RegistryChange[]>(`/api/admin/registry/history/${encodeURIComponent(kind)}/${encodeURIComponent(key || '-')}`);
  place.replaceChildren(
    h('h3', {}, 'Historik'),
    h('ol', { class: 'history', 'data-testid': `history-${kind}` },
      ...changes.map((c) => h('li', {},
        `${f.localTime(c.changedAt)} av ${c.changedBy}, gäller från ${c.validFrom === '0001-01-01' ? 'början' : c.validFrom}${c.yaml ? '' : ' (borttagen)'}`,
        h('div', { class: 'fields' }, ...(c.lines ?? []).map((line) => h('div', {}, line))),
        c.oldYaml ? h('details', {}, h('summary', {}, 'Tidigare värde'), h('pre', { class: 'table-scroll' }, c.oldYaml)) : h('span', { class: 'note' }, ' – ny'),
      ))),
  );
}

const storeFields: FieldSpec[] = [
  { name: 'id', label: 'Id', hint: 'a–z, 0–9 och -; används av butikens agent' },
  { name: 'name', label: 'Namn' },
  { name: 'village', label: 'Ort' },
  { name: 'opened', label: 'Första dag', hint: 'ÅÅÅÅ-MM-DD' },
  { name: 'reports', label: 'Har agent (rapporterar)', type: 'checkbox' },
  { name: 'baselineYear', label: 'Uppskattad omsättning, år', error: 'baseline.year', hint: 'för butik utan agent' },
  { name: 'baselineDag', label: 'Dagligvaror, kr inkl. moms', error: 'baseline.dagligvaror_kr' },
  { name: 'baselineSal', label: 'Sällanköpsvaror, kr inkl. moms', error: 'baseline.sallankopsvaror_kr' },
  ...weekdays.map(([key, label]): FieldSpec => ({ name: `hours-${key}`, label: `Öppet ${label.toLowerCase()}`, error: `hours.${key}`, hint: '08:00-20:00 eller closed' })),
  { name: 'validFrom', label: 'Gäller från', hint: 'ÅÅÅÅ-MM-DD, tom: i dag' },
];

function storeEditor(view: RegistryView, reload: () => Promise<void>): HTMLElement {
  const history = h('div', {});
  const picker = h('select', { id: 'registry-store-pick', 'aria-label': 'Butik att redigera' },
    h('option', { value: '' }, 'Ny butik …'), ...view.stores.map((s) => h('option', { value: s.id }, `${s.name} (${s.id})`)));
  const form = new EditForm('registry-store', storeFields, 'Spara butiken', async (e) => {
    const id = e.value('id');
    const hours: Record<string, string> = {};
    for (const [key] of weekdays) if (e.value(`hours-${key}`)) hours[key] = e.value(`hours-${key}`);
    const saved = await send<StoreFacts>('PUT', `/api/admin/registry/stores/${encodeURIComponent(id)}`, {
      name: e.value('name'), village: e.value('village'), opened: e.value('opened'), reports: e.checked('reports'),
      baseline: { year: e.value('baselineYear'), dagligvarorKr: e.value('baselineDag'), sallankopKr: e.value('baselineSal') },
      hours, validFrom: e.value('validFrom') || null,
    });
    selectedStore = saved.id;
    await reload();
    return `${e.value('name') || saved.name} är sparad${e.value('validFrom') ? ` (gäller från ${e.value('validFrom')})` : ''}.`;
  });
  const pick = (id: string): void => {
    const s = view.stores.find((x) => x.id === id);
    form.set({
      id: s?.id ?? '', name: s?.name, village: s?.village, opened: s?.opened, reports: s?.reports ?? true,
      baselineYear: s?.baseline?.year, baselineDag: s?.baseline?.dagligvarorKr, baselineSal: s?.baseline?.sallankopKr, validFrom: '',
      ...Object.fromEntries(weekdays.map(([key]) => [`hours-${key}`, s?.hours[key] ?? ''])),
    });
    form.readOnly('id', Boolean(s));
    if (s) void showHistory(history, 'store', s.id).catch(() => history.replaceChildren());
    else history.replaceChildren();
  };
  picker.addEventListener('change', () => {
    selectedStore = picker.value;
    pick(picker.value);
  });
  picker.value = view.stores.some((s) => s.id === selectedStore) ? selectedStore : (view.stores[0]?.id ?? '');
  pick(picker.value);
  picker.style.maxWidth = '100%';
  return card('registry-stores', 'Butiker i registret', h('label', {}, 'Butik ', picker), form.element, history);
}

const yearFields: FieldSpec[] = [
  { name: 'year', label: 'År' },
  { name: 'population', label: 'Folkmängd 31 december' },
  { name: 'populationSource', label: 'Källa för folkmängden', error: 'sources.population', hint: 't.ex. SCB' },
  { name: 'dagligvaror', label: 'Rikets omsättning per invånare, dagligvaror (kr)', error: 'national_turnover_per_resident_kr.dagligvaror' },
  { name: 'sallankop', label: 'Rikets omsättning per invånare, sällanköpsvaror (kr)', error: 'national_turnover_per_resident_kr.sallankopsvaror' },
  { name: 'nationalSource', label: 'Källa för rikets omsättning', error: 'sources.national_turnover', hint: 't.ex. HUI' },
  { name: 'incomeFactor', label: 'Inkomstfaktor', error: 'income_factor', hint: '1.0 om okänd' },
  { name: 'incomeSource', label: 'Källa för inkomstfaktorn', error: 'sources.income_factor' },
];

function yearEditor(view: RegistryView, reload: () => Promise<void>): HTMLElement {
  const history = h('div', {});
  const form = new EditForm('registry-year', yearFields, 'Spara året', async (e) => {
    const year = e.value('year');
    if (!/^\d{4}$/.test(year)) throw new FieldErrors({ year: [`'${year}' ska vara ett årtal, t.ex. 2025.`] }, 'Ändringen sparades inte.');
    await send('PUT', `/api/admin/registry/years/${year}`, {
      population: e.value('population'), dagligvarorPerResidentKr: e.value('dagligvaror'), sallankopPerResidentKr: e.value('sallankop'),
      incomeFactor: e.value('incomeFactor'), populationSource: e.value('populationSource'), nationalTurnoverSource: e.value('nationalSource'), incomeFactorSource: e.value('incomeSource'),
    });
    await reload();
    return `${year} är sparat.`;
  });
  const rows = view.years.map((y) => {
    const edit = h('button', { type: 'button', class: 'action' }, `Ändra ${y.year}`);
    edit.addEventListener('click', () => {
      form.set({ year: y.year, population: y.population, dagligvaror: y.dagligvarorPerResidentKr, sallankop: y.sallankopPerResidentKr, incomeFactor: y.incomeFactor,
        populationSource: y.populationSource, nationalSource: y.nationalTurnoverSource, incomeSource: y.incomeFactorSource });
      void showHistory(history, 'year', String(y.year)).catch(() => history.replaceChildren());
    });
    return h('tr', {}, h('td', {}, String(y.year)), h('td', {}, f.number(y.population)), h('td', {}, y.basis.text), h('td', {}, edit));
  });
  return card('registry-years', 'År: befolkning och rikets omsättning',
    h('div', { class: 'table-scroll' }, h('table', { 'data-testid': 'registry-years-table' }, h('caption', {}, 'År i registret'),
      h('thead', {}, h('tr', {}, h('th', {}, 'År'), h('th', {}, 'Folkmängd'), h('th', {}, 'Underlag'), h('th', {}, 'Åtgärd'))), h('tbody', {}, ...rows))),
    form.element, history);
}

function categoryEditor(view: RegistryView, reload: () => Promise<void>): HTMLElement {
  const history = h('div', {});
  const list = (text: string): string[] => text.split(',').map((c) => c.trim()).filter((c) => c.length > 0);
  const form = new EditForm('registry-categories', [
    { name: 'dagligvaror', label: 'Dagligvaror', error: 'categories.dagligvaror', hint: 'kategorikoder, kommaseparerade' },
    { name: 'excluded', label: 'Räknas inte (t.ex. drivmedel, ombud, spel)', error: 'categories.excluded' },
    { name: 'food', label: 'Livsmedel (momssänkningen 2026)', error: 'categories.food' },
    { name: 'validFrom', label: 'Gäller från', hint: 'ÅÅÅÅ-MM-DD, tom: i dag' },
  ], 'Spara kategorierna', async (e) => {
    await send('PUT', '/api/admin/registry/categories', { dagligvaror: list(e.value('dagligvaror')), excluded: list(e.value('excluded')), food: list(e.value('food')), validFrom: e.value('validFrom') || null });
    await reload();
    return 'Kategorierna är sparade. Övriga koder räknas som sällanköpsvaror.';
  });
  form.set({ dagligvaror: view.categories.dagligvaror.join(', '), excluded: view.categories.excluded.join(', '), food: view.categories.food.join(', ') });
  void showHistory(history, 'categories', '').catch(() => history.replaceChildren());
  return card('registry-categories-card', 'Kategorier i index', form.element, history);
}

function subsidyEditor(view: RegistryView, reload: () => Promise<void>): HTMLElement {
  const history = h('div', {});
  const form = new EditForm('registry-rule', [
    { name: 'validFrom', label: 'Gäller från', error: 'valid_from', hint: 'ÅÅÅÅ-MM-DD, i dag eller senare' },
    { name: 'validTo', label: 'Gäller till', error: 'valid_to', hint: 'tom: tills nästa regel' },
    { name: 'amountKr', label: 'Bidrag per godkänd leverans (kr)', error: 'amount_kr' },
    { name: 'minDistanceKm', label: 'Minsta avstånd från butiken (km)', error: 'min_distance_km' },
    { name: 'maxPerWeek', label: 'Högst leveranser per hushåll och vecka', error: 'max_per_household_per_week' },
    { name: 'localities', label: 'Orter', hint: 'kommaseparerade; tom: alla' },
    { name: 'registeredOnly', label: 'Bara hushåll i butikens register', type: 'checkbox', error: 'registered_households_only' },
  ], 'Spara regeln', async (e) => {
    const from = e.value('validFrom');
    await send('PUT', `/api/admin/registry/subsidy/rules/${encodeURIComponent(from)}`, {
      validTo: e.value('validTo') || null, amountKr: e.value('amountKr'), minDistanceKm: e.value('minDistanceKm'), maxPerHouseholdPerWeek: e.value('maxPerWeek'),
      localities: e.value('localities').split(',').map((l) => l.trim()).filter((l) => l.length > 0), registeredHouseholdsOnly: e.checked('registeredOnly'),
    });
    await reload();
    return `Regeln från ${from} är sparad.`;
  });
  const rows = view.subsidyRules.map((r) => {
    const show = h('button', { type: 'button', class: 'action' }, 'Historik');
    show.addEventListener('click', () => void showHistory(history, 'subsidy_rule', r.validFrom).catch(() => history.replaceChildren()));
    return h('tr', {}, h('td', {}, r.validFrom), h('td', {}, r.validTo ?? '–'), h('td', {}, `${r.amountKr} kr`), h('td', {}, `${r.minDistanceKm} km`),
      h('td', {}, String(r.maxPerHouseholdPerWeek)), h('td', {}, r.localities.join(', ') || 'alla'), h('td', {}, show));
  });
  return card('registry-subsidy', 'Hemsändningsbidrag: regler',
    h('p', { class: 'note' }, 'En ändring gäller från sitt datum, aldrig bakåt: en regel som redan börjat gälla ersätts av en ny från i dag eller senare.'),
    h('div', { class: 'table-scroll' }, h('table', { 'data-testid': 'registry-rules-table' }, h('caption', {}, 'Regler'),
      h('thead', {}, h('tr', {}, ...['Från', 'Till', 'Belopp', 'Avstånd', 'Per vecka', 'Orter', ''].map((t) => h('th', {}, t)))), h('tbody', {}, ...rows))),
    form.element, history);
}

function missingList(view: RegistryView): HTMLElement {
  return card('registry-missing', 'Saknas i registret',
    view.missing.length === 0
      ? h('p', { class: 'note', 'data-testid': 'registry-missing-list' }, 'Inget saknas: varje år har befolkning och rikets omsättning med källa.')
      : h('ul', { 'data-testid': 'registry-missing-list' }, ...view.missing.map((m) => h('li', {}, m.text ?? m.what))));
}

function importExport(reload: () => Promise<void>): HTMLElement {
  const text = h('textarea', { id: 'registry-import-text', rows: '6', 'aria-label': 'Registerfil att importera', style: 'width: 100%; max-width: 100%; box-sizing: border-box' });
  const message = h('p', { role: 'status', 'aria-live': 'polite', 'data-testid': 'registry-import-message' });
  const importButton = h('button', { type: 'button', class: 'action' }, 'Importera hela registret');
  importButton.addEventListener('click', async () => {
    try {
      const result = await send<{ changed: number }>('POST', '/api/admin/registry/import', text.value, 'application/yaml');
      status.textContent = `Importerat: ${result.changed} ändringar.`;
      await reload();
    } catch (error) {
      message.className = 'error';
      message.textContent = error instanceof FieldErrors ? [error.message, ...Object.values(error.errors).flat()].join(' ') : (error as Error).message;
    }
  });
  return card('registry-file', 'Registerfilen',
    h('p', {}, h('a', { href: '/api/admin/registry/export', download: 'registry.yaml' }, 'Exportera hela registret (registry.yaml)'),
      ' – samma format som filen hubben fylls från vid första starten.'),
    text, importButton, message);
}

/** Draws the registry's sections into the admin page's grid; safe to call again after an edit. */
export async function showRegistryEditors(grid: HTMLElement): Promise<void> {
  if (!status.isConnected) grid.append(status);
  const holder = grid.querySelector<HTMLElement>('#registry') ?? grid.appendChild(h('div', { id: 'registry', class: 'grid wide', style: 'min-width: 0' }));
  const reload = (): Promise<void> => showRegistryEditors(grid);
  const view = await getJson<RegistryView>('/api/admin/registry');
  holder.replaceChildren(missingList(view), storeEditor(view, reload), yearEditor(view, reload), categoryEditor(view, reload), subsidyEditor(view, reload), importExport(reload));
}
