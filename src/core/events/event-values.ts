/**
 * What an event is about: its device's serial number, and its main value as rules compare it. Knows nothing of
 * Node-RED: the event switch and the device state read events alike.
 */
import { valueKey } from "../shared/value-readers";
import { accessResultKey, accessResultOf } from "./access-results";
import { isKnownEventCode, MAIN_FIELDS } from "./catalogue";

/** The value an event is mostly about (door.state: doorState, ...), or undefined when it has none. */
export function mainValueOf(event: string, payload: Record<string, unknown>): unknown {
    if (event === "accesslog.created") {
        return accessResultOf(payload)?.value;
    }
    return isKnownEventCode(event) ? payload[MAIN_FIELDS[event]] : undefined;
}

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
    const canonical = event === "accesslog.created" ? accessResultKey : valueKey;
    const actualText = canonical(String(actual));
    return wanted.some((value) => canonical(value) === actualText);
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
