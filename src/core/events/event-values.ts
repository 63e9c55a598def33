/**
 * What an event is about: its device's serial number, and its main value as rules compare it. Knows nothing of
 * Node-RED: the event switch and the device state read events alike.
 */
import { readBoolean, valueKey } from "../shared/value-readers";
import { accessResultKey } from "./access-results";
import { isKnownEventCode, MAIN_FIELDS } from "./catalogue";
import { readEventFields, type EventFields } from "./event-fields";

/**
 * The value an event is mostly about (door.state: doorState, ...), or undefined when it has none: from its fields
 * (what the receiver read) where the field is one of them, else from the payload (user.card and user.face: action).
 */
export function mainValueOf(
    event: string,
    payload: Record<string, unknown>,
    fields: EventFields = readEventFields(event, payload).fields,
): unknown {
    if (!isKnownEventCode(event)) {
        return undefined;
    }
    const field = MAIN_FIELDS[event];
    return field in FIELD_OF_MAIN ? fields[FIELD_OF_MAIN[field]] : payload[field];
}

const FIELD_OF_MAIN: Readonly<Record<string, keyof EventFields>> = {
    result: "result",
    doorState: "doorState",
    lockState: "lockState",
    isConnected: "isConnected",
};

/**
 * Whether an event's main value is one of the wanted values: compared as text, case-insensitively;
 * for access logs a result type's name and its number are the same value ("Access Granted" is 0, "Doorbell" 9).
 */
export function valueMatches(event: string, actual: unknown, wanted: readonly string[]): boolean {
    if (wanted.length === 0) {
        return true;
    }
    if (typeof actual !== "string" && typeof actual !== "number" && typeof actual !== "boolean") {
        return false;
    }
    if (typeof actual === "boolean") {
        // isConnected, read as a boolean: a rule's value matches as every node reads it (1, "TRUE", "false"...).
        return wanted.some((value) => readBoolean(value) === actual);
    }
    const canonical = event === "accesslog.created" ? accessResultKey : valueKey;
    const actualText = canonical(String(actual));
    return wanted.some((value) => canonical(value) === actualText);
}

/** A serial number as compared: spaces ignored, case-insensitive. */
export function serialKey(serial: string): string {
    return serial.replace(/\s+/g, "").toLowerCase();
}
