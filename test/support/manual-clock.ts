// Time a test moves by hand: timers run when the test says time has passed, so nothing waits on the machine's clock.
import type { Clock } from "../../src/core/shared/clock";
import { timerDelay } from "../../src/core/shared/timers";

/** A clock a test moves by hand: timers run when `advance` passes their time, in order. */
export class ManualClock implements Clock {
    private time = 1_000_000;
    private timers: { at: number; run: () => void; cancelled: boolean }[] = [];

    now(): number {
        return this.time;
    }

    /** As the package's timers: a delay beyond setTimeout's longest is cut to it. */
    after(delayMs: number, run: () => void): () => void {
        const timer = { at: this.time + timerDelay(delayMs), run, cancelled: false };
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
}
