/**
 * Who a connection is, as Kafka names it: `User:alice`, or `User:ANONYMOUS` before (or without)
 * authentication. TLS client certificates give `User:<mapped DN>`, SASL gives `User:<username>`.
 * ACLs, super.users and audit lines all use this one textual form.
 */

export interface KafkaPrincipal {
  readonly type: string;
  readonly name: string;
}

export const ANONYMOUS: KafkaPrincipal = Object.freeze({ type: 'User', name: 'ANONYMOUS' });

export function userPrincipal(name: string): KafkaPrincipal {
  return { type: 'User', name };
}

export function formatPrincipal(p: KafkaPrincipal): string {
  return `${p.type}:${p.name}`;
}

/** Parses `Type:name` (the name may itself contain ':', as a TLS DN can); undefined when malformed. */
export function parsePrincipal(text: string): KafkaPrincipal | undefined {
  const colon = text.indexOf(':');
  if (colon <= 0 || colon === text.length - 1) return undefined;
  return { type: text.slice(0, colon), name: text.slice(colon + 1) };
}
