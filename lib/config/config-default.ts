/**
 * A config key's default, read from its definition, for code that also takes the setting as an
 * optional option (the client option objects, LogManager, the controller, the group coordinator).
 *
 * Kafka's defaults are written once, in the definitions (broker-config-defs.ts, client-config.ts);
 * everything else asks here instead of repeating the number in a `?? 30000` that silently goes
 * stale when the definition changes.
 */
import { ConfigDefs, ValuesOf } from './config-def';

/** The default of `key`; throws (at module load, where callers use it) for a key without one. */
export function configDefault<D extends ConfigDefs, K extends keyof D & string>(defs: D, key: K): NonNullable<ValuesOf<D>[K]> {
  const value = defs[key].defaultValue;
  if (value === undefined || value === null) throw new Error(`config key ${key} has no default`);
  return value as NonNullable<ValuesOf<D>[K]>;
}
