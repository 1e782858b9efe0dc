import { TeamsActivityHandler, type InvokeResponse, type TurnContext } from 'botbuilder';
import { z } from 'zod';
import type { Clock } from '../src/clock';
import type { Logger } from '../src/log';
import type { TokenBroker, TokenServiceClient } from '../src/auth';
import { InvalidSsoTokenError, TenantNotAllowedError } from '../src/auth';
import { ShareError, isShareError } from '../src/domain/errors';
import type { DomainMessage } from '../src/domain/messages';
import { graphExpiration } from '../src/domain/graphDates';
import type { DriveItemInfo, LinkOptions, ShareOutcome } from '../src/domain/types';
import type { CallContext, ShareService } from '../src/share/shareService';
import type { ConversationPeopleService, RosterReader } from '../src/share/conversationPeople';
import {
  keepChosen,
  memberFromRoster,
  type ConversationMember,
  type ConversationPeople,
  type PeopleChoice,
  type RosterAccount,
} from '../src/domain/conversation';
import type { ShareAudience } from '../src/domain/types';
import type { ShareRecord } from '../src/store/shareLog';
import {
  CONVERSATION_SCOPE,
  EXECUTE_VERBS,
  MAX_FINDER_RESULTS,
  SUBMIT_ACTIONS,
  INPUT_IDS,
  signInDialog,
  errorCard,
  errorSummary,
  fileFinderDialog,
  linkCardWithoutDetails,
  linkOptionsDialog,
  mySharedLinksDeepLink,
  searchResultAttachment,
  peopleUnavailableText,
  sharedLinkCard,
  strings,
  type LinkCardSnapshot,
  type LinkOptionField,
} from '../src/cards';
import { LINK_OPTION_FIELDS } from '../src/cards';
import { runWithDeadline } from '../src/http/deadline';
import { acquire, invokeDeadline, reauthenticate, type GateDeps, type SignInStyle } from './gate';
import {
  MalformedInvokeError,
  actionValueSchema,
  adaptiveCardActionValueSchema,
  parseInvoke,
  queryLinkValueSchema,
  queryValueSchema,
  selectItemValueSchema,
  inputString,
  type ActionValue,
  type MessagePayload,
} from './invokes';
import { linkOptionsFromInputs, valuesToKeep } from './options';
import {
  adaptiveCardError,
  adaptiveCardMessage,
  adaptiveCardPreconditionFailed,
  adaptiveCardUpdate,
  badRequest,
  composeMessage,
  composeResult,
  taskContinue,
} from './responses';
import { connectorClientOf, turnFacts, type TurnFacts } from './turn';

/** What the bot needs from the rest of the app (passed in; no singletons). */
export interface BotDeps {
  shares: ShareService;
  /** "People in this chat / channel / meeting": who is in the conversation, and why not when unavailable. */
  people: ConversationPeopleService;
  broker: TokenBroker;
  /** To sign a person out of the Token Service when Graph refuses their stored token. */
  tokenService: TokenServiceClient;
  log: Logger;
  clock: Clock;
  publicBaseUrl: string;
  connectionName: string;
  /** Teams app id for deep links to the "My shared links" tab (catalog id once published, else manifest id). */
  teamsAppId: string;
  /** Tenants served; an activity from any other tenant is refused before anything else happens. */
  allowedTenantIds: readonly string[];
  /** Answer every invoke within this many ms (Teams gives up after ~5 s). */
  invokeBudgetMs?: number;
  /** Tenant display names for "People in Contoso with the link". */
  organizationName?: (tenantId: string) => string | undefined;
}

const FIND_FILE_COMMAND = 'findFile';

/**
 * How each invoke asks for a sign-in (Teams handles it differently per surface; see sandbox/FIDELITY.md, Teams).
 * Action commands get a sign-in dialog card rather than `auth` (reported as "unsupported" on fetchTask, #928); the
 * search pick (`selectItem`, no dialog open) keeps the documented `auth`. Every surface still redeems `state`.
 */
const SIGN_IN_STYLE: Record<string, SignInStyle> = {
  'composeExtension/query': 'search',
  'composeExtension/queryLink': 'link',
  'composeExtension/selectItem': 'action',
  'composeExtension/fetchTask': 'dialog',
  'composeExtension/submitAction': 'dialog',
  'adaptiveCard/action': 'cardAction',
};
const PAGE_SIZE = MAX_FINDER_RESULTS;
/** The finder's recent files get this much of the invoke budget; slower, and it opens empty with a notice. */
const RECENT_FILES_BUDGET_MS = 1500;
/** Link type of the search-and-share fast path when it shares with the people of the conversation. */
const FAST_PATH_PEOPLE_TYPE = 'view';

