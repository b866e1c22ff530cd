import { expect } from 'chai';
import * as fc from 'fast-check';
import {
  BrokerIdZNode, ClusterIdZNode, ConfigChangeNotificationZNode, ControllerEpochZNode, ControllerZNode, formatEndpoint,
  generateClusterId, IsrChangeNotificationZNode, parseEndpoint, PartitionStateZNode, PreferredReplicaElectionZNode,
  ProducerIdBlockZNode, ReassignPartitionsZNode, sequenceNumber, TopicConfigZNode, TopicZNode, ZkPaths, ZnodeFormatError,
} from '../../lib/zk/znodes';

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
const text = (value: string): Buffer => Buffer.from(value);

function expectMalformed(fn: () => unknown, pattern: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).to.be.instanceOf(ZnodeFormatError);
  expect((caught as Error).message).to.match(pattern);
}

describe('zk/znodes', () => {
  describe('paths', () => {
    it('lays znodes out where Kafka does', () => {
      expect(ZkPaths.brokerId(3)).to.equal('/brokers/ids/3');
      expect(ZkPaths.partitionState('orders', 2)).to.equal('/brokers/topics/orders/partitions/2/state');
      expect(ZkPaths.topicConfig('orders')).to.equal('/config/topics/orders');
      expect(ZkPaths.deleteTopic('orders')).to.equal('/admin/delete_topics/orders');
      expect(ZkPaths.configChangePrefix).to.equal('/config/changes/config_change_');
      expect(ZkPaths.isrChangePrefix).to.equal('/isr_change_notification/isr_change_');
    });

    it('reads the sequence number of a sequential child', () => {
      expect(sequenceNumber('isr_change_0000000042')).to.equal(42);
      expect(sequenceNumber('not-sequential')).to.equal(-1);
    });
  });

  describe('broker registration', () => {
    const info = {
      host: 'h1', port: 9092, rack: null, jmxPort: -1, timestampMs: 1700000000123,
      endpoints: [{ listenerName: 'PLAINTEXT', securityProtocol: 'PLAINTEXT', host: 'h1', port: 9092 }],
    };

    it('writes version 5 with Kafka\'s field names and a string timestamp', () => {
      const written = JSON.parse(BrokerIdZNode.encode(info).toString());
      expect(written).to.deep.equal({
        version: 5, host: 'h1', port: 9092, endpoints: ['PLAINTEXT://h1:9092'],
        listener_security_protocol_map: { PLAINTEXT: 'PLAINTEXT' }, jmx_port: -1, timestamp: '1700000000123',
      });
    });

    it('writes a null top-level host and port -1 when no endpoint is PLAINTEXT, as Kafka does', () => {
      const written = JSON.parse(BrokerIdZNode.encode({ ...info, host: null, port: -1 }).toString());
      expect(written).to.deep.include({ host: null, port: -1, endpoints: ['PLAINTEXT://h1:9092'] });
    });

    it('includes the rack only when there is one', () => {
      expect(JSON.parse(BrokerIdZNode.encode({ ...info, rack: 'r1' }).toString()).rack).to.equal('r1');
      expect(JSON.parse(BrokerIdZNode.encode(info).toString())).to.not.have.property('rack');
    });

    it('round-trips through decode', () => {
      expect(BrokerIdZNode.decode(7, BrokerIdZNode.encode({ ...info, rack: 'r1' }))).to.deep.equal({ ...info, rack: 'r1', brokerId: 7 });
    });

    it('decodes a registration Kafka 2.x wrote without a PLAINTEXT host', () => {
      const decoded = BrokerIdZNode.decode(1, json({
        version: 4, host: null, port: -1, endpoints: ['INTERNAL://[::1]:9093'], listener_security_protocol_map: { INTERNAL: 'PLAINTEXT' },
        jmx_port: 9999, timestamp: '5',
      }));
      expect(decoded.host).to.equal('::1');
      expect(decoded.port).to.equal(9093);
      expect(decoded.endpoints).to.deep.equal([{ listenerName: 'INTERNAL', securityProtocol: 'PLAINTEXT', host: '::1', port: 9093 }]);
      expect(decoded.jmxPort).to.equal(9999);
    });

    it('rejects malformed registrations with the path and the field', () => {
      expectMalformed(() => BrokerIdZNode.decode(1, text('{not json')), /\/brokers\/ids\/1: invalid JSON/);
      expectMalformed(() => BrokerIdZNode.decode(1, json({ version: 9, host: 'h', port: 1 })), /unsupported version 9/);
      expectMalformed(() => BrokerIdZNode.decode(1, json({ version: 5, host: 'h', port: 'x', endpoints: [] })), /port should be an integer/);
      expectMalformed(() => BrokerIdZNode.decode(1, json({ version: 5, endpoints: ['nonsense'] })), /endpoint 'nonsense'/);
      expectMalformed(() => BrokerIdZNode.decode(1, null), /no data/);
      expectMalformed(() => BrokerIdZNode.decode(1, json([1, 2])), /JSON object/);
    });

    it('formats and parses endpoints, bracketing IPv6 hosts', () => {
      expect(formatEndpoint({ listenerName: 'PLAINTEXT', host: '::1', port: 1 })).to.equal('PLAINTEXT://[::1]:1');
      expect(parseEndpoint('plaintext://localhost:9092')).to.deep.equal({ listenerName: 'PLAINTEXT', securityProtocol: 'PLAINTEXT', host: 'localhost', port: 9092 });
      expect(parseEndpoint('localhost:9092')).to.equal(null);
    });
  });

  describe('controller', () => {
    it('writes /controller as Kafka does', () => {
      expect(JSON.parse(ControllerZNode.encode(2, 42).toString())).to.deep.equal({ version: 1, brokerid: 2, timestamp: '42' });
      expect(ControllerZNode.decode(ControllerZNode.encode(2, 42))).to.deep.equal({ brokerId: 2, timestampMs: 42 });
    });

    it('stores the controller epoch as plain integer text', () => {
      expect(ControllerEpochZNode.encode(17).toString()).to.equal('17');
      expect(ControllerEpochZNode.decode(text('17\n'))).to.equal(17);
      expectMalformed(() => ControllerEpochZNode.decode(text('{"epoch":1}')), /non-negative integer/);
      expectMalformed(() => ControllerEpochZNode.decode(text('-1')), /non-negative integer/);
    });

    it('rejects a controller node without a broker id', () => {
      expectMalformed(() => ControllerZNode.decode(json({ version: 1, timestamp: '1' })), /brokerid should be an integer, got nothing/);
    });
  });

  describe('topic assignment', () => {
    it('writes version 2 with string partition keys and empty reassignment maps', () => {
      const written = JSON.parse(TopicZNode.encode(new Map([[1, [2, 3]], [0, [1, 2]]])).toString());
      expect(written).to.deep.equal({ version: 2, partitions: { 0: [1, 2], 1: [2, 3] }, adding_replicas: {}, removing_replicas: {} });
      expect(Object.keys(written.partitions)).to.deep.equal(['0', '1']);
    });

    it('round-trips any assignment', () => {
      const assignment = fc.dictionary(fc.nat(50).map(String), fc.array(fc.nat(1000), { minLength: 1, maxLength: 5 }), { minKeys: 1 })
        .map((d) => new Map(Object.entries(d).map(([k, v]) => [Number(k), v])));
      fc.assert(fc.property(assignment, (partitions) => {
        const decoded = TopicZNode.decode('t', TopicZNode.encode(partitions));
        expect(decoded.partitions).to.deep.equal(partitions);
        expect(decoded.addingReplicas.size).to.equal(0);
      }));
    });

    it('decodes version 1 (no reassignment fields)', () => {
      expect(TopicZNode.decode('t', json({ version: 1, partitions: { 0: [1] } })).partitions).to.deep.equal(new Map([[0, [1]]]));
    });

    it('rejects bad partition keys, bad replica lists and empty topics', () => {
      expectMalformed(() => TopicZNode.decode('t', json({ version: 2, partitions: { x: [1] } })), /partition key 'x'/);
      expectMalformed(() => TopicZNode.decode('t', json({ version: 2, partitions: { 0: ['1'] } })), /partitions\.0 should be an array of integers/);
      expectMalformed(() => TopicZNode.decode('t', json({ version: 2, partitions: {} })), /at least one partition/);
      expectMalformed(() => TopicZNode.decode('t', json({ version: 2 })), /partitions should be a JSON object/);
    });
  });

  describe('partition state', () => {
    it('writes Kafka\'s leader/ISR JSON and round-trips it', () => {
      const state = { leader: 1, leaderEpoch: 3, isr: [1, 2], controllerEpoch: 7 };
      expect(JSON.parse(PartitionStateZNode.encode(state).toString())).to.deep.equal({ version: 1, leader: 1, leader_epoch: 3, controller_epoch: 7, isr: [1, 2] });
      expect(PartitionStateZNode.decode('t', 0, PartitionStateZNode.encode(state))).to.deep.equal(state);
    });

    it('rejects a state without an ISR', () => {
      expectMalformed(() => PartitionStateZNode.decode('t', 0, json({ version: 1, leader: 1, leader_epoch: 0, controller_epoch: 1 })),
        /\/brokers\/topics\/t\/partitions\/0\/state: isr should be an array of integers/);
    });
  });

  describe('configs and notifications', () => {
    it('keeps topic config values as strings', () => {
      expect(JSON.parse(TopicConfigZNode.encode({ 'retention.ms': '1000' }).toString())).to.deep.equal({ version: 1, config: { 'retention.ms': '1000' } });
      expect(TopicConfigZNode.decode('t', TopicConfigZNode.encode({ a: 'b' }))).to.deep.equal({ a: 'b' });
      expectMalformed(() => TopicConfigZNode.decode('t', json({ version: 1, config: { 'retention.ms': 1000 } })), /config\.retention\.ms should be a string/);
    });

    it('writes config change notifications as version 2 and reads version 1 too', () => {
      expect(JSON.parse(ConfigChangeNotificationZNode.encode('topics/t').toString())).to.deep.equal({ version: 2, entity_path: 'topics/t' });
      expect(ConfigChangeNotificationZNode.decode('/x', json({ version: 1, entity_type: 'topics', entity_name: 't' }))).to.equal('topics/t');
    });

    it('round-trips partition lists of ISR changes, preferred elections and reassignments', () => {
      const partitions = [{ topic: 'a', partition: 0 }, { topic: 'b', partition: 3 }];
      expect(IsrChangeNotificationZNode.decode('/x', IsrChangeNotificationZNode.encode(partitions))).to.deep.equal(partitions);
      expect(PreferredReplicaElectionZNode.decode(PreferredReplicaElectionZNode.encode(partitions))).to.deep.equal(partitions);
      const moves = [{ topic: 'a', partition: 0, replicas: [3, 1] }];
      expect(JSON.parse(ReassignPartitionsZNode.encode(moves).toString())).to.deep.equal({ version: 1, partitions: moves });
      expect(ReassignPartitionsZNode.decode(ReassignPartitionsZNode.encode(moves))).to.deep.equal(moves);
      expectMalformed(() => IsrChangeNotificationZNode.decode('/x', json({ version: 1, partitions: [{ topic: 'a' }] })),
        /partitions\[0\]\.partition should be an integer/);
    });
  });

  describe('cluster id and producer id blocks', () => {
    it('generates 22-character URL-safe cluster ids', () => {
      const ids = new Set(Array.from({ length: 50 }, generateClusterId));
      expect(ids.size).to.equal(50);
      for (const id of ids) expect(id).to.match(/^[A-Za-z0-9_-]{22}$/);
    });

    it('writes the cluster id with a string version', () => {
      expect(JSON.parse(ClusterIdZNode.encode('abc').toString())).to.deep.equal({ version: '1', id: 'abc' });
      expect(ClusterIdZNode.decode(ClusterIdZNode.encode('abc'))).to.equal('abc');
      expectMalformed(() => ClusterIdZNode.decode(json({ version: 1, id: 'abc' })), /unsupported version 1 \(expected "1"\)/);
    });

    it('writes producer id block bounds as decimal strings', () => {
      const block = { brokerId: 1, blockStart: 9007199254740993n, blockEnd: 9007199254741992n };
      const written = JSON.parse(ProducerIdBlockZNode.encode(block).toString());
      expect(written).to.deep.equal({ version: 1, broker: 1, block_start: '9007199254740993', block_end: '9007199254741992' });
      expect(ProducerIdBlockZNode.decode(ProducerIdBlockZNode.encode(block))).to.deep.equal(block);
      expectMalformed(() => ProducerIdBlockZNode.decode(json({ version: 1, broker: 1, block_start: '5', block_end: '4' })), /block_end is before/);
    });
  });
});
