import { randomUUID } from 'node:crypto';
import type { Response } from 'express';

/** An OAuth error as Entra ID's token endpoint returns it. */
export interface EntraErrorBody {
  error: string;
  error_description: string;
  error_codes: number[];
  timestamp: string;
  trace_id: string;
  correlation_id: string;
  error_uri: string;
  suberror?: string;
  claims?: string;
}

/** Thrown inside the Entra handlers; turned into an Entra-shaped error response. */
export class EntraError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly code: number,
    readonly description: string,
    readonly suberror?: string,
    /** A claims challenge (JSON) the client must pass to an interactive sign-in. */
    readonly claims?: string,
  ) {
    super(`AADSTS${code}: ${description}`);
  }
}

/** "2025-01-02 03:04:05Z", the timestamp format of Entra error bodies. */
function entraTimestamp(d = new Date()): string {
  return d
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, 'Z');
}

/** Builds the JSON body of an Entra error; the description carries trace and correlation ids like the real one. */
export function entraErrorBody(err: EntraError, correlationId?: string): EntraErrorBody {
  const traceId = randomUUID();
  const correlation = correlationId && /^[\w-]{1,64}$/.test(correlationId) ? correlationId : randomUUID();
  const timestamp = entraTimestamp();
  return {
    error: err.error,
    error_description: `AADSTS${err.code}: ${err.description}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlation}\r\nTimestamp: ${timestamp}`,
    error_codes: [err.code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlation,
    error_uri: `https://login.microsoftonline.com/error?code=${err.code}`,
    ...(err.suberror ? { suberror: err.suberror } : {}),
    ...(err.claims ? { claims: err.claims } : {}),
  };
}

/** Sends an Entra error; correlation id is echoed from client-request-id as Entra does. */
export function sendEntraError(res: Response, err: EntraError, correlationId?: string): void {
  res.status(err.status).set('Cache-Control', 'no-store').json(entraErrorBody(err, correlationId));
}

/**
 * OBO's answer when Conditional Access needs the person to sign in interactively (v2-oauth2-on-behalf-of-flow,
 * "Error response example": `interaction_required`, AADSTS50079 with a `claims` challenge; AADSTS50076 with claims
 * in AzureAD/microsoft-authentication-library-for-objc#57).
 */
export function interactionRequiredError(challenge: 'mfa' | 'mfaRegistration', resourceId: string): EntraError {
  const claims = JSON.stringify({
    access_token: { polids: { essential: true, values: ['9ab03e19-ed42-4168-b6b7-7001fb3e933a'] } },
  });
  return challenge === 'mfa'
    ? new EntraError(
        400,
        'interaction_required',
        50076,
        `Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '${resourceId}'.`,
        undefined,
        claims,
      )
    : new EntraError(
        400,
        'interaction_required',
        50079,
        `Due to a configuration change made by your administrator, or because you moved to a new location, you must enroll in multi-factor authentication to access '${resourceId}'.`,
        undefined,
        claims,
      );
}
