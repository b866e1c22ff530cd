/**
 * Interceptors, partitioners and serializers against a real broker: the library's typed
 * producer and consumer, a deserialization error skipped with seek(), and an interceptor module
 * plugged into samsa-console-producer/-consumer through interceptor.classes.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { Admin } from '../../lib/client/admin';
import { RecordDeserializationError } from '../../lib/client/client-errors';
import { Consumer, ConsumerRecord } from '../../lib/client/consumer';
import { RoundRobinPartitioner } from '../../lib/client/partitioners';
import { Producer, RecordMetadata } from '../../lib/client/producer';
import { TopicPartitionOffset } from '../../lib/client/offset-committer';
import { Int32Deserializer, Int32Serializer, JsonDeserializer, JsonSerializer, StringDeserializer, StringSerializer } from '../../lib/client/serializers';
import { useOneBroker } from '../helpers/one-broker';
import { runCli } from '../helpers/run-cli';

interface Order {
  id: number;
  item: string;
}

describe('integration/client-extensions', function () {
  this.timeout(120000);
  const cluster = useOneBroker({ 'auto.create.topics.enable': false });
  let admin: Admin;
  let dir: string;

  before(async () => {
    admin = new Admin({ bootstrapServers: cluster.native });
    await admin.createTopic({ topic: 'orders', numPartitions: 3, replicationFactor: 1 });
    await admin.createTopic({ topic: 'numbers', numPartitions: 1, replicationFactor: 1 });
    await admin.createTopic({ topic: 'traced', numPartitions: 2, replicationFactor: 1 });
    dir = mkdtempSync(path.join(tmpdir(), 'samsa-ext-'));
  });
  after(async () => {
    await admin?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends typed records through interceptors and a round-robin partitioner, and reads them back typed', async () => {
    const acks: Array<[RecordMetadata | null, string | null]> = [];
    const producer = new Producer<string, Order>({
      bootstrapServers: cluster.native,
      keySerializer: new StringSerializer(),
      valueSerializer: new JsonSerializer<Order>(),
      partitioner: new RoundRobinPartitioner(),
      interceptors: [{
        onSend: (r) => ({ ...r, headers: { ...(r.headers as Record<string, string>), 'trace-id': `t-${r.value!.id}` } }),
        onAcknowledgement: (md, err) => { acks.push([md, err?.message ?? null]); },
      }],
    });
    const sent = await Promise.all([1, 2, 3, 4, 5, 6].map((id) => producer.send({ topic: 'orders', key: 'same-key', value: { id, item: `item-${id}` } })));
    // Round robin ignores the (identical) keys: 0, 1, 2, 0, 1, 2.
    expect(sent.map((m) => m.partition)).to.deep.equal([0, 1, 2, 0, 1, 2]);
    expect(acks.filter(([, err]) => err === null)).to.have.length(6);

    // A value the serializer refuses fails the send; onAcknowledgement hears of it first.
    const failed = await producer.send({ topic: 'orders', value: (() => 1) as unknown as Order }).then(() => null, (e: Error) => e);
    expect(failed?.message).to.contain('JsonSerializer cannot serialize');
    expect(acks[acks.length - 1]).to.deep.equal([{ topic: 'orders', partition: -1, offset: -1, timestamp: -1 }, failed?.message]);
    await producer.close();

    const commits: TopicPartitionOffset[][] = [];
    const consumer = new Consumer<string, Order>({
      bootstrapServers: cluster.native, groupId: 'typed-readers', autoOffsetReset: 'earliest', enableAutoCommit: false,
      keyDeserializer: new StringDeserializer(),
      valueDeserializer: new JsonDeserializer<Order>(),
      interceptors: [{ onConsume: (rs) => rs.filter((r) => r.value!.id !== 3), onCommit: (offsets) => { commits.push(offsets); } }],
    });
    consumer.assign([0, 1, 2].map((partition) => ({ topic: 'orders', partition })));
    const got: ConsumerRecord<string, Order>[] = [];
    const deadline = Date.now() + 30000;
    while (got.length < 5 && Date.now() < deadline) got.push(...(await consumer.poll(500)));
    expect(got.map((r) => r.value!.id).sort()).to.deep.equal([1, 2, 4, 5, 6]);
    expect(got.every((r) => r.key === 'same-key' && r.value!.item === `item-${r.value!.id}`)).to.equal(true);
    expect(got.map((r) => r.headers.find((h) => h.key === 'trace-id')?.value?.toString()).sort()).to.deep.equal(['t-1', 't-2', 't-4', 't-5', 't-6']);
    expect(commits).to.deep.equal([]);
    await consumer.commitSync();
    expect(commits).to.have.length(1);
    expect(commits[0].map((o) => [o.partition, o.offset]).sort()).to.deep.equal([[0, 2], [1, 2], [2, 2]]);
    await consumer.close();
  });

  it('tells onAcknowledgement about a record for a topic that does not exist, before send() rejects', async () => {
    const events: string[] = [];
    const producer = new Producer({
      bootstrapServers: cluster.native, maxBlockMs: 1500,
      interceptors: [{ onAcknowledgement: (md, err) => { events.push(`ack ${md?.topic} ${md?.partition} ${md?.offset} ${err ? 'error' : 'ok'}`); } }],
    });
    const err = await producer.send({ topic: 'no-such-topic', value: 'x' }).then(() => null, (e: Error) => { events.push('rejected'); return e; });
    expect(err).to.not.equal(null);
    expect(events).to.deep.equal(['ack no-such-topic -1 -1 error', 'rejected']);
    await producer.close();
  });

  it('throws RecordDeserializationError at a bad record, stays there, and continues after seek() past it', async () => {
    const producer = new Producer<Buffer | number, Buffer | number>({ bootstrapServers: cluster.native, lingerMs: 0 });
    const int32 = new Int32Serializer();
    for (const value of [int32.serialize('numbers', 1), int32.serialize('numbers', 2), Buffer.from('bad'), int32.serialize('numbers', 4)]) {
      await producer.send({ topic: 'numbers', partition: 0, value });
    }
    await producer.close();

    const consumer = new Consumer<Buffer, number>({ bootstrapServers: cluster.native, autoOffsetReset: 'earliest', valueDeserializer: new Int32Deserializer() });
    const tp = { topic: 'numbers', partition: 0 };
    consumer.assign([tp]);
    const values: number[] = [];
    let error: unknown = null;
    const deadline = Date.now() + 30000;
    while (error === null && Date.now() < deadline) {
      try {
        values.push(...(await consumer.poll(500)).map((r) => r.value as number));
      } catch (err) {
        error = err;
      }
    }
    expect(values).to.deep.equal([1, 2]);
    expect(error).to.be.instanceOf(RecordDeserializationError);
    const e = error as RecordDeserializationError;
    expect([e.topic, e.partition, e.offset]).to.deep.equal(['numbers', 0, 2]);
    expect(await consumer.position(tp)).to.equal(2);
    // Kafka 2.8: every poll that reaches the record throws again until the application seeks.
    const again = await consumer.poll(5000).then(() => null, (err: unknown) => err);
    expect(again).to.be.instanceOf(RecordDeserializationError);
    expect((again as RecordDeserializationError).offset).to.equal(2);

    consumer.seek(tp, e.offset + 1);
    let after: ConsumerRecord<Buffer, number>[] = [];
    while (after.length === 0 && Date.now() < deadline) after = await consumer.poll(500);
    expect(after.map((r) => [r.offset, r.value])).to.deep.equal([[3, 4]]);
    await consumer.close();
  });

  it('lets interceptor.classes add a trace header in samsa-console-producer that samsa-console-consumer prints', async () => {
    const interceptor = path.join(dir, 'trace-interceptor.js');
    writeFileSync(interceptor, [
      'module.exports = class TraceInterceptor {',
      '  constructor(props) { this.prefix = props["trace.prefix"]; this.sent = 0; }',
      '  onSend(record) {',
      '    const headers = Array.isArray(record.headers) ? [...record.headers] : Object.entries(record.headers || {}).map(([key, value]) => ({ key, value }));',
      '    headers.push({ key: "trace-id", value: `${this.prefix}-${this.sent++}` });',
      '    return { ...record, headers };',
      '  }',
      '};',
    ].join('\n'));
    const upper = path.join(dir, 'upper-interceptor.js');
    writeFileSync(upper, 'exports.Interceptor = () => ({ onConsume: (records) => records.map((r) => ({ ...r, value: Buffer.from(String(r.value).toUpperCase()) })) });');

    const produced = await runCli('samsa-console-producer', [
      '--bootstrap-server', cluster.native, '--topic', 'traced', '--sync',
      '--producer-property', `interceptor.classes=${interceptor}`,
      '--producer-property', 'trace.prefix=abc',
      '--producer-property', 'partitioner.class=org.apache.kafka.clients.producer.RoundRobinPartitioner',
      // Ignored like Kafka's console producer does: the tool sends bytes.
      '--producer-property', 'value.serializer=org.apache.kafka.common.serialization.LongSerializer',
    ], { input: 'one\ntwo\nthree\nfour\n', timeoutMs: 60000 });
    expect(produced.code, produced.stderr).to.equal(0);

    const consumed = await runCli('samsa-console-consumer', [
      '--bootstrap-server', cluster.native, '--topic', 'traced', '--from-beginning', '--max-messages', '4', '--timeout-ms', '30000',
      '--property', 'print.headers=true', '--property', 'print.partition=true',
      '--consumer-property', `interceptor.classes=${upper}`,
    ], { timeoutMs: 60000 });
    expect(consumed.code, consumed.stderr).to.equal(0);
    expect(consumed.stdout.trim().split('\n').sort()).to.deep.equal([
      'Partition:0\ttrace-id:abc-0\tONE',
      'Partition:0\ttrace-id:abc-2\tTHREE',
      'Partition:1\ttrace-id:abc-1\tTWO',
      'Partition:1\ttrace-id:abc-3\tFOUR',
    ]);
  });

  it('fails samsa-console-producer with a clear error for an interceptor module that does not exist', async () => {
    const result = await runCli('samsa-console-producer', [
      '--bootstrap-server', cluster.native, '--topic', 'traced', '--producer-property', 'interceptor.classes=./nowhere/tracing.js',
    ], { input: 'x\n', timeoutMs: 60000 });
    expect(result.code).to.not.equal(0);
    expect(result.stderr).to.contain('Invalid value ./nowhere/tracing.js for configuration interceptor.classes: Class ./nowhere/tracing.js could not be found.');
  });
});
