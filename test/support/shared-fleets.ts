// SharedFleets (alocity-device-state's records in a cluster) on a real Redis, as two Node-RED instances would have
// them: each with a connection of its own, and what each tells its node recorded.
import assert from "assert/strict";
import { randomUUID } from "crypto";
import { parseDeviceStateConfig } from "../../src/core/device-state/config";
import { reportOfMessage, type DeviceUpdate } from "../../src/core/device-state/device-operations";
import type { DeviceRecord } from "../../src/core/device-state/record";
import type { DeviceReport } from "../../src/core/device-state/report";
import { openClusterConnection, type ClusterConnection } from "../../src/runtime/cluster/cluster-connection";
import { SharedFleet } from "../../src/runtime/device-state/shared-fleet";
import { eventually } from "./wait";

export type TestConnection = ClusterConnection & { close(): Promise<void> };

/** A connection to `url` with a prefix, which logs nothing. */
export async function connect(url: string, prefix = "alocity"): Promise<TestConnection> {
    const connection = openClusterConnection(url, undefined, prefix, { down: () => undefined, back: () => undefined });
    await eventually(() => connection.state === "ready", `a connection to ${url}`);
    return connection;
}

export interface Instance {
    name: string;
    shared: SharedFleet;
    connection: TestConnection;
    /** What the SharedFleet told its node. */
    synced: Array<{ serialNumber: string; record: DeviceRecord | undefined }>;
    settled: DeviceUpdate[];
    failures: Error[];
}

/** A SharedFleet of the node `scope` on its own connection, loaded. */
export async function instance(name: string, url: string, config: Record<string, unknown>, scope = "state:flow"): Promise<Instance> {
    const connection = await connect(url);
    const made: Omit<Instance, "shared"> = { name, connection, synced: [], settled: [], failures: [] };
    const shared = new SharedFleet(connection, scope, parseDeviceStateConfig(config), `${name}-${randomUUID()}`, {
        synced: (serialNumber, record) => made.synced.push({ serialNumber, record }),
        settled: (update) => made.settled.push(update),
        failed: (error) => made.failures.push(error),
    });
    await shared.load();
    return { ...made, shared };
}

/** The report of an event message (test/support/device-events.ts), received `now`. */
export function reportOf(msg: unknown, now = Date.now()): DeviceReport {
    const read = reportOfMessage(msg, now);
    assert.ok(read.kind === "device", `a device event, not ${read.kind}`);
    return read.report;
}

export const alarmTopics = (updates: readonly DeviceUpdate[]) =>
    updates.flatMap((update) => update.alarms.map(({ topic, payload }) => `${topic} ${payload.active ? "raised" : "cleared"}`));
