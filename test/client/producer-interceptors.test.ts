import { expect } from 'chai';
import { ClientLogger } from '../../lib/client/client-logger';
import { Producer } from '../../lib/client/producer';
import { Api } from '../../lib/protocol/api';
import { ErrorCode } from '../../lib/protocol/errors';
import { ProduceRequestData } from '../../lib/protocol/messages/produce-fetch';
import { partitionForKey } from '../../lib/record/partitioner';
import { FakeCluster } from './fake-broker';
import { ProducerInterceptor, ProducerInterceptors } from '../../lib/client/producer-interceptors';
import { ProducerRecord } from '../../lib/client/producer-record';

function capturingLogger(): ClientLogger & { warnings: string[] } {
  const warnings: string[] = [];
  const none = (): void => undefined;
  return { warnings, error: none, info: none, debug: none, warn: (m: string) => { warnings.push(m); } };
}

describe('client/producer-interceptors', () => {
  it('runs onSend in order, each seeing the record the previous one returned', () => {
    const order: string[] = [];
    const addHeader = (name: string): ProducerInterceptor<string, string> => ({
      onSend: (r) => {
        order.push(name);
        return { ...r, headers: { ...(r.headers as Record<string, string>), [name]: String(Object.keys(r.headers ?? {}).length) } };
      },
    });
    const chain = new ProducerInterceptors([addHeader('first'), addHeader('second'), { onSend: (r) => ({ ...r, topic: 'rerouted', key: 'new-key', value: r.value!.toUpperCase() }) }], capturingLogger());
    const out = chain.onSend({ topic: 't', key: 'k', value: 'v' });
    expect(order).to.deep.equal(['first', 'second']);
    expect(out).to.deep.equal({ topic: 'rerouted', key: 'new-key', value: 'V', headers: { first: '0', second: '1' } });
  });

  it('logs and skips a throwing onSend: the next interceptor gets the last good record', () => {
    const log = capturingLogger();
    const seen: ProducerRecord<string, string>[] = [];
    const chain = new ProducerInterceptors<string, string>([
      { onSend: (r) => ({ ...r, value: `${r.value}+a` }) },
      { onSend: () => { throw new Error('broken interceptor'); } },
      { onSend: () => null as unknown as ProducerRecord<string, string> },
      { onSend: (r) => { seen.push(r); return { ...r, value: `${r.value}+c` }; } },
    ], log);
    const out = chain.onSend({ topic: 't', partition: 2, value: 'v' });
    expect(seen.map((r) => r.value)).to.deep.equal(['v+a']);
    expect(out.value).to.equal('v+a+c');
    expect(log.warnings).to.have.length(2);
    expect(log.warnings[0]).to.equal('Error executing interceptor onSend callback for topic: t, partition: 2: broken interceptor');
    expect(log.warnings[1]).to.contain('instead of a record');
  });

  it('calls every onAcknowledgement in order even when one throws', () => {
    const log = capturingLogger();
    const calls: string[] = [];
    const chain = new ProducerInterceptors([
      { onAcknowledgement: (md, err) => { calls.push(`a:${md?.offset}:${err?.message ?? 'ok'}`); } },
      { onAcknowledgement: () => { throw new Error('nope'); } },
      { onAcknowledgement: (md) => { calls.push(`c:${md?.partition}`); } },
    ], log);
    chain.onAcknowledgement({ topic: 't', partition: 1, offset: 42, timestamp: 5 }, null);
    expect(calls).to.deep.equal(['a:42:ok', 'c:1']);
    expect(log.warnings).to.deep.equal(['Error executing interceptor onAcknowledgement callback: nope']);
  });

  it("reports a failed record with Kafka's metadata: offset -1, partition -1 unless explicit or chosen", () => {
    const got: unknown[] = [];
    const chain = new ProducerInterceptors([{ onAcknowledgement: (md, err) => { got.push([md, err?.message]); } }], capturingLogger());
    chain.onSendError({ topic: 't', value: 'v' }, new Error('bad'));
    chain.onSendError({ topic: 't', partition: 3, value: 'v' }, new Error('bad'));
    chain.onSendError(null, new Error('no record'));
    chain.onSendError({ topic: 't', value: 'v' }, new Error('batch failed'), 1);
    expect(got).to.deep.equal([
      [{ topic: 't', partition: -1, offset: -1, timestamp: -1 }, 'bad'],
      [{ topic: 't', partition: 3, offset: -1, timestamp: -1 }, 'bad'],
      [null, 'no record'],
      [{ topic: 't', partition: 1, offset: -1, timestamp: -1 }, 'batch failed'],
    ]);
  });

  it('closes every interceptor, logging failures', () => {
    const log = capturingLogger();
    const closed: number[] = [];
    new ProducerInterceptors([{ close: () => { closed.push(1); } }, { close: () => { throw new Error('x'); } }, { close: () => { closed.push(3); } }, {}], log).close();
    expect(closed).to.deep.equal([1, 3]);
    expect(log.warnings).to.deep.equal(['Failed to close producer interceptor: x']);
  });

  describe('in a Producer (fake brokers)', () => {
    let cluster: FakeCluster;
    beforeEach(async () => {
      cluster = await FakeCluster.start(1);
      cluster.topics.set('t', [{ leader: 1 }, { leader: 1 }, { leader: 1 }]);
    });
    afterEach(() => cluster.stop());

    it('runs onSend before partitioning and reports acknowledgements and batch failures with their partition, before the promise settles', async () => {
      let offset = 0;
      cluster.broker(1).on(Api.Produce, (req: ProduceRequestData) => ({
        throttleTimeMs: 0,
        topics: req.topics.map((t) => ({
          name: t.name,
          partitions: t.partitions.map((p) => {
            const failed = p.index === partitionForKey(Buffer.from('poison'), 3);
            return { index: p.index, errorCode: failed ? ErrorCode.INVALID_REQUIRED_ACKS.code : 0, baseOffset: failed ? -1 : offset++, logAppendTimeMs: -1, logStartOffset: 0, errorMessage: null };
          }),
        })),
      }));
      const events: string[] = [];
      const producer = new Producer({
        bootstrapServers: cluster.bootstrap, enableIdempotence: false, retries: 0,
        interceptors: [{
          // The key chosen here decides the partition: onSend runs before the partitioner.
          onSend: (r) => ({ ...r, key: r.value === 'bad' ? 'poison' : 'safe' }),
          onAcknowledgement: (md, err) => { events.push(`ack ${md?.partition} ${md?.offset} ${err ? err.message : 'ok'}`); },
        }],
      });
      const good = await producer.send({ topic: 't', value: 'good' });
      events.push('resolved');
      expect(good.partition).to.equal(partitionForKey(Buffer.from('safe'), 3));
      const bad = await producer.send({ topic: 't', value: 'bad' }).then(() => null, (e: Error) => e);
      events.push('rejected');
      expect(bad?.message).to.contain('INVALID_REQUIRED_ACKS');
      expect(events).to.deep.equal([
        `ack ${good.partition} 0 ok`, 'resolved', `ack ${partitionForKey(Buffer.from('poison'), 3)} -1 ${bad?.message}`, 'rejected',
      ]);
      await producer.close();
    });
  });
});
