import { expect } from 'chai';
import {
  KafkaFindCoordinator, KafkaHeartbeat, KafkaJoinGroup, KafkaLeaveGroup, KafkaSyncGroup,
} from '../../../lib/protocol/kafka/messages/group-membership';
import { encode } from '../../../lib/protocol/schema';
import {
  arr, bool, byt, carr, cbyt, cnstr, cstr, golden, i16, i32, i8, roundTripsAtEveryVersion, str, TAGS,
} from './hand-hex';

const META = '0001000000010001740000';

describe('protocol/kafka group membership messages', () => {
  describe('FindCoordinator (key 10, v0-4, flexible from v3)', () => {
    it('reads and writes v0: a key only, and one coordinator', () => {
      golden(KafkaFindCoordinator, 'request', 0, str('grp'), { key: 'grp', keyType: 0, coordinatorKeys: [] });
      golden(KafkaFindCoordinator, 'response', 0, i16(0) + i32(1) + str('localhost') + i32(9092), {
        throttleTimeMs: 0, errorCode: 0, errorMessage: null, nodeId: 1, host: 'localhost', port: 9092, coordinators: [],
      });
    });

    it('reads and writes v3, the first flexible version', () => {
      golden(KafkaFindCoordinator, 'request', 3, cstr('grp') + i8(0) + TAGS, { key: 'grp', keyType: 0, coordinatorKeys: [] });
      golden(KafkaFindCoordinator, 'response', 3, i32(5) + i16(15) + cstr('later') + i32(-1) + cstr('') + i32(-1) + TAGS, {
        throttleTimeMs: 5, errorCode: 15, errorMessage: 'later', nodeId: -1, host: '', port: -1, coordinators: [],
      });
    });

    it('reads and writes v4, which batches keys and answers one coordinator per key', () => {
      golden(KafkaFindCoordinator, 'request', 4, i8(1) + carr(2) + cstr('a') + cstr('b') + TAGS, { key: '', keyType: 1, coordinatorKeys: ['a', 'b'] });
      golden(KafkaFindCoordinator, 'response', 4,
        i32(0) + carr(2)
        + cstr('a') + i32(1) + cstr('h') + i32(9092) + i16(0) + cnstr(null) + TAGS
        + cstr('b') + i32(-1) + cstr('') + i32(-1) + i16(15) + cnstr('x') + TAGS
        + TAGS, {
          throttleTimeMs: 0, errorCode: 0, errorMessage: null, nodeId: -1, host: '', port: -1,
          coordinators: [
            { key: 'a', nodeId: 1, host: 'h', port: 9092, errorCode: 0, errorMessage: null },
            { key: 'b', nodeId: -1, host: '', port: -1, errorCode: 15, errorMessage: 'x' },
          ],
        });
    });
  });

  describe('JoinGroup (key 11, v0-9, flexible from v6)', () => {
    it('reads and writes v0: no rebalance timeout, no throttle time', () => {
      golden(KafkaJoinGroup, 'request', 0, str('g') + i32(30000) + str('') + str('consumer') + arr(1) + str('range') + byt(META), {
        groupId: 'g', sessionTimeoutMs: 30000, rebalanceTimeoutMs: -1, memberId: '', groupInstanceId: null, protocolType: 'consumer',
        protocols: [{ name: 'range', metadata: Buffer.from(META, 'hex') }], reason: null,
      });
      golden(KafkaJoinGroup, 'response', 0, i16(0) + i32(1) + str('range') + str('m1') + str('m1') + arr(1) + str('m1') + byt(META), {
        throttleTimeMs: 0, errorCode: 0, generationId: 1, protocolType: null, protocolName: 'range', leader: 'm1', skipAssignment: false,
        memberId: 'm1', members: [{ memberId: 'm1', groupInstanceId: null, metadata: Buffer.from(META, 'hex') }],
      });
    });

    it('reads and writes v6, the first flexible version', () => {
      golden(KafkaJoinGroup, 'request', 6,
        cstr('g') + i32(10000) + i32(60000) + cstr('m1') + cnstr('i1') + cstr('consumer') + carr(1) + cstr('range') + cbyt(META) + TAGS + TAGS, {
          groupId: 'g', sessionTimeoutMs: 10000, rebalanceTimeoutMs: 60000, memberId: 'm1', groupInstanceId: 'i1', protocolType: 'consumer',
          protocols: [{ name: 'range', metadata: Buffer.from(META, 'hex') }], reason: null,
        });
      golden(KafkaJoinGroup, 'response', 6,
        i32(0) + i16(0) + i32(3) + cstr('range') + cstr('m1') + cstr('m2') + carr(0) + TAGS, {
          throttleTimeMs: 0, errorCode: 0, generationId: 3, protocolType: null, protocolName: 'range', leader: 'm1', skipAssignment: false,
          memberId: 'm2', members: [],
        });
    });

    it('reads and writes v9: a reason, nullable protocol names and skipAssignment', () => {
      golden(KafkaJoinGroup, 'request', 9,
        cstr('g') + i32(10000) + i32(60000) + cstr('') + cnstr(null) + cstr('consumer') + carr(1) + cstr('range') + cbyt(META) + TAGS + cnstr('why') + TAGS, {
          groupId: 'g', sessionTimeoutMs: 10000, rebalanceTimeoutMs: 60000, memberId: '', groupInstanceId: null, protocolType: 'consumer',
          protocols: [{ name: 'range', metadata: Buffer.from(META, 'hex') }], reason: 'why',
        });
      golden(KafkaJoinGroup, 'response', 9,
        i32(0) + i16(79) + i32(-1) + cnstr(null) + cnstr(null) + cstr('') + bool(false) + cstr('m-1') + carr(1) + cstr('m-1') + cnstr('i') + cbyt('') + TAGS + TAGS, {
          throttleTimeMs: 0, errorCode: 79, generationId: -1, protocolType: null, protocolName: null, leader: '', skipAssignment: false,
          memberId: 'm-1', members: [{ memberId: 'm-1', groupInstanceId: 'i', metadata: Buffer.alloc(0) }],
        });
    });

    it('refuses a null protocol name before v7', () => {
      const value = {
        throttleTimeMs: 0, errorCode: 25, generationId: -1, protocolType: null, protocolName: null, leader: '', skipAssignment: false, memberId: '', members: [],
      };
      expect(() => encode(KafkaJoinGroup.response, value, 6, true)).to.throw(TypeError);
      expect(encode(KafkaJoinGroup.response, value, 7, true).toString('hex')).to.equal(i32(0) + i16(25) + i32(-1) + cnstr(null) + cnstr(null) + cstr('') + cstr('') + carr(0) + TAGS);
    });
  });

  describe('SyncGroup (key 14, v0-5, flexible from v4)', () => {
    it('reads and writes v0', () => {
      golden(KafkaSyncGroup, 'request', 0, str('g') + i32(1) + str('m1') + arr(1) + str('m1') + byt('cafe'), {
        groupId: 'g', generationId: 1, memberId: 'm1', groupInstanceId: null, protocolType: null, protocolName: null,
        assignments: [{ memberId: 'm1', assignment: Buffer.from('cafe', 'hex') }],
      });
      golden(KafkaSyncGroup, 'response', 0, i16(0) + byt('cafe'), {
        throttleTimeMs: 0, errorCode: 0, protocolType: null, protocolName: null, assignment: Buffer.from('cafe', 'hex'),
      });
    });

    it('reads and writes v4, the first flexible version', () => {
      golden(KafkaSyncGroup, 'request', 4, cstr('g') + i32(2) + cstr('m1') + cnstr(null) + carr(0) + TAGS, {
        groupId: 'g', generationId: 2, memberId: 'm1', groupInstanceId: null, protocolType: null, protocolName: null, assignments: [],
      });
      golden(KafkaSyncGroup, 'response', 4, i32(0) + i16(27) + cbyt('') + TAGS, {
        throttleTimeMs: 0, errorCode: 27, protocolType: null, protocolName: null, assignment: Buffer.alloc(0),
      });
    });

    it('reads and writes v5, with protocol type and name', () => {
      golden(KafkaSyncGroup, 'request', 5,
        cstr('g') + i32(2) + cstr('m1') + cnstr('i1') + cnstr('consumer') + cnstr('range') + carr(1) + cstr('m1') + cbyt('beef') + TAGS + TAGS, {
          groupId: 'g', generationId: 2, memberId: 'm1', groupInstanceId: 'i1', protocolType: 'consumer', protocolName: 'range',
          assignments: [{ memberId: 'm1', assignment: Buffer.from('beef', 'hex') }],
        });
      golden(KafkaSyncGroup, 'response', 5, i32(0) + i16(0) + cnstr('consumer') + cnstr('range') + cbyt('beef') + TAGS, {
        throttleTimeMs: 0, errorCode: 0, protocolType: 'consumer', protocolName: 'range', assignment: Buffer.from('beef', 'hex'),
      });
    });
  });

  describe('Heartbeat (key 12, v0-4, flexible from v4)', () => {
    it('reads and writes v0', () => {
      golden(KafkaHeartbeat, 'request', 0, str('g') + i32(4) + str('m1'), { groupId: 'g', generationId: 4, memberId: 'm1', groupInstanceId: null });
      golden(KafkaHeartbeat, 'response', 0, i16(27), { throttleTimeMs: 0, errorCode: 27 });
    });

    it('reads and writes v4, the first flexible and highest version', () => {
      golden(KafkaHeartbeat, 'request', 4, cstr('g') + i32(4) + cstr('m1') + cnstr('i1') + TAGS, { groupId: 'g', generationId: 4, memberId: 'm1', groupInstanceId: 'i1' });
      golden(KafkaHeartbeat, 'response', 4, i32(0) + i16(0) + TAGS, { throttleTimeMs: 0, errorCode: 0 });
    });
  });

  describe('LeaveGroup (key 13, v0-5, flexible from v4)', () => {
    it('reads and writes v0: one member id, one error', () => {
      golden(KafkaLeaveGroup, 'request', 0, str('g') + str('m1'), { groupId: 'g', memberId: 'm1', members: [] });
      golden(KafkaLeaveGroup, 'response', 0, i16(25), { throttleTimeMs: 0, errorCode: 25, members: [] });
    });

    it('reads and writes v4, the first flexible version, with batched members', () => {
      golden(KafkaLeaveGroup, 'request', 4, cstr('g') + carr(2) + cstr('m1') + cnstr(null) + TAGS + cstr('') + cnstr('i2') + TAGS + TAGS, {
        groupId: 'g', memberId: '', members: [{ memberId: 'm1', groupInstanceId: null, reason: null }, { memberId: '', groupInstanceId: 'i2', reason: null }],
      });
      golden(KafkaLeaveGroup, 'response', 4, i32(0) + i16(0) + carr(1) + cstr('m1') + cnstr(null) + i16(0) + TAGS + TAGS, {
        throttleTimeMs: 0, errorCode: 0, members: [{ memberId: 'm1', groupInstanceId: null, errorCode: 0 }],
      });
    });

    it('reads and writes v5, with a reason per member', () => {
      golden(KafkaLeaveGroup, 'request', 5, cstr('g') + carr(1) + cstr('m1') + cnstr(null) + cnstr('bye') + TAGS + TAGS, {
        groupId: 'g', memberId: '', members: [{ memberId: 'm1', groupInstanceId: null, reason: 'bye' }],
      });
      golden(KafkaLeaveGroup, 'response', 5, i32(0) + i16(0) + carr(1) + cstr('m1') + cnstr(null) + i16(25) + TAGS + TAGS, {
        throttleTimeMs: 0, errorCode: 0, members: [{ memberId: 'm1', groupInstanceId: null, errorCode: 25 }],
      });
    });
  });

  it('round-trips every served version of each message', () => {
    roundTripsAtEveryVersion(KafkaFindCoordinator, 'request', { key: 'g', keyType: 0, coordinatorKeys: ['g', 'h'] });
    roundTripsAtEveryVersion(KafkaFindCoordinator, 'response', {
      throttleTimeMs: 1, errorCode: 0, errorMessage: null, nodeId: 1, host: 'h', port: 1,
      coordinators: [{ key: 'g', nodeId: 1, host: 'h', port: 1, errorCode: 0, errorMessage: null }],
    });
    roundTripsAtEveryVersion(KafkaJoinGroup, 'request', {
      groupId: 'g', sessionTimeoutMs: 1, rebalanceTimeoutMs: 2, memberId: 'm', groupInstanceId: 'i', protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: Buffer.from(META, 'hex') }], reason: 'r',
    });
    roundTripsAtEveryVersion(KafkaJoinGroup, 'response', {
      throttleTimeMs: 1, errorCode: 0, generationId: 1, protocolType: 'consumer', protocolName: 'range', leader: 'm', skipAssignment: false,
      memberId: 'm', members: [{ memberId: 'm', groupInstanceId: 'i', metadata: Buffer.from(META, 'hex') }],
    });
    roundTripsAtEveryVersion(KafkaSyncGroup, 'request', {
      groupId: 'g', generationId: 1, memberId: 'm', groupInstanceId: 'i', protocolType: 'consumer', protocolName: 'range',
      assignments: [{ memberId: 'm', assignment: Buffer.from('00', 'hex') }],
    });
    roundTripsAtEveryVersion(KafkaSyncGroup, 'response', { throttleTimeMs: 1, errorCode: 0, protocolType: 'consumer', protocolName: 'range', assignment: Buffer.from('00', 'hex') });
    roundTripsAtEveryVersion(KafkaHeartbeat, 'request', { groupId: 'g', generationId: 1, memberId: 'm', groupInstanceId: 'i' });
    roundTripsAtEveryVersion(KafkaHeartbeat, 'response', { throttleTimeMs: 1, errorCode: 0 });
    roundTripsAtEveryVersion(KafkaLeaveGroup, 'request', { groupId: 'g', memberId: 'm', members: [{ memberId: 'm', groupInstanceId: 'i', reason: 'r' }] });
    roundTripsAtEveryVersion(KafkaLeaveGroup, 'response', { throttleTimeMs: 1, errorCode: 0, members: [{ memberId: 'm', groupInstanceId: 'i', errorCode: 0 }] });
  });
});
