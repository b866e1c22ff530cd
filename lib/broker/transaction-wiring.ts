/**
 * How a broker gets its transaction coordinator (lib/transaction/): built from the broker's
 * config, replica manager, metadata cache, topic admin and producer id manager, with a marker
 * sender that reaches partition leaders over the inter-broker listener. Kept out of broker.ts so
 * the broker only has to create, expose and stop it; the handlers are registered from here too.
 */
import { BrokerConfig } from '../config/broker-config';
import { TopicCreator } from '../group/offsets-topic';
import { Api } from '../protocol/api';
import { interBrokerClientSecurity } from '../security/inter-broker-security';
import { systemClock } from '../group/group-clock';
import { txnCoordinatorConfig } from '../transaction/txn-config';
import { TxnCoordinator } from '../transaction/txn-coordinator';
import { TxnMarkerSender } from '../transaction/txn-marker-sender';
import { getLogger } from '../util/logger';
import { ApiDispatcher } from './api-dispatcher';
import { BrokerContext } from './broker-context';
import {
  addOffsetsToTxnHandler, addPartitionsToTxnHandler, describeTransactionsHandler, endTxnHandler, listTransactionsHandler,
} from './handlers/transactions';
import { MetadataCache } from './metadata-cache';
import { ProducerIdManager } from './producer-id-manager';
import { ReplicaManager } from './replica-manager';

export interface TransactionWiring {
  readonly config: BrokerConfig;
  readonly replicas: ReplicaManager;
  readonly metadata: MetadataCache;
  readonly topics: TopicCreator;
  readonly producerIds: ProducerIdManager;
}

/** Creates and starts the coordinator; it follows `__transaction_state` leadership from the first LeaderAndIsr on. */
export function startTransactionCoordinator(w: TransactionWiring): TxnCoordinator {
  const logger = getLogger('txn-coordinator');
  const markers = new TxnMarkerSender({
    brokerId: w.config.brokerId, metadata: { partitions: (t) => w.metadata.partitions(t), broker: (id) => w.metadata.broker(id) },
    requestTimeoutMs: w.config.requestTimeoutMs, security: interBrokerClientSecurity(w.config), clock: systemClock, logger,
  });
  const coordinator = new TxnCoordinator({
    config: txnCoordinatorConfig(w.config), replicas: w.replicas, metadata: w.metadata, topics: w.topics, markers,
    newProducerId: () => w.producerIds.generateProducerId(), logger,
  });
  coordinator.startup();
  return coordinator;
}

/** The coordinator's native APIs (InitProducerId and FindCoordinator are registered with their idempotent/group forms). */
export function registerTransactionHandlers(dispatcher: ApiDispatcher, ctx: BrokerContext): void {
  dispatcher
    .register(Api.AddPartitionsToTxn, addPartitionsToTxnHandler(ctx))
    .register(Api.AddOffsetsToTxn, addOffsetsToTxnHandler(ctx))
    .register(Api.EndTxn, endTxnHandler(ctx))
    .register(Api.DescribeTransactions, describeTransactionsHandler(ctx))
    .register(Api.ListTransactions, listTransactionsHandler(ctx));
}
