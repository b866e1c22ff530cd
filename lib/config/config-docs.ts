/**
 * Renders configuration definitions as a Markdown table, so docs/operations.md can be generated
 * from the same definitions the broker enforces instead of drifting from them.
 */
import { ConfigDefs, ConfigKey, Importance } from './config-def';

const IMPORTANCE_ORDER: Record<Importance, number> = { HIGH: 0, MEDIUM: 1, LOW: 2 };

function formatDefault(key: ConfigKey<unknown>): string {
  if (key.required) return '(required)';
  const value = key.defaultValue;
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return value.join(',');
  return String(value);
}

function validValues(key: ConfigKey<unknown>): string {
  if (key.validValues) return key.validValues.join(', ');
  return key.validators.map((v) => v.description).join('; ');
}

/** Required keys first, then by importance, then by name: the order Kafka's generated docs use. */
export function renderConfigDocs(defs: ConfigDefs): string {
  const names = Object.keys(defs).sort((a, b) => {
    const ka = defs[a];
    const kb = defs[b];
    if (ka.required !== kb.required) return ka.required ? -1 : 1;
    const byImportance = IMPORTANCE_ORDER[ka.importance] - IMPORTANCE_ORDER[kb.importance];
    return byImportance !== 0 ? byImportance : a.localeCompare(b);
  });
  const escape = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const rows = names.map((name) => {
    const key = defs[name];
    const cells = [`\`${name}\``, key.doc, key.type.toLowerCase(), formatDefault(key), validValues(key), key.importance.toLowerCase()];
    return `| ${cells.map(escape).join(' | ')} |`;
  });
  return ['| Name | Description | Type | Default | Valid values | Importance |', '|---|---|---|---|---|---|', ...rows, ''].join('\n');
}
