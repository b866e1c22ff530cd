import { expect } from 'chai';
import { Api } from '../../lib/protocol/api';
import { ProtocolError } from '../../lib/protocol/errors';
import { MetadataRequest, MetadataResponse } from '../../lib/protocol/messages/metadata';
import { ProduceRequest } from '../../lib/protocol/messages/produce-fetch';
import { array, decode, encode, int16, int32, since, string, struct } from '../../lib/protocol/schema';

describe('protocol/schema', () => {
  it('encodes a Metadata request exactly as its wire grammar says', () => {
    // topics: array of 2 strings ("a", "bc"), allowAutoTopicCreation: true
    const expected = Buffer.from('00000002' + '000161' + '00026263' + '01', 'hex');
    expect(encode(MetadataRequest, { topics: ['a', 'bc'], allowAutoTopicCreation: true }, 0).equals(expected)).to.equal(true);
    expect(decode(MetadataRequest, expected, 0)).to.deep.equal({ topics: ['a', 'bc'], allowAutoTopicCreation: true });
  });

  it('encodes a null topic list as -1', () => {
    const bytes = encode(MetadataRequest, { topics: null, allowAutoTopicCreation: false }, 0);
    expect(bytes.toString('hex')).to.equal('ffffffff00');
    expect(decode(MetadataRequest, bytes, 0).topics).to.equal(null);
  });

  it('decodes a Produce request whose records field is a view into the frame', () => {
    const records = Buffer.from('0102030405', 'hex');
    const body = {
      transactionalId: null, acks: -1, timeoutMs: 1500,
      topics: [{ name: 't', partitions: [{ index: 3, records }] }],
    };
    const bytes = encode(ProduceRequest, body, 0);
    // transactionalId null | acks -1 | timeout 1500 | 1 topic "t" | 1 partition: index 3, 5 bytes of records
    expect(bytes.toString('hex')).to.equal('ffff' + 'ffff' + '000005dc' + '00000001' + '000174' + '00000001' + '00000003' + '00000005' + '0102030405');
    const decoded = decode(ProduceRequest, bytes, 0);
    expect(decoded.topics[0].partitions[0].records!.buffer).to.equal(bytes.buffer);
    expect(decoded.topics[0].partitions[0].records!.toString('hex')).to.equal('0102030405');
  });

  it('round-trips a Metadata response', () => {
    const value = {
      brokers: [{ nodeId: 1, host: 'localhost', port: 9092, rack: null }],
      clusterId: 'abc',
      controllerId: 1,
      topics: [{ errorCode: 0, name: 't', isInternal: false, partitions: [
        { errorCode: 0, partitionIndex: 0, leaderId: 1, leaderEpoch: 0, replicaNodes: [1], isrNodes: [1], offlineReplicas: [] },
      ] }],
    };
    expect(decode(MetadataResponse, encode(MetadataResponse, value, 0), 0)).to.deep.equal(value);
  });

  it('rejects trailing bytes after a message', () => {
    const bytes = Buffer.concat([encode(MetadataRequest, { topics: [], allowAutoTopicCreation: false }, 0), Buffer.from([0])]);
    expect(() => decode(MetadataRequest, bytes, 0)).to.throw(ProtocolError, /trailing/);
  });

  it('reads versioned fields only in their versions and defaults them elsewhere', () => {
    const S = struct({ a: int32, b: since(1, string, 'none'), c: array(int16) });
    expect(encode(S, { a: 1, b: 'x', c: [2] }, 0).toString('hex')).to.equal('00000001' + '00000001' + '0002');
    expect(encode(S, { a: 1, b: 'x', c: [2] }, 1).toString('hex')).to.equal('00000001' + '000178' + '00000001' + '0002');
    expect(decode(S, Buffer.from('00000001000000010002', 'hex'), 0)).to.deep.equal({ a: 1, b: 'none', c: [2] });
  });

  it('gives every API a distinct key', () => {
    const keys = Object.values(Api).map((a) => a.key);
    expect(new Set(keys).size).to.equal(keys.length);
  });
});
