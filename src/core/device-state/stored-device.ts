/**
 * What alocity-device-state keeps of each device, as it is stored (plain JSON) and read back after a restart: the
 * record, and the few facts about alarms that the record does not show. Knows nothing of Node-RED.
 */
import {
    ALARM_CODES,
    blankDeviceRecord,
    CHANGE_FIELDS,
    type AlarmCode,
    type DeviceRecord,
    type LastAccess,
    type ReportedField,
} from "./record";
import { isJsonObject } from "../shared/value-readers";
import { booleanValue, finiteNumber, textOrNumber } from "../shared/value-readers";

/** A door that opened while locked, not explained yet by an unlock or a granted access (see device-alarms). */
interface ForcedOpenCheck {
    /** The opening's event time, epoch ms. */
    openedAt: number;
    /** When the opening arrived, local clock, epoch ms. */
    arrivedAt: number;
}

/** What the node knows of a device besides its record: all of it is needed to carry on after a restart. */
export interface DeviceWatch {
    /** Per active alarm: when its condition began, local clock, epoch ms. */
    since: Partial<Record<AlarmCode, number>>;
    forcedOpenCheck: ForcedOpenCheck | null;
    /**
     * When the door last opened, local clock, epoch ms; null once it is reported closed (and before it opens). A door
     * state nobody listed leaves it as it is: an open door's alarms wait for the door to be reported closed.
     */
    openSince: number | null;
    /**
     * Event times (epoch ms, oldest first, each once) of the device's recent granted accesses and reports of its lock
     * unlocked: those that may still explain an opening (see openingExplained), at most MAX_EXPLANATIONS.
     */
    explainedAt: number[];
    /** Per field: the event time of the latest report of it, epoch ms (an older report arriving later is stale). */
    reportedAt: Partial<Record<ReportedField, number>>;
    /** The last doorName / deviceName its events gave. */
    eventName: string | null;
}

/** One device as the node keeps it, and as the adapter stores it. */
export interface StoredDevice {
    record: DeviceRecord;
    watch: DeviceWatch;
}

/** How many unlocks and granted accesses a device keeps at most to explain openings with: the newest. */
const MAX_EXPLANATIONS = 8;

/**
 * Adds an event time to explanations (sorted, each once), in place; then drops those before `oldestNeeded`, and all
 * but the newest MAX_EXPLANATIONS.
 */
export function addExplanation(explainedAt: number[], at: number, oldestNeeded = -Infinity): void {
    let index = explainedAt.length;
    while (index > 0 && explainedAt[index - 1] > at) index--;
    if (explainedAt[index - 1] !== at) explainedAt.splice(index, 0, at);
    let dropped = 0;
    while (dropped < explainedAt.length && (explainedAt[dropped] < oldestNeeded || explainedAt.length - dropped > MAX_EXPLANATIONS)) {
        dropped++;
    }
    if (dropped > 0) explainedAt.splice(0, dropped);
}

export function newDevice(serialNumber: string): StoredDevice {
    return {
        record: blankDeviceRecord(serialNumber),
        watch: { since: {}, forcedOpenCheck: null, openSince: null, explainedAt: [], reportedAt: {}, eventName: null },
    };
}

const REPORTED_FIELDS = CHANGE_FIELDS.filter((field): field is ReportedField => field !== "name" && field !== "alarms");

function time(value: unknown): number | null {
    return finiteNumber(value) ?? null;
}

function text(value: unknown): string | null {
    return typeof value === "string" ? value : null;
}

function scalar(value: unknown): string | number | null {
    return textOrNumber(value) ?? null;
}

function booleanOf(value: unknown): boolean | null {
    return booleanValue(value) ?? null;
}

function oneOf<Value extends string>(value: unknown, values: readonly Value[], fallback: Value): Value {
    return values.includes(value as Value) ? (value as Value) : fallback;
}

function lastAccessOf(value: unknown): LastAccess | null {
    if (!isJsonObject(value) || typeof value.granted !== "boolean" || time(value.at) === null) {
        return null;
    }
    return { granted: value.granted, result: scalar(value.result), user: text(value.user), at: value.at as number };
}

/** The entries of an object that are times under the given keys. */
function timesOf<Key extends string>(value: unknown, keys: readonly Key[]): Partial<Record<Key, number>> {
    const times: Partial<Record<Key, number>> = {};
    for (const key of isJsonObject(value) ? keys : []) {
        const at = time((value as Record<string, unknown>)[key]);
        if (at !== null) {
            times[key] = at;
        }
    }
    return times;
}

function isAlarmCode(value: unknown): value is AlarmCode {
    return (ALARM_CODES as readonly unknown[]).includes(value);
}

