/**
 * `unclean.leader.election.enable` as the controller sees it: the broker default (read at each use,
 * since it is a dynamic broker config), overridden per topic by `/config/topics/<t>`.
 *
 * An election only needs the setting when no in-sync replica is alive, which is rare, so topic
 * overrides are read lazily, once per topic, and cached for the tenure. Config change
 * notifications (`/config/changes`, written by whoever alters a topic's config) drop the cached
 * value of the topic they name. The controller only reads notifications; brokers own their
 * cleanup, so this class remembers the highest sequence number it has seen instead.
 */
import { getLogger } from '../util/logger';
import { ControllerZk } from './controller-zk';
import { sequenceNumber } from '../zk/znodes';

const log = getLogger('controller');
export const UNCLEAN_LEADER_ELECTION_ENABLE = 'unclean.leader.election.enable';

export class UncleanElectionConfig {
  /** topic → its override, or null when it sets none (the broker default applies). */
  private readonly cache = new Map<string, boolean | null>();
  private lastSequence = -1;

  constructor(private readonly zk: ControllerZk, private readonly brokerDefault: () => boolean) {}

  /** The setting for a topic if known, else the broker default; see `load`. */
  get(topic: string): boolean {
    return this.cache.get(topic) ?? this.brokerDefault();
  }

  /** Reads the overrides of the topics not cached yet. */
  async load(topics: Iterable<string>): Promise<void> {
    const missing = [...new Set(topics)].filter((t) => !this.cache.has(t));
    await Promise.all(missing.map(async (topic) => {
      const value = (await this.zk.topicConfig(topic))[UNCLEAN_LEADER_ELECTION_ENABLE];
      this.cache.set(topic, this.parse(topic, value));
    }));
  }

  forget(topic: string): void {
    this.cache.delete(topic);
  }

  /** Notes the notifications present when the tenure starts: their changes are already in ZooKeeper. */
  start(names: string[]): void {
    for (const name of names) this.lastSequence = Math.max(this.lastSequence, sequenceNumber(name));
  }

  /** Reads notifications newer than the last seen; returns the topics whose setting may have changed. */
  async onChanges(names: string[]): Promise<string[]> {
    const fresh = names.filter((n) => sequenceNumber(n) > this.lastSequence).sort((a, b) => sequenceNumber(a) - sequenceNumber(b));
    const topics = new Set<string>();
    for (const name of fresh) {
      const entity = await this.zk.readConfigChange(name);
      this.lastSequence = Math.max(this.lastSequence, sequenceNumber(name));
      if (entity?.startsWith('topics/')) topics.add(entity.slice('topics/'.length));
    }
    for (const topic of topics) this.cache.delete(topic);
    return [...topics].sort();
  }

  private parse(topic: string, value: string | undefined): boolean | null {
    if (value === undefined) return null;
    const normalized = value.trim().toLowerCase();
    if (normalized === 'true' || normalized === 'false') return normalized === 'true';
    log.warn(`Topic ${topic} has an invalid ${UNCLEAN_LEADER_ELECTION_ENABLE}='${value}'; using the broker default`);
    return null;
  }
}
