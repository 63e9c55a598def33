// Waiting for a condition, never for a fixed time: what another process or a later turn of the event loop does is
// polled for (or awaited) until it holds, up to a deadline that only turns a hang into a failure that says what was
// awaited. The deadlines are generous (a loaded machine); no test asserts how long anything took.

/** How long a wait may take before it fails; below mocha's own timeout (20 s), so the failure says what was awaited. */
export const DEADLINE_MS = 15_000;
const POLL_MS = 10;

export type Describe = string | (() => string);

/** What a value is once it is known to be truthy. */
export type Truthy<T> = Exclude<T, false | 0 | 0n | "" | null | undefined>;

function describe(what: Describe): string {
    return typeof what === "function" ? what() : what;
}

/**
 * Resolves with the first truthy value of `check()` (which may be async), polled until `timeoutMs` has passed;
 * rejects then, with `what` (called at that moment when it is a function, so it can show the latest state).
 */
export async function eventually<T>(check: () => T | Promise<T>, what: Describe, timeoutMs = DEADLINE_MS): Promise<Truthy<T>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const value = await check();
        if (value) return value as Truthy<T>;
        if (Date.now() > deadline) {
            throw new Error(`timed out after ${timeoutMs} ms waiting for ${describe(what)}`);
        }
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
}

/** Resolves or rejects as `promise` does, or rejects naming `what` once `timeoutMs` has passed without an outcome. */
export function within<T>(promise: Promise<T>, what: Describe, timeoutMs = DEADLINE_MS): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${describe(what)}`)), timeoutMs);
    });
    return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}
