/**
 * Waits for subscribed topics that do not exist yet.
 *
 * Kafka's consumer does not fail a subscription to a missing topic: it keeps asking for the
 * topic's metadata (logging UNKNOWN_TOPIC_OR_PARTITION) and the group's leader rebalances once
 * the topic appears. This asks again, at most once per retry backoff, while any subscribed topic
 * is missing, and warns when the set of missing topics changes and then every WARN_INTERVAL_MS,
 * so a long wait is visible without flooding the log. A topic the principal may not access is
 * not waited for: as in Kafka, poll() fails with the topics named.
 */
import { ErrorCode, errorForCode } from '../protocol/errors';
import { TopicAuthorizationError } from './client-errors';
import { ClientLogger } from './client-logger';
import { MetadataCache } from './metadata-cache';

const WARN_INTERVAL_MS = 10000;

export class MissingTopicWatch {
  private warnedAtMs = -Infinity;
  private warnedFor = '';

  constructor(private readonly metadata: MetadataCache, private readonly log: ClientLogger, private readonly now: () => number = Date.now) {}

  /** The subscribed topics metadata does not know yet; a refresh is requested while there are any. */
  check(subscribed: readonly string[]): string[] {
    const missing = subscribed.filter((t) => this.metadata.partitionCount(t) === undefined);
    if (missing.length === 0) {
      this.warnedFor = '';
      return missing;
    }
    const denied = missing.filter((t) => this.metadata.topicError(t) === ErrorCode.TOPIC_AUTHORIZATION_FAILED.code);
    if (denied.length > 0) throw new TopicAuthorizationError(denied);
    this.metadata.requestRefresh();
    const names = missing.join(', ');
    const now = this.now();
    if (names !== this.warnedFor || now - this.warnedAtMs >= WARN_INTERVAL_MS) {
      const codes = missing.map((t) => `${t}=${this.errorName(t)}`).join(', ');
      this.log.warn(`Subscribed topics not in the cluster's metadata yet: {${codes}}; waiting for them to be created`);
      this.warnedFor = names;
      this.warnedAtMs = now;
    }
    return missing;
  }

  private errorName(topic: string): string {
    const code = this.metadata.topicError(topic);
    return code === undefined ? 'UNKNOWN_TOPIC_OR_PARTITION' : errorForCode(code).name;
  }
}
