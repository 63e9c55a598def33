/**
 * The core of alocity-device-state: a live record per device built from Alocity events, and the alarms it raises.
 * Knows nothing of Node-RED: the adapter passes the time in (`now`, local clock, epoch ms), keeps a deadline per device
 * (the one each operation returns; it calls `due` for the device when it comes) and stores what `stored` gives.
 * Every operation on one device does O(1) work, however many devices there are.
 */
import { doorClosed, doorOpened, nextDeadline, openingExplained, settleDue } from "./alarms";
import { DeviceChanges, type AlarmMessage, type ChangeMessage, type DeviceCounts } from "./changes";
import { deviceNameOf, doorPositionOf, lockPositionOf, type DeviceStateConfig, type PositionField } from "./config";
import { copyDeviceRecord, type DeviceRecord } from "./record";
import { reportOf, type DeviceReport } from "./report";
import { newDevice, restoreDevice, type StoredDevice } from "./stored-device";
import { eventOfMessage, eventTimeOf } from "../events/event-message";
import { isJsonObject } from "../shared/value-readers";
import { serialKey } from "../events/event-values";
import { type EventCode } from "../events/catalogue";

/** What one operation did to one device: the messages for the two outputs, and when to call `due` for it next. */
export interface DeviceUpdate {
    serialNumber: string;
    /** For the "changes" output, in order. */
    changes: ChangeMessage[];
    /** For the "alarms" output, in order. */
    alarms: AlarmMessage[];
    /** Local clock, epoch ms; null: no timer needed (nothing pending, or the device is forgotten). */
    deadline: number | null;
    /**
     * The device as this instance keeps it (see `devices`), to store; undefined once it is forgotten. It changes with
     * every operation on the device: never change it, nor hand it out.
     */
    device: StoredDevice | undefined;
}

/**
 * What the adapter should tell the user of an event it applied: a door or lock state in neither of its field's lists
 * (read as unknown), or an access log without a result (it changed nothing but lastSeen).
 */
export type DeviceNotice = { kind: "unlisted"; field: PositionField; value: string | number } | { kind: "no-result" };

/**
 * What a message was: not an Alocity event (the adapter warns); an event that concerns no device (it has no
 * serialNumber, as user.card and user.face: not an error, nothing changes); or an event from a device.
 */
export type EventOutcome =
    { kind: "not-an-event" } | { kind: "no-device"; event: EventCode } | ({ kind: "device"; notices: DeviceNotice[] } & DeviceUpdate);

export type DeviceStatus = Readonly<DeviceCounts>;

const NAME_ORDER = new Intl.Collator("en", { sensitivity: "base", numeric: true });

function byName(a: DeviceRecord, b: DeviceRecord): number {
    return NAME_ORDER.compare(a.name, b.name) || NAME_ORDER.compare(a.serialNumber, b.serialNumber);
}

function nameKey(name: string): string {
    return name.trim().toLowerCase();
}

/** Sets a door or lock from a report of its raw state, unless the report is stale; whether its position changed. */
function updatePosition<Field extends "door" | "lock">(
    device: StoredDevice,
    changes: DeviceChanges,
    field: Field,
    position: DeviceRecord[Field],
    raw: string | number,
    at: number,
): boolean {
    if (changes.isStale(field, at)) {
        return false;
    }
    const changed = changes.update(field, position, at);
    device.record[field === "door" ? "doorState" : "lockState"] = raw;
    return changed;
}

