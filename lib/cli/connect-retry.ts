/**
 * Connecting a tool's client while the cluster may be (re)starting.
 *
 * Kafka's consumer never fails because a broker is down at startup: it warns "Broker may not be
 * available" and keeps trying. A console consumer started next to a restarting broker should
 * do the same, so retriable failures (connection refused, a broker still starting) are retried
 * with a growing backoff until `deadlineMs`; anything else fails at once.
 */
import { asSamsaError } from '../client/client-errors';
import { exponentialBackoffMs } from '../client/retry-policy';
import { sleep } from '../util/time';
import { getLogger } from '../util/logger';

const log = getLogger('cli');
const FIRST_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 2000;

export async function connectPatiently(connect: () => Promise<void>, deadlineMs: number, now: () => number = Date.now): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await connect();
      return;
    } catch (err) {
      const e = asSamsaError(err);
      if (!e.retriable || now() >= deadlineMs) throw err;
      const backoffMs = Math.min(exponentialBackoffMs(attempt, FIRST_BACKOFF_MS, MAX_BACKOFF_MS), Math.max(0, deadlineMs - now()));
      log.warn(`${e.message}. Broker may not be available; retrying in ${backoffMs} ms.`);
      await sleep(backoffMs);
    }
  }
}
