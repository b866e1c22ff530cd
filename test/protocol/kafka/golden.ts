/** Checks for Kafka message definitions against bytes written by hand from the published specs. */
import { expect } from 'chai';
import { AnyKafkaApiDef, isFlexible } from '../../../lib/protocol/kafka/kafka-api';
import { decode, encode } from '../../../lib/protocol/schema';

/** `hex` (spaces allowed) decodes to `value` and `value` encodes to exactly `hex`. */
export function expectGolden(api: AnyKafkaApiDef, direction: 'request' | 'response', version: number, hex: string, value: unknown): void {
  const type = api[direction];
  const flexible = isFlexible(api, version);
  const bytes = hex.replace(/\s+/g, '');
  expect(decode(type, Buffer.from(bytes, 'hex'), version, 0, flexible), `${api.name} v${version} ${direction} decoded`).to.deep.equal(value);
  expect(encode(type, value, version, flexible).toString('hex'), `${api.name} v${version} ${direction} encoded`).to.equal(bytes);
}

/** At every served version, a value re-encodes to the bytes it was decoded from. */
export function expectRoundTrips(api: AnyKafkaApiDef, request: unknown, response: unknown): void {
  for (let version = api.minVersion; version <= api.maxVersion; version++) {
    const flexible = isFlexible(api, version);
    for (const [direction, value] of [['request', request], ['response', response]] as const) {
      const type = api[direction];
      const bytes = encode(type, value, version, flexible);
      const again = encode(type, decode(type, bytes, version, 0, flexible), version, flexible);
      expect(again.equals(bytes), `${api.name} v${version} ${direction}`).to.equal(true);
    }
  }
}