/** Applies what an event says to its device, and starts or ends the alarms that follow from it. */
function applyReport(
    device: StoredDevice,
    report: DeviceReport,
    config: DeviceStateConfig,
    changes: DeviceChanges,
    now: number,
    notices: DeviceNotice[],
): void {
    const { record, watch } = device;
    const at = report.at;
    changes.clear("device.silent");
    watch.eventName = report.name ?? watch.eventName;
    const name = deviceNameOf(config, record.serialNumber, watch.eventName);
    if (name !== record.name) {
        changes.set("name", name);
    }
    if (report.doorState !== undefined) {
        const door = doorPositionOf(config, report.doorState);
        if (door === "unknown") {
            notices.push({ kind: "unlisted", field: "doorState", value: report.doorState });
        }
        if (updatePosition(device, changes, "door", door, report.doorState, at)) {
            // A value nobody listed raises nothing and clears nothing.
            if (door === "open") {
                doorOpened(device, config, at, now);
            } else if (door === "closed") {
                doorClosed(device, changes);
            }
        }
    }
    if (report.lockState !== undefined) {
        const lock = lockPositionOf(config, report.lockState);
        if (lock === "unknown") {
            notices.push({ kind: "unlisted", field: "lockState", value: report.lockState });
        } else if (lock === "unlocked") {
            openingExplained(device, "unlockedAt", at, config);
        }
        updatePosition(device, changes, "lock", lock, report.lockState, at);
    }
    if (changes.update("connected", report.connected, at)) {
        if (report.connected) {
            changes.clear("device.offline");
        } else {
            changes.raise("device.offline", now);
        }
    }
    changes.update("firmwareVersion", report.firmwareVersion, at);
    changes.update("ipAddress", report.ipAddress, at);
    changes.update("databaseActive", report.databaseActive, at);
    if (report.access?.granted) {
        openingExplained(device, "grantedAt", at, config);
    }
    changes.update("lastAccess", report.access, at);
    if (report.lockdown !== undefined && changes.updateLockdown(report.lockdown.active, report.lockdown.by, at)) {
        if (report.lockdown.active) {
            changes.raise("device.lockdown", now);
        } else {
            changes.clear("device.lockdown");
        }
    }
    changes.update("lastDoorbell", report.doorbell ? at : undefined, at);
    if (report.noResult) {
        notices.push({ kind: "no-result" });
    }
}

export class DeviceFleet {
    /** By serial key (see serialKey). */
    private readonly devices = new Map<string, StoredDevice>();
    private readonly counts: DeviceCounts = { devices: 0, openDoors: 0, alarms: 0 };

    /**
     * `stored`: the devices read back from the store (an array, or an object of them, of StoredDevice or bare
     * DeviceRecord); each is flagged `restored`, nothing is sent for them, and their alarms stay active.
     */
    constructor(
        private readonly config: DeviceStateConfig,
        stored: unknown = [],
    ) {
        const values = Array.isArray(stored) ? stored : isJsonObject(stored) ? Object.values(stored) : [];
        for (const value of values) {
            const device = restoreDevice(value);
            const key = device && serialKey(device.record.serialNumber);
            if (device && key && !this.devices.has(key)) {
                this.add(key, device);
            }
        }
    }

    /** An incoming message, received `now`: what it changed, when it is an event from a device. */
    handle(msg: unknown, now: number): EventOutcome {
        const event = eventOfMessage(msg);
        if (event === undefined) {
            return { kind: "not-an-event" };
        }
        const report = reportOf(event, eventTimeOf(msg, now));
        if (report === undefined) {
            return { kind: "no-device", event: event.event };
        }
        const key = serialKey(report.serialNumber);
        const known = this.devices.get(key);
        const device = known ?? this.add(key, newDevice(report.serialNumber));
        const changes = new DeviceChanges(device, this.counts, now, known === undefined);
        if (known !== undefined) {
            // What fell due before this event arrived is settled first, as if the timer had fired on time.
            settleDue(device, this.config, changes, now);
        }
        const notices: DeviceNotice[] = [];
        applyReport(device, report, this.config, changes, now, notices);
        device.record.lastSeen = now;
        device.record.restored = false;
        changes.commit();
        return { kind: "device", notices, ...this.update(device, changes) };
    }

    /** A device's timer fired `now`: the alarms that are due (nothing when none is yet); undefined for a device not known. */
    due(serialNumber: string, now: number): DeviceUpdate | undefined {
        const device = this.devices.get(serialKey(serialNumber));
        if (device === undefined) {
            return undefined;
        }
        const changes = new DeviceChanges(device, this.counts, now);
        settleDue(device, this.config, changes, now);
        return this.update(device, changes);
    }

