import type { AppContext } from '../shared/context';
import { agentStore } from '../agents/store';
import { generatePassword } from '../agents/password';
import { createAgent } from '../agents/actions';
import { createSite } from '../sites/actions';
import { siteStore } from '../sites/store';

export interface FirstRun {
  /** Present only on the very first start: the owner's one-time password is never stored in clear. */
  owner: { email: string; password: string } | null;
  demoSiteKey: string | null;
}

/**
 * On an empty database: create the owner with a one-time password (to be changed at first sign-in)
 * and a demo site. A later start finds them and creates nothing.
 */
export async function ensureFirstRun(ctx: AppContext, adminEmail: string): Promise<FirstRun> {
  let owner: FirstRun['owner'] = null;
  if ((await agentStore.count(ctx.db)) === 0) {
    const password = generatePassword();
    await createAgent(ctx, null, {
      email: adminEmail,
      name: 'Owner',
      role: 'owner',
      password,
      siteIds: [],
      mustChangePassword: true,
    });
    owner = { email: adminEmail, password };
  }
  const sites = await siteStore.all(ctx.db);
  let demoSiteKey = sites[0]?.key ?? null;
  if (sites.length === 0) {
    // No allowed-origin list: the demo works from whatever address the server is reached at.
    const site = await createSite(ctx, null, {
      name: 'Demo site',
      allowedOrigins: [],
      settings: { sneakPeek: true },
    });
    demoSiteKey = site.key;
  }
  return { owner, demoSiteKey };
}
