/**
 * The Alocity event catalogue: codes, payload types, and telling events apart.
 * Knows nothing of Node-RED: the receiver and the event switch both use it.
 */
import { ACCESS_RESULT_LABELS, ACCESS_RESULT_TYPES, accessResultKey, accessResultOf } from "./access-results";

export const EVENT_CODES = [
    "accesslog.created",
    "door.healthcheck",
    "door.state",
    "lock.state",
    "user.card",
    "user.face",
] as const;

export type KnownEventCode = (typeof EVENT_CODES)[number];
/** A known code, or one Alocity adds later (`word.word`). */
export type EventCode = KnownEventCode | (string & {});

/** door.healthcheck: a device answered a health check, or its connection state changed. */
export interface DoorHealthcheckPayload {
    serialNumber: string;
    firmwareVersion: string;
    databaseActive: boolean;
    isConnected: boolean;
    /** "" when sent for a connection change. */
    ipAddress: string;
    [field: string]: unknown;
}

/** door.state: the door state of a device changed. Alocity does not publish the values of DoorStateType. */
export interface DoorStatePayload {
    serialNumber: string;
    doorState: string | number;
    [field: string]: unknown;
}

/** lock.state: the lock state of a device changed. Alocity does not publish the values of LockStateType. */
export interface LockStatePayload {
    serialNumber: string;
    lockState: string | number;
    [field: string]: unknown;
}

/** user.card: a card was created for a user. */
export interface UserCardPayload {
    /** Guid */
    userId: string;
    /** "Created" */
    action: string;
    facilityCode: number;
    cardNumber: number;
    [field: string]: unknown;
}

/** user.face: a user's face was enrolled, updated or removed. */
export interface UserFacePayload {
    /** The user's Guid. */
    id: string;
    /** "Enrolled" | "Updated" | "Removed" */
    action: string;
    [field: string]: unknown;
}

/** accesslog.created: Alocity's AccessLog model, which is not public; every field is optional. */
export interface AccessLogPayload {
    serialNumber?: string;
    /** One of ACCESS_RESULT_TYPES, as a number or a name. */
    result?: number | string;
    [field: string]: unknown;
}

export interface EventPayloads {
    "accesslog.created": AccessLogPayload;
    "door.healthcheck": DoorHealthcheckPayload;
    "door.state": DoorStatePayload;
    "lock.state": LockStatePayload;
    "user.card": UserCardPayload;
    "user.face": UserFacePayload;
}

/** The documented values of each event's main field, for suggestions; other values are never refused. */
export const KNOWN_VALUES: Readonly<Partial<Record<KnownEventCode, readonly string[]>>> = {
    "door.healthcheck": ["true", "false"],
    "user.card": ["Created"],
    "user.face": ["Enrolled", "Updated", "Removed"],
    "accesslog.created": Object.keys(ACCESS_RESULT_TYPES),
};

/** How the editor labels a known value in its suggestions, where it says more than the value: results with their numbers. */
export const KNOWN_VALUE_LABELS: Readonly<Partial<Record<KnownEventCode, Readonly<Record<string, string>>>>> = {
    "accesslog.created": ACCESS_RESULT_LABELS,
};

const EVENT_CODE_PATTERN = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const ENVELOPE_CODE_FIELDS = ["event", "eventType", "eventCode", "code", "type"];
const ENVELOPE_BODY_FIELDS = ["payload", "data"];

export function isEventCode(value: unknown): value is EventCode {
    return typeof value === "string" && value.length <= 200 && EVENT_CODE_PATTERN.test(value);
}

export function isKnownEventCode(value: unknown): value is KnownEventCode {
    return typeof value === "string" && (EVENT_CODES as readonly string[]).includes(value);
}

export function isJsonObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

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

/** The field each event is mostly about (an access log's result may come in any of ACCESS_RESULT_FIELDS). */
export const MAIN_FIELDS: Readonly<Record<KnownEventCode, string>> = {
    "accesslog.created": "result",
    "door.healthcheck": "isConnected",
    "door.state": "doorState",
    "lock.state": "lockState",
    "user.card": "action",
    "user.face": "action",
};

/** The value an event is mostly about (door.state: doorState, ...), or undefined when it has none. */
export function mainValueOf(event: string, payload: Record<string, unknown>): unknown {
    if (event === "accesslog.created") {
        return accessResultOf(payload)?.value;
    }
    return isKnownEventCode(event) ? payload[MAIN_FIELDS[event]] : undefined;
}

/** The serial number of the device an event is about, when it has one. */
export function serialNumberOf(payload: Record<string, unknown>): string | undefined {
    const serial = payload.serialNumber;
    return typeof serial === "string" || typeof serial === "number" ? String(serial) : undefined;
}

/** A serial number as compared: spaces ignored, case-insensitive. */
export function serialKey(serial: string): string {
    return serial.replace(/\s+/g, "").toLowerCase();
}

/** A value as the lists of values compare it: trimmed, case ignored. */
export function normalise(text: string): string {
    return text.trim().toLowerCase();
}

/**
 * Whether an event's main value is one of the wanted values: compared as text, case-insensitively;
 * for access logs a result type's name and its number are the same value ("Access Granted" is 0, "Doorbell" 9).
 */
export function valueMatches(event: string, actual: unknown, wanted: readonly string[]): boolean {
    if (wanted.length === 0) {
        return true;
    }
    if (actual === undefined || actual === null || typeof actual === "object") {
        return false;
    }
    const canonical = event === "accesslog.created" ? accessResultKey : normalise;
    const actualText = canonical(String(actual));
    return wanted.some((value) => canonical(value) === actualText);
}
