import { expect } from 'chai';
import { isFlexible } from '../../../lib/protocol/kafka/kafka-api';
import { KafkaCreateAcls, KafkaDeleteAcls, KafkaDescribeAcls } from '../../../lib/protocol/kafka/messages/acls';
import { Api } from '../../../lib/protocol/api';
import { decode, encode } from '../../../lib/protocol/schema';

// Golden bytes written by hand from Kafka's message specs (CreateAclsRequest.json, DescribeAclsResponse.json).
const creation = { resourceType: 2, resourceName: 't', resourcePatternType: 4, principal: 'User:a', host: '*', operation: 4, permissionType: 3 };

describe('security/acl ACL API codecs', () => {
  it('encodes CreateAcls v0 without the pattern type, v1 with it, v2 compact with tagged fields', () => {
    const hex = (version: number, value: unknown): string =>
      encode(KafkaCreateAcls.request, value as never, version, isFlexible(KafkaCreateAcls, version)).toString('hex');
    expect(hex(0, { creations: [{ ...creation, resourcePatternType: 3 }] })).to.equal('00000001' + '02' + '000174' + '0006557365723a61' + '00012a' + '04' + '03');
    expect(hex(1, { creations: [creation] })).to.equal('00000001' + '02' + '000174' + '04' + '0006557365723a61' + '00012a' + '04' + '03');
    expect(hex(2, { creations: [creation] })).to.equal('02' + '02' + '0274' + '04' + '07557365723a61' + '022a' + '04' + '03' + '00' + '00');
  });

  it('reads a Kafka v0 request as LITERAL', () => {
    const bytes = Buffer.from('00000001' + '02' + '000174' + '0006557365723a61' + '00012a' + '04' + '03', 'hex');
    expect(decode(KafkaCreateAcls.request, bytes, 0).creations[0].resourcePatternType).to.equal(3);
    const filter = Buffer.from('02' + 'ffff' + 'ffff' + 'ffff' + '01' + '01', 'hex');
    expect(decode(KafkaDescribeAcls.request, filter, 0)).to.deep.equal({
      resourceTypeFilter: 2, resourceNameFilter: null, patternTypeFilter: 3, principalFilter: null, hostFilter: null, operation: 1, permissionType: 1,
    });
    expect(decode(KafkaDeleteAcls.request, Buffer.concat([Buffer.from('00000001', 'hex'), filter]), 0).filters[0].patternTypeFilter).to.equal(3);
  });

  it('encodes DescribeAcls responses per version', () => {
    const response = {
      throttleTimeMs: 0, errorCode: 0, errorMessage: null,
      resources: [{ resourceType: 2, resourceName: 't', patternType: 3, acls: [{ principal: 'User:a', host: '*', operation: 4, permissionType: 3 }] }],
    };
    expect(encode(KafkaDescribeAcls.response, response, 0).toString('hex'))
      .to.equal('00000000' + '0000' + 'ffff' + '00000001' + '02' + '000174' + '00000001' + '0006557365723a61' + '00012a' + '04' + '03');
    expect(encode(KafkaDescribeAcls.response, response, 1).toString('hex'))
      .to.equal('00000000' + '0000' + 'ffff' + '00000001' + '02' + '000174' + '03' + '00000001' + '0006557365723a61' + '00012a' + '04' + '03');
  });

  it('native v0 carries Kafka v1\'s fields, byte for byte', () => {
    for (const [native, kafka, value] of [
      [Api.CreateAcls.request, KafkaCreateAcls.request, { creations: [creation] }],
      [Api.DeleteAcls.request, KafkaDeleteAcls.request, { filters: [{ resourceTypeFilter: 1, resourceNameFilter: 'x', patternTypeFilter: 2, principalFilter: null, hostFilter: '*', operation: 1, permissionType: 1 }] }],
    ] as const) {
      expect(encode(native as never, value as never, 0).toString('hex')).to.equal(encode(kafka as never, value as never, 1).toString('hex'));
    }
  });
});
