/**
 * Reads the key store and trust store named by Kafka's ssl.* keys into what Node's `tls` takes
 * (key/cert/passphrase or pfx; ca), and checks them at startup: a missing file, a key that does
 * not decrypt, a certificate that does not belong to the key or a JKS store each stop startup
 * with a ConfigError naming the key to fix. Messages name keys, never their values: the values
 * include passwords.
 */
import { execFileSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as tls from 'tls';
import { ConfigError } from '../../config/config-error';
import { StoreType } from '../../config/security-config-defs';

/** The ssl.* values tls-material reads, as parsed by the config definitions. */
export interface SslStoreValues {
  readonly 'ssl.keystore.type': StoreType | null;
  readonly 'ssl.keystore.location': string | null;
  readonly 'ssl.keystore.password': string | null;
  readonly 'ssl.key.password': string | null;
  readonly 'ssl.keystore.key': string | null;
  readonly 'ssl.keystore.certificate.chain': string | null;
  readonly 'ssl.truststore.type': StoreType | null;
  readonly 'ssl.truststore.location': string | null;
  readonly 'ssl.truststore.password': string | null;
  readonly 'ssl.truststore.certificates': string | null;
}

/** The key name as the user wrote it (with its `listener.name.<l>.` prefix when it came from there). */
export type KeyNamer = (key: string) => string;

/** A key and its certificate chain, in the form Node's SecureContext takes. */
export type KeyMaterial =
  | { readonly kind: 'pem'; readonly key: string; readonly cert: string; readonly passphrase?: string }
  | { readonly kind: 'pkcs12'; readonly pfx: Buffer; readonly passphrase?: string };

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const PEM_KEY = /-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/;
const JKS_MAGIC = 0xfeedfeed;

function blank(value: string | null): value is null {
  return value === null || value.trim() === '';
}

function readStore(file: string, key: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message;
    throw new ConfigError(`Invalid value ${file} for configuration ${key}: cannot read the store (${reason})`, { key, value: file });
  }
}

/** The configured type, or what the file looks like (PEM text or binary PKCS12); JKS is refused either way. */
function storeType(configured: StoreType | null, bytes: Buffer, typeKey: string, locationKey: string): 'PEM' | 'PKCS12' {
  const looksJks = bytes.length >= 4 && bytes.readUInt32BE(0) === JKS_MAGIC;
  if (configured === 'JKS' || (configured === null && looksJks)) {
    throw new ConfigError(
      `Configuration ${configured === 'JKS' ? typeKey : locationKey} names a JKS store, which Samsa cannot read; ` +
      'convert it with `keytool -importkeystore -srckeystore <store>.jks -destkeystore <store>.p12 -deststoretype PKCS12` ' +
      `and set ${typeKey}=PKCS12 (or export PEM files and set ${typeKey}=PEM)`,
      { key: configured === 'JKS' ? typeKey : locationKey });
  }
  if (configured !== null) return configured;
  return bytes.toString('latin1', 0, Math.min(bytes.length, 4096)).includes('-----BEGIN') ? 'PEM' : 'PKCS12';
}

/** Checks a PEM key decrypts and matches the first certificate of the chain. */
function checkPemPair(keyPem: string, chain: string, passphrase: string | undefined, keyKey: string, certKey: string, name: KeyNamer): void {
  let privateKey: crypto.KeyObject;
  try {
    privateKey = crypto.createPrivateKey(passphrase === undefined ? { key: keyPem, format: 'pem' } : { key: keyPem, format: 'pem', passphrase });
  } catch (err) {
    const encrypted = /ENCRYPTED/.test(keyPem) || /Proc-Type: 4,ENCRYPTED/.test(keyPem);
    if (encrypted && passphrase === undefined) {
      throw new ConfigError(`The private key in ${keyKey} is encrypted but ${name('ssl.key.password')} is not set`, { key: name('ssl.key.password') });
    }
    if (encrypted) throw new ConfigError(`Invalid value [hidden] for configuration ${name('ssl.key.password')}: the private key in ${keyKey} does not decrypt with it`, { key: name('ssl.key.password') });
    throw new ConfigError(`Invalid value for configuration ${keyKey}: the private key cannot be read (${(err as Error).message})`, { key: keyKey });
  }
  const certs = chain.match(PEM_CERT) ?? [];
  if (certs.length === 0) throw new ConfigError(`Invalid value for configuration ${certKey}: no PEM certificate (-----BEGIN CERTIFICATE-----) found`, { key: certKey });
  let leaf: crypto.X509Certificate;
  try {
    leaf = new crypto.X509Certificate(certs[0] as string);
  } catch (err) {
    throw new ConfigError(`Invalid value for configuration ${certKey}: the certificate cannot be read (${(err as Error).message})`, { key: certKey });
  }
  if (!leaf.checkPrivateKey(privateKey)) {
    throw new ConfigError(`Invalid value for configuration ${certKey}: the certificate (${leaf.subject.replace(/\n/g, ', ')}) does not belong to the private key`, { key: certKey });
  }
}

