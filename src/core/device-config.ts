/**
 * The configuration of alocity-device-state, parsed from the node's saved properties, and the readings that depend
 * on it: what a door or lock state value means, and what a device is called. Knows nothing of Node-RED.
 */
import type { DoorPosition, LockPosition } from "./device-record";
import { isJsonObject, serialKey, valueMatches } from "./events";
import { savedFlag, splitList } from "./saved-values";

export interface DeviceStateConfig {
    /** Friendly names by serial key (see serialKey). */
    names: ReadonlyMap<string, string>;
    /** doorState values that mean open, as written (never empty); any other value means closed. */
    openValues: readonly string[];
    /** lockState values that mean locked, as written (never empty); any other value means unlocked. */
    lockedValues: readonly string[];
    /** How long a door may stay open before door.held-open, ms; 0 = never. */
    heldOpenMs: number;
    /** Whether a door opening while its lock is locked raises door.forced-open. */
    forcedOpen: boolean;
    /** How far apart an opening and the unlock or granted access that explains it may be, ms. */
    graceMs: number;
    /** How long a device may send nothing before device.silent, ms; 0 = never. */
    silentAfterMs: number;
}

/** The defaults of the saved properties, in their saved units (seconds). */
export const DEVICE_STATE_DEFAULTS = {
    openValues: "Open",
    lockedValues: "Locked",
    heldOpen: 60,
    forcedOpen: true,
    grace: 5,
    silentAfter: 0,
} as const;

/** A number of seconds (a number or numeric text, at least 0) in ms; the fallback for anything else. */
function durationMs(value: unknown, fallbackSeconds: number): number {
    const seconds = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
    return typeof seconds === "number" && Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : fallbackSeconds * 1000;
}

/** A comma-separated list of values; the fallback's when it has none. */
function valueList(value: unknown, fallback: string): string[] {
    const values = splitList(value);
    return values.length > 0 ? values : splitList(fallback);
}

/** The saved `devices` rows (`{ serial, name }`) as names by serial key; rows without both are skipped, the first of a serial wins. */
function deviceNames(rows: unknown): Map<string, string> {
    const names = new Map<string, string>();
    for (const row of Array.isArray(rows) ? rows : []) {
        const saved = isJsonObject(row) ? row : {};
        const serial = typeof saved.serial === "string" || typeof saved.serial === "number" ? serialKey(String(saved.serial)) : "";
        const name = typeof saved.name === "string" ? saved.name.trim() : "";
        if (serial !== "" && name !== "" && !names.has(serial)) {
            names.set(serial, name);
        }
    }
    return names;
}

/**
 * The node's saved properties (`devices`, `openValues`, `lockedValues`, `heldOpen`, `forcedOpen`, `grace`,
 * `silentAfter`), parsed; a missing or unusable value takes its default.
 */
export function parseDeviceStateConfig(saved: unknown): DeviceStateConfig {
    const props = isJsonObject(saved) ? saved : {};
    return {
        names: deviceNames(props.devices),
        openValues: valueList(props.openValues, DEVICE_STATE_DEFAULTS.openValues),
        lockedValues: valueList(props.lockedValues, DEVICE_STATE_DEFAULTS.lockedValues),
        heldOpenMs: durationMs(props.heldOpen, DEVICE_STATE_DEFAULTS.heldOpen),
        forcedOpen: savedFlag(props.forcedOpen, DEVICE_STATE_DEFAULTS.forcedOpen),
        graceMs: durationMs(props.grace, DEVICE_STATE_DEFAULTS.grace),
        silentAfterMs: durationMs(props.silentAfter, DEVICE_STATE_DEFAULTS.silentAfter),
    };
}

/** What a doorState value means: compared as text with the open values, case ignored. */
export function doorPositionOf(config: DeviceStateConfig, doorState: string | number): DoorPosition {
    return valueMatches("door.state", doorState, config.openValues) ? "open" : "closed";
}

/** What a lockState value means: compared as text with the locked values, case ignored. */
export function lockPositionOf(config: DeviceStateConfig, lockState: string | number): LockPosition {
    return valueMatches("lock.state", lockState, config.lockedValues) ? "locked" : "unlocked";
}

/** A device's name: its configured name, else the last doorName / deviceName of its events, else its serial number. */
export function deviceNameOf(config: DeviceStateConfig, serialNumber: string, eventName: string | null): string {
    return config.names.get(serialKey(serialNumber)) ?? eventName ?? serialNumber;
}