    /** When to call `due` for a device next (local clock, epoch ms); null when nothing is pending or it is not known. */
    deadline(serialNumber: string): number | null {
        const device = this.devices.get(serialKey(serialNumber));
        return device === undefined ? null : nextDeadline(device, this.config);
    }

    /** Every device's deadline, to arm the timers at start; O(devices). */
    deadlines(): Array<{ serialNumber: string; deadline: number }> {
        const deadlines: Array<{ serialNumber: string; deadline: number }> = [];
        for (const device of this.devices.values()) {
            const deadline = nextDeadline(device, this.config);
            if (deadline !== null) {
                deadlines.push({ serialNumber: device.record.serialNumber, deadline });
            }
        }
        return deadlines;
    }

    /** The `get` command: for a string (or number), the record whose serial number or name it is, or null; else every record, by name. */
    get(query: unknown): DeviceRecord[] | DeviceRecord | null {
        if (typeof query !== "string" && typeof query !== "number") {
            return Array.from(this.devices.values(), (device) => copyDeviceRecord(device.record)).sort(byName);
        }
        const device = this.find(String(query));
        return device === undefined ? null : copyDeviceRecord(device.record);
    }

    /**
     * The `forget` command, `now`: drops the device whose serial number or name `query` is, clearing its active alarms,
     * and yields its last change message (`payload.removed: true`); undefined when there is no such device.
     */
    forget(query: string | number, now: number): DeviceUpdate | undefined {
        const device = this.find(String(query));
        if (device === undefined) {
            return undefined;
        }
        const { record } = device;
        this.devices.delete(serialKey(record.serialNumber));
        this.counts.devices--;
        this.counts.openDoors -= Number(record.door === "open");
        const changes = new DeviceChanges(device, this.counts, now);
        for (const alarm of record.alarms.slice()) {
            changes.clear(alarm);
        }
        changes.remove();
        changes.commit();
        return { serialNumber: record.serialNumber, changes: changes.changes, alarms: changes.alarms, deadline: null, device: undefined };
    }

    /** The number of devices, open doors and active alarms; O(1). */
    status(): DeviceStatus {
        return { ...this.counts };
    }

    /**
     * Every device as this instance keeps it, by its serial number as written, for a store that keeps the objects it
     * is given (Node-RED's memory store, localfilesystem's cache): no copy per event, and no second set of records in
     * the heap. They change with every operation: never change them, nor hand them out. O(devices).
     */
    devicesToStore(): Record<string, StoredDevice> {
        const devices: Record<string, StoredDevice> = {};
        for (const device of this.devices.values()) {
            devices[device.record.serialNumber] = device;
        }
        return devices;
    }

    private add(key: string, device: StoredDevice): StoredDevice {
        this.devices.set(key, device);
        this.counts.devices++;
        this.counts.openDoors += Number(device.record.door === "open");
        this.counts.alarms += device.record.alarms.length;
        return device;
    }

    private update(device: StoredDevice, changes: DeviceChanges): DeviceUpdate {
        return {
            serialNumber: device.record.serialNumber,
            changes: changes.changes,
            alarms: changes.alarms,
            deadline: nextDeadline(device, this.config),
            device,
        };
    }

    /** A device by serial number (spaces and case ignored), else by configured or current name (trimmed, case ignored). */
    private find(query: string): StoredDevice | undefined {
        const bySerial = this.devices.get(serialKey(query));
        if (bySerial !== undefined) {
            return bySerial;
        }
        const name = nameKey(query);
        for (const [key, configured] of this.config.names) {
            if (nameKey(configured) === name && this.devices.has(key)) {
                return this.devices.get(key);
            }
        }
        for (const device of this.devices.values()) {
            if (nameKey(device.record.name) === name) {
                return device;
            }
        }
        return undefined;
    }
}
