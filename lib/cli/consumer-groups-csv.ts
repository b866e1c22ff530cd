/**
 * The CSV of `samsa-consumer-groups --reset-offsets --export` and `--from-file`, as Kafka's
 * ConsumerGroupCommand writes and reads it: `topic,partition,offset` per line when the command
 * names one group, `group,topic,partition,offset` otherwise, so a dry run's export can be edited
 * and fed back with --from-file --execute.
 */
import type { ResetRow } from './consumer-groups-format';
import { CommandError } from './options';

/** A reset plan read from a file: group → the offsets to set. */
export type ResetPlan = Map<string, Array<{ topic: string; partition: number; offset: number }>>;

/** Kafka prints the joined rows with println, hence the final empty line. */
export function exportCsv(rows: readonly ResetRow[], singleGroup: boolean): string {
  const lines = rows.map((r) => (singleGroup ? `${r.topic},${r.partition},${r.offset}` : `${r.group},${r.topic},${r.partition},${r.offset}`));
  return lines.map((l) => `${l}\n`).join('') + '\n';
}

/**
 * Parses a plan. With one group named on the command line a 3-field line belongs to it; 4-field
 * lines name their group. Anything else is refused with the line that is wrong.
 */
export function parseResetPlan(text: string, file: string, singleGroup: string | null): ResetPlan {
  const plan: ResetPlan = new Map();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const fields = line.split(',').map((f) => f.trim());
    let group: string;
    let rest: string[];
    if (fields.length === 3 && singleGroup !== null) {
      group = singleGroup;
      rest = fields;
    } else if (fields.length === 4) {
      [group, ...rest] = fields;
    } else {
      const expected = singleGroup !== null ? 'topic,partition,offset or group,topic,partition,offset' : 'group,topic,partition,offset';
      throw new CommandError(`line ${i + 1} of ${file} ('${line}') is not ${expected}`);
    }
    const [topic, partition, offset] = rest;
    if (group === '' || topic === '' || !/^\d+$/.test(partition) || !/^-?\d+$/.test(offset) || !Number.isSafeInteger(Number(offset))) {
      throw new CommandError(`line ${i + 1} of ${file} ('${line}') does not hold a group, topic, partition number and offset`);
    }
    plan.set(group, [...(plan.get(group) ?? []), { topic, partition: Number(partition), offset: Number(offset) }]);
  });
  return plan;
}
