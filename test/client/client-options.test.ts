import { expect } from 'chai';
import { parseBootstrapServers, resolveClientOptions } from '../../lib/client/client-options';
import { resolveProducerOptions } from '../../lib/client/producer-options';
import { Producer } from '../../lib/client/producer';
import { Consumer } from '../../lib/client/consumer';

describe('client/client-options', () => {
  it('parses comma-separated and listed bootstrap servers, IPv6 in brackets', () => {
    expect(parseBootstrapServers('a:9092, b:9093')).to.deep.equal([{ host: 'a', port: 9092 }, { host: 'b', port: 9093 }]);
    expect(parseBootstrapServers(['[::1]:9092', 'c:1'])).to.deep.equal([{ host: '::1', port: 9092 }, { host: 'c', port: 1 }]);
  });

  it('rejects malformed bootstrap servers with a message naming the entry', () => {
    expect(() => parseBootstrapServers('localhost')).to.throw(/localhost/);
    expect(() => parseBootstrapServers('h:70000')).to.throw(/h:70000/);
    expect(() => parseBootstrapServers(' , ')).to.throw(/at least one/);
  });

  it("fills in Kafka's defaults", () => {
    const o = resolveClientOptions({ bootstrapServers: 'h:1' });
    expect(o).to.deep.include({ clientId: 'samsa-client', requestTimeoutMs: 30000, retryBackoffMs: 100, reconnectBackoffMs: 50, reconnectBackoffMaxMs: 1000, metadataMaxAgeMs: 300000 });
    const p = resolveProducerOptions({ bootstrapServers: 'h:1' });
    expect(p).to.deep.include({ acks: -1, lingerMs: 5, batchSize: 16384, compression: 'none', maxInFlightRequestsPerConnection: 5, maxRequestSize: 1048576 });
    expect(resolveProducerOptions({ bootstrapServers: 'h:1', acks: 'all' }).acks).to.equal(-1);
    expect(() => resolveProducerOptions({ bootstrapServers: 'h:1', acks: 2 as 1 })).to.throw(/acks/);
  });

  it('builds clients from Kafka property names', async () => {
    const p = Producer.fromProperties({ 'bootstrap.servers': 'h:1', acks: '1', 'linger.ms': '7', 'compression.type': 'lz4' });
    const opts = (p as unknown as { options: Record<string, unknown> }).options;
    expect(opts).to.deep.include({ acks: 1, lingerMs: 7, compression: 'lz4', bootstrap: [{ host: 'h', port: 1 }] });
    await p.close();
    const c = Consumer.fromProperties({ 'bootstrap.servers': 'h:2', 'auto.offset.reset': 'earliest', 'max.poll.records': '9' });
    const copts = (c as unknown as { options: Record<string, unknown> }).options;
    expect(copts).to.deep.include({ autoOffsetReset: 'earliest', maxPollRecords: 9 });
    await c.close();
  });
});
