import { expect } from 'chai';
import { Api } from '../../lib/protocol/api';
import { KafkaAlterUserScramCredentials, KafkaDescribeUserScramCredentials } from '../../lib/protocol/kafka/messages/scram-credentials';
import { decode, encode } from '../../lib/protocol/schema';
import { expectGolden, expectRoundTrips } from './kafka/golden';

/** Bytes below are written by hand from KIP-554's DescribeUserScramCredentials / AlterUserScramCredentials v0 specs. */
describe('protocol/scram-credentials messages', () => {
  describe('on the Kafka listener (v0, flexible)', () => {
    it('reads and writes DescribeUserScramCredentials v0: a null user list, one user, and a result with one credential', () => {
      expectGolden(KafkaDescribeUserScramCredentials, 'request', 0, '00 00', { users: null });
      // users(1+1) | "a" | no tags | no tags
      expectGolden(KafkaDescribeUserScramCredentials, 'request', 0, '02 0261 00 00', { users: [{ name: 'a' }] });
      // throttle | errorCode | errorMessage null | results(1+1): "a" 0 null credentialInfos(1+1): mechanism 1, 8192, no tags | no tags | no tags
      expectGolden(KafkaDescribeUserScramCredentials, 'response', 0, '00000000 0000 00 02 0261 0000 00 02 01 00002000 00 00 00', {
        throttleTimeMs: 0, errorCode: 0, errorMessage: null,
        results: [{ user: 'a', errorCode: 0, errorMessage: null, credentialInfos: [{ mechanism: 1, iterations: 8192 }] }],
      });
    });

    it('reads and writes AlterUserScramCredentials v0: a deletion, an upsertion with salt and salted password, a per-user error', () => {
      // deletions(1+1): "b" mechanism 2, no tags | upsertions(1+1): "a" 1 4096 salt(2+1) 0102 saltedPassword(1+1) ff, no tags | no tags
      expectGolden(KafkaAlterUserScramCredentials, 'request', 0, '02 0262 02 00 02 0261 01 00001000 03 0102 02 ff 00 00', {
        deletions: [{ name: 'b', mechanism: 2 }],
        upsertions: [{ name: 'a', mechanism: 1, iterations: 4096, salt: Buffer.from('0102', 'hex'), saltedPassword: Buffer.from('ff', 'hex') }],
      });
      // throttle | results(1+1): "a" errorCode 93 "xy", no tags | no tags
      expectGolden(KafkaAlterUserScramCredentials, 'response', 0, '00000000 02 0261 005d 03 7879 00 00',
        { throttleTimeMs: 0, results: [{ user: 'a', errorCode: 93, errorMessage: 'xy' }] });
    });

    it('round-trips every served version', () => {
      expectRoundTrips(KafkaDescribeUserScramCredentials, { users: [{ name: 'alice' }, { name: 'bob' }] }, {
        throttleTimeMs: 1, errorCode: 31, errorMessage: 'no', results: [{ user: 'alice', errorCode: 91, errorMessage: 'x', credentialInfos: [] }],
      });
      expectRoundTrips(KafkaAlterUserScramCredentials, { deletions: [], upsertions: [] }, { throttleTimeMs: 0, results: [] });
    });
  });

  describe('on the native listener (plain encoding)', () => {
    it('writes DescribeUserScramCredentials with int32 counts and int16 string lengths', () => {
      expect(encode(Api.DescribeUserScramCredentials.request, { users: null }, 0).toString('hex')).to.equal('ffffffff');
      expect(encode(Api.DescribeUserScramCredentials.request, { users: [{ name: 'a' }] }, 0).toString('hex')).to.equal('000000010001' + '61');
    });

    it('reads AlterUserScramCredentials with int32 byte lengths', () => {
      const bytes = Buffer.from('00000000' + '00000001' + '000161' + '01' + '00001000' + '000000020102' + '00000001ff', 'hex');
      expect(decode(Api.AlterUserScramCredentials.request, bytes, 0)).to.deep.equal({
        deletions: [],
        upsertions: [{ name: 'a', mechanism: 1, iterations: 4096, salt: Buffer.from('0102', 'hex'), saltedPassword: Buffer.from('ff', 'hex') }],
      });
    });
  });
});
