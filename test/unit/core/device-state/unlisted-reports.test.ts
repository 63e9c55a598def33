import assert from "assert";
import { A, door, lock, SERIAL, T0 } from "../../../support/device-events";
import { alarmsOf, changedOf, record, send, sendAll, setup } from "../../../support/device-fleet";

describe("device fleet: values nobody listed", function () {
    it("read a door or a lock as unknown, keep the raw value and tell the adapter", function () {
        const fleet = setup();
        const ajar = send(fleet, door("Ajar"));
        assert.deepStrictEqual(
            [record(fleet).door, record(fleet).doorState, ajar.notices],
            ["unknown", "Ajar", [{ kind: "unlisted", field: "doorState", value: "Ajar" }]],
        );
        const jammed = send(fleet, lock(3, T0 + 1000));
        assert.deepStrictEqual(
            [record(fleet).lock, record(fleet).lockState, jammed.notices],
            ["unknown", 3, [{ kind: "unlisted", field: "lockState", value: 3 }]],
        );
        assert.deepStrictEqual(send(fleet, door("closed", T0 + 2000)).notices, []);
    });

    it("raise nothing and clear nothing on an open door: its held-open stays pending, then raised, until it is reported closed", function () {
        const fleet = setup({ heldOpen: 30, forcedOpen: false });
        send(fleet, door("Open"));
        const unknown = send(fleet, door("Ajar", T0 + 5000));
        assert.deepStrictEqual([changedOf(unknown), unknown.alarms, unknown.deadline], [[["door"]], [], A + 30_000]);
        assert.deepStrictEqual(alarmsOf(fleet.due(SERIAL, A + 30_000)), [["door.held-open", "raised", A]]);
        const openAgain = send(fleet, door("Open", T0 + 40_000));
        assert.deepStrictEqual([changedOf(openAgain), openAgain.alarms], [[["door"]], []]);
        assert.deepStrictEqual(alarmsOf(send(fleet, door("Ajar", T0 + 41_000))), []);
        assert.deepStrictEqual(alarmsOf(send(fleet, door("Closed", T0 + 50_000))), [["door.held-open", "cleared", A]]);
    });

    it("do not take an open door that reports an unlisted value, then open again, as a new opening", function () {
        const fleet = setup({ heldOpen: 30 });
        sendAll(fleet, lock("Locked", T0 - 60_000), lock("Unlocked", T0 - 1000), door("Open"), lock("Locked", T0 + 2000));
        send(fleet, door("Ajar", T0 + 20_000));
        send(fleet, door("Open", T0 + 25_000));
        assert.strictEqual(fleet.deadline(SERIAL), A + 30_000, "held open from the first opening, no forced-open check");
        assert.deepStrictEqual(alarmsOf(fleet.due(SERIAL, A + 30_000)), [["door.held-open", "raised", A]]);
    });

    it("keep a forced opening active while the door's state is unknown when it is decided", function () {
        const fleet = setup({ heldOpen: 0 });
        sendAll(fleet, lock("Locked", T0 - 60_000), door("Open"), door("Ajar", T0 + 1000));
        const decided = fleet.due(SERIAL, A + 6000);
        assert.deepStrictEqual(alarmsOf(decided), [["door.forced-open", "raised", A]]);
        assert.deepStrictEqual(record(fleet).alarms, ["door.forced-open"]);
    });

    it("a lock in an unknown state neither raises a forced opening nor explains one", function () {
        const unknownLock = setup({ heldOpen: 0 });
        sendAll(unknownLock, lock("Jammed", T0 - 60_000), door("Open"));
        assert.strictEqual(unknownLock.deadline(SERIAL), null);
        const lockedThenUnknown = setup({ heldOpen: 0 });
        sendAll(lockedThenUnknown, lock("Locked", T0 - 60_000), door("Open"), lock("Jammed", T0 + 1000));
        assert.deepStrictEqual(alarmsOf(lockedThenUnknown.due(SERIAL, A + 6000)), [["door.forced-open", "raised", A]]);
    });

    it("a door that opens from an unknown state is an opening", function () {
        const fleet = setup({ heldOpen: 10, forcedOpen: false });
        sendAll(fleet, door("Closed"), door("Ajar", T0 + 1000), door("Open", T0 + 2000));
        assert.strictEqual(fleet.deadline(SERIAL), A + 2000 + 10_000);
    });
});
