/**
 * Test certificates made with openssl at run time, in a temporary directory removed at exit:
 * private keys are never checked in. EC P-256 keys keep generation to a fraction of a second.
 *
 * One CA signs: a broker certificate for localhost and 127.0.0.1, a client certificate for
 * CN=alice,OU=eng,O=acme,C=US, and a certificate for the wrong host (wrong.example). A second,
 * untrusted CA signs a rogue client certificate. Each leaf also comes as a PEM key store (key +
 * chain in one file); the broker's also with an encrypted key and as PKCS12, and the CA as a
 * PKCS12 trust store.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export interface TestLeaf {
  /** PEM files. */
  readonly cert: string;
  readonly key: string;
  /** One PEM file: private key, then the certificate and the CA (Kafka's PEM key store). */
  readonly keystore: string;
}

export interface TestCerts {
  readonly dir: string;
  /** The CA certificate (PEM): a PEM trust store. */
  readonly ca: string;
  readonly caPem: string;
  readonly broker: TestLeaf;
  /** Subject CN=alice,OU=eng,O=acme,C=US (RFC 2253 order). */
  readonly client: TestLeaf;
  /** SAN DNS:wrong.example only: fails host name verification against localhost/127.0.0.1. */
  readonly wrongHost: TestLeaf;
  /** Signed by a CA nobody trusts. */
  readonly rogueClient: TestLeaf;
  /** The broker's key encrypted (AES-256) with `password`, its certificate and CA: needs ssl.key.password. */
  readonly encryptedKeystore: string;
  /** The broker's key and chain as PKCS12, protected by `password`. */
  readonly pkcs12Keystore: string;
  /** The CA as a PKCS12 trust store, protected by `password`. */
  readonly pkcs12Truststore: string;
  readonly password: string;
}

export const CLIENT_DN = 'CN=alice,OU=eng,O=acme,C=US';

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

function newKey(dir: string, name: string): string {
  openssl(dir, ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`]);
  return path.join(dir, `${name}.key`);
}

function caCert(dir: string, name: string, subject: string): void {
  newKey(dir, name);
  openssl(dir, ['req', '-x509', '-new', '-key', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', subject,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
}

function leaf(dir: string, name: string, subject: string, san: string | null, ca: string): TestLeaf {
  const key = newKey(dir, name);
  openssl(dir, ['req', '-new', '-key', `${name}.key`, '-out', `${name}.csr`, '-subj', subject]);
  const ext = path.join(dir, `${name}.ext`);
  fs.writeFileSync(ext, `basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\n${san ? `subjectAltName=${san}\n` : ''}`);
  openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', '-extfile', ext]);
  const cert = path.join(dir, `${name}.pem`);
  const keystore = path.join(dir, `${name}-keystore.pem`);
  fs.writeFileSync(keystore, fs.readFileSync(key, 'utf8') + fs.readFileSync(cert, 'utf8') + fs.readFileSync(path.join(dir, `${ca}.pem`), 'utf8'));
  return { cert, key, keystore };
}

let cached: TestCerts | undefined;

/** Generates the set once per process; the directory is removed when the process exits. */
export function testCerts(): TestCerts {
  if (cached) return cached;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'samsa-certs-'));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  const password = 'test-secret-123';
  caCert(dir, 'ca', '/CN=Samsa Test CA');
  caCert(dir, 'rogue-ca', '/CN=Rogue CA');
  const broker = leaf(dir, 'broker', '/CN=localhost/O=samsa', 'DNS:localhost,IP:127.0.0.1', 'ca');
  const client = leaf(dir, 'client', '/C=US/O=acme/OU=eng/CN=alice', null, 'ca');
  const wrongHost = leaf(dir, 'wrong-host', '/CN=wrong.example', 'DNS:wrong.example', 'ca');
  const rogueClient = leaf(dir, 'rogue-client', '/CN=mallory', null, 'rogue-ca');
  openssl(dir, ['pkey', '-in', 'broker.key', '-aes256', '-passout', `pass:${password}`, '-out', 'broker-encrypted.key']);
  const encryptedKeystore = path.join(dir, 'broker-encrypted-keystore.pem');
  fs.writeFileSync(encryptedKeystore, fs.readFileSync(path.join(dir, 'broker-encrypted.key'), 'utf8') + fs.readFileSync(broker.cert, 'utf8') + fs.readFileSync(path.join(dir, 'ca.pem'), 'utf8'));
  openssl(dir, ['pkcs12', '-export', '-inkey', 'broker.key', '-in', 'broker.pem', '-certfile', 'ca.pem', '-out', 'broker.p12', '-passout', `pass:${password}`]);
  openssl(dir, ['pkcs12', '-export', '-nokeys', '-in', 'ca.pem', '-out', 'truststore.p12', '-passout', `pass:${password}`]);
  const ca = path.join(dir, 'ca.pem');
  cached = {
    dir, ca, caPem: fs.readFileSync(ca, 'utf8'), broker, client, wrongHost, rogueClient, encryptedKeystore,
    pkcs12Keystore: path.join(dir, 'broker.p12'), pkcs12Truststore: path.join(dir, 'truststore.p12'), password,
  };
  return cached;
}

/** Broker overrides for a TLS listener with these certificates (merge with the listener keys). */
export function brokerTlsOverrides(certs: TestCerts, extra: Record<string, string> = {}): Record<string, string> {
  return { 'ssl.keystore.type': 'PEM', 'ssl.keystore.location': certs.broker.keystore, 'ssl.truststore.location': certs.ca, ...extra };
}
