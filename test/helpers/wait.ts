/**
 * The one way tests wait for something to become true: poll a condition with a deadline (the
 * conventions' "poll with a deadline instead of sleeping"), and fail naming what never happened.
 */
import { sleep } from '../../lib/util/time';

/**
 * Resolves once `condition` holds; rejects with "timed out after N ms waiting for <what>" when
 * `timeoutMs` passes first. Polls after 1, 2, 4, ... ms, then every `maxIntervalMs`, so a quick
 * condition is seen at once and a slow one (often a network round trip) is not hammered.
 */
export async function waitUntil(
  what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 20000, maxIntervalMs = 25,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let intervalMs = 1; ; intervalMs = Math.min(intervalMs * 2, maxIntervalMs)) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}
