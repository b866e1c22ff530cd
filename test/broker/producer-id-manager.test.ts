import { expect } from 'chai';
import { initProducerIdHandler } from '../../lib/broker/handlers/init-producer-id';
import { ProducerIdManager } from '../../lib/broker/producer-id-manager';
import { RequestContext } from '../../lib/broker/request-context';
import { SamsaError } from '../../lib/protocol/errors';
import { getLogger } from '../../lib/util/logger';
import { ProducerIdBlock } from '../../lib/zk/znodes';

/** Blocks of 1000 in order, like /latest_producer_id_block, with a switch to make ZooKeeper misbehave. */
class FakeBlocks {
  claims = 0;
  connected = true;
  hang = false;
  failWith: Error | null = null;
  private pending: Array<() => void> = [];

  allocate = (): Promise<ProducerIdBlock> => {
    if (this.failWith) return Promise.reject(this.failWith);
    const start = BigInt(this.claims++) * 1000n;
    const block = { brokerId: 1, blockStart: start, blockEnd: start + 999n };
    if (!this.hang) return Promise.resolve(block);
    return new Promise((resolve) => this.pending.push(() => resolve(block)));
  };

  release(): void {
    for (const resolve of this.pending.splice(0)) resolve();
  }
}

function manager(blocks: FakeBlocks, allocationTimeoutMs = 1000): ProducerIdManager {
  return new ProducerIdManager({ brokerId: 1, allocateBlock: blocks.allocate, zkConnected: () => blocks.connected, allocationTimeoutMs, logger: getLogger('test') });
}

async function take(m: ProducerIdManager, n: number): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < n; i++) ids.push(await m.generateProducerId());
  return ids;
}

describe('broker/producer-id-manager', () => {
  it('hands out the ids of its block in order, claiming the block once for concurrent requests', async () => {
    const blocks = new FakeBlocks();
    const m = manager(blocks);
    const ids = await Promise.all(Array.from({ length: 5 }, () => m.generateProducerId()));
    expect([...ids].sort((a, b) => a - b)).to.deep.equal([0, 1, 2, 3, 4]);
    expect(blocks.claims).to.equal(1);
    expect(m.remainingInBlock).to.equal(995);
  });

  it('claims the next block in advance once 90% of the current one is used, and moves on to it without a gap', async () => {
    const blocks = new FakeBlocks();
    const m = manager(blocks);
    await take(m, 900);
    expect(blocks.claims).to.equal(1);
    await m.generateProducerId();
    expect(blocks.claims).to.equal(2);
    blocks.connected = false; // the next block is already here, so no ZooKeeper is needed
    const ids = await take(m, 100);
    expect(ids[0]).to.equal(901);
    expect(ids.at(-1)).to.equal(1000);
  });

  it('fails at once with COORDINATOR_NOT_AVAILABLE when a block is needed and ZooKeeper is not connected', async () => {
    const blocks = new FakeBlocks();
    blocks.connected = false;
    const m = manager(blocks);
    const err = await m.generateProducerId().catch((e) => e);
    expect(err).to.be.instanceOf(SamsaError);
    expect(err.errorName).to.equal('COORDINATOR_NOT_AVAILABLE');
    expect(err.retriable).to.equal(true);
    expect(blocks.claims).to.equal(0);
    blocks.connected = true;
    expect(await m.generateProducerId()).to.equal(0);
  });

  it('gives up waiting on a slow ZooKeeper after the allocation timeout, and uses the block when it arrives', async () => {
    const blocks = new FakeBlocks();
    blocks.hang = true;
    const m = manager(blocks, 50);
    const started = Date.now();
    const err = await m.generateProducerId().catch((e) => e);
    expect(err.errorName).to.equal('COORDINATOR_NOT_AVAILABLE');
    expect(err.message).to.match(/within 50 ms/);
    expect(Date.now() - started).to.be.below(1000);
    blocks.release();
    await new Promise((r) => setImmediate(r));
    expect(await m.generateProducerId()).to.equal(0);
    expect(blocks.claims).to.equal(1);
  });

  it('reports a failed claim as the retriable COORDINATOR_NOT_AVAILABLE, naming the cause', async () => {
    const blocks = new FakeBlocks();
    blocks.failWith = new Error('Could not claim a producer id block after 10 attempts');
    const err = await manager(blocks).generateProducerId().catch((e) => e);
    expect(err.errorName).to.equal('COORDINATOR_NOT_AVAILABLE');
    expect(err.message).to.match(/after 10 attempts/);
  });

  describe('InitProducerId handler', () => {
    const ctx = { header: { apiKey: 22, apiVersion: 0, correlationId: 1, clientId: null }, connectionId: 'c', remoteAddress: '127.0.0.1:1' } as RequestContext;

    it('answers a fresh producer id with epoch 0', async () => {
      const handler = initProducerIdHandler(manager(new FakeBlocks()), getLogger('test'), { authorizer: null });
      expect(await handler({ transactionalId: null, transactionTimeoutMs: 60000 }, ctx)).to.deep.equal({ throttleTimeMs: 0, errorCode: 0, producerId: 0, producerEpoch: 0 });
      expect(await handler({ transactionalId: null, transactionTimeoutMs: 60000 }, ctx)).to.include({ producerId: 1 });
    });

    it('answers COORDINATOR_NOT_AVAILABLE for a transactional id when no transaction coordinator runs, without claiming ids', async () => {
      const blocks = new FakeBlocks();
      const handler = initProducerIdHandler(manager(blocks), getLogger('test'), { authorizer: null });
      expect(await handler({ transactionalId: 'tx-1', transactionTimeoutMs: 60000 }, ctx)).to.deep.equal({ throttleTimeMs: 0, errorCode: 15, producerId: -1, producerEpoch: -1 });
      expect(blocks.claims).to.equal(0);
    });

    it('passes COORDINATOR_NOT_AVAILABLE on to the client', async () => {
      const blocks = new FakeBlocks();
      blocks.connected = false;
      const handler = initProducerIdHandler(manager(blocks), getLogger('test'), { authorizer: null });
      expect(await handler({ transactionalId: null, transactionTimeoutMs: 60000 }, ctx)).to.include({ errorCode: 15, producerId: -1 });
    });
  });
});
