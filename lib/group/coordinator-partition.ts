/**
 * Which `__consumer_offsets` partition owns a group, and so which broker coordinates it.
 *
 * Kafka clients and tools compute the same answer (`Utils.abs(groupId.hashCode) % partitions`),
 * so the formula must match Java bit for bit: String.hashCode over UTF-16 code units with int32
 * wrap-around, and Kafka's `Utils.abs`, which maps Integer.MIN_VALUE to 0 rather than leaving it
 * negative as Math.abs would in Java.
 */

const INT32_MIN = -0x80000000;

/** Java's `String.hashCode()`: s[0]*31^(n-1) + ... + s[n-1], computed in wrapping int32 arithmetic. */
export function javaStringHashCode(s: string): number {
  let h = 0;
  // charCodeAt yields UTF-16 code units, exactly what Java's String stores, so astral
  // characters contribute both surrogates as Java does.
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/** Kafka's `Utils.abs`: like Math.abs, except Integer.MIN_VALUE (which has no positive int32) becomes 0. */
export function kafkaAbs(n: number): number {
  return n === INT32_MIN ? 0 : Math.abs(n);
}

/** The `__consumer_offsets` partition whose leader coordinates `groupId`. */
export function coordinatorPartition(groupId: string, numPartitions: number): number {
  if (!Number.isInteger(numPartitions) || numPartitions < 1) {
    throw new RangeError(`offsets topic partition count must be a positive integer, got ${numPartitions}`);
  }
  return kafkaAbs(javaStringHashCode(groupId)) % numPartitions;
}
