/**
 * The Alocity event catalogue: the event codes, their payload types, the field each is mostly about and its known
 * values. Knows nothing of Node-RED: the receiver, the event switch and the editor's suggestions all use it.
 */
import { ACCESS_RESULT_LABELS, ACCESS_RESULT_TYPES } from "./access-results";
import { nameKey } from "../shared/value-readers";

export const EVENT_CODES = ["accesslog.created", "door.healthcheck", "door.state", "lock.state", "user.card", "user.face"] as const;

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

export function isEventCode(value: unknown): value is EventCode {
    return typeof value === "string" && value.length <= 200 && EVENT_CODE_PATTERN.test(value);
}

const KNOWN_CODE_BY_KEY = new Map<string, KnownEventCode>(EVENT_CODES.map((code) => [nameKey(code), code]));

/**
 * The event code a name stands for, as Alocity may spell it: a documented code whatever its case and separators
 * ("DoorState", "door_state", "DOOR-STATE" are door.state), else the name itself when it is a code (`word.word`, one
 * Alocity may add later); undefined for anything else.
 */
export function eventCodeOf(name: unknown): EventCode | undefined {
    if (typeof name !== "string" || name.length > 200) {
        return undefined;
    }
    return KNOWN_CODE_BY_KEY.get(nameKey(name)) ?? (isEventCode(name.trim()) ? name.trim() : undefined);
}

export function isKnownEventCode(value: unknown): value is KnownEventCode {
    return typeof value === "string" && (EVENT_CODES as readonly string[]).includes(value);
}

/** The field each event is mostly about (an access log's result may come in any of DEFAULT_FIELD_PATHS.result). */
export const MAIN_FIELDS: Readonly<Record<KnownEventCode, string>> = {
    "accesslog.created": "result",
    "door.healthcheck": "isConnected",
    "door.state": "doorState",
    "lock.state": "lockState",
    "user.card": "action",
    "user.face": "action",
};
