// Which parts of /admin the signed-in person may use, as the hub says: /api/me lists the hub's own
// authorization policies the person satisfies, so the page holds no second list of roles and a
// registry editor sees the registry's editors without boxes the hub would refuse.
import type { Me } from './common/models';

/** True when the hub lets the user use what the policy guards; otherwise the cards that need it are taken off the page. */
export function mayUse(user: Me, policy: string, ...cards: string[]): boolean {
  const may = user.policies.includes(policy);
  if (!may) for (const id of cards) document.getElementById(id)?.remove();
  return may;
}
