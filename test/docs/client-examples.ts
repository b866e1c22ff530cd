/**
 * The examples of docs/client.md, as code that compiles and runs. Each `// #region name` body
 * appears verbatim in the document (test/docs/client-docs.test.ts checks it), so an API change
 * that breaks an example breaks the build rather than the reader's copy-paste.
 * Imports and the scaffolding around the regions are not part of the document.
 */
import { randomUUID } from 'crypto';
import { readFileSync } from 'fs';
import { Registry } from 'prom-client';
import {
  Admin, ANY_ACL_FILTER, ClientClosedError, ConfigResource, configResourceKey, Consumer, ConsumerRecord, ErrorCode, JsonDeserializer, JsonSerializer, Producer,
  ProducerFencedError, RecordDeserializationError, RoundRobinPartitioner, SamsaError, StringDeserializer, StringSerializer, TopicAuthorizationError, TopicPartition,
  TopicPartitionOffset, TransactionalIdAuthorizationError,
} from '../../lib/index';

// The examples print with console.log; here that goes to a list the tests can read instead of the terminal.
export const printed: unknown[][] = [];
const print = (...args: unknown[]): void => {
  printed.push(args);
};
const console = { log: print, error: print };

export async function producerExample(bootstrap: string): Promise<Producer> {
  // #region producer
  const producer = new Producer({
    bootstrapServers: bootstrap,      // 'host:port,host:port' or ['host:port', ...]
    clientId: 'orders-service',
    acks: 'all',                      // the default: wait for the in-sync replicas
    enableIdempotence: true,          // the default: retries never duplicate or reorder
    lingerMs: 10,                     // wait up to 10 ms for a batch to fill
    batchSize: 64 * 1024,
    compression: 'gzip',
  });
  await producer.connect();           // optional: fails fast when the cluster is unreachable

  // One record, awaited: resolves once the broker acknowledged it.
  const metadata = await producer.send({
    topic: 'orders',
    key: 'customer-42',               // same key, same partition
    value: JSON.stringify({ id: 1, total: 9.5 }),
    headers: { 'content-type': 'application/json' },
  });
  console.log(`written to ${metadata.topic}-${metadata.partition} at offset ${metadata.offset}`);

  // Many records: queue them all (they are batched), then wait once.
  const sends: Array<Promise<unknown>> = [];
  for (let i = 0; i < 100; i++) sends.push(producer.send({ topic: 'orders', key: `customer-${i}`, value: `order ${i}` }));
  await Promise.all(sends);

  // Kafka's send(record, callback): no promise per record, for high rates.
  producer.send({ topic: 'orders', value: 'audit' }, (err, md) => {
    if (err) console.error('send failed', err);
    else console.log('audit record at', md?.offset);
  });
  await producer.flush();             // every record sent so far is acknowledged or failed
  // #endregion
  return producer;
}

export async function consumerGroupExample(bootstrap: string, expected: number): Promise<string[]> {
  const seen: string[] = [];
  const handle = (record: ConsumerRecord): void => {
    seen.push(record.value?.toString() ?? '');
  };
  // #region consumer-group
  const consumer = new Consumer({
    bootstrapServers: bootstrap,
    groupId: 'billing',
    autoOffsetReset: 'earliest',      // no committed offset yet: start at the beginning
    enableAutoCommit: false,          // this loop commits itself
    maxPollRecords: 200,
  });
  consumer.subscribe(['orders'], {
    onPartitionsAssigned: (partitions) => console.log('assigned', partitions),
    // Awaited before another member takes the partitions over: commit what was processed.
    onPartitionsRevoked: async () => consumer.commitSync(),
  });

  while (seen.length < expected) {    // your loop's own stop condition
    const records = await consumer.poll(1000);
    for (const record of records) handle(record);
    if (records.length > 0) {
      consumer.commitAsync(undefined, (err, offsets) => {
        if (err) console.error('commit failed', offsets, err);
      });
    }
  }
  await consumer.commitSync();        // retries until committed or defaultApiTimeoutMs
  await consumer.close();             // leaves the group; the listener hears of the revocation
  // #endregion
  return seen;
}

