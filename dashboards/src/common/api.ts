// Calls to the hub's JSON API with the session cookie. A lapsed session sends the visitor back to
// the sign-in page (and here again afterwards); other refusals carry the hub's Swedish reason.
import type { Me } from './models';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

interface Problem {
  title?: string;
  detail?: string;
}

async function send<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? { Accept: 'application/json' } : { Accept: 'application/json', 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 401 && path !== '/api/login') {
    location.assign('/?next=' + encodeURIComponent(location.pathname + location.search));
    throw new ApiError(401, 'Du är inte inloggad.');
  }
  if (!response.ok) {
    const problem = (await response.json().catch(() => null)) as Problem | null;
    throw new ApiError(response.status, problem?.detail ?? problem?.title ?? reason(response.status));
  }
  return response.status === 204 ? (undefined as T) : ((await response.json()) as T);
}

function reason(status: number): string {
  switch (status) {
    case 403:
      return 'Du har inte behörighet att se det här.';
    case 404:
      return 'Finns inte.';
    case 503:
      return 'Hubben når inte sin databas just nu; försök igen om en stund.';
    default:
      return `Hubben svarade med fel (${status}).`;
  }
}

export const getJson = <T>(path: string): Promise<T> => send<T>('GET', path);
export const postJson = <T>(path: string, body: unknown = {}): Promise<T> => send<T>('POST', path, body);

export type { Me };

export const me = (): Promise<Me> => getJson<Me>('/api/me');

/** Where a role starts after signing in. */
export function homeOf(user: Pick<Me, 'role' | 'stores'>): string {
  if (user.role === 'admin' || user.role === 'municipality_editor') return '/admin';
  if (user.role === 'municipality') return '/kommun';
  if (user.role === 'region') return '/region';
  return user.stores.length > 0 ? '/butik/' + encodeURIComponent(user.stores[0]) : '/';
}
