import { expect } from 'chai';
import * as net from 'net';
import { Admin } from '../../lib/client/admin';
import { Consumer } from '../../lib/client/consumer';
import { useOneBroker } from '../helpers/one-broker';
import { Exposition, sampleValue, scrape } from '../helpers/prometheus-text';

const PARTS = ['queue', 'local', 'remote', 'response_queue', 'response_send'] as const;

function timeSum(e: Exposition, part: string, request: string): number {
  return sampleValue(e, `samsa_network_request_${part}_time_seconds_sum`, { request }) ?? 0;
}

function timeCount(e: Exposition, part: string, request: string): number {
  return sampleValue(e, `samsa_network_request_${part}_time_seconds_count`, { request }) ?? 0;
}

/** A Kafka ApiVersions v0 request on a raw socket: resolves once its answer arrived. */
function kafkaApiVersions(hostPort: string): Promise<void> {
  const [host, port] = hostPort.split(':');
  const clientId = Buffer.from('raw');
  const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length);
  body.writeInt16BE(18, 0);
  body.writeInt16BE(0, 2);
  body.writeInt32BE(7, 4);
  body.writeInt16BE(clientId.length, 8);
  clientId.copy(body, 10);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), host, () => socket.write(Buffer.concat([size, body])));
    let got = 0;
    socket.on('data', (chunk) => {
      got += chunk.length;
      if (got >= 4 + 4) {
        socket.destroy();
        resolve();
      }
    });
    socket.on('error', reject);
  });
}

describe('http/request time metrics', function () {
  this.timeout(60000);
  const fixture = useOneBroker({ 'http.listener': 'http://127.0.0.1:0' });
  const port = () => fixture.broker.httpPort;

  it('observes every part of a request on the Kafka listener too, and the parts add up to the total', async () => {
    const before = await scrape(port());
    await kafkaApiVersions(fixture.kafka);
    // The write callback runs after the answer left; give it a moment before scraping.
    let after = await scrape(port());
    for (let i = 0; i < 20 && timeCount(after, 'total', 'ApiVersions') === timeCount(before, 'total', 'ApiVersions'); i++) {
      await new Promise((r) => setTimeout(r, 50));
      after = await scrape(port());
    }
    expect(sampleValue(after, 'samsa_network_requests_total', { request: 'ApiVersions' })).to.equal(
      (sampleValue(before, 'samsa_network_requests_total', { request: 'ApiVersions' }) ?? 0) + 1);
    expect(timeCount(after, 'total', 'ApiVersions')).to.equal(timeCount(before, 'total', 'ApiVersions') + 1);
    for (const part of PARTS) {
      expect(after.types.get(`samsa_network_request_${part}_time_seconds`), part).to.equal('histogram');
      expect(timeCount(after, part, 'ApiVersions'), part).to.equal(timeCount(after, 'total', 'ApiVersions'));
    }
    // The parts split the total exactly (local is never negative, so the sum cannot exceed it).
    const total = timeSum(after, 'total', 'ApiVersions');
    const parts = PARTS.reduce((n, part) => n + timeSum(after, part, 'ApiVersions'), 0);
    expect(total).to.be.greaterThan(0);
    expect(Math.abs(total - parts)).to.be.lessThan(1e-6 + total * 1e-9);
  });

  it('counts a long-polled fetch as remote time, not local', async () => {
    const admin = new Admin({ bootstrapServers: fixture.native });
    await admin.createTopic({ topic: 'idle', numPartitions: 1, replicationFactor: 1 });
    await admin.close();
    const consumer = new Consumer({ bootstrapServers: fixture.native, autoOffsetReset: 'latest', fetchMaxWaitMs: 400 });
    try {
      consumer.assign([{ topic: 'idle', partition: 0 }]);
      await consumer.poll(100);
      const before = await scrape(port());
      const started = Date.now();
      // Nothing arrives: every fetch of this poll waits its full fetch.max.wait.ms in the purgatory.
      while (Date.now() - started < 1500) expect(await consumer.poll(300)).to.deep.equal([]);
      const after = await scrape(port());
      const fetches = timeCount(after, 'total', 'Fetch') - timeCount(before, 'total', 'Fetch');
      const remote = timeSum(after, 'remote', 'Fetch') - timeSum(before, 'remote', 'Fetch');
      const local = timeSum(after, 'local', 'Fetch') - timeSum(before, 'local', 'Fetch');
      expect(fetches).to.be.at.least(2);
      expect(remote).to.be.at.least(0.35 * (fetches - 1));
      expect(local).to.be.lessThan(remote / 4);
      expect(timeSum(after, 'total', 'Fetch') - timeSum(before, 'total', 'Fetch')).to.be.at.least(remote);
      // Kafka's consumer/follower split: a consumer's fetches count under FetchConsumer too.
      expect(timeCount(after, 'remote', 'FetchConsumer') - timeCount(before, 'remote', 'FetchConsumer')).to.equal(fetches);
      expect(timeSum(after, 'remote', 'FetchConsumer') - timeSum(before, 'remote', 'FetchConsumer')).to.be.closeTo(remote, 1e-6);
      expect(sampleValue(after, 'samsa_network_requests_total', { request: 'FetchFollower' })).to.equal(undefined);
    } finally {
      await consumer.close();
    }
  });
});
