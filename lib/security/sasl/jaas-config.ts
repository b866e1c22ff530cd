/**
 * Kafka's `sasl.jaas.config` values, parsed as Kafka's JaasConfig does:
 *
 *   <LoginModule class> <required|requisite|sufficient|optional> name="value" name=value ... ;
 *
 * Values are double-quoted strings (backslash escapes \" \\ \n \t, as Java's StreamTokenizer
 * reads them) or bare words; the entry ends with `;`. Samsa reads one login module per value
 * (Kafka's clients insist on one too). Errors name the configuration key but never echo the
 * value: it holds passwords.
 */
import { ConfigError } from '../../config/config-error';

export const JAAS_FLAGS = ['required', 'requisite', 'sufficient', 'optional'] as const;

export interface JaasLoginModule {
  readonly loginModule: string;
  readonly flag: (typeof JAAS_FLAGS)[number];
  readonly options: ReadonlyMap<string, string>;
}

export const PLAIN_LOGIN_MODULE = 'org.apache.kafka.common.security.plain.PlainLoginModule';
export const SCRAM_LOGIN_MODULE = 'org.apache.kafka.common.security.scram.ScramLoginModule';

type Token = { kind: 'word' | 'quoted'; text: string } | { kind: 'punct'; text: '=' | ';' };

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '"': '"', '\\': '\\', "'": "'" };

function tokenize(text: string, fail: (why: string) => never): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '=' || c === ';') {
      tokens.push({ kind: 'punct', text: c });
      i++;
    } else if (c === '"') {
      let out = '';
      i++;
      for (;;) {
        if (i >= text.length) fail('a quoted value is not closed');
        const d = text[i];
        if (d === '"') break;
        if (d === '\\') {
          const e = text[i + 1];
          if (e === undefined) fail('a quoted value ends with a backslash');
          out += ESCAPES[e] ?? e;
          i += 2;
          continue;
        }
        out += d;
        i++;
      }
      i++;
      tokens.push({ kind: 'quoted', text: out });
    } else {
      const start = i;
      while (i < text.length && !/[\s=;"]/.test(text[i])) i++;
      tokens.push({ kind: 'word', text: text.slice(start, i) });
    }
  }
  return tokens;
}

/** Parses one JAAS entry; `key` names the configuration in errors. */
export function parseJaasConfig(key: string, text: string): JaasLoginModule {
  const fail = (why: string): never => {
    throw new ConfigError(`Invalid value [hidden] for configuration ${key}: ${why}; expected '<LoginModule> required name="value" ... ;' with one login module`, { key });
  };
  const tokens = tokenize(text, fail);
  let pos = 0;
  const next = (): Token | undefined => tokens[pos++];
  const moduleToken = next();
  if (!moduleToken || moduleToken.kind !== 'word') fail('it does not start with a login module class name');
  const flagToken = next();
  const flag = flagToken?.kind === 'word' ? flagToken.text.toLowerCase() : '';
  if (!(JAAS_FLAGS as readonly string[]).includes(flag)) fail(`the login module must be followed by one of ${JAAS_FLAGS.join('|')}`);
  const options = new Map<string, string>();
  for (;;) {
    const t = next();
    if (t === undefined) fail('it does not end with ;');
    if (t!.kind === 'punct' && t!.text === ';') break;
    if (t!.kind !== 'word') fail('an option name is missing');
    const eq = next();
    if (!eq || eq.kind !== 'punct' || eq.text !== '=') fail(`option ${t!.text} has no =value`);
    const value = next();
    if (!value || value.kind === 'punct') fail(`option ${t!.text} has no value`);
    options.set(t!.text, value!.text);
  }
  if (pos < tokens.length) fail('it holds more than one login module');
  return { loginModule: (moduleToken as { text: string }).text, flag: flag as JaasLoginModule['flag'], options };
}
