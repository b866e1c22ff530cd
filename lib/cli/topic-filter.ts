/**
 * How `--topic` selects topics for list/describe/delete/alter. Kafka treats the value as a regular
 * expression that must match the whole name (its IncludeList: commas mean "or", quotes and spaces
 * are stripped), so `--topic 'orders.*'` describes every orders topic. A plain name matches itself.
 */

/** Kafka's internal topics; hidden by `--exclude-internal`. */
export const INTERNAL_TOPICS: ReadonlySet<string> = new Set(['__consumer_offsets', '__transaction_state']);

export function isInternalTopic(name: string): boolean {
  return INTERNAL_TOPICS.has(name);
}

/** A predicate for `--topic <pattern>`; an invalid regex falls back to an exact-name match. */
export function topicMatcher(pattern: string): (topic: string) => boolean {
  const cleaned = pattern
    .trim()
    .replace(/,/g, '|')
    .replace(/ /g, '')
    .replace(/^["']+/, '')
    .replace(/["']+$/, '');
  let regex: RegExp;
  try {
    regex = new RegExp(`^(?:${cleaned})$`);
  } catch {
    return (topic) => topic === pattern;
  }
  return (topic) => regex.test(topic);
}

/** The topics an action applies to, in the order given (sorted by the caller). */
export function selectTopics(all: readonly string[], pattern: string | undefined, excludeInternal: boolean): string[] {
  const matches = pattern === undefined ? () => true : topicMatcher(pattern);
  return all.filter((t) => matches(t) && !(excludeInternal && isInternalTopic(t)));
}
