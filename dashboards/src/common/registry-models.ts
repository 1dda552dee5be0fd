// Page-side types of the registry endpoints (Api/RegistryApi.cs, Registry/YearBasis.cs), kept apart
// from models.ts so the generated types can replace them in one go.

/** What a year's index is computed with, in words; provisional when it borrows another year's figures. */
export interface YearBasis { year: number; figuresYear: number; provisional: boolean; text: string }
export interface MissingFact { year: number; what: string; borrowedFrom: number }
export interface BaselineFacts { year: number; dagligvarorKr: number; sallankopKr: number }
export interface StoreFacts { id: string; name: string; village: string; opened: string; reports: boolean; baseline: BaselineFacts | null; hours: Record<string, string> }
export interface YearFacts {
  year: number; population: number; dagligvarorPerResidentKr: number; sallankopPerResidentKr: number; incomeFactor: number;
  populationSource: string; nationalTurnoverSource: string; incomeFactorSource: string; basis: YearBasis;
}
export interface CategoryFacts { dagligvaror: string[]; excluded: string[]; food: string[] }
export interface SubsidyRuleFacts {
  validFrom: string; validTo: string | null; amountKr: number; minDistanceKm: number; maxPerHouseholdPerWeek: number; localities: string[]; registeredHouseholdsOnly: boolean;
}
export interface RegistryView {
  municipality: string; estimateUncertainty: number; stores: StoreFacts[]; years: YearFacts[]; categories: CategoryFacts; subsidyRules: SubsidyRuleFacts[]; missing: MissingFact[];
}
export interface RegistryChange { kind: string; key: string; validFrom: string; yaml: string; oldYaml: string; changedBy: string; changedAt: string }

/** The index basis's additions (IndexBasisApi.cs): this year's provisional flag and words, and every year's. */
export interface IndexBasisYears { provisional: boolean; basis: string; years: YearBasis[] }

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
