import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1.';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Parses REDIS_ENCRYPTION_KEY: 32 bytes as base64 (44 characters) or hex (64 characters). */
export function parseStateKey(value: string): Buffer | undefined {
  const text = value.trim();
  const bytes = /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  return bytes.length === 32 ? bytes : undefined;
}

/**
 * Everything shared state needs from cryptography, derived from one key in the settings (HKDF-SHA256, one subkey
 * per purpose): values are sealed with AES-256-GCM bound to their Redis key (a value moved under another person's
 * key does not open), names are keyed HMACs (no tenant, person or item id appears in Redis), and the idempotency
 * digest key is the same on every instance.
 */
export class StateCipher {
  private readonly sealKey: Buffer;
  private readonly nameKey: Buffer;

  constructor(private readonly master: Buffer) {
    if (master.length !== 32) throw new Error('The shared-state key must be 32 bytes');
    this.sealKey = this.derive('seal');
    this.nameKey = this.derive('name');
  }

  /** A 32-byte key for one purpose, the same on every instance that has the same master key. */
  derive(purpose: string): Buffer {
    return Buffer.from(hkdfSync('sha256', this.master, Buffer.alloc(0), `share-link/state/${purpose}`, 32));
  }

  /** The opaque name of a piece of state: HMAC-SHA256 of kind and id, base64url. */
  name(kind: string, id: string): string {
    return createHmac('sha256', this.nameKey).update(`${kind}\n${id}`).digest('base64url');
  }

  /** AES-256-GCM with a random nonce; `boundTo` (the Redis key) is authenticated additional data. */
  seal(plain: string, boundTo: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.sealKey, iv);
    cipher.setAAD(Buffer.from(boundTo));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return VERSION + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
  }

  /** The plain text, or undefined when the value is not ours (other key, other name, tampered, truncated). */
  open(sealed: string, boundTo: string): string | undefined {
    if (!sealed.startsWith(VERSION)) return undefined;
    const raw = Buffer.from(sealed.slice(VERSION.length), 'base64');
    if (raw.length < IV_BYTES + TAG_BYTES) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.sealKey, raw.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(boundTo));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      return undefined;
    }
  }
}
