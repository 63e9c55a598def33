/**
 * The core of alocity-device-state: a live record per device built from Alocity events, and the alarms it raises.
 * Knows nothing of Node-RED: the adapter passes the time in (`now`, local clock, epoch ms), keeps a deadline per device
 * (the one each operation returns; it calls `due` for the device when it comes) and stores what `stored` gives.
 * Every operation on one device does O(1) work, however many devices there are.
 */
import { nextDeadline } from "./alarms";
import type { DeviceNotice } from "./apply-report";
import type { DeviceCounts } from "./changes";
import type { DeviceStateConfig } from "./config";
import { applyEvent, forgetDevice, reportOfMessage, settleDevice, type DeviceUpdate } from "./device-operations";
import { copyDeviceRecord, type DeviceRecord } from "./record";
import { newDevice, restoreDevice, type StoredDevice } from "./stored-device";
import { isJsonObject } from "../shared/value-readers";
import { serialKey } from "../events/event-values";
import { type EventCode } from "../events/catalogue";

export type { DeviceUpdate } from "./device-operations";

/**
 * What a message was: not an Alocity event (the adapter warns); an event that concerns no device (it has no
 * serialNumber, as user.card and user.face: not an error, nothing changes); or an event from a device.
 */
export type { DeviceNotice } from "./apply-report";

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
        const read = reportOfMessage(msg, now);
        if (read.kind !== "device") {
            return read;
        }
        const key = serialKey(read.report.serialNumber);
        const known = this.devices.get(key);
        const device = known ?? this.add(key, newDevice(read.report.serialNumber));
        return { kind: "device", ...applyEvent(device, known === undefined, read.report, this.config, this.counts, now) };
    }

    /** A device's timer fired `now`: the alarms that are due (nothing when none is yet); undefined for a device not known. */
    due(serialNumber: string, now: number): DeviceUpdate | undefined {
        const device = this.devices.get(serialKey(serialNumber));
        return device === undefined ? undefined : settleDevice(device, this.config, this.counts, now);
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

    /** The record of a serial number (spaces and case ignored), by its key alone: never by a name; O(1). */
    recordOf(serialNumber: string): DeviceRecord | undefined {
        const device = this.devices.get(serialKey(serialNumber));
        return device === undefined ? undefined : copyDeviceRecord(device.record);
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
        // Its alarms are cleared (and counted off) first: then it leaves with none.
        const update = forgetDevice(device, this.counts, now);
        this.remove(serialKey(device.record.serialNumber));
        return update;
    }

    /** The serial number of the device a `get` or `forget` names (serial number or name); undefined when none. */
    serialOf(query: string | number): string | undefined {
        return this.find(String(query))?.record.serialNumber;
    }

    /** A device as this instance keeps it: never change it, nor hand it out (copy it first); O(1). */
    storedOf(serialNumber: string): StoredDevice | undefined {
        return this.devices.get(serialKey(serialNumber));
    }

    /** Puts `device` (a record read from elsewhere, now this fleet's) in place of the one kept, or removes it (undefined). */
    replace(serialNumber: string, device: StoredDevice | undefined): void {
        const key = serialKey(serialNumber);
        this.remove(key);
        if (device !== undefined) {
            this.add(key, device);
        }
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

    private remove(key: string): void {
        const record = this.devices.get(key)?.record;
        if (record !== undefined) {
            this.devices.delete(key);
            this.counts.devices--;
            this.counts.openDoors -= Number(record.door === "open");
            this.counts.alarms -= record.alarms.length;
        }
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
