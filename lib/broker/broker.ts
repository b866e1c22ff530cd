/**
 * A Samsa broker: wires storage, ZooKeeper registration, the controller contender, the request
 * handlers and the listeners together, and owns the order of startup and shutdown.
 */
import { TxnMarkerObservers } from './txn-marker-observers';
import { EventEmitter } from 'events';
import { BrokerConfig } from '../config/broker-config';
import { formatHostPort, formatListener, Listener } from '../config/endpoints';
import { effectiveLogConfig } from '../config/topic-config';
import { Controller } from '../controller/controller';
import { LogManager } from '../storage/log-manager';
import { getLogger, Logger } from '../util/logger';
import { ZkClient } from '../zk/zk-client';
import { ClusterStore } from '../zk/cluster-store';
import { BrokerRegistration, BrokerRegistrationInfo, registerBroker } from '../zk/broker-registration';
import { ApiDispatcher } from './api-dispatcher';
import { BrokerContext } from './broker-context';
import { FetchPurgatory } from './fetch-purgatory';
import { ProducerIdManager } from './producer-id-manager';
import { IsrUpdater } from './isr-updater';
import { logDirFailureHandler } from './log-dir-failure-handler';
import { ProducePurgatory } from './produce-purgatory';
import { UserCredentialsStore } from '../security/scram/user-credentials-store';
import { assert } from '../util/assert';
import { GroupCoordinator } from '../group/group-coordinator';
import { groupCoordinatorConfig } from '../group/coordinator-runtime';
import { AclStore } from '../security/acl/acl-store';
import { controlledShutdownAttemptTimeoutMs, requestControlledShutdown } from './controlled-shutdown';
import { MetadataCache } from './metadata-cache';
import { ReplicaManager } from './replica-manager';
import { storageLogConfig, TopicConfigApplier } from './topic-config-applier';
import { createListenerServer, ListenerServer } from './listener-server';
import { interBrokerClientSecurity } from '../security/inter-broker-security';
import { StartupGate } from './startup-gate';
import { TopicAdmin } from './topic-admin';
import { registerBrokerHandlers } from './register-handlers';
import { ScramCredentialCache } from '../security/scram/credential-cache';
import { ConfigChangeListener } from '../zk/config-change-listener';
import { DynamicBrokerConfig, startDynamicBrokerConfig } from './dynamic-config-wiring';
import { SaslAuthenticator } from '../security/sasl/sasl-authenticator';
import { AclCache } from '../security/acl/acl-cache';
import { startAclAuthorizer } from '../security/acl/start-acl-authorizer';
import { Authorizer } from '../security/acl/acl-types';
import { BrokerMetrics } from '../http/broker-metrics';
import { HttpRoute, HttpServer } from '../http/http-server';
import { WebConsole } from '../http/console';
import { consoleTarget } from '../http/console-target';
import { healthRoute, readyRoute } from '../http/health';
import type { GroupView } from '../http/group-metrics';
import { BrokerQuotas } from './broker-quotas';
import { startTransactionCoordinator } from './transaction-wiring';

const SHUTDOWN_DRAIN_MS = 10000;
const ZK_SHUTDOWN_STEP_MS = 5000;

export class Broker extends EventEmitter {
  private readonly logger: Logger;
  private readonly metadata: MetadataCache;
  private readonly purgatory = new FetchPurgatory();
  private readonly producePurgatory = new ProducePurgatory();
  private readonly logManager: LogManager;
  private readonly replicas: ReplicaManager;
  /** Topic configs for new replicas, and live changes to them applied to the local logs. */
  readonly topicConfigs: TopicConfigApplier;
  private readonly startupGate: StartupGate;
  private readonly dispatcher: ApiDispatcher;
  /** One server per configured listener, in `listeners` order. */
  private readonly servers: Array<{ listener: Listener; server: ListenerServer }>;
  private readonly bound = new Map<string, number>();
  private brokerContext: BrokerContext | null = null;
  private readonly producerIds: ProducerIdManager;
  private zk: ZkClient | null = null;
  private store: ClusterStore | null = null;
  private controller: Controller | null = null;
  /** SCRAM credentials from /config/users, followed through /config/changes; only with a SASL listener. */
  private credentials: ScramCredentialCache | null = null;
  /** Follows /config/changes and hands each entity change to its owner (topics, brokers, clients, users). */
  private configChanges: ConfigChangeListener | null = null;
  dynamicConfig: DynamicBrokerConfig | null = null; // lib/broker/dynamic-config-wiring.ts
  private registration: BrokerRegistration | null = null;
  private state: 'created' | 'starting' | 'running' | 'stopping' | 'stopped' = 'created';
  /** Prometheus metrics, kept only when `http.listener` serves them. */
  private readonly metrics: BrokerMetrics | null;
  private readonly http: HttpServer | null;
  /** The web console on `http.listener` (lib/http/console.ts). */
  private webConsole: WebConsole | null = null;
  private httpBoundPort = -1;
  private readonly quotas: BrokerQuotas;

