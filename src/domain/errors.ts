/**
 * The closed error taxonomy of the app. Every failure (Graph, Entra, Token Service, validation) is mapped once
 * into one of these kinds; cards and invoke responses are built from the kind, never from raw errors.
 */
import type { DomainMessage } from './messages';

export const SHARE_ERROR_KINDS = [
  /** The person must consent to the app's Graph permissions (AADSTS65001). */
  'consentRequired',
  /** The person has to sign in (no token, expired sign-in). */
  'signInRequired',
  /** Graph said no: the person may not share this item (403 accessDenied). */
  'accessDenied',
  /** The item (or permission) does not exist or is not visible to the person. */
  'notFound',
  /** Tenant or admin policy blocks it (e.g. anonymous links disabled, scope not allowed by the app's policy). */
  'policyBlocked',
  /** Not possible for this item or drive (e.g. embed on OneDrive for Business, password on SharePoint). */
  'unsupported',
  /** The request itself is wrong (bad date, impossible combination, malformed input). */
  'invalidRequest',
  /** Graph throttled us; retryAfterSeconds says when to try again. */
  'throttled',
  /** A temporary failure (5xx, timeout, connection drop) that a later retry may fix. */
  'transient',
] as const;

export type ShareErrorKind = (typeof SHARE_ERROR_KINDS)[number];

export interface ShareErrorDetails {
  /** Seconds until a retry may succeed (throttled). */
  retryAfterSeconds?: number;
  /** Graph's `error.code` (or Entra's AADSTS code). */
  code?: string;
  /** Graph's `innerError.request-id` or Entra's trace id, for support. */
  requestId?: string;
  /** The dialog field the problem belongs to (validation). */
  field?: string;
  /** HTTP status Graph answered with, when there was one. */
  status?: number;
  /**
   * signInRequired because Conditional Access (e.g. MFA) wants an interactive sign-in (`interaction_required`):
   * a silent SSO retry would fail the same way, so the person must be sent through a real sign-in.
   */
  interactionRequired?: boolean;
  /** The claims challenge that came with it (JSON), for a sign-in that can satisfy it. */
  claims?: string;
  /** The error's text as a domain message, for cards in the person's language (the Error message is English). */
  message?: DomainMessage;
}

/** A failure of the share core with a kind from the closed taxonomy and a message a person can read. */
export class ShareError extends Error {
  constructor(
    public readonly kind: ShareErrorKind,
    message: string,
    public readonly details: ShareErrorDetails = {},
  ) {
    super(message);
    this.name = 'ShareError';
  }
}

export function isShareError(err: unknown): err is ShareError {
  return err instanceof ShareError;
}
