import { expect } from 'chai';
import { BrokerQuotas } from '../../lib/broker/broker-quotas';
import { Admin } from '../../lib/client/admin';
import { Connection } from '../../lib/client/connection';
import { Producer } from '../../lib/client/producer';
import { Api } from '../../lib/protocol/api';
import { KafkaAlterClientQuotas, KafkaDescribeClientQuotas } from '../../lib/protocol/kafka/messages/client-quotas';
import { KafkaProduce } from '../../lib/protocol/kafka/messages/produce-fetch';
import { KafkaMetadata } from '../../lib/protocol/kafka/messages/metadata';
import { encodeRecordBatch } from '../../lib/record/record-batch';
import { EntityConfigStore } from '../../lib/zk/entity-config';
import { ZkClient } from '../../lib/zk/zk-client';
import { KafkaWireClient } from '../helpers/kafka-wire-client';
import { useOneBroker } from '../helpers/one-broker';
import { runProcess } from '../helpers/run-cli';
import { waitUntil } from '../helpers/wait';

const MIB = 1024 * 1024;

/** One batch of `count` 1000-byte records. */
function batch(count: number): Buffer {
  return encodeRecordBatch(Array.from({ length: count }, () => ({ key: null, value: Buffer.alloc(1000, 'q'), headers: [], timestamp: Date.now() })));
}

