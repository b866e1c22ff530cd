import { KafkaDeleteGroups, KafkaDescribeGroups, KafkaListGroups } from '../../../lib/protocol/kafka/messages/group-admin';
import {
  arr, bool, byt, carr, cbyt, cnstr, cstr, golden, i16, i32, roundTripsAtEveryVersion, str, TAGS,
} from './hand-hex';

const NOT_REQUESTED = -2147483648;

describe('protocol/kafka group admin messages', () => {
  describe('DescribeGroups (key 15, v0-5, flexible from v5)', () => {
    it('reads and writes v0', () => {
      golden(KafkaDescribeGroups, 'request', 0, arr(1) + str('g'), { groups: ['g'], includeAuthorizedOperations: false });
      golden(KafkaDescribeGroups, 'response', 0,
        arr(1) + i16(0) + str('g') + str('Stable') + str('consumer') + str('range')
        + arr(1) + str('m1') + str('c') + str('/127.0.0.1') + byt('01') + byt('02'), {
          throttleTimeMs: 0,
          groups: [{
            errorCode: 0, groupId: 'g', groupState: 'Stable', protocolType: 'consumer', protocolData: 'range', authorizedOperations: NOT_REQUESTED,
            members: [{ memberId: 'm1', groupInstanceId: null, clientId: 'c', clientHost: '/127.0.0.1', memberMetadata: Buffer.from('01', 'hex'), memberAssignment: Buffer.from('02', 'hex') }],
          }],
        });
    });

    it('reads and writes v5, the first flexible and highest version, with instance ids and operations', () => {
      golden(KafkaDescribeGroups, 'request', 5, carr(1) + cstr('g') + bool(true) + TAGS, { groups: ['g'], includeAuthorizedOperations: true });
      golden(KafkaDescribeGroups, 'response', 5,
        i32(0) + carr(1) + i16(0) + cstr('g') + cstr('Stable') + cstr('consumer') + cstr('range')
        + carr(1) + cstr('m1') + cnstr('i1') + cstr('c') + cstr('/h') + cbyt('01') + cbyt('') + TAGS
        + i32(NOT_REQUESTED) + TAGS + TAGS, {
          throttleTimeMs: 0,
          groups: [{
            errorCode: 0, groupId: 'g', groupState: 'Stable', protocolType: 'consumer', protocolData: 'range', authorizedOperations: NOT_REQUESTED,
            members: [{ memberId: 'm1', groupInstanceId: 'i1', clientId: 'c', clientHost: '/h', memberMetadata: Buffer.from('01', 'hex'), memberAssignment: Buffer.alloc(0) }],
          }],
        });
    });
  });

  describe('ListGroups (key 16, v0-4, flexible from v3)', () => {
    it('reads and writes v0: an empty request, groups without state', () => {
      golden(KafkaListGroups, 'request', 0, '', { statesFilter: [] });
      golden(KafkaListGroups, 'response', 0, i16(0) + arr(1) + str('g') + str('consumer'), {
        throttleTimeMs: 0, errorCode: 0, groups: [{ groupId: 'g', protocolType: 'consumer', groupState: '' }],
      });
    });

    it('reads and writes v3, the first flexible version', () => {
      golden(KafkaListGroups, 'request', 3, TAGS, { statesFilter: [] });
      golden(KafkaListGroups, 'response', 3, i32(0) + i16(14) + carr(1) + cstr('g') + cstr('') + TAGS + TAGS, {
        throttleTimeMs: 0, errorCode: 14, groups: [{ groupId: 'g', protocolType: '', groupState: '' }],
      });
    });

    it('reads and writes v4, with the states filter and each group\'s state', () => {
      golden(KafkaListGroups, 'request', 4, carr(2) + cstr('Stable') + cstr('Empty') + TAGS, { statesFilter: ['Stable', 'Empty'] });
      golden(KafkaListGroups, 'response', 4, i32(0) + i16(0) + carr(1) + cstr('g') + cstr('consumer') + cstr('Stable') + TAGS + TAGS, {
        throttleTimeMs: 0, errorCode: 0, groups: [{ groupId: 'g', protocolType: 'consumer', groupState: 'Stable' }],
      });
    });
  });

  describe('DeleteGroups (key 42, v0-2, flexible from v2)', () => {
    it('reads and writes v0', () => {
      golden(KafkaDeleteGroups, 'request', 0, arr(2) + str('g') + str('h'), { groupsNames: ['g', 'h'] });
      golden(KafkaDeleteGroups, 'response', 0, i32(0) + arr(2) + str('g') + i16(0) + str('h') + i16(68), {
        throttleTimeMs: 0, results: [{ groupId: 'g', errorCode: 0 }, { groupId: 'h', errorCode: 68 }],
      });
    });

    it('reads and writes v2, the first flexible and highest version', () => {
      golden(KafkaDeleteGroups, 'request', 2, carr(1) + cstr('g') + TAGS, { groupsNames: ['g'] });
      golden(KafkaDeleteGroups, 'response', 2, i32(0) + carr(1) + cstr('g') + i16(69) + TAGS + TAGS, {
        throttleTimeMs: 0, results: [{ groupId: 'g', errorCode: 69 }],
      });
    });
  });

  it('round-trips every served version of each message', () => {
    roundTripsAtEveryVersion(KafkaDescribeGroups, 'request', { groups: ['g', 'h'], includeAuthorizedOperations: true });
    roundTripsAtEveryVersion(KafkaDescribeGroups, 'response', {
      throttleTimeMs: 1,
      groups: [{
        errorCode: 0, groupId: 'g', groupState: 'Stable', protocolType: 'consumer', protocolData: 'range', authorizedOperations: 8,
        members: [{ memberId: 'm', groupInstanceId: 'i', clientId: 'c', clientHost: '/h', memberMetadata: Buffer.from('01', 'hex'), memberAssignment: Buffer.from('02', 'hex') }],
      }],
    });
    roundTripsAtEveryVersion(KafkaListGroups, 'request', { statesFilter: ['Stable'] });
    roundTripsAtEveryVersion(KafkaListGroups, 'response', { throttleTimeMs: 1, errorCode: 0, groups: [{ groupId: 'g', protocolType: 'consumer', groupState: 'Empty' }] });
    roundTripsAtEveryVersion(KafkaDeleteGroups, 'request', { groupsNames: ['g'] });
    roundTripsAtEveryVersion(KafkaDeleteGroups, 'response', { throttleTimeMs: 1, results: [{ groupId: 'g', errorCode: 0 }] });
  });
});