/** Splits a comma-separated list of keys from a card input. */
function keys(value: unknown): string[] {
  return String(value ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean)
    .slice(0, 500);
}

const refSchema = z.object({ driveId: z.string().min(1).max(512), itemId: z.string().min(1).max(512) });
const cardActionDataSchema = z.object({
  permissionId: z.string().min(1).max(512),
  driveId: z.string().min(1).max(512),
  itemId: z.string().min(1).max(512),
});
const httpsUrl = z
  .string()
  .max(4096)
  .regex(/^https:\/\/[^\s]+$/i);
/** The card's own account of itself (LinkCardSnapshot), read back from an untrusted refresh. */
const snapshotSchema = z.object({
  itemName: z.string().max(1024),
  itemWebUrl: httpsUrl,
  itemKind: z.enum(['file', 'folder']),
  driveType: z.enum(['personal', 'business', 'documentLibrary']),
  itemSize: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  mimeType: z.string().max(255).optional(),
  linkUrl: httpsUrl,
  type: z.string().max(64).optional(),
  scope: z.string().max(64).optional(),
  roles: z.array(z.string().max(64)).max(10),
  expirationDateTime: z.string().datetime({ offset: true }).optional(),
  passwordProtected: z.boolean(),
  reused: z.boolean(),
  createdAt: z.string().datetime({ offset: true }),
});

/**
 * The Teams protocol handler. It only translates: parses each invoke, gets a token through the TokenBroker, calls
 * the share core, and builds the answer Teams expects for that invoke (dialogs, compose results, sign-in).
 */
export class ShareLinkBot extends TeamsActivityHandler {
  private readonly gate: GateDeps;

  constructor(private readonly deps: BotDeps) {
    super();
    const s = strings('en');
    this.gate = {
      broker: deps.broker,
      tokenService: deps.tokenService,
      connectionName: deps.connectionName,
      budgetMs: deps.invokeBudgetMs ?? 3000,
      texts: { signIn: s.bot.auth.signIn, signInUnavailable: s.bot.auth.unavailable },
      signInDialog: (signInLink, facts, notice, resume) =>
        taskContinue(
          signInDialog({ ...this.env(facts), signInLink, notice, resume }).card,
          this.title(facts, 'signIn'),
          'medium',
        ),
    };
  }

  protected override async onInvokeActivity(context: TurnContext): Promise<InvokeResponse> {
    const facts = turnFacts(context.activity, this.deps.clock.now());
    // Every outbound call of the invoke (Entra, Token Service, Graph) runs under its deadline (issue 9, defect 6).
    return runWithDeadline(invokeDeadline(facts, this.gate.budgetMs), () => this.answerInvoke(context, facts));
  }

  private async answerInvoke(context: TurnContext, facts: TurnFacts): Promise<InvokeResponse> {
    const activity = context.activity;
    const name = activity.name ?? '';
    const log = this.deps.log.child({ invoke: name, activityId: activity.id });
    try {
      if (!facts.tenantId || !facts.aadObjectId) {
        throw new MalformedInvokeError(name, ['the activity has no tenant or user object id']);
      }
      if (!this.deps.allowedTenantIds.includes(facts.tenantId)) throw new TenantNotAllowedError(facts.tenantId);
      switch (name) {
        case 'composeExtension/query':
          return await this.onQuery(context, facts);
        case 'composeExtension/selectItem':
          return await this.onSelectItem(context, facts);
        case 'composeExtension/fetchTask':
          return await this.onFetchTask(context, facts);
        case 'composeExtension/submitAction':
          return await this.onSubmitAction(context, facts);
        case 'composeExtension/queryLink':
          return await this.onQueryLink(context, facts);
        case 'adaptiveCard/action':
          return await this.onCardAction(context, facts);
        default:
          return await super.onInvokeActivity(context);
      }
    } catch (err) {
      if (isShareError(err) && (err.kind === 'signInRequired' || err.kind === 'consentRequired') && facts.aadObjectId) {
        log.info(
          { kind: err.kind, status: err.details.status },
          'Graph refused the token: asking the person to sign in again',
        );
        try {
          return await reauthenticate(this.gate, context, facts, SIGN_IN_STYLE[name] ?? 'action');
        } catch (again) {
          return this.failure(again, name, facts, log);
        }
      }
      return this.failure(err, name, facts, log);
    }
  }

