import { generateKeyPairSync, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import forge from 'node-forge';

/** The sandbox's TLS material: a local CA (what the app must trust) and a server certificate it signed. */
export interface SandboxTls {
  caCertPem: string;
  certPem: string;
  keyPem: string;
  caPath: string;
}

function newKeyPair(): { privateKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey } {
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const priv = forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey;
  return { privateKey: priv, publicKey: forge.pki.setRsaPublicKey(priv.n, priv.e) };
}

function serial(): string {
  // Positive serial: clear the top bit.
  const b = randomBytes(16);
  b[0] &= 0x7f;
  return b.toString('hex');
}

function issue(
  subjectCn: string,
  keys: { publicKey: forge.pki.rsa.PublicKey },
  issuer: { cert?: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey },
  isCa: boolean,
): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + (isCa ? 3650 : 825) * 86_400_000);
  const subject = [
    { name: 'commonName', value: subjectCn },
    { name: 'organizationName', value: 'Share Link sandbox' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(issuer.cert ? issuer.cert.subject.attributes : subject);
  cert.setExtensions(
    isCa
      ? [
          { name: 'basicConstraints', cA: true, critical: true },
          { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
          { name: 'subjectKeyIdentifier' },
        ]
      : [
          { name: 'basicConstraints', cA: false },
          { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
          { name: 'extKeyUsage', serverAuth: true },
          {
            name: 'subjectAltName',
            altNames: [
              { type: 7, ip: '127.0.0.1' },
              { type: 7, ip: '::1' },
              { type: 2, value: 'localhost' },
            ],
          },
        ],
  );
  cert.sign(issuer.key, forge.md.sha256.create());
  return cert;
}

/**
 * Loads the sandbox CA and server certificate from dataDir, creating them on first use. They are kept so that
 * the trust bundle handed to the app stays valid across restarts.
 */
export function ensureSandboxTls(dataDir: string): SandboxTls {
  const dir = path.join(dataDir, 'tls');
  const files = {
    ca: path.join(dir, 'ca.pem'),
    cert: path.join(dir, 'server.pem'),
    key: path.join(dir, 'server-key.pem'),
  };
  if (Object.values(files).every((f) => fs.existsSync(f))) {
    const certPem = fs.readFileSync(files.cert, 'utf8');
    const notAfter = forge.pki.certificateFromPem(certPem).validity.notAfter.getTime();
    if (notAfter - Date.now() > 7 * 86_400_000) {
      return {
        caCertPem: fs.readFileSync(files.ca, 'utf8'),
        certPem,
        keyPem: fs.readFileSync(files.key, 'utf8'),
        caPath: files.ca,
      };
    }
  }
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const caKeys = newKeyPair();
  const caCert = issue('Share Link sandbox local CA', caKeys, { key: caKeys.privateKey }, true);
  const serverKeys = newKeyPair();
  const serverCert = issue('127.0.0.1', serverKeys, { cert: caCert, key: caKeys.privateKey }, false);
  const out: SandboxTls = {
    caCertPem: forge.pki.certificateToPem(caCert),
    certPem: forge.pki.certificateToPem(serverCert),
    keyPem: forge.pki.privateKeyToPem(serverKeys.privateKey),
    caPath: files.ca,
  };
  // Write to temp names first so a concurrent reader never sees a half-written set.
  const tmp = `.${process.pid}.tmp`;
  fs.writeFileSync(files.key + tmp, out.keyPem, { mode: 0o600 });
  fs.writeFileSync(files.cert + tmp, out.certPem);
  fs.writeFileSync(files.ca + tmp, out.caCertPem);
  fs.renameSync(files.key + tmp, files.key);
  fs.renameSync(files.cert + tmp, files.cert);
  fs.renameSync(files.ca + tmp, files.ca);
  return out;
}
