/**
 * Waiting on the clock: a plain sleep, a timeout around a promise, and "wait for this, but only
 * until then". One copy of each, so every bounded wait in lib/ clears its timer the same way.
 *
 * The timers are unref'd where they only bound a wait: a timeout must never be what keeps the
 * process alive after everything else has stopped.
 */

/** Resolves after `ms`. With `unref`, the pending timer does not keep the process alive. */
export function sleep(ms: number, options: { unref?: boolean } = {}): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    if (options.unref) timer.unref();
  });
}

/**
 * Settles as `work` does, or rejects with `onTimeout()` once `timeoutMs` passes first. The work
 * itself is not cancelled: it finishes (or fails) on its own, unobserved.
 */
export function withTimeout<T>(work: Promise<T>, timeoutMs: number, onTimeout: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(onTimeout()), timeoutMs);
    timer.unref();
    work.then(
      (value) => { clearTimeout(timer); resolve(value); },
      (err: unknown) => { clearTimeout(timer); reject(err); },
    );
  });
}

/**
 * Waits for `task` to settle, but not past `deadlineMs` (epoch ms). Never rejects: a failed task
 * counts as settled. Returns false when the deadline came first.
 */
export async function settledBy(task: Promise<unknown>, deadlineMs: number): Promise<boolean> {
  const ms = deadlineMs - Date.now();
  if (ms <= 0) return false;
  let timer: NodeJS.Timeout | undefined;
  const settled = await Promise.race([
    task.then(() => true, () => true),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
      timer.unref();
    }),
  ]);
  clearTimeout(timer);
  return settled;
}
