import { z } from 'zod';
import { isKnownTimeZone } from '../src/domain/intl';

/**
 * Schemas of the invoke payloads the bot accepts. Teams sends loosely typed JSON (and card inputs as strings);
 * everything is parsed here, at the edge, so handlers work with typed values. Unknown extra fields are allowed,
 * as Teams adds fields over time.
 */

const attachment = z
  .object({
    id: z.string().optional(),
    contentType: z.string().optional(),
    contentUrl: z.string().optional(),
    name: z.string().optional().nullable(),
    content: z.unknown().optional(),
    thumbnailUrl: z.string().optional().nullable(),
  })
  .loose();

export const messagePayloadSchema = z
  .object({
    id: z.string().optional(),
    body: z
      .object({ contentType: z.string().optional(), content: z.string().optional().nullable() })
      .partial()
      .optional(),
    attachments: z.array(attachment).optional().nullable(),
  })
  .loose();

export type MessagePayload = z.infer<typeof messagePayloadSchema>;

const authentication = z
  .object({ token: z.string().min(1) })
  .partial()
  .optional()
  .nullable();

export const queryValueSchema = z
  .object({
    commandId: z.string().min(1).max(64),
    parameters: z
      .array(z.object({ name: z.string(), value: z.unknown() }))
      .max(10)
      .optional()
      .default([]),
    queryOptions: z
      .object({
        skip: z.coerce.number().int().min(0).max(1000).optional(),
        count: z.coerce.number().int().min(1).max(100).optional(),
      })
      .optional(),
    state: z.string().max(4096).optional().nullable(),
    authentication,
  })
  .loose();

export type QueryValue = z.infer<typeof queryValueSchema>;

export const actionValueSchema = z
  .object({
    commandId: z.string().min(1).max(64),
    commandContext: z.string().optional().nullable(),
    context: z.object({ theme: z.string().optional() }).partial().optional().nullable(),
    data: z.record(z.string(), z.unknown()).optional().nullable(),
    messagePayload: messagePayloadSchema.optional().nullable(),
    botMessagePreviewAction: z.string().optional().nullable(),
    state: z.string().max(4096).optional().nullable(),
    authentication,
  })
  .loose();

export type ActionValue = z.infer<typeof actionValueSchema>;

export const selectItemValueSchema = z
  .object({
    driveId: z.string().min(1).max(512),
    itemId: z.string().min(1).max(512),
  })
  .loose();

export const queryLinkValueSchema = z
  .object({ url: z.url().max(4096), state: z.string().max(4096).optional().nullable(), authentication })
  .loose();

export const adaptiveCardActionValueSchema = z
  .object({
    action: z.object({
      type: z.literal('Action.Execute'),
      verb: z.string().min(1).max(64),
      data: z.record(z.string(), z.unknown()).optional().nullable(),
    }),
    trigger: z.string().optional(),
    state: z.string().max(4096).optional().nullable(),
    authentication: z.object({ token: z.string().optional() }).loose().optional().nullable(),
  })
  .loose();

export type AdaptiveCardActionValue = z.infer<typeof adaptiveCardActionValueSchema>;

/** A payload that failed validation; the message names the field but never echoes values. */
export class MalformedInvokeError extends Error {
  constructor(
    public readonly invokeName: string,
    public readonly issues: string[],
  ) {
    super(`Malformed ${invokeName} payload: ${issues.join('; ')}`);
    this.name = 'MalformedInvokeError';
  }
}

/** Parses an invoke value or throws MalformedInvokeError. */
export function parseInvoke<T>(name: string, schema: z.ZodType<T, unknown>, value: unknown): T {
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) {
    throw new MalformedInvokeError(
      name,
      parsed.error.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`),
    );
  }
  return parsed.data;
}

/** Reads a card input that Teams sends as a string ("true"/"false") or boolean. */
export function inputBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    if (value.toLowerCase() === 'true') return true;
    if (value.toLowerCase() === 'false') return false;
  }
  return undefined;
}

/** Reads a card input string; blank → undefined. */
export function inputString(value: unknown, max = 4000): string | undefined {
  if (typeof value !== 'string') return undefined;
  const t = value.trim();
  return t ? t.slice(0, max) : undefined;
}

/**
 * Turns Teams' clientInfo time zone into an IANA zone. Teams sends IANA names ("Europe/Berlin") from most
 * clients, but offsets like "GMT-8" also appear (recorded payloads); Etc/GMT zones have inverted signs.
 */
export function normalizeTimeZone(tz: string | undefined): string | undefined {
  if (!tz) return undefined;
  const m = /^(?:GMT|UTC)\s*([+-])\s*(\d{1,2})(?::?00)?$/i.exec(tz.trim());
  if (m) {
    const hours = Number(m[2]);
    if (hours === 0) return 'UTC';
    return `Etc/GMT${m[1] === '+' ? '-' : '+'}${hours}`;
  }
  return isKnownTimeZone(tz) ? tz : undefined;
}
