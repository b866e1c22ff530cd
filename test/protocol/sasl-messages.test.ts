import { expect } from 'chai';
import { Api, apiByKey } from '../../lib/protocol/api';
import {
  SaslAuthenticateRequest, SaslAuthenticateResponse, SaslHandshakeRequest, SaslHandshakeResponse,
} from '../../lib/protocol/messages/sasl';
import { decode, encode, Type } from '../../lib/protocol/schema';

function golden<T>(type: Type<T>, hex: string, value: T): void {
  const bytes = hex.replace(/\s+/g, '');
  expect(encode(type, value, 0).toString('hex')).to.equal(bytes);
  expect(decode(type, Buffer.from(bytes, 'hex'), 0)).to.deep.equal(value);
}

describe('protocol/SASL messages (native)', () => {
  it('are API keys 17 and 36, version 0, in the table', () => {
    expect(apiByKey(17)).to.equal(Api.SaslHandshake);
    expect(apiByKey(36)).to.equal(Api.SaslAuthenticate);
    expect(Api.SaslHandshake).to.include({ minVersion: 0, maxVersion: 0 });
    expect(Api.SaslAuthenticate).to.include({ minVersion: 0, maxVersion: 0 });
  });

  it('encodes SaslHandshake exactly as its wire grammar says', () => {
    // mechanism "PLAIN"
    golden(SaslHandshakeRequest, '0005 504c41494e', { mechanism: 'PLAIN' });
    // errorCode 0 | [mechanisms] 1: "PLAIN"
    golden(SaslHandshakeResponse, '0000 00000001 0005 504c41494e', { errorCode: 0, mechanisms: ['PLAIN'] });
  });

  it('encodes SaslAuthenticate exactly as its wire grammar says', () => {
    // authBytes "ab"
    golden(SaslAuthenticateRequest, '00000002 6162', { authBytes: Buffer.from('ab') });
    // errorCode 58 | errorMessage "bad" | authBytes empty | sessionLifetimeMs 0
    golden(SaslAuthenticateResponse, '003a 0003 626164 00000000 0000000000000000',
      { errorCode: 58, errorMessage: 'bad', authBytes: Buffer.alloc(0), sessionLifetimeMs: 0 });
    golden(SaslAuthenticateResponse, '0000 ffff 00000001 76 0000000000000000',
      { errorCode: 0, errorMessage: null, authBytes: Buffer.from('v'), sessionLifetimeMs: 0 });
  });
});
