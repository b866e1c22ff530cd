import { expect } from 'chai';
import { Api, apiByKey } from '../../lib/protocol/api';
import { InitProducerIdRequest, InitProducerIdResponse } from '../../lib/protocol/messages/init-producer-id';
import { decode, encode } from '../../lib/protocol/schema';

describe('protocol/InitProducerId', () => {
  it('is API key 22, version 0, in the table', () => {
    expect(apiByKey(22)).to.equal(Api.InitProducerId);
    expect(Api.InitProducerId).to.include({ name: 'InitProducerId', minVersion: 0, maxVersion: 0 });
  });

  it('encodes the request exactly as its wire grammar says', () => {
    // transactionalId null | transactionTimeoutMs 2147483647
    const hex = 'ffff' + '7fffffff';
    const value = { transactionalId: null, transactionTimeoutMs: 2147483647 };
    expect(encode(InitProducerIdRequest, value, 0).toString('hex')).to.equal(hex);
    expect(decode(InitProducerIdRequest, Buffer.from(hex, 'hex'), 0)).to.deep.equal(value);
    expect(decode(InitProducerIdRequest, Buffer.from('0002' + '7478' + '0000ea60', 'hex'), 0)).to.deep.equal({ transactionalId: 'tx', transactionTimeoutMs: 60000 });
  });

  it('encodes the response exactly as its wire grammar says', () => {
    // throttleTimeMs 0 | errorCode 0 | producerId 4001 | producerEpoch 0
    const hex = '00000000' + '0000' + '0000000000000fa1' + '0000';
    const value = { throttleTimeMs: 0, errorCode: 0, producerId: 4001, producerEpoch: 0 };
    expect(encode(InitProducerIdResponse, value, 0).toString('hex')).to.equal(hex);
    expect(decode(InitProducerIdResponse, Buffer.from(hex, 'hex'), 0)).to.deep.equal(value);
    const refused = { throttleTimeMs: 0, errorCode: 15, producerId: -1, producerEpoch: -1 };
    expect(encode(InitProducerIdResponse, refused, 0).toString('hex')).to.equal('00000000' + '000f' + 'ffffffffffffffff' + 'ffff');
  });
});