  constructor(readonly config: BrokerConfig) {
    super();
    this.logger = getLogger('broker');
    this.metadata = new MetadataCache(config.interBrokerListenerName);
    this.startupGate = new StartupGate(config.brokerId, config.requestTimeoutMs);
    this.metrics = config.httpListener === null ? null : this.createMetrics();
    this.http = this.metrics === null ? null : this.createHttpServer(this.metrics);
    this.dispatcher = new ApiDispatcher(this.startupGate, this.metrics ?? undefined);
    this.quotas = new BrokerQuotas(config);
    this.producerIds = new ProducerIdManager({
      brokerId: config.brokerId,
      allocateBlock: () => (this.zk ? new ClusterStore(this.zk).allocateProducerIdBlock(config.brokerId) : Promise.reject(new Error('not connected to ZooKeeper'))),
      zkConnected: () => this.zk?.state === 'CONNECTED',
    });
    // Logs found on disk start with the broker's defaults; LeaderAndIsr applies topic overrides.
    this.logManager = new LogManager({
      logDirs: config.logDirs,
      brokerId: config.brokerId,
      defaultConfig: storageLogConfig(effectiveLogConfig(config)),
      retentionCheckIntervalMs: config.retentionCheckIntervalMs,
      highWatermarkCheckpointIntervalMs: config.replicaHighWatermarkCheckpointIntervalMs,
      producerIdExpirationMs: config.producerIdExpirationMs,
      cleanerEnable: config.logCleanerEnable,
      cleanerBackoffMs: config.logCleanerBackoffMs,
      // Retention stops at the high watermark: nothing consumers cannot see yet or an in-sync follower still lacks.
      highWatermarkOf: (topic, partition) => this.replicas.getPartition(topic, partition)?.highWatermark,
      observer: this.metrics ?? undefined,
      onLogDirFailure: logDirFailureHandler({ brokerId: config.brokerId, services: () => ({ replicas: this.replicas, zk: this.zk }), fatal: (err) => this.emit('fatal', err), logger: this.logger }),
    });
    this.replicas = new ReplicaManager({
      brokerId: config.brokerId,
      logManager: this.logManager,
      partitionConfigFor: (topic) => this.topicConfigs.partitionConfigFor(topic),
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
      security: interBrokerClientSecurity(config),
      // Followers fetch over the inter-broker listener, which speaks the native protocol.
      brokerAddress: (id) => this.metadata.broker(id),
      logger: getLogger('replica-manager'),
      traffic: this.metrics ?? undefined, replicationQuotas: this.quotas.replication,
    });
    this.topicConfigs = new TopicConfigApplier({
      brokerDefaults: () => this.config, topicOverrides: (t) => this.topicAdmin?.topicConfig(t) ?? Promise.resolve({}),
      logs: () => this.logManager.allLogs(), partitions: () => this.replicas.allPartitions(),
      creationsSettled: () => this.replicas.partitionsSettled(), logger: getLogger('topic-config'),
    });
    // Built before anything starts, so a listener this build cannot serve fails fast.
    const deps = {
      config, dispatcher: this.dispatcher, startupGate: this.startupGate, logger: getLogger('network'), throttler: this.quotas.throttler,
      services: (): BrokerContext => {
        if (!this.brokerContext) throw new Error(`broker ${config.brokerId} has not connected to ZooKeeper yet`);
        return this.brokerContext;
      },
    };
    this.servers = config.listeners.map((listener) => ({ listener, server: createListenerServer(listener, deps) }));
  }

  get brokerId(): number {
    return this.config.brokerId;
  }

  /** The bound port of `http.listener` (useful when configured with port 0); -1 when off or before binding. */
  get httpPort(): number {
    return this.httpBoundPort;
  }

