import {
  createLocalJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  errors as joseErrors,
  jwtVerify,
  type JSONWebKeySet,
  type JWTPayload,
} from 'jose';
import type { Clock } from '../clock';
import { ShareError } from '../domain/errors';
import type { Logger } from '../log';
import { InvalidSsoTokenError, type SsoRejectionReason } from './errors';
import { fetchJson, platformFetch, type FetchLike } from './fetchLike';
import { InFlight } from '../util/inFlight';

/** The person behind a valid Teams SSO token. */
export interface SsoIdentity {
  tenantId: string;
  userObjectId: string;
  /** preferred_username (v2) or upn (v1); may be empty for guests without either. */
  upn: string;
  name: string;
  /** Expiry of the SSO token, epoch milliseconds. */
  expiresAt: number;
}

export interface SsoValidatorOptions {
  /** The app's client id (v2 tokens carry it as `aud`). */
  clientId: string;
  /** The app's Application ID URI (v1 tokens carry it as `aud`). */
  applicationIdUri: string;
  /** Entra authority host, e.g. https://login.microsoftonline.com (or the sandbox URL). */
  authorityHost: string;
  allowedTenantIds: readonly string[];
  clock: Clock;
  logger: Logger;
  fetch?: FetchLike;
  /** Seconds of clock difference tolerated on exp/nbf. Default 60. */
  clockSkewSeconds?: number;
  /** How long a tenant's key set is trusted before it is fetched again. Default 1 h. */
  keysMaxAgeMs?: number;
  /** Shortest time between two fetches of a tenant's keys when a token names an unknown kid. Default 30 s. */
  keysCooldownMs?: number;
  /** Deadline of one key-set fetch. Default 3 s. */
  keysTimeoutMs?: number;
  /** Where a tenant's keys live. Default: Entra's `{authorityHost}/{tid}/discovery/v2.0/keys`. */
  jwksUri?: (tenantId: string) => string;
}

const PUBLIC_CLOUD_HOST = 'https://login.microsoftonline.com';
const REQUIRED_SCOPE = 'access_as_user';

interface TenantKeys {
  resolver: ReturnType<typeof createLocalJWKSet>;
  fetchedAt: number;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/**
 * Validates Teams SSO tokens (Entra access tokens for this app). Cheap claim checks (tenant allow-list, audience,
 * issuer, lifetime, scope) run on the decoded token first, so expired or foreign tokens cost no network call; only
 * then is the signature verified against the tenant's published keys, which are cached per tenant.
 *
 * Issuers accepted: the v2 form `{authorityHost}/{tid}/v2.0` always; the v1 form `https://sts.windows.net/{tid}/`
 * only when the authority host is the public cloud, because that is the only cloud whose v1 issuer is known here.
 */
export class SsoTokenValidator {
  private readonly keys = new Map<string, TenantKeys>();
  private readonly pendingKeys = new InFlight<TenantKeys>();
  private readonly fetchFn: FetchLike;
  private readonly host: string;
  private readonly allowed: Set<string>;
  private readonly skew: number;
  private readonly maxAge: number;
  private readonly cooldown: number;
  private readonly timeout: number;
  private readonly jwksUri: (tenantId: string) => string;

  constructor(private readonly options: SsoValidatorOptions) {
    this.fetchFn = options.fetch ?? platformFetch;
    this.host = options.authorityHost.replace(/\/+$/, '');
    this.allowed = new Set(options.allowedTenantIds.map((t) => t.toLowerCase()));
    this.skew = options.clockSkewSeconds ?? 60;
    this.maxAge = options.keysMaxAgeMs ?? 3_600_000;
    this.cooldown = options.keysCooldownMs ?? 30_000;
    this.timeout = options.keysTimeoutMs ?? 3_000;
    this.jwksUri = options.jwksUri ?? ((tid) => `${this.host}/${encodeURIComponent(tid)}/discovery/v2.0/keys`);
  }

  /** Validates a Teams SSO token; resolves with the person's identity or rejects with InvalidSsoTokenError. */
  async validate(token: string): Promise<SsoIdentity> {
    const payload = this.checkClaims(token);
    const tid = str(payload.tid);
    await this.verifySignature(token, tid, payload);
    return {
      tenantId: tid,
      userObjectId: str(payload.oid),
      upn: str(payload.preferred_username) || str(payload.upn) || str(payload.unique_name),
      name: str(payload.name),
      expiresAt: (payload.exp as number) * 1000,
    };
  }

  /** Loads the signing keys of these tenants now (start-up warm-up), so no person's first sign-in waits for them. */
  async warmKeys(tenantIds: readonly string[]): Promise<void> {
    await Promise.all(tenantIds.map((tid) => this.tenantKeys(tid, false)));
  }

  /** Issuers this app accepts for a tenant. */
  private issuersFor(tid: string): string[] {
    const issuers = [`${this.host}/${tid}/v2.0`];
    if (this.host.toLowerCase() === PUBLIC_CLOUD_HOST) issuers.push(`https://sts.windows.net/${tid}/`);
    return issuers;
  }

