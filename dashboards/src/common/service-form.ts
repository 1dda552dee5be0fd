// The form for one place of the kommunöversikt, shared by /admin (any place) and /butik (the owner's
// own shop). The hub checks everything (ServicePoints/ServicePointRules.cs) and answers per field;
// the form shows each answer beside its field, so no rule is written here.
import { h } from './dom';
import { FieldErrors, send, weekdays } from './registry-models';
import type { AdminServicePoint, ServiceKind, ServicePointEdit } from './service-types';

export interface ServiceFormOptions {
  /** The id prefix of every field ("service-point", "own-service"). */
  id: string;
  services: ServiceKind[];
  payments: ServiceKind[];
  submitLabel: string;
  /** PUT address for the place being edited. */
  address: () => string;
  saved: (point: AdminServicePoint) => Promise<void> | void;
}

export class ServiceForm {
  readonly element: HTMLFormElement;
  private readonly errors = new Map<string, HTMLElement>();
  private readonly general: HTMLElement;
  private readonly texts = new Map<string, HTMLInputElement>();
  private readonly ownFacts: HTMLElement;
  private shop = false;

  constructor(private readonly options: ServiceFormOptions) {
    const id = options.id;
    this.general = h('p', { class: 'error', role: 'alert', 'data-testid': `${id}-message` });
    const text = (name: string, label: string, hint?: string): HTMLElement => {
      const input = h('input', { id: `${id}-${name}`, name, autocomplete: 'off', 'aria-describedby': `${id}-${name}-error` });
      this.texts.set(name, input);
      return h('label', {}, label, hint ? h('small', { class: 'note' }, ` (${hint})`) : null, ' ', input, ' ', this.error(name));
    };
    const boxes = (name: string, legend: string, kinds: ServiceKind[]): HTMLElement =>
      h('fieldset', { id: `${id}-${name}`, 'aria-describedby': `${id}-${name}-error` }, h('legend', {}, legend),
        ...kinds.map((k) => h('label', { class: 'check' }, h('input', { type: 'checkbox', name, value: k.code, id: `${id}-${name}-${k.code}` }), ` ${k.name}`)),
        this.error(name));
    this.ownFacts = h('div', { class: 'stack' },
      text('name', 'Namn'),
      text('village', 'By'),
      h('fieldset', { id: `${id}-hours`, 'aria-describedby': `${id}-hours-error` }, h('legend', {}, 'Öppettider'),
        h('small', { class: 'note' }, 'TT:MM-TT:MM, flera med komma, eller closed'),
        ...weekdays.map(([day, label]) => text(`hours.${day}`, label)),
        this.error('hours')),
    );
    this.element = h('form', { id, class: 'stack', novalidate: '' },
      this.ownFacts,
      boxes('services', 'Tjänster', options.services),
      text('homeDeliveryVillages', 'Hemsändning till byarna', 'med komma emellan'),
      text('otherServices', 'Annat (fritext)'),
      boxes('payments', 'Så kan man betala', options.payments),
      text('latitude', 'Latitud', 'WGS84, t.ex. 64,91'),
      text('longitude', 'Longitud', 'WGS84, t.ex. 19,48'),
      h('button', { class: 'primary', type: 'submit' }, options.submitLabel),
      this.general,
    );
    this.element.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.save();
    });
  }

  /** Shows a place (or an empty form for a new one); a shop's name, village and hours are the registry's and not asked for. */
  show(point: AdminServicePoint | null, shop: boolean): void {
    this.shop = shop;
    this.ownFacts.hidden = shop;
    this.clear();
    this.texts.get('name')!.value = point?.name ?? '';
    this.texts.get('village')!.value = point?.village ?? '';
    for (const [day] of weekdays) this.texts.get(`hours.${day}`)!.value = point?.hours[day] ?? '';
    this.texts.get('homeDeliveryVillages')!.value = point?.homeDeliveryVillages.join(', ') ?? '';
    this.texts.get('otherServices')!.value = point?.otherServices ?? '';
    this.texts.get('latitude')!.value = point ? String(point.latitude).replace('.', ',') : '';
    this.texts.get('longitude')!.value = point ? String(point.longitude).replace('.', ',') : '';
    for (const box of this.element.querySelectorAll<HTMLInputElement>('input[type=checkbox]')) {
      box.checked = (box.name === 'services' ? point?.services : point?.payments)?.includes(box.value) ?? false;
    }
  }

  private edit(): ServicePointEdit {
    const value = (name: string): string => this.texts.get(name)!.value.trim();
    const checked = (name: string): string[] => [...this.element.querySelectorAll<HTMLInputElement>(`input[name=${name}]:checked`)].map((b) => b.value);
    const hours: Record<string, string> = {};
    if (!this.shop) for (const [day] of weekdays) if (value(`hours.${day}`)) hours[day] = value(`hours.${day}`);
    return {
      name: this.shop ? null : value('name'),
      village: this.shop ? null : value('village'),
      hours: this.shop ? null : hours,
      services: checked('services'),
      homeDeliveryVillages: value('homeDeliveryVillages').split(',').map((v) => v.trim()).filter(Boolean),
      payments: checked('payments'),
      otherServices: value('otherServices'),
      latitude: value('latitude'),
      longitude: value('longitude'),
    };
  }

  private async save(): Promise<void> {
    this.clear();
    try {
      const point = await send<AdminServicePoint>('PUT', this.options.address(), this.edit());
      this.general.className = 'status';
      this.general.setAttribute('role', 'status');
      this.general.textContent = `${point.name} är sparad.`;
      await this.options.saved(point);
    } catch (error) {
      this.general.className = 'error';
      this.general.setAttribute('role', 'alert');
      if (!(error instanceof FieldErrors)) {
        this.general.textContent = `Kunde inte spara: ${(error as Error).message}`;
        return;
      }
      const unplaced: string[] = [];
      for (const [field, messages] of Object.entries(error.errors)) {
        const place = this.errors.get(field);
        if (place) place.textContent = messages.join(' ');
        else unplaced.push(...messages);
      }
      this.general.textContent = [error.message, ...unplaced].join(' ');
    }
  }

  private error(name: string): HTMLElement {
    const element = h('span', { class: 'error field-error', id: `${this.options.id}-${name}-error`, 'data-testid': `${this.options.id}-${name}-error` });
    this.errors.set(name, element);
    return element;
  }

  private clear(): void {
    for (const e of this.errors.values()) e.textContent = '';
    this.general.textContent = '';
  }
}
