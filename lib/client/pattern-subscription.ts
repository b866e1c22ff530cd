/**
 * subscribe(/pattern/): Kafka's pattern subscription. The consumer asks metadata for every topic
 * (the cluster's topic list is what a pattern is matched against), refreshes it at least every
 * metadata.max.age.ms, and whenever the matching set changes (a topic created or deleted) it
 * subscribes to the new set, which makes a group member rejoin so the group reassigns.
 *
 * As in Kafka (Pattern.matcher(topic).matches()), a pattern must match the whole topic name, and
 * internal topics (__consumer_offsets, __transaction_state) are left out unless
 * exclude.internal.topics=false. Before a member joins, the pattern is matched against fresh
 * metadata, so the first join already carries the topics that exist (Kafka's ensureFreshMetadata).
 */
import { ClientLogger } from './client-logger';
import { MetadataCache, TopicMetadata } from './metadata-cache';
import { settledBy } from '../util/time';

/** A whole-name matcher with the pattern's flags (minus g/y, which make RegExp.test stateful). */
export function wholeNameMatcher(pattern: RegExp): RegExp {
  return new RegExp(`^(?:${pattern.source})$`, pattern.flags.replace(/[gy]/g, ''));
}

/** The subscribed topic names, sorted, that `pattern` selects from these topics. */
export function matchTopics(matcher: RegExp, topics: Iterable<Pick<TopicMetadata, 'name' | 'internal'>>, excludeInternal: boolean): string[] {
  const out: string[] = [];
  for (const t of topics) if (!(excludeInternal && t.internal) && matcher.test(t.name)) out.push(t.name);
  return out.sort();
}

/** Where the matching set goes: the group side's subscribe (which rejoins on change). */
export interface PatternSink {
  subscription(): string[];
  setTopics(topics: string[]): void;
}

export class PatternSubscription {
  private readonly matcher: RegExp;
  private seenVersion = -1;

  constructor(
    readonly pattern: RegExp,
    private readonly metadata: MetadataCache,
    private readonly sink: PatternSink,
    private readonly excludeInternal: boolean,
    private readonly log: ClientLogger,
  ) {
    this.matcher = wholeNameMatcher(pattern);
    metadata.trackAllTopics(true);
    metadata.requestRefresh();
  }

  /** Stops asking for every topic (the consumer unsubscribed or subscribed to names). */
  stop(): void {
    this.metadata.trackAllTopics(false);
  }

  /** Before a join: match against metadata no older than this rebalance, waiting at most until `deadlineMs`. */
  async beforeJoin(deadlineMs: number): Promise<void> {
    const refreshed = this.metadata.refresh().catch((err: Error) => this.log.debug(`metadata refresh for the pattern subscription failed: ${err.message}`));
    await settledBy(refreshed, deadlineMs);
    this.update();
  }

  /** After any metadata refresh: a changed matching set changes the subscription. */
  update(): void {
    if (this.metadata.version === this.seenVersion) return;
    this.seenVersion = this.metadata.version;
    const matched = matchTopics(this.matcher, this.metadata.topicList(), this.excludeInternal);
    if (matched.join('\u0000') === this.sink.subscription().join('\u0000')) return;
    this.log.info(`Pattern ${this.pattern} now matches [${matched.join(', ')}]`);
    this.sink.setTopics(matched);
  }
}
