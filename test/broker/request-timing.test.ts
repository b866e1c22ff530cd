import { expect } from 'chai';
import { parkedWhile, RequestTiming } from '../../lib/broker/request-timing';

describe('broker/request-timing', () => {
  it('splits a request into queue, local, remote, response queue and send, adding up to the total', async () => {
    let now = 100;
    const t = new RequestTiming('Fetch', 100, () => now);
    now = 103; t.start();
    now = 104;
    let release!: () => void;
    const parked = parkedWhile(t, new Promise<void>((resolve) => { release = resolve; }));
    // A second partition parking meanwhile does not count twice.
    const alsoParked = parkedWhile(t, new Promise<void>((resolve) => setImmediate(resolve)));
    await alsoParked;
    now = 500; release(); await parked;
    now = 502; t.answer(false);
    now = 510; t.written();
    now = 511; t.sent();
    expect({ queue: t.queueMs, local: t.localMs, remote: t.remoteMs, responseQueue: t.responseQueueMs, send: t.sendMs, total: t.totalMs })
      .to.deep.equal({ queue: 3, local: 3, remote: 396, responseQueue: 8, send: 1, total: 411 });
    expect(t.failed).to.equal(false);
  });

  it('a park that rejects still ends its remote time', async () => {
    let now = 0;
    const t = new RequestTiming('Produce', 0, () => now);
    t.start();
    now = 10;
    const failing = parkedWhile(t, Promise.reject(new Error('timed out')));
    now = 40;
    await failing.catch(() => undefined);
    expect(t.remoteMs).to.equal(30);
  });
});
