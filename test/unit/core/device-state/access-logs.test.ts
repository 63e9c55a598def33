import assert from "assert";
import { blankDeviceRecord } from "../../../../src/core/device-state/record";
import { A, access, DELAY, door, event, lock, SERIAL, T0 } from "../../../support/device-events";
import { alarmsOf, assertNothing, changedOf, record, send, sendAll, setup } from "../../../support/device-fleet";

describe("device fleet: access logs", function () {
    describe("access attempts", function () {
        it("keep results 0 to 6 and codes Alocity adds later as the last access; only Access Granted is granted", function () {
            const fleet = setup();
            const seen = [0, 1, 2, 3, 4, 5, 6, 10, "Card Expired"].map((result, index) => {
                send(fleet, access(result, T0 + index * 1000, { userName: "Dana" }));
                const { granted, result: kept } = record(fleet).lastAccess!;
                return [granted, kept];
            });
            assert.deepStrictEqual(seen, [
                [true, 0],
                [false, 1],
                [false, 2],
                [false, 3],
                [false, 4],
                [false, 5],
                [false, 6],
                [false, 10],
                [false, "Card Expired"],
            ]);
        });

        it("a Device In Lockdown result is a denied attempt and starts no lockdown", function () {
            const fleet = setup();
            const update = send(fleet, access("Device In Lockdown"));
            assert.deepStrictEqual(changedOf(update), [["lastAccess", "name"]]);
            assert.deepStrictEqual([record(fleet).lastAccess?.granted, record(fleet).lockdown, record(fleet).alarms], [false, null, []]);
        });
    });

    describe("lockdown", function () {
        it("starts with Lockdown Start, naming who started it, with the device.lockdown alarm; ends with Lockdown End", function () {
            const fleet = setup();
            send(fleet, door("Closed"));
            const started = send(fleet, access("Lockdown Start", T0 + 1000, { userName: "Dana" }));
            assert.deepStrictEqual(
                [changedOf(started), alarmsOf(started)],
                [[["lockdown", "alarms"]], [["device.lockdown", "raised", A + 1000]]],
            );
            assert.deepStrictEqual([record(fleet).lockdown, record(fleet).lockdownBy, record(fleet).lastAccess], [true, "Dana", null]);
            assert.strictEqual(started.changes[0].payload.changedAt.lockdown, A + 1000);
            const ended = send(fleet, access(8, T0 + 60_000, { userName: "Sam" }));
            assert.deepStrictEqual(
                [changedOf(ended), alarmsOf(ended)],
                [[["lockdown", "alarms"]], [["device.lockdown", "cleared", A + 1000]]],
            );
            assert.deepStrictEqual([record(fleet).lockdown, record(fleet).lockdownBy, record(fleet).alarms], [false, null, []]);
        });

        it("sends nothing for a repeated start, and names who started it when another start names someone else", function () {
            const fleet = setup();
            send(fleet, access(7, T0, { userName: "Dana" }));
            assertNothing(send(fleet, access(7, T0 + 1000, { userName: "Dana" })));
            const again = send(fleet, access(7, T0 + 2000, { fullName: "Sam Lee" }));
            assert.deepStrictEqual([changedOf(again), again.alarms, record(fleet).lockdownBy], [[["lockdown"]], [], "Sam Lee"]);
        });

        it("is not undone by a Lockdown End signed before the start already applied", function () {
            const fleet = setup();
            send(fleet, access(7, T0 + 5000));
            assertNothing(send(fleet, access(8, T0)));
            assert.strictEqual(record(fleet).lockdown, true);
        });

        it("keeps its alarm across a restart without sending it again, and clears it with the next Lockdown End", function () {
            const fleet = setup();
            send(fleet, access(7, T0, { userName: "Dana" }));
            const restored = setup({}, JSON.parse(JSON.stringify(fleet.devicesToStore())));
            assert.deepStrictEqual(
                [record(restored).lockdown, record(restored).alarms, restored.status().alarms],
                [true, ["device.lockdown"], 1],
            );
            assertNothing(restored.due(SERIAL, A + 3_600_000));
            assert.deepStrictEqual(alarmsOf(send(restored, access(8, T0 + 9000))), [["device.lockdown", "cleared", A]]);
        });
    });

    describe("doorbell", function () {
        it("keeps when it was pressed, by the event's time, and is not an access", function () {
            const fleet = setup();
            send(fleet, access(0, T0, { userName: "Dana" }));
            const rung = send(fleet, access("Doorbell", T0 + 3000));
            assert.deepStrictEqual(changedOf(rung), [["lastDoorbell"]]);
            assert.deepStrictEqual([record(fleet).lastDoorbell, record(fleet).lastAccess?.user], [T0 + 3000, "Dana"]);
            const unsigned = {
                topic: "accesslog.created",
                payload: { serialNumber: SERIAL, result: 9 },
                alocity: { receivedAt: T0 + 9000 },
            };
            const arrivedOnly = fleet.handle(unsigned, T0 + 9000);
            assert.ok(arrivedOnly.kind === "device");
            assert.strictEqual(record(fleet).lastDoorbell, T0 + 9000, "the arrival time of an unsigned event");
        });

        it("never explains a forced opening", function () {
            const fleet = setup({ heldOpen: 0 });
            sendAll(fleet, lock("Locked", T0 - 60_000), access(9, T0 - 1000), door("Open"), access(9, T0 + 1000));
            assert.deepStrictEqual(alarmsOf(fleet.due(SERIAL, A + 6000)), [["door.forced-open", "raised", A]]);
        });
    });

    describe("an access log without a result", function () {
        const withoutResult = [{}, { result: null }, { result: "" }, { result: " " }, { result: true }, { result: { code: 0 } }];

        it("creates the record of a new device and changes nothing else, told from its shape or named by its sender", function () {
            for (const fields of withoutResult) {
                const fleet = setup();
                const named = send(fleet, access(undefined, T0, { ...fields, userName: "Dana", doorName: "Gate" }));
                assert.deepStrictEqual(
                    named.changes.map((change) => change.payload),
                    [{ ...blankDeviceRecord(SERIAL), name: SERIAL, changedAt: { name: A }, lastSeen: A }],
                );
                assert.deepStrictEqual(named.notices, [{ kind: "no-result" }], JSON.stringify(fields));
            }
            const inferred = {
                payload: { serialNumber: "ALO-DC-1", tamperDetected: true },
                alocity: { timestamp: T0 / 1000, receivedAt: A, inferred: true },
            };
            const fleet = setup();
            const outcome = fleet.handle(inferred, A);
            assert.ok(outcome.kind === "device");
            assert.deepStrictEqual(
                [outcome.notices, record(fleet).lastAccess, outcome.changes[0].changed],
                [[{ kind: "no-result" }], null, ["name"]],
            );
        });

        it("refreshes lastSeen and clears device.silent on a known device, and changes no other field", function () {
            const fleet = setup({ silentAfter: 60 });
            send(fleet, access(0, T0, { userName: "Dana" }));
            fleet.due(SERIAL, A + 60_000);
            const heard = send(fleet, event("accesslog.created", { userName: "Sam", doorName: "Gate" }, T0 + 90_000));
            assert.deepStrictEqual([changedOf(heard), alarmsOf(heard)], [[["alarms"]], [["device.silent", "cleared", A]]]);
            assert.deepStrictEqual(
                [record(fleet).lastAccess?.user, record(fleet).name, record(fleet).lastSeen],
                ["Dana", SERIAL, T0 + 90_000 + DELAY],
            );
        });
    });
});
