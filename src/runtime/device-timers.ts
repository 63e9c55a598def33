/** setTimeout's longest delay; a later deadline is waited for in steps of it. */
const LONGEST_DELAY_MS = 2 ** 31 - 1;

interface Armed {
    deadline: number;
    timer: NodeJS.Timeout;
}

/**
 * One timer per device, for the deadline the device-state core gives (local clock, epoch ms); when it fires, `fire` is
 * called with the device's serial number and the caller arms the device's next deadline. A timer is only ever set
 * again for a sooner deadline: one set for a deadline that has moved later, or gone (the door closed), is kept and
 * fires for nothing (the core finds nothing due). So a door that opens and closes all day sets a timer now and then,
 * not at every event.
 */
export class DeviceTimers {
    private readonly armed = new Map<string, Armed>();

    constructor(private readonly fire: (serialNumber: string) => void) {}

    /** Makes sure the device's timer fires by `deadline`; null: no deadline. */
    arm(serialNumber: string, deadline: number | null, now = Date.now()): void {
        const current = this.armed.get(serialNumber);
        if (deadline === null || (current !== undefined && current.deadline <= deadline)) {
            return;
        }
        if (current !== undefined) {
            clearTimeout(current.timer);
        }
        const timer = setTimeout(() => {
            this.armed.delete(serialNumber);
            this.fire(serialNumber);
        }, Math.min(Math.max(deadline - now, 0), LONGEST_DELAY_MS));
        this.armed.set(serialNumber, { deadline, timer });
    }

    clearAll(): void {
        for (const { timer } of this.armed.values()) {
            clearTimeout(timer);
        }
        this.armed.clear();
    }
}
