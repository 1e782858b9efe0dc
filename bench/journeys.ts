import type { InvokeKind, LoadUser } from './protocol';

/** What every activity carries: Teams' envelope for an invoke from a person in a tenant. */
export interface ActivityContext {
  tenantId: string;
  botId: string;
  serviceUrl: string;
}

/** The serviceUrl the channel tokens are signed for (the `serviceurl` claim must match it). */
export const BENCH_SERVICE_URL = 'https://smba.trafficmanager.net/amer/';

const TYPES = ['view', 'edit'] as const;
const SCOPES = ['organization', 'anonymous'] as const;
const EXPIRY_DAYS = 28;
let activitySeq = 0;

function envelope(ctx: ActivityContext, user: LoadUser, name: string, value: unknown) {
  activitySeq += 1;
  return {
    type: 'invoke',
    name,
    id: `f:bench-${process.pid}-${activitySeq}`,
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl: ctx.serviceUrl,
    from: { id: user.teamsId, name: user.name, aadObjectId: user.oid },
    recipient: { id: `28:${ctx.botId}`, name: 'Share Link' },
    conversation: { id: `a:bench-${user.oid}`, conversationType: 'personal', tenantId: ctx.tenantId },
    channelData: { tenant: { id: ctx.tenantId }, source: { name: 'compose' } },
    entities: [{ type: 'clientInfo', locale: 'en-US', country: 'US', platform: 'Web', timezone: 'Europe/Berlin' }],
    locale: 'en-US',
    value,
  };
}

/** The date `days` from now, as the dialog's Input.Date submits it. */
function dateIn(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The n-th distinct share request of a user: file × type × scope × expiration day cycle through 7×2×2×28 = 784
 * combinations, so no submit repeats within the service's 2-minute idempotency window and each one is a real
 * createLink call.
 */
export function shareChoice(user: LoadUser, n: number) {
  const file = user.files[n % user.files.length];
  const rest = Math.floor(n / user.files.length);
  return {
    file,
    type: TYPES[rest % TYPES.length],
    scope: SCOPES[Math.floor(rest / TYPES.length) % SCOPES.length],
    expirationDate: dateIn(1 + (Math.floor(rest / (TYPES.length * SCOPES.length)) % EXPIRY_DAYS)),
  };
}

/** composeExtension/query of the search command, carrying the person's Teams SSO token. */
export function queryActivity(ctx: ActivityContext, user: LoadUser, n: number) {
  const word = user.files[n % user.files.length].name.split(/[ .]/)[0];
  return envelope(ctx, user, 'composeExtension/query', {
    commandId: 'findFile',
    parameters: [{ name: 'q', value: word }],
    queryOptions: { skip: 0, count: 10 },
    authentication: { token: user.ssoToken },
  });
}

/** composeExtension/fetchTask of the compose action command (opens the finder dialog). */
export function fetchTaskActivity(ctx: ActivityContext, user: LoadUser) {
  return envelope(ctx, user, 'composeExtension/fetchTask', {
    commandId: 'shareLink',
    commandContext: 'compose',
    context: { theme: 'default' },
  });
}

/**
 * composeExtension/submitAction "Create link" from the options dialog. Teams echoes the dialog's submit data, so
 * the submit carries the item the dialog sealed for this person and file (`sealedItem`, from dialogSeal), when
 * the load has opened that dialog before.
 */
export function submitActivity(
  ctx: ActivityContext,
  user: LoadUser,
  n: number,
  sealedItem?: (itemId: string) => string | undefined,
) {
  const c = shareChoice(user, n);
  const item = sealedItem?.(c.file.itemId);
  return envelope(ctx, user, 'composeExtension/submitAction', {
    commandId: 'shareLink',
    commandContext: 'compose',
    context: { theme: 'default' },
    data: {
      action: 'create',
      driveId: user.driveId,
      itemId: c.file.itemId,
      timeZone: 'Europe/Berlin',
      useOrganizationDefault: 'false',
      type: c.type,
      scope: c.scope,
      expirationDate: c.expirationDate,
      sendNotification: 'false',
      ...(item ? { item } : {}),
    },
  });
}

/** The file of the n-th message action (the one after the n-th share's file). */
export function messageActionFile(user: LoadUser, n: number) {
  return user.files[(n + 1) % user.files.length];
}

/** The sealed item of an options dialog's "Create link" data (the dialog the message action answers), if any. */
export function dialogSeal(body: Json | undefined): { itemId: string; item: string } | undefined {
  let found: { itemId: string; item: string } | undefined;
  const walk = (node: unknown): void => {
    if (found || !node || typeof node !== 'object') return;
    const o = node as Json;
    if (o.action === 'create' && typeof o.item === 'string' && typeof o.itemId === 'string') {
      found = { itemId: o.itemId, item: o.item };
      return;
    }
    for (const v of Array.isArray(o) ? o : Object.values(o)) walk(v);
  };
  walk(body?.task?.value?.card);
  return found;
}

/** composeExtension/fetchTask of the message action on a message carrying one OneDrive file. */
export function messageActionActivity(
  ctx: ActivityContext,
  user: LoadUser,
  n: number,
  file = messageActionFile(user, n),
) {
  return envelope(ctx, user, 'composeExtension/fetchTask', {
    commandId: 'shareFromMessage',
    commandContext: 'message',
    context: { theme: 'default' },
    messagePayload: {
      id: `1700000000${n}`,
      messageType: 'message',
      from: { user: { id: user.oid, displayName: user.name } },
      body: { contentType: 'html', content: '<attachment id="f1"></attachment>' },
      attachments: [{ id: 'f1', contentType: 'reference', contentUrl: file.webUrl, name: file.name }],
    },
  });
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Whether an answer is what Teams needs for this invoke (a card, a dialog), or why not. */
export function checkAnswer(kind: InvokeKind, status: number, body: Json | undefined): string | undefined {
  if (status !== 200) return `HTTP ${status}`;
  const ce = body?.composeExtension;
  const task = body?.task;
  switch (kind) {
    case 'query':
      return ce?.type === 'result' && ce.attachments?.length > 0
        ? undefined
        : `query answered ${ce?.type ?? 'no composeExtension'}`;
    case 'submit':
      return ce?.type === 'result' && ce.attachments?.length === 1
        ? undefined
        : `submit answered ${ce?.type ?? task?.value?.title ?? 'nothing'}`;
    case 'fetchTask':
      return task?.type === 'continue' && task.value?.title === 'Share a file'
        ? undefined
        : `fetchTask answered ${task?.value?.title ?? ce?.type}`;
    case 'messageAction':
      return task?.type === 'continue' && task.value?.title === 'Sharing link options'
        ? undefined
        : `message action answered ${task?.value?.title ?? ce?.type}`;
  }
}
