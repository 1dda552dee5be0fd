// Small DOM helpers: no framework, the pages are a handful of sections filled from the API.
import { type Cell, type CsvTable, download } from './csv';

type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  for (const child of children) if (child) element.append(child);
  return element;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from the page`);
  return element as T;
}

export interface Column {
  header: string;
  /** Right-aligned, as figures are. */
  numeric?: boolean;
}

/** A table with a caption; cells are shown as given, the CSV gets the raw values. */
export function table(caption: string, columns: Column[], rows: { shown: Child; raw: Cell }[][], testId?: string): HTMLTableElement {
  const head = h('tr', {}, ...columns.map((c) => h('th', { scope: 'col', class: c.numeric ? 'num' : '' }, c.header)));
  const body = rows.map((row) =>
    h('tr', {}, ...row.map((cell, i) => (i === 0 && !columns[0]?.numeric ? h('th', { scope: 'row' }, cell.shown) : h('td', { class: columns[i]?.numeric ? 'num' : '' }, cell.shown)))),
  );
  return h('table', testId ? { 'data-testid': testId } : {}, h('caption', {}, caption), h('thead', {}, head), h('tbody', {}, ...body));
}

/**
 * A wide table that scrolls inside itself, so it never widens the page on a phone. While it scrolls,
 * a keyboard can reach it (tabindex, a region named by the table's caption: axe's
 * scrollable-region-focusable); while it fits, it is no tab stop.
 */
export function scrollRegion(label: string, child: HTMLElement): HTMLDivElement {
  const region = h('div', { class: 'table-scroll' }, child);
  focusableWhileScrolling(region, label);
  return region;
}

function focusableWhileScrolling(region: HTMLElement, label: string): void {
  new ResizeObserver(() => {
    if (region.scrollWidth > region.clientWidth) {
      region.setAttribute('tabindex', '0');
      region.setAttribute('role', 'region');
      region.setAttribute('aria-label', label);
    } else {
      region.removeAttribute('tabindex');
      region.removeAttribute('role');
      region.removeAttribute('aria-label');
    }
  }).observe(region);
}

/** Every table box in what a section shows: focusable while it scrolls (see <c>scrollRegion</c>). */
export function focusableTables(within: HTMLElement): void {
  for (const region of within.querySelectorAll<HTMLElement>('.table-scroll')) {
    focusableWhileScrolling(region, region.querySelector('caption')?.textContent ?? 'Tabell');
  }
}

/** A part of the yearly report: a heading that names it, its tables focusable while they scroll. */
export function reportPart(id: string, title: string, ...children: (Node | string | null)[]): HTMLElement {
  const part = h('section', { class: 'report-part', id, 'aria-labelledby': `${id}-h` }, h('h2', { id: `${id}-h` }, title), ...children);
  focusableTables(part);
  return part;
}

/** A chart's figures in a disclosure under it. */
export function figures(tableElement: HTMLTableElement): HTMLDetailsElement {
  // Scrolls inside itself: a wide table never widens the page on a phone.
  return h('details', { class: 'figures' }, h('summary', {}, 'Visa siffrorna som tabell'), h('div', { class: 'table-scroll' }, tableElement));
}

export function kpi(label: string, value: string, testId: string, note?: string): HTMLElement {
  return h('div', { class: 'kpi' }, h('span', { class: 'kpi-label' }, label), h('strong', { class: 'kpi-value', 'data-testid': testId }, value), note ? h('span', { class: 'kpi-note' }, note) : null);
}

/**
 * A section of the page: shows "Hämtar …" until filled, a Swedish message if its data could not be
 * fetched (the rest of the page still works), and an export button for what it shows.
 */
export class Section {
  private csv: CsvTable | null = null;
  private readonly button: HTMLButtonElement | null;
  readonly body: HTMLElement;

  constructor(
    readonly id: string,
    private readonly page: string,
  ) {
    const section = byId(id);
    this.body = section.querySelector<HTMLElement>('.body') ?? section;
    this.button = section.querySelector<HTMLButtonElement>('button.csv');
    this.button?.addEventListener('click', () => {
      if (this.csv) download(`${this.page}-${this.id}.csv`, this.csv);
    });
  }

  fill(csv: CsvTable | null, ...children: Child[]): void {
    this.csv = csv;
    if (this.button) this.button.disabled = csv === null;
    this.body.replaceChildren(...children.filter((c): c is Node | string => Boolean(c)));
    focusableTables(this.body);
    this.body.removeAttribute('aria-busy');
  }

  fail(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.fill(null, h('p', { class: 'error', role: 'alert' }, 'Kunde inte hämta uppgifterna: ', message));
  }

  /** Runs a loader, and turns any failure into the section's message. */
  async load(loader: () => Promise<void>): Promise<void> {
    try {
      await loader();
    } catch (error) {
      this.fail(error);
    }
  }
}