describe('integration/client-quotas', function () {
  this.timeout(120000);
  // Ten one-second samples: over the 10 s a client is measured, the window's average is the quota.
  const fx = useOneBroker({ 'quota.window.num': 10, 'http.listener': 'http://127.0.0.1:0' });
  let admin: Admin;
  const quotas = () => (fx.broker as unknown as { quotas: BrokerQuotas }).quotas.client;

  before(async () => {
    admin = new Admin({ bootstrapServers: fx.native });
    for (const topic of ['quota-a', 'quota-b', 'quota-small']) await admin.createTopic({ topic, numPartitions: 1, replicationFactor: 1 });
  });
  after(async () => admin?.close());

  async function setProducerQuota(clientId: string, value: number | null): Promise<void> {
    const [result] = await admin.alterClientQuotas([{ entity: { 'client-id': clientId }, ops: [{ key: 'producer_byte_rate', value }] }]);
    expect(result.error).to.equal(null);
    const expected = value ?? undefined;
    await waitUntil(`the broker to apply producer_byte_rate=${value} for ${clientId}`, () => quotas().produce.quotaFor('ANONYMOUS', clientId) === expected);
  }

  it('stores quotas for users, client ids and both, with defaults, and describes them with Kafka\'s filters', async () => {
    const results = await admin.alterClientQuotas([
      { entity: { user: 'alice', 'client-id': 'app' }, ops: [{ key: 'producer_byte_rate', value: 2048 }] },
      { entity: { user: null }, ops: [{ key: 'consumer_byte_rate', value: 4096 }, { key: 'request_percentage', value: 25 }] },
      { entity: { 'client-id': 'reporting' }, ops: [{ key: 'consumer_byte_rate', value: 1000 }] },
    ]);
    expect(results.map((r) => r.error)).to.deep.equal([null, null, null]);
    const all = await admin.describeClientQuotas({ components: [] });
    expect(all).to.deep.include.members([
      { entity: { user: 'alice', 'client-id': 'app' }, values: { producer_byte_rate: 2048 } },
      { entity: { user: null }, values: { consumer_byte_rate: 4096, request_percentage: 25 } },
      { entity: { 'client-id': 'reporting' }, values: { consumer_byte_rate: 1000 } },
    ]);
    expect(await admin.describeClientQuotas({ components: [{ entityType: 'user', match: 'alice' }], strict: true })).to.deep.equal([]);
    expect(await admin.describeClientQuotas({ components: [{ entityType: 'user', match: null }], strict: true }))
      .to.deep.equal([{ entity: { user: null }, values: { consumer_byte_rate: 4096, request_percentage: 25 } }]);
    expect(await admin.describeClientQuotas({ components: [{ entityType: 'user', match: 'alice' }, { entityType: 'client-id' }] }))
      .to.deep.equal([{ entity: { user: 'alice', 'client-id': 'app' }, values: { producer_byte_rate: 2048 } }]);
    // Kafka's layout: the nested entity below the user, values as strings.
    const zk = await ZkClient.connect({ connectString: fx.zk.connectString, sessionTimeoutMs: 10000 });
    try {
      expect(await new EntityConfigStore(zk).getZnodeConfig('users', 'alice/clients/app')).to.deep.equal({ producer_byte_rate: '2048' });
      expect(await new EntityConfigStore(zk).getConfig('users', '<default>')).to.deep.equal({ consumer_byte_rate: '4096', request_percentage: '25.0' });
    } finally {
      await zk.close();
    }
    await waitUntil('the broker to apply the user+client quota', () => quotas().produce.quotaFor('alice', 'app') === 2048);
    // The default-user quotas would govern every other test's (ANONYMOUS) clients: take them away again.
    const removed = await admin.alterClientQuotas([{ entity: { user: null }, ops: [{ key: 'consumer_byte_rate', value: null }, { key: 'request_percentage', value: null }] }]);
    expect(removed[0].error).to.equal(null);
    await waitUntil('the broker to drop the default user quotas', () => !quotas().request.enabled);
  });

  it('refuses an unknown key or a bad value naming it, and writes nothing for that entity', async () => {
    const results = await admin.alterClientQuotas([
      { entity: { 'client-id': 'strict' }, ops: [{ key: 'producer_byte_rate', value: 100 }, { key: 'producer_bytes_rate', value: 5 }] },
      { entity: { 'client-id': 'strict' }, ops: [{ key: 'consumer_byte_rate', value: 1.5 }] },
      { entity: { 'client-id': 'strict' }, ops: [{ key: 'request_percentage', value: -1 }] },
      { entity: { group: 'g' }, ops: [{ key: 'consumer_byte_rate', value: 10 }] },
    ]);
    expect(results.map((r) => r.error?.errorName)).to.deep.equal(['INVALID_REQUEST', 'INVALID_REQUEST', 'INVALID_REQUEST', 'INVALID_REQUEST']);
    expect(results[0].error?.message).to.contain('producer_bytes_rate');
    expect(results[1].error?.message).to.contain('consumer_byte_rate must be a LONG');
    expect(results[2].error?.message).to.contain('request_percentage');
    expect(await admin.describeClientQuotas({ components: [{ entityType: 'client-id', match: 'strict' }] })).to.deep.equal([]);
  });

  it('serves both APIs on the Kafka listener at v0 and v1', async () => {
    const client = new KafkaWireClient(Number(fx.kafka.split(':')[1]));
    try {
      const altered = await client.send(KafkaAlterClientQuotas, 1, {
        entries: [{ entity: [{ entityType: 'client-id', entityName: 'kafka-app' }], ops: [{ key: 'consumer_byte_rate', value: 3000, remove: false }] }],
        validateOnly: false,
      });
      expect(altered.entries[0].errorCode).to.equal(0);
      for (const version of [0, 1]) {
        const described = await client.send(KafkaDescribeClientQuotas, version, {
          components: [{ entityType: 'client-id', matchType: 0, match: 'kafka-app' }], strict: false,
        });
        expect(described.errorCode).to.equal(0);
        expect(described.entries).to.deep.equal([{ entity: [{ entityType: 'client-id', entityName: 'kafka-app' }], values: [{ key: 'consumer_byte_rate', value: 3000 }] }]);
      }
    } finally {
      client.close();
    }
  });

  it('returns throttle_time_ms and mutes the connection once a producer exceeds its quota, on both listeners', async () => {
    await setProducerQuota('tiny-native', 10_000);
    await setProducerQuota('tiny-kafka', 10_000);
    // 100 KB against 10 KB/s over a 9 s minimum window: about one second over.
    const native = new Connection({ host: '127.0.0.1', port: fx.broker.port, clientId: 'tiny-native' });
    try {
      const produce = { transactionalId: null, acks: 1, timeoutMs: 5000, topics: [{ name: 'quota-small', partitions: [{ index: 0, records: batch(100) }] }] };
      const first = await native.send(Api.Produce, produce);
      expect(first.topics[0].partitions[0].errorCode).to.equal(0);
      expect(first.throttleTimeMs).to.be.within(500, 3000);
      const started = Date.now();
      const second = await native.send(Api.Produce, { ...produce, topics: [{ name: 'quota-small', partitions: [{ index: 0, records: batch(1) }] }] });
      // The broker read nothing more from this client until the throttle passed.
      expect(Date.now() - started).to.be.at.least(first.throttleTimeMs - 100);
      expect(second.throttleTimeMs).to.be.greaterThan(0);
    } finally {
      native.close();
    }
    const kafka = new KafkaWireClient(Number(fx.kafka.split(':')[1]), 'tiny-kafka');
    try {
      const answer = await kafka.send(KafkaProduce, 7, {
        transactionalId: null, acks: 1, timeoutMs: 5000, topics: [{ name: 'quota-small', partitions: [{ index: 0, records: batch(100) }] }],
      });
      expect(answer.topics[0].partitions[0].errorCode).to.equal(0);
      expect(answer.throttleTimeMs).to.be.within(500, 3000);
    } finally {
      kafka.close();
    }
    const metrics = await (await fetch(`http://127.0.0.1:${fx.broker.httpPort}/metrics`)).text();
    const throttled = /samsa_quota_throttled_requests_total\{quota_type="produce"\} (\d+)/.exec(metrics);
    expect(Number(throttled?.[1])).to.be.at.least(3);
    expect(metrics).to.match(/samsa_quota_throttle_time_ms_total\{quota_type="produce"\} [1-9]/);
  });

  it('shows the throttle in the producer\'s produce-throttle-time metrics', async () => {
    await setProducerQuota('metered', 10_000);
    const producer = new Producer({ bootstrapServers: fx.native, clientId: 'metered', acks: 1, lingerMs: 20, batchSize: 256 * 1024 });
    try {
      const value = Buffer.alloc(1000, 'm');
      await Promise.all(Array.from({ length: 100 }, () => producer.send({ topic: 'quota-small', partition: 0, value })));
      expect(producer.metrics()['produce-throttle-time-max']).to.be.greaterThan(0);
    } finally {
      await producer.close();
    }
  });

  it('caps a consumer\'s fetch at its quota window and answers an over-quota fetch empty with throttle_time_ms', async () => {
    await admin.createTopic({ topic: 'quota-read', numPartitions: 1, replicationFactor: 1 });
    const writer = new Connection({ host: '127.0.0.1', port: fx.broker.port, clientId: 'writer' });
    try {
      for (let i = 0; i < 30; i++) {
        const produced = await writer.send(Api.Produce, { transactionalId: null, acks: 1, timeoutMs: 5000, topics: [{ name: 'quota-read', partitions: [{ index: 0, records: batch(10) }] }] });
        expect(produced.topics[0].partitions[0].errorCode).to.equal(0);
      }
    } finally {
      writer.close();
    }
    const [set] = await admin.alterClientQuotas([{ entity: { 'client-id': 'slow-reader' }, ops: [{ key: 'consumer_byte_rate', value: 20_000 }] }]);
    expect(set.error).to.equal(null);
    await waitUntil('the broker to apply consumer_byte_rate', () => quotas().fetch.quotaFor('ANONYMOUS', 'slow-reader') === 20_000);
    const reader = new Connection({ host: '127.0.0.1', port: fx.broker.port, clientId: 'slow-reader' });
    try {
      const fetch = (fetchOffset: number) => reader.send(Api.Fetch, {
        replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 50 * MIB, isolationLevel: 0,
        topics: [{ name: 'quota-read', partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset, logStartOffset: -1, partitionMaxBytes: 50 * MIB }] }],
      });
      // 20 KB/s over 9 windows: at most 180 KB in one answer, though 300 KB are there.
      const first = await fetch(0);
      const bytes = first.topics[0].partitions[0].records?.length ?? 0;
      expect(bytes).to.be.within(100_000, 180_000);
      expect(first.throttleTimeMs).to.equal(0);
      const second = await fetch(bytes > 0 ? 10 * Math.floor(bytes / 10_100) : 0);
      expect(second.throttleTimeMs).to.be.greaterThan(0);
      expect(second.topics).to.deep.equal([]);
    } finally {
      reader.close();
    }
  });

  it('throttles request handler time with request_percentage on any API (Metadata on the Kafka listener), at most one window', async () => {
    const [set] = await admin.alterClientQuotas([{ entity: { 'client-id': 'busy' }, ops: [{ key: 'request_percentage', value: 0.0001 }] }]);
    expect(set.error).to.equal(null);
    await waitUntil('the broker to apply request_percentage', () => quotas().request.quotaFor('ANONYMOUS', 'busy') === 0.0001);
    const client = new KafkaWireClient(Number(fx.kafka.split(':')[1]), 'busy');
    try {
      const answer = await client.send(KafkaMetadata, 9, { topics: [{ name: 'quota-small' }], allowAutoTopicCreation: false,
        includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false });
      expect(answer.throttleTimeMs).to.be.within(1, 1000);
    } finally {
      client.close();
    }
    await admin.alterClientQuotas([{ entity: { 'client-id': 'busy' }, ops: [{ key: 'request_percentage', value: null }] }]);
  });

  it('picks up a quota change live: removing the quota stops the throttling', async () => {
    await setProducerQuota('live', 10_000);
    const conn = new Connection({ host: '127.0.0.1', port: fx.broker.port, clientId: 'live' });
    try {
      const produce = (count: number) => conn.send(Api.Produce, { transactionalId: null, acks: 1, timeoutMs: 5000, topics: [{ name: 'quota-small', partitions: [{ index: 0, records: batch(count) }] }] });
      expect((await produce(100)).throttleTimeMs).to.be.greaterThan(0);
      await setProducerQuota('live', null);
      expect((await produce(100)).throttleTimeMs).to.equal(0);
      await setProducerQuota('live', 10_000);
      expect((await produce(1)).throttleTimeMs).to.be.greaterThan(0);
    } finally {
      conn.close();
    }
  });

  it('holds a producer quota of 1 MB/s within 10% over 10 s while an unthrottled client keeps its full rate', async function () {
    this.timeout(90000);
    await setProducerQuota('throttled', MIB);
    const run = (topic: string, clientId: string) => runProcess('node', ['dist/test/helpers/rate-producer.js', fx.native, topic, clientId, '10000'], { timeoutMs: 60000 });
    const [throttled, free] = await Promise.all([run('quota-a', 'throttled'), run('quota-b', 'unthrottled')]);
    expect(throttled.code, throttled.stderr).to.equal(0);
    expect(free.code, free.stderr).to.equal(0);
    const rate = (out: string) => (JSON.parse(out.trim()) as { ackedBytes: number; durationMs: number }).ackedBytes / MIB / 10;
    const throttledRate = rate(throttled.stdout);
    const freeRate = rate(free.stdout);
    if (process.env.QUOTA_TEST_VERBOSE) console.log(`throttled ${throttledRate.toFixed(3)} MB/s, unthrottled ${freeRate.toFixed(3)} MB/s`);
    expect(throttledRate, `throttled client: ${throttledRate.toFixed(3)} MB/s`).to.be.within(0.9, 1.1);
    expect(freeRate, `unthrottled client: ${freeRate.toFixed(3)} MB/s`).to.be.at.least(3);
  });
});
