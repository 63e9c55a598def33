/**
 * Telling which event a JSON object is when its sender does not say: an envelope's code, else the payload's shape.
 * Knows nothing of Node-RED: the receiver and the event switch tell events alike.
 */
import { isJsonObject } from "../shared/value-readers";
import { readAccessResult } from "./access-results";
import { eventCodeOf, type EventCode, type KnownEventCode } from "./catalogue";
import { DEFAULT_FIELD_PATHS } from "./event-fields";

const ENVELOPE_CODE_FIELDS = ["event", "eventType", "eventCode", "eventName", "webhookEvent", "code", "type"];
const ENVELOPE_BODY_FIELDS = ["payload", "data", "body"];

function has(object: Record<string, unknown>, field: string): boolean {
    return Object.prototype.hasOwnProperty.call(object, field);
}

/** The fields named for an access result: `type`, which any event may carry, says nothing of the event alone. */
const RESULT_FIELDS_BY_NAME = DEFAULT_FIELD_PATHS.result.filter((field) => field !== "type");

/** An access log's result in a field named for one; undefined when there is none. */
function accessResultIn(payload: Record<string, unknown>) {
    const field = RESULT_FIELDS_BY_NAME.find((name) => payload[name] !== undefined && payload[name] !== null);
    return field === undefined ? undefined : readAccessResult(payload[field]);
}

/**
 * The event code a payload's shape says, most specific first; any other JSON object is an access log. An
 * access result Alocity documents (a name or a number) in a field named for one makes an access log, whatever else
 * the payload carries.
 */
export function inferEventFromShape(payload: Record<string, unknown>): KnownEventCode {
    if (accessResultIn(payload)?.code !== undefined) return "accesslog.created";
    if (has(payload, "doorState")) return "door.state";
    if (has(payload, "lockState")) return "lock.state";
    if (has(payload, "firmwareVersion") || has(payload, "databaseActive") || has(payload, "isConnected")) {
        return "door.healthcheck";
    }
    if (has(payload, "facilityCode") && has(payload, "cardNumber") && has(payload, "action")) return "user.card";
    if (has(payload, "id") && has(payload, "action")) return "user.face";
    return "accesslog.created";
}

/**
 * `{ event, payload }` when the object wraps an event: a code field (the code as Alocity may spell it, see
 * eventCodeOf) and the event, an object, in a body field.
 */
export function unwrapEnvelope(body: Record<string, unknown>): { event: EventCode; payload: Record<string, unknown> } | undefined {
    const codeField = ENVELOPE_CODE_FIELDS.find((field) => eventCodeOf(body[field]) !== undefined);
    const bodyField = ENVELOPE_BODY_FIELDS.find((field) => isJsonObject(body[field]));
    if (codeField === undefined || bodyField === undefined) {
        return undefined;
    }
    return { event: eventCodeOf(body[codeField]) as EventCode, payload: body[bodyField] as Record<string, unknown> };
}

/**
 * How an event was told: the node's Event, the Fields setting's `event`, an envelope's code, a documented shape or
 * an access result found in it, or nothing recognised (an access log by guess).
 */
export type IdentifiedBy = "node" | "fields" | "envelope" | "shape" | "guess";

export interface IdentifiedEvent {
    event: EventCode;
    payload: Record<string, unknown>;
    /** True when the code was worked out from the payload's shape (identifiedBy "shape" or "guess"). */
    inferred: boolean;
    identifiedBy: IdentifiedBy;
}

/** What the Fields setting's `event` and `payload` read from a body (a key absent or undefined: not set, or nothing found). */
export interface BodyFieldValues {
    event?: unknown;
    payload?: unknown;
}

/**
 * Tells which event a JSON object is: the code given (a single-event webhook), else the Fields setting's `event`,
 * else an envelope's code, else the payload's shape. The payload is the Fields setting's `payload` when it read an
 * object, else an envelope's inner object, else the body.
 */
export function identifyEvent(body: Record<string, unknown>, givenEvent?: string, read: BodyFieldValues = {}): IdentifiedEvent {
    const envelope = unwrapEnvelope(body);
    const payload = isJsonObject(read.payload) ? read.payload : envelope ? envelope.payload : body;
    const given = givenEvent ? (eventCodeOf(givenEvent) ?? givenEvent) : undefined;
    if (given !== undefined) {
        return { event: given, payload, inferred: false, identifiedBy: "node" };
    }
    const fromFields = eventCodeOf(read.event);
    if (fromFields !== undefined) {
        return { event: fromFields, payload, inferred: false, identifiedBy: "fields" };
    }
    if (envelope) {
        return { event: envelope.event, payload, inferred: false, identifiedBy: "envelope" };
    }
    const event = inferEventFromShape(payload);
    const guessed = event === "accesslog.created" && accessResultIn(payload) === undefined;
    return { event, payload, inferred: true, identifiedBy: guessed ? "guess" : "shape" };
}
