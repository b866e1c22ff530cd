/**
 * Looks assignors up by the names `partition.assignment.strategy` accepts: Kafka's protocol
 * names (`range`, `roundrobin`, `sticky`) and the Java class names people paste from Kafka
 * configs. The name an assignor reports is the protocol name sent in JoinGroup, so a Samsa
 * consumer and a Java consumer configured with the same strategy can share a group.
 */
import { ConfigError } from '../../config/config-error';
import { CooperativeStickyAssignor } from './cooperative-sticky';
import { PartitionAssignor, RebalanceProtocol } from './partition-assignor';
import { RangeAssignor } from './range';
import { RoundRobinAssignor } from './roundrobin';
import { StickyAssignor } from './sticky';

export { AssignorMember, PartitionAssignor, RebalanceProtocol } from './partition-assignor';
export { CooperativeStickyAssignor } from './cooperative-sticky';
export { RangeAssignor } from './range';
export { RoundRobinAssignor } from './roundrobin';
export { StickyAssignor } from './sticky';

const FACTORIES: Readonly<Record<string, () => PartitionAssignor>> = {
  range: () => new RangeAssignor(),
  roundrobin: () => new RoundRobinAssignor(),
  sticky: () => new StickyAssignor(),
  'cooperative-sticky': () => new CooperativeStickyAssignor(),
  'org.apache.kafka.clients.consumer.RangeAssignor': () => new RangeAssignor(),
  'org.apache.kafka.clients.consumer.RoundRobinAssignor': () => new RoundRobinAssignor(),
  'org.apache.kafka.clients.consumer.StickyAssignor': () => new StickyAssignor(),
  'org.apache.kafka.clients.consumer.CooperativeStickyAssignor': () => new CooperativeStickyAssignor(),
};

/** The assignor for a strategy name; throws ConfigError for names Samsa does not implement. */
export function assignorByName(name: string): PartitionAssignor {
  const factory = Object.prototype.hasOwnProperty.call(FACTORIES, name.trim()) ? FACTORIES[name.trim()] : undefined;
  if (factory === undefined) {
    throw ConfigError.invalidValue('partition.assignment.strategy', name, 'Samsa supports range, roundrobin, sticky and cooperative-sticky');
  }
  return factory();
}

/**
 * Kafka's ConsumerCoordinator rule: the protocol a consumer runs is the newest one every
 * configured assignor supports, so listing an eager-only assignor keeps the consumer eager.
 */
export function rebalanceProtocol(assignors: readonly PartitionAssignor[]): RebalanceProtocol {
  return assignors.every((a) => (a.supportedProtocols ?? ['eager']).includes('cooperative')) ? 'cooperative' : 'eager';
}

/** The assignors for a strategy list, in order of preference (the order JoinGroup advertises them). */
export function assignorsByNames(names: readonly string[]): PartitionAssignor[] {
  return names.map(assignorByName);
}
