import { expect } from 'chai';
import { ProtocolError } from '../../lib/protocol/errors';
import {
  array, decode, encode, float64, int16, int32, nullableArray, nullableSince, nullableString, records, since, string, struct,
  tagged, uint16, uuid,
} from '../../lib/protocol/schema';

/** Kafka's flexible versions (KIP-482), checked against bytes written by hand from the spec. */
describe('protocol/schema flexible versions', () => {
  const Item = struct({ name: string, id: int32 }, 'Item');
  const Message = struct({
    errorCode: int16,
    label: nullableString,
    items: array(Item),
    throttleTimeMs: since(2, int32, 0),
    note: tagged(0, string, ''),
    weight: tagged(3, float64, 0, 2),
  }, 'Message');
  const value = { errorCode: 7, label: 'ab', items: [{ name: 'x', id: 1 }], throttleTimeMs: 5, note: '', weight: 0 };

  it('keeps the plain encoding when not flexible', () => {
    expect(encode(Message, value, 2).toString('hex')).to.equal(
      '0007' + '0002' + '6162' + '00000001' + '0001' + '78' + '00000001' + '00000005');
  });

  it('uses compact lengths and closes every struct with a tagged-field section when flexible', () => {
    const hex = encode(Message, value, 2, true).toString('hex');
    // errorCode, label (len+1=3), items (n+1=2: name len+1=2 'x', id, no tags), throttle, no tags
    expect(hex).to.equal('0007' + '03' + '6162' + '02' + '02' + '78' + '00000001' + '00' + '00000005' + '00');
    expect(decode(Message, Buffer.from(hex, 'hex'), 2, 0, true)).to.deep.equal(value);
  });

  it('writes tagged fields that differ from their default, in tag order, and reads them back', () => {
    const withTags = { ...value, note: 'hi', weight: 1.5 };
    const buf = encode(Message, withTags, 2, true);
    // the section: 2 fields; tag 0 size 3 (compact 'hi'); tag 3 size 8 (float64 1.5)
    expect(buf.subarray(buf.length - 16).toString('hex')).to.equal('02' + '00' + '03' + '036869' + '03' + '08' + '3ff8000000000000');
    expect(decode(Message, buf, 2, 0, true)).to.deep.equal(withTags);
    // tag 3 exists from version 2 only: version 1 does not write it
    expect(decode(Message, encode(Message, withTags, 1, true), 1, 0, true)).to.deep.equal({ ...withTags, throttleTimeMs: 0, weight: 0 });
  });

  it('skips tags it does not know, and refuses tags out of order', () => {
    const known = encode(Message, value, 2, true);
    const body = known.subarray(0, known.length - 1);
    const unknownTag = Buffer.concat([body, Buffer.from('01' + '09' + '02' + 'beef', 'hex')]);
    expect(decode(Message, unknownTag, 2, 0, true)).to.deep.equal(value);
    const outOfOrder = Buffer.concat([body, Buffer.from('02' + '09' + '00' + '01' + '00', 'hex')]);
    expect(() => decode(Message, outOfOrder, 2, 0, true)).to.throw(ProtocolError, /out of order/);
  });

  it('encodes null compact strings, arrays and records as length 0', () => {
    const Nullable = struct({ s: nullableString, a: nullableArray(int32), r: records }, 'Nullable');
    const buf = encode(Nullable, { s: null, a: null, r: null }, 0, true);
    expect(buf.toString('hex')).to.equal('00' + '00' + '00' + '00');
    expect(decode(Nullable, buf, 0, 0, true)).to.deep.equal({ s: null, a: null, r: null });
  });

  it('refuses a null where the version does not allow it (nullableVersions)', () => {
    const Topics = struct({ topics: nullableSince(1, nullableArray(string)) }, 'Topics');
    expect(encode(Topics, { topics: null }, 1).toString('hex')).to.equal('ffffffff');
    expect(() => encode(Topics, { topics: null }, 0)).to.throw(TypeError);
    expect(() => decode(Topics, Buffer.from('ffffffff', 'hex'), 0)).to.throw(ProtocolError);
  });

  it('reads UUIDs and unsigned 16-bit integers', () => {
    const Ids = struct({ topicId: uuid, port: uint16 }, 'Ids');
    const buf = Buffer.from('0123456789abcdef0123456789abcdef' + 'ffff', 'hex');
    expect(decode(Ids, buf, 0)).to.deep.equal({ topicId: '0123456789abcdef0123456789abcdef', port: 65535 });
    expect(encode(Ids, { topicId: '01234567-89ab-cdef-0123-456789abcdef', port: 65535 }, 0)).to.deep.equal(buf);
  });

  it('refuses a compact array count that cannot fit in the bytes left, before allocating', () => {
    // 0x7fffffff items announced in a 6-byte frame
    expect(() => decode(array(Item), Buffer.from('ffffffff07', 'hex'), 0, 0, true)).to.throw(ProtocolError, /cannot fit/);
  });
});
