/**
 * When a device's alarms start and end: door.held-open, door.forced-open, device.silent (due at a time, see
 * nextDeadline and settleDue) and the door and connection changes that start or end them. device.offline is raised
 * and cleared with the connection itself (see apply-report.ts). Knows nothing of Node-RED.
 */
import type { DeviceStateConfig } from "./config";
import type { DeviceChanges } from "./changes";
import type { DeviceRecord } from "./record";
import { addExplanation, type DeviceWatch, type StoredDevice } from "./stored-device";

/**
 * A door that opens while locked is judged on the local clock (as every deadline is), grace + this long after the
 * opening arrived; the unlocks and granted accesses that explain it are matched on event times, within grace of the
 * opening's. Why: an explaining event signed up to grace after the opening reaches us about as long after its signing
 * as the opening did, and signed timestamps are whole seconds, hence one second more. Deciding on event times alone
 * would judge an opening that arrived late (a slow network, a proxy) at once, before what explains it could arrive.
 */
const SIGNED_TIME_RESOLUTION_MS = 1000;

function withinGrace(time: number, openedAt: number, config: DeviceStateConfig): boolean {
    return Math.abs(time - openedAt) <= config.graceMs;
}

/**
 * The door was reported open at `at` (event time), arriving `now`. Unless it was open already (reported open, then
 * with a value nobody listed), it opened: the held-open time starts, and the forced-open check when it opened locked,
 * unexplained.
 */
export function doorOpened(device: StoredDevice, config: DeviceStateConfig, at: number, now: number): void {
    const { record, watch } = device;
    if (watch.openSince !== null) {
        return;
    }
    watch.openSince = now;
    if (!config.forcedOpen || record.lock !== "locked" || watch.forcedOpenCheck !== null) {
        return;
    }
    if (watch.explainedAt.some((explainedAt) => withinGrace(explainedAt, at, config))) {
        return;
    }
    watch.forcedOpenCheck = { openedAt: at, arrivedAt: now };
}

/** The door was reported closed: the alarms of an open door end. */
export function doorClosed(device: StoredDevice, changes: DeviceChanges): void {
    device.watch.openSince = null;
    changes.clear("door.held-open");
    changes.clear("door.forced-open");
}

/**
 * The lock reported unlocked, or a granted access, at `at` (event time): it explains an opening within grace of it,
 * before or after it, whichever arrives first. It is kept for an opening that arrives later with the others an opening
 * may still need: an opening signed before the latest door report is stale (never applied), so those more than grace
 * before that report can explain none; and at most the newest MAX_EXPLANATIONS.
 */
export function openingExplained(device: StoredDevice, at: number, config: DeviceStateConfig): void {
    const { watch } = device;
    const oldestNeeded = (watch.reportedAt.door ?? -Infinity) - config.graceMs;
    addExplanation(watch.explainedAt, at, oldestNeeded);
    if (watch.forcedOpenCheck !== null && withinGrace(at, watch.forcedOpenCheck.openedAt, config)) {
        watch.forcedOpenCheck = null;
    }
}

function forcedOpenDue(watch: DeviceWatch, config: DeviceStateConfig): number | undefined {
    const check = watch.forcedOpenCheck;
    return config.forcedOpen && check !== null ? check.arrivedAt + config.graceMs + SIGNED_TIME_RESOLUTION_MS : undefined;
}

function heldOpenDue({ record, watch }: StoredDevice, config: DeviceStateConfig): number | undefined {
    if (config.heldOpenMs === 0 || watch.openSince === null || record.alarms.includes("door.held-open")) {
        return undefined;
    }
    return watch.openSince + config.heldOpenMs;
}

function silentDue(record: DeviceRecord, config: DeviceStateConfig): number | undefined {
    if (config.silentAfterMs === 0 || record.alarms.includes("device.silent")) {
        return undefined;
    }
    return record.lastSeen + config.silentAfterMs;
}

/** When settleDue has something to do for the device next (local clock, epoch ms); null when nothing is pending. */
export function nextDeadline(device: StoredDevice, config: DeviceStateConfig): number | null {
    const deadline = Math.min(
        forcedOpenDue(device.watch, config) ?? Infinity,
        heldOpenDue(device, config) ?? Infinity,
        silentDue(device.record, config) ?? Infinity,
    );
    return deadline === Infinity ? null : deadline;
}

function isDue(due: number | undefined, now: number): boolean {
    return due !== undefined && due <= now;
}

/** Raises the alarms whose time has come by `now`, each in a change step of its own. */
export function settleDue(device: StoredDevice, config: DeviceStateConfig, changes: DeviceChanges, now: number): void {
    const { record, watch } = device;
    const check = watch.forcedOpenCheck;
    if (check !== null && !config.forcedOpen) {
        watch.forcedOpenCheck = null;
    } else if (check !== null && isDue(forcedOpenDue(watch, config), now)) {
        watch.forcedOpenCheck = null;
        changes.raise("door.forced-open", check.arrivedAt);
        changes.commit();
        if (watch.openSince === null) {
            changes.clear("door.forced-open");
            changes.commit();
        }
    }
    if (watch.openSince !== null && isDue(heldOpenDue(device, config), now)) {
        changes.raise("door.held-open", watch.openSince);
        changes.commit();
    }
    if (isDue(silentDue(record, config), now)) {
        changes.raise("device.silent", record.lastSeen);
        changes.commit();
    }
}
