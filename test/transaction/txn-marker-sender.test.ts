import { expect } from 'chai';
import { FakeClock, settle } from '../group/coordinator-harness';
import { ErrorCode } from '../../lib/protocol/errors';
import { MarkerConnection, MarkerJob, TxnMarkerSender } from '../../lib/transaction/txn-marker-sender';
import { getLogger } from '../../lib/util/logger';

type Request = { markers: Array<{ producerId: number; producerEpoch: number; transactionResult: boolean; coordinatorEpoch: number; topics: Array<{ name: string; partitionIndexes: number[] }> }> };

/** Brokers that answer each partition with the next code queued for it (0 once the queue is empty). */
class FakeBrokers {
  readonly requests: Array<{ broker: number; request: Request }> = [];
  readonly answers = new Map<string, number[]>();
  down = new Set<number>();

  connect(brokerId: number): MarkerConnection {
    return {
      send: (async (_api: unknown, request: Request) => {
        if (this.down.has(brokerId)) throw new Error(`broker ${brokerId} is down`);
        this.requests.push({ broker: brokerId, request });
        return {
          markers: request.markers.map((m) => ({
            producerId: m.producerId,
            topics: m.topics.map((t) => ({
              name: t.name,
              partitions: t.partitionIndexes.map((partitionIndex) => ({ partitionIndex, errorCode: this.answers.get(`${t.name}-${partitionIndex}`)?.shift() ?? 0 })),
            })),
          })),
        };
      }) as MarkerConnection['send'],
      close: () => undefined,
    };
  }
}

function setup(leaders: Map<string, number[]>) {
  const clock = new FakeClock();
  const brokers = new FakeBrokers();
  const sender = new TxnMarkerSender({
    brokerId: 1, requestTimeoutMs: 1000, clock, logger: getLogger('test-markers'),
    metadata: { partitions: (t) => leaders.get(t)?.map((leader) => ({ leader })), broker: (id) => ({ host: 'h', port: id }) },
    connect: (_endpoint, id) => brokers.connect(id),
  });
  return { clock, brokers, sender };
}

const job = (partitions: Array<[string, number]>, stillValid = () => true): MarkerJob => ({
  transactionalId: 'tx', producerId: 7, producerEpoch: 3, committed: true, coordinatorEpoch: 5,
  partitions: partitions.map(([topic, partition]) => ({ topic, partition })), stillValid,
});

/** Runs the clock until the promise settles (the sender sleeps between rounds). */
async function drive<T>(clock: FakeClock, promise: Promise<T>): Promise<T> {
  let done = false;
  const result = promise.finally(() => { done = true; });
  for (let i = 0; i < 200 && !done; i++) await clock.advance(100);
  return result;
}

describe('transaction/txn-marker-sender', () => {
  it('sends one WriteTxnMarkers per leader with all of its partitions and the job\'s ids and epochs', async () => {
    const { clock, brokers, sender } = setup(new Map([['t', [1, 2, 1]]]));
    expect(await drive(clock, sender.send(job([['t', 0], ['t', 1], ['t', 2]])))).to.equal('done');
    const byBroker = brokers.requests.map((r) => [r.broker, r.request.markers[0].topics]);
    expect(byBroker).to.deep.equal([[1, [{ name: 't', partitionIndexes: [0, 2] }]], [2, [{ name: 't', partitionIndexes: [1] }]]]);
    expect(brokers.requests[0].request.markers[0]).to.include({ producerId: 7, producerEpoch: 3, transactionResult: true, coordinatorEpoch: 5 });
  });

  it('retries partitions whose leader moved or failed retriably, and those without a leader, until each has its marker', async () => {
    const leaders = new Map([['t', [-1, 2]]]);
    const { clock, brokers, sender } = setup(leaders);
    brokers.answers.set('t-1', [ErrorCode.NOT_LEADER_FOR_PARTITION.code, ErrorCode.NOT_ENOUGH_REPLICAS.code]);
    brokers.down.add(2);
    const sending = sender.send(job([['t', 0], ['t', 1]]));
    await clock.advance(500);
    brokers.down.delete(2);
    leaders.set('t', [1, 2]);
    expect(await drive(clock, sending)).to.equal('done');
    const t1 = brokers.requests.filter((r) => r.request.markers[0].topics[0].partitionIndexes.includes(1));
    expect(t1).to.have.length(3);
    expect(brokers.requests.filter((r) => r.broker === 1)).to.have.length(1);
  });

  it('drops a partition whose topic stays unknown (deleted), but not one the metadata has not heard of for a moment', async () => {
    const leaders = new Map<string, number[]>([['t', [1]]]);
    const { clock, brokers, sender } = setup(leaders);
    const sending = sender.send(job([['t', 0], ['new', 0]]));
    await clock.advance(1000);
    leaders.set('new', [2]);
    expect(await drive(clock, sending)).to.equal('done');
    expect(brokers.requests.map((r) => r.broker).sort()).to.deep.equal([1, 2]);
    const gone = setup(new Map());
    expect(await drive(gone.clock, gone.sender.send(job([['deleted', 0]])))).to.equal('done');
    expect(gone.brokers.requests).to.deep.equal([]);
  });

  it('gives the job up when the coordinator does, or a leader says the markers are stale', async () => {
    const { clock, brokers, sender } = setup(new Map([['t', [1]]]));
    let valid = true;
    brokers.answers.set('t-0', [ErrorCode.NOT_LEADER_FOR_PARTITION.code, ErrorCode.NOT_LEADER_FOR_PARTITION.code]);
    const sending = sender.send(job([['t', 0]], () => valid));
    await settle();
    valid = false;
    expect(await drive(clock, sending)).to.equal('cancelled');
    brokers.answers.set('t-0', [ErrorCode.TRANSACTION_COORDINATOR_FENCED.code]);
    expect(await drive(clock, sender.send(job([['t', 0]])))).to.equal('cancelled');
    sender.shutdown();
    expect(await drive(clock, sender.send(job([['t', 0]])))).to.equal('cancelled');
  });
});
