/** How many accepted deliveries a receiver remembers at most, whatever the tolerance. */
export const REPLAY_CACHE_LIMIT = 10_000;
/** How long a delivery is remembered when the timestamp check is off (tolerance 0). */
export const UNLIMITED_TOLERANCE_RETENTION_SECONDS = 3_600;

/**
 * Remembers accepted deliveries (signed timestamp + signature) so a repeat within the window in which it
 * would still verify is recognised. O(1) per call: entries are kept in arrival order and, living for the same
 * time while the tolerance stays the same, expire in that order; past the limit the oldest goes first.
 */
export class ReplayGuard {
    private readonly expiries = new Map<string, number>();

    constructor(private readonly limit = REPLAY_CACHE_LIMIT) {}

    /**
     * Records a delivery; false when it was already seen and has not expired.
     * @param toleranceSeconds the verifier's tolerance: a delivery may verify until its t + tolerance, and t may
     *   be up to tolerance ahead of now, so it is remembered for twice the tolerance.
     */
    remember(timestamp: number, signature: string, toleranceSeconds: number, nowMs = Date.now()): boolean {
        this.dropExpired(nowMs);
        const key = `${timestamp}:${signature}`;
        if (this.expiries.has(key)) {
            return false;
        }
        const retention = toleranceSeconds > 0 ? 2 * toleranceSeconds : UNLIMITED_TOLERANCE_RETENTION_SECONDS;
        this.expiries.set(key, nowMs + retention * 1000);
        if (this.expiries.size > this.limit) {
            this.expiries.delete(this.expiries.keys().next().value as string);
        }
        return true;
    }

    get size(): number {
        return this.expiries.size;
    }

    private dropExpired(nowMs: number): void {
        for (const [key, expiry] of this.expiries) {
            if (expiry > nowMs) {
                return;
            }
            this.expiries.delete(key);
        }
    }
}