  /** Errors that escaped a handler: malformed input, refused tenants and forged tokens, and the unexpected. */
  private failure(err: unknown, name: string, facts: TurnFacts, log: Logger): InvokeResponse {
    // Universal Actions get the Universal Action Model's envelope for every answer, refusals included.
    const universal = name === 'adaptiveCard/action';
    if (err instanceof MalformedInvokeError) {
      log.warn({ issues: err.issues }, 'malformed invoke');
      const message = strings(facts.locale).bot.errors.malformed;
      return universal ? adaptiveCardError(400, 'BadRequest', message) : badRequest(message);
    }
    if (err instanceof TenantNotAllowedError) {
      log.warn({ tenantId: err.tenantId }, 'invoke from a tenant that is not allowed');
      const message = strings(facts.locale).bot.errors.tenantNotAllowed;
      if (universal) return adaptiveCardError(400, 'TenantNotAllowed', message);
      return { status: 403, body: { error: { code: 'TenantNotAllowed', message } } };
    }
    if (err instanceof InvalidSsoTokenError) {
      log.warn({ reason: err.reason }, 'rejected SSO token');
      const message = strings(facts.locale).bot.errors.invalidToken;
      if (universal) return adaptiveCardPreconditionFailed(message);
      return { status: 401, body: { error: { code: 'InvalidToken', message } } };
    }
    const shareError = isShareError(err) ? err : undefined;
    if (!shareError) log.error({ err: (err as Error)?.message, stack: (err as Error)?.stack }, 'invoke failed');
    const error = shareError ?? new ShareError('transient', 'Something went wrong on our side. Try again in a moment.');
    if (universal) {
      // What the person can act on is a message; only our own or Microsoft's failures are a 500.
      const summary = errorSummary(error, facts.locale);
      return error.kind === 'throttled' || error.kind === 'transient'
        ? adaptiveCardError(500, error.kind, summary)
        : adaptiveCardMessage(summary);
    }
    if (name === 'composeExtension/fetchTask' || name === 'composeExtension/submitAction') {
      return taskContinue(errorCard(error, { locale: facts.locale, inDialog: true }).card, this.title(facts, 'error'));
    }
    return composeMessage(errorSummary(error, facts.locale));
  }

  private env(facts: TurnFacts) {
    return { publicBaseUrl: this.deps.publicBaseUrl, locale: facts.locale, timeZone: facts.timeZone ?? 'UTC' };
  }

  private title(facts: TurnFacts, which: 'finder' | 'options' | 'error' | 'attachments' | 'signIn'): string {
    const t = strings(facts.locale).bot.dialogTitles;
    return t[which];
  }

  private async token(
    context: TurnContext,
    facts: TurnFacts,
    input: {
      authentication?: { token?: string } | null;
      state?: string | null;
      notice?: string;
      resume?: { driveId: string; itemId: string };
    },
    style: SignInStyle,
  ) {
    const { authentication, state, notice, resume } = input;
    return acquire(this.gate, context, facts, { ssoToken: authentication?.token, state, notice, resume }, style);
  }

  // ---- search command (findFile): SSO via silentAuth, results as list items ---------------------------------

  private async onQuery(context: TurnContext, facts: TurnFacts): Promise<InvokeResponse> {
    const value = parseInvoke('composeExtension/query', queryValueSchema, context.activity.value);
    if (value.commandId !== FIND_FILE_COMMAND)
      throw new MalformedInvokeError('composeExtension/query', [`unknown command ${value.commandId}`]);
    const gate = await this.token(context, facts, value, 'search');
    if (!gate.ok) return gate.response;
    const initialRun = value.parameters.some((p) => p.name === 'initialRun');
    const text = initialRun ? '' : String(value.parameters.find((p) => p.name !== 'initialRun')?.value ?? '').trim();
    if (!text) return composeResult([]);
    const skip = value.queryOptions?.skip ?? 0;
    const top = Math.min(value.queryOptions?.count ?? 10, 25);
    const found = await this.deps.shares.findFiles(gate.call, text, { top, skip });
    return composeResult(found.items.map((item) => searchResultAttachment(item, this.env(facts))));
  }

