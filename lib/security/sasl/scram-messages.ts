/**
 * The four SCRAM messages of RFC 5802 section 7, as text: client-first, server-first,
 * client-final and server-final, with the username escaping of section 5.1 (`,` as `=2C`, `=`
 * as `=3D`). Shared by the broker (scram-server.ts) and the client (scram-client.ts); parsers
 * return undefined on malformed input, and the caller decides how to fail.
 */

export interface ClientFirst {
  /** `n,,` or `n,a=<authzid>,`: echoed (base64) in client-final's channel binding. */
  readonly gs2Header: string;
  readonly authzid: string;
  readonly username: string;
  readonly nonce: string;
  /** `n=...,r=...[,ext...]`: part of AuthMessage. */
  readonly bare: string;
  /** Extensions after the nonce (Kafka's `tokenauth=true` for delegation tokens). */
  readonly extensions: ReadonlyMap<string, string>;
}

export interface ServerFirst {
  readonly nonce: string;
  readonly salt: Buffer;
  readonly iterations: number;
}

export interface ClientFinal {
  readonly channelBinding: string;
  readonly nonce: string;
  readonly proof: Buffer;
  /** `c=...,r=...`: part of AuthMessage. */
  readonly withoutProof: string;
}

export function escapeUsername(name: string): string {
  return name.replace(/=/g, '=3D').replace(/,/g, '=2C');
}

/** undefined when an `=` is followed by anything but 2C or 3D (RFC 5802: the server must fail). */
export function unescapeUsername(name: string): string | undefined {
  if (/=(?!2C|3D)/.test(name)) return undefined;
  return name.replace(/=2C/g, ',').replace(/=3D/g, '=');
}

/** Printable ASCII except `,` (RFC 5802's `printable`). */
const NONCE = /^[\x21-\x2b\x2d-\x7e]+$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function attributes(parts: string[]): Map<string, string> | undefined {
  const out = new Map<string, string>();
  for (const part of parts) {
    if (part.length < 2 || part[1] !== '=') return undefined;
    out.set(part[0], part.slice(2));
  }
  return out;
}

function base64(text: string | undefined): Buffer | undefined {
  if (text === undefined || !BASE64.test(text)) return undefined;
  return Buffer.from(text, 'base64');
}

export function parseClientFirst(text: string): ClientFirst | undefined {
  // gs2-cbind-flag "," [authzid] "," client-first-bare; only "n" (no channel binding) is offered by Kafka.
  const m = /^([nyp][^,]*),(a=[^,]*)?,(.*)$/s.exec(text);
  if (!m || m[1] !== 'n' && m[1] !== 'y') return undefined;
  const bare = m[3];
  const parts = bare.split(',');
  if (parts.length < 2 || !parts[0].startsWith('n=') || !parts[1].startsWith('r=')) return undefined;
  const username = unescapeUsername(parts[0].slice(2));
  const nonce = parts[1].slice(2);
  if (username === undefined || username.length === 0 || !NONCE.test(nonce)) return undefined;
  const extensions = new Map<string, string>();
  for (const ext of parts.slice(2)) {
    const eq = ext.indexOf('=');
    if (eq <= 0) return undefined;
    extensions.set(ext.slice(0, eq), ext.slice(eq + 1));
  }
  const authzid = m[2] ? unescapeUsername(m[2].slice(2)) : '';
  if (authzid === undefined) return undefined;
  return { gs2Header: `${m[1]},${m[2] ?? ''},`, authzid, username, nonce, bare, extensions };
}

export function formatClientFirstBare(username: string, nonce: string): string {
  return `n=${escapeUsername(username)},r=${nonce}`;
}

export function formatServerFirst(m: ServerFirst): string {
  return `r=${m.nonce},s=${m.salt.toString('base64')},i=${m.iterations}`;
}

export function parseServerFirst(text: string): ServerFirst | undefined {
  const attrs = attributes(text.split(','));
  const nonce = attrs?.get('r');
  const salt = base64(attrs?.get('s'));
  const iterations = Number(attrs?.get('i'));
  if (!nonce || !NONCE.test(nonce) || !salt || salt.length === 0 || !Number.isInteger(iterations) || iterations <= 0) return undefined;
  return { nonce, salt, iterations };
}

export function parseClientFinal(text: string): ClientFinal | undefined {
  const pIndex = text.lastIndexOf(',p=');
  if (pIndex < 0) return undefined;
  const withoutProof = text.slice(0, pIndex);
  const attrs = attributes(withoutProof.split(','));
  const channelBinding = attrs?.get('c');
  const nonce = attrs?.get('r');
  const proof = base64(text.slice(pIndex + 3));
  if (channelBinding === undefined || !nonce || !proof || proof.length === 0) return undefined;
  return { channelBinding, nonce, proof, withoutProof };
}

export function formatClientFinalWithoutProof(gs2Header: string, nonce: string): string {
  return `c=${Buffer.from(gs2Header, 'utf8').toString('base64')},r=${nonce}`;
}

/** `v=<signature>` or `e=<error>`. */
export function parseServerFinal(text: string): { signature?: Buffer; error?: string } | undefined {
  if (text.startsWith('e=')) return { error: text.slice(2) };
  if (!text.startsWith('v=')) return undefined;
  const signature = base64(text.slice(2).split(',')[0]);
  return signature ? { signature } : undefined;
}

export function authMessage(clientFirstBare: string, serverFirst: string, clientFinalWithoutProof: string): string {
  return `${clientFirstBare},${serverFirst},${clientFinalWithoutProof}`;
}

export function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] ^ b[i];
  return out;
}