  private createMetrics(): BrokerMetrics {
    return new BrokerMetrics({
      partitions: () => this.replicas.allPartitions(),
      fetchPurgatorySize: () => this.purgatory.size,
      producePurgatorySize: () => this.producePurgatory.size,
      isActiveController: () => this.isController,
      controllerEpoch: () => this.controller?.epoch ?? -1,
      offlinePartitionCount: () => (this.isController ? this.offlinePartitionCount() : 0),
      zookeeperState: () => this.zk?.state ?? 'CONNECTING',
      connectionCounts: () => new Map(this.servers.map(({ listener, server }) => [listener.name, server.connectionCount])),
      consumerGroups: () => this.groupViews(), quotaThrottles: () => this.quotas.client.managers(),
    }, { perPartition: this.config.httpMetricsPartitionEnable });
  }

  private *groupViews(): Iterable<GroupView> {
    for (const entry of this.groups?.loadedGroups() ?? []) {
      yield {
        groupId: entry.groupId, state: entry.group.state,
        *committed() { for (const c of entry.offsets.all()) yield { topic: c.topic, partition: c.partition, offset: c.value.offset }; },
      };
    }
  }

  /** Partitions in the controller's metadata whose leader is none or not a live broker. */
  private offlinePartitionCount(): number {
    let offline = 0;
    for (const topic of this.metadata.topicNames()) {
      for (const p of this.metadata.partitions(topic) ?? []) if (p.leader < 0 || !this.metadata.isLive(p.leader)) offline++;
    }
    return offline;
  }

  private createHttpServer(metrics: BrokerMetrics): HttpServer {
    const routes = new Map<string, HttpRoute>([
      ['/health', healthRoute],
      ['/ready', () => readyRoute({ notReadyReason: () => this.notReadyReason() })],
      ['/metrics', async () => ({ status: 200, contentType: metrics.contentType, body: await metrics.scrape() })],
    ]);
    this.webConsole = new WebConsole({
      brokerId: this.config.brokerId, writeEnabled: this.config.httpConsoleWriteEnable,
      groupLagIntervalMs: this.config.httpConsoleGroupLagSampleIntervalMs,
      target: consoleTarget(this.config, (name) => this.boundPort(name)),
      brokerEndpoints: (id) => this.metadata.endpointsOf(id),
      localReplicas: () => this.replicas.allPartitions().map((p) => ({
        topic: p.topic, partition: p.partition, isLeader: p.isLeader, sizeBytes: p.log.size, logEndOffset: p.log.logEndOffset,
      })),
    });
    const webConsole = this.webConsole;
    return new HttpServer(routes, getLogger('http'), (req) => webConsole.handle(req));
  }

  /** Why clients would not be served now, or null when they would (`/ready`). */
  private notReadyReason(): string | null {
    if (this.state === 'stopping' || this.state === 'stopped') return 'the broker is shutting down';
    if (this.zk?.state !== 'CONNECTED') return 'not connected to ZooKeeper';
    if (this.registration === null) return 'not registered in ZooKeeper yet (a previous session of this broker id may still have to expire)';
    if (!this.startupGate.isOpen) return 'waiting for controller metadata that lists this broker';
    if (this.state !== 'running') return 'starting';
    return null;
  }

  /** The bound port of the first native-protocol listener (useful when configured with port 0); -1 before binding. */
  get port(): number {
    const native = this.config.listeners.find((l) => l.wireProtocol === 'samsa');
    return native ? this.boundPort(native.name) : -1;
  }

  /** The port a listener is bound to, -1 before binding or for a name not in `listeners`. */
  boundPort(listenerName: string): number {
    return this.bound.get(listenerName.toUpperCase()) ?? -1;
  }

  /** Listener name → bound port, for every listener bound so far. */
  get boundPorts(): ReadonlyMap<string, number> {
    return new Map(this.bound);
  }

