/** setTimeout's longest delay (2^31-1 ms, about 24.8 days): a longer one fires at once, with a TimeoutOverflowWarning. */
export const LONGEST_DELAY_MS = 2 ** 31 - 1;

/**
 * A delay setTimeout takes as given: from 0 to its longest (NaN is 0). Whoever waits longer finds, when it fires, that
 * its time has not come, and arms again.
 */
export function timerDelay(ms: number): number {
    return ms > 0 ? Math.min(ms, LONGEST_DELAY_MS) : 0;
}

/** Calls `run` once, `delayMs` from now (at most LONGEST_DELAY_MS), without keeping the process alive; returns what cancels it. */
export function after(delayMs: number, run: () => void): () => void {
    const timer = setTimeout(run, timerDelay(delayMs));
    timer.unref();
    return () => clearTimeout(timer);
}
