// A DeviceFleet (the device-state core) fed the messages of test/support/device-events.ts, and readings of what it made
// of them.
import assert from "assert";
import { parseDeviceStateConfig } from "../../src/core/device-state/config";
import type { DeviceRecord } from "../../src/core/device-state/record";
import { DeviceFleet, type DeviceUpdate, type EventOutcome } from "../../src/core/device-state/fleet";
import { SERIAL, type Message } from "./device-events";

export function setup(config: Record<string, unknown> = {}, stored?: unknown): DeviceFleet {
    return new DeviceFleet(parseDeviceStateConfig(config), stored);
}

export type DeviceOutcome = Extract<EventOutcome, { kind: "device" }>;

/** Handles a message that arrives `now` (by default when it says it was received); it must be an event from a device. */
export function send(fleet: DeviceFleet, msg: Message, now = msg.alocity.receivedAt): DeviceOutcome {
    const outcome = fleet.handle(msg, now);
    assert.ok(outcome.kind === "device", `a device event, not ${outcome.kind}`);
    return outcome;
}

/** Handles each message in turn; the last one's update. */
export function sendAll(fleet: DeviceFleet, ...messages: Message[]): DeviceOutcome {
    return messages.map((msg) => send(fleet, msg)).pop()!;
}

export const changedOf = (update: DeviceUpdate | undefined) => update?.changes.map((change) => change.changed);
export const alarmsOf = (update: DeviceUpdate | undefined) =>
    update?.alarms.map(({ topic, payload }) => [topic, payload.active ? "raised" : "cleared", payload.since]);

export function record(fleet: DeviceFleet, query: string = SERIAL): DeviceRecord {
    const found = fleet.get(query);
    assert.ok(found !== null && !Array.isArray(found), `a record for ${query}`);
    return found;
}

export function assertNothing(update: DeviceUpdate | undefined): void {
    assert.deepStrictEqual([update?.changes, update?.alarms], [[], []]);
}
