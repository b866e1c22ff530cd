import { expect } from 'chai';
import { Api } from '../../lib/protocol/api';
import { KafkaAlterClientQuotas, KafkaDescribeClientQuotas } from '../../lib/protocol/kafka/messages/client-quotas';
import { decode, encode } from '../../lib/protocol/schema';
import { expectGolden, expectRoundTrips } from './kafka/golden';

/** Bytes below are written by hand from KIP-546's DescribeClientQuotas / AlterClientQuotas v0-1 specs (v1 flexible). */
describe('protocol/client-quotas messages', () => {
  describe('on the Kafka listener', () => {
    it('reads and writes DescribeClientQuotas v0 and v1', () => {
      const request = { components: [{ entityType: 'user', matchType: 0, match: 'a' }], strict: true };
      // components(1) | "user" | EXACT | "a" | strict
      expectGolden(KafkaDescribeClientQuotas, 'request', 0, '00000001 0004 75736572 00 0001 61 01', request);
      // components(1+1) | "user" | EXACT | "a" | no tags | strict | no tags
      expectGolden(KafkaDescribeClientQuotas, 'request', 1, '02 05 75736572 00 02 61 00 01 00', request);
      const response = {
        throttleTimeMs: 0, errorCode: 0, errorMessage: null,
        entries: [{ entity: [{ entityType: 'client-id', entityName: null }], values: [{ key: 'k', value: 1024 }] }],
      };
      // throttle | error | message null | entries(1): entity(1): "client-id" null | values(1): "k" 1024.0
      expectGolden(KafkaDescribeClientQuotas, 'response', 0,
        '00000000 0000 ffff 00000001 00000001 0009 636c69656e742d6964 ffff 00000001 0001 6b 4090000000000000', response);
      expectGolden(KafkaDescribeClientQuotas, 'response', 1,
        '00000000 0000 00 02 02 0a 636c69656e742d6964 00 00 02 02 6b 4090000000000000 00 00 00', response);
    });

    it('reads and writes AlterClientQuotas v0 and v1', () => {
      const request = { entries: [{ entity: [{ entityType: 'user', entityName: 'a' }], ops: [{ key: 'k', value: 2, remove: false }] }], validateOnly: false };
      // entries(1): entity(1): "user" "a" | ops(1): "k" 2.0 false | validateOnly
      expectGolden(KafkaAlterClientQuotas, 'request', 0, '00000001 00000001 0004 75736572 0001 61 00000001 0001 6b 4000000000000000 00 00', request);
      expectGolden(KafkaAlterClientQuotas, 'request', 1, '02 02 05 75736572 02 61 00 02 02 6b 4000000000000000 00 00 00 00 00', request);
      // throttle | entries(1): 42 "x" entity(1): "user" "a"
      expectGolden(KafkaAlterClientQuotas, 'response', 0, '00000000 00000001 002a 0001 78 00000001 0004 75736572 0001 61', {
        throttleTimeMs: 0, entries: [{ errorCode: 42, errorMessage: 'x', entity: [{ entityType: 'user', entityName: 'a' }] }],
      });
    });

    it('round-trips every served version', () => {
      expectRoundTrips(KafkaDescribeClientQuotas, { components: [], strict: false },
        { throttleTimeMs: 3, errorCode: 42, errorMessage: 'bad', entries: null });
      expectRoundTrips(KafkaAlterClientQuotas, { entries: [], validateOnly: true }, { throttleTimeMs: 0, entries: [] });
    });
  });

  describe('on the native listener (plain encoding, v0)', () => {
    it('encodes as Kafka v0 does', () => {
      expect(encode(Api.DescribeClientQuotas.request, { components: [], strict: false }, 0).toString('hex')).to.equal('00000000' + '00');
      const bytes = Buffer.from('00000001' + '00000001' + '0009636c69656e742d6964' + 'ffff' + '00000001' + '00016b' + '4000000000000000' + '01' + '01', 'hex');
      expect(decode(Api.AlterClientQuotas.request, bytes, 0)).to.deep.equal({
        entries: [{ entity: [{ entityType: 'client-id', entityName: null }], ops: [{ key: 'k', value: 2, remove: true }] }], validateOnly: true,
      });
    });
  });
});
