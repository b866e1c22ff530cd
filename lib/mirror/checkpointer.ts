/**
 * Consumer-group offset translation for failover (MM2's MirrorCheckpointConnector): periodically
 * reads the committed offsets of the source's groups (those matching `groups`, not
 * `groups.exclude`, never the mirror maker's own), translates each mirrored partition's offset with
 * the offset-sync store and writes a checkpoint record to the checkpoints topic on the target.
 * `samsa-consumer-groups --reset-offsets --to-translated` reads them back. With
 * sync.group.offsets.enabled the translated offsets are also committed to the target's groups, for
 * groups with no active member there and only when that moves them forward.
 */
import type { Admin } from '../client/admin';
import type { Producer } from '../client/producer';
import { getLogger } from '../util/logger';
import { fullMatch, MirrorConfig } from './mirror-config';
import { Checkpoint, encodeCheckpoint } from './mirror-records';
import type { OffsetSyncStore } from './offset-sync-store';
import type { ReplicationPolicy } from './replication-policy';

const log = getLogger('mirror');

export class Checkpointer {
  private readonly include: RegExp;
  private readonly exclude: RegExp;
  /** Last checkpoint written per group/topic/partition, so unchanged ones are not written again. */
  private readonly written = new Map<string, string>();

  constructor(private readonly source: Admin, private readonly target: Admin, private readonly producer: Producer,
    private readonly store: OffsetSyncStore, private readonly policy: ReplicationPolicy,
    private readonly config: MirrorConfig, private readonly ownGroup: string, private readonly isMirrored: (topic: string) => boolean) {
    this.include = fullMatch(config.groups);
    this.exclude = fullMatch(config['groups.exclude'].length > 0 ? config['groups.exclude'] : ['(?!)']);
  }

  /** One round: returns the checkpoints written (already acknowledged by the target). */
  async run(): Promise<Checkpoint[]> {
    const groups = (await this.source.listConsumerGroups())
      .map((g) => g.groupId)
      .filter((g) => g !== this.ownGroup && this.include.test(g) && !this.exclude.test(g));
    const written: Checkpoint[] = [];
    for (const group of groups) {
      const checkpoints = await this.groupCheckpoints(group);
      const fresh = checkpoints.filter((c) => this.written.get(cpKey(c)) !== `${c.upstreamOffset}:${c.downstreamOffset}`);
      if (fresh.length === 0) continue;
      await Promise.all(fresh.map((c) => {
        const { key, value } = encodeCheckpoint(c);
        return this.producer.send({ topic: this.policy.checkpointsTopic, key, value });
      }));
      for (const c of fresh) this.written.set(cpKey(c), `${c.upstreamOffset}:${c.downstreamOffset}`);
      written.push(...fresh);
      if (this.config['sync.group.offsets.enabled']) await this.syncGroupOffsets(group, checkpoints);
    }
    return written;
  }

  private async groupCheckpoints(group: string): Promise<Checkpoint[]> {
    const out: Checkpoint[] = [];
    for (const o of await this.source.listConsumerGroupOffsets(group)) {
      if (!this.isMirrored(o.topic) || o.offset < 0) continue;
      // Not copied that far yet: the checkpoint comes once the records before the group's offset are on the target.
      const copied = this.store.copiedUpTo(o.topic, o.partition);
      if (copied === undefined || o.offset > copied + 1) continue;
      const downstream = this.store.translate(o.topic, o.partition, o.offset);
      if (downstream === null) continue;
      out.push({
        group, topic: this.policy.remoteTopic(o.topic), partition: o.partition, upstreamOffset: o.offset, downstreamOffset: downstream,
        metadata: o.metadata ?? '',
      });
    }
    return out;
  }

  /** MM2's sync.group.offsets: only idle groups on the target, only forwards. */
  private async syncGroupOffsets(group: string, checkpoints: readonly Checkpoint[]): Promise<void> {
    try {
      const listing = (await this.target.listConsumerGroups()).find((g) => g.groupId === group);
      if (listing !== undefined && listing.state !== 'Empty' && listing.state !== 'Dead') return;
      const current = new Map((listing ? await this.target.listConsumerGroupOffsets(group) : []).map((o) => [`${o.topic}\u0000${o.partition}`, o.offset]));
      const forward = checkpoints
        .filter((c) => (current.get(`${c.topic}\u0000${c.partition}`) ?? -1) < c.downstreamOffset)
        .map((c) => ({ topic: c.topic, partition: c.partition, offset: c.downstreamOffset, metadata: c.metadata }));
      await this.target.alterConsumerGroupOffsets(group, forward);
    } catch (err) {
      log.warn(`Syncing the offsets of group ${group} to the target failed (retried next round): ${(err as Error).message}`);
    }
  }
}

function cpKey(c: Checkpoint): string {
  return `${c.group}\u0000${c.topic}\u0000${c.partition}`;
}
