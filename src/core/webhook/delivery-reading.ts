/**
 * What the receiver read in one verified delivery: the event and how it was told, the payload, the fields, and what
 * it had to guess or could not find, each with the setting that fixes it. Knows nothing of Node-RED.
 */
import { readAccessResult } from "../events/access-results";
import { type EventCode } from "../events/catalogue";
import { readEventFields, type EventFieldKey, type EventFields } from "../events/event-fields";
import type { IdentifiedBy, IdentifiedEvent } from "../events/event-shapes";
import { FirstSightings } from "../shared/first-sightings";

/**
 * What a delivery's reading warns of: an event only guessed, a field the event needs not found, an access result
 * that is not one of Alocity's names, a door or lock value neither text nor a number, an isConnected not a boolean.
 */
type ReadingWarningKind = "guessed-event" | "missing" | "unknown-result" | "not-text-or-number" | "not-a-boolean";

export interface ReadingWarning {
    kind: ReadingWarningKind;
    /** The key of the Fields setting that fixes it ("event": also the node's Event). */
    setting: "event" | EventFieldKey;
}

export interface DeliveryReading {
    event: EventCode;
    payload: Record<string, unknown>;
    identifiedBy: IdentifiedBy;
    inferred: boolean;
    fields: EventFields;
    warnings: ReadingWarning[];
}

/** The field each event cannot do without, beyond its device's serial number. */
const NEEDED: Readonly<Record<string, EventFieldKey>> = {
    "accesslog.created": "result",
    "door.state": "doorState",
    "lock.state": "lockState",
    "door.healthcheck": "isConnected",
};

/**
 * Reads an identified event's fields (`set`: what the Fields setting read, see readEventFields) and says what it had
 * to guess or could not find.
 */
export function readDelivery(identified: IdentifiedEvent, set: Partial<Record<EventFieldKey, unknown>> = {}): DeliveryReading {
    const { event, payload, identifiedBy, inferred } = identified;
    const { fields, problems } = readEventFields(event, payload, set);
    const warnings: ReadingWarning[] = [];
    if (identifiedBy === "guess") {
        warnings.push({ kind: "guessed-event", setting: "event" });
    }
    const needed = NEEDED[event];
    if (needed !== undefined) {
        if (fields.serialNumber === undefined) {
            warnings.push({ kind: "missing", setting: "serialNumber" });
        }
        const problem = problems[needed];
        if (problem !== undefined) {
            warnings.push({ kind: problem, setting: needed });
        } else if (fields[needed] === undefined && identifiedBy !== "guess") {
            warnings.push({ kind: "missing", setting: needed });
        }
    }
    if (fields.result !== undefined && readAccessResult(fields.result)?.code === undefined) {
        warnings.push({ kind: "unknown-result", setting: "result" });
    }
    return { event, payload, identifiedBy, inferred, fields, warnings };
}

/** A body's top-level field names, sorted, as a warning names them (never their values). */
export function fieldNamesOf(body: Record<string, unknown>): string[] {
    return Object.keys(body).sort();
}

/** Deliveries read with warnings, by node: each distinct set of field names and warnings is told once. */
export class ReadingWarnings {
    private readonly sightings: FirstSightings;
    /** Deliveries read with a warning. */
    count = 0;
    /** Distinct sets met once `limit` were remembered: counted, not told. */
    untold = 0;

    constructor(limit = 100) {
        this.sightings = new FirstSightings(limit);
    }

    /** `tell` for a delivery with warnings the first time its set is met; `full` the first time the limit is reached. */
    meet(reading: DeliveryReading, body: Record<string, unknown>): "none" | "tell" | "known" | "full" {
        if (reading.warnings.length === 0) {
            return "none";
        }
        this.count++;
        const kinds = reading.warnings.map((warning) => `${warning.kind}:${warning.setting}`);
        const met = this.sightings.sight(`${reading.event}|${fieldNamesOf(body).join(",")}|${kinds.join(",")}`);
        if (met !== "full") {
            return met === "new" ? "tell" : "known";
        }
        this.untold++;
        return this.untold === 1 ? "full" : "known";
    }
}
