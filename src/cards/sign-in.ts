import { resolveEnv, withDirection, type CardEnv } from './common';
import { INPUT_IDS, SUBMIT_ACTIONS } from './contract';
import { expandTemplate, type Expansion } from './template';
import template from './templates/sign-in.json';

export interface SignInDialogInput extends CardEnv {
  /** The Bot Framework Token Service sign-in link for this person. */
  signInLink: string;
  /** Shown above the steps, e.g. "You're not signed in yet" after Continue without a sign-in (already localized). */
  notice?: string;
  /** The item whose options dialog "Continue" goes back to (the sign-in was for "People in this chat"). */
  resume?: { driveId: string; itemId: string };
}

/**
 * The AC 1.5 dialog that asks for the first sign-in from an action command: "Sign in" opens the Token Service page,
 * "Continue" comes back as `submitAction` `{action:"signedIn", signInCode?}` and the dialog goes on. The code box
 * takes the magic code the page shows when the sign-in finished outside Teams' own sign-in window.
 */
export function signInDialog(input: SignInDialogInput): Expansion {
  const env = resolveEnv(input);
  const expansion = expandTemplate(template, {
    s: env.s.signIn,
    hasNotice: Boolean(input.notice),
    notice: input.notice ?? '',
    signInLink: input.signInLink,
    codeInputId: INPUT_IDS.signInCode,
    continueData: {
      action: SUBMIT_ACTIONS.signedIn,
      ...(input.resume ? { driveId: input.resume.driveId, itemId: input.resume.itemId } : {}),
    },
  });
  return withDirection(expansion, env);
}
