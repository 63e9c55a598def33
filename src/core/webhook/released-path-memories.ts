import type { DeliveryMemory } from "./delivery-memory";

/**
 * The delivery memories of paths no node serves any more, each kept until its last delivery has expired and then
 * dropped: a path served again meanwhile (a node moved back, a deploy undone) still recognises a repeat, and a path
 * gone for good costs nothing once its deliveries could no longer verify anyway.
 */
export class ReleasedPathMemories {
    private readonly kept = new Map<string, { memory: DeliveryMemory; timer: ReturnType<typeof setTimeout> }>();

    /** Keeps a path's memory until its deliveries expire (not at all when it holds none that has not). */
    keep(key: string, memory: DeliveryMemory, now = Date.now()): void {
        this.take(key);
        memory.forgetExpired(now);
        if (memory.size === 0) {
            return;
        }
        // Expired means past expiresAt (see DeliveryMemory.forgetExpired): look again just after it.
        const timer = setTimeout(() => this.keep(key, memory), memory.expiresAt - now + 1);
        timer.unref?.();
        this.kept.set(key, { memory, timer });
    }

    /** A path's memory, handed back to serve the path again; undefined when none is kept. */
    take(key: string): DeliveryMemory | undefined {
        const kept = this.kept.get(key);
        if (kept === undefined) {
            return undefined;
        }
        clearTimeout(kept.timer);
        this.kept.delete(key);
        return kept.memory;
    }

    /** How many paths' memories are kept. */
    get size(): number {
        return this.kept.size;
    }
}
