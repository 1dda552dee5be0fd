import './style.css';
import { ApiError, homeOf, postJson } from './common/api';
import { byId } from './common/dom';
import { ready } from './common/layout';
import type { LoginReply, Me } from './common/models';

// Signs in and goes where the role starts, or back to the page that asked for a sign-in.
const form = byId<HTMLFormElement>('login');
const message = byId('login-message');
const next = safeNext(new URLSearchParams(location.search).get('next'));


// Only a path on this hub, as the hub itself decides (Api/SafeNext.cs): backslashes (read as '/', so
// "/\evil" is "//evil") and control characters (a tab in "/\t/evil" is dropped, leaving "//evil") are
// refused before parsing; what is left must parse as a URL that stays on this origin.
function safeNext(path: string | null): string | null {
  if (!path || path.length > 2048 || !path.startsWith('/') || path.startsWith('//') || /[\\\s\u0000-\u001f\u007f]/.test(path)) return null;
  try {
    const url = new URL(path, location.origin);
    return url.origin === location.origin ? url.pathname + url.search + url.hash : null;
  } catch {
    return null;
  }
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const username = byId<HTMLInputElement>('username').value.trim();
  const password = byId<HTMLInputElement>('password').value;
  if (!username || !password) {
    message.textContent = 'Fyll i användarnamn och lösenord.';
    return;
  }
  message.textContent = '';
  try {
    const user = await postJson<LoginReply>('/api/login', { username, password, next });
    location.assign((next && safeNext(user.next)) ?? homeOf(user));
  } catch (error) {
    message.textContent =
      error instanceof ApiError && error.status === 401
        ? 'Fel användarnamn eller lösenord.'
        : error instanceof ApiError && error.status === 429
          ? error.message
          : `Det gick inte att logga in: ${(error as Error).message}`;
  }
});

// Already signed in: straight on.
fetch('/api/me', { credentials: 'same-origin' })
  .then((response) => (response.ok ? (response.json() as Promise<Me>) : null))
  .then((user) => {
    if (user) location.assign(next ?? homeOf(user));
    else ready();
  })
  .catch(() => ready());
