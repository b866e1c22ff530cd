import { expect } from 'chai';
import { Api } from '../../lib/protocol/api';
import {
  GROUP_API_KEYS, HeartbeatRequest, JoinGroupRequest, JoinGroupResponse, OffsetCommitRequest, OffsetDeleteRequest, OffsetDeleteResponse, OffsetFetchRequest,
} from '../../lib/protocol/messages/group';
import { decode, encode } from '../../lib/protocol/schema';

describe('protocol/group messages', () => {
  it('encodes a Heartbeat request exactly as its wire grammar says', () => {
    const value = { groupId: 'g', generationId: 3, memberId: 'm-1', groupInstanceId: null };
    // groupId "g" | generationId 3 | memberId "m-1" | groupInstanceId null
    const expected = '000167' + '00000003' + '00036d2d31' + 'ffff';
    expect(encode(HeartbeatRequest, value, 0).toString('hex')).to.equal(expected);
    expect(decode(HeartbeatRequest, Buffer.from(expected, 'hex'), 0)).to.deep.equal(value);
  });

  it('encodes a null OffsetFetch topic list as -1 (all committed offsets)', () => {
    expect(encode(OffsetFetchRequest, { groupId: 'g', topics: null, requireStable: false }, 0).toString('hex')).to.equal('000167' + 'ffffffff');
  });

  it('adds requireStable to OffsetFetch at v1 (KIP-447), read as false from v0', () => {
    const v1 = '000167' + 'ffffffff' + '01';
    expect(encode(OffsetFetchRequest, { groupId: 'g', topics: null, requireStable: true }, 1).toString('hex')).to.equal(v1);
    expect(decode(OffsetFetchRequest, Buffer.from(v1, 'hex'), 1).requireStable).to.equal(true);
    expect(decode(OffsetFetchRequest, Buffer.from('000167ffffffff', 'hex'), 0).requireStable).to.equal(false);
  });

  it('round-trips JoinGroup and OffsetCommit with their nested arrays and byte fields', () => {
    const join = {
      groupId: 'orders', sessionTimeoutMs: 45000, rebalanceTimeoutMs: 300000, memberId: '', groupInstanceId: null,
      protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.from('0001', 'hex') }, { name: 'sticky', metadata: Buffer.alloc(0) }],
    };
    const decodedJoin = decode(JoinGroupRequest, encode(JoinGroupRequest, join, 0), 0);
    expect(decodedJoin.protocols.map((p) => [p.name, p.metadata.toString('hex')])).to.deep.equal([['range', '0001'], ['sticky', '']]);
    const joined = {
      throttleTimeMs: 0, errorCode: 0, generationId: 1, protocolType: 'consumer', protocolName: 'range', leader: 'a', memberId: 'a',
      members: [{ memberId: 'a', groupInstanceId: null, metadata: Buffer.from('ff', 'hex') }],
    };
    expect(decode(JoinGroupResponse, encode(JoinGroupResponse, joined, 0), 0).members[0].metadata.toString('hex')).to.equal('ff');
    const commit = {
      groupId: 'g', generationId: -1, memberId: '', groupInstanceId: null,
      topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 42, committedLeaderEpoch: -1, committedMetadata: null }] }],
    };
    expect(decode(OffsetCommitRequest, encode(OffsetCommitRequest, commit, 0), 0)).to.deep.equal(commit);
  });

  it('encodes OffsetDelete exactly as its wire grammar says', () => {
    const request = { groupId: 'g', topics: [{ name: 't', partitions: [{ partitionIndex: 1 }] }] };
    // groupId "g" | 1 topic: name "t" | 1 partition: partitionIndex 1
    const requestHex = '000167' + '00000001' + '000174' + '00000001' + '00000001';
    expect(encode(OffsetDeleteRequest, request, 0).toString('hex')).to.equal(requestHex);
    expect(decode(OffsetDeleteRequest, Buffer.from(requestHex, 'hex'), 0)).to.deep.equal(request);
    const response = { errorCode: 0, throttleTimeMs: 0, topics: [{ name: 't', partitions: [{ partitionIndex: 1, errorCode: 86 }] }] };
    // errorCode 0 | throttleTimeMs 0 | 1 topic: name "t" | 1 partition: partitionIndex 1, errorCode 86
    const responseHex = '0000' + '00000000' + '00000001' + '000174' + '00000001' + '00000001' + '0056';
    expect(encode(OffsetDeleteResponse, response, 0).toString('hex')).to.equal(responseHex);
  });

  it('serves Kafka\'s group API keys under their Kafka names in the API table', () => {
    const byKey = new Map(Object.values(Api).map((a) => [a.key, a.name]));
    for (const [name, key] of Object.entries(GROUP_API_KEYS)) expect(byKey.get(key), `key ${key}`).to.equal(name);
  });
});
