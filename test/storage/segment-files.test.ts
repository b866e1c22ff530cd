import { expect } from 'chai';
import { ErrorCode, SamsaError } from '../../lib/protocol/errors';
import { PositionalWriter, segmentFileName, writeFully } from '../../lib/storage/segment-files';

/** A file in memory whose writev writes at most what `allow` says for each call, in turn. */
class FakeFile implements PositionalWriter {
  readonly data = Buffer.alloc(64);
  calls = 0;
  constructor(private readonly allow: number[]) {}

  async writev(buffers: Buffer[], position: number): Promise<{ bytesWritten: number }> {
    // A bug in writeFully's loop would call this forever; fail the test instead of hanging it.
    if (this.calls >= 20) throw new Error('writev called too often: the loop does not stop');
    const budget = this.allow[Math.min(this.calls++, this.allow.length - 1)];
    let written = 0;
    for (const b of buffers) {
      const n = Math.min(b.length, budget - written);
      b.copy(this.data, position + written, 0, n);
      written += n;
      if (written === budget) break;
    }
    return { bytesWritten: written };
  }
}

describe('storage/segment-files', () => {
  it('names files by the 20-digit zero-padded base offset', () => {
    expect(segmentFileName(42, '.index')).to.equal('00000000000000000042.index');
  });

  it('finishes a write the kernel cut short, across buffer boundaries', async () => {
    const file = new FakeFile([3, 1, 5, 100]);
    const total = await writeFully(file, [Buffer.from('abcd'), Buffer.from('efg'), Buffer.from('hijkl')], 10, 'x.log');
    expect(total).to.equal(12);
    expect(file.data.subarray(10, 22).toString()).to.equal('abcdefghijkl');
    expect(file.calls).to.equal(4);
  });

  it('fails with a storage error when a write makes no progress, instead of looping', async () => {
    const file = new FakeFile([2, 0]);
    let caught: unknown;
    try {
      await writeFully(file, [Buffer.from('abcdef')], 0, 'x.log');
    } catch (err) {
      caught = err;
    }
    expect(caught).to.be.instanceOf(SamsaError);
    expect((caught as SamsaError).code).to.equal(ErrorCode.KAFKA_STORAGE_ERROR.code);
    expect((caught as Error).message).to.match(/x\.log: write at position 2 made no progress with 4 bytes left/);
    expect(file.calls).to.equal(2);
  });

  it('writes nothing for nothing', async () => {
    const file = new FakeFile([0]);
    expect(await writeFully(file, [], 0, 'x.log')).to.equal(0);
    expect(file.calls).to.equal(0);
  });
});
