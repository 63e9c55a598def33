/**
 * The configuration of alocity-device-state, parsed from the node's saved properties, and the readings that depend
 * on it: what a door or lock state value means, and what a device is called. Knows nothing of Node-RED.
 */
import type { DoorPosition, LockPosition } from "./record";
import { isJsonObject } from "../shared/value-readers";
import { serialKey, valueMatches } from "../events/event-values";
import { savedFlag, splitList } from "../shared/value-readers";

export interface DeviceStateConfig {
    /** Friendly names by serial key (see serialKey). */
    names: ReadonlyMap<string, string>;
    /** doorState values that mean open, as written (never empty). */
    openValues: readonly string[];
    /** doorState values that mean closed (never empty); a value in neither list means unknown. */
    closedValues: readonly string[];
    /** lockState values that mean locked (never empty). */
    lockedValues: readonly string[];
    /** lockState values that mean unlocked (never empty); a value in neither list means unknown. */
    unlockedValues: readonly string[];
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
    closedValues: "Closed",
    lockedValues: "Locked",
    unlockedValues: "Unlocked",
    heldOpen: 60,
    forcedOpen: true,
    grace: 5,
    silentAfter: 0,
} as const;

/** A saved number of seconds (a number or numeric text, at least 0); undefined for anything else. */
export function readSeconds(value: unknown): number | undefined {
    const seconds = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
    return typeof seconds === "number" && Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}

/** A saved number of seconds in ms; the fallback for anything that is not one (see readSeconds). */
function durationMs(value: unknown, fallbackSeconds: number): number {
    return (readSeconds(value) ?? fallbackSeconds) * 1000;
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
 * The node's saved properties (`devices`, `openValues`, `closedValues`, `lockedValues`, `unlockedValues`, `heldOpen`,
 * `forcedOpen`, `grace`, `silentAfter`), parsed; a missing or unusable value takes its default.
 */
export function parseDeviceStateConfig(saved: unknown): DeviceStateConfig {
    const props = isJsonObject(saved) ? saved : {};
    return {
        names: deviceNames(props.devices),
        openValues: valueList(props.openValues, DEVICE_STATE_DEFAULTS.openValues),
        closedValues: valueList(props.closedValues, DEVICE_STATE_DEFAULTS.closedValues),
        lockedValues: valueList(props.lockedValues, DEVICE_STATE_DEFAULTS.lockedValues),
        unlockedValues: valueList(props.unlockedValues, DEVICE_STATE_DEFAULTS.unlockedValues),
        heldOpenMs: durationMs(props.heldOpen, DEVICE_STATE_DEFAULTS.heldOpen),
        forcedOpen: savedFlag(props.forcedOpen, DEVICE_STATE_DEFAULTS.forcedOpen),
        graceMs: durationMs(props.grace, DEVICE_STATE_DEFAULTS.grace),
        silentAfterMs: durationMs(props.silentAfter, DEVICE_STATE_DEFAULTS.silentAfter),
    };
}

/** The properties that list what a door's or a lock's raw values mean, by the field that carries the value. */
export const POSITION_LISTS = {
    doorState: ["openValues", "closedValues"],
    lockState: ["lockedValues", "unlockedValues"],
} as const;
export type PositionField = keyof typeof POSITION_LISTS;

/** What a doorState value means: open, closed, or unknown when it is in neither list (compared as text, case ignored). */
export function doorPositionOf(config: DeviceStateConfig, doorState: string | number): DoorPosition {
    return positionOf(doorState, "door.state", config.openValues, config.closedValues, "open", "closed");
}

/** What a lockState value means: locked, unlocked, or unknown when it is in neither list. */
export function lockPositionOf(config: DeviceStateConfig, lockState: string | number): LockPosition {
    return positionOf(lockState, "lock.state", config.lockedValues, config.unlockedValues, "locked", "unlocked");
}

function positionOf<Position extends string>(
    value: string | number,
    event: string,
    first: readonly string[],
    second: readonly string[],
    firstPosition: Position,
    secondPosition: Position,
): Position | "unknown" {
    if (valueMatches(event, value, first)) return firstPosition;
    return valueMatches(event, value, second) ? secondPosition : "unknown";
}

/**
 * The values a field's two saved lists both hold (as compared: trimmed, case ignored; a list not saved is its
 * default), as written in the first list. The node warns of them; the editor refuses them.
 */
export function valuesInBothLists(field: PositionField, saved: Readonly<Record<string, unknown>>): string[] {
    const [first, second] = POSITION_LISTS[field];
    const event = field === "doorState" ? "door.state" : "lock.state";
    const others = valueList(saved[second], DEVICE_STATE_DEFAULTS[second]);
    return valueList(saved[first], DEVICE_STATE_DEFAULTS[first]).filter((value) => valueMatches(event, value, others));
}

/** A device's name: its configured name, else the last doorName / deviceName of its events, else its serial number. */
export function deviceNameOf(config: DeviceStateConfig, serialNumber: string, eventName: string | null): string {
    return config.names.get(serialKey(serialNumber)) ?? eventName ?? serialNumber;
}
