import { expect } from 'chai';
import { ErrorCode, SamsaError } from '../../lib/protocol/errors';
import { closeSync, openSync, readFileSync } from 'fs';
import { fdWriter, PositionalWriter, segmentFileName, writeFully } from '../../lib/storage/segment-files';
import { tempDir } from './batch-builder';

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

  it('fdWriter gathers buffers at a position of a descriptor, and a failed write rejects', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const file = `${dir}/x.log`;
      const fd = openSync(file, 'w+');
      const writer = fdWriter(() => fd);
      expect(await writeFully(writer, [Buffer.from('abc'), Buffer.from('de')], 0, 'x.log')).to.equal(5);
      expect((await writer.writev([Buffer.from('XY')], 1)).bytesWritten).to.equal(2);
      closeSync(fd);
      expect(readFileSync(file, 'latin1')).to.equal('aXYde');
      let failure: unknown = null;
      await writer.writev([Buffer.from('z')], 0).catch((err: unknown) => { failure = err; });
      expect((failure as NodeJS.ErrnoException | null)?.code).to.equal('EBADF');
    } finally {
      cleanup();
    }
  });

  it('writes nothing for nothing', async () => {
    const file = new FakeFile([0]);
    expect(await writeFully(file, [], 0, 'x.log')).to.equal(0);
    expect(file.calls).to.equal(0);
  });
});
