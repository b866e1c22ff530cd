/**
 * Which source topics are mirrored and what they are called on the target: MM2's
 * DefaultReplicationPolicy (`<alias><separator><topic>`) when a source alias is set, Kafka
 * MirrorMaker 1's identity naming when it is not. Also the names of the internal topics the
 * mirror maker writes on the target.
 */
import { fullMatch, MirrorConfig } from './mirror-config';

export class ReplicationPolicy {
  private readonly include: RegExp;
  private readonly exclude: RegExp;
  private readonly prefix: string;

  constructor(includePattern: string, private readonly config: Pick<MirrorConfig, 'source.cluster.alias' | 'replication.policy.separator' | 'topics.exclude' | 'target.cluster.alias'>) {
    // Kafka's --include is one Java regex that must match the whole name; ',' also separates alternatives (as Kafka's whitelist does).
    this.include = fullMatch(includePattern.split(',').map((s) => s.trim()).filter((s) => s !== ''));
    this.exclude = fullMatch(config['topics.exclude'].length > 0 ? config['topics.exclude'] : ['(?!)']);
    const alias = config['source.cluster.alias'];
    this.prefix = alias === '' ? '' : `${alias}${config['replication.policy.separator']}`;
  }

  /** True for a source topic this mirror copies. */
  shouldMirror(topic: string): boolean {
    return this.include.test(topic) && !this.exclude.test(topic) && !this.isInternal(topic);
  }

  /** The target topic a source topic is copied to. */
  remoteTopic(sourceTopic: string): string {
    return `${this.prefix}${sourceTopic}`;
  }

  /** The source topic of a target topic this policy produced, or null. */
  upstreamTopic(remoteTopic: string): string | null {
    if (!remoteTopic.startsWith(this.prefix)) return null;
    return remoteTopic.slice(this.prefix.length);
  }

  /** `<alias>.checkpoints.internal`, or `checkpoints.internal` without an alias. */
  get checkpointsTopic(): string {
    return checkpointsTopicName(this.config['source.cluster.alias']);
  }

  /** `mm2-offset-syncs.<target alias>.internal`, on the target (MM2 keeps it on the source by default; see docs). */
  get offsetSyncsTopic(): string {
    return `mm2-offset-syncs.${this.config['target.cluster.alias']}.internal`;
  }

  private isInternal(topic: string): boolean {
    return topic.startsWith('__') || topic.endsWith('.internal');
  }
}

export function checkpointsTopicName(sourceAlias: string): string {
  return sourceAlias === '' ? 'checkpoints.internal' : `${sourceAlias}.checkpoints.internal`;
}
