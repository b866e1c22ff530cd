/**
 * The MirrorMaker 2 settings samsa-mirror-maker understands, with MM2's key names and defaults,
 * parsed with the shared ConfigDef framework. They come from `--mm2.config <file>` and
 * `--mm2-property key=value` (never from the consumer or producer config, which stay plain client
 * configs). docs/mirror-maker.md explains each one.
 */
import { booleanKey, intKey, listKey, longKey, parseConfig, RawConfig, stringKey, ValuesOf } from '../config/config-def';
import { ConfigError } from '../config/config-error';
import { atLeast, rule } from '../config/validators';

const regexList = rule<readonly string[]>('a list of regular expressions', (items) => {
  for (const item of items) {
    try {
      new RegExp(item);
    } catch (err) {
      return `Invalid regular expression '${item}': ${(err as Error).message}`;
    }
  }
  return undefined;
});

const topicNameChars = rule<string>('letters, digits, ., _ and -', (value) =>
  /^[a-zA-Z0-9._-]*$/.test(value) ? undefined : `'${value}' may only contain letters, digits, '.', '_' and '-'`);

export const mirrorConfigDefs = {
  'source.cluster.alias': stringKey({ default: '', validate: topicNameChars, importance: 'HIGH',
    doc: 'Alias of the source cluster. When set, topics are renamed <alias><separator><topic> on the target and checkpoints go to <alias>.checkpoints.internal; empty keeps topic names and uses checkpoints.internal.' }),
  'target.cluster.alias': stringKey({ default: 'target', validate: topicNameChars, importance: 'LOW',
    doc: 'Alias of the target cluster, used in the offset-syncs topic name mm2-offset-syncs.<alias>.internal.' }),
  'replication.policy.separator': stringKey({ default: '.', validate: topicNameChars, importance: 'LOW', doc: 'Separator between the source alias and the topic name.' }),
  'topics.exclude': listKey({ default: ['.*[\\-\\.]internal', '.*\\.replica', '__.*'], validate: regexList, importance: 'MEDIUM',
    doc: 'Topics never mirrored even when --include matches them (internal and replica topics).' }),
  'refresh.topics.interval.seconds': intKey({ default: 10, validate: atLeast(1), importance: 'LOW', doc: 'How often the source is searched for new matching topics and topic configs/partition counts are synced.' }),
  'sync.topic.configs.enabled': booleanKey({ default: true, importance: 'MEDIUM',
    doc: 'Create target topics with the source partition count and non-default topic configs, add partitions when the source grows, and copy config changes.' }),
  'replication.factor': intKey({ default: -1, validate: rule<number>('-1 or at least 1', (n) => (n === -1 || n >= 1 ? undefined : 'Must be -1 or at least 1')), importance: 'MEDIUM',
    doc: 'Replication factor of topics created on the target; -1 takes the target broker default.' }),
  'offset.lag.max': longKey({ default: 100, validate: atLeast(0), importance: 'LOW',
    doc: 'An offset sync is written at least every this many records of a partition (and whenever the source-to-target offset delta changes).' }),
  'emit.checkpoints.enabled': booleanKey({ default: true, importance: 'MEDIUM', doc: "Write consumer-group checkpoints (the groups' offsets translated to the target) to the checkpoints topic." }),
  'emit.checkpoints.interval.seconds': intKey({ default: 60, validate: atLeast(1), importance: 'LOW', doc: 'How often checkpoints are written.' }),
  'sync.group.offsets.enabled': booleanKey({ default: false, importance: 'MEDIUM',
    doc: "Also commit the translated offsets to the target's groups, for groups with no active members on the target and only forwards." }),
  groups: listKey({ default: ['.*'], validate: regexList, importance: 'MEDIUM', doc: 'Consumer groups (regular expressions) whose offsets are checkpointed.' }),
  'groups.exclude': listKey({ default: ['console-consumer-.*', 'connect-.*', '__.*'], validate: regexList, importance: 'LOW', doc: 'Consumer groups never checkpointed.' }),
};

export type MirrorConfig = ValuesOf<typeof mirrorConfigDefs>;

/** Parses MM2 properties; an unknown key is an error (a typo here silently changes what is mirrored). */
export function parseMirrorConfig(raw: RawConfig): MirrorConfig {
  const parsed = parseConfig(mirrorConfigDefs, raw);
  if (parsed.unknownKeys.length > 0) {
    throw new ConfigError(`Unknown MirrorMaker configuration ${parsed.unknownKeys.map((k) => `'${k}'`).join(', ')}; known keys: ${Object.keys(mirrorConfigDefs).join(', ')}`);
  }
  return parsed.values;
}

/** A full-match regular expression from a list of alternatives (Kafka's include lists are comma-separated regexes). */
export function fullMatch(patterns: readonly string[]): RegExp {
  return new RegExp(`^(?:${patterns.map((p) => `(?:${p})`).join('|')})$`);
}
