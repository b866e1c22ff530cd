/**
 * A Samsa broker: wires storage, ZooKeeper registration, the controller contender, the request
 * handlers and the listener together, and owns the order of startup and shutdown.
 */
import { EventEmitter } from 'events';
import { BrokerConfig } from '../config/broker-config';
import { effectiveLogConfig } from '../config/topic-config';
import { Controller } from '../controller/controller';
import { Api } from '../protocol/api';
import { LogManager } from '../storage/log-manager';
import { LogConfig, MAX_TIMER_MS } from '../storage/log-config';
import { getLogger, Logger } from '../util/logger';
import { ZkClient } from '../zk/zk-client';
import { ClusterStore } from '../zk/cluster-store';
import { BrokerRegistration, registerBroker } from '../zk/broker-registration';
import { ApiDispatcher } from './api-dispatcher';
import { BrokerContext } from './broker-context';
import { FetchPurgatory } from './fetch-purgatory';
import { createPartitionsHandler, createTopicsHandler, deleteTopicsHandler, describeConfigsHandler } from './handlers/admin';
import { leaderAndIsrHandler, stopReplicaHandler, updateMetadataHandler } from './handlers/controller-requests';
import { fetchHandler } from './handlers/fetch';
import { listOffsetsHandler } from './handlers/list-offsets';
import { apiVersionsHandler, metadataHandler } from './handlers/metadata';
import { produceHandler } from './handlers/produce';
import { initProducerIdHandler } from './handlers/init-producer-id';
import { ProducerIdManager } from './producer-id-manager';
import { offsetForLeaderEpochHandler } from './handlers/offset-for-leader-epoch';
import { IsrUpdater } from './isr-updater';
import { ProducePurgatory } from './produce-purgatory';
import { controlledShutdownHandler } from './handlers/controlled-shutdown';
import { electLeadersHandler } from './handlers/elect-leaders';
import { alterPartitionReassignmentsHandler, listPartitionReassignmentsHandler } from './handlers/partition-reassignments';
import { GroupCoordinator } from '../group/group-coordinator';
import { groupCoordinatorConfig } from '../group/coordinator-runtime';
import { findCoordinatorHandler } from './handlers/group-find-coordinator';
import { heartbeatHandler, joinGroupHandler, leaveGroupHandler, syncGroupHandler } from './handlers/group-membership';
import { offsetCommitHandler, offsetFetchHandler } from './handlers/group-offsets';
import { deleteGroupsHandler, describeGroupsHandler, listGroupsHandler } from './handlers/group-admin';
import { requestControlledShutdown } from './controlled-shutdown';
import { MetadataCache } from './metadata-cache';
import { PartitionConfig, ReplicaManager } from './replica-manager';
import { NativeCodec } from './native-codec';
import { SocketServer } from './socket-server';
import { StartupGate } from './startup-gate';
import { TopicAdmin } from './topic-admin';

const SHUTDOWN_DRAIN_MS = 10000;
const ZK_SHUTDOWN_STEP_MS = 5000;

/** Broker defaults plus a topic's overrides, in the form storage takes (no flush timer = a huge interval). */
function storageLogConfig(config: BrokerConfig, overrides: Record<string, string>): LogConfig {
  const effective = effectiveLogConfig(config, overrides);
  return { ...effective, flushIntervalMs: effective.flushIntervalMs ?? MAX_TIMER_MS * 2 };
}

export class Broker extends EventEmitter {
  private readonly logger: Logger;
  private readonly metadata = new MetadataCache();
  private readonly purgatory = new FetchPurgatory();
  private readonly producePurgatory = new ProducePurgatory();
  private readonly logManager: LogManager;
  private readonly replicas: ReplicaManager;
  private readonly startupGate: StartupGate;
  private readonly dispatcher: ApiDispatcher;
  private readonly server: SocketServer;
  private readonly producerIds: ProducerIdManager;
  private zk: ZkClient | null = null;
  private store: ClusterStore | null = null;
  private controller: Controller | null = null;
  private registration: BrokerRegistration | null = null;
  private boundPort = -1;
  private state: 'created' | 'starting' | 'running' | 'stopping' | 'stopped' = 'created';

