import { KafkaSaslAuthenticate, KafkaSaslHandshake } from '../../../lib/protocol/kafka/messages/sasl';
import { expectGolden, expectRoundTrips } from './golden';

/** Bytes below are written from Kafka's SaslHandshake and SaslAuthenticate specs. */
describe('protocol/kafka SASL messages', () => {
  it('reads and writes SaslHandshake v0 and v1 (same layout)', () => {
    for (const version of [0, 1]) {
      expectGolden(KafkaSaslHandshake, 'request', version, '0005 504c41494e', { mechanism: 'PLAIN' });
      expectGolden(KafkaSaslHandshake, 'response', version, '0021 00000002 0005 504c41494e 000d 5343 52 41 4d 2d 53 48 41 2d 32 35 36',
        { errorCode: 33, mechanisms: ['PLAIN', 'SCRAM-SHA-256'] });
    }
  });

  it('reads and writes SaslAuthenticate v0: no session lifetime', () => {
    expectGolden(KafkaSaslAuthenticate, 'request', 0, '00000002 6162', { authBytes: Buffer.from('ab') });
    expectGolden(KafkaSaslAuthenticate, 'response', 0, '0000 ffff 00000001 78', { errorCode: 0, errorMessage: null, authBytes: Buffer.from('x'), sessionLifetimeMs: 0 });
  });

  it('reads and writes SaslAuthenticate v1: the session lifetime', () => {
    expectGolden(KafkaSaslAuthenticate, 'response', 1, '003a 0003 626164 00000000 0000000000000000',
      { errorCode: 58, errorMessage: 'bad', authBytes: Buffer.alloc(0), sessionLifetimeMs: 0 });
  });

  it('reads and writes SaslAuthenticate v2: compact bytes and strings, tagged-field sections', () => {
    expectGolden(KafkaSaslAuthenticate, 'request', 2, '03 6162 00', { authBytes: Buffer.from('ab') });
    expectGolden(KafkaSaslAuthenticate, 'response', 2, '003a 04 626164 01 0000000000000000 00',
      { errorCode: 58, errorMessage: 'bad', authBytes: Buffer.alloc(0), sessionLifetimeMs: 0 });
    expectGolden(KafkaSaslAuthenticate, 'response', 2, '0000 00 02 76 0000000000000000 00',
      { errorCode: 0, errorMessage: null, authBytes: Buffer.from('v'), sessionLifetimeMs: 0 });
  });

  it('round-trips every served version', () => {
    expectRoundTrips(KafkaSaslHandshake, { mechanism: 'SCRAM-SHA-512' }, { errorCode: 0, mechanisms: ['SCRAM-SHA-512'] });
    expectRoundTrips(KafkaSaslAuthenticate, { authBytes: Buffer.from('n,,n=u,r=x') }, { errorCode: 0, errorMessage: null, authBytes: Buffer.from('r=xy'), sessionLifetimeMs: 0 });
  });
});
