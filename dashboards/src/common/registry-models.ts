// Page-side types of the registry endpoints (Api/RegistryApi.cs, Registry/YearBasis.cs,
// Registry/RegistryFieldDiff.cs): aliases of the types generated from the hub's OpenAPI document
// (api-types.ts, as models.ts does), so a record changed in C# changes them. Kept apart from
// models.ts so the registry's pages merge on their own.
import type { components } from './api-types';

type Schemas = components['schemas'];

/** What a year's index is computed with, in words; provisional when it borrows another year's figures. */
export type YearBasis = Schemas['YearBasis'];
/** A fact the registry lacks; `text` is the sentence /admin and `check-registry` both show. */
export type MissingFact = Schemas['MissingFact'];
export type BaselineFacts = Schemas['BaselineFacts'];
export type StoreFacts = Schemas['StoreFacts'];
export type YearFacts = Schemas['YearFacts'];
export type CategoryFacts = Schemas['CategoryFacts'];
export type SubsidyRuleFacts = Schemas['SubsidyRuleFacts'];
export type RegistryView = Schemas['RegistryView'];
/** One change of one item; `fields` say which field went from what to what, `lines` say it in words with who and when. */
export type RegistryChange = Schemas['RegistryChange'];
export type RegistryFieldChange = Schemas['RegistryFieldChange'];
export type RegistryImported = Schemas['RegistryImported'];

/** The index basis's registry part (IndexBasisApi.cs): this year's provisional flag and words, and every year's. */
export type IndexBasisYears = Pick<Schemas['IndexBasis'], 'provisional' | 'basis' | 'years'>;

export const weekdays: [string, string][] = [['mon', 'Måndag'], ['tue', 'Tisdag'], ['wed', 'Onsdag'], ['thu', 'Torsdag'], ['fri', 'Fredag'], ['sat', 'Lördag'], ['sun', 'Söndag']];

/** A refusal per field, as the hub's validation problem gives it ("" is the item as a whole). */
export class FieldErrors extends Error {
  constructor(readonly errors: Record<string, string[]>, message: string) {
    super(message);
  }
}

/** PUT/POST/DELETE that keeps the hub's per-field refusals (the common api helper keeps only the title). */
export async function send<T>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
  const response = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: { Accept: 'application/json', 'Content-Type': contentType },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  if (response.status === 401) {
    location.assign('/?next=' + encodeURIComponent(location.pathname + location.search));
    throw new Error('Du är inte inloggad.');
  }
  if (!response.ok) {
    const problem = (await response.json().catch(() => null)) as { title?: string; detail?: string; errors?: Record<string, string[]> } | null;
    if (problem?.errors) throw new FieldErrors(problem.errors, problem.title ?? 'Ändringen sparades inte.');
    throw new Error(problem?.detail ?? problem?.title ?? (response.status === 403 ? 'Du har inte behörighet att ändra det här.' : `Hubben svarade med fel (${response.status}).`));
  }
  return response.status === 204 ? (undefined as T) : ((await response.json()) as T);
}
