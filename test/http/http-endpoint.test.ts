import { expect } from 'chai';
import * as net from 'net';
import { Admin } from '../../lib/client/admin';
import { Consumer } from '../../lib/client/consumer';
import { Producer } from '../../lib/client/producer';
import { useOneBroker } from '../helpers/one-broker';
import { httpRequest, parsePrometheusText, sampleValue, scrape } from '../helpers/prometheus-text';
import { waitUntil } from '../helpers/wait';

describe('http/broker endpoint', function () {
  this.timeout(60000);
  // fsync after every append, so each produce is a flush observation.
  const fixture = useOneBroker({ 'http.listener': 'http://127.0.0.1:0', 'log.flush.interval.messages': 1 });
  const port = () => fixture.broker.httpPort;

  it('binds a free port for port 0 and answers /health and /ready once serving', async () => {
    expect(port()).to.be.greaterThan(0);
    const health = await httpRequest(port(), '/health');
    expect(health.status).to.equal(200);
    expect(JSON.parse(health.body)).to.deep.equal({ status: 'UP' });
    const ready = await httpRequest(port(), '/ready');
    expect(ready.status).to.equal(200);
    expect(JSON.parse(ready.body).status).to.equal('READY');
  });

  it('answers 404 for unknown paths, 405 for other methods, and survives garbage', async () => {
    expect((await httpRequest(port(), '/nope')).status).to.equal(404);
    const post = await httpRequest(port(), '/metrics', 'POST');
    expect(post.status).to.equal(405);
    expect(post.headers.allow).to.equal('GET, HEAD');
    const head = await httpRequest(port(), '/health', 'HEAD');
    expect(head.status).to.equal(200);
    expect(head.body).to.equal('');
    // Bytes that are not HTTP at all: the socket is dropped, the server keeps serving.
    await new Promise<void>((resolve) => {
      const socket = net.connect(port(), '127.0.0.1', () => socket.end('\u0000\u0001 not http\r\n\r\n'));
      socket.on('close', () => resolve());
      socket.on('error', () => resolve());
      socket.resume();
    });
    expect((await httpRequest(port(), '/health')).status).to.equal(200);
  });

  it('serves Prometheus text whose traffic counters move with produce and fetch, and whose gauges match the broker', async () => {
    const bootstrap = fixture.native;
    const admin = new Admin({ bootstrapServers: bootstrap });
    await admin.createTopic({ topic: 'metered', numPartitions: 2, replicationFactor: 1 });
    await admin.close();
    await waitUntil('partitions led', async () => sampleValue(await scrape(port()), 'samsa_replica_leader_count')! >= 2);

    const before = await scrape(port());
    expect(before.types.get('samsa_broker_topic_messages_in_total')).to.equal('counter');
    expect(before.types.get('samsa_network_request_total_time_seconds')).to.equal('histogram');
    expect(before.types.get('samsa_replica_under_replicated_partitions')).to.equal('gauge');
    const messagesBefore = sampleValue(before, 'samsa_broker_topic_messages_in_total', { topic: 'metered' }) ?? 0;

    const producer = new Producer({ bootstrapServers: bootstrap, acks: 1 });
    await producer.connect();
    const values = Array.from({ length: 10 }, (_v, i) => `value-${i}`);
    await Promise.all(values.map((value, i) => producer.send({ topic: 'metered', partition: i % 2, value })));
    await producer.close();

    const afterProduce = await scrape(port());
    expect(sampleValue(afterProduce, 'samsa_broker_topic_messages_in_total', { topic: 'metered' })).to.equal(messagesBefore + 10);
    const bytesIn = sampleValue(afterProduce, 'samsa_broker_topic_bytes_in_total', { topic: 'metered' })!;
    expect(bytesIn).to.be.greaterThan(10 * 'value-0'.length);
    expect(sampleValue(afterProduce, 'samsa_network_requests_total', { request: 'Produce' })).to.be.at.least(1);
    expect(sampleValue(afterProduce, 'samsa_network_request_total_time_seconds_count', { request: 'Produce' })).to.be.at.least(1);
    expect(sampleValue(afterProduce, 'samsa_log_end_offset', { topic: 'metered', partition: '0' })).to.equal(5);
    expect(sampleValue(afterProduce, 'samsa_log_end_offset', { topic: 'metered', partition: '1' })).to.equal(5);
    expect(sampleValue(afterProduce, 'samsa_log_segments', { topic: 'metered', partition: '0' })).to.equal(1);
    expect(afterProduce.types.get('samsa_log_flush_time_seconds')).to.equal('histogram');
    expect(sampleValue(afterProduce, 'samsa_log_flush_time_seconds_count')).to.be.at.least(sampleValue(before, 'samsa_log_flush_time_seconds_count')! + 1);
    expect(sampleValue(afterProduce, 'samsa_log_cleaner_runs_total')).to.be.a('number');
    expect(sampleValue(afterProduce, 'samsa_log_size_bytes', { topic: 'metered', partition: '0' })).to.be.greaterThan(0);

    const consumer = new Consumer({ bootstrapServers: bootstrap, autoOffsetReset: 'earliest' });
    consumer.assign([0, 1].map((partition) => ({ topic: 'metered', partition })));
    let consumed = 0;
    await waitUntil('all records consumed', async () => {
      consumed += (await consumer.poll(500)).length;
      return consumed >= 10;
    });
    await consumer.close();
    const afterConsume = await scrape(port());
    expect(sampleValue(afterConsume, 'samsa_broker_topic_bytes_out_total', { topic: 'metered' })).to.be.at.least(bytesIn);

    // Gauges read the broker's own state at scrape time.
    const partitions = fixture.broker.metadataCache.topicNames()
      .reduce((n, t) => n + (fixture.broker.metadataCache.partitions(t)?.length ?? 0), 0);
    expect(sampleValue(afterConsume, 'samsa_replica_partition_count')).to.equal(partitions);
    expect(sampleValue(afterConsume, 'samsa_replica_leader_count')).to.equal(partitions);
    expect(sampleValue(afterConsume, 'samsa_replica_under_replicated_partitions')).to.equal(0);
    expect(sampleValue(afterConsume, 'samsa_controller_active_count')).to.equal(1);
    expect(sampleValue(afterConsume, 'samsa_controller_epoch')).to.be.at.least(1);
    expect(sampleValue(afterConsume, 'samsa_controller_offline_partitions')).to.equal(0);
    expect(sampleValue(afterConsume, 'samsa_zookeeper_session_state', { state: 'CONNECTED' })).to.equal(1);
    expect(sampleValue(afterConsume, 'samsa_zookeeper_session_state', { state: 'EXPIRED' })).to.equal(0);
    expect(afterConsume.types.get('samsa_zookeeper_request_latency_seconds')).to.equal('histogram');
    expect(sampleValue(afterConsume, 'samsa_zookeeper_request_latency_seconds_count')).to.be.greaterThan(0);
    expect(sampleValue(afterConsume, 'samsa_zookeeper_expires_total')).to.equal(0);
    expect(sampleValue(afterConsume, 'samsa_network_connections', { listener: 'PLAINTEXT' })).to.be.a('number');
    expect(sampleValue(afterConsume, 'samsa_purgatory_fetch_size')).to.be.a('number');
    expect(sampleValue(afterConsume, 'samsa_nodejs_eventloop_lag_seconds')).to.be.a('number');
  });

  it('exports group counts by state and committed-offset lag that drops to 0 once the group commits what it consumed', async () => {
    const bootstrap = fixture.native;
    const admin = new Admin({ bootstrapServers: bootstrap });
    await admin.createTopic({ topic: 'lagged', numPartitions: 1, replicationFactor: 1 });
    await admin.close();
    const producer = new Producer({ bootstrapServers: bootstrap, acks: 1 });
    await producer.connect();
    for (let i = 0; i < 5; i++) await producer.send({ topic: 'lagged', partition: 0, value: `v${i}` });
    await producer.close();

    const consumer = new Consumer({ bootstrapServers: bootstrap, groupId: 'lag-group', autoOffsetReset: 'earliest', enableAutoCommit: false });
    try {
      consumer.subscribe(['lagged']);
      let consumed = 0;
      await waitUntil('records consumed', async () => {
        consumed += (await consumer.poll(500)).length;
        return consumed >= 5;
      });
      await consumer.commitSync([{ topic: 'lagged', partition: 0, offset: 2 }]);
      const committed = await scrape(port());
      expect(committed.types.get('samsa_group_coordinator_offset_lag')).to.equal('gauge');
      expect(sampleValue(committed, 'samsa_group_coordinator_offset_lag', { group: 'lag-group', topic: 'lagged', partition: '0' })).to.equal(3);
      expect(sampleValue(committed, 'samsa_group_coordinator_groups', { state: 'Stable' })).to.be.at.least(1);
      expect(sampleValue(committed, 'samsa_group_coordinator_groups', { state: 'Dead' })).to.equal(0);

      await consumer.commitSync();
      const caughtUp = await scrape(port());
      expect(sampleValue(caughtUp, 'samsa_group_coordinator_offset_lag', { group: 'lag-group', topic: 'lagged', partition: '0' })).to.equal(0);
    } finally {
      await consumer.close();
    }
    const left = await scrape(port());
    expect(sampleValue(left, 'samsa_group_coordinator_groups', { state: 'Empty' })).to.be.at.least(1);
  });

  // Last: it stops the fixture's broker (the after hook's shutdown is then a no-op).
  it('stops serving when the broker shuts down', async () => {
    const httpPort = port();
    await fixture.broker.shutdown();
    const err = await httpRequest(httpPort, '/health').then(() => null, (e: NodeJS.ErrnoException) => e);
    expect(err?.code).to.equal('ECONNREFUSED');
  });
});

describe('http/prometheus text parser (test helper)', () => {
  it('reads types, labels with escapes and special values, and refuses malformed lines', () => {
    const parsed = parsePrometheusText('# HELP x_total help\n# TYPE x_total counter\nx_total{a="q\\"uote",b="n"} 3\ny +Inf\n');
    expect(parsed.types.get('x_total')).to.equal('counter');
    expect(sampleValue(parsed, 'x_total', { a: 'q"uote' })).to.equal(3);
    expect(sampleValue(parsed, 'y')).to.equal(Infinity);
    expect(() => parsePrometheusText('x{a=1} 3')).to.throw('bad');
  });
});