  /** Open client connections on one listener (0 for a name not in `listeners`). */
  connectionCount(listenerName: string): number {
    return this.servers.find(({ listener }) => listener.name === listenerName.toUpperCase())?.server.connectionCount ?? 0;
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
    // First, so /health answers and /ready explains what startup waits for.
    await this.bindHttp();
    await this.logManager.startup();
    this.zk = await ZkClient.connect({
      connectString: this.config.zookeeperConnect,
      sessionTimeoutMs: this.config.zookeeperSessionTimeoutMs,
      connectionTimeoutMs: this.config.zookeeperConnectionTimeoutMs,
    });
    if (this.metrics) this.zk.observe(this.metrics);
    const store = new ClusterStore(this.zk);
    this.store = store;
    await store.ensureBasePaths();
    this.metadata.clusterId = await store.getOrCreateClusterId();
    // Kafka's AclAuthorizer creates the ACL roots at startup; the ACL APIs read and write below them.
    const acls = new AclStore(this.zk);
    await acls.ensureRoots();
    // ACLs are loaded before any handler is registered, so no request is ever decided on an empty cache.
    const acl = await startAclAuthorizer(this.zk, this.config);
    this.aclCache = acl?.cache ?? null;
    const authorizer = acl?.authorizer ?? null;
    const topicAdmin = new TopicAdmin(store, this.metadata, this.config, getLogger('admin'));
    this.topicAdmin = topicAdmin;
    // Follows __consumer_offsets leadership from the first LeaderAndIsr on, so it starts before registration.
    const groups = new GroupCoordinator({
      brokerId: this.brokerId, config: groupCoordinatorConfig(this.config), replicas: this.replicas, metadata: this.metadata,
      topics: topicAdmin, logger: getLogger('group-coordinator'),
    });
    this.groups = groups;
    groups.startup();
    this.transactions = startTransactionCoordinator({ config: this.config, replicas: this.replicas, metadata: this.metadata, topics: topicAdmin, producerIds: this.producerIds });
    this.brokerContext = { ...this.context(topicAdmin, groups, authorizer), transactions: this.transactions };
    const configChanges = new ConfigChangeListener(this.zk, getLogger('config-changes'));
    this.configChanges = configChanges;
    if (this.config.sasl.listeners.size > 0) {
      this.credentials = new ScramCredentialCache(this.zk, getLogger('scram-credentials'));
      await this.credentials.start(configChanges);
    }
    const quotaStore = await this.quotas.start(this.zk, configChanges);
    this.topicConfigs.register(configChanges);
    this.dynamicConfig = await startDynamicBrokerConfig({
      zk: this.zk, config: this.config, configChanges, store, metadata: this.metadata, replicas: this.replicas, logManager: this.logManager,
      reapplyTopicDefaults: () => this.topicConfigs.reapplyAll(),
      uncleanElectionDefaultChanged: () => this.controller?.uncleanElectionDefaultChanged(),
    });
    // Every owner has loaded its entities and registered its handler: now replay and follow changes.
    await configChanges.start();
    assert(this.zk !== null, 'handlers are registered once connected to ZooKeeper');
    registerBrokerHandlers(this.dispatcher, {
      ctx: this.brokerContext, groups, acls, credentialsStore: UserCredentialsStore.forZk(this.zk),
      authenticator: new SaslAuthenticator({ config: this.config.sasl, credentials: this.credentials ?? { credential: () => undefined }, logger: getLogger('sasl') }),
      producerIds: this.producerIds, controller: () => this.controller, dynamicConfig: this.dynamicConfig, quotaStore,
    });
    await this.bindListeners();
    this.registration = await registerBroker(this.zk, this.registrationInfo());
    this.registration.on('registration-failed', (err: Error) => this.emit('fatal', err));
    this.openGateOnFirstMetadata();
    const config = this.config;
    this.controller = new Controller({
      brokerId: this.brokerId,
      zk: this.zk,
      store,
      elections: this.metrics ?? undefined,
      config: {
        deleteTopicEnable: this.config.deleteTopicEnable,
        // A getter: the default is a dynamic broker config, applied to this.config in place.
        get uncleanLeaderElectionEnable(): boolean { return config.uncleanLeaderElectionEnable; },
        autoLeaderRebalanceEnable: this.config.autoLeaderRebalanceEnable,
        leaderImbalancePerBrokerPercentage: this.config.leaderImbalancePerBrokerPercentage,
        leaderImbalanceCheckIntervalMs: this.config.leaderImbalanceCheckIntervalSeconds * 1000,
        requestTimeoutMs: this.config.requestTimeoutMs,
        interBrokerListenerName: this.config.interBrokerListenerName,
        interBrokerSecurity: interBrokerClientSecurity(this.config),
      },
    });
    this.controller.on('elected', (epoch: number) => this.logger.info(`Broker ${this.brokerId} is now the controller (epoch ${epoch})`));
    this.controller.on('resigned', () => this.logger.info(`Broker ${this.brokerId} is no longer the controller`));
    await this.controller.startup();
    this.replicas.startIsrMaintenance();
    this.state = 'running';
    const advertised = this.advertisedEndpoints().map((l) => formatListener(l)).join(',');
    this.logger.info(`Broker ${this.brokerId} started in ${Date.now() - started} ms, advertised as ${advertised}, inter-broker listener ${this.config.interBrokerListenerName}, cluster id ${this.metadata.clusterId}`);
  }

