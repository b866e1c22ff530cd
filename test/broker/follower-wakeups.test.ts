import { expect } from 'chai';
import { FetchPurgatory } from '../../lib/broker/fetch-purgatory';
import { FollowerWakeups } from '../../lib/broker/follower-wakeups';

/** Wake-ups that record what they woke, with the deferred runs held for the test to call. */
function recordingWakeups(): { woken: Array<[string, number]>; deferred: Array<() => void>; cancelled: () => number; wakeups: FollowerWakeups } {
  const woken: Array<[string, number]> = [];
  const deferred: Array<() => void> = [];
  let cancelled = 0;
  const wakeups = new FollowerWakeups({ onAppend: (key, bytes) => { woken.push([key, bytes]); } },
    (run) => { deferred.push(run); return () => { cancelled++; }; });
  return { woken, deferred, cancelled: () => cancelled, wakeups };
}

/** An append after every scheduled wake-up ran schedules a wake-up of its own, for it alone. */
function expectLateAppendWakesAlone(rec: ReturnType<typeof recordingWakeups>, key: string, bytes: number): void {
  const wokenBefore = rec.woken.length;
  const runs = rec.deferred.length;
  rec.wakeups.appended(key, bytes);
  expect(rec.deferred).to.have.length(runs + 1);
  rec.deferred[runs]();
  expect(rec.woken.slice(wokenBefore)).to.deep.equal([[key, bytes]]);
}

describe('broker/follower-wakeups', () => {
  it('wakes once per key at the end of the turn with the bytes of every append of the turn', () => {
    const rec = recordingWakeups();
    const { woken, deferred, wakeups } = rec;
    wakeups.appended('t-0\u0000replica', 100);
    wakeups.appended('t-1\u0000replica', 50);
    wakeups.appended('t-0\u0000replica', 20);
    expect(woken).to.deep.equal([]);
    expect(deferred).to.have.length(1);
    deferred[0]();
    expect(woken).to.deep.equal([['t-0\u0000replica', 120], ['t-1\u0000replica', 50]]);
    expectLateAppendWakesAlone(rec, 't-1\u0000replica', 7);
  });

  it('answers a parked fetch after the turn in which the appends landed, with all of them counted', async () => {
    const purgatory = new FetchPurgatory();
    const wakeups = new FollowerWakeups(purgatory);
    let woke = false;
    // Needs 150 bytes: two appends of one turn together reach it.
    const parked = purgatory.wait(['t-0\u0000replica'], 150, 10_000).then((waited) => { woke = waited; });
    wakeups.appended('t-0\u0000replica', 100);
    wakeups.appended('t-0\u0000replica', 60);
    await Promise.resolve();
    expect(woke).to.equal(false);
    expect(purgatory.size).to.equal(1);
    await parked;
    expect(woke).to.equal(true);
    expect(purgatory.size).to.equal(0);
  });

  it('moves the scheduled wake-up behind each queued append, and a stale one does nothing', () => {
    const rec = recordingWakeups();
    const { woken, deferred, cancelled, wakeups } = rec;
    wakeups.appendQueued();
    wakeups.appendQueued();
    expect(deferred).to.have.length(2);
    expect(cancelled()).to.equal(1);
    wakeups.appended('t-0\u0000replica', 30);
    wakeups.appended('t-1\u0000replica', 40);
    expect(deferred).to.have.length(2);
    deferred[0]();
    expect(woken).to.deep.equal([]);
    deferred[1]();
    expect(woken).to.deep.equal([['t-0\u0000replica', 30], ['t-1\u0000replica', 40]]);
    // An append that lands after the wake-up ran (a write that took longer) schedules its own.
    expectLateAppendWakesAlone(rec, 't-0\u0000replica', 5);
  });

  /**
   * Appends in the check phase (a log writer's drain, queued when the append was handed to the log),
   * with or without appendQueued first; answers how many wake-ups the next iteration had seen.
   */
  async function wokenByNextIteration(queued: boolean): Promise<number[]> {
    const woken: string[] = [];
    const wakeups = new FollowerWakeups({ onAppend: (key) => { woken.push(key); } });
    const seenByNextIteration: number[] = [];
    setImmediate(() => {
      setImmediate(() => { seenByNextIteration.push(woken.length); });
      wakeups.appended('t-0\u0000replica', 10);
    });
    if (queued) wakeups.appendQueued();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(woken).to.deep.equal(['t-0\u0000replica']);
    return seenByNextIteration;
  }

  it('wakes in the same event-loop iteration as a write queued before appendQueued, not the next one', async () => {
    expect(await wokenByNextIteration(true)).to.deep.equal([1]);
  });

  it('without appendQueued, an append made in the check phase wakes in the next iteration', async () => {
    expect(await wokenByNextIteration(false)).to.deep.equal([0]);
  });

  it('does nothing on a flush with nothing appended', () => {
    let calls = 0;
    const wakeups = new FollowerWakeups({ onAppend: () => { calls++; } }, () => undefined);
    wakeups.flush();
    expect(calls).to.equal(0);
  });
});