function recordOf(saved: Record<string, unknown>, serialNumber: string): DeviceRecord {
    const alarms = Array.isArray(saved.alarms) ? saved.alarms : [];
    return {
        ...blankDeviceRecord(serialNumber),
        name: text(saved.name)?.trim() || serialNumber,
        door: oneOf(saved.door, ["open", "closed"], "unknown"),
        doorState: scalar(saved.doorState),
        lock: oneOf(saved.lock, ["locked", "unlocked"], "unknown"),
        lockState: scalar(saved.lockState),
        connected: booleanOf(saved.connected),
        firmwareVersion: text(saved.firmwareVersion),
        ipAddress: text(saved.ipAddress),
        databaseActive: booleanOf(saved.databaseActive),
        lastAccess: lastAccessOf(saved.lastAccess),
        lockdown: booleanOf(saved.lockdown),
        lockdownBy: text(saved.lockdownBy),
        lastDoorbell: time(saved.lastDoorbell),
        alarms: alarms.filter((alarm, index): alarm is AlarmCode => isAlarmCode(alarm) && alarms.indexOf(alarm) === index),
        changedAt: timesOf(saved.changedAt, CHANGE_FIELDS),
        lastSeen: time(saved.lastSeen) ?? 0,
        restored: true,
    };
}

/**
 * A record as a message carries it (alocity-device-state's, or one made by hand), read as a stored one is: anything
 * unusable in it reads as unknown. Undefined without a serial number.
 */
export function readDeviceRecord(value: unknown): DeviceRecord | undefined {
    const serialNumber = isJsonObject(value) ? text(value.serialNumber) : null;
    if (!isJsonObject(value) || !serialNumber?.trim()) {
        return undefined;
    }
    const record = { ...recordOf(value, serialNumber), restored: value.restored === true };
    return value.removed === true ? { ...record, removed: true } : record;
}

/** When an active alarm's condition began, for a record stored without it: when its field last changed. */
function sinceOf(record: DeviceRecord, alarm: AlarmCode): number {
    switch (alarm) {
        case "door.held-open":
        case "door.forced-open":
            return record.changedAt.door ?? record.lastSeen;
        case "device.offline":
            return record.changedAt.connected ?? record.lastSeen;
        case "device.silent":
            return record.lastSeen;
        case "device.lockdown":
            return record.changedAt.lockdown ?? record.lastSeen;
    }
}

/** The stored explanations; a record stored before 0.2.0 kept the last granted access and the last unlock only. */
function explanationsOf(watch: Record<string, unknown>): number[] {
    const stored: unknown[] = Array.isArray(watch.explainedAt) ? watch.explainedAt : [watch.grantedAt, watch.unlockedAt];
    const explainedAt: number[] = [];
    for (const at of stored.map(time)) {
        if (at !== null) addExplanation(explainedAt, at);
    }
    return explainedAt;
}

function forcedOpenCheckOf(value: unknown): ForcedOpenCheck | null {
    const { openedAt, arrivedAt } = timesOf(value, ["openedAt", "arrivedAt"] as const);
    return openedAt === undefined || arrivedAt === undefined ? null : { openedAt, arrivedAt };
}

/**
 * A device read back from the store, flagged `restored`; undefined when it has no serial number. Takes a
 * StoredDevice or a bare DeviceRecord; anything unusable in it reads as unknown.
 */
export function restoreDevice(stored: unknown): StoredDevice | undefined {
    const saved = isJsonObject(stored) && isJsonObject(stored.record) ? stored.record : stored;
    const serialNumber = isJsonObject(saved) ? text(saved.serialNumber)?.trim() : undefined;
    if (!isJsonObject(saved) || !serialNumber) {
        return undefined;
    }
    const record = recordOf(saved, serialNumber);
    const watch = isJsonObject(stored) && isJsonObject(stored.watch) ? stored.watch : {};
    const since = timesOf(watch.since, record.alarms);
    for (const alarm of record.alarms) {
        since[alarm] ??= sinceOf(record, alarm);
    }
    const eventName = isJsonObject(stored) && isJsonObject(stored.watch) ? text(watch.eventName) : record.name;
    return {
        record,
        watch: {
            since,
            forcedOpenCheck: forcedOpenCheckOf(watch.forcedOpenCheck),
            openSince:
                "openSince" in watch ? time(watch.openSince) : record.door === "open" ? (record.changedAt.door ?? record.lastSeen) : null,
            explainedAt: explanationsOf(watch),
            reportedAt: timesOf(watch.reportedAt, REPORTED_FIELDS),
            eventName: eventName === serialNumber ? null : eventName,
        },
    };
}
