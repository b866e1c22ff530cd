import { expect } from 'chai';
import { settledBy, sleep, withTimeout } from '../../lib/util/time';

const never = new Promise<never>(() => undefined);

describe('util/time', () => {
  it('sleeps at least the given time', async () => {
    const start = Date.now();
    await sleep(30);
    expect(Date.now() - start).to.be.at.least(25);
  });

  it('passes through the value or the failure of work that beats the timeout', async () => {
    expect(await withTimeout(Promise.resolve(7), 1000, () => new Error('late'))).to.equal(7);
    const failure = await withTimeout(Promise.reject(new Error('broken')), 1000, () => new Error('late')).catch((e: Error) => e);
    expect(failure).to.be.instanceOf(Error).with.property('message', 'broken');
  });

  it('rejects with the timeout error when the work takes longer', async () => {
    const start = Date.now();
    const err = await withTimeout(never, 30, () => new Error('too slow')).catch((e: Error) => e);
    expect(err).to.be.instanceOf(Error).with.property('message', 'too slow');
    expect(Date.now() - start).to.be.at.least(25);
  });

  it('says whether a task settled by the deadline, counting a failure as settled', async () => {
    expect(await settledBy(sleep(5), Date.now() + 1000)).to.equal(true);
    expect(await settledBy(Promise.reject(new Error('x')), Date.now() + 1000)).to.equal(true);
    expect(await settledBy(never, Date.now() + 30)).to.equal(false);
    expect(await settledBy(Promise.resolve(), Date.now() - 1)).to.equal(false);
  });
});
