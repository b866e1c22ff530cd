import { expect } from 'chai';
import { ControllerEventQueue } from '../../lib/controller/controller-event-queue';

describe('controller/controller-event-queue', () => {
  it('runs events one at a time in arrival order, even when they await', async () => {
    const q = new ControllerEventQueue(100);
    const log: string[] = [];
    const event = (name: string, pauseMs: number) => q.put(name, async () => {
      log.push(`${name}:start`);
      await new Promise((r) => setTimeout(r, pauseMs));
      log.push(`${name}:end`);
    });
    await Promise.all([event('a', 20), event('b', 0), event('c', 5)]);
    expect(log).to.deep.equal(['a:start', 'a:end', 'b:start', 'b:end', 'c:start', 'c:end']);
  });

  it('reports a failing event to its caller and keeps going', async () => {
    const q = new ControllerEventQueue(100);
    const failed = q.put('bad', async () => { throw new Error('boom'); });
    let ran = false;
    const next = q.put('good', async () => { ran = true; });
    const err = await failed.then(() => null, (e: Error) => e);
    await next;
    expect(err?.message).to.equal('boom');
    expect(ran).to.equal(true);
  });

  it('refuses events past its bound, telling its owner which, and after close', async () => {
    const refused: string[] = [];
    const q = new ControllerEventQueue(1, (name) => refused.push(name));
    const first = q.put('first', () => new Promise((r) => setTimeout(r, 10)));
    const second = q.put('second', async () => undefined);
    const third = await q.put('third', async () => undefined).then(() => null, (e: Error) => e);
    expect(third?.message).to.match(/full/);
    expect(refused).to.deep.equal(['third']);
    await Promise.all([first, second]);
    q.close();
    const late = await q.put('late', async () => undefined).then(() => null, (e: Error) => e);
    expect(late?.message).to.match(/closed/);
  });
});
