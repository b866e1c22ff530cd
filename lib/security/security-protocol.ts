/** Kafka's four security protocols, as named in `listener.security.protocol.map` and `security.protocol`. */

export const SECURITY_PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const;
export type SecurityProtocol = (typeof SECURITY_PROTOCOLS)[number];

export function isSecurityProtocol(text: string): text is SecurityProtocol {
  return (SECURITY_PROTOCOLS as readonly string[]).includes(text);
}

export function usesTls(protocol: SecurityProtocol): boolean {
  return protocol === 'SSL' || protocol === 'SASL_SSL';
}

export function usesSasl(protocol: SecurityProtocol): boolean {
  return protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL';
}
