/**
 * The last verified deliveries of one webhook node, as the edit dialog lists them: kept in memory only, newest first,
 * at most a fixed number (the oldest is dropped). Knows nothing of Node-RED.
 */
import type { EventFields } from "../events/event-fields";
import type { IdentifiedBy } from "../events/event-shapes";

/** One delivery as the editor sees it. */
export interface RecentDelivery {
    /** When it was received, epoch milliseconds (as msg.alocity.receivedAt). */
    receivedAt: number;
    /** The event code sent on (msg.topic). */
    event: string;
    identifiedBy: IdentifiedBy;
    /** What the receiver read from the payload (msg.alocity.fields). */
    fields: EventFields;
    /** What the receiver had to warn of for this delivery. */
    warnings: string[];
    /** The raw body, as text. */
    body: string;
}

export const RECENT_DELIVERIES_KEPT = 20;

export class RecentDeliveries {
    /** Oldest first; at most `capacity`. */
    private readonly kept: RecentDelivery[] = [];

    constructor(private readonly capacity = RECENT_DELIVERIES_KEPT) {}

    record(delivery: RecentDelivery): void {
        this.kept.push(delivery);
        if (this.kept.length > this.capacity) {
            this.kept.shift();
        }
    }

    /** Newest first. */
    list(): RecentDelivery[] {
        return this.kept.slice().reverse();
    }
}
