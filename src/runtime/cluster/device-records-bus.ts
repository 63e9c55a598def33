import type { EventEmitter } from "events";
import type { DeviceRecord } from "../../core/device-state/record";

/** The event a device-state node of a cluster emits on its bus for a record another instance changed or forgot. */
export const DEVICE_RECORDS_EVENT = "device-records";

/** What it carries: the device-state node's scope, the device, and its record (undefined: forgotten). */
export interface DeviceRecordsEvent {
    deviceState: string;
    serialNumber: string;
    record: DeviceRecord | undefined;
}

export function tellDeviceRecord(bus: EventEmitter, event: DeviceRecordsEvent): void {
    bus.emit(DEVICE_RECORDS_EVENT, event);
}

/** Calls `listener` with each event (as emitted: read it before trusting it); what it returns stops that. */
export function hearDeviceRecords(bus: EventEmitter, listener: (event: unknown) => void): () => void {
    bus.on(DEVICE_RECORDS_EVENT, listener);
    return () => bus.off(DEVICE_RECORDS_EVENT, listener);
}