  constructor(readonly config: BrokerConfig) {
    super();
    this.logger = getLogger('broker');
    this.startupGate = new StartupGate(config.brokerId, config.requestTimeoutMs);
    this.dispatcher = new ApiDispatcher(this.startupGate);
    this.producerIds = new ProducerIdManager({
      brokerId: config.brokerId,
      allocateBlock: () => (this.zk ? new ClusterStore(this.zk).allocateProducerIdBlock(config.brokerId) : Promise.reject(new Error('not connected to ZooKeeper'))),
      zkConnected: () => this.zk?.state === 'CONNECTED',
    });
    // Logs found on disk start with the broker's defaults; LeaderAndIsr applies topic overrides.
    this.logManager = new LogManager({
      logDirs: config.logDirs,
      brokerId: config.brokerId,
      defaultConfig: storageLogConfig(config, {}),
      retentionCheckIntervalMs: config.retentionCheckIntervalMs,
      highWatermarkCheckpointIntervalMs: config.replicaHighWatermarkCheckpointIntervalMs,
      producerIdExpirationMs: config.producerIdExpirationMs,
      cleanerEnable: config.logCleanerEnable,
      cleanerBackoffMs: config.logCleanerBackoffMs,
      // Retention stops at the high watermark: nothing consumers cannot see yet or an in-sync follower still lacks.
      highWatermarkOf: (topic, partition) => this.replicas.getPartition(topic, partition)?.highWatermark,
    });
    this.replicas = new ReplicaManager({
      brokerId: config.brokerId,
      logManager: this.logManager,
      partitionConfigFor: (topic) => this.partitionConfigFor(topic),
      purgatory: this.purgatory,
      producePurgatory: this.producePurgatory,
      isrUpdater: new IsrUpdater(() => this.store, getLogger('isr')),
      replicaLagTimeMaxMs: config.replicaLagTimeMaxMs,
      numReplicaFetchers: config.numReplicaFetchers,
      fetchMaxBytes: config.replicaFetchMaxBytes,
      fetchWaitMaxMs: config.replicaFetchWaitMaxMs,
      fetchMinBytes: config.replicaFetchMinBytes,
      backoffMs: config.replicaFetchBackoffMs,
      requestTimeoutMs: config.requestTimeoutMs,
      brokerAddress: (id) => this.metadata.broker(id),
      logger: getLogger('replica-manager'),
    });
    const networkLog = getLogger('network');
    this.server = new SocketServer((remote) => new NativeCodec(this.dispatcher, networkLog, remote), {
      maxFrameBytes: config.socketRequestMaxBytes,
      maxInFlightRequests: config.queuedMaxRequests,
      logger: getLogger('network'),
    }, getLogger('network'));
  }

  get brokerId(): number {
    return this.config.brokerId;
  }

  /** The port the listener is bound to (useful when configured with port 0). */
  get port(): number {
    return this.boundPort;
  }

  /** The czxid of the current registration; it changes when a new ZooKeeper session re-registers. */
  get brokerEpoch(): number {
    return this.registration ? Number(this.registration.brokerEpoch) : -1;
  }

  get isController(): boolean {
    return this.controller?.isActive ?? false;
  }

  get metadataCache(): MetadataCache {
    return this.metadata;
  }

  async startup(): Promise<void> {
    if (this.state !== 'created') throw new Error(`broker ${this.brokerId} cannot start from state ${this.state}`);
    this.state = 'starting';
    try {
      await this.start();
    } catch (err) {
      // Release what was acquired (listener, ZooKeeper session and its ephemeral nodes) before reporting.
      await this.shutdown().catch(() => undefined);
      throw err;
    }
  }

