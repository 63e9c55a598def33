/**
 * Telling which event a JSON object is when its sender does not say: an envelope's code, else the payload's shape.
 * Knows nothing of Node-RED: the receiver and the event switch tell events alike.
 */
import { isJsonObject } from "../shared/value-readers";
import { isEventCode, type EventCode, type KnownEventCode } from "./catalogue";

const ENVELOPE_CODE_FIELDS = ["event", "eventType", "eventCode", "code", "type"];
const ENVELOPE_BODY_FIELDS = ["payload", "data"];

function has(object: Record<string, unknown>, field: string): boolean {
    return Object.prototype.hasOwnProperty.call(object, field);
}

/** The event code a payload's shape says, most specific first; any other JSON object is an access log. */
export function inferEventFromShape(payload: Record<string, unknown>): KnownEventCode {
    if (has(payload, "doorState")) return "door.state";
    if (has(payload, "lockState")) return "lock.state";
    if (has(payload, "firmwareVersion") || has(payload, "databaseActive") || has(payload, "isConnected")) {
        return "door.healthcheck";
    }
    if (has(payload, "facilityCode") && has(payload, "cardNumber") && has(payload, "action")) return "user.card";
    if (has(payload, "id") && has(payload, "action")) return "user.face";
    return "accesslog.created";
}

/** `{ event, payload }` when the object wraps an event (a code field and the event in `payload` or `data`). */
export function unwrapEnvelope(body: Record<string, unknown>): { event: string; payload: Record<string, unknown> } | undefined {
    const codeField = ENVELOPE_CODE_FIELDS.find((field) => isEventCode(body[field]));
    const bodyField = ENVELOPE_BODY_FIELDS.find((field) => isJsonObject(body[field]));
    if (codeField === undefined || bodyField === undefined) {
        return undefined;
    }
    return { event: body[codeField] as string, payload: body[bodyField] as Record<string, unknown> };
}

export interface IdentifiedEvent {
    event: EventCode;
    payload: Record<string, unknown>;
    /** True when the code was worked out from the payload's shape. */
    inferred: boolean;
}

/**
 * Tells which event a JSON object is: the code given (a single-event webhook), else an envelope's code,
 * else the payload's shape. An envelope's inner object is the payload either way.
 */
export function identifyEvent(body: Record<string, unknown>, givenEvent?: string): IdentifiedEvent {
    const envelope = unwrapEnvelope(body);
    const payload = envelope ? envelope.payload : body;
    if (givenEvent) {
        return { event: givenEvent, payload, inferred: false };
    }
    if (envelope) {
        return { event: envelope.event, payload, inferred: false };
    }
    return { event: inferEventFromShape(payload), payload, inferred: true };
}
