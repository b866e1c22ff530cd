import { expect } from 'chai';
import { SendWindow } from '../../lib/cli/send-window';
import { ThroughputThrottler } from '../../lib/cli/throughput-throttler';

describe('cli/throughput-throttler', () => {
  it('asks to throttle only when the average rate is above the target', () => {
    const throttler = new ThroughputThrottler(100, 0);
    expect(throttler.shouldThrottle(50, 100)).to.equal(true);
    expect(throttler.shouldThrottle(5, 100)).to.equal(false);
    expect(throttler.shouldThrottle(50, 0)).to.equal(false);
  });

  it('never throttles with a negative target', () => {
    expect(new ThroughputThrottler(-1, 0).shouldThrottle(1e9, 1)).to.equal(false);
  });

  it('sleeps 1/target seconds per throttled send once the deficit reaches 2 ms', async () => {
    const sleeps: number[] = [];
    const throttler = new ThroughputThrottler(1000, 0, async (ms) => {
      sleeps.push(ms);
    });
    expect(await throttler.throttle()).to.equal(0);
    expect(await throttler.throttle()).to.equal(2);
    expect(await throttler.throttle()).to.equal(0);
    expect(sleeps).to.deep.equal([2]);
    const slow = new ThroughputThrottler(100, 0, async (ms) => {
      sleeps.push(ms);
    });
    expect(await slow.throttle()).to.equal(10);
  });

  it('blocks a zero target until woken up', async () => {
    const throttler = new ThroughputThrottler(0, 0);
    let released = false;
    const pending = throttler.throttle().then(() => {
      released = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(released).to.equal(false);
    throttler.wakeup();
    await pending;
    expect(released).to.equal(true);
  });
});

describe('cli/send-window', () => {
  it('blocks acquire while the window is full and resumes on release', async () => {
    const window = new SendWindow(2);
    await window.acquire();
    await window.acquire();
    let third = false;
    const pending = window.acquire().then(() => {
      third = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(third).to.equal(false);
    window.release();
    await pending;
    expect(third).to.equal(true);
    expect(window.inFlight).to.equal(2);
  });

  it('drains once every acquired slot is released', async () => {
    const window = new SendWindow(5);
    await window.acquire();
    await window.acquire();
    let drained = false;
    const pending = window.drain().then(() => {
      drained = true;
    });
    window.release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(drained).to.equal(false);
    window.release();
    await pending;
    expect(drained).to.equal(true);
  });

  it('waits for the window to fall to a level, not for the first free slot', async () => {
    const window = new SendWindow(4);
    for (let i = 0; i < 4; i++) expect(window.tryAcquire()).to.equal(true);
    let resumed = false;
    const pending = window.waitUntilAtMost(1).then(() => {
      resumed = true;
    });
    window.release();
    window.release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(resumed).to.equal(false);
    window.release();
    await pending;
    expect(resumed).to.equal(true);
    await window.waitUntilAtMost(1);
  });

  it('rejects a release without an acquire', () => {
    expect(() => new SendWindow(1).release()).to.throw(/without a matching acquire/);
  });
});
