import { expect } from 'chai';
import { InvalidArgumentError, SerializationError } from '../../lib/client/client-errors';
import { ProducerRecord, toPlainRecordData, toRecordData } from '../../lib/client/producer-record';
import {
  BufferDeserializer, BufferSerializer, builtInDeserializer, builtInSerializer, Int32Deserializer, Int32Serializer, Int64Deserializer, Int64Serializer,
  JsonDeserializer, JsonSerializer, Serializer, StringDeserializer, StringSerializer,
} from '../../lib/client/serializers';
import { RecordHeader } from '../../lib/record/record';

const hex = (b: Buffer): string => b.toString('hex');

describe('client/serializers', () => {
  it("writes Kafka's IntegerSerializer bytes (big-endian) and reads them back", () => {
    const s = new Int32Serializer();
    const d = new Int32Deserializer();
    expect(hex(s.serialize('t', 1))).to.equal('00000001');
    expect(hex(s.serialize('t', -1))).to.equal('ffffffff');
    expect(hex(s.serialize('t', 2147483647))).to.equal('7fffffff');
    expect(hex(s.serialize('t', -2147483648))).to.equal('80000000');
    for (const n of [0, 1, -1, 123456789, -2147483648, 2147483647]) expect(d.deserialize('t', s.serialize('t', n))).to.equal(n);
  });

  it("writes Kafka's LongSerializer bytes as bigint and reads them back", () => {
    const s = new Int64Serializer();
    const d = new Int64Deserializer();
    expect(hex(s.serialize('t', 1n))).to.equal('0000000000000001');
    expect(hex(s.serialize('t', -1n))).to.equal('ffffffffffffffff');
    expect(hex(s.serialize('t', 2n ** 63n - 1n))).to.equal('7fffffffffffffff');
    for (const n of [0n, -(2n ** 63n), 2n ** 63n - 1n, 1234567890123n]) expect(d.deserialize('t', s.serialize('t', n))).to.equal(n);
  });

  it('rejects numbers that do not fit, and wrong-sized input like Kafka', () => {
    expect(() => new Int32Serializer().serialize('t', 2 ** 31)).to.throw(InvalidArgumentError);
    expect(() => new Int32Serializer().serialize('t', 1.5)).to.throw(InvalidArgumentError);
    expect(() => new Int64Serializer().serialize('t', 2n ** 63n)).to.throw(InvalidArgumentError);
    expect(() => new Int64Serializer().serialize('t', 5 as unknown as bigint)).to.throw(InvalidArgumentError);
    expect(() => new Int32Deserializer().deserialize('t', Buffer.alloc(3))).to.throw('Size of data received by IntegerDeserializer is not 4');
    expect(() => new Int64Deserializer().deserialize('t', Buffer.alloc(4))).to.throw('Size of data received by LongDeserializer is not 8');
  });

  it('encodes strings as UTF-8 and refuses non-strings', () => {
    expect(hex(new StringSerializer().serialize('t', '€a'))).to.equal('e282ac61');
    expect(new StringDeserializer().deserialize('t', Buffer.from('e282ac61', 'hex'))).to.equal('€a');
    expect(() => new StringSerializer().serialize('t', 42 as unknown as string)).to.throw(InvalidArgumentError);
  });

  it('round-trips JSON and fails on what JSON cannot carry', () => {
    const value = { id: 7, tags: ['a', 'b'], nested: { ok: true }, none: null };
    expect(new JsonDeserializer().deserialize('t', new JsonSerializer().serialize('t', value))).to.deep.equal(value);
    expect(new JsonSerializer().serialize('t', 'x').toString()).to.equal('"x"');
    expect(() => new JsonSerializer().serialize('t', undefined)).to.throw(InvalidArgumentError);
    expect(() => new JsonDeserializer().deserialize('t', Buffer.from('{nope'))).to.throw(SyntaxError);
  });

  it('passes Buffers and Uint8Arrays through the Buffer serializer and refuses strings', () => {
    const b = Buffer.from([1, 2, 3]);
    expect(new BufferSerializer().serialize('t', b)).to.equal(b);
    expect(hex(new BufferSerializer().serialize('t', new Uint8Array([9, 8])))).to.equal('0908');
    expect(() => new BufferSerializer().serialize('t', 'str' as unknown as Buffer)).to.throw(InvalidArgumentError);
    expect(new BufferDeserializer().deserialize('t', b)).to.equal(b);
  });

  it("maps Kafka's class names and the short names to the built-ins", () => {
    expect(builtInSerializer('org.apache.kafka.common.serialization.StringSerializer')).to.be.instanceOf(StringSerializer);
    expect(builtInSerializer('org.apache.kafka.common.serialization.ByteArraySerializer')).to.be.instanceOf(BufferSerializer);
    expect(builtInSerializer('org.apache.kafka.common.serialization.IntegerSerializer')).to.be.instanceOf(Int32Serializer);
    expect(builtInSerializer('org.apache.kafka.common.serialization.LongSerializer')).to.be.instanceOf(Int64Serializer);
    expect(builtInSerializer('json')).to.be.instanceOf(JsonSerializer);
    expect(builtInDeserializer('org.apache.kafka.common.serialization.LongDeserializer')).to.be.instanceOf(Int64Deserializer);
    expect(builtInDeserializer('int32')).to.be.instanceOf(Int32Deserializer);
    expect(builtInSerializer('io.confluent.kafka.serializers.KafkaAvroSerializer')).to.equal(undefined);
  });

  describe('toRecordData', () => {
    it('keeps the default behaviour: strings as UTF-8, Buffers as they are, null as null', () => {
      const data = toRecordData({ topic: 't', key: 'k', value: Buffer.from([1]) }, 5);
      expect(data.key?.toString()).to.equal('k');
      expect(hex(data.value as Buffer)).to.equal('01');
      expect(toRecordData({ topic: 't', value: null }, 5).value).to.equal(null);
      expect(() => toRecordData({ topic: 't', value: 42 as unknown as string }, 5)).to.throw(InvalidArgumentError, 'record value must be a Buffer, a string or null');
    });

    it('converts the commonest record into the reused object as toRecordData would, and leaves any other to it', () => {
      const out = { key: null, value: null, headers: undefined, timestamp: 0 };
      const value = Buffer.from([7]);
      for (const record of [{ topic: 't', value }, { topic: 't', key: Buffer.from('k'), value }, { topic: 't', key: undefined, value: null }]) {
        expect(toPlainRecordData(record, 9, out)).to.equal(out);
        expect(out).to.deep.equal(toRecordData(record, 9));
      }
      const others: Array<ProducerRecord<unknown, unknown>> = [
        { topic: 't', key: 'k', value }, { topic: 't', value: 'v' }, { topic: 't', value, headers: {} }, { topic: 't', value, timestamp: 3 },
        { topic: '', value }, { topic: 't', value: new Uint8Array(1) }, null as unknown as ProducerRecord,
      ];
      for (const record of others) expect(toPlainRecordData(record, 9, out)).to.equal(null);
    });

    it('runs the serializers with the topic and the mutable headers, and skips them for null', () => {
      const seen: string[] = [];
      const tagging: Serializer<number> = {
        serialize(topic: string, n: number, headers: RecordHeader[]): Buffer {
          seen.push(topic);
          headers.push({ key: 'type', value: Buffer.from('int32') });
          return new Int32Serializer().serialize(topic, n);
        },
      };
      const data = toRecordData({ topic: 'nums', key: null, value: 7 }, 1, { key: new StringSerializer(), value: tagging });
      expect(hex(data.value as Buffer)).to.equal('00000007');
      expect(data.key).to.equal(null);
      expect(data.headers).to.deep.equal([{ key: 'type', value: Buffer.from('int32') }]);
      expect(seen).to.deep.equal(['nums']);
    });

    it("wraps a custom serializer's failure in SerializationError naming topic and part", () => {
      const broken: Serializer<string> = { serialize: () => { throw new Error('boom'); } };
      const err = (() => { try { toRecordData({ topic: 'orders', key: 'k', value: 'v' }, 1, { key: broken, value: new StringSerializer() }); } catch (e) { return e; } return null; })();
      expect(err).to.be.instanceOf(SerializationError);
      expect((err as SerializationError).topic).to.equal('orders');
      expect((err as Error).message).to.equal("Can't serialize the key of a record for topic orders: boom");
      const notBytes = { serialize: () => 'text' } as unknown as Serializer<string>;
      expect(() => toRecordData({ topic: 'orders', value: 'v' }, 1, { key: notBytes, value: notBytes })).to.throw(SerializationError, 'did not return a Buffer');
    });
  });
});
