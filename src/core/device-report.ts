/**
 * What one Alocity event says about the device it comes from, read from its payload once. Knows nothing of Node-RED.
 */
import type { LastAccess } from "./device-record";
import type { MessageEvent } from "./event-message";
import { mainValueOf, serialNumberOf, valueMatches } from "./events";
import { booleanValue, textOrNumber } from "./saved-values";

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
    access?: LastAccess;
}

const NAME_FIELDS = ["doorName", "deviceName"];
const USER_FIELDS = ["userName", "fullName", "userId"];
const GRANTED = ["Access Granted"];

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

/** An access log as the record keeps it; the result is told as the event switch tells it ("Access Granted" is 0). */
export function accessOf(payload: Record<string, unknown>, at: number): LastAccess {
    const result = textOrNumber(mainValueOf("accesslog.created", payload)) ?? null;
    return {
        granted: valueMatches("accesslog.created", result, GRANTED),
        result,
        user: firstText(payload, USER_FIELDS) ?? null,
        at,
    };
}

/** What an event says about its device, happened at `at`; undefined when it names no device (no serialNumber). */
export function reportOf(event: MessageEvent, at: number): DeviceReport | undefined {
    const { payload } = event;
    const serialNumber = serialNumberOf(payload);
    if (serialNumber === undefined || serialNumber.trim() === "") {
        return undefined;
    }
    const report: DeviceReport = { serialNumber, at, name: firstText(payload, NAME_FIELDS) };
    switch (event.event) {
        case "door.state":
            report.doorState = textOrNumber(payload.doorState);
            break;
        case "lock.state":
            report.lockState = textOrNumber(payload.lockState);
            break;
        case "door.healthcheck":
            report.connected = booleanValue(payload.isConnected);
            report.firmwareVersion = firstText(payload, ["firmwareVersion"]);
            report.ipAddress = firstText(payload, ["ipAddress"]);
            report.databaseActive = booleanValue(payload.databaseActive);
            break;
        case "accesslog.created":
            report.access = accessOf(payload, at);
            break;
    }
    return report;
}
