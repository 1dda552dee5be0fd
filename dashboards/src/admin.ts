import './style.css';
import { getJson, postJson } from './common/api';
import { byId, h, Section, table } from './common/dom';
import * as f from './common/format';
import { ready, signedIn } from './common/layout';
import type { AdminStore, IssuedCode, UserView } from './common/models';
import { showRefusalCounts } from './refusals';
import { showRegistryEditors } from './registry-editor';
import { showAgentHealth } from './admin-agenthealth';
import './admin-service';
import { mayUse } from './admin-access';

// The admin's page: stores and their agents (enrollment codes, revoking), and users.

const storesSection = new Section('stores', 'admin');
const usersSection = new Section('users', 'admin');
let me = '';

const credentialNames: Record<string, string> = { enrolled: 'registrerad', active: 'registrerad', revoked: 'spärrad', never: 'aldrig registrerad', none: 'aldrig registrerad', pending: 'kod utfärdad' };
const roleNames: Record<string, string> = { store_owner: 'butiksägare', municipality: 'kommunen', admin: 'administratör', municipality_editor: 'registerredaktör' };
/** An instant as Norsjö's wall clock, never UTC for a person to convert. */
const when = (iso: string | null): string => (iso ? f.localTime(iso) : '–');

async function showStores(): Promise<void> {
  const stores = await getJson<AdminStore[]>('/api/admin/stores');
  byId<HTMLSelectElement>('new-stores').replaceChildren(...stores.map((s) => h('option', { value: s.id }, `${s.name} (${s.id})`)));
  storesSection.fill(
    {
      headers: ['Id', 'Namn', 'Ort', 'Första dag', 'Har agent', 'Inloggningsuppgift', 'Sedan', 'Senast rapporterat'],
      rows: stores.map((s) => [s.id, s.name, s.village, s.firstDay, s.reports ? 'ja' : 'nej', credentialNames[s.credential] ?? s.credential, s.credentialSince, s.lastUpload]),
    },
    h('div', { class: 'table-scroll' }, table('Butiker i registret', [{ header: 'Butik' }, { header: 'Ort' }, { header: 'Agent' }, { header: 'Senast rapporterat' }, { header: 'Åtgärder' }],
      stores.map((s) => {
        const code = h('button', { type: 'button', class: 'action', 'data-store': s.id }, 'Ny registreringskod');
        code.addEventListener('click', () => void issueCode(s));
        const revoke = h('button', { type: 'button', class: 'action', 'data-store': s.id }, 'Spärra agenten');
        revoke.disabled = s.activeCredentials === 0;
        revoke.addEventListener('click', () => void revokeStore(s));
        return [
          { shown: h('span', {}, s.name, h('br'), h('small', {}, s.id)), raw: s.id },
          { shown: s.village, raw: s.village },
          { shown: s.reports ? `${credentialNames[s.credential] ?? s.credential}${s.credentialSince ? ` ${when(s.credentialSince)}` : ''}` : 'rapporterar inte (uppskattas)', raw: s.credential },
          { shown: s.minutesSinceUpload === null ? 'aldrig' : f.ago(s.minutesSinceUpload), raw: s.lastUpload },
          { shown: s.reports ? h('span', { class: 'toolbar' }, code, revoke) : '', raw: null },
        ];
      }), 'stores-table')),
  );
}

async function issueCode(store: AdminStore): Promise<void> {
  const result = byId('code-result');
  try {
    const issued = await postJson<IssuedCode>(`/api/admin/stores/${encodeURIComponent(store.id)}/enrollment-codes`, {});
    result.replaceChildren(
      `Registreringskod för ${store.name}: `, h('span', { class: 'code', 'data-testid': 'enrollment-code' }, issued.code),
      ` (gäller till ${when(issued.expiresAt)}, visas bara nu). På butikens dator: `, h('code', {}, issued.agentCommand),
    );
    await showStores();
  } catch (error) {
    result.textContent = `Kunde inte skapa kod: ${(error as Error).message}`;
  }
}

async function revokeStore(store: AdminStore): Promise<void> {
  if (!confirm(`Spärra agenten i ${store.name}? Den kan inte skicka något förrän den registrerats på nytt.`)) return;
  const result = byId('code-result');
  try {
    await postJson(`/api/admin/stores/${encodeURIComponent(store.id)}/revoke`, {});
    result.textContent = `Agenten i ${store.name} är spärrad.`;
    await showStores();
  } catch (error) {
    result.textContent = `Kunde inte spärra: ${(error as Error).message}`;
  }
}

async function showUsers(): Promise<void> {
  const users = await getJson<UserView[]>('/api/admin/users');
  usersSection.fill(
    { headers: ['Användarnamn', 'Roll', 'Butiker', 'Inaktiverad'], rows: users.map((u) => [u.username, roleNames[u.role] ?? u.role, u.stores.join(', '), u.disabled ? 'ja' : 'nej']) },
    h('div', { class: 'table-scroll' }, table('Användare', [{ header: 'Användarnamn' }, { header: 'Roll' }, { header: 'Butiker' }, { header: 'Status' }, { header: 'Åtgärd' }],
      users.map((u) => {
        const disable = h('button', { type: 'button', class: 'action' }, 'Inaktivera');
        disable.disabled = u.disabled || u.username === me;
        disable.addEventListener('click', async () => {
          if (!confirm(`Inaktivera ${u.username}? Hen kan inte logga in längre.`)) return;
          try {
            await postJson(`/api/admin/users/${encodeURIComponent(u.username)}/disable`, {});
            await showUsers();
          } catch (error) {
            byId('user-message').textContent = `Kunde inte inaktivera: ${(error as Error).message}`;
          }
        });
        return [
          { shown: u.username, raw: u.username },
          { shown: roleNames[u.role] ?? u.role, raw: u.role },
          { shown: u.stores.join(', ') || '–', raw: u.stores.join(', ') },
          { shown: u.disabled ? 'inaktiverad' : 'aktiv', raw: u.disabled ? 'inaktiverad' : 'aktiv' },
          { shown: disable, raw: null },
        ];
      }), 'users-table')),
  );
}

byId<HTMLFormElement>('user-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const message = byId('user-message');
  const stores = [...byId<HTMLSelectElement>('new-stores').selectedOptions].map((o) => o.value);
  try {
    await postJson('/api/admin/users', {
      username: byId<HTMLInputElement>('new-username').value.trim(),
      password: byId<HTMLInputElement>('new-password').value,
      role: byId<HTMLSelectElement>('new-role').value,
      stores,
    });
    message.textContent = `Användaren ${byId<HTMLInputElement>('new-username').value.trim()} är tillagd.`;
    byId<HTMLFormElement>('user-form').reset();
    await showUsers();
  } catch (error) {
    message.textContent = `Kunde inte lägga till: ${(error as Error).message}`;
  }
});

async function main(): Promise<void> {
  const user = await signedIn('admin');
  me = user.username;
  // Only what the hub lets this user use: a registry editor gets the registry's editors, not boxes the hub refuses.
  const admin = mayUse(user, 'admin', 'stores', 'users', 'new-user');
  const registry = mayUse(user, 'registry');
  await Promise.all([
    ...(admin ? [storesSection.load(showStores), usersSection.load(showUsers), showRefusalCounts(), showAgentHealth()] : []),
    registry ? showRegistryEditors(document.querySelector<HTMLElement>('#main .grid')!) : null,
  ]);
  ready();
}

main().catch((error: unknown) => {
  byId('main').prepend(h('p', { class: 'error', role: 'alert' }, `Sidan kunde inte visas: ${error instanceof Error ? error.message : String(error)}`));
  ready();
});
