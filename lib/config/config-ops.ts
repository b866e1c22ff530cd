/**
 * IncrementalAlterConfigs' operations on one entity's stored config (Kafka's
 * ZkAdminManager.prepareIncrementalConfigs): SET and DELETE a key, APPEND to and SUBTRACT from a
 * list key. The result is validated by the caller, so a bad value is refused before anything is
 * written; the checks here are the ones about the request itself.
 */
import { ErrorCode, SamsaError } from '../protocol/errors';
import { ConfigOperation } from '../protocol/messages/alter-configs';

export interface ConfigOp {
  name: string;
  /** ConfigOperation: 0 SET, 1 DELETE, 2 APPEND, 3 SUBTRACT. */
  configOperation: number;
  value: string | null;
}

/** What an APPEND or SUBTRACT needs to know about a key: undefined when the key is unknown. */
export interface ListKeyInfo {
  isList: boolean;
  /** The default as a comma-separated string, which APPEND starts from when the key is unset. */
  defaultValue: string | null;
}

const OP_NAMES: Record<number, string> = { 2: 'append', 3: 'subtract' };

function invalidRequest(message: string): SamsaError {
  const err = new SamsaError(ErrorCode.INVALID_REQUEST, message);
  err.message = message;
  return err;
}

function splitList(value: string | null | undefined): string[] {
  return value === null || value === undefined || value.trim() === '' ? [] : value.split(',').map((v) => v.trim()).filter((v) => v !== '');
}

/** The config after `ops`, in order; `current` is not modified. Throws INVALID_REQUEST for a malformed request. */
export function applyConfigOps(current: Readonly<Record<string, string>>, ops: readonly ConfigOp[],
  keyInfo: (name: string) => ListKeyInfo | undefined): Record<string, string> {
  const seen = new Set<string>();
  for (const op of ops) {
    if (seen.has(op.name)) throw invalidRequest(`Error due to duplicate config keys: ${op.name}`);
    seen.add(op.name);
  }
  const next: Record<string, string> = { ...current };
  for (const op of ops) {
    switch (op.configOperation) {
      case ConfigOperation.SET:
        if (op.value === null) throw invalidRequest(`Null value not supported for SET of config key: ${op.name}`);
        next[op.name] = op.value;
        break;
      case ConfigOperation.DELETE:
        delete next[op.name];
        break;
      case ConfigOperation.APPEND:
      case ConfigOperation.SUBTRACT: {
        const info = keyInfo(op.name);
        if (!info?.isList) throw invalidRequest(`Config value ${OP_NAMES[op.configOperation]} is not allowed for config key: ${op.name}`);
        const given = splitList(op.value);
        if (op.configOperation === ConfigOperation.APPEND) {
          // Kafka 2.8 appended duplicates too; later versions (KAFKA-10216) keep each value once, as here.
          const old = op.name in next ? splitList(next[op.name]) : splitList(info.defaultValue);
          next[op.name] = [...old, ...given.filter((v) => !old.includes(v))].join(',');
        } else {
          const left = splitList(next[op.name]).filter((v) => !given.includes(v));
          if (left.length > 0) next[op.name] = left.join(',');
          else delete next[op.name];
        }
        break;
      }
      default:
        throw invalidRequest(`Unknown config operation ${op.configOperation} for config key: ${op.name}`);
    }
  }
  return next;
}
