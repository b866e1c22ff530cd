import { expect } from 'chai';
import { Api, apiByKey } from '../../lib/protocol/api';
import {
  AlterPartitionReassignmentsRequest, ElectLeadersRequest, ElectLeadersResponse, ListPartitionReassignmentsRequest,
  ListPartitionReassignmentsResponse,
} from '../../lib/protocol/messages/elect-reassign';
import { decode, encode } from '../../lib/protocol/schema';

describe('protocol/elect-reassign messages', () => {
  it('encodes an ElectLeaders request exactly as its wire grammar says', () => {
    const value = { electionType: 0, topicPartitions: [{ topic: 't', partitions: [0, 2] }], timeoutMs: 30000 };
    // electionType 0 | 1 topic | "t" | 2 partitions: 0, 2 | timeoutMs 30000
    const expected = '00' + '00000001' + '000174' + '00000002' + '00000000' + '00000002' + '00007530';
    expect(encode(ElectLeadersRequest, value, 0).toString('hex')).to.equal(expected);
    expect(decode(ElectLeadersRequest, Buffer.from(expected, 'hex'), 0)).to.deep.equal(value);
  });

  it('encodes "every partition" as a null topic list', () => {
    const all = { electionType: 1, topicPartitions: null, timeoutMs: 0 };
    expect(encode(ElectLeadersRequest, all, 0).toString('hex')).to.equal('01' + 'ffffffff' + '00000000');
    expect(encode(ListPartitionReassignmentsRequest, { timeoutMs: 1, topics: null }, 0).toString('hex')).to.equal('00000001' + 'ffffffff');
  });

  it('encodes a cancelled reassignment as a null replica list', () => {
    const value = { timeoutMs: 5, topics: [{ name: 't', partitions: [{ partitionIndex: 1, replicas: null }, { partitionIndex: 2, replicas: [3] }] }] };
    // timeoutMs 5 | 1 topic "t" | 2 partitions: (1, null), (2, [3])
    const expected = '00000005' + '00000001' + '000174' + '00000002' + '00000001' + 'ffffffff' + '00000002' + '00000001' + '00000003';
    expect(encode(AlterPartitionReassignmentsRequest, value, 0).toString('hex')).to.equal(expected);
    expect(decode(AlterPartitionReassignmentsRequest, Buffer.from(expected, 'hex'), 0)).to.deep.equal(value);
  });

  it('round-trips the responses with their per-partition results', () => {
    const elected = {
      throttleTimeMs: 0, errorCode: 0,
      replicaElectionResults: [{ topic: 't', partitionResult: [{ partitionId: 0, errorCode: 84, errorMessage: null }, { partitionId: 1, errorCode: 0, errorMessage: null }] }],
    };
    expect(decode(ElectLeadersResponse, encode(ElectLeadersResponse, elected, 0), 0)).to.deep.equal(elected);
    const listed = {
      throttleTimeMs: 0, errorCode: 0, errorMessage: null,
      topics: [{ name: 't', partitions: [{ partitionIndex: 0, replicas: [1, 2, 3], addingReplicas: [3], removingReplicas: [1] }] }],
    };
    expect(decode(ListPartitionReassignmentsResponse, encode(ListPartitionReassignmentsResponse, listed, 0), 0)).to.deep.equal(listed);
  });

  it('serves them under Kafka\'s keys 43, 45 and 46', () => {
    expect(apiByKey(43)).to.equal(Api.ElectLeaders);
    expect(apiByKey(45)).to.equal(Api.AlterPartitionReassignments);
    expect(apiByKey(46)).to.equal(Api.ListPartitionReassignments);
  });
});
