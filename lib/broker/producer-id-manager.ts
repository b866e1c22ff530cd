/**
 * Hands out producer ids for InitProducerId: unique across the cluster, without asking
 * ZooKeeper for each one.
 *
 * Every broker claims blocks of 1000 ids from `/latest_producer_id_block` (a compare-and-set on
 * the znode, in lib/zk/cluster-requests.ts) and gives them out one by one. When 90% of the
 * current block is used it claims the next one in the background, so a busy broker rarely makes
 * a client wait on ZooKeeper. Without ZooKeeper a request that needs a new block fails at once
 * with the retriable COORDINATOR_NOT_AVAILABLE (the client backs off and tries again, possibly
 * on another broker) instead of queueing behind a connection that may not come back. Ids of a
 * block that a restarted broker never used are simply skipped, as in Kafka.
 */
import { ErrorCode, SamsaError } from '../protocol/errors';
import { getLogger, Logger } from '../util/logger';
import { withTimeout } from '../util/time';
import type { ProducerIdBlock } from '../zk/znodes';

/** Share of a block handed out before the next block is claimed (Kafka's 0.9). */
export const PREFETCH_THRESHOLD = 0.9;
const DEFAULT_ALLOCATION_TIMEOUT_MS = 5000;

export interface ProducerIdManagerOptions {
  brokerId: number;
  /** Claims the next block in ZooKeeper (ClusterStore.allocateProducerIdBlock). */
  allocateBlock: () => Promise<ProducerIdBlock>;
  /** False while the broker has no ZooKeeper session to use. */
  zkConnected: () => boolean;
  /** How long a request may wait for a block before it fails retriably. Default 5000. */
  allocationTimeoutMs?: number;
  logger?: Logger;
}

export class ProducerIdManager {
  private readonly logger: Logger;
  private readonly allocationTimeoutMs: number;
  /** The current block: ids next..last (inclusive) are still free. */
  private next = 0;
  private last = -1;
  private prefetchAt = 0;
  private prefetched: ProducerIdBlock | null = null;
  private allocating: Promise<ProducerIdBlock> | null = null;

  constructor(private readonly options: ProducerIdManagerOptions) {
    this.logger = options.logger ?? getLogger('producer-ids');
    this.allocationTimeoutMs = options.allocationTimeoutMs ?? DEFAULT_ALLOCATION_TIMEOUT_MS;
  }

  /** Ids still free in the current block (the prefetched block not counted). */
  get remainingInBlock(): number {
    return this.last - this.next + 1;
  }

  /** A producer id no other call, on this broker or another, has returned. */
  async generateProducerId(): Promise<number> {
    for (;;) {
      if (this.next <= this.last) {
        const id = this.next++;
        if (id >= this.prefetchAt) this.prefetch();
        return id;
      }
      if (this.prefetched) {
        this.install(this.prefetched);
        this.prefetched = null;
        continue;
      }
      await this.awaitBlock();
    }
  }

  private install(block: ProducerIdBlock): void {
    const start = Number(block.blockStart);
    const end = Number(block.blockEnd);
    if (!Number.isSafeInteger(end) || start < 0 || end < start) {
      throw new SamsaError(ErrorCode.UNKNOWN_SERVER_ERROR, `producer id block ${block.blockStart}..${block.blockEnd} is not usable`);
    }
    this.next = start;
    this.last = end;
    this.prefetchAt = start + Math.floor((end - start + 1) * PREFETCH_THRESHOLD);
    this.logger.info(`Broker ${this.options.brokerId} hands out producer ids ${start}..${end}`);
  }

  /** Claims a block once, however many requests wait for it; the block lands in `prefetched`. */
  private allocate(): Promise<ProducerIdBlock> {
    if (!this.allocating) {
      this.allocating = this.options.allocateBlock()
        .then((block) => {
          this.prefetched = block;
          return block;
        })
        .finally(() => {
          this.allocating = null;
        });
    }
    return this.allocating;
  }

  private prefetch(): void {
    if (this.prefetched || this.allocating || !this.options.zkConnected()) return;
    this.allocate().catch((err: Error) => this.logger.warn(`Could not claim the next producer id block in advance: ${err.message}`));
  }

  /** Waits for a block, at most allocationTimeoutMs; a block that arrives later is kept for the next request. */
  private async awaitBlock(): Promise<void> {
    if (!this.allocating && !this.options.zkConnected()) {
      throw new SamsaError(ErrorCode.COORDINATOR_NOT_AVAILABLE, 'no ZooKeeper connection to claim a producer id block');
    }
    try {
      await withTimeout(this.allocate(), this.allocationTimeoutMs, () => new SamsaError(ErrorCode.COORDINATOR_NOT_AVAILABLE,
        `no producer id block from ZooKeeper within ${this.allocationTimeoutMs} ms`));
    } catch (err) {
      if (err instanceof SamsaError) throw err;
      this.logger.warn(`Could not claim a producer id block: ${(err as Error).message}`);
      throw new SamsaError(ErrorCode.COORDINATOR_NOT_AVAILABLE, `could not claim a producer id block: ${(err as Error).message}`, { cause: err });
    }
  }
}
