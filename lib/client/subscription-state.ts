/**
 * What a group member subscribes to: a list of topic names, or a pattern (Kafka's
 * AUTO_TOPICS / AUTO_PATTERN subscription types). It checks subscribe()'s arguments, keeps the
 * metadata cache asking about the right topics, and hands the resulting topic list to the group
 * side (consumer-group.ts), which rejoins whenever that list changes.
 */
import { InvalidArgumentError } from './client-errors';
import { ClientLogger } from './client-logger';
import { ConsumerGroupClient, ConsumerRebalanceListener } from './consumer-group';
import { MetadataCache } from './metadata-cache';
import { PatternSubscription } from './pattern-subscription';

export class SubscriptionState {
  private pattern: PatternSubscription | null = null;

  constructor(
    private readonly group: ConsumerGroupClient,
    private readonly metadata: MetadataCache,
    private readonly excludeInternalTopics: boolean,
    private readonly log: ClientLogger,
  ) {}

  /** Names or a pattern (an empty name list is the caller's unsubscribe). */
  subscribe(topics: readonly string[] | RegExp, listener: ConsumerRebalanceListener): void {
    if (topics instanceof RegExp) {
      this.stop();
      this.pattern = new PatternSubscription(topics, this.metadata, {
        subscription: () => this.group.subscription(),
        setTopics: (matched) => this.group.subscribe(matched, listener, true),
      }, this.excludeInternalTopics, this.log);
      this.group.subscribe(this.group.subscription(), listener, true);
      return;
    }
    if (!Array.isArray(topics)) throw new InvalidArgumentError('Topics to subscribe to must be an array of names or a RegExp');
    for (const t of topics) {
      if (typeof t !== 'string' || t.trim() === '') throw new InvalidArgumentError('Topic collection to subscribe to cannot contain null or empty topic');
    }
    this.stop();
    this.metadata.track(topics);
    this.group.subscribe(topics, listener);
  }

  /** The subscribed pattern, or null when subscribed by name (or not at all). */
  get subscribedPattern(): RegExp | null {
    return this.pattern?.pattern ?? null;
  }

  stop(): void {
    this.pattern?.stop();
    this.pattern = null;
  }

  /** From poll(), before the group's step: a join about to start matches the pattern against fresh metadata first. */
  async beforeGroupStep(deadlineMs: number): Promise<void> {
    if (this.pattern && this.group.coordinator.joinPending) await this.pattern.beforeJoin(deadlineMs);
  }

  /** From poll(), after the periodic metadata refresh check. */
  afterMetadataCheck(): void {
    this.pattern?.update();
  }
}