  /** A search result was picked: create the organization's default link at once and insert the card. */
  private async onSelectItem(context: TurnContext, facts: TurnFacts): Promise<InvokeResponse> {
    const ref = parseInvoke('composeExtension/selectItem', selectItemValueSchema, context.activity.value);
    const gate = await this.token(context, facts, {}, SIGN_IN_STYLE['composeExtension/selectItem']);
    if (!gate.ok) return gate.response;
    const options: LinkOptions = {
      useOrganizationDefault: true,
      recipients: [],
      sendNotification: false,
      timeZone: facts.timeZone,
    };
    const refOnly = { driveId: ref.driveId, itemId: ref.itemId };
    const forPeople = await this.fastPathPeople(context, facts, gate.call, refOnly);
    if (forPeople) {
      try {
        const outcome = await this.deps.shares.share(gate.call, refOnly, forPeople.options, {
          conversationId: facts.conversationId,
          audience: forPeople.audience,
        });
        return composeResult([{ content: this.linkCard(outcome, facts) }]);
      } catch (err) {
        // A rule of this drive or the policy refused the people link: fall back to the organization's default.
        if (!(isShareError(err) && err.details.field)) throw err;
        this.deps.log.info({ field: err.details.field }, 'fast path: people link refused, using the default link');
      }
    }
    const outcome = await this.deps.shares.share(gate.call, refOnly, options, {
      conversationId: facts.conversationId,
    });
    return composeResult([{ content: this.linkCard(outcome, facts) }]);
  }

  /**
   * The search-and-share fast path shares with the people of the conversation when that choice is available
   * (admin policy allows links for specific people and the view type, the drive supports recipients, the members
   * resolve within the budget and are at most the limit); otherwise with the organization's default link.
   */
  private async fastPathPeople(
    context: TurnContext,
    facts: TurnFacts,
    call: CallContext,
    ref: { driveId: string; itemId: string },
  ): Promise<{ options: LinkOptions; audience: ShareAudience } | undefined> {
    const policy = this.deps.shares.policy;
    if (policy.allowedTypes.length > 0 && !policy.allowedTypes.includes(FAST_PATH_PEOPLE_TYPE)) return undefined;
    const item = await this.deps.shares.lookupItem(call, ref);
    const choice = await this.peopleChoice(context, facts, call, item);
    if (!choice.available || choice.people.included.length === 0) return undefined;
    return {
      options: {
        useOrganizationDefault: false,
        type: FAST_PATH_PEOPLE_TYPE,
        scope: 'users',
        recipients: choice.people.included.map((p) => p.recipient),
        // They are in the conversation already: the card is the notification.
        sendNotification: false,
        timeZone: facts.timeZone,
      },
      audience: audienceOf(choice.people),
    };
  }

  /** "People in this chat" for this invoke's conversation and item (never throws; unavailable says why). */
  private peopleChoice(
    context: TurnContext,
    facts: TurnFacts,
    call: CallContext,
    item: DriveItemInfo,
  ): Promise<PeopleChoice> {
    const roster = facts.conversation.kind === 'channel' ? this.rosterReader(context, call.deadline) : undefined;
    return this.deps.people.choice(call, facts.conversation, item, roster);
  }

