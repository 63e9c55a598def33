/**
 * What one Alocity event says about the device it comes from, read from its payload once. Knows nothing of Node-RED.
 */
import { readAccessResult } from "../events/access-results";
import type { LastAccess } from "./record";
import type { MessageEvent } from "../events/event-message";
import type { EventFields } from "../events/event-fields";
import { booleanValue, textOrNumber } from "../shared/value-readers";

/** A lockdown's start (by the user its log names, else null) or end. */
interface LockdownReport {
    active: boolean;
    by: string | null;
}

export interface DeviceReport {
    serialNumber: string;
    /** When it happened, epoch ms (see eventTimeOf). */
    at: number;
    /** A doorName or deviceName the event gives. */
    name?: string;
    doorState?: string | number;
    lockState?: string | number;
    connected?: boolean;
    firmwareVersion?: string;
    /** Only when not empty: a connection-change report's "" does not erase a known address. */
    ipAddress?: string;
    databaseActive?: boolean;
    /** An access log of an access attempt. */
    access?: LastAccess;
    /** An access log of a lockdown's start or end. */
    lockdown?: LockdownReport;
    /** An access log of a doorbell press. */
    doorbell?: true;
    /** An access log without a result: it says nothing but that the device is there. */
    noResult?: true;
}

/** The first of the fields that holds a number or text that is not blank, as text. */
function firstText(payload: Record<string, unknown>, fields: readonly string[]): string | undefined {
    for (const field of fields) {
        const value = textOrNumber(payload[field]);
        if (value !== undefined && String(value).trim() !== "") {
            return String(value).trim();
        }
    }
    return undefined;
}

/** What an access log reports: an attempt, a lockdown's start or end, a doorbell press, or (no result) nothing. */
function readAccessLog(report: DeviceReport, fields: EventFields): void {
    const result = readAccessResult(fields.result);
    const user = fields.user ?? null;
    switch (result?.kind) {
        case undefined:
            report.noResult = true;
            report.name = undefined;
            break;
        case "attempt":
            report.access = { granted: result.granted, result: result.value, user, at: report.at };
            break;
        case "lockdown-start":
            report.lockdown = { active: true, by: user };
            break;
        case "lockdown-end":
            report.lockdown = { active: false, by: null };
            break;
        case "doorbell":
            report.doorbell = true;
            break;
    }
}

/**
 * What an event says about its device, happened at `at`, from its fields (see MessageEvent); undefined when it names
 * no device (no serial number).
 */
export function reportOf(event: MessageEvent, at: number): DeviceReport | undefined {
    const { payload, fields } = event;
    const serialNumber = fields.serialNumber;
    if (serialNumber === undefined) {
        return undefined;
    }
    const report: DeviceReport = { serialNumber, at, name: fields.name };
    switch (event.event) {
        case "door.state":
            report.doorState = fields.doorState;
            break;
        case "lock.state":
            report.lockState = fields.lockState;
            break;
        case "door.healthcheck":
            report.connected = fields.isConnected;
            report.firmwareVersion = firstText(payload, ["firmwareVersion"]);
            report.ipAddress = firstText(payload, ["ipAddress"]);
            report.databaseActive = booleanValue(payload.databaseActive);
            break;
        case "accesslog.created":
            readAccessLog(report, fields);
            break;
    }
    return report;
}
