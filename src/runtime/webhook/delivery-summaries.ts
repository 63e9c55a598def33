/**
 * What alocity-webhook-in read in each verified delivery, for whoever keeps the last deliveries (the editor's list):
 * a listener hears of every delivery any node reads, with the node's id. Kept in memory by no one here.
 */
import type { IdentifiedBy } from "../../core/events/event-shapes";
import type { EventFields } from "../../core/events/event-fields";
import type { EventCode } from "../../core/events/catalogue";

interface DeliverySummary {
    event: EventCode;
    identifiedBy: IdentifiedBy;
    fields: EventFields;
    /** The warnings, as the log words them (without the delivery's path and field names). */
    warnings: string[];
}

export interface ReadDelivery {
    nodeId: string;
    summary: DeliverySummary;
    /** The body as received (parsed), and when, epoch ms. */
    body: Record<string, unknown>;
    receivedAt: number;
}

type Listener = (delivery: ReadDelivery) => void;

const listeners = new Set<Listener>();

/** Hears of every delivery read from now on; returns the function that stops it. */
export function onDeliveryRead(listener: Listener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
}

export function deliveryRead(delivery: ReadDelivery): void {
    for (const listener of listeners) {
        listener(delivery);
    }
}
