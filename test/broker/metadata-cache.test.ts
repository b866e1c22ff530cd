import { expect } from 'chai';
import { MetadataCache } from '../../lib/broker/metadata-cache';
import { LiveBrokerData, UpdateMetadataRequestData } from '../../lib/protocol/messages/controller';

function update(liveBrokers: LiveBrokerData[]): UpdateMetadataRequestData {
  return { controllerId: 1, controllerEpoch: 1, brokerEpoch: -1, clusterId: 'c', partitionStates: [], liveBrokers };
}

function broker(id: number, listeners: Record<string, number>): LiveBrokerData {
  const endpoints = Object.entries(listeners).map(([listenerName, port]) => ({ listenerName, host: `h${id}`, port }));
  return { id, host: `h${id}`, port: listeners.INTERNAL ?? -1, rack: null, endpoints };
}

describe('broker/metadata-cache', () => {
  it('answers for the inter-broker listener when no listener is named', () => {
    const cache = new MetadataCache('INTERNAL');
    cache.update(update([broker(1, { INTERNAL: 9001, PLAINTEXT: 8001 })]));
    expect(cache.broker(1)).to.deep.equal({ id: 1, host: 'h1', port: 9001, rack: null });
    expect(cache.broker(1, 'PLAINTEXT')).to.deep.equal({ id: 1, host: 'h1', port: 8001, rack: null });
  });

  it('leaves out brokers that lack the listener asked for, but still counts them live', () => {
    const cache = new MetadataCache('INTERNAL');
    cache.update(update([broker(2, { INTERNAL: 9002 }), broker(1, { INTERNAL: 9001, PLAINTEXT: 8001 })]));
    expect(cache.liveBrokers('PLAINTEXT').map((b) => `${b.id}:${b.port}`)).to.deep.equal(['1:8001']);
    expect(cache.liveBrokers().map((b) => `${b.id}:${b.port}`)).to.deep.equal(['1:9001', '2:9002']);
    expect(cache.broker(2, 'PLAINTEXT')).to.equal(undefined);
    expect(cache.isLive(2)).to.equal(true);
    expect(cache.isLive(3)).to.equal(false);
  });

  it("reads a version-0 broker's single address as its inter-broker endpoint", () => {
    const cache = new MetadataCache('INTERNAL');
    cache.update(update([{ id: 1, host: 'old', port: 7000, rack: 'r', endpoints: [] }]));
    expect(cache.broker(1)).to.deep.equal({ id: 1, host: 'old', port: 7000, rack: 'r' });
    expect(cache.liveBrokers('PLAINTEXT')).to.deep.equal([]);
  });
});
