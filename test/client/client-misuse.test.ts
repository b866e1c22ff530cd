import { expect } from 'chai';
import {
  asSamsaError, ClientClosedError, CLIENT_ERROR, IllegalStateError, InvalidArgumentError,
} from '../../lib/client/client-errors';
import { Consumer } from '../../lib/client/consumer';
import { Producer } from '../../lib/client/producer';
import { ErrorCode, errorForCode } from '../../lib/protocol/errors';
import { FakeCluster } from './fake-broker';
import { FakeLog, serveLogs } from './fake-log';

/** Misuse has its own error classes; none of them reuses a Kafka wire code. */
describe('client/client-misuse', function () {
  this.timeout(20000);
  let cluster: FakeCluster;

  beforeEach(async () => {
    cluster = await FakeCluster.start(1);
    cluster.topics.set('t', [{ leader: 1 }]);
    const log = new FakeLog();
    log.append(['a', 'b']);
    serveLogs(cluster.broker(1), new Map([['t-0', log]]));
  });

  afterEach(async () => {
    await cluster.stop();
  });

  const wireCodes = new Set(Object.values(ErrorCode).map((d) => d.code));

  it('raises InvalidArgumentError for a negative seek offset and for a partition that is not assigned', async () => {
    const consumer = new Consumer({ bootstrapServers: cluster.bootstrap });
    consumer.assign([{ topic: 't', partition: 0 }]);
    const negative = (() => { try { consumer.seek({ topic: 't', partition: 0 }, -5); } catch (e) { return e; } })();
    expect(negative).to.be.instanceOf(InvalidArgumentError);
    expect((negative as InvalidArgumentError).message).to.equal('Seek offset must not be a negative number: -5');
    const unassigned = (() => { try { consumer.seek({ topic: 't', partition: 7 }, 0); } catch (e) { return e; } })();
    expect(unassigned).to.be.instanceOf(InvalidArgumentError);
    await consumer.close();
    const member = new Consumer({ bootstrapServers: cluster.bootstrap, groupId: 'g' });
    member.assign([{ topic: 't', partition: 0 }]);
    expect(() => member.subscribe(['t'])).to.throw(IllegalStateError);
    await member.close();
  });

  it('raises ClientClosedError from a closed consumer and a closed producer', async () => {
    const consumer = new Consumer({ bootstrapServers: cluster.bootstrap });
    await consumer.close();
    const polled = await consumer.poll(10).catch((e) => e);
    expect(polled).to.be.instanceOf(ClientClosedError);
    const producer = new Producer({ bootstrapServers: cluster.bootstrap });
    await producer.close();
    const sent = await producer.send({ topic: 't', value: 'late' }).catch((e) => e);
    expect(sent).to.be.instanceOf(ClientClosedError);
  });

  it('gives misuse codes that are not Kafka wire codes and labels client-side faults CLIENT_ERROR', () => {
    for (const err of [new InvalidArgumentError('x'), new IllegalStateError('y'), new ClientClosedError('the consumer')]) {
      expect(wireCodes.has(err.code), err.errorName).to.equal(false);
      expect(errorForCode(err.code).name).to.match(/^UNKNOWN_ERROR_CODE/);
    }
    const wrapped = asSamsaError(new TypeError('listener blew up'));
    expect(wrapped.errorName).to.equal(CLIENT_ERROR.name);
    expect(wrapped.code).to.not.equal(ErrorCode.UNKNOWN_SERVER_ERROR.code);
    expect(wrapped.message).to.equal('listener blew up');
  });

  it('raises InvalidArgumentError for a record without a topic or with a negative timestamp', async () => {
    const producer = new Producer({ bootstrapServers: cluster.bootstrap });
    const noTopic = await producer.send({ topic: '', value: 'v' }).catch((e) => e);
    expect(noTopic).to.be.instanceOf(InvalidArgumentError);
    const badTime = await producer.send({ topic: 't', value: 'v', timestamp: -2 }).catch((e) => e);
    expect(badTime).to.be.instanceOf(InvalidArgumentError);
    await producer.close();
  });

  it('leaves no parked poll behind when polls time out with nothing to return', async () => {
    // Nothing assigned: no fetch response ever wakes the waiters, only their own timers.
    const consumer = new Consumer({ bootstrapServers: cluster.bootstrap });
    for (let i = 0; i < 20; i++) await consumer.poll(5);
    expect(consumer.parkedPolls).to.equal(0);
    await consumer.close();
  });
});
