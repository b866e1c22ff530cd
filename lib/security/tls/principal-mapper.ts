/**
 * The TLS principal: a client certificate's subject as Kafka prints it (RFC 2253, most specific
 * RDN first: `CN=alice,OU=eng,O=acme,C=US`), mapped by `ssl.principal.mapping.rules` (KIP-371).
 *
 * Rules are `DEFAULT` (the DN unchanged) or `RULE:pattern/replacement/[LU]`, tried in order; the
 * first whose pattern matches the whole DN gives the name (L/U lower- or upper-cases it). A DN
 * no rule matches fails authentication, as in Kafka. Parsing follows Kafka's SslPrincipalMapper,
 * so a rule file written for Kafka means the same here.
 */
import * as crypto from 'crypto';
import { ConfigError } from '../../config/config-error';

interface MappingRule {
  readonly isDefault: boolean;
  readonly pattern?: RegExp;
  readonly replacement?: string;
  readonly toLowerCase?: boolean;
  readonly toUpperCase?: boolean;
}

export type PrincipalMapper = (distinguishedName: string) => string;

// Kafka's RULE_PATTERN and RULE_SPLITTER, in JavaScript syntax.
const RULE_PATTERN = String.raw`(DEFAULT)|RULE:((?:\\.|[^\\/])*)/((?:\\.|[^\\/])*)/([LU]?).*?|(.*?)`;
const RULE_SPLITTER = new RegExp(String.raw`\s*(` + RULE_PATTERN + String.raw`)\s*(?:,\s*|$)`, 'gy');

function parseRules(text: string, key: string): MappingRule[] {
  const rules: MappingRule[] = [];
  RULE_SPLITTER.lastIndex = 0;
  let m: RegExpExecArray | null;
  while (RULE_SPLITTER.lastIndex < text.length && (m = RULE_SPLITTER.exec(text)) !== null) {
    if (m[0] === '') break;
    const [, , isDefault, pattern, replacement, flags, other] = m;
    if (other !== undefined && other.trim() !== '') {
      throw ConfigError.invalidValue(key, text, `Invalid rule: ${other.trim()}`);
    }
    if (isDefault !== undefined) {
      rules.push({ isDefault: true });
    } else if (pattern !== undefined) {
      let compiled: RegExp;
      try {
        compiled = new RegExp(pattern);
      } catch (err) {
        throw ConfigError.invalidValue(key, text, `Invalid rule pattern ${pattern}: ${(err as Error).message}`);
      }
      rules.push({ isDefault: false, pattern: compiled, replacement: replacement ?? '', toLowerCase: flags === 'L', toUpperCase: flags === 'U' });
    }
  }
  if (rules.length === 0) throw ConfigError.invalidValue(key, text, 'No principal mapping rule (use DEFAULT)');
  return rules;
}

function applyRule(rule: MappingRule, dn: string): string | undefined {
  if (rule.isDefault) return dn;
  const pattern = rule.pattern as RegExp;
  if (!new RegExp(`^(?:${pattern.source})$`).test(dn)) return undefined;
  // Java's replaceAll: every match of the pattern, $n back references.
  let result = dn.replace(new RegExp(pattern.source, 'g'), rule.replacement as string);
  if (rule.toLowerCase) result = result.toLowerCase();
  else if (rule.toUpperCase) result = result.toUpperCase();
  return result;
}

/** Parses `ssl.principal.mapping.rules` (ConfigError naming `key` when malformed). */
export function principalMapper(text: string, key = 'ssl.principal.mapping.rules'): PrincipalMapper {
  const rules = parseRules(text, key);
  return (dn) => {
    for (const rule of rules) {
      const name = applyRule(rule, dn);
      if (name !== undefined) return name;
    }
    throw new Error(`No rules apply to ${dn}, rules ${text}`);
  };
}

/**
 * A certificate's subject in RFC 2253 order. Node lists RDNs one per line, least specific first,
 * with RFC 2253 escaping already applied; Kafka (Java's X500Principal.getName()) prints them
 * most specific first, comma-separated.
 */
export function distinguishedName(cert: crypto.X509Certificate): string {
  return cert.subject.split('\n').filter((rdn) => rdn !== '').reverse().join(',');
}
