/**
 * Which devices changed, told in batches: at most one notice per interval, however many changes arrive. Knows
 * nothing of Node-RED: the clock and the timer are given (a test gives its own and needs no sleeps).
 */
import type { Clock } from "../shared/clock";

/** What a notice says changed: the serial numbers, or null for "anything may have" (more than the batch holds). */
export type ChangedSerials = string[] | null;

export interface ChangeNoticeOptions {
    /** The shortest time between two notices, in ms. */
    intervalMs: number;
    /** The most serial numbers a notice names; more changes in one interval make it say null (everything). */
    maxSerials: number;
}

/** One notice per 200 ms at most: 5 a second. */
const NOTICE_OPTIONS: ChangeNoticeOptions = { intervalMs: 200, maxSerials: 200 };

export class ChangeNotices {
    private serials = new Set<string>();
    private everything = false;
    private cancel: (() => void) | undefined;
    private lastSent = -Infinity;
    private stopped = false;

    constructor(
        private readonly notify: (changed: ChangedSerials) => void,
        private readonly clock: Clock,
        private readonly options: ChangeNoticeOptions = NOTICE_OPTIONS,
    ) {}

    /** A device changed: it is named in the next notice, sent at once when the last one is an interval old. O(1). */
    changed(serialNumber: string): void {
        if (this.stopped) {
            return;
        }
        if (!this.everything) {
            this.serials.add(serialNumber);
            if (this.serials.size > this.options.maxSerials) {
                this.changedAll();
                return;
            }
        }
        this.schedule();
    }

    /** Any device may have changed (the records were read, or too many changed to name). */
    changedAll(): void {
        if (this.stopped) {
            return;
        }
        this.everything = true;
        this.serials.clear();
        this.schedule();
    }

    /** Drops what is waiting and sends nothing more, for good: a change told after is ignored (the node is gone). */
    stop(): void {
        this.stopped = true;
        this.cancel?.();
        this.cancel = undefined;
        this.serials.clear();
        this.everything = false;
    }

    private schedule(): void {
        if (this.cancel !== undefined) {
            return;
        }
        const wait = Math.max(0, this.lastSent + this.options.intervalMs - this.clock.now());
        this.cancel = this.clock.after(wait, () => this.send());
    }

    private send(): void {
        this.cancel = undefined;
        this.lastSent = this.clock.now();
        const changed = this.everything ? null : Array.from(this.serials);
        this.serials = new Set();
        this.everything = false;
        this.notify(changed);
    }
}
