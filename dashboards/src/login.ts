import './style.css';
import { ApiError, homeOf, type Me, postJson } from './common/api';
import { byId } from './common/dom';
import { ready } from './common/layout';

// Signs in and goes where the role starts, or back to the page that asked for a sign-in.
const form = byId<HTMLFormElement>('login');
const message = byId('login-message');
const next = new URLSearchParams(location.search).get('next');
const safeNext = next && next.startsWith('/') && !next.startsWith('//') ? next : null;

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
    const user = await postJson<Me>('/api/login', { username, password });
    location.assign(safeNext ?? homeOf(user));
  } catch (error) {
    message.textContent = error instanceof ApiError && error.status === 401 ? 'Fel användarnamn eller lösenord.' : `Det gick inte att logga in: ${(error as Error).message}`;
  }
});

// Already signed in: straight on.
fetch('/api/me', { credentials: 'same-origin' })
  .then((response) => (response.ok ? (response.json() as Promise<Me>) : null))
  .then((user) => {
    if (user) location.assign(safeNext ?? homeOf(user));
    else ready();
  })
  .catch(() => ready());
