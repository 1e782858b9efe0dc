import { isLinkScope, isLinkType } from '../src/domain/rules';
import { message, messageError } from '../src/domain/messages';
import type { LinkOptions, Recipient } from '../src/domain/types';
import { inputBoolean, inputString, normalizeTimeZone } from './invokes';

const OBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Reads the options dialog's inputs (all strings, as Teams submits them) into LinkOptions. Only shapes are checked
 * here; whether the combination can work is the domain's job (validateLinkRequest).
 */
export function linkOptionsFromInputs(
  data: Record<string, unknown>,
  fallbackTimeZone: string | undefined,
): LinkOptions {
  const type = inputString(data.type, 64);
  const scope = inputString(data.scope, 64);
  if (type !== undefined && !isLinkType(type)) {
    throw messageError('invalidRequest', message('typeNotOffered'), { field: 'type' });
  }
  if (scope !== undefined && !isLinkScope(scope)) {
    throw messageError('invalidRequest', message('scopeNotOffered'), { field: 'scope' });
  }
  const recipients: Recipient[] = [];
  for (const id of String(data.recipients ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    if (!OBJECT_ID.test(id)) throw messageError('invalidRequest', message('pickPeople'), { field: 'recipients' });
    recipients.push({ objectId: id });
  }
  for (const email of String(data.externalRecipients ?? '')
    .split(/[,;\s]+/)
    .map((s) => s.trim())
    .filter(Boolean)) {
    recipients.push({ email });
  }
  const useOrganizationDefault = inputBoolean(data.useOrganizationDefault) ?? false;
  return {
    useOrganizationDefault,
    type: useOrganizationDefault ? undefined : (type as LinkOptions['type']),
    scope: useOrganizationDefault ? undefined : (scope as LinkOptions['scope']),
    expirationDate: inputString(data.expirationDate, 32),
    timeZone: normalizeTimeZone(inputString(data.timeZone, 64)) ?? fallbackTimeZone,
    // Passwords are taken exactly as typed (spaces count); blank means none.
    password: typeof data.password === 'string' && data.password !== '' ? data.password.slice(0, 1024) : undefined,
    recipients,
    message: inputString(data.message, 4000),
    sendNotification: inputBoolean(data.sendNotification) ?? false,
    retainInheritedPermissions: inputBoolean(data.retainInheritedPermissions),
  };
}

/** The options to show again after a validation error: everything the person entered except the password. */
export function valuesToKeep(options: LinkOptions): Partial<LinkOptions> {
  const { password: _password, ...rest } = options;
  return rest;
}