export async function transactionsExample(bootstrapServers: string, expected: number): Promise<number> {
  const enrich = (value: Buffer | null): string => `enriched ${value?.toString() ?? ''}`;
  let processed = 0;
  // #region transactions
  /** The next offset to read per partition (last record + 1): what a commit stores. */
  const nextOffsets = (records: ConsumerRecord[]): TopicPartitionOffset[] =>
    [...new Map(records.map((r) => [`${r.topic}-${r.partition}`, { topic: r.topic, partition: r.partition, offset: r.offset + 1 }])).values()];

  const consumer = new Consumer({ bootstrapServers, groupId: 'enricher', enableAutoCommit: false, autoOffsetReset: 'earliest', isolationLevel: 'read_committed' });
  const producer = new Producer({ bootstrapServers, transactionalId: 'enricher-1' });
  await producer.initTransactions();
  consumer.subscribe(['orders']);
  while (processed < expected) {      // your loop's own stop condition
    const records = await consumer.poll(1000);
    if (records.length === 0) continue;
    producer.beginTransaction();
    try {
      // A failed send also fails commitTransaction(), so the promises need no handling of their own.
      for (const r of records) producer.send({ topic: 'orders-enriched', key: r.key, value: enrich(r.value) }).catch(() => undefined);
      await producer.sendOffsetsToTransaction(nextOffsets(records), consumer.groupMetadata());
      await producer.commitTransaction();
      processed += records.length;
    } catch (err) {
      if (err instanceof ProducerFencedError || err instanceof TransactionalIdAuthorizationError) throw err;  // fatal: close the producer
      await producer.abortTransaction();
      // Process the aborted input again: back to the group's committed offsets.
      for (const c of await consumer.committed(consumer.assignment())) consumer.seek(c, c.offset ?? 'earliest');
    }
  }
  await producer.close();
  await consumer.close();
  // #endregion
  return processed;
}

export async function manualAssignmentExample(bootstrap: string): Promise<{ position: number; paused: TopicPartition[] }> {
  // #region assign-seek
  const reader = new Consumer({ bootstrapServers: bootstrap });  // no groupId: no group, no commits
  const partitions = await reader.partitionsFor('orders');
  reader.assign(partitions.map((partition) => ({ topic: 'orders', partition })));

  // Start each partition at the first record of the last hour.
  const hourAgo = Date.now() - 60 * 60 * 1000;
  const found = await reader.offsetsForTimes(partitions.map((partition) => ({ topic: 'orders', partition, timestamp: hourAgo })));
  for (const { topic, partition, offsetAndTimestamp } of found) {
    reader.seek({ topic, partition }, offsetAndTimestamp ? offsetAndTimestamp.offset : 'latest');
  }

  reader.pause([{ topic: 'orders', partition: 0 }]);  // poll() skips it until resume()
  const pausedNow = reader.paused();
  const batch = await reader.poll(500);
  console.log(`${batch.length} records, none from partition 0`);
  reader.resume(pausedNow);

  reader.seek({ topic: 'orders', partition: 0 }, 'earliest');
  const position = await reader.position({ topic: 'orders', partition: 0 });  // resolves the seek: the log start offset
  await reader.close();
  // #endregion
  return { position, paused: pausedNow };
}

export async function asyncIteratorExample(bootstrap: string, wanted: number): Promise<number> {
  // #region async-iterator
  const tail = new Consumer({ bootstrapServers: bootstrap, groupId: 'audit', autoOffsetReset: 'earliest' });
  tail.subscribe(['orders']);
  let count = 0;
  for await (const record of tail) {  // polls for you; auto-commit is on with a groupId
    count++;
    if (record.value?.toString() === 'audit' || count >= wanted) break;  // break rewinds to unseen records
  }
  await tail.close();                 // commits the position (auto-commit) and leaves the group
  // #endregion
  return count;
}

export async function adminTopicsExample(bootstrap: string): Promise<Admin> {
  // #region admin-topics
  const admin = new Admin({ bootstrapServers: bootstrap, clientId: 'ops' });
  await admin.connect();

  await admin.createTopic(
    { topic: 'orders', numPartitions: 3, replicationFactor: 1, configs: { 'retention.ms': '604800000' } },
    { ifNotExists: true },
  );
  await admin.createPartitions('orders', 4);           // the new total, not an increment
  const [orders] = await admin.describeTopics(['orders']);
  console.log(orders.partitions.map((p) => `${p.partition}: leader ${p.leader}, isr ${p.isr}`));
  console.log(await admin.listTopics());
  const cluster = await admin.describeCluster();
  console.log(`controller ${cluster.controllerId}, ${cluster.brokers.length} brokers`);
  const end = await admin.listOffsets('orders', 0, 'latest');  // the high watermark
  console.log('partition 0 ends at', end);
  // #endregion
  return admin;
}

