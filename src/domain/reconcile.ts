/**
 * Reconciliation of a share whose createLink answer was lost (the process died, or the answer was cut off or not
 * JSON): which of the item's permissions, if any, is the link that request would have produced. Graph returns the
 * existing link for the same type and scope instead of making another (createLink remarks), so a link matching the
 * request is the one the person gets either way.
 */
import type { GraphPermission } from './types';

/** What was asked, as the intent written before the call records it (never the password itself). */
export interface IntendedLink {
  type?: string;
  scope?: string;
  passwordProtected: boolean;
  /** Email addresses or object ids. */
  recipients: string[];
}

/**
 * The permission that is the intended link, or undefined when none is: a sharing link (not inherited) of the
 * requested type and scope, with a password exactly when one was asked for, granted to every requested recipient
 * where Graph lists grantees, and made by this app when Graph says which app made it. The newest match wins.
 */
export function findIntendedLink(
  intent: IntendedLink,
  permissions: GraphPermission[],
  appId?: string,
): GraphPermission | undefined {
  const wanted = intent.recipients.map((r) => r.toLowerCase());
  const matches = permissions.filter((p) => {
    const link = p.link;
    if (!link?.webUrl || p.inheritedFrom) return false;
    if (intent.type && link.type !== intent.type) return false;
    if (intent.scope && link.scope !== intent.scope) return false;
    if (Boolean(p.hasPassword) !== intent.passwordProtected) return false;
    if (appId && link.application?.id && link.application.id !== appId) return false;
    if (!intent.type && !intent.scope && !(appId && link.application?.id === appId)) return false;
    if (wanted.length && p.grantedToIdentitiesV2?.length) {
      const granted = new Set(
        p.grantedToIdentitiesV2.flatMap((g) =>
          [g.user?.email, g.user?.id, g.siteUser?.email, g.siteUser?.id]
            .filter((x): x is string => typeof x === 'string')
            .map((x) => x.toLowerCase()),
        ),
      );
      if (!wanted.every((w) => granted.has(w))) return false;
    }
    return true;
  });
  return matches[matches.length - 1];
}
