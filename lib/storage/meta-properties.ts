/**
 * `meta.properties` in each log directory: which broker the data belongs to.
 *
 * Written on first start (`version=0`, `broker.id=N`, as Kafka does in ZooKeeper mode) and checked
 * on every start after, so a broker pointed at another broker's data directory refuses to start
 * instead of serving that broker's partitions as its own.
 */
import { promises as fsp } from 'fs';
import * as path from 'path';
import { parseLines } from 'dot-properties';
import { writeFileAtomically } from './offset-checkpoint';

export const META_PROPERTIES_FILE = 'meta.properties';

/** The directory belongs to another broker (or its meta.properties is unreadable). */
export class InconsistentBrokerMetadataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InconsistentBrokerMetadataError';
  }
}

export async function readMetaProperties(logDir: string): Promise<Map<string, string> | null> {
  let text: string;
  try {
    text = await fsp.readFile(path.join(logDir, META_PROPERTIES_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const props = new Map<string, string>();
  for (const line of parseLines(text)) if (Array.isArray(line)) props.set(line[0], line[1] ?? '');
  return props;
}

/** Checks that `logDir` belongs to `brokerId`, claiming it if it has no meta.properties yet. */
export async function ensureMetaProperties(logDir: string, brokerId: number): Promise<void> {
  const file = path.join(logDir, META_PROPERTIES_FILE);
  const props = await readMetaProperties(logDir);
  if (props === null) {
    await writeFileAtomically(file, `#\n#${new Date().toString()}\nversion=0\nbroker.id=${brokerId}\n`);
    return;
  }
  const version = props.get('version');
  if (version !== '0') throw new InconsistentBrokerMetadataError(`${file} has unsupported version ${String(version)}; expected 0`);
  const stored = props.get('broker.id');
  if (stored === undefined || !/^-?\d+$/.test(stored.trim())) {
    throw new InconsistentBrokerMetadataError(`${file} has no valid broker.id (found ${JSON.stringify(stored)})`);
  }
  if (Number(stored) !== brokerId) {
    throw new InconsistentBrokerMetadataError(
      `Configured broker.id ${brokerId} doesn't match stored broker.id ${stored.trim()} in ${file}. ` +
      'If you moved your data, make sure your configured broker.id matches. If you intend to create a new broker, ' +
      'remove all data in your data directories (log.dirs).');
  }
}
