import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** An RSA signing key of one sandbox authority, with the public half as a JWK for its JWKS document. */
export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicJwk: Record<string, unknown>;
}

export type Authority = 'entra' | 'botframework';

interface StoredKey {
  kid: string;
  pkcs8: string;
}

/**
 * Loads (or creates once) the signing keys of the sandbox's Entra ID and Bot Framework channel. They are kept on
 * disk because botbuilder caches OpenID metadata and keys for 24 h: a new key on every start would be rejected.
 */
export function loadSigningKeys(dataDir: string): Record<Authority, SigningKey> {
  const file = path.join(dataDir, 'signing-keys.json');
  let stored: Partial<Record<Authority, StoredKey>> = {};
  if (fs.existsSync(file)) stored = JSON.parse(fs.readFileSync(file, 'utf8'));
  let changed = false;
  for (const name of ['entra', 'botframework'] as Authority[]) {
    if (!stored[name]) {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      stored[name] = {
        kid: `${name}-${randomUUID().slice(0, 8)}`,
        pkcs8: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      };
      changed = true;
    }
  }
  if (changed) {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    fs.writeFileSync(file + `.${process.pid}.tmp`, JSON.stringify(stored, null, 2), { mode: 0o600 });
    fs.renameSync(file + `.${process.pid}.tmp`, file);
  }
  const toKey = (s: StoredKey): SigningKey => {
    const privateKey = createPrivateKey(s.pkcs8);
    const publicKey = createPublicKey(privateKey);
    const jwk = publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
    return {
      kid: s.kid,
      privateKey,
      publicKey,
      publicJwk: { ...jwk, kid: s.kid, kty: 'RSA', use: 'sig', alg: 'RS256' },
    };
  };
  return { entra: toKey(stored.entra!), botframework: toKey(stored.botframework!) };
}
