import type { EventEmitter } from "events";
import type { DeviceRecord } from "../../core/device-state/record";
import { deviceRecordOf } from "../../core/home-assistant/inputs";
import { hearDeviceRecords } from "../cluster/device-records-bus";

/** A device's record as another instance left it; `record` undefined: that instance forgot the device. */
export interface SharedRecord {
    serialNumber: string;
    record: DeviceRecord | undefined;
}

/** The event read: a serial number, and a record of that device or none; undefined for anything else. */
function readSharedRecord(event: unknown): SharedRecord | undefined {
    if (typeof event !== "object" || event === null) return undefined;
    const { serialNumber, record } = event as { serialNumber?: unknown; record?: unknown };
    if (typeof serialNumber !== "string") return undefined;
    if (record === undefined) return { serialNumber, record: undefined };
    const read = deviceRecordOf(record);
    return read?.serialNumber === serialNumber ? { serialNumber, record: read } : undefined;
}

/**
 * Calls `listener` with every record another instance of the cluster changed or forgot, as any device-state node of
 * this Node-RED on the same cluster node synced it (they cannot be told apart). What it returns stops that.
 */
export function followSharedRecords(bus: EventEmitter, listener: (shared: SharedRecord) => void): () => void {
    const onEvent = (event: unknown) => {
        const shared = readSharedRecord(event);
        if (shared !== undefined) listener(shared);
    };
    return hearDeviceRecords(bus, onEvent);
}
