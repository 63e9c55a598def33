import type { Clock } from "../../core/shared/clock";
import { performance } from "perf_hooks";

/** The machine's clock; its timers never keep Node-RED running. */
export const systemClock: Clock = {
    now: () => performance.now(),
    after(delayMs, run) {
        const timer = setTimeout(run, delayMs);
        timer.unref();
        return () => clearTimeout(timer);
    },
};
