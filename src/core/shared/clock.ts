/** A time as node statuses and the command's lines show it: the local time of day, HH:MM:SS. */
export function clockTime(ms: number): string {
    return new Date(ms).toTimeString().slice(0, 8);
}

/** The time and timers, given to what waits, so that a test gives its own and needs no sleeps. */
export interface Clock {
    /** Now, in ms (any origin, never going back). */
    now(): number;
    /** Calls `run` once, `delayMs` from now; returns what cancels it. */
    after(delayMs: number, run: () => void): () => void;
}
