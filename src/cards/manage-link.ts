/** `entityId` of the personal tab "My shared links" in appPackage/manifest.json (`staticTabs`). */
export const MY_SHARED_LINKS_ENTITY_ID = 'mySharedLinks';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The Teams deep link to the person's "My shared links" tab, where any link can be revoked whatever the host did
 * with the card's refresh. Format of Learn "Deep link to an application" (browse within your app, personal tab):
 * `https://teams.microsoft.com/l/entity/<appId>/<entityId>?tenantId=<tenantId>`, where appId is the manifest id for
 * an uploaded custom app, the org catalog id for the organization's catalog, the store id for the Store. Nothing in
 * it is URI-encoded: the same page says encoded deep links do not work in Outlook.
 */
export function mySharedLinksDeepLink(teamsAppId: string, tenantId?: string): string {
  if (!GUID.test(teamsAppId)) throw new Error('the Teams app id of a deep link must be a GUID');
  const base = `https://teams.microsoft.com/l/entity/${teamsAppId}/${MY_SHARED_LINKS_ENTITY_ID}`;
  return tenantId && GUID.test(tenantId) ? `${base}?tenantId=${tenantId}` : base;
}
