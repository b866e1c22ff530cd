import { expect } from 'chai';
import type { ConsumerRecord } from '../../lib/client/consumer';
import { DefaultMessageFormatter } from '../../lib/cli/message-formatter';

function record(overrides: Partial<ConsumerRecord> = {}): ConsumerRecord {
  return {
    topic: 't',
    partition: 2,
    offset: 42,
    timestamp: 1700000000123,
    timestampType: 'CreateTime',
    key: Buffer.from('k1'),
    value: Buffer.from('hello'),
    headers: [],
    leaderEpoch: 0,
    ...overrides,
  };
}

function format(props: Record<string, string>, r: ConsumerRecord = record()): string {
  return new DefaultMessageFormatter(props).format(r).toString('utf8');
}

describe('cli/message-formatter', () => {
  it('prints only the value and a newline by default', () => {
    expect(format({})).to.equal('hello\n');
  });

  it("orders fields as Kafka's DefaultMessageFormatter: timestamp, partition, offset, headers, key, value", () => {
    const all = {
      'print.timestamp': 'true',
      'print.partition': 'true',
      'print.offset': 'true',
      'print.headers': 'true',
      'print.key': 'true',
    };
    const r = record({ headers: [{ key: 'h1', value: Buffer.from('v1') }, { key: 'h2', value: null }] });
    expect(format(all, r)).to.equal('CreateTime:1700000000123\tPartition:2\tOffset:42\th1:v1,h2:null\tk1\thello\n');
  });

  it('prints NO_HEADERS for a record without headers', () => {
    expect(format({ 'print.headers': 'true' })).to.equal('NO_HEADERS\thello\n');
  });

  it('prints null for a null key and a null value', () => {
    expect(format({ 'print.key': 'true' }, record({ key: null, value: null }))).to.equal('null\tnull\n');
  });

  it('uses key.separator between fields and line.separator after the last one', () => {
    expect(format({ 'print.key': 'true', 'print.offset': 'true', 'key.separator': ' | ', 'line.separator': '\r\n' })).to.equal(
      'Offset:42 | k1 | hello\r\n',
    );
  });

  it('ends the line after the last printed field when print.value is false', () => {
    expect(format({ 'print.key': 'true', 'print.value': 'false' })).to.equal('k1\n');
  });

  it('honours headers.separator and null.literal', () => {
    const r = record({ key: null, headers: [{ key: 'a', value: null }, { key: 'b', value: Buffer.from('2') }] });
    expect(format({ 'print.headers': 'true', 'print.key': 'true', 'headers.separator': ';', 'null.literal': 'NIL' }, r)).to.equal(
      'a:NIL;b:2\tNIL\thello\n',
    );
  });

  it('reads booleans like Kafka: only a trimmed, case-insensitive "true" enables a field', () => {
    expect(format({ 'print.key': ' TRUE ' })).to.equal('k1\thello\n');
    expect(format({ 'print.key': 'yes' })).to.equal('hello\n');
  });

  it('prints LogAppendTime timestamps with their type', () => {
    expect(format({ 'print.timestamp': 'true' }, record({ timestampType: 'LogAppendTime', timestamp: 5 }))).to.equal('LogAppendTime:5\thello\n');
  });

  it('writes binary values byte for byte', () => {
    const bytes = Buffer.from([0x00, 0xff, 0x80, 0x0a]);
    const out = new DefaultMessageFormatter({}).format(record({ value: bytes }));
    expect(out.equals(Buffer.concat([bytes, Buffer.from('\n')]))).to.equal(true);
  });

  it("prints deserialized keys and values with key.deserializer/value.deserializer, as Kafka's formatter", () => {
    const long = Buffer.alloc(8);
    long.writeBigInt64BE(-5n);
    const props = {
      'print.key': 'true',
      'key.deserializer': 'org.apache.kafka.common.serialization.LongDeserializer',
      'value.deserializer': 'json',
    };
    expect(format(props, record({ key: long, value: Buffer.from('{"a": [1, 2]}') }))).to.equal('-5\t{"a":[1,2]}\n');
    expect(format(props, record({ key: null, value: null }))).to.equal('null\tnull\n');
    expect(() => new DefaultMessageFormatter({ 'value.deserializer': 'com.example.Nope' })).to.throw('Class com.example.Nope could not be found.');
  });
});