  /**
   * The Bot Framework roster of the conversation the service names (the channel's own thread, not the team:
   * `TeamsInfo.getPagedMembers` would read the team's), through the turn's connector client: no Graph permission,
   * but only where the app is installed; the connector answers 403 BotNotInConversationRoster elsewhere.
   */
  private rosterReader(context: TurnContext, deadline: number): RosterReader {
    return async (conversationId, limit) => {
      const connector = connectorClientOf(context);
      if (!connector) throw new Error('roster: no connector client in this turn');
      const out: ConversationMember[] = [];
      let continuationToken: string | undefined;
      do {
        const left = deadline - this.deps.clock.now();
        if (left <= 0) throw Object.assign(new Error('roster: out of time'), { statusCode: 504 });
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(Object.assign(new Error('roster: timeout'), { statusCode: 504 })), left);
        });
        try {
          const page = await Promise.race([
            connector.conversations.getConversationPagedMembers(conversationId, {
              pageSize: Math.min(Math.max(limit, 50), 500),
              // Absent on the first page (botbuilder's TeamsInfo passes it the same way).
              continuationToken: continuationToken as string,
            }),
            timeout,
          ]);
          // Teams sends TeamsChannelAccounts (tenantId, email, userRole); the client's typing says ChannelAccount.
          for (const m of (page.members ?? []) as RosterAccount[]) out.push(memberFromRoster(m));
          continuationToken = page.continuationToken || undefined;
        } finally {
          clearTimeout(timer);
        }
      } while (continuationToken && out.length < limit);
      return { members: out, complete: !continuationToken };
    };
  }

  // ---- action commands (shareLink, shareFromMessage): dialogs ------------------------------------------------

  private async onFetchTask(context: TurnContext, facts: TurnFacts): Promise<InvokeResponse> {
    const value = parseInvoke('composeExtension/fetchTask', actionValueSchema, context.activity.value);
    const gate = await this.token(context, facts, value, SIGN_IN_STYLE['composeExtension/fetchTask']);
    if (!gate.ok) return gate.response;
    if ((value.commandContext ?? '').toLowerCase() === 'message' || value.messagePayload) {
      return this.dialogForMessage(context, gate.call, facts, value.messagePayload ?? undefined);
    }
    return this.recentFinder(gate.call, facts);
  }

  /**
   * The finder opens on the person's recent files, as OneDrive's own picker does; when Graph is slow or fails,
   * it opens empty with a notice instead (within the invoke budget).
   */
  private async recentFinder(call: CallContext, facts: TurnFacts, notice?: string): Promise<InvokeResponse> {
    const deadline = Math.min(call.deadline, facts.receivedAt + RECENT_FILES_BUDGET_MS);
    try {
      const found = await this.deps.shares.findFiles({ ...call, deadline }, '', { top: PAGE_SIZE, skip: 0 });
      return this.finder(facts, '', found.items, notice, { index: 0, hasMore: found.moreAvailable });
    } catch (err) {
      if (isShareError(err) && (err.kind === 'signInRequired' || err.kind === 'consentRequired')) throw err;
      this.deps.log.info(
        { errorKind: isShareError(err) ? err.kind : undefined },
        'recent files unavailable: opening the finder empty',
      );
      return this.finder(facts, '', [], notice ?? strings(facts.locale).bot.finderNotices.recentSlow);
    }
  }

  private async dialogForMessage(
    context: TurnContext,
    call: CallContext,
    facts: TurnFacts,
    payload: MessagePayload | undefined,
  ): Promise<InvokeResponse> {
    const s = strings(facts.locale).bot;
    const links = (payload?.attachments ?? [])
      .filter(
        (a) => a.contentType === 'reference' && typeof a.contentUrl === 'string' && /^https:\/\//i.test(a.contentUrl),
      )
      .map((a) => ({ url: a.contentUrl as string, name: a.name ?? undefined }));
    if (!links.length) return this.recentFinder(call, facts, s.finderNotices.noFileInMessage);
    const resolved = await this.deps.shares.resolveLinks(call, links.slice(0, PAGE_SIZE));
    if (resolved.items.length === 1 && !resolved.failures.length)
      return this.optionsDialog(context, call, facts, resolved.items[0]);
    if (!resolved.items.length) {
      const why = resolved.failures[0]?.error;
      if (
        why &&
        (why.kind === 'signInRequired' ||
          why.kind === 'consentRequired' ||
          why.kind === 'throttled' ||
          why.kind === 'transient')
      )
        throw why;
      return this.finder(facts, '', [], s.finderNotices.attachmentsUnavailable);
    }
    const notice = resolved.failures.length ? s.finderNotices.someAttachmentsUnavailable : undefined;
    return taskContinue(
      fileFinderDialog({ ...this.env(facts), query: '', results: resolved.items, notice, variant: 'attachments' }).card,
      this.title(facts, 'attachments'),
    );
  }

  private finder(
    facts: TurnFacts,
    query: string,
    results: DriveItemInfo[],
    notice?: string,
    page?: { index: number; hasMore: boolean },
  ): InvokeResponse {
    return taskContinue(
      fileFinderDialog({ ...this.env(facts), query, results, notice, page }).card,
      this.title(facts, 'finder'),
    );
  }

  private async optionsDialog(
    context: TurnContext,
    call: CallContext,
    facts: TurnFacts,
    item: DriveItemInfo,
    values?: Partial<LinkOptions>,
    errors?: Partial<Record<LinkOptionField, string | DomainMessage>>,
    peopleChosen?: { kept?: string[] },
  ): Promise<InvokeResponse> {
    const timeZone = values?.timeZone ?? facts.timeZone ?? 'UTC';
    const choices = this.deps.shares.linkChoices(item, timeZone);
    const people = await this.peopleChoice(context, facts, call, item);
    const card = linkOptionsDialog({
      people,
      peopleChosen: people.available ? peopleChosen : undefined,
      ...this.env(facts),
      timeZone,
      item,
      choices,
      values,
      errors,
      now: new Date(this.deps.clock.now()),
      sealedItem: this.deps.shares.sealItem({ tenantId: facts.tenantId, userObjectId: facts.aadObjectId ?? '' }, item),
    }).card;
    return taskContinue(card, this.title(facts, 'options'));
  }

  private async onSubmitAction(context: TurnContext, facts: TurnFacts): Promise<InvokeResponse> {
    const value: ActionValue = parseInvoke('composeExtension/submitAction', actionValueSchema, context.activity.value);
    const data = value.data ?? {};
    const action = typeof data.action === 'string' ? data.action : '';
    // "Continue" on the sign-in dialog: the code typed there (if any) is the Token Service's magic code.
    const signedIn = action === SUBMIT_ACTIONS.signedIn;
    const code = signedIn ? inputString(data[INPUT_IDS.signInCode], 16)?.replace(/\s+/g, '') : undefined;
    // A sign-in from "Give permission" goes back to that item's options.
    const resumeRef = signedIn ? refSchema.safeParse(data) : undefined;
    const resume = resumeRef?.success ? resumeRef.data : undefined;
    const gate = await this.token(
      context,
      facts,
      {
        authentication: value.authentication,
        state: code ?? value.state,
        notice: signedIn ? strings(facts.locale).signIn.notYet : undefined,
        resume,
      },
      SIGN_IN_STYLE['composeExtension/submitAction'],
    );
    if (!gate.ok) return gate.response;
    const call = gate.call;
    switch (action) {
      case SUBMIT_ACTIONS.signedIn:
        if (resume) return this.optionsDialog(context, call, facts, await this.deps.shares.lookupItem(call, resume));
        // Go on where the dialog would have started: the message's file, or the finder.
        if ((value.commandContext ?? '').toLowerCase() === 'message' || value.messagePayload) {
          return this.dialogForMessage(context, call, facts, value.messagePayload ?? undefined);
        }
        return this.recentFinder(call, facts);
      case SUBMIT_ACTIONS.search: {
        const query = inputString(data.q, 255) ?? '';
        const pageIndex = Math.max(0, Math.min(20, Number(data.page ?? 0) || 0));
        if (!query && pageIndex === 0) return this.recentFinder(call, facts);
        const found = await this.deps.shares.findFiles(call, query, { top: PAGE_SIZE, skip: pageIndex * PAGE_SIZE });
        return this.finder(facts, query, found.items, undefined, { index: pageIndex, hasMore: found.moreAvailable });
      }
      case SUBMIT_ACTIONS.pick: {
        const ref = parseInvoke('composeExtension/submitAction', refSchema, data);
        return this.optionsDialog(context, call, facts, await this.deps.shares.lookupItem(call, ref));
      }
      case SUBMIT_ACTIONS.back:
        return this.recentFinder(call, facts);
      case SUBMIT_ACTIONS.grantPeople: {
        const ref = parseInvoke('composeExtension/submitAction', refSchema, data);
        // Back from a sign-in Teams ran itself (it re-sends the submit with the magic code): the options again.
        if (value.state) return this.optionsDialog(context, call, facts, await this.deps.shares.lookupItem(call, ref));
        // Forget the token that lacks the permission and show the sign-in dialog, where the person can consent;
        // its "Continue" reopens this item's options.
        return reauthenticate(this.gate, context, facts, SIGN_IN_STYLE['composeExtension/submitAction'], {
          resume: { driveId: ref.driveId, itemId: ref.itemId },
        });
      }
      case SUBMIT_ACTIONS.create:
        return this.create(context, call, facts, data);
      default:
        throw new MalformedInvokeError('composeExtension/submitAction', [`unknown action "${action.slice(0, 40)}"`]);
    }
  }

  /** "Create link": validation problems come back as the same dialog with the inputs kept. */
  private async create(
    context: TurnContext,
    call: CallContext,
    facts: TurnFacts,
    data: Record<string, unknown>,
  ): Promise<InvokeResponse> {
    const ref = parseInvoke('composeExtension/submitAction', refSchema, data);
    const forPeople = data.scope === CONVERSATION_SCOPE;
    const kept = forPeople ? keys(data.conversationPeople) : undefined;
    let options: LinkOptions | undefined;
    let typed: LinkOptions['recipients'] | undefined;
    try {
      options = linkOptionsFromInputs(forPeople ? { ...data, scope: 'users' } : data, facts.timeZone);
      typed = options.recipients;
      let audience: ShareAudience | undefined;
      if (forPeople) {
        // Resolved again now: the people in the conversation at the time of sharing, minus the ones removed.
        const item = await this.deps.shares.lookupItem(call, ref, data.item);
        const choice = await this.peopleChoice(context, facts, call, item);
        const s = strings(facts.locale);
        if (!choice.available) {
          throw new ShareError('invalidRequest', peopleUnavailableText(choice.kind, choice.reason, s, choice.count), {
            field: 'scope',
          });
        }
        const chosen = keepChosen(choice.people, keys(data.shownPeople), kept ?? []);
        if (chosen.included.length === 0) throw new ShareError('invalidRequest', s.people.noneKept, { field: 'scope' });
        options = { ...options, recipients: [...chosen.included.map((p) => p.recipient), ...options.recipients] };
        audience = audienceOf(chosen);
      }
      const outcome = await this.deps.shares.share(call, ref, options, {
        conversationId: facts.conversationId,
        sealedItem: data.item,
        audience,
      });
      return composeResult([{ content: this.linkCard(outcome, facts) }]);
    } catch (err) {
      const field = isShareError(err) ? err.details.field : undefined;
      if (isShareError(err) && field && (LINK_OPTION_FIELDS as readonly string[]).includes(field)) {
        const item = await this.deps.shares.lookupItem(call, ref, data.item);
        const keep = options ? valuesToKeep(options) : undefined;
        // Show the people the person typed, not the conversation's (those are the choice's own list).
        if (keep && typed) keep.recipients = typed;
        return this.optionsDialog(
          context,
          call,
          facts,
          item,
          keep,
          { [field]: err.details.message ?? err.message },
          forPeople ? { kept } : undefined,
        );
      }
      throw err;
    }
  }

  private linkCard(
    outcome: ShareOutcome,
    facts: TurnFacts,
    view: { forSharer?: boolean; revoked?: { at: string; by?: string }; withRefresh?: boolean } = {},
  ) {
    return sharedLinkCard(outcome, {
      ...this.env(facts),
      timeZone: facts.timeZone ?? 'UTC',
      sharerAadObjectId: facts.aadObjectId ?? '',
      sharerUserId: facts.teamsUserId,
      organizationName: this.deps.organizationName?.(facts.tenantId),
      manageLinksUrl: this.manageLinksUrl(facts),
      ...view,
    }).card;
  }

  private manageLinksUrl(facts: TurnFacts): string {
    return mySharedLinksDeepLink(this.deps.teamsAppId, facts.tenantId);
  }

  // ---- link unfurling: a pasted OneDrive/SharePoint link shows the file ---------------------------------------

  private async onQueryLink(context: TurnContext, facts: TurnFacts): Promise<InvokeResponse> {
    const value = parseInvoke('composeExtension/queryLink', queryLinkValueSchema, context.activity.value);
    const gate = await this.token(context, facts, value, 'link');
    if (!gate.ok) return gate.response;
    const resolved = await this.deps.shares.resolveLinks(gate.call, [{ url: value.url }]);
    if (!resolved.items.length) return composeResult([]);
    return composeResult([searchResultAttachment(resolved.items[0], this.env(facts), 'unfurl')]);
  }

  // ---- buttons on posted cards (Universal Actions) ----------------------------------------------------------

  private async onCardAction(context: TurnContext, facts: TurnFacts): Promise<InvokeResponse> {
    const value = parseInvoke('adaptiveCard/action', adaptiveCardActionValueSchema, context.activity.value);
    const data = parseInvoke('adaptiveCard/action', cardActionDataSchema, value.action.data ?? {});
    // Input first: an unknown verb is a malformed payload whatever the link it names.
    if (value.action.verb !== EXECUTE_VERBS.refreshLinkCard && value.action.verb !== EXECUTE_VERBS.revokeLink) {
      throw new MalformedInvokeError('adaptiveCard/action', [`unknown verb ${value.action.verb.slice(0, 40)}`]);
    }
    const found = await this.deps.shares.recordOf(facts.tenantId, data.permissionId, facts.aadObjectId ?? '');
    const record = found && found.driveId === data.driveId && found.itemId === data.itemId ? found : undefined;
    const sh = strings(facts.locale).shared;
    if (value.action.verb === EXECUTE_VERBS.refreshLinkCard) {
      // A failed refresh shows "Something went wrong" on the card: without a record, answer the plain card.
      if (!record) return adaptiveCardUpdate(this.cardWithoutRecord(value.action.data, facts));
      return adaptiveCardUpdate(this.recordCard(record, facts, record.userObjectId === facts.aadObjectId));
    }
    if (!record) return adaptiveCardMessage(sh.unknownLink);
    if (record.userObjectId !== facts.aadObjectId) return adaptiveCardMessage(sh.onlySharerRevokes);
    const gate = await this.token(
      context,
      facts,
      value.authentication ? { authentication: value.authentication, state: value.state } : { state: value.state },
      'cardAction',
    );
    if (!gate.ok) return gate.response;
    const revoked = await this.deps.shares.revoke(gate.call, record.permissionId);
    return adaptiveCardUpdate(this.recordCard(revoked, facts, true));
  }

  /**
   * The plain (everyone's) card drawn from the card's own refresh data, for a refresh whose record is gone (another
   * store, a lost log, a card from before). Nothing in it is trusted for decisions: no revoke button, no refresh.
   */
  private cardWithoutRecord(raw: Record<string, unknown> | null | undefined, facts: TurnFacts) {
    const shown = snapshotSchema.safeParse((raw ?? {}).shown);
    const ids = cardActionDataSchema.parse(raw ?? {});
    if (!shown.success)
      return linkCardWithoutDetails({ ...this.env(facts), manageLinksUrl: this.manageLinksUrl(facts) }).card;
    const s: LinkCardSnapshot = shown.data;
    const record: ShareRecord = {
      permissionId: ids.permissionId,
      tenantId: facts.tenantId,
      userObjectId: '',
      driveId: ids.driveId,
      itemId: ids.itemId,
      itemName: s.itemName,
      itemWebUrl: s.itemWebUrl,
      itemKind: s.itemKind,
      driveType: s.driveType,
      itemSize: s.itemSize,
      mimeType: s.mimeType,
      linkUrl: s.linkUrl,
      type: s.type,
      scope: s.scope,
      roles: s.roles,
      expirationDateTime: s.expirationDateTime,
      passwordProtected: s.passwordProtected,
      recipients: [],
      notified: false,
      reused: s.reused,
      createdAt: s.createdAt,
    };
    return this.recordCard(record, facts, false, { withRefresh: false });
  }

  /** Rebuilds the link card from the share log (refresh and revoke have no outcome at hand). */
  private recordCard(record: ShareRecord, facts: TurnFacts, forSharer: boolean, view: { withRefresh?: boolean } = {}) {
    const outcome: ShareOutcome = {
      item: {
        driveId: record.driveId,
        itemId: record.itemId,
        name: record.itemName,
        webUrl: record.itemWebUrl,
        kind: record.itemKind ?? 'file',
        driveType: record.driveType ?? 'business',
        size: record.itemSize,
        mimeType: record.mimeType,
      },
      permissionId: record.permissionId,
      webUrl: record.linkUrl,
      type: record.type,
      scope: record.scope,
      roles: record.roles,
      preventsDownload: record.type === 'blocksDownload',
      reused: record.reused,
      expiration: { granted: graphExpiration(record.expirationDateTime), clamped: false },
      passwordProtected: record.passwordProtected,
      notified: record.notified ? record.recipients.map((r) => (r.includes('@') ? { email: r } : { objectId: r })) : [],
      grantedTo:
        record.scope === 'users'
          ? record.recipients.map((r) => (r.includes('@') ? { email: r } : { objectId: r }))
          : [],
      differences: [],
      apiVersion: 'v1.0',
      createdAt: record.createdAt,
      ...(record.audience ? { audience: record.audience } : {}),
    };
    // refresh.userIds name the sharer only: their object id always, their Teams id when they are the one asking.
    const askerIsSharer = Boolean(record.userObjectId) && record.userObjectId === facts.aadObjectId;
    const sharerFacts = {
      ...facts,
      aadObjectId: record.userObjectId,
      teamsUserId: askerIsSharer ? facts.teamsUserId : '',
    };
    // The log keeps who revoked as an object id; the card names that person only when it is the one asking.
    const revokedBy = record.revokedBy && record.revokedBy === facts.aadObjectId ? facts.userName : undefined;
    return this.linkCard(outcome, sharerFacts, {
      forSharer: forSharer && !record.revokedAt,
      revoked: record.revokedAt ? { at: record.revokedAt, by: revokedBy } : undefined,
      ...view,
    });
  }
}

/** What the share log and the card keep of the people a link was made for. */
function audienceOf(people: ConversationPeople): ShareAudience {
  const kind = people.kind === 'botChat' || people.kind === 'unknown' ? 'groupChat' : people.kind;
  return {
    kind,
    ...(people.name ? { name: people.name } : {}),
    people: people.included.map((p) => p.displayName),
    excluded: people.excluded.map((p) => ({ displayName: p.displayName, reason: p.reason })),
  };
}
