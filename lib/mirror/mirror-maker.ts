/**
 * The mirror maker engine: copies the source topics matching --include to the target cluster
 * (lib/cli/mirror-maker.ts is the command line around it).
 *
 * Pieces: `numStreams` MirrorStreams (source consumers in one group) feeding one idempotent
 * producer (acks=all); TopicSync (create/grow/configure target topics); an OffsetSyncStore fed by
 * every acknowledged copy, its syncs written to the offset-syncs topic and read back on start; the
 * Checkpointer (group offsets translated for failover). Timers run the periodic jobs: commits,
 * topic discovery, checkpoints, progress. `stop()` ends it cleanly: polling stops, the producer is
 * flushed, every acknowledged offset committed. `done` settles when it has stopped, rejecting
 * after a fatal error (a send failure with abort.on.send.failure).
 */
import { Admin } from '../client/admin';
import type { ClientOptions } from '../client/client-options';
import type { ConsumerOptions } from '../client/consumer';
import { Producer } from '../client/producer';
import type { ProducerOptions } from '../client/producer';
import { asSamsaError } from '../client/client-errors';
import { getLogger } from '../util/logger';
import { withTimeout } from '../util/time';
import { Checkpointer } from './checkpointer';
import type { MirrorConfig } from './mirror-config';
import { encodeOffsetSync } from './mirror-records';
import { MirrorStats, progressLine } from './mirror-stats';
import { MirrorStream } from './mirror-stream';
import { OffsetSyncStore } from './offset-sync-store';
import { readOffsetSyncs } from './internal-topic-reader';
import { ReplicationPolicy } from './replication-policy';
import { TopicSync } from './topic-sync';

const log = getLogger('mirror');
/** Upper bound on one round of log-end lookups for the lag figures. */
const LAG_LOOKUP_TIMEOUT_MS = 5000;

export interface MirrorMakerOptions {
  /** The source consumer (groupId required; auto-commit is turned off here). */
  consumer: ConsumerOptions;
  /** The target producer (idempotence and acks=all are forced here). */
  producer: ProducerOptions;
  /** Admin clients for the source and the target. */
  sourceAdmin: ClientOptions;
  targetAdmin: ClientOptions;
  include: string;
  numStreams: number;
  offsetCommitIntervalMs: number;
  abortOnSendFailure: boolean;
  progressIntervalMs: number;
  config: MirrorConfig;
  /** Where the progress line goes (stdout in the tool). */
  report(line: string): void;
  /** Counters to fill (the tool passes the ones its /metrics endpoint reads); default: new ones. */
  stats?: MirrorStats;
}

export class MirrorMaker {
  readonly stats: MirrorStats;
  readonly policy: ReplicationPolicy;
  private readonly store: OffsetSyncStore;
  private readonly source: Admin;
  private readonly target: Admin;
  private readonly producer: Producer;
  private readonly streams: MirrorStream[] = [];
  private readonly topicSync: TopicSync;
  private readonly checkpointer: Checkpointer;
  private readonly timers: NodeJS.Timeout[] = [];
  private mirrored = new Set<string>();
  private stopping: Promise<void> | null = null;
  private fatal: Error | null = null;
  private runs: Array<Promise<void>> = [];
  private lastReport = { at: Date.now(), records: 0 };
  private resolveDone!: () => void;
  private rejectDone!: (err: Error) => void;
  readonly done: Promise<void>;

  constructor(private readonly options: MirrorMakerOptions) {
    const cfg = options.config;
    this.stats = options.stats ?? new MirrorStats();
    this.policy = new ReplicationPolicy(options.include, cfg);
    this.store = new OffsetSyncStore(cfg['offset.lag.max']);
    this.source = new Admin(options.sourceAdmin);
    this.target = new Admin(options.targetAdmin);
    this.producer = new Producer({ ...options.producer, enableIdempotence: true, acks: 'all' });
    this.topicSync = new TopicSync(this.source, this.target, this.policy, cfg['replication.factor'], cfg['sync.topic.configs.enabled']);
    const ownGroup = options.consumer.groupId ?? '';
    this.checkpointer = new Checkpointer(this.source, this.target, this.producer, this.store, this.policy, cfg, ownGroup, (t) => this.mirrored.has(t));
    this.done = new Promise((resolve, reject) => {
      this.resolveDone = resolve;
      this.rejectDone = reject;
    });
    this.done.catch(() => undefined);
  }

  /** Connects, prepares the target, subscribes and starts copying; throws when a cluster cannot be used. */
  async start(): Promise<void> {
    const o = this.options;
    const reach = (what: string, connect: Promise<void>) => connect.catch((err: unknown) => {
      throw new Error(`Cannot reach the ${what}: ${asSamsaError(err).message}`, { cause: err });
    });
    await Promise.all([
      reach('source cluster (--consumer.config)', this.source.connect()),
      reach('target cluster (--producer.config)', this.target.connect().then(() => this.producer.connect())),
    ]);
    await this.createInternalTopics();
    for (const sync of await readOffsetSyncs(o.targetAdmin, this.policy.offsetSyncsTopic)) this.store.add(sync);
    for (let i = 0; i < o.numStreams; i++) {
      const clientId = `${o.consumer.clientId ?? 'mirror-maker'}-${i}`;
      // A source topic that grows is noticed by the group on a metadata refresh: at least as often as topics are refreshed.
      const metadataMaxAgeMs = Math.min(o.consumer.metadataMaxAgeMs ?? Infinity, o.config['refresh.topics.interval.seconds'] * 1000);
      this.streams.push(new MirrorStream(i, { ...o.consumer, clientId, enableAutoCommit: false, metadataMaxAgeMs }, {
        producer: this.producer, policy: this.policy, stats: this.stats, abortOnSendFailure: o.abortOnSendFailure,
        onCopied: (topic, partition, upstream, downstream) => this.copied(topic, partition, upstream, downstream),
        onFatal: (err) => this.fail(err),
      }));
    }
    await this.refreshTopics();
    this.runs = this.streams.map((s) => s.run().catch((err: unknown) => this.fail(asSamsaError(err))));
    this.every(o.offsetCommitIntervalMs, () => this.commitAll());
    this.every(o.config['refresh.topics.interval.seconds'] * 1000, () => this.refreshTopics());
    if (o.config['emit.checkpoints.enabled']) this.every(o.config['emit.checkpoints.interval.seconds'] * 1000, () => this.checkpoint());
    this.every(o.progressIntervalMs, () => this.progress());
    log.info(`Mirroring ${[...this.mirrored].join(', ') || 'no topic yet'} with ${o.numStreams} stream(s)`);
  }

