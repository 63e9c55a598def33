import type { DeliveryMemory } from "./delivery-memory";
import type { Clock } from "../shared/clock";
import { after } from "../shared/timers";

/** Epoch ms, as a delivery memory's expiry is. */
const SYSTEM_CLOCK: Clock = { now: () => Date.now(), after };

/**
 * The delivery memories of paths no node serves any more, each kept until its last delivery has expired and then
 * dropped: a path served again meanwhile (a node moved back, a deploy undone) still recognises a repeat, and a path
 * gone for good costs nothing once its deliveries could no longer verify anyway.
 */
export class ReleasedPathMemories {
    private readonly kept = new Map<string, { memory: DeliveryMemory; cancel: () => void }>();

    constructor(private readonly clock: Clock = SYSTEM_CLOCK) {}

    /** Keeps a path's memory until its deliveries expire (not at all when it holds none that has not). */
    keep(key: string, memory: DeliveryMemory): void {
        this.take(key);
        const now = this.clock.now();
        memory.forgetExpired(now);
        if (memory.size === 0) {
            return;
        }
        // Expired means past expiresAt (see DeliveryMemory.forgetExpired): look again just after it (or, beyond the
        // longest delay of a timer, after that, and again).
        const cancel = this.clock.after(memory.expiresAt - now + 1, () => this.keep(key, memory));
        this.kept.set(key, { memory, cancel });
    }

    /** A path's memory, handed back to serve the path again; undefined when none is kept. */
    take(key: string): DeliveryMemory | undefined {
        const kept = this.kept.get(key);
        if (kept === undefined) {
            return undefined;
        }
        kept.cancel();
        this.kept.delete(key);
        return kept.memory;
    }

    /** How many paths' memories are kept. */
    get size(): number {
        return this.kept.size;
    }
}