  private audiences(): string[] {
    return [this.options.clientId, this.options.applicationIdUri].filter(Boolean);
  }

  /** All checks that need no keys, on the unverified token. */
  private checkClaims(token: string): JWTPayload {
    let payload: JWTPayload;
    let alg: string | undefined;
    try {
      alg = decodeProtectedHeader(token).alg;
      payload = decodeJwt(token);
    } catch {
      throw new InvalidSsoTokenError('malformed');
    }
    if (alg !== 'RS256') throw new InvalidSsoTokenError('unsupportedAlgorithm');
    const tid = str(payload.tid);
    if (!tid || !str(payload.oid)) throw new InvalidSsoTokenError('missingClaims');
    if (!this.allowed.has(tid.toLowerCase())) throw new InvalidSsoTokenError('tenantNotAllowed');
    const aud = Array.isArray(payload.aud) ? payload.aud : [str(payload.aud)];
    if (!aud.some((a) => this.audiences().includes(a))) throw new InvalidSsoTokenError('wrongAudience');
    if (!this.issuersFor(tid).includes(str(payload.iss))) throw new InvalidSsoTokenError('wrongIssuer');
    const now = Math.floor(this.options.clock.now() / 1000);
    if (typeof payload.exp !== 'number') throw new InvalidSsoTokenError('missingClaims');
    if (payload.exp <= now - this.skew) throw new InvalidSsoTokenError('expired');
    if (typeof payload.nbf === 'number' && payload.nbf > now + this.skew) throw new InvalidSsoTokenError('notYetValid');
    const scopes = str(payload.scp).split(' ');
    if (!scopes.includes(REQUIRED_SCOPE)) throw new InvalidSsoTokenError('missingScope');
    return payload;
  }

  private async verifySignature(token: string, tid: string, payload: JWTPayload): Promise<void> {
    let keys = await this.tenantKeys(tid, false);
    for (let attempt = 0; ; attempt++) {
      try {
        await jwtVerify(token, keys.resolver, {
          algorithms: ['RS256'],
          issuer: this.issuersFor(tid),
          audience: this.audiences(),
          clockTolerance: this.skew,
          currentDate: new Date(this.options.clock.now()),
        });
        return;
      } catch (err) {
        const unknownKid = err instanceof joseErrors.JWKSNoMatchingKey;
        // A kid we have not seen may be a freshly rotated key: refetch once, unless we just did.
        if (unknownKid && attempt === 0 && this.options.clock.now() - keys.fetchedAt >= this.cooldown) {
          keys = await this.tenantKeys(tid, true);
          continue;
        }
        throw new InvalidSsoTokenError(this.reasonOf(err, payload));
      }
    }
  }

  private reasonOf(err: unknown, payload: JWTPayload): SsoRejectionReason {
    if (err instanceof joseErrors.JWKSNoMatchingKey || err instanceof joseErrors.JWKSMultipleMatchingKeys) {
      return 'unknownSigningKey';
    }
    if (err instanceof joseErrors.JWSSignatureVerificationFailed) return 'badSignature';
    if (err instanceof joseErrors.JWTExpired) return 'expired';
    if (err instanceof joseErrors.JWTClaimValidationFailed) {
      if (err.claim === 'nbf') return 'notYetValid';
      if (err.claim === 'aud') return 'wrongAudience';
      if (err.claim === 'iss') return 'wrongIssuer';
    }
    this.options.logger.warn({ err: { name: (err as Error)?.name }, tid: payload.tid }, 'SSO token rejected by jose');
    return 'malformed';
  }

  /** The tenant's key set from cache, or fetched (one fetch at a time per tenant). */
  private async tenantKeys(tid: string, refresh: boolean): Promise<TenantKeys> {
    const cached = this.keys.get(tid);
    if (cached && !refresh && this.options.clock.now() - cached.fetchedAt < this.maxAge) return cached;
    return this.pendingKeys.run(tid, () => this.fetchKeys(tid));
  }

  private async fetchKeys(tid: string): Promise<TenantKeys> {
    const url = this.jwksUri(tid);
    let jwks: unknown;
    try {
      jwks = await fetchJson(this.fetchFn, url, this.timeout);
    } catch (err) {
      this.options.logger.warn({ tid, err: { message: (err as Error).message } }, 'Could not load Entra signing keys');
      throw new ShareError('transient', 'Could not check your sign-in right now. Try again in a few seconds.');
    }
    if (!jwks || !Array.isArray((jwks as JSONWebKeySet).keys)) {
      this.options.logger.warn({ tid }, 'Entra signing keys document has no keys array');
      throw new ShareError('transient', 'Could not check your sign-in right now. Try again in a few seconds.');
    }
    const entry = { resolver: createLocalJWKSet(jwks as JSONWebKeySet), fetchedAt: this.options.clock.now() };
    this.keys.set(tid, entry);
    return entry;
  }
}