  private async bindHttp(): Promise<void> {
    const address = this.config.httpListener;
    if (this.http === null || address === null) return;
    this.httpBoundPort = await this.http.listen(address.host, address.port);
    this.logger.info(`HTTP endpoint on http://${formatHostPort({ host: address.host || '0.0.0.0', port: this.httpBoundPort })} (/health, /ready, /metrics, console at /)`);
  }

  private async bindListeners(): Promise<void> {
    for (const { listener, server } of this.servers) {
      const port = await server.listen(listener.host, listener.port);
      this.bound.set(listener.name, port);
      this.logger.info(`Listening on ${formatListener({ ...listener, host: listener.host || '0.0.0.0', port })} (${listener.wireProtocol} protocol)`);
    }
  }

  /** The advertised listeners with each port 0 replaced by the port its listener got bound to, as Kafka registers them. */
  private advertisedEndpoints(): Listener[] {
    return this.config.advertisedListeners.map((l) => (l.port === 0 ? { ...l, port: this.boundPort(l.name) } : l));
  }

  /**
   * Kafka's `/brokers/ids/<id>` content: every advertised endpoint, and at the top level the first
   * endpoint whose security protocol is PLAINTEXT (for clients that predate `endpoints`).
   */
  private registrationInfo(): BrokerRegistrationInfo {
    const endpoints = this.advertisedEndpoints();
    const plaintext = endpoints.find((l) => l.securityProtocol === 'PLAINTEXT');
    return {
      brokerId: this.brokerId,
      host: plaintext?.host ?? null,
      port: plaintext?.port ?? -1,
      rack: this.config.brokerRack,
      listeners: endpoints.map((l) => ({ listenerName: l.name, securityProtocol: l.securityProtocol, host: l.host, port: l.port })),
    };
  }

  /**
   * Client requests are held until the controller's first UpdateMetadata lists this broker:
   * before that the metadata cache is empty and every topic would look missing.
   */
  private openGateOnFirstMetadata(): void {
    const ready = () => this.metadata.isLive(this.brokerId);
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
  private transactions: ReturnType<typeof startTransactionCoordinator> | null = null;

  private aclCache: AclCache | null = null;

  /** The ACLs this broker authorizes with; null without an authorizer. */
  get acls(): AclCache | null {
    return this.aclCache;
  }

  private context(topicAdmin: TopicAdmin, groups: GroupCoordinator, authorizer: Authorizer | null): BrokerContext {
    const txnMarkers = new TxnMarkerObservers();
    txnMarkers.subscribe((marker) => groups.onTxnMarker(marker)); // pending TxnOffsetCommit offsets complete
    return {
      brokerId: this.brokerId,
      config: this.config,
      metadata: this.metadata,
      replicas: this.replicas,
      purgatory: this.purgatory,
      topicAdmin,
      groups,
      logger: getLogger('request'),
      authorizer,
      brokerEpoch: () => this.brokerEpoch, quotas: this.quotas.client, txnMarkers,
    };
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
        timeoutMs: controlledShutdownAttemptTimeoutMs(this.config.requestTimeoutMs), logger: this.logger,
        security: interBrokerClientSecurity(this.config),
      });
    }
    // The server stops reading synchronously; waking parked fetches lets in-flight requests drain at once.
    const draining = Promise.all(this.servers.map(({ listener, server }) => server.shutdown(SHUTDOWN_DRAIN_MS)
      .catch((err) => this.logger.warn(`Listener ${listener.name} shutdown: ${(err as Error).message}`))));
    this.startupGate.shut('the broker is shutting down');
    this.purgatory.shutdown();
    this.producePurgatory.shutdown();
    // Parked JoinGroup/SyncGroup requests are answered (NOT_COORDINATOR) so the drain need not wait for them.
    this.groups?.shutdown();
    this.transactions?.shutdown();
    await draining;
    this.metadata.close();
    this.aclCache?.stop();
    // Fetchers stop before the logs close, so no follower append races the close.
    await this.replicas.shutdown().catch((err) => this.logger.warn(`Replica manager shutdown: ${(err as Error).message}`));
    // Logs are flushed and marked clean before anything that needs ZooKeeper, which may be gone.
    await this.logManager.shutdown().catch((err) => this.logger.error(`Log manager shutdown: ${(err as Error).message}`));
    this.configChanges?.stop();
    await this.bounded('Controller shutdown', this.controller?.shutdown());
    await this.bounded('Deregistration', this.registration?.deregister());
    await this.bounded('ZooKeeper close', this.zk?.close());
    await this.http?.close();
    await this.webConsole?.close();
    this.state = 'stopped';
    this.logger.info(`Broker ${this.brokerId} shut down cleanly`);
  }
}
