/** How many accepted deliveries a receiver remembers at most, whatever the tolerance. */
export const DELIVERY_MEMORY_LIMIT = 10_000;
/** How long a delivery is remembered when the timestamp check is off (tolerance 0). */
export const UNLIMITED_TOLERANCE_RETENTION_SECONDS = 3_600;

/**
 * How long an accepted delivery is remembered, in seconds: a delivery may verify until its t + tolerance, and t may be
 * up to tolerance ahead of now, so twice the tolerance (an hour when the timestamp check is off).
 */
export function retentionSeconds(toleranceSeconds: number): number {
    return toleranceSeconds > 0 ? 2 * toleranceSeconds : UNLIMITED_TOLERANCE_RETENTION_SECONDS;
}

/**
 * Remembers accepted deliveries (signed timestamp + signature) so a repeat within the window in which it
 * would still verify is recognised. O(1) per call: a set answers "seen?", and a queue in arrival order says what
 * to forget first, when it expires or when the limit is passed.
 */
export class DeliveryMemory {
    private readonly seen = new Set<string>();
    /** Keys and their expiry (ms), in arrival order, from `head` on. */
    private queue: { key: string; expiresAt: number }[] = [];
    private head = 0;
    /** When the last of the remembered deliveries expires (ms); every one has expired after it. */
    private lastExpiry = 0;

    constructor(private readonly limit = DELIVERY_MEMORY_LIMIT) {}

    /**
     * Records a delivery; false when it was already seen and has not expired.
     * @param toleranceSeconds the verifier's tolerance (see retentionSeconds).
     */
    remember(timestamp: number, signature: string, toleranceSeconds: number, nowMs = Date.now()): boolean {
        this.forgetExpired(nowMs);
        const key = `${timestamp}:${signature}`;
        if (this.seen.has(key)) {
            return false;
        }
        this.seen.add(key);
        const expiresAt = nowMs + retentionSeconds(toleranceSeconds) * 1000;
        this.queue.push({ key, expiresAt });
        this.lastExpiry = Math.max(this.lastExpiry, expiresAt);
        if (this.seen.size > this.limit) {
            this.forgetOldest();
        }
        return true;
    }

    /** Forgets one delivery, so that the same one is taken again (it was accepted, but not sent on). */
    forget(timestamp: number, signature: string): void {
        this.seen.delete(`${timestamp}:${signature}`);
    }

    get size(): number {
        return this.seen.size;
    }

    /** When every delivery remembered now will have expired (epoch ms); 0 when none was ever remembered. */
    get expiresAt(): number {
        return this.lastExpiry;
    }

    /**
     * Forgets the deliveries that have expired (also done by every remember()). Entries expire in arrival order while
     * the tolerance stays the same; after a change, the bound still holds.
     */
    forgetExpired(nowMs = Date.now()): void {
        while (this.head < this.queue.length && this.queue[this.head].expiresAt < nowMs) {
            this.forgetOldest();
        }
    }

    private forgetOldest(): void {
        this.seen.delete(this.queue[this.head].key);
        this.head++;
        if (this.head >= 1024 && this.head * 2 >= this.queue.length) {
            this.queue = this.queue.slice(this.head);
            this.head = 0;
        }
    }
}
