/**
 * `samsa-topics --bootstrap-server`: the topic backend over the Admin client. Any broker accepts
 * admin requests, so one bootstrap address is enough.
 */
import { Admin } from '../client/admin';
import type { NewTopic, TopicDescription } from '../client/admin';
import type { ClientOptions } from '../client/client-options';
import { AlterConfigOp, configResourceKey } from '../client/admin-configs';
import type { DeleteOutcome, TopicBackend, TopicListing } from './topic-backend';

export class AdminTopicBackend implements TopicBackend {
  private constructor(private readonly admin: Admin) {}

  static async open(options: ClientOptions): Promise<AdminTopicBackend> {
    const admin = new Admin(options);
    try {
      await admin.connect();
    } catch (err) {
      await admin.close().catch(() => undefined);
      throw err;
    }
    return new AdminTopicBackend(admin);
  }

  async listTopics(): Promise<TopicListing[]> {
    const names = await this.admin.listTopics({ includeInternal: true });
    return names.map((name) => ({ name, markedForDeletion: false }));
  }

  describeTopics(names: string[]): Promise<TopicDescription[]> {
    return this.admin.describeTopics(names);
  }

  async liveBrokerIds(): Promise<Set<number>> {
    const cluster = await this.admin.describeCluster();
    return new Set(cluster.brokers.map((b) => b.nodeId));
  }

  /** The topic's effective min.insync.replicas: its override, else the broker's default. */
  async minInsyncReplicas(descriptions: readonly TopicDescription[]): Promise<Map<string, number>> {
    const effective = await this.admin.describeTopicConfigs(descriptions.map((d) => d.name));
    return new Map(descriptions.map((d) => [d.name, effectiveMinInsyncReplicas(effective.get(d.name) ?? d.configs)]));
  }

  createTopic(spec: NewTopic, opts: { ifNotExists: boolean }): Promise<void> {
    return this.admin.createTopic(spec, { ifNotExists: opts.ifNotExists });
  }

  async deleteTopic(name: string): Promise<DeleteOutcome> {
    await this.admin.deleteTopic(name);
    return 'marked';
  }

  createPartitions(topic: string, totalCount: number, assignments?: number[][]): Promise<void> {
    return this.admin.createPartitions(topic, totalCount, assignments ? { assignments } : undefined);
  }

  /** Samsa extra: Kafka's tool refuses --config with --alter on --bootstrap-server; Samsa sends IncrementalAlterConfigs. */
  async alterTopicConfig(topic: string, set: Readonly<Record<string, string>>, deletes: readonly string[]): Promise<void> {
    const resource = { type: 'topic' as const, name: topic };
    const ops: AlterConfigOp[] = [
      ...Object.entries(set).map(([name, value]): AlterConfigOp => ({ name, op: 'set', value })),
      ...deletes.map((name): AlterConfigOp => ({ name, op: 'delete' })),
    ];
    const error = (await this.admin.incrementalAlterConfigs([{ resource, ops }])).get(configResourceKey(resource));
    if (error) throw error;
  }

  close(): Promise<void> {
    return this.admin.close();
  }
}

export const MIN_INSYNC_REPLICAS_DEFAULT = 1;

export function effectiveMinInsyncReplicas(configs: Readonly<Record<string, string>>, fallback = MIN_INSYNC_REPLICAS_DEFAULT): number {
  const value = Number(configs['min.insync.replicas']);
  return Number.isInteger(value) && value >= 1 ? value : fallback;
}
