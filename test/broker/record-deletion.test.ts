import { expect } from 'chai';
import { Partition } from '../../lib/broker/partition';
import { RecordDeletion } from '../../lib/broker/record-deletion';
import { ErrorCode } from '../../lib/protocol/errors';
import { PartitionStateData } from '../../lib/protocol/messages/controller';
import { PartitionLog } from '../../lib/storage/partition-log';
import { getLogger } from '../../lib/util/logger';
import { buildBatch, tempDir, testConfig } from '../storage/batch-builder';

function state(over: Partial<PartitionStateData>): PartitionStateData {
  return { topicName: 't', partitionIndex: 0, controllerEpoch: 1, leader: 1, leaderEpoch: 0, isr: [1, 2], zkVersion: 0, replicas: [1, 2], isNew: false, ...over };
}

/** Kafka's DelayedDeleteRecords on the leader: wait for every live replica's log start. */
describe('broker/record-deletion', () => {
  let cleanup: () => void;
  let log: PartitionLog;
  let partition: Partition;
  let alive: Set<number>;
  let checkpoints: number;
  let deletion: RecordDeletion;

  beforeEach(async () => {
    let dir: string;
    ({ dir, cleanup } = tempDir());
    log = await PartitionLog.open(dir, 't', 0, testConfig());
    await log.append(buildBatch({ records: 10 }), { leaderEpoch: 0 });
    partition = new Partition('t', 0, log, 1);
    partition.applyState(state({}), Date.now());
    // The follower has everything: the high watermark reaches 10.
    partition.recordFollowerFetch(2, 10, 10, Date.now());
    partition.maybeIncrementHighWatermark();
    alive = new Set([1, 2]);
    checkpoints = 0;
    deletion = new RecordDeletion({ isAlive: (id) => alive.has(id), checkpoint: async () => { checkpoints++; }, logger: getLogger('test') });
  });

  afterEach(async () => {
    deletion.shutdown();
    await log.close();
    cleanup();
  });

  it('moves the leader\'s start at once and answers when the follower reports the same start', async () => {
    const pending = deletion.deleteOnLeader(partition, 4, 5000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(log.logStartOffset).to.equal(4);
    expect(checkpoints).to.equal(1);
    partition.recordFollowerLogStart(2, 4);
    deletion.lowWatermarkMayMove(partition);
    expect(await pending).to.deep.equal({ errorCode: 0, lowWatermark: 4 });
  });

  it('does not wait for a replica on a dead broker, and -1 means the high watermark', async () => {
    alive.delete(2);
    expect(await deletion.deleteOnLeader(partition, -1, 5000)).to.deep.equal({ errorCode: 0, lowWatermark: 10 });
  });

  it('times out with REQUEST_TIMED_OUT and the low watermark so far, and refuses offsets past the high watermark', async () => {
    partition.recordFollowerLogStart(2, 0);
    expect(await deletion.deleteOnLeader(partition, 3, 50)).to.deep.equal({ errorCode: ErrorCode.REQUEST_TIMED_OUT.code, lowWatermark: 0 });
    expect(await deletion.deleteOnLeader(partition, 11, 50)).to.deep.equal({ errorCode: ErrorCode.OFFSET_OUT_OF_RANGE.code, lowWatermark: -1 });
    expect(await deletion.deleteOnLeader(partition, -7, 50)).to.deep.equal({ errorCode: ErrorCode.OFFSET_OUT_OF_RANGE.code, lowWatermark: -1 });
  });

  it('fails a waiting delete with NOT_LEADER_FOR_PARTITION when leadership moves', async () => {
    const pending = deletion.deleteOnLeader(partition, 5, 5000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    deletion.failAll(partition.key, 'moved');
    expect((await pending).errorCode).to.equal(ErrorCode.NOT_LEADER_FOR_PARTITION.code);
  });
});
