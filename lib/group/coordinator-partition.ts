/**
 * Which `__consumer_offsets` partition owns a group, and so which broker coordinates it.
 *
 * Kafka clients and tools compute the same answer (`Utils.abs(groupId.hashCode) % partitions`),
 * so the formula must match Java bit for bit; lib/util/java-hash.ts has the Java arithmetic.
 */
import { javaStringHashCode, kafkaAbs } from '../util/java-hash';

/** The `__consumer_offsets` partition whose leader coordinates `groupId`. */
export function coordinatorPartition(groupId: string, numPartitions: number): number {
  if (!Number.isInteger(numPartitions) || numPartitions < 1) {
    throw new RangeError(`offsets topic partition count must be a positive integer, got ${numPartitions}`);
  }
  return kafkaAbs(javaStringHashCode(groupId)) % numPartitions;
}
