/**
 * Switches for behaviours where real tenants (or sources) differ, so the app can be tested against each variant.
 * Every switch is cited in sandbox/FIDELITY.md. Set them with `startSandbox({fidelity})`, the `SANDBOX_FIDELITY`
 * environment variable (comma-separated names, read when the sandbox starts), `PUT /admin/fidelity` or
 * `sandbox.setFidelity()` at run time; `reset()` restores the start values.
 */
export interface FidelitySwitches {
  /**
   * createLink answers carry `expirationDateTime: "0001-01-01T00:00:00Z"` (DateTime.MinValue) when the link has no
   * expiration, as permission lists and gets always do. Off by default: the createLink page's examples omit it.
   */
  createLinkMinValueExpiration: boolean;
  /**
   * v1.0 createLink refuses `recipients`, `sendNotification` and `message` with 400 invalidRequest, as a 2025
   * Microsoft Q&A answer reports (beta accepts them). Off by default: the v1.0 OpenAPI/CSDL lists all eight.
   */
  v1RefusesRecipients: boolean;
  /** Graph access tokens are opaque strings, not JWTs (Entra: "access tokens are opaque to clients"). */
  opaqueGraphTokens: boolean;
  /**
   * `/search/query` hits carry every driveItem property the item GET has (size, file facet, parentReference with
   * driveType). Off by default: documented hits carry fewer (see FIDELITY.md).
   */
  richSearchHits: boolean;
  /**
   * Bot Framework roster members carry the Entra object id as `objectId` instead of `aadObjectId` (the Teams
   * roster docs' example and botbuilder-dotnet#3856 show `objectId`; botbuilder's schema reads `aadObjectId`).
   */
  rosterObjectIdField: boolean;
}

export const FIDELITY_SWITCH_NAMES = [
  'createLinkMinValueExpiration',
  'v1RefusesRecipients',
  'opaqueGraphTokens',
  'richSearchHits',
  'rosterObjectIdField',
] as const satisfies ReadonlyArray<keyof FidelitySwitches>;

export const DEFAULT_FIDELITY: FidelitySwitches = {
  createLinkMinValueExpiration: false,
  v1RefusesRecipients: false,
  opaqueGraphTokens: false,
  richSearchHits: false,
  rosterObjectIdField: false,
};

/** Thrown for a switch name the sandbox does not know. */
export class FidelitySwitchError extends Error {}

/** Checks switches coming from a test, the environment or HTTP. */
export function parseFidelity(input: unknown): Partial<FidelitySwitches> {
  if (input === null || typeof input !== 'object' || Array.isArray(input))
    throw new FidelitySwitchError('Fidelity switches must be a JSON object of booleans.');
  const out: Partial<FidelitySwitches> = {};
  for (const [key, value] of Object.entries(input)) {
    if (!(FIDELITY_SWITCH_NAMES as readonly string[]).includes(key))
      throw new FidelitySwitchError(`Unknown fidelity switch "${key}". Known: ${FIDELITY_SWITCH_NAMES.join(', ')}.`);
    if (typeof value !== 'boolean') throw new FidelitySwitchError(`Fidelity switch "${key}" must be true or false.`);
    out[key as keyof FidelitySwitches] = value;
  }
  return out;
}

/** `SANDBOX_FIDELITY=opaqueGraphTokens,createLinkMinValueExpiration` → those switches on. */
export function fidelityFromEnv(text: string | undefined): Partial<FidelitySwitches> {
  const names = (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return parseFidelity(Object.fromEntries(names.map((n) => [n, true])));
}
