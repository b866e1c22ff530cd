import { expect } from 'chai';
import { execFileSync } from 'child_process';
import * as path from 'path';
import { Registry } from 'prom-client';
import { Admin } from '../../lib/client/admin';
import { Consumer } from '../../lib/client/consumer';
import { Producer } from '../../lib/client/producer';
import { useOneBroker } from '../helpers/one-broker';
import { parsePrometheusText, sampleValue } from '../helpers/prometheus-text';
import { waitUntil } from '../helpers/wait';

const RECORDS = 50;

describe('client/client metrics', function () {
  this.timeout(60000);
  const fixture = useOneBroker();

  before(async () => {
    const admin = new Admin({ bootstrapServers: fixture.native });
    await admin.createTopic({ topic: 'measured', numPartitions: 2, replicationFactor: 1 });
    const m = admin.metrics();
    expect(m['request-total']).to.be.at.least(1);
    expect(m['outgoing-byte-total']).to.be.greaterThan(0);
    expect(m['incoming-byte-total']).to.be.greaterThan(0);
    await admin.close();
  });

  it('counts what the producer sent, per batch and request, and publishes it on a prom-client registry', async () => {
    const registry = new Registry();
    const producer = new Producer({ bootstrapServers: fixture.native, clientId: 'metered-producer', lingerMs: 5, metricsRegistry: registry });
    try {
      expect(producer.metrics()['record-send-total']).to.equal(0);
      await Promise.all(Array.from({ length: RECORDS }, (_v, i) => producer.send({ topic: 'measured', value: `value-${i}` })));
      // A record too large fails before reaching a batch: an error, not a send.
      await producer.send({ topic: 'measured', value: Buffer.alloc(2 * 1024 * 1024) }).then(() => expect.fail('sent'), () => undefined);
      const m = producer.metrics();
      expect(m['record-send-total']).to.equal(RECORDS);
      expect(m['record-error-total']).to.equal(1);
      expect(m['record-retry-total']).to.equal(0);
      expect(m['request-total']).to.be.at.least(1).and.at.most(RECORDS);
      expect(m['records-per-request-avg'] * m['request-total']).to.be.closeTo(RECORDS, 1e-6);
      expect(m['batch-size-avg']).to.be.greaterThan('value-0'.length);
      expect(m['batch-size-max']).to.be.at.least(m['batch-size-avg']);
      expect(m['request-latency-avg']).to.be.greaterThan(0);
      expect(m['request-latency-max']).to.be.at.least(m['request-latency-avg']);
      expect(m['outgoing-byte-total']).to.be.greaterThan(RECORDS * 'value-0'.length);
      expect(m['incoming-byte-total']).to.be.greaterThan(0);
      expect(m['record-send-rate']).to.be.greaterThan(0);

      const scraped = parsePrometheusText(await registry.metrics());
      expect(scraped.types.get('samsa_client_producer_record_send_total')).to.equal('counter');
      expect(scraped.types.get('samsa_client_producer_request_latency_avg')).to.equal('gauge');
      expect(sampleValue(scraped, 'samsa_client_producer_record_send_total', { client_id: 'metered-producer' })).to.equal(RECORDS);
      // A second client on the same registry adds its own series; the same client id is refused.
      const other = new Producer({ bootstrapServers: fixture.native, clientId: 'other-producer', metricsRegistry: registry });
      expect(() => new Producer({ bootstrapServers: fixture.native, clientId: 'other-producer', metricsRegistry: registry })).to.throw(/client id other-producer/);
      await other.close();
    } finally {
      await producer.close();
    }
    // Closed clients leave the registry.
    expect(sampleValue(parsePrometheusText(await registry.metrics()), 'samsa_client_producer_record_send_total', { client_id: 'metered-producer' })).to.equal(undefined);
  });

  it('counts what the consumer fetched and polled, its lag, rebalances and commits', async () => {
    const registry = new Registry();
    const consumer = new Consumer({
      bootstrapServers: fixture.native, groupId: 'metered-group', clientId: 'metered-consumer', autoOffsetReset: 'earliest',
      enableAutoCommit: false, maxPollRecords: 10, metricsRegistry: registry,
    });
    try {
      consumer.subscribe(['measured']);
      let consumed = 0;
      let sawLag = false;
      await waitUntil('all records consumed', async () => {
        consumed += (await consumer.poll(500)).length;
        // max.poll.records=10 leaves fetched records behind: the lag is what is still to be polled.
        if (consumed > 0 && consumed < RECORDS && consumer.metrics()['records-lag-max'] > 0) sawLag = true;
        return consumed >= RECORDS;
      });
      await consumer.commitSync();
      const m = consumer.metrics();
      expect(m['records-consumed-total']).to.equal(RECORDS);
      expect(sawLag).to.equal(true);
      expect(m['records-lag-max']).to.equal(0);
      expect(m['bytes-consumed-total']).to.be.greaterThan(RECORDS * 'value-0'.length);
      expect(m['fetch-total']).to.be.at.least(1);
      expect(m['fetch-latency-avg']).to.be.greaterThan(0);
      expect(m['fetch-latency-max']).to.be.at.least(m['fetch-latency-avg']);
      expect(m['rebalance-total']).to.equal(1);
      expect(m['rebalance-latency-avg']).to.be.greaterThan(0);
      expect(m['commit-total']).to.equal(1);
      expect(m['commit-latency-avg']).to.be.greaterThan(0);
      expect(m['request-total']).to.be.greaterThan(m['fetch-total']);
      const scraped = parsePrometheusText(await registry.metrics());
      expect(sampleValue(scraped, 'samsa_client_consumer_records_consumed_total', { client_id: 'metered-consumer' })).to.equal(RECORDS);
      expect(sampleValue(scraped, 'samsa_client_consumer_rebalance_total', { client_id: 'metered-consumer' })).to.equal(1);
    } finally {
      await consumer.close();
    }
  });

  it('does not load prom-client when the client library is loaded', () => {
    const entry = path.resolve(__dirname, '../../lib/index.js');
    const loaded = execFileSync(process.execPath, ['-e',
      `require(${JSON.stringify(entry)}); console.log(Object.keys(require.cache).filter((k) => k.includes('prom-client')).length)`]).toString().trim();
    expect(loaded).to.equal('0');
  });
});
