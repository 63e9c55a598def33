import assert from "assert";
import { parseDeviceStateConfig } from "../../../../src/core/device-state/config";
import { DeviceFleet } from "../../../../src/core/device-state/fleet";

const DEVICES = 10_000;
const T0 = 1_795_900_000_000;
const config = parseDeviceStateConfig({ heldOpen: 60, silentAfter: 3600 });

const serialOf = (index: number) => `ALO-${index}`;

function doorEvent(index: number, doorState: string, signedAt: number) {
    const alocity = { event: "door.state", timestamp: signedAt / 1000, receivedAt: signedAt };
    return { topic: "door.state", payload: { serialNumber: serialOf(index), doorState }, alocity };
}

const ITERATORS = ["forEach", "keys", "values", "entries", Symbol.iterator] as const;

/** Runs `work` with every way of walking through a Map made to throw: proof that it scans no collection of devices. */
function withoutScans<Result>(work: () => Result): Result {
    const prototype = Map.prototype as unknown as Record<PropertyKey, unknown>;
    const originals = ITERATORS.map((name) => prototype[name]);
    for (const name of ITERATORS) {
        prototype[name] = () => assert.fail(`Map.prototype.${String(name)} called`);
    }
    try {
        return work();
    } finally {
        ITERATORS.forEach((name, index) => (prototype[name] = originals[index]));
    }
}

describe("device fleet with 10,000 devices", function () {
    let fleet: DeviceFleet;

    before(function () {
        fleet = new DeviceFleet(config);
        for (let index = 0; index < DEVICES; index++) {
            fleet.handle(doorEvent(index, "Open", T0), T0);
        }
    });

    it("keeps every device, and counts them without a scan", function () {
        const status = withoutScans(() => fleet.status());
        assert.deepStrictEqual(status, { devices: DEVICES, openDoors: DEVICES, alarms: 0 });
    });

    it("can tell a scan: getting every record is one", function () {
        assert.throws(() => withoutScans(() => fleet.get(undefined)), /Map\.prototype\.values called/);
    });

    it("handles an event, a timer and the commands on one device without going through the others", function () {
        const [closed, due, found, forgotten, status] = withoutScans(() => [
            fleet.handle(doorEvent(5000, "Closed", T0 + 1000), T0 + 1000),
            fleet.due(serialOf(42), T0 + 60_000),
            fleet.get(serialOf(43)),
            fleet.forget(serialOf(7), T0 + 61_000),
            fleet.status(),
        ]);
        assert.ok(closed.kind === "device");
        assert.deepStrictEqual(
            closed.changes.map((change) => [change.topic, change.changed]),
            [[serialOf(5000), ["door"]]],
        );
        assert.deepStrictEqual(
            due?.alarms.map((alarm) => [alarm.payload.serialNumber, alarm.topic]),
            [[serialOf(42), "door.held-open"]],
        );
        assert.strictEqual(!Array.isArray(found) && found?.door, "open");
        assert.strictEqual(forgotten?.changes[0].payload.removed, true);
        assert.deepStrictEqual(status, { devices: DEVICES - 1, openDoors: DEVICES - 2, alarms: 1 });
    });

    it("stores every device and reads them all back", function () {
        const restored = new DeviceFleet(config, JSON.parse(JSON.stringify(fleet.devicesToStore())));
        assert.deepStrictEqual(restored.status(), fleet.status());
        assert.strictEqual(restored.deadlines().length, DEVICES - 1);
    });
});
