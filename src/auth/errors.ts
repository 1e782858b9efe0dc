/** Why a Teams SSO token was refused. Reasons name the failed check; they never carry token text. */
export type SsoRejectionReason =
  | 'malformed'
  | 'unsupportedAlgorithm'
  | 'missingClaims'
  | 'tenantNotAllowed'
  | 'wrongAudience'
  | 'wrongIssuer'
  | 'expired'
  | 'notYetValid'
  | 'missingScope'
  | 'unknownSigningKey'
  | 'badSignature'
  | 'subjectMismatch';

const REASON_TEXT: Record<SsoRejectionReason, string> = {
  malformed: 'the SSO token is not a well-formed JWT',
  unsupportedAlgorithm: 'the SSO token is not signed with RS256',
  missingClaims: 'the SSO token lacks tid or oid',
  tenantNotAllowed: "the SSO token's tenant is not served by this app",
  wrongAudience: 'the SSO token was issued for another application',
  wrongIssuer: 'the SSO token was not issued by the expected Entra authority',
  expired: 'the SSO token has expired',
  notYetValid: 'the SSO token is not valid yet',
  missingScope: 'the SSO token lacks the access_as_user scope',
  unknownSigningKey: 'the SSO token is signed with a key the tenant does not publish',
  badSignature: "the SSO token's signature is invalid",
  subjectMismatch: 'the SSO token belongs to another user or tenant than the request',
};

/** A Teams SSO token failed validation. The message names the check, never the token. */
export class InvalidSsoTokenError extends Error {
  constructor(public readonly reason: SsoRejectionReason) {
    super(`Invalid SSO token: ${REASON_TEXT[reason]}`);
    this.name = 'InvalidSsoTokenError';
  }
}

/** The request comes from a tenant that is not on the allow-list; the app refuses to serve it. */
export class TenantNotAllowedError extends Error {
  constructor(public readonly tenantId: string) {
    super(`Tenant ${tenantId || '(none)'} is not allowed to use this app`);
    this.name = 'TenantNotAllowedError';
  }
}
