import assert from "assert";
import { parseDeviceStateConfig } from "../../../../src/core/device-state/config";
import {
    applyEventOnCopy,
    forgetDeviceOnCopy,
    readSharedDevice,
    reportOfMessage,
    settleDeviceOnCopy,
} from "../../../../src/core/device-state/device-operations";
import { A, door, event, health, SERIAL, T0 } from "../../../support/device-events";
import { record, send, setup } from "../../../support/device-fleet";
import { reportOf } from "../../../support/shared-fleets";

const config = parseDeviceStateConfig({ heldOpen: 60 });

describe("device operations on one device (the cluster's shared records)", function () {
    it("tells a message's serial number before applying it, and what is not a device's event", function () {
        assert.strictEqual(reportOf(door("Open"), A).serialNumber, SERIAL);
        assert.deepStrictEqual(reportOfMessage({ topic: "hello", payload: 3 }, A), { kind: "not-an-event" });
        assert.deepStrictEqual(reportOfMessage(event("user.card", { cardNumber: "1" }, T0, ""), A).kind, "no-device");
    });

    it("applies a report to a copy, leaving the stored device as it was, with the messages a fleet sends", function () {
        const fleet = setup({ heldOpen: 60 });
        const opened = applyEventOnCopy(undefined, reportOf(door("Open"), A), config, A);
        assert.deepStrictEqual(
            opened.changes.map((change) => change.changed),
            [["door", "name"]],
        );
        const before = structuredClone(opened.device);
        const closed = applyEventOnCopy(opened.device, reportOf(door("Closed", T0 + 1000), A + 1000), config, A + 1000);
        assert.deepStrictEqual(opened.device, before, "the stored device is not changed");
        assert.strictEqual(closed.device?.record.door, "closed");
        assert.strictEqual(closed.deadline, null);
        // The same as a DeviceFleet makes of the same events.
        send(fleet, door("Open"));
        assert.deepStrictEqual(send(fleet, door("Closed", T0 + 1000)).changes, closed.changes);
    });

    it("never moves lastSeen back for an event applied after a later one", function () {
        const later = applyEventOnCopy(undefined, reportOf(health({}), A + 5000), config, A + 5000);
        const earlier = applyEventOnCopy(later.device, reportOf(health({}, T0 - 1000), A), config, A);
        assert.strictEqual(earlier.device?.record.lastSeen, A + 5000);
    });

    it("settles a copy: the alarm due, or nothing to write when nothing is due", function () {
        const opened = applyEventOnCopy(undefined, reportOf(door("Open"), A), config, A).device!;
        assert.strictEqual(settleDeviceOnCopy(opened, config, A + 59_999), undefined);
        const due = settleDeviceOnCopy(opened, config, A + 60_000);
        assert.deepStrictEqual(
            due?.alarms.map((alarm) => [alarm.topic, alarm.payload.active]),
            [["door.held-open", true]],
        );
        assert.deepStrictEqual(opened.record.alarms, [], "the stored device is not changed");
        assert.strictEqual(settleDeviceOnCopy(due.device!, config, A + 70_000), undefined, "raised once");
    });

    it("forgets a copy: its alarms cleared, its last change flagged removed", function () {
        const opened = applyEventOnCopy(undefined, reportOf(door("Open"), A), config, A).device!;
        const held = settleDeviceOnCopy(opened, config, A + 60_000)!.device!;
        const forgotten = forgetDeviceOnCopy(held, A + 61_000);
        assert.deepStrictEqual(
            [forgotten.alarms.map((alarm) => alarm.payload.active), forgotten.changes[0].payload.removed, forgotten.device],
            [[false], true, undefined],
        );
        assert.deepStrictEqual(held.record.alarms, ["door.held-open"]);
    });

    it("replaces or removes one device of a fleet with a record read from elsewhere, its counts kept right", function () {
        const fleet = setup();
        send(fleet, door("Open"));
        const opened = applyEventOnCopy(undefined, reportOf(door("Open"), A), config, A).device!;
        const held = settleDeviceOnCopy(opened, config, A + 60_000)!.device!;
        const shared = readSharedDevice(JSON.parse(JSON.stringify(held)));
        fleet.replace(SERIAL, shared);
        assert.deepStrictEqual(fleet.status(), { devices: 1, openDoors: 1, alarms: 1 });
        assert.strictEqual(record(fleet).restored, false, "its restored flag is kept");
        fleet.replace("OTHER-1", readSharedDevice({ record: { serialNumber: "OTHER-1", door: "closed" } }));
        assert.deepStrictEqual(fleet.status(), { devices: 2, openDoors: 1, alarms: 1 });
        fleet.replace(SERIAL, undefined);
        assert.deepStrictEqual(fleet.status(), { devices: 1, openDoors: 0, alarms: 0 });
        assert.strictEqual(fleet.serialOf("other-1"), "OTHER-1");
        assert.strictEqual(fleet.serialOf(SERIAL), undefined);
    });
});
