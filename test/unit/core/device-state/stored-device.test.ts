import assert from "assert";
import { blankDeviceRecord } from "../../../../src/core/device-state/record";
import { newDevice, restoreDevice } from "../../../../src/core/device-state/stored-device";

const AT = 1_795_900_000_300;

describe("stored devices", function () {
    it("reads back a stored device flagged restored, as it was", function () {
        const device = newDevice("ALO-1");
        Object.assign(device.record, { name: "Front door", door: "open", doorState: "Open", alarms: ["door.held-open"], lastSeen: AT });
        Object.assign(device.watch, { since: { "door.held-open": AT }, explainedAt: [AT - 1000, AT], eventName: "Main entrance" });
        const restored = restoreDevice(JSON.parse(JSON.stringify(device)));
        assert.deepStrictEqual(restored, { ...device, record: { ...device.record, restored: true } });
    });

    it("reads whatever it cannot use as unknown, and the times of active alarms from their fields", function () {
        const restored = restoreDevice({
            serialNumber: " ALO-2 ",
            name: 7,
            door: "ajar",
            doorState: { raw: true },
            connected: "no",
            lastAccess: { granted: "yes", at: AT },
            alarms: ["device.offline", "device.offline", "door.exploded", "door.held-open"],
            changedAt: { connected: AT, door: "then", color: AT },
            lastSeen: AT + 5,
            removed: true,
        });
        assert.deepStrictEqual(restored, {
            record: {
                ...blankDeviceRecord("ALO-2"),
                name: "ALO-2",
                alarms: ["device.offline", "door.held-open"],
                changedAt: { connected: AT },
                lastSeen: AT + 5,
                restored: true,
            },
            watch: {
                since: { "device.offline": AT, "door.held-open": AT + 5 },
                forcedOpenCheck: null,
                openSince: null,
                explainedAt: [],
                reportedAt: {},
                eventName: null,
            },
        });
    });

    it("reads back a lockdown, its alarm and the last doorbell; a lockdown alarm stored without its time began when lockdown changed", function () {
        const restored = restoreDevice({
            serialNumber: "ALO-3",
            lockdown: true,
            lockdownBy: "Dana",
            lastDoorbell: AT - 60_000,
            alarms: ["device.lockdown"],
            changedAt: { lockdown: AT - 1000 },
            lastSeen: AT,
        });
        assert.deepStrictEqual(
            [
                restored?.record.lockdown,
                restored?.record.lockdownBy,
                restored?.record.lastDoorbell,
                restored?.record.alarms,
                restored?.watch.since,
            ],
            [true, "Dana", AT - 60_000, ["device.lockdown"], { "device.lockdown": AT - 1000 }],
        );
        const unusable = restoreDevice({ serialNumber: "ALO-3", lockdown: "yes", lockdownBy: 5, lastDoorbell: "today" })?.record;
        assert.deepStrictEqual([unusable?.lockdown, unusable?.lockdownBy, unusable?.lastDoorbell], [null, null, null]);
    });

    it("reads back at most the newest 8 grants and unlocks, sorted, each once; the last grant and unlock of an older version", function () {
        const times = [9, 3, 3, "then", 1, 2, 11, 5, 7, 4, 10].map((second) => (typeof second === "number" ? AT + second * 1000 : second));
        const stored = { record: { serialNumber: "ALO-5", lastSeen: AT }, watch: { explainedAt: times } };
        assert.deepStrictEqual(
            restoreDevice(stored)?.watch.explainedAt,
            [2, 3, 4, 5, 7, 9, 10, 11].map((second) => AT + second * 1000),
        );
        const older = { ...stored, watch: { grantedAt: AT + 8000, unlockedAt: AT } };
        assert.deepStrictEqual(restoreDevice(older)?.watch.explainedAt, [AT, AT + 8000]);
        assert.deepStrictEqual(restoreDevice({ ...stored, watch: { grantedAt: null } })?.watch.explainedAt, []);
    });

    it("knows since when a door stored open by an older version has been open: when its door last changed", function () {
        const stored = { record: { serialNumber: "ALO-4", door: "open", changedAt: { door: AT }, lastSeen: AT + 9 }, watch: { since: {} } };
        assert.strictEqual(restoreDevice(stored)?.watch.openSince, AT);
        assert.strictEqual(restoreDevice({ ...stored, watch: { openSince: null } })?.watch.openSince, null);
        assert.strictEqual(restoreDevice({ ...stored.record, door: "closed" })?.watch.openSince, null);
    });

    it("reads nothing without a serial number", function () {
        for (const stored of [null, "ALO-1", [], {}, { serialNumber: " " }, { record: { name: "Front door" } }]) {
            assert.strictEqual(restoreDevice(stored), undefined, JSON.stringify(stored));
        }
    });
});
