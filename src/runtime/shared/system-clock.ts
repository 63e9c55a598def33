import { performance } from "perf_hooks";
import type { Clock } from "../../core/shared/clock";
import { after } from "../../core/shared/timers";

/** The machine's clock; its timers never keep Node-RED running, and wait at most setTimeout's longest delay. */
export const systemClock: Clock = { now: () => performance.now(), after };
