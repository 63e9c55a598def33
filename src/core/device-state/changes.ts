/**
 * The messages a device's change produces, recorded as it is made: a change message per step (the record before and
 * after, and which fields changed) and an alarm message per alarm raised or cleared. Also keeps the counts of open
 * doors and active alarms. Knows nothing of Node-RED.
 */
import {
    CHANGE_FIELDS,
    copyDeviceRecord,
    type AlarmCode,
    type AlarmPayload,
    type ChangeField,
    type DeviceRecord,
    type LastAccess,
    type ReportedField,
} from "./record";
import type { StoredDevice } from "./stored-device";

/** A message for the "changes" output. */
export interface ChangeMessage {
    /** The device's name. */
    topic: string;
    /** The record after the change. */
    payload: DeviceRecord;
    /** The record before the change; null for a device not known before. */
    previous: DeviceRecord | null;
    changed: ChangeField[];
}

/** A message for the "alarms" output. */
export interface AlarmMessage {
    topic: AlarmCode;
    payload: AlarmPayload;
}

export interface DeviceCounts {
    devices: number;
    openDoors: number;
    alarms: number;
}

interface AlarmStep {
    alarm: AlarmCode;
    active: boolean;
    since: number;
}

function sameAccess(a: LastAccess | null, b: LastAccess): boolean {
    return a !== null && a.granted === b.granted && a.result === b.result && a.user === b.user && a.at === b.at;
}

export class DeviceChanges {
    readonly changes: ChangeMessage[] = [];
    readonly alarms: AlarmMessage[] = [];
    /** The record as it was before this step's first change: undefined while the step has changed nothing. */
    private before: DeviceRecord | null | undefined;
    private changed: ChangeField[] = [];
    private steps: AlarmStep[] = [];

    /** Changes made `now` (local clock, epoch ms). `isNew`: the device was not known before, so its first step is a change. */
    constructor(
        private readonly device: StoredDevice,
        private readonly counts: DeviceCounts,
        private readonly now: number,
        isNew = false,
    ) {
        this.before = isNew ? null : undefined;
    }

    /** Whether a report of a field made at `at` (event time) is older than the last one, so must not undo it. */
    isStale(field: ReportedField, at: number): boolean {
        return at < (this.device.watch.reportedAt[field] ?? -Infinity);
    }

    /** Sets a field to what a report made at `at` (event time) says, unless it says nothing or is stale; whether it changed. */
    update<Field extends ReportedField>(field: Field, value: DeviceRecord[Field] | undefined, at: number): boolean {
        if (value === undefined || this.isStale(field, at)) {
            return false;
        }
        this.device.watch.reportedAt[field] = at;
        const current = this.device.record[field];
        if (field === "lastAccess" ? sameAccess(current as LastAccess | null, value as LastAccess) : current === value) {
            return false;
        }
        this.set(field, value);
        return true;
    }

    /** Starts or ends a lockdown reported at `at` (event time), unless the report is stale; whether the record changed. */
    updateLockdown(active: boolean, by: string | null, at: number): boolean {
        const record = this.device.record;
        if (this.isStale("lockdown", at)) {
            return false;
        }
        this.device.watch.reportedAt.lockdown = at;
        if (record.lockdown === active && record.lockdownBy === by) {
            return false;
        }
        this.set("lockdown", active);
        record.lockdownBy = by;
        return true;
    }

    set<Field extends ReportedField | "name">(field: Field, value: DeviceRecord[Field]): void {
        const record = this.device.record;
        this.begin(field);
        if (field === "door") {
            this.counts.openDoors += Number(value === "open") - Number(record.door === "open");
        }
        record[field] = value;
    }

    /** Raises an alarm whose condition began at `since` (local clock), unless it is active. */
    raise(alarm: AlarmCode, since: number): void {
        if (this.device.record.alarms.includes(alarm)) {
            return;
        }
        this.begin("alarms");
        this.device.record.alarms.push(alarm);
        this.device.watch.since[alarm] = since;
        this.counts.alarms++;
        this.steps.push({ alarm, active: true, since });
    }

    /** Clears an alarm, if it is active. */
    clear(alarm: AlarmCode): void {
        const { record, watch } = this.device;
        const index = record.alarms.indexOf(alarm);
        if (index < 0) {
            return;
        }
        this.begin("alarms");
        record.alarms.splice(index, 1);
        const since = watch.since[alarm] ?? record.lastSeen;
        delete watch.since[alarm];
        this.counts.alarms--;
        this.steps.push({ alarm, active: false, since });
    }

    /** Marks the record as that of a forgotten device: its last change message. */
    remove(): void {
        this.snapshot();
        this.device.record.removed = true;
    }

    /** Ends the step: its change message, and its alarm messages, when it changed anything. */
    commit(): void {
        if (this.before === undefined) {
            return;
        }
        const record = this.device.record;
        const changed = CHANGE_FIELDS.filter((field) => this.changed.includes(field));
        // One copy of the record after the step, for its change message and its alarms' messages: they go out in one
        // send, and Node-RED gives each message after the first a copy of its own when outputs are wired.
        const after = copyDeviceRecord(record);
        this.changes.push({ topic: record.name, payload: after, previous: this.before, changed });
        for (const { alarm, active, since } of this.steps) {
            const { serialNumber, name } = record;
            this.alarms.push({ topic: alarm, payload: { alarm, active, serialNumber, name, since, device: after } });
        }
        this.before = undefined;
        this.changed = [];
        this.steps = [];
    }

    /** Keeps the record as it is, when this is the step's first change (a new device has no record before). */
    private snapshot(): void {
        if (this.before === undefined) {
            this.before = copyDeviceRecord(this.device.record);
        }
    }

    private begin(field: ChangeField): void {
        this.snapshot();
        this.device.record.changedAt[field] = this.now;
        if (!this.changed.includes(field)) {
            this.changed.push(field);
        }
    }
}
