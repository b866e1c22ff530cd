import { expect } from 'chai';
import { Api } from '../../../lib/protocol/api';
import { KafkaAlterConfigs, KafkaIncrementalAlterConfigs } from '../../../lib/protocol/kafka/messages/alter-configs';
import { decode, encode } from '../../../lib/protocol/schema';
import { expectGolden, expectRoundTrips } from './golden';

/** Bytes below are written from Kafka's AlterConfigs and IncrementalAlterConfigs specs. */
describe('protocol/kafka alter-configs messages', () => {
  const response = { throttleTimeMs: 0, responses: [{ errorCode: 40, errorMessage: 'x', resourceType: 2, resourceName: 't' }] };

  it('reads and writes AlterConfigs v0 and v1 (identical, not flexible)', () => {
    // resources(1) | type 2 | "t" | configs(1): "a" "b" | validateOnly
    for (const version of [0, 1]) {
      expectGolden(KafkaAlterConfigs, 'request', version, '00000001 02 0001 74 00000001 0001 61 0001 62 01',
        { resources: [{ resourceType: 2, resourceName: 't', configs: [{ name: 'a', value: 'b' }] }], validateOnly: true });
      // throttle | responses(1): errorCode 40 | "x" | type 2 | "t"
      expectGolden(KafkaAlterConfigs, 'response', version, '00000000 00000001 0028 0001 78 02 0001 74', response);
    }
  });

  it('reads and writes IncrementalAlterConfigs v0, and v1 with compact encodings and tagged fields', () => {
    const request = { resources: [{ resourceType: 4, resourceName: '', configs: [{ name: 'a', configOperation: 1, value: null }] }], validateOnly: false };
    // resources(1) | type 4 | "" | configs(1): "a" op 1 null | validateOnly
    expectGolden(KafkaIncrementalAlterConfigs, 'request', 0, '00000001 04 0000 00000001 0001 61 01 ffff 00', request);
    // resources(1+1) | type 4 | ""(0+1) | configs(1+1): "a" op 1 null, no tags | no tags | validateOnly | no tags
    expectGolden(KafkaIncrementalAlterConfigs, 'request', 1, '02 04 01 02 0261 01 00 00 00 00 00', request);
    // throttle | responses(1+1): errorCode 40 | "x" | type 2 | "t" | no tags | no tags
    expectGolden(KafkaIncrementalAlterConfigs, 'response', 1, '00000000 02 0028 0278 02 0274 00 00', response);
    expectRoundTrips(KafkaIncrementalAlterConfigs, request, response);
  });

  it('reads a native DescribeConfigs v0 request without the v1 flags, and writes v1 entries with sources and synonyms', () => {
    const req = decode(Api.DescribeConfigs.request, Buffer.from('00000001 02 0001 74 ffffffff'.replace(/ /g, ''), 'hex'), 0);
    expect(req).to.deep.equal({ resources: [{ resourceType: 2, resourceName: 't', configurationKeys: null }], includeSynonyms: false, includeDocumentation: false });
    const entry = { name: 'a', value: 'b', readOnly: false, isDefault: false, configSource: 2, isSensitive: false,
      synonyms: [{ name: 'a', value: 'b', source: 2 }], configType: 3, documentation: null };
    const body = { throttleTimeMs: 0, results: [{ errorCode: 0, errorMessage: null, resourceType: 4, resourceName: '1', configs: [entry] }] };
    // v1 entry: "a" "b" readOnly isDefault | source 2 | sensitive | synonyms(1): "a" "b" 2 | type 3 | doc null
    expect(encode(Api.DescribeConfigs.response, body, 1).toString('hex'))
      .to.equal('00000000 00000001 0000 ffff 04 0001 31 00000001 0001 61 0001 62 00 00 02 00 00000001 0001 61 0001 62 02 03 ffff'.replace(/ /g, ''));
    expect(encode(Api.DescribeConfigs.response, body, 0).toString('hex'))
      .to.equal('00000000 00000001 0000 ffff 04 0001 31 00000001 0001 61 0001 62 00 00'.replace(/ /g, ''));
  });
});