export async function adminConfigsExample(admin: Admin): Promise<string | null> {
  // #region admin-configs
  const resource: ConfigResource = { type: 'topic', name: 'orders' };
  const results = await admin.incrementalAlterConfigs([{
    resource,
    ops: [
      { name: 'retention.ms', op: 'set', value: '86400000' },
      { name: 'max.message.bytes', op: 'delete' },  // back to the broker's default
    ],
  }]);
  const failure = results.get(configResourceKey(resource));  // null: applied
  if (failure) throw failure;

  const described = await admin.describeConfigs([resource], { includeSynonyms: true });
  const entries = described.get(configResourceKey(resource)) ?? [];
  const retention = entries.find((e) => e.name === 'retention.ms');
  console.log(retention?.value, retention?.source);  // '86400000' 'DYNAMIC_TOPIC_CONFIG'
  // #endregion
  return retention?.value ?? null;
}

export async function adminGroupsExample(admin: Admin): Promise<string[]> {
  // #region admin-groups
  const groups = await admin.listConsumerGroups();     // or listConsumerGroups(['Stable'])
  const [billing] = await admin.describeConsumerGroups(['billing']);
  console.log(billing.state, billing.members.map((m) => `${m.clientId}: ${JSON.stringify(m.assignment)}`));

  const committed = await admin.listConsumerGroupOffsets('billing');
  console.log(committed.map((o) => `${o.topic}-${o.partition}@${o.offset}`));
  // Only while the group has no active members (else UNKNOWN_MEMBER_ID):
  await admin.alterConsumerGroupOffsets('billing', [{ topic: 'orders', partition: 0, offset: 0 }]);
  await admin.deleteConsumerGroupOffsets('billing', [{ topic: 'orders', partition: 1 }]);
  const deleted = await admin.deleteConsumerGroups(['billing']);
  const error = deleted.get('billing');                 // null: deleted; else e.g. NON_EMPTY_GROUP
  if (error) console.error(error.errorName, error.message);
  // #endregion
  return groups.map((g) => g.groupId);
}

export async function adminRecordsExample(admin: Admin): Promise<number> {
  // #region admin-records
  const [result] = await admin.deleteRecords([{ topic: 'orders', partition: 0, offset: 10 }]);
  if (result.error) throw result.error;
  console.log('partition 0 now starts at', result.lowWatermark);

  const logDirs = await admin.describeLogDirs([1]);     // broker id → its log directories
  for (const dir of logDirs.get(1) ?? []) {
    console.log(dir.path, dir.replicas.map((r) => `${r.topic}-${r.partition}: ${r.size} bytes`));
  }
  // #endregion
  return result.lowWatermark;
}

export async function adminQuotasAndAclsExample(admin: Admin): Promise<number> {
  // #region admin-quotas-acls
  // Quotas: Kafka's entity types (user, client-id) and keys (producer_byte_rate, consumer_byte_rate, request_percentage).
  await admin.alterClientQuotas([{ entity: { user: 'alice' }, ops: [{ key: 'producer_byte_rate', value: 1048576 }] }]);
  const quotas = await admin.describeClientQuotas({ components: [{ entityType: 'user', match: 'alice' }] });
  console.log(quotas[0]?.values);                       // { producer_byte_rate: 1048576 }

  // ACLs (the brokers must run an authorizer: authorizer.class.name).
  await admin.createAcls([{
    pattern: { resourceType: 'Topic', name: 'orders', patternType: 'Literal' },
    entry: { principal: 'User:alice', host: '*', operation: 'Read', permissionType: 'Allow' },
  }]);
  const acls = await admin.describeAcls({ ...ANY_ACL_FILTER, resourceType: 'Topic', name: 'orders', patternType: 'Match' });
  const [removed] = await admin.deleteAcls([{ ...ANY_ACL_FILTER, principal: 'User:alice' }]);
  console.log(`${acls.length} ACLs matched, ${removed.length} deleted`);
  // #endregion
  return acls.length;
}

export async function errorHandlingExample(admin: Admin, producer: Producer): Promise<string[]> {
  const outcomes: string[] = [];
  const log = (s: string): void => {
    outcomes.push(s);
  };
  // #region errors
  // A broker's answer: match on the code (or errorName), never on the message.
  try {
    await admin.createTopic({ topic: 'orders', numPartitions: 3 });
  } catch (err) {
    if (err instanceof SamsaError && err.code === ErrorCode.TOPIC_ALREADY_EXISTS.code) log('exists already');
    else throw err;
  }

  // A closed client rejects every call with ClientClosedError (never retriable).
  await producer.close();
  try {
    await producer.send({ topic: 'orders', value: 'late' });
  } catch (err) {
    if (err instanceof ClientClosedError) log(`closed: ${err.message}`);  // 'the producer is closed'
  }

  // What to do with anything else: retriable errors may succeed later; the rest will not.
  const classify = (err: unknown): string => {
    if (err instanceof TopicAuthorizationError) return `no access to ${err.unauthorizedTopics.join(', ')}`;  // fix the ACLs
    if (err instanceof SamsaError) return err.retriable ? `transient ${err.errorName}: retry later` : `fatal ${err.errorName}`;
    return 'not from the client';
  };
  log(classify(new SamsaError(ErrorCode.NOT_LEADER_FOR_PARTITION)));  // transient NOT_LEADER_FOR_PARTITION: retry later
  log(classify(new TopicAuthorizationError(['payroll'])));             // no access to payroll
  // #endregion
  return outcomes;
}

