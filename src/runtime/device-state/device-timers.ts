import { DeadlineQueue } from "../../core/device-state/deadline-queue";
import { timerDelay } from "../../core/shared/timers";

/**
 * The deadlines the device-state core gives (local clock, epoch ms), one per device, served by one timer for the
 * earliest of them: when a device's deadline comes, `fire` is called with its serial number and the caller arms the
 * device's next deadline. A deadline is only ever moved sooner: one that has moved later, or gone (the door closed),
 * is kept and fires for nothing (the core finds nothing due). So a door that opens and closes all day costs a heap
 * entry now and then, not a timer at every event.
 */
export class DeviceTimers {
    private readonly deadlines = new DeadlineQueue();
    private timer: NodeJS.Timeout | undefined;
    /** The deadline the timer is set for; Infinity when it is not set. */
    private timerDeadline = Infinity;

    constructor(private readonly fire: (serialNumber: string) => void) {}

    /** Makes sure `fire` is called for the device by `deadline`; null: no deadline. */
    arm(serialNumber: string, deadline: number | null, now = Date.now()): void {
        if (deadline !== null && this.deadlines.schedule(serialNumber, deadline) && deadline < this.timerDeadline) {
            this.setTimer(deadline, now);
        }
    }

    clearAll(): void {
        clearTimeout(this.timer);
        this.timer = undefined;
        this.timerDeadline = Infinity;
        this.deadlines.clear();
    }

    private setTimer(deadline: number, now: number): void {
        clearTimeout(this.timer);
        this.timerDeadline = deadline;
        // A deadline beyond the longest delay is waited for in steps: fireDue finds nothing due and arms again.
        this.timer = setTimeout(() => this.fireDue(), timerDelay(deadline - now));
    }

    private fireDue(): void {
        this.timer = undefined;
        this.timerDeadline = Infinity;
        // Taken before any is fired: a device armed again while they fire waits for the next timer, however soon.
        for (const serialNumber of this.deadlines.takeDue(Date.now())) {
            this.fire(serialNumber);
        }
        const next = this.deadlines.next();
        if (next !== undefined && next < this.timerDeadline) {
            this.setTimer(next, Date.now());
        }
    }
}
