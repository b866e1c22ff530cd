import { expect } from 'chai';
import { ErrorCode, SamsaError } from '../../lib/protocol/errors';
import { appendResult, validateRecords } from '../../lib/storage/append-validation';
import { LogSegment } from '../../lib/storage/log-segment';
import { LogWriter, LogWriterHost } from '../../lib/storage/log-writer';
import { AssertionError } from '../../lib/util/assert';
import { buildBatch, listBatches, tempDir, testConfig } from './batch-builder';

describe('storage/log-writer', () => {
  const config = testConfig();
  let dir: string;
  let cleanup: () => void;
  let segment: LogSegment;
  let logEnd: number;
  let failures: unknown[];
  let writer: LogWriter;

  function host(): LogWriterHost {
    return {
      name: 't-0',
      config: () => config,
      now: () => 0,
      activeSegment: () => segment,
      logEndOffset: () => logEnd,
      roll: () => Promise.reject(new Error('no roll expected')),
      afterWrite: async (lastOffset) => {
        logEnd = lastOffset + 1;
      },
      fail: (err) => {
        failures.push(err);
        writer.rejectAppends(err);
        return err as Error;
      },
    };
  }

  /** A batch placed at `baseOffset`, as PartitionLog hands it to the writer. */
  function placed(baseOffset: number, records = 2) {
    const buf = buildBatch({ baseOffset, records });
    const batches = validateRecords(buf, config, false);
    return { buf, batches, result: appendResult(buf, batches, -1) };
  }

  beforeEach(async () => {
    ({ dir, cleanup } = tempDir());
    segment = await LogSegment.create(dir, 0, config);
    logEnd = 0;
    failures = [];
    writer = new LogWriter(host(), 1024);
  });
  afterEach(async () => {
    await segment.close();
    cleanup();
  });

  it('writes queued appends in order and resolves each with its result', async () => {
    const a = placed(0);
    const b = placed(2);
    const [ra, rb] = await Promise.all([writer.append(a.buf, a.batches, a.result), writer.append(b.buf, b.batches, b.result)]);
    expect([ra.baseOffset, rb.baseOffset]).to.deep.equal([0, 2]);
    expect(logEnd).to.equal(4);
    expect(writer.queuedAppendBytes).to.equal(0);
    const written = await segment.read(0, 1 << 20);
    expect(listBatches(written!).map((x) => x.baseOffset)).to.deep.equal([0, 2]);
  });

  it('writes the appends made in one event-loop turn with one write', async () => {
    const write = segment.write.bind(segment);
    const groups: number[] = [];
    segment.write = (buffers, position) => {
      groups.push(buffers.length);
      return write(buffers, position);
    };
    const appends = [placed(0), placed(2), placed(4)].map((a) => writer.append(a.buf, a.batches, a.result));
    await Promise.all(appends);
    expect(groups).to.deep.equal([3]);
    expect(listBatches(await segment.read(0, 1 << 20) ?? Buffer.alloc(0)).map((b) => b.baseOffset)).to.deep.equal([0, 2, 4]);
  });

  it('treats a batch behind the log end as a bug, writes nothing and fails the log', async () => {
    logEnd = 10;
    const behind = placed(5);
    let caught: unknown;
    try {
      await writer.append(behind.buf, behind.batches, behind.result);
    } catch (err) {
      caught = err;
    }
    expect(caught).to.be.instanceOf(AssertionError);
    expect((caught as Error).message).to.match(/Invariant violated: t-0: batch \[5, 6\] would be written behind offset 10/);
    expect(failures).to.have.length(1);
    expect(failures[0]).to.equal(caught);
    expect(segment.size).to.equal(0);
    expect(writer.queuedAppendBytes).to.equal(0);
  });

  it('refuses room past the byte bound with a retriable REQUEST_TIMED_OUT, but always takes one append into an empty queue', async () => {
    const big = placed(0, 80);
    expect(big.buf.length).to.be.greaterThan(writer.maxQueuedAppendBytes);
    expect(() => writer.checkRoom(big.buf.length)).not.to.throw();
    const pending = writer.append(big.buf, big.batches, big.result);
    let caught: unknown;
    try {
      writer.checkRoom(1);
    } catch (err) {
      caught = err;
    }
    expect(caught).to.be.instanceOf(SamsaError);
    expect((caught as SamsaError).code).to.equal(ErrorCode.REQUEST_TIMED_OUT.code);
    expect((caught as SamsaError).retriable).to.equal(true);
    await pending;
    expect(writer.queuedAppendBytes).to.equal(0);
    expect(() => writer.checkRoom(1)).not.to.throw();
  });
});
