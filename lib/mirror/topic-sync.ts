/**
 * Keeps the target's copies of the mirrored topics shaped like their sources (MM2's
 * sync.topic.configs): a missing target topic is created with the source's partition count and its
 * non-default topic configs, a source that grew gets the same partitions added on the target, and
 * config overrides changed on the source are set on the target. Keys that describe one cluster's
 * own operation (throttled replicas, min.insync.replicas, ...) are not copied, as in MM2's
 * DefaultConfigPropertyFilter. Without sync (sync.topic.configs.enabled=false) the target topic must
 * exist or be auto-created, and records go to the same partition number anyway.
 */
import type { Admin, TopicDescription } from '../client/admin';
import { getLogger } from '../util/logger';
import type { ReplicationPolicy } from './replication-policy';

const log = getLogger('mirror');

/** Topic configs that stay the target's own business (MM2's config.properties.exclude defaults). */
export const UNSYNCED_TOPIC_CONFIGS: ReadonlySet<string> = new Set([
  'follower.replication.throttled.replicas', 'leader.replication.throttled.replicas', 'message.timestamp.difference.max.ms',
  'message.timestamp.type', 'unclean.leader.election.enable', 'min.insync.replicas',
]);

export function syncableConfigs(configs: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(configs)) if (!UNSYNCED_TOPIC_CONFIGS.has(k)) out[k] = v;
  return out;
}

export class TopicSync {
  constructor(private readonly source: Admin, private readonly target: Admin, private readonly policy: ReplicationPolicy,
    private readonly replicationFactor: number, private readonly syncConfigs: boolean) {}

  /** Source topics matching the policy, with their partition counts. */
  async discover(): Promise<TopicDescription[]> {
    const names = (await this.source.listTopics()).filter((t) => this.policy.shouldMirror(t));
    return names.length === 0 ? [] : this.source.describeTopics(names);
  }

  /** Makes each source topic's copy exist with at least its partitions (and, when syncing, its configs). */
  async sync(sources: readonly TopicDescription[]): Promise<void> {
    if (sources.length === 0) return;
    const remoteNames = sources.map((s) => this.policy.remoteTopic(s.name));
    const existing = new Set(await this.target.listTopics());
    const present = remoteNames.filter((n) => existing.has(n));
    const targets = new Map((present.length > 0 ? await this.target.describeTopics(present) : []).map((t) => [t.name, t]));
    for (const s of sources) {
      const remote = this.policy.remoteTopic(s.name);
      const t = targets.get(remote);
      if (t === undefined) {
        if (!this.syncConfigs) continue;
        await this.target.createTopic({
          topic: remote, numPartitions: s.partitions.length, replicationFactor: this.replicationFactor, configs: syncableConfigs(s.configs),
        }, { ifNotExists: true });
        log.info(`Created ${remote} on the target with ${s.partitions.length} partitions`);
        continue;
      }
      if (!this.syncConfigs) continue;
      if (t.partitions.length < s.partitions.length) {
        await this.target.createPartitions(remote, s.partitions.length);
        log.info(`Grew ${remote} on the target from ${t.partitions.length} to ${s.partitions.length} partitions`);
      }
      await this.syncTopicConfigs(remote, syncableConfigs(s.configs), t.configs);
    }
  }

  private async syncTopicConfigs(remote: string, wanted: Record<string, string>, current: Readonly<Record<string, string>>): Promise<void> {
    const ops = Object.entries(wanted).filter(([k, v]) => current[k] !== v).map(([name, value]) => ({ name, op: 'set' as const, value }));
    if (ops.length === 0) return;
    const result = await this.target.incrementalAlterConfigs([{ resource: { type: 'topic', name: remote }, ops }]);
    for (const err of result.values()) if (err) throw err;
    log.info(`Synced configs of ${remote}: ${ops.map((o) => `${o.name}=${o.value}`).join(', ')}`);
  }
}
