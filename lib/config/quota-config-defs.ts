/**
 * The broker keys of Kafka's quota managers (KafkaConfig's quota.* and replication.quota.*):
 * the sliding window client and replication quotas are measured over (lib/broker/quota-rate.ts).
 */
import { intKey } from './config-def';
import { atLeast } from './validators';

export const quotaBrokerKeys = {
  'quota.window.num': intKey({ default: 11, validate: atLeast(1), importance: 'LOW', doc: 'The number of samples to retain in memory for client quotas.' }),
  'quota.window.size.seconds': intKey({ default: 1, validate: atLeast(1), importance: 'LOW', doc: 'The time span of each sample for client quotas.' }),
  'replication.quota.window.num': intKey({ default: 11, validate: atLeast(1), importance: 'LOW', doc: 'The number of samples to retain in memory for replication quotas.' }),
  'replication.quota.window.size.seconds': intKey({ default: 1, validate: atLeast(1), importance: 'LOW', doc: 'The time span of each sample for replication quotas.' }),
};
