import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ASYNC_COOL_DOWN_MS, AppendWritePolicy, SLOW_SYNC_WRITE_MS, SYNC_WRITE_MAX_BYTES } from '../../lib/storage/append-write-policy';
import { fdWriter } from '../../lib/storage/segment-files';

describe('storage/append-write-policy', () => {
  it('writes small appends synchronously and large ones through the pool', () => {
    const policy = new AppendWritePolicy();
    expect(policy.writeSynchronously(16 * 1024, 0)).to.equal(true);
    expect(policy.writeSynchronously(SYNC_WRITE_MAX_BYTES, 0)).to.equal(true);
    expect(policy.writeSynchronously(SYNC_WRITE_MAX_BYTES + 1, 0)).to.equal(false);
  });

  it('moves appends to the pool for a cool-down after a slow synchronous write', () => {
    const policy = new AppendWritePolicy();
    policy.synchronousWriteTook(SLOW_SYNC_WRITE_MS, 1000);
    expect(policy.writeSynchronously(100, 1001), 'a write at the limit is not slow').to.equal(true);
    policy.synchronousWriteTook(SLOW_SYNC_WRITE_MS + 1, 2000);
    expect(policy.writeSynchronously(100, 2001)).to.equal(false);
    expect(policy.writeSynchronously(100, 2000 + ASYNC_COOL_DOWN_MS - 1)).to.equal(false);
    expect(policy.writeSynchronously(100, 2000 + ASYNC_COOL_DOWN_MS)).to.equal(true);
  });

  describe('fdWriter', () => {
    let dir: string;
    beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'append-write-')); });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    for (const [name, allowSync] of [['synchronously', true], ['through the pool', false]] as const) {
      it(`writes at the position ${name}, and a bad descriptor rejects instead of throwing`, async () => {
        const policy = new AppendWritePolicy();
        if (!allowSync) policy.synchronousWriteTook(SLOW_SYNC_WRITE_MS + 1, performance.now());
        const file = path.join(dir, 'x.log');
        const fd = fs.openSync(file, 'w+');
        try {
          const writer = fdWriter(() => fd, policy);
          expect((await writer.writev([Buffer.from('abc'), Buffer.from('de')], 0)).bytesWritten).to.equal(5);
          expect((await writer.writev([Buffer.from('XY')], 3)).bytesWritten).to.equal(2);
          expect(fs.readFileSync(file, 'utf8')).to.equal('abcXY');
        } finally {
          fs.closeSync(fd);
        }
        const closed = fdWriter(() => fd, policy).writev([Buffer.from('z')], 0);
        const err = await closed.then(() => null, (e: NodeJS.ErrnoException) => e);
        expect(err?.code).to.equal('EBADF');
      });
    }
  });
});