  private async start(): Promise<void> {
    const started = Date.now();
    this.logger.info(`Starting broker ${this.brokerId}`);
    await this.logManager.startup();
    this.zk = await ZkClient.connect({
      connectString: this.config.zookeeperConnect,
      sessionTimeoutMs: this.config.zookeeperSessionTimeoutMs,
      connectionTimeoutMs: this.config.zookeeperConnectionTimeoutMs,
    });
    const store = new ClusterStore(this.zk);
    this.store = store;
    await store.ensureBasePaths();
    this.metadata.clusterId = await store.getOrCreateClusterId();
    const topicAdmin = new TopicAdmin(store, this.metadata, this.config, getLogger('admin'));
    this.topicAdmin = topicAdmin;
    // Follows __consumer_offsets leadership from the first LeaderAndIsr on, so it starts before registration.
    const groups = new GroupCoordinator({
      brokerId: this.brokerId, config: groupCoordinatorConfig(this.config), replicas: this.replicas, metadata: this.metadata,
      topics: topicAdmin, logger: getLogger('group-coordinator'),
    });
    this.groups = groups;
    groups.startup();
    this.registerHandlers(topicAdmin, groups);
    const listener = this.config.listeners[0];
    this.boundPort = await this.server.listen(listener.host, listener.port);
    const advertised = this.config.advertisedListeners[0];
    const host = advertised.host || 'localhost';
    const port = advertised.port === 0 ? this.boundPort : advertised.port;
    this.registration = await registerBroker(this.zk, {
      brokerId: this.brokerId, host, port, rack: this.config.brokerRack,
      listeners: [`${advertised.name}://${host}:${port}`],
    });
    this.registration.on('registration-failed', (err: Error) => this.emit('fatal', err));
    this.openGateOnFirstMetadata();
    this.controller = new Controller({
      brokerId: this.brokerId,
      zk: this.zk,
      store,
      config: {
        deleteTopicEnable: this.config.deleteTopicEnable,
        uncleanLeaderElectionEnable: this.config.uncleanLeaderElectionEnable,
        autoLeaderRebalanceEnable: this.config.autoLeaderRebalanceEnable,
        leaderImbalancePerBrokerPercentage: this.config.leaderImbalancePerBrokerPercentage,
        leaderImbalanceCheckIntervalMs: this.config.leaderImbalanceCheckIntervalSeconds * 1000,
        requestTimeoutMs: this.config.requestTimeoutMs,
      },
    });
    this.controller.on('elected', (epoch: number) => this.logger.info(`Broker ${this.brokerId} is now the controller (epoch ${epoch})`));
    this.controller.on('resigned', () => this.logger.info(`Broker ${this.brokerId} is no longer the controller`));
    await this.controller.startup();
    this.replicas.startIsrMaintenance();
    this.state = 'running';
    this.logger.info(`Broker ${this.brokerId} started in ${Date.now() - started} ms, listening on ${listener.host || '0.0.0.0'}:${this.boundPort}, advertised as ${host}:${port}, cluster id ${this.metadata.clusterId}`);
  }

  /**
   * Client requests are held until the controller's first UpdateMetadata lists this broker:
   * before that the metadata cache is empty and every topic would look missing.
   */
  private openGateOnFirstMetadata(): void {
    const ready = () => this.metadata.broker(this.brokerId) !== undefined;
    const wait = async (): Promise<void> => {
      while (this.state === 'starting' || this.state === 'running') {
        if (await this.metadata.waitFor(ready, this.config.requestTimeoutMs)) {
          this.logger.info(`Broker ${this.brokerId} received cluster metadata from controller ${this.metadata.controllerId}; serving clients`);
          this.startupGate.openGate();
          return;
        }
        if (this.state === 'starting' || this.state === 'running') {
          this.logger.warn(`Broker ${this.brokerId} has had no cluster metadata from a controller for ${this.config.requestTimeoutMs} ms; client requests wait`);
        }
      }
    };
    void wait();
  }

  /** True once the broker has registered and received its first metadata: clients are served. */
  get isReady(): boolean {
    return this.startupGate.isOpen;
  }

  private topicAdmin: TopicAdmin | null = null;
  private groups: GroupCoordinator | null = null;

  private context(topicAdmin: TopicAdmin, groups: GroupCoordinator): BrokerContext {
    return {
      brokerId: this.brokerId,
      config: this.config,
      metadata: this.metadata,
      replicas: this.replicas,
      purgatory: this.purgatory,
      topicAdmin,
      groups,
      logger: getLogger('request'),
      brokerEpoch: () => this.brokerEpoch,
    };
  }

