// The store owner's own opening hours on the butik page: the registry keeps them, the forecasts and
// the silent-agent check use them at once. The hub checks them by the registry file's rules.
import { getJson } from './common/api';
import { h } from './common/dom';
import { FieldErrors, send, weekdays, type StoreFacts } from './common/registry-models';

export async function showOpeningHours(storeId: string, place: HTMLElement): Promise<void> {
  const path = `/api/stores/${encodeURIComponent(storeId)}/opening-hours`;
  const store = await getJson<StoreFacts>(path);
  const message = h('p', { role: 'status', 'aria-live': 'polite', 'data-testid': 'opening-hours-message' });
  const inputs = weekdays.map(([key, label]) => {
    const input = h('input', { id: `opening-${key}`, value: store.hours[key] ?? '', autocomplete: 'off', 'aria-describedby': `opening-${key}-error` });
    const error = h('span', { class: 'error', id: `opening-${key}-error`, 'data-testid': `opening-${key}-error` });
    return { key, input, error, row: h('label', {}, `${label} `, input, ' ', error) };
  });
  const form = h('form', { id: 'opening-hours-form', class: 'stack', novalidate: '' },
    h('p', { class: 'note' }, 'Till exempel 08:00-20:00, två pass som 10:00-14:00, 15:00-18:00, eller closed för stängt.'),
    ...inputs.map((i) => i.row), h('button', { class: 'primary', type: 'submit' }, 'Spara öppettiderna'), message);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    for (const i of inputs) i.error.textContent = '';
    try {
      const hours = Object.fromEntries(inputs.filter((i) => i.input.value.trim()).map((i) => [i.key, i.input.value.trim()]));
      await send<StoreFacts>('PUT', path, { hours });
      message.className = 'note';
      message.textContent = 'Öppettiderna är sparade.';
    } catch (error) {
      message.className = 'error';
      if (error instanceof FieldErrors) {
        const rest: string[] = [];
        for (const [field, texts] of Object.entries(error.errors)) {
          const match = inputs.find((i) => field === `hours.${i.key}`);
          if (match) match.error.textContent = texts.join(' ');
          else rest.push(...texts);
        }
        message.textContent = [error.message, ...rest].join(' ');
      } else message.textContent = `Kunde inte spara: ${(error as Error).message}`;
    }
  });
  place.replaceChildren(h('section', { class: 'card', id: 'opening-hours', 'aria-labelledby': 'opening-hours-h' }, h('h2', { id: 'opening-hours-h' }, 'Öppettider'), form));
}
