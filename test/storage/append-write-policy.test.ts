import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  ASYNC_COOL_DOWN_MS, AppendWritePolicy, SLOW_SYNC_WRITE_MS, SLOW_WRITE_WINDOW_MS, SLOW_WRITES_BUDGET_MS, SYNC_WRITE_MAX_BYTES,
} from '../../lib/storage/append-write-policy';
import { fdWriter } from '../../lib/storage/segment-files';

describe('storage/append-write-policy', () => {
  it('writes small appends synchronously and large ones through the pool', () => {
    const policy = new AppendWritePolicy();
    expect(policy.writeSynchronously(16 * 1024, 0)).to.equal(true);
    expect(policy.writeSynchronously(SYNC_WRITE_MAX_BYTES, 0)).to.equal(true);
    expect(policy.writeSynchronously(SYNC_WRITE_MAX_BYTES + 1, 0)).to.equal(false);
  });

  it('moves appends to the pool for a cool-down once slow synchronous writes use up the budget of a window', () => {
    const policy = new AppendWritePolicy();
    for (let i = 0; i < 100; i++) policy.synchronousWriteTook(SLOW_SYNC_WRITE_MS, 1000);
    expect(policy.writeSynchronously(100, 1001), 'a write at the limit is not slow').to.equal(true);
    // Preempted writes here and there (a loaded machine) stay synchronous.
    for (let t = 2000; t < 10_000; t += 100) policy.synchronousWriteTook(SLOW_SYNC_WRITE_MS + 10, t);
    expect(policy.writeSynchronously(100, 10_001)).to.equal(true);
    // A run of stalls within one window moves appends to the pool.
    policy.synchronousWriteTook(SLOW_WRITES_BUDGET_MS / 2, 20_000);
    expect(policy.writeSynchronously(100, 20_001), 'half the budget').to.equal(true);
    policy.synchronousWriteTook(SLOW_WRITES_BUDGET_MS / 2, 20_000 + SLOW_WRITE_WINDOW_MS);
    expect(policy.writeSynchronously(100, 20_001 + SLOW_WRITE_WINDOW_MS)).to.equal(false);
    const end = 20_000 + SLOW_WRITE_WINDOW_MS + ASYNC_COOL_DOWN_MS;
    expect(policy.writeSynchronously(100, end - 1)).to.equal(false);
    expect(policy.writeSynchronously(100, end)).to.equal(true);
  });

  it('starts a new window after one passes: slow writes further apart do not add up', () => {
    const policy = new AppendWritePolicy();
    policy.synchronousWriteTook(SLOW_WRITES_BUDGET_MS / 2, 1000);
    policy.synchronousWriteTook(SLOW_WRITES_BUDGET_MS / 2, 1001 + SLOW_WRITE_WINDOW_MS);
    expect(policy.writeSynchronously(100, 1002 + SLOW_WRITE_WINDOW_MS)).to.equal(true);
  });

  describe('fdWriter', () => {
    let dir: string;
    beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'append-write-')); });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    for (const [name, allowSync] of [['synchronously', true], ['through the pool', false]] as const) {
      it(`writes at the position ${name}, and a bad descriptor rejects instead of throwing`, async () => {
        const policy = new AppendWritePolicy();
        if (!allowSync) policy.synchronousWriteTook(SLOW_WRITES_BUDGET_MS, performance.now());
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
