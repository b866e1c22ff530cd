/**
 * The services a request handler may use, passed explicitly so handlers stay small functions
 * that tests can drive without a whole broker.
 */
import { BrokerConfig } from '../config/broker-config';
import { GroupCoordinator } from '../group/group-coordinator';
import { FetchPurgatory } from './fetch-purgatory';
import { MetadataCache } from './metadata-cache';
import { ReplicaManager } from './replica-manager';
import { TopicAdmin } from './topic-admin';
import { Logger } from '../util/logger';
import { Authorizer } from '../security/acl/acl-types';
import type { ClientQuotas } from './client-quotas';
import { TxnMarkerObservers } from './txn-marker-observers';
import type { TxnCoordinator } from '../transaction/txn-coordinator';

export interface BrokerContext {
  readonly brokerId: number;
  readonly config: BrokerConfig;
  readonly metadata: MetadataCache;
  readonly replicas: ReplicaManager;
  readonly purgatory: FetchPurgatory;
  readonly topicAdmin: TopicAdmin;
  /** Consumer groups of the `__consumer_offsets` partitions this broker leads. */
  readonly groups: GroupCoordinator;
  readonly logger: Logger;
  /** Decides every request's access (lib/broker/authorize.ts); null without `authorizer.class.name`: all allowed. */
  readonly authorizer: Authorizer | null;
  /** Client quotas (client-quotas.ts): a consumer's fetch is capped at its quota window; absent: none. */
  readonly quotas?: ClientQuotas;
  /** Told of every transaction marker this broker writes as a partition leader (txn-marker-observers.ts). */
  readonly txnMarkers: TxnMarkerObservers;
  /** Transactional ids of the `__transaction_state` partitions this broker leads (lib/transaction/); absent in handler tests. */
  readonly transactions?: TxnCoordinator;
  /** The broker epoch (czxid of our registration), checked on controller requests. */
  brokerEpoch(): number;
}
