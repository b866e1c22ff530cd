import { expect } from 'chai';
import { InvalidArgumentError, RecordDeserializationError } from '../../lib/client/client-errors';
import { ClientLogger } from '../../lib/client/client-logger';
import { ConsumerDelivery } from '../../lib/client/consumer-extensions';
import { ConsumerInterceptors } from '../../lib/client/consumer-interceptors';
import { ConsumerRecord } from '../../lib/client/partition-state';
import { Int32Deserializer, StringDeserializer } from '../../lib/client/serializers';

function capturingLogger(): ClientLogger & { warnings: string[] } {
  const warnings: string[] = [];
  const none = (): void => undefined;
  return { warnings, error: none, info: none, debug: none, warn: (m: string) => { warnings.push(m); } };
}

function rec(partition: number, offset: number, value: Buffer | null, key: Buffer | null = null): ConsumerRecord {
  return { topic: 't', partition, offset, timestamp: 1, timestampType: 'CreateTime', key, value, headers: [], leaderEpoch: 0 };
}

const int = (n: number): Buffer => { const b = Buffer.alloc(4); b.writeInt32BE(n); return b; };

describe('client/consumer-interceptors', () => {
  it('runs onConsume in order; a throwing one is logged and skipped', () => {
    const log = capturingLogger();
    const chain = new ConsumerInterceptors<Buffer, Buffer>([
      { onConsume: (rs) => rs.filter((r) => r.offset !== 1) },
      { onConsume: () => { throw new Error('bad'); } },
      { onConsume: (rs) => rs.map((r) => ({ ...r, headers: [...r.headers, { key: 'seen', value: null }] })) },
    ], log);
    const out = chain.onConsume([rec(0, 0, null), rec(0, 1, null), rec(0, 2, null)]);
    expect(out.map((r) => r.offset)).to.deep.equal([0, 2]);
    expect(out.every((r) => r.headers.length === 1)).to.equal(true);
    expect(log.warnings).to.deep.equal(['Error executing interceptor onConsume callback: bad']);
  });

  it('hands committed offsets to every onCommit and closes them all', () => {
    const log = capturingLogger();
    const got: unknown[] = [];
    let closed = 0;
    const chain = new ConsumerInterceptors([
      { onCommit: (o) => { got.push(o); }, close: () => { closed++; } },
      { onCommit: () => { throw new Error('x'); }, close: () => { throw new Error('y'); } },
      { onCommit: (o) => { got.push(o.length); }, close: () => { closed++; } },
    ], log);
    chain.onCommit([{ topic: 't', partition: 0, offset: 5 }]);
    chain.close();
    expect(got).to.deep.equal([[{ topic: 't', partition: 0, offset: 5 }], 1]);
    expect(closed).to.equal(2);
    expect(log.warnings).to.deep.equal(['Error executing interceptor onCommit callback: x', 'Failed to close consumer interceptor: y']);
  });

  describe('ConsumerDelivery', () => {
    it('deserializes keys and values (null stays null) and then runs onConsume', () => {
      const d = new ConsumerDelivery<string, number>({
        keyDeserializer: new StringDeserializer(), valueDeserializer: new Int32Deserializer(),
        interceptors: [{ onConsume: (rs) => rs.map((r) => ({ ...r, value: (r.value ?? 0) * 10 })) }],
      }, capturingLogger());
      const out = d.deliver([rec(0, 0, int(7), Buffer.from('k')), rec(0, 1, null)], () => expect.fail('nothing to hand back'));
      expect(out.map((r) => [r.key, r.value])).to.deep.equal([['k', 70], [null, 0]]);
    });

    it('returns fetched records as they are without deserializers', () => {
      const records = [rec(0, 0, Buffer.from('x'))];
      expect(new ConsumerDelivery({}, capturingLogger()).deliver(records, () => undefined)).to.equal(records);
    });

    it('throws RecordDeserializationError for the first record and hands every record back', () => {
      const d = new ConsumerDelivery<Buffer, number>({ valueDeserializer: new Int32Deserializer() }, capturingLogger());
      let handedBack: readonly ConsumerRecord[] = [];
      const batch = [rec(3, 10, Buffer.from('xx')), rec(3, 11, int(1))];
      const err = (() => { try { d.deliver(batch, (u) => { handedBack = u; }); } catch (e) { return e; } return null; })();
      expect(err).to.be.instanceOf(RecordDeserializationError);
      const e = err as RecordDeserializationError;
      expect([e.topic, e.partition, e.offset, e.part]).to.deep.equal(['t', 3, 10, 'value']);
      expect(e.message).to.equal('Error deserializing value for partition t-3 at offset 10. If needed, please seek past the record to continue consumption. '
        + '(Size of data received by IntegerDeserializer is not 4)');
      expect(e.cause).to.be.instanceOf(InvalidArgumentError);
      expect(handedBack.map((r) => r.offset)).to.deep.equal([10, 11]);
    });

    it('returns the records before a bad one and hands back the bad one and the rest', () => {
      const d = new ConsumerDelivery<string, Buffer>({ keyDeserializer: { deserialize: (_t, b) => { if (b[0] === 0) throw new Error('zero'); return b.toString(); } } },
        capturingLogger());
      let handedBack: readonly ConsumerRecord[] = [];
      const out = d.deliver([rec(0, 0, null, Buffer.from('a')), rec(1, 5, null, Buffer.from([0])), rec(0, 1, null, Buffer.from('b'))], (u) => { handedBack = u; });
      expect(out.map((r) => r.key)).to.deep.equal(['a']);
      expect(handedBack.map((r) => [r.partition, r.offset])).to.deep.equal([[1, 5], [0, 1]]);
    });

    it('refuses deserializers and interceptors of the wrong shape', () => {
      expect(() => new ConsumerDelivery({ keyDeserializer: {} as never }, capturingLogger())).to.throw('Invalid value for keyDeserializer');
      expect(() => new ConsumerDelivery({ interceptors: 'x' as never }, capturingLogger())).to.throw('Invalid value for interceptors');
    });
  });
});
