/**
 * The record alocity-device-state keeps of each device (a door controller or reader), built from its events.
 * Knows nothing of Node-RED: the device-state node and the Home Assistant node both read it.
 */

export type DoorPosition = "open" | "closed" | "unknown";
export type LockPosition = "locked" | "unlocked" | "unknown";

export const ALARM_CODES = ["door.held-open", "door.forced-open", "device.offline", "device.silent", "device.lockdown"] as const;
export type AlarmCode = (typeof ALARM_CODES)[number];

/** The fields whose changes a change message names in `msg.changed`. */
export const CHANGE_FIELDS = [
    "door",
    "lock",
    "connected",
    "firmwareVersion",
    "ipAddress",
    "databaseActive",
    "lastAccess",
    "lockdown",
    "lastDoorbell",
    "name",
    "alarms",
] as const;
export type ChangeField = (typeof CHANGE_FIELDS)[number];
/** The fields an event reports (a device's name and alarms are the node's own doing). */
export type ReportedField = Exclude<ChangeField, "name" | "alarms">;

/** The last access attempt: an access log whose result is not a lockdown or a doorbell. */
export interface LastAccess {
    /** Whether the access log's result is Access Granted. */
    granted: boolean;
    /** The result as Alocity sent it (a number or a name). */
    result: string | number | null;
    /** The first of userName, fullName, userId present; null when none is. */
    user: string | null;
    /** When it happened: the signed timestamp (epoch ms) where there is one, else the arrival time. */
    at: number;
}

export interface DeviceRecord {
    serialNumber: string;
    /** The configured friendly name, else a doorName / deviceName from its events, else the serial number. */
    name: string;
    door: DoorPosition;
    /** The raw doorState value last received; null before any. */
    doorState: string | number | null;
    lock: LockPosition;
    lockState: string | number | null;
    connected: boolean | null;
    firmwareVersion: string | null;
    ipAddress: string | null;
    databaseActive: boolean | null;
    lastAccess: LastAccess | null;
    /** True after a Lockdown Start access log, false after a Lockdown End; null before either. */
    lockdown: boolean | null;
    /** The user the Lockdown Start log names, while in lockdown; else null. */
    lockdownBy: string | null;
    /** When the doorbell was last pressed (event time, epoch ms: the signed time, else the arrival time); null before. */
    lastDoorbell: number | null;
    /** The codes of the alarms active now. */
    alarms: AlarmCode[];
    /** Per field: epoch ms of its last change, on the node's clock (when the event that changed it arrived). */
    changedAt: Partial<Record<ChangeField, number>>;
    /** Epoch ms of the last event from the device, on the node's clock (when it arrived). */
    lastSeen: number;
    /** True from a restart of Node-RED (the record was read back from the store) until the device's next event. */
    restored: boolean;
    /** Set on the last change message of a device that was forgotten. */
    removed?: true;
}

/** `msg.payload` on the "alarms" output. */
export interface AlarmPayload {
    alarm: AlarmCode;
    active: boolean;
    serialNumber: string;
    name: string;
    /** Epoch ms: when the alarm's condition began (e.g. when the door opened). */
    since: number;
    /** The device's record after the change. */
    device: DeviceRecord;
}

/** The record of a device not heard from yet: nothing known, no name; `lastSeen` 0. */
export function blankDeviceRecord(serialNumber: string): DeviceRecord {
    return {
        serialNumber,
        name: "",
        door: "unknown",
        doorState: null,
        lock: "unknown",
        lockState: null,
        connected: null,
        firmwareVersion: null,
        ipAddress: null,
        databaseActive: null,
        lastAccess: null,
        lockdown: null,
        lockdownBy: null,
        lastDoorbell: null,
        alarms: [],
        changedAt: {},
        lastSeen: 0,
        restored: false,
    };
}

/** A copy of a record that shares nothing with it: safe to hand out while the original keeps changing. */
export function copyDeviceRecord(record: DeviceRecord): DeviceRecord {
    return {
        ...record,
        lastAccess: record.lastAccess === null ? null : { ...record.lastAccess },
        alarms: record.alarms.slice(),
        changedAt: { ...record.changedAt },
    };
}
