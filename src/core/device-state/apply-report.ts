/**
 * Applying what one event reports to its device's record, and starting or ending the alarms that follow from it: a
 * door that opens or closes, a lock, the connection, an access attempt, a lockdown, a doorbell. Knows nothing of
 * Node-RED.
 */
import { doorClosed, doorOpened, openingExplained } from "./alarms";
import type { DeviceChanges } from "./changes";
import { deviceNameOf, doorPositionOf, lockPositionOf, type DeviceStateConfig, type PositionField } from "./config";
import type { DeviceRecord } from "./record";
import type { DeviceReport } from "./report";
import type { StoredDevice } from "./stored-device";

/**
 * What the adapter should tell the user of an event it applied: a door or lock state in neither of its field's lists
 * (read as unknown), or an access log without a result (it changed nothing but lastSeen).
 */
export type DeviceNotice = { kind: "unlisted"; field: PositionField; value: string | number } | { kind: "no-result" };

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
export function applyReport(
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
            openingExplained(device, at, config);
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
        openingExplained(device, at, config);
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
