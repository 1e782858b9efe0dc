import type { TurnContext, InvokeResponse } from 'botbuilder';
import type { TokenBroker, TokenServiceClient, UserTokenClientLike } from '../src/auth';
import type { CallContext } from '../src/share/shareService';
import type { TurnFacts } from './turn';
import { userTokenClientOf } from './turn';
import {
  adaptiveCardLoginRequest,
  adaptiveCardMessage,
  composeMessage,
  preconditionFailed,
  signInRequired,
  silentAuth,
  taskMessage,
} from './responses';

/**
 * How the invoke kind wants a missing sign-in answered (each Teams surface has its own protocol):
 * `search` silentAuth/412, `link` and `action` the `auth` answer, `dialog` a sign-in dialog card (action commands:
 * `auth` to fetchTask was seen rendered as "unsupported", OfficeDev/Microsoft-Teams-Samples#928), `cardAction` the
 * Universal Action loginRequest.
 */
export type SignInStyle = 'search' | 'link' | 'action' | 'dialog' | 'cardAction';

export interface GateInput {
  ssoToken?: string | null;
  /** `value.state`: the magic code after a Token Service sign-in (or the code typed into the sign-in dialog). */
  state?: string | null;
  /** Shown on the sign-in dialog, e.g. "not signed in yet" after Continue (dialog style only). */
  notice?: string;
  /** The item whose options the sign-in dialog's "Continue" reopens (dialog style only). */
  resume?: { driveId: string; itemId: string };
}

/** Part of the invoke budget kept back from Graph calls for building the card and sending the answer. */
const ANSWER_RESERVE_MS = 250;

/** When an invoke's outbound calls (Entra, Token Service, Graph) must have answered, so the answer still fits. */
export function invokeDeadline(facts: TurnFacts, budgetMs: number): number {
  return facts.receivedAt + budgetMs - ANSWER_RESERVE_MS;
}

export type GateResult = { ok: true; call: CallContext } | { ok: false; response: InvokeResponse };

export interface GateDeps {
  broker: TokenBroker;
  tokenService: TokenServiceClient;
  connectionName: string;
  /** Time budget of one invoke (Teams waits ~5 s; we answer well before). */
  budgetMs: number;
  texts: { signIn: string; signInUnavailable: string };
  /** The sign-in dialog answer (dialog style): a card whose "Continue" comes back as submitAction. */
  signInDialog: (
    signInLink: string,
    facts: TurnFacts,
    notice?: string,
    resume?: { driveId: string; itemId: string },
  ) => InvokeResponse;
}

/** Gets the person's delegated Graph token, or the sign-in answer this invoke kind needs. */
export async function acquire(
  deps: GateDeps,
  context: TurnContext,
  facts: TurnFacts,
  input: GateInput,
  style: SignInStyle,
): Promise<GateResult> {
  const result = await deps.broker.getGraphToken({
    ssoToken: input.ssoToken ?? undefined,
    magicCode: input.state ?? undefined,
    tenantId: facts.tenantId,
    aadObjectId: facts.aadObjectId,
    teamsUserId: facts.teamsUserId,
    channelId: facts.channelId,
    userTokenClient: userTokenClientOf(context) as UserTokenClientLike | undefined,
    activity: context.activity,
  });
  if (result.kind === 'token') {
    return {
      ok: true,
      call: {
        caller: { tenantId: facts.tenantId, userObjectId: facts.aadObjectId ?? '' },
        token: result.accessToken,
        // Graph gets the budget minus the time needed to build and send the answer, so the answer itself fits.
        deadline: invokeDeadline(facts, deps.budgetMs),
        timeZone: facts.timeZone,
      },
    };
  }
  const link = result.signInLink;
  const hadSso = Boolean(input.ssoToken);
  switch (style) {
    case 'search':
      // Conditional Access (MFA): silentAuth or 412 would only fetch another SSO token that fails the same way;
      // the sign-in link leads through Entra's interactive sign-in, which can satisfy it.
      if (result.kind === 'signInRequired' && result.interactionRequired && link)
        return { ok: false, response: signInRequired(link, deps.texts.signIn) };
      // Teams re-sends the query with an SSO token after silentAuth; a token that cannot be exchanged gets 412.
      if (hadSso && result.kind === 'consentRequired') return { ok: false, response: preconditionFailed() };
      return { ok: false, response: link ? silentAuth(link, deps.texts.signIn) : preconditionFailed() };
    case 'link':
      // 412 renders nothing for link unfurling; `auth` shows a sign-in link.
      return { ok: false, response: link ? signInRequired(link, deps.texts.signIn) : unavailable(deps, style) };
    case 'action':
      return { ok: false, response: link ? signInRequired(link, deps.texts.signIn) : unavailable(deps, style) };
    case 'dialog':
      return {
        ok: false,
        response: link ? deps.signInDialog(link, facts, input.notice, input.resume) : unavailable(deps, style),
      };
    case 'cardAction':
      return {
        ok: false,
        response: link
          ? adaptiveCardLoginRequest(link, deps.texts.signIn, deps.connectionName)
          : unavailable(deps, style),
      };
  }
}

/** "Sign-in isn't available" in the envelope of the invoke kind (Universal Actions have their own). */
function unavailable(deps: GateDeps, style: SignInStyle) {
  if (style === 'cardAction') return adaptiveCardMessage(deps.texts.signInUnavailable);
  if (style === 'dialog') return taskMessage(deps.texts.signInUnavailable);
  return composeMessage(deps.texts.signInUnavailable);
}

/**
 * Graph refused the person's token (revoked, or consent withdrawn): forget it everywhere it is kept — the broker's
 * cache and the Token Service, which would otherwise hand the same token back — and ask for a new sign-in.
 */
export async function reauthenticate(
  deps: GateDeps,
  context: TurnContext,
  facts: TurnFacts,
  style: SignInStyle,
  input: Pick<GateInput, 'resume'> = {},
): Promise<InvokeResponse> {
  await deps.broker.forget(facts.tenantId, facts.aadObjectId ?? '');
  const client = userTokenClientOf(context) as UserTokenClientLike | undefined;
  if (client) await deps.tokenService.signOut(client, facts.teamsUserId, facts.channelId);
  const again = await acquire(deps, context, facts, input, style);
  return again.ok ? unavailable(deps, style) : again.response;
}