  private registerHandlers(topicAdmin: TopicAdmin, groups: GroupCoordinator): void {
    const ctx = this.context(topicAdmin, groups);
    const updateMetadata = updateMetadataHandler(ctx);
    const whileStarting = { servedWhileStarting: true };
    this.dispatcher
      .register(Api.ApiVersions, apiVersionsHandler(this.dispatcher), whileStarting)
      .register(Api.Metadata, metadataHandler(ctx))
      .register(Api.Produce, produceHandler(ctx))
      .register(Api.InitProducerId, initProducerIdHandler(this.producerIds, getLogger('producer-ids')))
      .register(Api.Fetch, fetchHandler(ctx))
      .register(Api.OffsetForLeaderEpoch, offsetForLeaderEpochHandler(ctx))
      .register(Api.ListOffsets, listOffsetsHandler(ctx))
      .register(Api.CreateTopics, createTopicsHandler(ctx))
      .register(Api.DeleteTopics, deleteTopicsHandler(ctx))
      .register(Api.CreatePartitions, createPartitionsHandler(ctx))
      .register(Api.DescribeConfigs, describeConfigsHandler(ctx))
      .register(Api.LeaderAndIsr, leaderAndIsrHandler(ctx), whileStarting)
      .register(Api.UpdateMetadata, async (req, rc) => {
        const response = await updateMetadata(req, rc);
        // The coordinator drops the offsets of topics this update no longer lists.
        groups.onMetadataUpdate();
        return response;
      }, whileStarting)
      .register(Api.StopReplica, stopReplicaHandler(ctx), whileStarting)
      .register(Api.ControlledShutdown, controlledShutdownHandler(() => this.controller), whileStarting)
      .register(Api.ElectLeaders, electLeadersHandler(() => this.controller))
      .register(Api.AlterPartitionReassignments, alterPartitionReassignmentsHandler(() => this.controller))
      .register(Api.ListPartitionReassignments, listPartitionReassignmentsHandler(() => this.controller))
      .register(Api.FindCoordinator, findCoordinatorHandler(ctx))
      .register(Api.JoinGroup, joinGroupHandler(ctx))
      .register(Api.SyncGroup, syncGroupHandler(ctx))
      .register(Api.Heartbeat, heartbeatHandler(ctx))
      .register(Api.LeaveGroup, leaveGroupHandler(ctx))
      .register(Api.OffsetCommit, offsetCommitHandler(ctx))
      .register(Api.OffsetFetch, offsetFetchHandler(ctx))
      .register(Api.ListGroups, listGroupsHandler(ctx))
      .register(Api.DescribeGroups, describeGroupsHandler(ctx))
      .register(Api.DeleteGroups, deleteGroupsHandler(ctx));
  }

  private async partitionConfigFor(topic: string): Promise<PartitionConfig> {
    const overrides = this.topicAdmin ? await this.topicAdmin.topicConfig(topic) : {};
    return { log: storageLogConfig(this.config, overrides), minInsyncReplicas: effectiveLogConfig(this.config, overrides).minInsyncReplicas };
  }

  /** Waits for a ZooKeeper-bound shutdown step, but never longer than a few seconds. */
  private async bounded(step: string, work: Promise<unknown> | undefined): Promise<void> {
    if (!work) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.logger.warn(`${step} did not finish within ${ZK_SHUTDOWN_STEP_MS} ms; continuing`);
        resolve();
      }, ZK_SHUTDOWN_STEP_MS);
    });
    await Promise.race([work.catch((err) => this.logger.warn(`${step}: ${(err as Error).message}`)), timeout]);
    clearTimeout(timer);
  }

  /** Stop accepting, finish in-flight requests, resign, flush and mark logs clean, then deregister. */
  async shutdown(): Promise<void> {
    if (this.state === 'stopping' || this.state === 'stopped') return;
    const wasRunning = this.state === 'running' && this.registration !== null;
    this.state = 'stopping';
    this.logger.info(`Shutting down broker ${this.brokerId}`);
    // Without ZooKeeper the controller cannot move leadership anyway, so don't wait on it.
    if (wasRunning && this.config.controlledShutdownEnable && this.zk?.state === 'CONNECTED') {
      await requestControlledShutdown({
        brokerId: this.brokerId, brokerEpoch: this.brokerEpoch, metadata: this.metadata,
        timeoutMs: Math.min(this.config.requestTimeoutMs, 10000), logger: this.logger,
      });
    }
    // The server stops reading synchronously; waking parked fetches lets in-flight requests drain at once.
    const draining = this.server.shutdown(SHUTDOWN_DRAIN_MS);
    this.startupGate.shut('the broker is shutting down');
    this.purgatory.shutdown();
    this.producePurgatory.shutdown();
    // Parked JoinGroup/SyncGroup requests are answered (NOT_COORDINATOR) so the drain need not wait for them.
    this.groups?.shutdown();
    await draining.catch((err) => this.logger.warn(`Listener shutdown: ${(err as Error).message}`));
    this.metadata.close();
    // Fetchers stop before the logs close, so no follower append races the close.
    await this.replicas.shutdown().catch((err) => this.logger.warn(`Replica manager shutdown: ${(err as Error).message}`));
    // Logs are flushed and marked clean before anything that needs ZooKeeper, which may be gone.
    await this.logManager.shutdown().catch((err) => this.logger.error(`Log manager shutdown: ${(err as Error).message}`));
    await this.bounded('Controller shutdown', this.controller?.shutdown());
    await this.bounded('Deregistration', this.registration?.deregister());
    await this.bounded('ZooKeeper close', this.zk?.close());
    this.state = 'stopped';
    this.logger.info(`Broker ${this.brokerId} shut down cleanly`);
  }
}
