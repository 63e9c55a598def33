// Time a test moves by hand: timers run when the test says time has passed, so nothing waits on the machine's clock.
import type { NoticeClock } from "../../src/core/editor/change-notices";

/** A clock a test moves by hand: timers run when `advance` passes their time, in order. */
export class ManualClock implements NoticeClock {
    private time = 1_000_000;
    private timers: { at: number; run: () => void; cancelled: boolean }[] = [];

    now(): number {
        return this.time;
    }

    after(delayMs: number, run: () => void): () => void {
        const timer = { at: this.time + delayMs, run, cancelled: false };
        this.timers.push(timer);
        return () => {
            timer.cancelled = true;
        };
    }

    /** Moves the time on by `ms`, running every timer that falls due, each at its own time. */
    advance(ms: number): void {
        const end = this.time + ms;
        for (;;) {
            const due = this.timers.filter((timer) => !timer.cancelled && timer.at <= end).sort((a, b) => a.at - b.at)[0];
            if (due === undefined) break;
            this.timers.splice(this.timers.indexOf(due), 1);
            this.time = due.at;
            due.run();
        }
        this.time = end;
    }

    pending(): number {
        return this.timers.filter((timer) => !timer.cancelled).length;
    }

    /**
     * Runs `section` (synchronous: nothing else runs meanwhile) with the global setTimeout and clearTimeout on this
     * clock, for code that takes its timers from the globals; they are given back after.
     */
    drivingGlobalTimers(section: () => void): void {
        const real = { setTimeout: globalThis.setTimeout, clearTimeout: globalThis.clearTimeout };
        const cancels = new Map<unknown, () => void>();
        const fakeSetTimeout = (run: () => void, delayMs = 0) => {
            const handle = { ref: () => handle, unref: () => handle, hasRef: () => false };
            cancels.set(handle, this.after(delayMs, run));
            return handle;
        };
        const fakeClearTimeout = (handle: unknown) => {
            const cancel = cancels.get(handle);
            if (cancel) cancel();
            else real.clearTimeout(handle as NodeJS.Timeout);
        };
        globalThis.setTimeout = fakeSetTimeout as unknown as typeof setTimeout;
        globalThis.clearTimeout = fakeClearTimeout;
        try {
            section();
        } finally {
            Object.assign(globalThis, real);
        }
    }
}
