/**
 * Alocity events as alocity-webhook-in sends them, fed to the device-state core, and readings of what it made of
 * them: one set of helpers for the device-state tests.
 */
import assert from "assert";
import { parseDeviceStateConfig } from "../../src/core/device-state/config";
import type { DeviceRecord } from "../../src/core/device-state/record";
import { DeviceFleet, type DeviceUpdate, type EventOutcome } from "../../src/core/device-state/fleet";

export const SERIAL = "ALO-DC-1";
/** When the first event of a test was signed: a whole second, epoch ms. */
export const T0 = 1_795_900_000_000;
/** How long after its signing an event arrives. */
export const DELAY = 300;
/** When an event signed at T0 arrives. */
export const A = T0 + DELAY;

/** A message as alocity-webhook-in sends it, of an event signed at `signedAt` (epoch ms, a whole second). */
export function event(code: string, fields: Record<string, unknown>, signedAt: number, serialNumber = SERIAL) {
    const alocity = { event: code, timestamp: signedAt / 1000, receivedAt: signedAt + DELAY, inferred: false };
    return { topic: code, payload: { serialNumber, ...fields }, alocity };
}
export type Message = ReturnType<typeof event>;

export const door = (doorState: unknown, signedAt = T0, serial = SERIAL) => event("door.state", { doorState }, signedAt, serial);
export const lock = (lockState: unknown, signedAt = T0) => event("lock.state", { lockState }, signedAt);
export const access = (result: unknown, signedAt = T0, fields = {}) => event("accesslog.created", { result, ...fields }, signedAt);
export const health = (fields: Record<string, unknown>, signedAt = T0) =>
    event(
        "door.healthcheck",
        { firmwareVersion: "3.8.2", databaseActive: true, isConnected: true, ipAddress: "10.0.0.7", ...fields },
        signedAt,
    );

export function setup(config: Record<string, unknown> = {}, stored?: unknown): DeviceFleet {
    return new DeviceFleet(parseDeviceStateConfig(config), stored);
}

export type DeviceOutcome = Extract<EventOutcome, { kind: "device" }>;

/** Handles a message that arrives `now` (by default when it says it was received); it must be an event from a device. */
export function send(states: DeviceFleet, msg: Message, now = msg.alocity.receivedAt): DeviceOutcome {
    const outcome = states.handle(msg, now);
    assert.ok(outcome.kind === "device", `a device event, not ${outcome.kind}`);
    return outcome;
}

/** Handles each message in turn; the last one's update. */
export function sendAll(states: DeviceFleet, ...messages: Message[]): DeviceOutcome {
    return messages.map((msg) => send(states, msg)).pop()!;
}

export const changedOf = (update: DeviceUpdate | undefined) => update?.changes.map((change) => change.changed);
export const alarmsOf = (update: DeviceUpdate | undefined) =>
    update?.alarms.map(({ topic, payload }) => [topic, payload.active ? "raised" : "cleared", payload.since]);

export function record(states: DeviceFleet, query: string = SERIAL): DeviceRecord {
    const found = states.get(query);
    assert.ok(found !== null && !Array.isArray(found), `a record for ${query}`);
    return found;
}

export function assertNothing(update: DeviceUpdate | undefined): void {
    assert.deepStrictEqual([update?.changes, update?.alarms], [[], []]);
}