  /** Stops polling, flushes, commits what the target acknowledged, closes the clients. Idempotent. */
  stop(): Promise<void> {
    if (!this.stopping) this.stopping = this.shutdown();
    return this.stopping;
  }

  /** Source topics being mirrored, sorted. */
  get topics(): string[] {
    return [...this.mirrored].sort();
  }

  /** Runs one checkpoint round now (tests and the shutdown path). */
  async checkpoint(): Promise<number> {
    return (await this.checkpointer.run()).length;
  }

  private async shutdown(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    for (const s of this.streams) s.stop();
    await Promise.allSettled(this.runs);
    try {
      // Revocation on close flushes the producer and commits each stream's acknowledged offsets.
      await Promise.allSettled(this.streams.map((s) => s.close()));
      await this.producer.close();
    } finally {
      await Promise.allSettled([this.source.close(), this.target.close()]);
      if (this.fatal) this.rejectDone(this.fatal);
      else this.resolveDone();
    }
  }

  private fail(err: Error): void {
    if (this.fatal || this.stopping) return;
    this.fatal = err;
    log.error(`Stopping the mirror maker: ${err.message}`);
    void this.stop();
  }

  private copied(topic: string, partition: number, upstream: number, downstream: number): void {
    const sync = this.store.observe(topic, partition, upstream, downstream);
    if (sync === null) return;
    const { key, value } = encodeOffsetSync(sync);
    this.producer.send({ topic: this.policy.offsetSyncsTopic, key, value }, (err) => {
      if (err) log.warn(`Writing an offset sync failed (translation stays coarser): ${err.message}`);
    });
  }

  private async createInternalTopics(): Promise<void> {
    const cfg = this.options.config;
    const internal = [this.policy.offsetSyncsTopic];
    if (cfg['emit.checkpoints.enabled']) internal.push(this.policy.checkpointsTopic);
    for (const topic of internal) {
      await this.target.createTopic({ topic, numPartitions: 1, replicationFactor: cfg['replication.factor'], configs: { 'cleanup.policy': 'compact' } },
        { ifNotExists: true });
    }
  }

  /** Finds matching source topics, syncs their target copies, and widens the subscription when new ones appear. */
  private async refreshTopics(): Promise<void> {
    const sources = await this.topicSync.discover();
    await this.topicSync.sync(sources);
    const names = new Set(sources.map((s) => s.name));
    const changed = names.size !== this.mirrored.size || [...names].some((n) => !this.mirrored.has(n));
    if (!changed) return;
    this.mirrored = names;
    log.info(`Mirrored topics: ${[...names].sort().join(', ') || '(none)'}`);
    await Promise.all(this.streams.map((s) => s.subscribe([...names].sort())));
  }

  private async commitAll(): Promise<void> {
    await Promise.all(this.streams.map((s) => s.commit()));
  }

  /** The progress line; lag lookups that take too long (a source broker down) leave the previous lags in it. */
  private async progress(): Promise<void> {
    const positions = this.streams.flatMap((s) => s.tracker.positions());
    if (positions.length > 0) {
      const lookup = this.source.listOffsetsWithTimestamps(positions.map((p) => ({ topic: p.topic, partition: p.partition, spec: 'latest' as const })));
      try {
        const latest = await withTimeout(lookup, LAG_LOOKUP_TIMEOUT_MS, () => new Error('lag lookup timed out'));
        for (let i = 0; i < positions.length; i++) {
          const p = positions[i];
          this.stats.lag.set(`${p.topic}-${p.partition}`, { topic: p.topic, partition: p.partition, lag: Math.max(0, latest[i].offset - p.offset) });
        }
      } catch (err) {
        lookup.catch(() => undefined);
        log.debug(`Lag not refreshed: ${asSamsaError(err).message}`);
      }
    }
    const now = Date.now();
    this.options.report(progressLine(this.stats, this.stats.records - this.lastReport.records, now - this.lastReport.at));
    this.lastReport = { at: now, records: this.stats.records };
  }

  /** A periodic job; a round that fails is logged and the next one tried, rounds never overlap. */
  private every(intervalMs: number, job: () => Promise<unknown>): void {
    let running = false;
    this.timers.push(setInterval(() => {
      if (running || this.stopping) return;
      running = true;
      job().catch((err: unknown) => log.warn(`Periodic mirror job failed (retried next round): ${asSamsaError(err).message}`))
        .finally(() => { running = false; });
    }, intervalMs));
  }
}
