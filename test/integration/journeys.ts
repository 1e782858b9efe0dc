/**
 * Invokes of the share journeys as Teams sends them, for integration tests that drive the app over HTTP: the
 * dialog's "Create link" submit, card actions, and reading the link card out of the answer.
 */
import { strict as assert } from 'node:assert';
import { GRAPH_SEED } from '../../sandbox/graph/seedIds';
import { findAll, invokeActivity, type ActivityOptions, type Harness } from './harness';

/** The data of the options dialog's "Create link" submit (Adele's Plan.docx, view/organization unless overridden). */
export function createData(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    action: 'create',
    driveId: GRAPH_SEED.drives.adele,
    itemId: GRAPH_SEED.items.adelePlanDocx,
    timeZone: 'Europe/Berlin',
    useOrganizationDefault: 'false',
    type: 'view',
    scope: 'organization',
    expirationDate: '',
    password: '',
    recipients: '',
    externalRecipients: '',
    message: '',
    sendNotification: 'false',
    retainInheritedPermissions: 'true',
    ...extra,
  };
}

/** The value of a search (`composeExtension/query` of the findFile command) as Teams sends it, with an SSO token. */
export function searchValue(token: string | undefined, query = 'plan') {
  return {
    commandId: 'findFile',
    parameters: [{ name: 'query', value: query }],
    queryOptions: { skip: 0, count: 10 },
    authentication: { token },
  };
}

/** A dialog submit (composeExtension/submitAction of the shareLink command) by upn. */
export function submit(h: Harness, upn: string, data: Record<string, unknown>, opts?: ActivityOptions) {
  return h.send(
    invokeActivity(
      h.user(upn),
      'composeExtension/submitAction',
      { commandId: 'shareLink', commandContext: 'compose', context: { theme: 'default' }, data },
      opts,
    ),
  );
}

/** A Universal Action (refreshLinkCard, revokeLink) on a posted link card, by upn. */
export function execute(h: Harness, upn: string, verb: string, data: unknown) {
  return h.send(
    invokeActivity(h.user(upn), 'adaptiveCard/action', {
      action: { type: 'Action.Execute', verb, data },
      trigger: verb === 'refreshLinkCard' ? 'automatic' : 'manual',
    }),
  );
}

/** The link card of a compose-extension result: the card, its link and its Universal Action data. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function linkCardOf(body: any) {
  assert.equal(body?.composeExtension?.type, 'result', JSON.stringify(body).slice(0, 800));
  const [att] = body.composeExtension.attachments;
  assert.equal(att.contentType, 'application/vnd.microsoft.card.adaptive');
  const open = findAll(att.content, (o) => o.type === 'Action.OpenUrl')[0];
  const data = att.content.refresh?.action?.data as { permissionId: string; driveId: string; itemId: string };
  return { card: att.content, linkUrl: open?.url as string, data };
}

/** The revoke buttons a card shows (not the ones hidden behind $when). */
export function revokeButtons(card: unknown) {
  return findAll(card, (o) => o.type === 'Action.Execute' && o.verb === 'revokeLink' && !o.$when);
}
