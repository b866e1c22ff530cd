import { expect } from 'chai';
import { BrokerContext } from '../../lib/broker/broker-context';
import { metadataHandler } from '../../lib/broker/handlers/metadata';
import { MetadataCache } from '../../lib/broker/metadata-cache';
import { RequestContext } from '../../lib/broker/request-context';
import { ErrorCode } from '../../lib/protocol/errors';
import { MetadataResponseData } from '../../lib/protocol/messages/metadata';

/** Broker 1 has PLAINTEXT and INTERNAL; broker 2 only INTERNAL and leads partition 1 of t. */
function cache(): MetadataCache {
  const metadata = new MetadataCache('INTERNAL');
  const state = (partitionIndex: number, leader: number) => ({
    topicName: 't', partitionIndex, controllerEpoch: 1, leader, leaderEpoch: 0, isr: [1, 2], zkVersion: 0, replicas: [1, 2, 3], isNew: false,
  });
  metadata.update({
    controllerId: 1, controllerEpoch: 1, brokerEpoch: -1, clusterId: 'c', partitionStates: [state(0, 1), state(1, 2)],
    liveBrokers: [
      { id: 1, host: 'i1', port: 9001, rack: null, endpoints: [{ listenerName: 'PLAINTEXT', host: 'p1', port: 8001 }, { listenerName: 'INTERNAL', host: 'i1', port: 9001 }] },
      { id: 2, host: 'i2', port: 9002, rack: null, endpoints: [{ listenerName: 'INTERNAL', host: 'i2', port: 9002 }] },
    ],
  });
  return metadata;
}

async function ask(listenerName: string): Promise<MetadataResponseData> {
  const ctx = { metadata: cache(), config: { autoCreateTopicsEnable: false } } as unknown as BrokerContext;
  const rc = { listenerName } as RequestContext;
  const response = await metadataHandler(ctx)({ topics: ['t'], allowAutoTopicCreation: false }, rc);
  if (!response) throw new Error('no response');
  return response;
}

describe('broker/handlers/metadata', () => {
  it('describes brokers by their endpoint on the listener the request came in on', async () => {
    expect((await ask('PLAINTEXT')).brokers).to.deep.equal([{ nodeId: 1, host: 'p1', port: 8001, rack: null }]);
    expect((await ask('INTERNAL')).brokers.map((b) => `${b.nodeId}@${b.host}:${b.port}`)).to.deep.equal(['1@i1:9001', '2@i2:9002']);
  });

  it("shows LEADER_NOT_AVAILABLE for a leader lacking the client's listener, and counts only dead brokers offline", async () => {
    const [p0, p1] = (await ask('PLAINTEXT')).topics[0].partitions;
    expect(p0).to.deep.include({ errorCode: 0, leaderId: 1, offlineReplicas: [3] });
    expect(p1).to.deep.include({ errorCode: ErrorCode.LEADER_NOT_AVAILABLE.code, leaderId: -1, offlineReplicas: [3] });
    expect((await ask('INTERNAL')).topics[0].partitions[1]).to.deep.include({ errorCode: 0, leaderId: 2 });
  });
});