/** Compiled, not run: it needs certificates and a SASL listener. */
export function securityExample(): Producer {
  // #region security
  const producer = new Producer({
    bootstrapServers: 'broker1.example.com:9094',
    security: {
      protocol: 'SASL_SSL',                             // PLAINTEXT (default), SSL, SASL_PLAINTEXT, SASL_SSL
      tls: { ca: readFileSync('/etc/samsa/ca.pem') },   // Node's tls.connect options
      sasl: { mechanism: 'SCRAM-SHA-512', username: 'alice', password: 'alice-secret' },
    },
  });
  // The same from Kafka's client properties (a client.properties file's keys):
  const consumer = Consumer.fromProperties({
    'bootstrap.servers': 'broker1.example.com:9094',
    'group.id': 'billing',
    'security.protocol': 'SASL_SSL',
    'ssl.truststore.location': '/etc/samsa/ca.pem',
    'ssl.truststore.type': 'PEM',
    'sasl.mechanism': 'SCRAM-SHA-512',
    'sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required username="alice" password="alice-secret";',
  });
  // #endregion
  void consumer;
  return producer;
}

export async function metricsExample(bootstrap: string): Promise<{ sent: number; exposition: string }> {
  // #region metrics
  const registry = new Registry();                      // prom-client's; the client never loads prom-client itself
  const producer = new Producer({ bootstrapServers: bootstrap, clientId: 'metered', metricsRegistry: registry });
  await producer.send({ topic: 'orders', value: 'measured' });
  const m = producer.metrics();                         // Kafka's metric names, plain numbers
  console.log(m['record-send-total'], m['request-latency-avg']);
  const exposition = await registry.metrics();          // samsa_client_producer_record_send_total{client_id="metered"} 1 ...
  await producer.close();                               // also removes its series from the registry
  // #endregion
  return { sent: m['record-send-total'], exposition };
}

export async function extensionsExample(bootstrap: string): Promise<void> {
  // #region extensions
  interface Payment { id: number; amount: number }

  // Typed records: serializers turn keys and values into bytes (Kafka's Serializer contract).
  const producer = new Producer<string, Payment>({
    bootstrapServers: bootstrap,
    keySerializer: new StringSerializer(),
    valueSerializer: new JsonSerializer<Payment>(),
    partitioner: new RoundRobinPartitioner(),  // or (topic, key, keyBytes, value, cluster) => partition
    interceptors: [{
      // Before serialization and partitioning; may change topic, key, value and headers.
      onSend: (record) => ({ ...record, headers: { 'trace-id': randomUUID() } }),
      // Every outcome, before send()'s promise or callback hears of it.
      onAcknowledgement: (metadata, error) => {
        if (error) console.error('not sent to', metadata?.topic, error);
      },
    }],
  });
  await producer.send({ topic: 'payments', key: 'customer-42', value: { id: 1, amount: 9.5 } });
  await producer.close();                    // closes the interceptors too

  const consumer = new Consumer<string, Payment>({
    bootstrapServers: bootstrap,
    autoOffsetReset: 'earliest',
    keyDeserializer: new StringDeserializer(),
    valueDeserializer: new JsonDeserializer<Payment>(),
    interceptors: [{ onConsume: (records) => records.filter((r) => r.value !== null) }],
  });
  consumer.assign([{ topic: 'payments', partition: 0 }]);
  let payments: Array<ConsumerRecord<string, Payment>> = [];
  while (payments.length === 0) {
    try {
      payments = await consumer.poll(1000);
    } catch (err) {
      // A record the deserializer cannot read: the position stays on it until you seek past it.
      if (!(err instanceof RecordDeserializationError)) throw err;
      console.log('skipping unreadable record at offset', err.offset);
      consumer.seek({ topic: err.topic, partition: err.partition }, err.offset + 1);
    }
  }
  console.log(`${payments[0].key} paid ${payments[0].value?.amount}`);
  await consumer.close();
  // #endregion
}