/** The key store, or undefined when none is configured. */
export function loadKeyStore(v: SslStoreValues, name: KeyNamer): KeyMaterial | undefined {
  const keyPassword = blank(v['ssl.key.password']) ? undefined : v['ssl.key.password'];
  if (!blank(v['ssl.keystore.key']) || !blank(v['ssl.keystore.certificate.chain'])) {
    if (!blank(v['ssl.keystore.location'])) {
      throw new ConfigError(`Configurations ${name('ssl.keystore.location')} and ${name('ssl.keystore.key')} cannot both be set`, { key: name('ssl.keystore.key') });
    }
    if (blank(v['ssl.keystore.key'])) throw ConfigError.missing(name('ssl.keystore.key'));
    if (blank(v['ssl.keystore.certificate.chain'])) throw ConfigError.missing(name('ssl.keystore.certificate.chain'));
    checkPemPair(v['ssl.keystore.key'], v['ssl.keystore.certificate.chain'], keyPassword, name('ssl.keystore.key'), name('ssl.keystore.certificate.chain'), name);
    return { kind: 'pem', key: v['ssl.keystore.key'], cert: v['ssl.keystore.certificate.chain'], passphrase: keyPassword };
  }
  if (blank(v['ssl.keystore.location'])) return undefined;
  const location = v['ssl.keystore.location'];
  const locationKey = name('ssl.keystore.location');
  const bytes = readStore(location, locationKey);
  if (storeType(v['ssl.keystore.type'], bytes, name('ssl.keystore.type'), locationKey) === 'PEM') {
    const text = bytes.toString('utf8');
    const keyPem = PEM_KEY.exec(text)?.[0];
    if (keyPem === undefined) throw new ConfigError(`Invalid value ${location} for configuration ${locationKey}: no PEM private key found (a PEM key store holds the private key and the certificate chain)`, { key: locationKey, value: location });
    const chain = (text.match(PEM_CERT) ?? []).join('\n');
    checkPemPair(keyPem, chain, keyPassword, locationKey, locationKey, name);
    return { kind: 'pem', key: keyPem, cert: chain, passphrase: keyPassword };
  }
  const storePassword = blank(v['ssl.keystore.password']) ? undefined : v['ssl.keystore.password'];
  try {
    tls.createSecureContext({ pfx: bytes, passphrase: storePassword });
  } catch (err) {
    const message = (err as Error).message;
    if (/mac verify|password|decrypt/i.test(message)) {
      throw new ConfigError(`Invalid value [hidden] for configuration ${name('ssl.keystore.password')}: the PKCS12 key store ${location} does not open with it`, { key: name('ssl.keystore.password') });
    }
    throw new ConfigError(`Invalid value ${location} for configuration ${locationKey}: not a usable PKCS12 key store (${message})`, { key: locationKey, value: location });
  }
  return { kind: 'pkcs12', pfx: bytes, passphrase: storePassword };
}

/** PKCS12 trust stores hold only certificates, which Node's `pfx` cannot take: openssl lists them as PEM. */
function pkcs12Certificates(file: string, password: string | undefined, locationKey: string, passwordKey: string): string {
  try {
    return execFileSync('openssl', ['pkcs12', '-in', file, '-nokeys', '-passin', 'env:SAMSA_TRUSTSTORE_PASSWORD'], {
      env: { ...process.env, SAMSA_TRUSTSTORE_PASSWORD: password ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    }).toString('utf8');
  } catch (err) {
    const stderr = String((err as { stderr?: Buffer }).stderr ?? '');
    if (/mac verify|invalid password/i.test(stderr)) {
      throw new ConfigError(`Invalid value [hidden] for configuration ${passwordKey}: the PKCS12 trust store ${file} does not open with it`, { key: passwordKey });
    }
    throw new ConfigError(`Invalid value ${file} for configuration ${locationKey}: not a readable PKCS12 trust store (openssl: ${stderr.trim().split('\n')[0] || (err as Error).message})`, { key: locationKey, value: file });
  }
}

function certificatesOf(pem: string, key: string): string[] {
  const certs = pem.match(PEM_CERT) ?? [];
  if (certs.length === 0) throw new ConfigError(`Invalid value for configuration ${key}: no PEM certificate (-----BEGIN CERTIFICATE-----) found`, { key });
  for (const cert of certs) {
    try {
      new crypto.X509Certificate(cert);
    } catch (err) {
      throw new ConfigError(`Invalid value for configuration ${key}: a certificate cannot be read (${(err as Error).message})`, { key });
    }
  }
  return certs;
}

/** The trusted CA certificates (PEM), or undefined when none are configured (Node's built-in CAs apply). */
export function loadTrustStore(v: SslStoreValues, name: KeyNamer): string[] | undefined {
  if (!blank(v['ssl.truststore.certificates'])) {
    if (!blank(v['ssl.truststore.location'])) {
      throw new ConfigError(`Configurations ${name('ssl.truststore.location')} and ${name('ssl.truststore.certificates')} cannot both be set`, { key: name('ssl.truststore.certificates') });
    }
    return certificatesOf(v['ssl.truststore.certificates'], name('ssl.truststore.certificates'));
  }
  if (blank(v['ssl.truststore.location'])) return undefined;
  const location = v['ssl.truststore.location'];
  const locationKey = name('ssl.truststore.location');
  const bytes = readStore(location, locationKey);
  if (storeType(v['ssl.truststore.type'], bytes, name('ssl.truststore.type'), locationKey) === 'PEM') {
    return certificatesOf(bytes.toString('utf8'), locationKey);
  }
  const password = blank(v['ssl.truststore.password']) ? undefined : v['ssl.truststore.password'];
  return certificatesOf(pkcs12Certificates(location, password, locationKey, name('ssl.truststore.password')), locationKey);
}

/** The Node options a key store gives (either side of a connection). */
export function keyMaterialOptions(material: KeyMaterial | undefined): tls.SecureContextOptions {
  if (material === undefined) return {};
  if (material.kind === 'pem') return { key: material.key, cert: material.cert, passphrase: material.passphrase };
  return { pfx: material.pfx, passphrase: material.passphrase };
}
