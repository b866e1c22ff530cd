import { expect } from 'chai';
import { waitUntil } from '../helpers/wait';
import { startNode, stopNode, TestNode, useChrootedZooKeeper } from './controller-harness';

/** A controller whose event queue overflows resigns instead of silently dropping events. */
describe('controller/queue-overflow', function () {
  this.timeout(60000);
  const zk = useChrootedZooKeeper('overflow-test');
  let nodes: TestNode[] = [];

  afterEach(async () => {
    for (const n of nodes) await stopNode(n).catch(() => undefined);
    nodes = [];
  });

  it('resigns and hands /controller over when its queue is full', async () => {
    const first = await startNode(1, zk.connect, { maxQueuedEvents: 4 });
    nodes.push(first);
    expect(first.controller.isActive).to.equal(true);
    const second = await startNode(2, zk.connect, { maxQueuedEvents: 4 });
    nodes.push(second);
    const resigned = new Promise<void>((resolve) => first.controller.once('resigned', () => resolve()));

    // Far more requests than the queue holds: the ones past the bound are refused...
    const answers = await Promise.all([...Array(40).keys()].map(() =>
      first.controller.listPartitionReassignments(null).then(() => 'ok', (err: Error) => err.message)));
    expect(answers.filter((a) => /full/.test(a)).length).to.be.greaterThan(0);
    // ...and the controller gives up its tenure rather than carry on with a gap in its view.
    await resigned;
    await waitUntil('a new controller tenure', () => nodes.some((n) => n.controller.isActive && n.controller.epoch > 1), 20000);
  });
});
