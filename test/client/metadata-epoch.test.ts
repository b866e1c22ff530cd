/**
 * Regression test for a defect the chaos suite found (zombie-leader scenario): a leader cut off
 * from ZooKeeper and the controller still answers Metadata naming itself leader. A consumer that
 * took that answer after the new leader's fetched from the zombie at a position past the zombie's
 * log end, got OFFSET_OUT_OF_RANGE and reset to earliest, re-reading the whole partition within
 * one generation. As Kafka (KIP-320), metadata with an older leader epoch no longer replaces newer.
 */
import { expect } from 'chai';
import { MetadataCache } from '../../lib/client/metadata-cache';
import { MetadataResponseData } from '../../lib/protocol/messages/metadata';

function response(leaderId: number, leaderEpoch: number): MetadataResponseData {
  return {
    brokers: [1, 2, 3].map((nodeId) => ({ nodeId, host: `h${nodeId}`, port: 9092, rack: null })),
    clusterId: 'c1',
    controllerId: 1,
    topics: [{
      errorCode: 0, name: 't', isInternal: false,
      partitions: [{ errorCode: 0, partitionIndex: 0, leaderId, leaderEpoch, replicaNodes: [1, 2, 3], isrNodes: [1, 2, 3], offlineReplicas: [] }],
    }],
  };
}

describe('client/metadata-cache leader epochs', () => {
  it('ignores partition metadata with an older leader epoch than already seen, and asks again', () => {
    const cache = new MetadataCache(() => new Promise(() => undefined), { metadataMaxAgeMs: 60000, retryBackoffMs: 0, retryBackoffMaxMs: 0, allowAutoTopicCreation: false });
    cache.apply(response(2, 0));
    expect(cache.leaderFor('t', 0)).to.equal(2);
    cache.apply(response(3, 1));
    expect(cache.leaderFor('t', 0)).to.equal(3);
    cache.apply(response(2, 0)); // the zombie's answer
    expect(cache.leaderFor('t', 0)).to.equal(3);
    cache.apply(response(1, 2));
    expect(cache.leaderFor('t', 0)).to.equal(1);
  });
});
