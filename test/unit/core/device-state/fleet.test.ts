import assert from "assert";
import { blankDeviceRecord } from "../../../../src/core/device-state/record";
import type { DeviceFleet } from "../../../../src/core/device-state/fleet";
import { samplePayload } from "../../../../src/core/events/samples";
import { A, access, DELAY, door, event, health, lock, SERIAL, T0, type Message } from "../../../support/device-events";
import { alarmsOf, assertNothing, changedOf, record, send, sendAll, setup } from "../../../support/device-fleet";

describe("device fleet", function () {
    describe("records", function () {
        it("builds the record of a new device from its first event", function () {
            const update = send(setup(), door("Open"));
            assert.strictEqual(update.serialNumber, SERIAL);
            assert.deepStrictEqual(update.changes, [
                {
                    topic: SERIAL,
                    previous: null,
                    changed: ["door", "name"],
                    payload: {
                        ...blankDeviceRecord(SERIAL),
                        name: SERIAL,
                        door: "open",
                        doorState: "Open",
                        changedAt: { door: A, name: A },
                        lastSeen: A,
                    },
                },
            ]);
            assert.deepStrictEqual(update.alarms, []);
            assert.strictEqual(update.deadline, A + 60_000);
        });

        it("sends nothing for an event that changes nothing, and only refreshes lastSeen", function () {
            const fleet = setup();
            sendAll(fleet, door("Open"), health({}));
            assertNothing(send(fleet, door("OPEN", T0 + 5000)));
            assertNothing(send(fleet, health({}, T0 + 9000)));
            assert.strictEqual(record(fleet).lastSeen, T0 + 9000 + DELAY);
            assert.deepStrictEqual(record(fleet).changedAt, {
                door: A,
                name: A,
                connected: A,
                firmwareVersion: A,
                ipAddress: A,
                databaseActive: A,
            });
        });

        it("lists exactly the fields that changed, with the record before and after", function () {
            const fleet = setup();
            send(fleet, health({}));
            const update = send(fleet, health({ firmwareVersion: "3.9.0", ipAddress: "10.0.0.8" }, T0 + 1000));
            const [change] = update.changes;
            assert.deepStrictEqual(changedOf(update), [["firmwareVersion", "ipAddress"]]);
            assert.deepStrictEqual([change.previous?.firmwareVersion, change.payload.firmwareVersion], ["3.8.2", "3.9.0"]);
            assert.strictEqual(change.payload.changedAt.firmwareVersion, T0 + 1000 + DELAY);
            assert.strictEqual(change.previous?.changedAt.firmwareVersion, A);
        });

        it("keeps a known ipAddress when a connection change reports an empty one", function () {
            const fleet = setup();
            send(fleet, health({}));
            const update = send(fleet, health({ isConnected: false, ipAddress: "" }, T0 + 1000));
            assert.deepStrictEqual(changedOf(update), [["connected", "alarms"]]);
            assert.strictEqual(update.changes[0].payload.ipAddress, "10.0.0.7");
        });

        it("keeps the last access: granted or not, its result, its first user field, its event time", function () {
            const fleet = setup();
            send(fleet, access("Access Granted", T0, { userName: "Dana", fullName: "Dana Whitfield", userId: "u-1" }));
            assert.deepStrictEqual(record(fleet).lastAccess, { granted: true, result: "Access Granted", user: "Dana", at: T0 });
            send(fleet, access(2, T0 + 1000, { fullName: "Sam Lee", userId: "u-2" }));
            assert.deepStrictEqual(record(fleet).lastAccess, { granted: false, result: 2, user: "Sam Lee", at: T0 + 1000 });
            send(fleet, access(12, T0 + 2000, { userId: "u-3" }));
            assert.deepStrictEqual(
                record(fleet).lastAccess,
                { granted: false, result: 12, user: "u-3", at: T0 + 2000 },
                "a result Alocity adds later",
            );
        });

        it("takes the arrival time as the event time of an unsigned message", function () {
            const fleet = setup();
            fleet.handle({ topic: "accesslog.created", payload: { serialNumber: SERIAL, result: 0 } }, T0 + 42);
            assert.strictEqual(record(fleet).lastAccess?.at, T0 + 42);
        });

        it("hands out copies: a consumer may keep or change them while the record changes", function () {
            const fleet = setup();
            const [first] = send(fleet, door("Open")).changes;
            first.payload.alarms.push("device.silent");
            first.payload.changedAt.door = 0;
            const [second] = send(fleet, door("Closed", T0 + 1000)).changes;
            assert.notStrictEqual(second.previous, second.payload);
            assert.deepStrictEqual([second.previous?.door, second.previous?.alarms, second.previous?.changedAt.door], ["open", [], A]);
            assert.notStrictEqual(record(fleet), record(fleet));
        });

        it("does not let a report signed before the last one undo it (a late retry)", function () {
            const fleet = setup();
            send(fleet, door("Closed", T0 + 2000));
            assertNothing(send(fleet, door("Open", T0)));
            assert.strictEqual(record(fleet).door, "closed");
            send(fleet, door("Open", T0 + 2000));
            assert.strictEqual(record(fleet).door, "open", "a report of the same second applies");
        });

        it("tells messages that are not events, and events that concern no device, from device events", function () {
            const fleet = setup();
            assert.deepStrictEqual(fleet.handle(null, A), { kind: "not-an-event" });
            assert.deepStrictEqual(fleet.handle({ payload: "Open" }, A), { kind: "not-an-event" });
            assert.deepStrictEqual(fleet.handle({ payload: samplePayload("user.card") }, A), { kind: "no-device", event: "user.card" });
            assert.deepStrictEqual(fleet.handle({ topic: "user.face", payload: samplePayload("user.face") }, A), {
                kind: "no-device",
                event: "user.face",
            });
            assert.deepStrictEqual(fleet.handle({ payload: { result: 0 } }, A), { kind: "no-device", event: "accesslog.created" });
            assert.deepStrictEqual(fleet.status(), { devices: 0, openDoors: 0, alarms: 0 });
        });
    });

    describe("names", function () {
        it("names a device as configured, serial numbers compared as serialKey does", function () {
            const fleet = setup({ devices: [{ serial: " alo-dc-1 ", name: " Front door " }] });
            const update = send(fleet, event("door.state", { doorState: "Open", doorName: "Main entrance" }, T0));
            assert.strictEqual(update.changes[0].topic, "Front door");
            assert.strictEqual(record(fleet).name, "Front door");
        });

        it("else by the doorName or deviceName of its events, kept while later events give none; else by its serial number", function () {
            const fleet = setup();
            send(fleet, door("Open", T0, "ALO-DC-2"));
            assert.strictEqual(record(fleet, "ALO-DC-2").name, "ALO-DC-2");
            send(fleet, event("door.healthcheck", { isConnected: true, deviceName: "Reader 2" }, T0, "ALO-DC-2"));
            const renamed = send(fleet, event("accesslog.created", { result: 0, doorName: "Loading bay" }, T0 + 1000, "ALO-DC-2"));
            assert.deepStrictEqual(
                renamed.changes.map((change) => [change.topic, change.changed]),
                [["Loading bay", ["lastAccess", "name"]]],
            );
            assertNothing(send(fleet, door("Open", T0 + 2000, "ALO-DC-2")));
            assert.strictEqual(record(fleet, "ALO-DC-2").name, "Loading bay");
        });
    });

    describe("values", function () {
        it("compares door and lock states with the configured values as text, case ignored", function () {
            const fleet = setup({ openValues: "Open, Ajar", closedValues: "Closed, Shut", lockedValues: "Locked,Secured" });
            const doors = ["OPEN", " ajar ", "Closed", " shut", 1].map(
                (value, index) => send(fleet, door(value, T0 + index * 1000)).changes[0]?.payload.door,
            );
            assert.deepStrictEqual(doors, ["open", undefined, "closed", undefined, "unknown"]);
            const locks = ["secured", "Unlocked", "LOCKED"].map(
                (value, index) => send(fleet, lock(value, T0 + index * 1000)).changes[0]?.payload.lock,
            );
            assert.deepStrictEqual(locks, ["locked", "unlocked", "locked"]);
        });

        it('matches numbers as text: a doorState of 1 matches "1"', function () {
            const fleet = setup({ openValues: "1", closedValues: "0", lockedValues: "1" });
            assert.strictEqual(send(fleet, door(1)).changes[0].payload.door, "open");
            assert.strictEqual(send(fleet, door(0, T0 + 1000)).changes[0].payload.door, "closed");
            assert.strictEqual(send(fleet, lock(1)).changes[0].payload.lock, "locked");
        });

        it("reads an access log's result as the event switch does, whatever its field", function () {
            const granted = [
                { result: "Access Granted" },
                { result: 0 },
                { resultType: "AccessGranted" },
                { accessLogResultType: "access_granted" },
            ];
            const denied = [
                { result: 2 },
                { accessLogResultType: "Unknown User" },
                { result: null, resultType: 1 },
                { result: "Card Expired" },
            ];
            for (const [fields, expected] of [...granted.map((f) => [f, true] as const), ...denied.map((f) => [f, false] as const)]) {
                const fleet = setup();
                send(fleet, event("accesslog.created", fields, T0));
                assert.strictEqual(record(fleet).lastAccess?.granted, expected, JSON.stringify(fields));
            }
        });
    });

    describe("door.held-open", function () {
        const config = { heldOpen: 30, forcedOpen: false };

        it("is raised when the door has been open longer than heldOpen, in a change message of its own, and cleared when it closes", function () {
            const fleet = setup(config);
            assert.strictEqual(send(fleet, door("Open")).deadline, A + 30_000);
            const early = fleet.due(SERIAL, A + 29_999);
            assertNothing(early);
            assert.strictEqual(early?.deadline, A + 30_000);
            const raised = fleet.due(SERIAL, A + 30_000);
            assert.deepStrictEqual(changedOf(raised), [["alarms"]]);
            assert.deepStrictEqual(alarmsOf(raised), [["door.held-open", "raised", A]]);
            assert.deepStrictEqual(raised?.alarms[0].payload.device.alarms, ["door.held-open"]);
            assert.strictEqual(raised?.deadline, null);
            assertNothing(fleet.due(SERIAL, A + 90_000));
            const closed = send(fleet, door("Closed", T0 + 40_000));
            assert.deepStrictEqual(changedOf(closed), [["door", "alarms"]]);
            assert.deepStrictEqual(alarmsOf(closed), [["door.held-open", "cleared", A]]);
            assert.deepStrictEqual(closed.alarms[0].payload.device.alarms, []);
        });

        it("gives the alarm's whole story in its payload", function () {
            const fleet = setup({ ...config, devices: [{ serial: SERIAL, name: "Front door" }] });
            send(fleet, door("Open"));
            const { payload } = fleet.due(SERIAL, A + 31_000)!.alarms[0];
            const { device, ...rest } = payload;
            assert.deepStrictEqual(rest, { alarm: "door.held-open", active: true, serialNumber: SERIAL, name: "Front door", since: A });
            assert.deepStrictEqual([device.door, device.alarms, device.changedAt.alarms], ["open", ["door.held-open"], A + 31_000]);
        });

        it("is off with heldOpen 0", function () {
            const fleet = setup({ heldOpen: 0, forcedOpen: false });
            assert.strictEqual(send(fleet, door("Open")).deadline, null);
            assertNothing(fleet.due(SERIAL, A + 86_400_000));
        });
    });

    describe("door.forced-open", function () {
        const config = { heldOpen: 0, grace: 5 };
        /** When a forced-open decision on an opening that arrived at A is due: grace and a second later. */
        const DECISION = A + 6000;

        /** A device whose lock is locked, then whose door opens at T0 after `before`; `after` arrive later. */
        function opening(before: Message[] = [], after: Message[] = [], settings: Record<string, unknown> = config) {
            const fleet = setup(settings);
            sendAll(fleet, lock("Locked", T0 - 60_000), ...before, door("Open"), ...after);
            return fleet;
        }

        function assertForced(fleet: DeviceFleet): void {
            assert.strictEqual(fleet.deadline(SERIAL), DECISION);
            assertNothing(fleet.due(SERIAL, DECISION - 1));
            const raised = fleet.due(SERIAL, DECISION);
            assert.deepStrictEqual([changedOf(raised), alarmsOf(raised)], [[["alarms"]], [["door.forced-open", "raised", A]]]);
            const closed = send(fleet, door("Closed", T0 + 20_000));
            assert.deepStrictEqual([changedOf(closed), alarmsOf(closed)], [[["door", "alarms"]], [["door.forced-open", "cleared", A]]]);
        }

        function assertNotForced(fleet: DeviceFleet): void {
            assert.strictEqual(fleet.deadline(SERIAL), null);
            assertNothing(fleet.due(SERIAL, DECISION + 60_000));
            assert.deepStrictEqual(record(fleet).alarms, []);
        }

        it("is raised when nothing explains an opening while locked by grace after it arrived, and cleared when the door closes", function () {
            assertForced(opening());
        });

        it("is not raised after a granted access signed within grace before the opening", function () {
            assertNotForced(opening([access(0, T0 - 5000)]));
            assertForced(opening([access(0, T0 - 6000)]));
        });

        it("is not raised when the lock was unlocked within grace before the opening, even locked again since", function () {
            assertNotForced(opening([lock("Unlocked", T0 - 4000), lock("Locked", T0 - 2000)]));
        });

        it("is not raised when a granted access signed within grace after the opening arrives after it", function () {
            assertNotForced(opening([], [access("Access Granted", T0 + 5000)]));
            assertForced(opening([], [access("Unknown User", T0 + 1000)]));
            const tooLate = opening();
            send(tooLate, access("Access Granted", T0 + 6000), T0 + 6100);
            assertForced(tooLate);
        });

        it("is not raised when an unlock signed before the opening arrives after it", function () {
            const fleet = opening([], [lock("Unlocked", T0 - 1000)]);
            assertNotForced(fleet);
            assert.strictEqual(record(fleet).lock, "unlocked");
        });

        it("waits grace after the opening's arrival, not its signing, when the opening arrives late", function () {
            const fleet = setup(config);
            send(fleet, lock("Locked", T0 - 60_000));
            const late = T0 + 30_000;
            assert.strictEqual(send(fleet, door("Open"), late).deadline, late + 6000);
            send(fleet, lock("Unlocked", T0 + 2000), late + 5000);
            assert.strictEqual(fleet.deadline(SERIAL), null);
        });

        it("is decided before an event that arrives after the decision was due, even if the timer has not fired yet", function () {
            const fleet = opening();
            const update = send(fleet, lock("Unlocked", T0 + 1000), DECISION + 10);
            assert.deepStrictEqual(changedOf(update), [["alarms"], ["lock"]]);
            assert.deepStrictEqual(alarmsOf(update), [["door.forced-open", "raised", A]]);
        });

        it("is raised and cleared at once when the door closed again before the decision", function () {
            const fleet = opening([], [door("Closed", T0 + 2000)]);
            const decided = fleet.due(SERIAL, DECISION);
            assert.deepStrictEqual(changedOf(decided), [["alarms"], ["alarms"]]);
            assert.deepStrictEqual(
                decided?.changes.map((change) => change.payload.alarms),
                [["door.forced-open"], []],
            );
            assert.deepStrictEqual(alarmsOf(decided), [
                ["door.forced-open", "raised", A],
                ["door.forced-open", "cleared", A],
            ]);
        });

        it("is not raised while the lock state is unknown", function () {
            const fleet = setup(config);
            send(fleet, door("Open"));
            assertNotForced(fleet);
        });

        it("is not raised with forcedOpen false", function () {
            assertNotForced(opening([], [], { ...config, forcedOpen: false }));
        });
    });

    describe("device.offline", function () {
        it("is raised by a health report saying disconnected, once, and cleared when it reports connected", function () {
            const fleet = setup();
            send(fleet, health({}));
            const offline = send(fleet, health({ isConnected: false }, T0 + 1000));
            assert.deepStrictEqual(
                [changedOf(offline), alarmsOf(offline)],
                [[["connected", "alarms"]], [["device.offline", "raised", A + 1000]]],
            );
            assertNothing(send(fleet, health({ isConnected: false }, T0 + 2000)));
            const online = send(fleet, health({ isConnected: true }, T0 + 3000));
            assert.deepStrictEqual(
                [changedOf(online), alarmsOf(online)],
                [[["connected", "alarms"]], [["device.offline", "cleared", A + 1000]]],
            );
        });
    });

    describe("device.silent", function () {
        const config = { heldOpen: 0, silentAfter: 600 };

        it("is raised when no event arrived for silentAfter, and cleared by the next event, in its change message", function () {
            const fleet = setup(config);
            assert.strictEqual(send(fleet, door("Closed")).deadline, A + 600_000);
            assertNothing(fleet.due(SERIAL, A + 599_999));
            const silent = fleet.due(SERIAL, A + 600_000);
            assert.deepStrictEqual(
                [changedOf(silent), alarmsOf(silent), silent?.deadline],
                [[["alarms"]], [["device.silent", "raised", A]], null],
            );
            const heard = send(fleet, door("Open", T0 + 700_000));
            assert.deepStrictEqual([changedOf(heard), alarmsOf(heard)], [[["door", "alarms"]], [["device.silent", "cleared", A]]]);
            assert.strictEqual(heard.deadline, T0 + 700_000 + DELAY + 600_000);
        });

        it("is raised and cleared when an event arrives after silentAfter before the timer fired", function () {
            const fleet = setup(config);
            send(fleet, door("Closed"));
            const late = send(fleet, door("Closed", T0 + 601_000));
            assert.deepStrictEqual(alarmsOf(late), [
                ["device.silent", "raised", A],
                ["device.silent", "cleared", A],
            ]);
        });

        it("is off by default", function () {
            assert.strictEqual(send(setup({ heldOpen: 0 }), door("Closed")).deadline, null);
        });
    });

    describe("get and forget", function () {
        function threeDevices(): DeviceFleet {
            const fleet = setup({
                devices: [
                    { serial: "S-10", name: "Door 10" },
                    { serial: "S-2", name: "Door 2" },
                ],
            });
            sendAll(fleet, door("Open", T0, "S-10"), door("Closed", T0, "S-2"), door("Open", T0, "annex-7"));
            return fleet;
        }

        it("gets every record, sorted by name", function () {
            const all = threeDevices().get(undefined);
            assert.ok(Array.isArray(all));
            assert.deepStrictEqual(
                all.map((one) => one.name),
                ["annex-7", "Door 2", "Door 10"],
            );
        });

        it("gets one record by serial number (spaces and case ignored) or by name (trimmed, case ignored); null for none", function () {
            const fleet = threeDevices();
            assert.strictEqual(record(fleet, " s-10").name, "Door 10");
            assert.strictEqual(record(fleet, "  door 2 ").serialNumber, "S-2");
            assert.strictEqual(record(fleet, "ANNEX-7").serialNumber, "annex-7");
            assert.strictEqual(fleet.get("Door 3"), null);
            assert.strictEqual(fleet.get(""), null);
        });

        it("forgets a device: its alarms cleared, one last change message with removed", function () {
            const fleet = threeDevices();
            send(fleet, health({ isConnected: false }, T0), T0 + 1000);
            fleet.due("S-10", A + 60_000);
            assert.deepStrictEqual(fleet.status(), { devices: 4, openDoors: 2, alarms: 2 });
            const forgotten = fleet.forget("door 10", A + 70_000);
            assert.deepStrictEqual([changedOf(forgotten), alarmsOf(forgotten)], [[["alarms"]], [["door.held-open", "cleared", A]]]);
            const [last] = forgotten!.changes;
            assert.deepStrictEqual(
                [last.topic, last.payload.removed, last.payload.alarms, last.previous?.alarms],
                ["Door 10", true, [], ["door.held-open"]],
            );
            assert.deepStrictEqual(fleet.status(), { devices: 3, openDoors: 1, alarms: 1 });
            assert.deepStrictEqual(
                [fleet.get("S-10"), fleet.due("S-10", A + 80_000), fleet.forget("S-10", A)],
                [null, undefined, undefined],
            );
        });

        it("forgets a device without alarms with one change message naming no field", function () {
            const forgotten = threeDevices().forget("S-2", A);
            assert.deepStrictEqual([changedOf(forgotten), forgotten?.alarms, forgotten?.deadline], [[[]], [], null]);
            assert.strictEqual(forgotten?.changes[0].payload.removed, true);
        });
    });

    describe("restart", function () {
        /** The devices stored by one run and read back, as JSON, by the next, which has `config`. */
        function restart(fleet: DeviceFleet, config: Record<string, unknown> = {}): DeviceFleet {
            return setup(config, JSON.parse(JSON.stringify(fleet.devicesToStore())));
        }

        it("restores every record flagged restored, sending nothing, its active alarms kept and not raised again", function () {
            const fleet = setup({ silentAfter: 0 });
            sendAll(fleet, health({ isConnected: false }), door("Open"));
            fleet.due(SERIAL, A + 60_000);
            const restored = restart(fleet);
            assert.deepStrictEqual(restored.status(), { devices: 1, openDoors: 1, alarms: 2 });
            assert.deepStrictEqual({ ...record(restored), restored: false }, record(fleet));
            assert.strictEqual(record(restored).restored, true);
            assert.deepStrictEqual(restored.deadlines(), []);
            assertNothing(restored.due(SERIAL, A + 120_000));
            const reported = send(restored, health({ isConnected: false }, T0 + 120_000));
            assertNothing(reported);
            assert.strictEqual(record(restored).restored, false);
            const closed = send(restored, door("Closed", T0 + 130_000));
            assert.deepStrictEqual(alarmsOf(closed), [["door.held-open", "cleared", A]]);
        });

        it("raises a held-open that fell due while stopped at the first due check", function () {
            const fleet = setup();
            send(fleet, door("Open"));
            const restored = restart(fleet);
            assert.deepStrictEqual(restored.deadlines(), [{ serialNumber: SERIAL, deadline: A + 60_000 }]);
            assert.deepStrictEqual(alarmsOf(restored.due(SERIAL, A + 3_600_000)), [["door.held-open", "raised", A]]);
        });

        it("carries on a pending forced-open decision, and a pending silent", function () {
            const fleet = setup({ heldOpen: 0, silentAfter: 600 });
            sendAll(fleet, lock("Locked", T0 - 60_000), door("Open"));
            const restored = restart(fleet, { heldOpen: 0, silentAfter: 600 });
            assert.strictEqual(restored.deadline(SERIAL), A + 6000);
            assert.deepStrictEqual(alarmsOf(restored.due(SERIAL, A + 600_000)), [
                ["door.forced-open", "raised", A],
                ["device.silent", "raised", A],
            ]);
        });

        it("applies a new configuration from then on: new heldOpen at once, a new name with the device's next change", function () {
            const fleet = setup();
            send(fleet, door("Open"));
            const restored = restart(fleet, { heldOpen: 10, devices: [{ serial: SERIAL, name: "Front door" }] });
            assert.strictEqual(restored.deadline(SERIAL), A + 10_000);
            assert.strictEqual(record(restored, "front door").name, SERIAL);
            const next = send(restored, door("Open", T0 + 5000));
            assert.deepStrictEqual(
                next.changes.map((change) => [change.topic, change.changed]),
                [["Front door", ["name"]]],
            );
        });

        it("reads back bare records and an object of stored devices, skipping what is not a device", function () {
            const fleet = setup();
            sendAll(fleet, door("Open"), health({ isConnected: false }));
            const [stored] = Object.values(fleet.devicesToStore());
            const bare = setup({}, { one: stored.record, two: null, three: { record: {} }, four: "x" });
            assert.deepStrictEqual(bare.status(), { devices: 1, openDoors: 1, alarms: 1 });
            const online = send(bare, health({ isConnected: true }, T0 + 1000));
            assert.deepStrictEqual(alarmsOf(online), [["device.offline", "cleared", A]]);
        });
    });

    it("counts devices, open doors and active alarms as they change", function () {
        const fleet = setup({ heldOpen: 0 });
        sendAll(fleet, door("Open", T0, "D-1"), door("Open", T0, "D-2"), door("Closed", T0 + 1000, "D-1"));
        send(fleet, event("door.healthcheck", { isConnected: false }, T0, "D-3"));
        assert.deepStrictEqual(fleet.status(), { devices: 3, openDoors: 1, alarms: 1 });
    });
});
