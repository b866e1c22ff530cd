/**
 * Runs the controller's events one at a time, in arrival order (Kafka's ControllerEventManager).
 *
 * Every handler awaits ZooKeeper and network I/O; without this queue a broker-change and a
 * topic-change handler could interleave at their awaits and both write a partition's state
 * from the same stale read. One queue makes each event see the effects of the previous one.
 */
import { getLogger } from '../util/logger';

const log = getLogger('controller');

interface QueuedEvent {
  name: string;
  run: () => Promise<void>;
  resolve: () => void;
  reject: (err: Error) => void;
}

export class ControllerEventQueue {
  private readonly events: QueuedEvent[] = [];
  private running = false;
  private closed = false;

  /**
   * @param maxQueuedEvents bound of the queue, in events
   * @param onOverflow told which event was refused because the queue was full, so the owner can
   *   react (the controller resigns) instead of the event vanishing with a log line
   */
  constructor(private readonly maxQueuedEvents: number, private readonly onOverflow: (dropped: string) => void = () => undefined) {}

  get size(): number {
    return this.events.length;
  }

  /** Queues an event; the promise settles when its handler finishes (errors reach the caller). */
  put(name: string, run: () => Promise<void>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.closed) {
        reject(new Error(`controller event queue is closed; dropped ${name}`));
        return;
      }
      if (this.events.length >= this.maxQueuedEvents) {
        reject(new Error(`controller event queue is full (${this.maxQueuedEvents}); dropped ${name}`));
        this.onOverflow(name);
        return;
      }
      this.events.push({ name, run, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  /** Queues an event nobody waits for; a failure is logged instead of becoming an unhandled rejection. */
  fire(name: string, run: () => Promise<void>): void {
    this.put(name, run).catch((err: Error) => log.error(`controller event ${name} failed: ${err.message}`, err));
  }

  /** Waits until every event queued so far has run. */
  idle(): Promise<void> {
    return this.put('idle', async () => undefined).catch(() => undefined);
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.events.length > 0) {
        const event = this.events.shift()!;
        try {
          await event.run();
          event.resolve();
        } catch (err) {
          event.reject(err as Error);
        }
      }
    } finally {
      this.running = false;
    }
  }

  close(): void {
    this.closed = true;
    const dropped = this.events.splice(0);
    for (const e of dropped) e.reject(new Error(`controller event queue is closed; dropped ${e.name}`));
  }
}
