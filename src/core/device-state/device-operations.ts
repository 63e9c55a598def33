/**
 * What each operation does to one device, on the device and the counts it is given: DeviceFleet runs them on the
 * devices it keeps; a cluster of Node-REDs runs them on a copy of one shared record and keeps the copy only when its
 * write wins (see the `OnCopy` functions). Knows nothing of Node-RED.
 */
import { nextDeadline, settleDue } from "./alarms";
import { applyReport, type DeviceNotice } from "./apply-report";
import { DeviceChanges, type AlarmMessage, type ChangeMessage, type DeviceCounts } from "./changes";
import type { DeviceStateConfig } from "./config";
import { reportOf, type DeviceReport } from "./report";
import { newDevice, restoreDevice, type StoredDevice } from "./stored-device";
import { eventOfMessage, eventTimeOf } from "../events/event-message";
import type { EventCode } from "../events/catalogue";

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

export type EventUpdate = { notices: DeviceNotice[] } & DeviceUpdate;

/** What a message is, read before it is applied: not an event, an event about no device, or a device's report. */
export type MessageReport = { kind: "not-an-event" } | { kind: "no-device"; event: EventCode } | { kind: "device"; report: DeviceReport };

/** What a message, received `now`, reports (its serial number is `report.serialNumber`). */
export function reportOfMessage(msg: unknown, now: number): MessageReport {
    const event = eventOfMessage(msg);
    if (event === undefined) {
        return { kind: "not-an-event" };
    }
    const report = reportOf(event, eventTimeOf(msg, now));
    return report === undefined ? { kind: "no-device", event: event.event } : { kind: "device", report };
}

function updateOf(device: StoredDevice, changes: DeviceChanges, config: DeviceStateConfig): DeviceUpdate {
    return {
        serialNumber: device.record.serialNumber,
        changes: changes.changes,
        alarms: changes.alarms,
        deadline: nextDeadline(device, config),
        device,
    };
}

/** Applies a report to a device (`isNew`: just made, not known before), received `now`. */
export function applyEvent(
    device: StoredDevice,
    isNew: boolean,
    report: DeviceReport,
    config: DeviceStateConfig,
    counts: DeviceCounts,
    now: number,
): EventUpdate {
    const changes = new DeviceChanges(device, counts, now, isNew);
    if (!isNew) {
        // What fell due before this event arrived is settled first, as if the timer had fired on time.
        settleDue(device, config, changes, now);
    }
    const notices: DeviceNotice[] = [];
    applyReport(device, report, config, changes, now, notices);
    // Never back: in a cluster, an event that arrived earlier elsewhere may be applied after a later one.
    device.record.lastSeen = Math.max(device.record.lastSeen, now);
    device.record.restored = false;
    changes.commit();
    return { notices, ...updateOf(device, changes, config) };
}

/** Raises what is due for a device `now`. */
export function settleDevice(device: StoredDevice, config: DeviceStateConfig, counts: DeviceCounts, now: number): DeviceUpdate {
    const changes = new DeviceChanges(device, counts, now);
    settleDue(device, config, changes, now);
    return updateOf(device, changes, config);
}

/** Clears a forgotten device's active alarms: its last change message (`payload.removed: true`). */
export function forgetDevice(device: StoredDevice, counts: DeviceCounts, now: number): DeviceUpdate {
    const changes = new DeviceChanges(device, counts, now);
    for (const alarm of device.record.alarms.slice()) {
        changes.clear(alarm);
    }
    changes.remove();
    changes.commit();
    return {
        serialNumber: device.record.serialNumber,
        changes: changes.changes,
        alarms: changes.alarms,
        deadline: null,
        device: undefined,
    };
}

/** A copy of a device that shares nothing with it (it is plain JSON). */
function copyStoredDevice(device: StoredDevice): StoredDevice {
    return structuredClone(device);
}

const scratchCounts = (): DeviceCounts => ({ devices: 0, openDoors: 0, alarms: 0 });

/** applyEvent on a copy of `stored` (undefined: a device not known yet); `stored` is left as it was. */
export function applyEventOnCopy(
    stored: StoredDevice | undefined,
    report: DeviceReport,
    config: DeviceStateConfig,
    now: number,
): EventUpdate {
    const device = stored === undefined ? newDevice(report.serialNumber) : copyStoredDevice(stored);
    return applyEvent(device, stored === undefined, report, config, scratchCounts(), now);
}

/**
 * settleDevice on a copy of `stored`; undefined when nothing fell due by `now` (nothing to write: no alarm, and the
 * same next deadline).
 */
export function settleDeviceOnCopy(stored: StoredDevice, config: DeviceStateConfig, now: number): DeviceUpdate | undefined {
    const update = settleDevice(copyStoredDevice(stored), config, scratchCounts(), now);
    const changed = update.changes.length > 0 || update.alarms.length > 0 || update.deadline !== nextDeadline(stored, config);
    return changed ? update : undefined;
}

/** forgetDevice on a copy of `stored`. */
export function forgetDeviceOnCopy(stored: StoredDevice, now: number): DeviceUpdate {
    return forgetDevice(copyStoredDevice(stored), scratchCounts(), now);
}

/** A device as another instance wrote it (a StoredDevice as JSON): read as a stored one, keeping its `restored` flag. */
export function readSharedDevice(value: unknown): StoredDevice | undefined {
    const device = restoreDevice(value);
    if (device !== undefined) {
        device.record.restored = (value as { record?: { restored?: unknown } }).record?.restored === true;
    }
    return device;
}
