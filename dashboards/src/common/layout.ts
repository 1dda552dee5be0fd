// The bar at the top of every signed-in page: who is signed in, where else they may go, sign out.
import { type Me, me, postJson } from './api';
import { byId, h } from './dom';
import { useHubClock } from './format';

const roleNames: Record<Me['role'], string> = { store_owner: 'butiksägare', municipality: 'kommunen', admin: 'administratör', municipality_editor: 'registerredaktör', region: 'regionen' };

export async function signedIn(current: 'butik' | 'kommun' | 'admin' | 'region'): Promise<Me> {
  const user = await me();
  useHubClock(user.today, user.hour);
  const links: [string, string, string][] = [];
  if (user.role === 'store_owner') for (const store of user.stores) links.push([`/butik/${encodeURIComponent(store)}`, user.stores.length > 1 ? `Butik ${store}` : 'Min butik', 'butik']);
  if (user.role !== 'store_owner' && user.role !== 'region') links.push(['/kommun', 'Kommunen', 'kommun']);
  if (user.policies.includes('region')) links.push(['/region', 'Regionen', 'region']);
  if (user.policies.includes('admin') || user.policies.includes('registry')) links.push(['/admin', 'Administration', 'admin']);
  const logout = h('button', { type: 'button', class: 'link' }, 'Logga ut');
  logout.addEventListener('click', async () => {
    await postJson('/api/logout').catch(() => undefined);
    location.assign('/');
  });
  byId('top').replaceChildren(
    h('a', { class: 'brand', href: '/' }, 'Norsjö Retail'),
    h('nav', { 'aria-label': 'Sidor' }, ...links.map(([href, label, page]) => h('a', page === current && href === location.pathname ? { href, 'aria-current': 'page' } : { href }, label))),
    h('span', { class: 'who' }, `${user.username} (${roleNames[user.role]})`),
    logout,
  );
  return user;
}

/** Marks the page as drawn, for the tests and the first-render measurement. */
export function ready(): void {
  document.body.dataset.ready = 'true';
  performance.mark('norsjo:ready');
}
