// door.forced-open against every granted access and unlock within the grace of the opening, in any order of arrival.
import assert from "assert";
import type { DeviceFleet } from "../../../../src/core/device-state/fleet";
import { A, access, DELAY, door, lock, SERIAL, T0, type Message } from "../../../support/device-events";
import { alarmsOf, record, send, setup } from "../../../support/device-fleet";
import { fc, runs } from "../../../support/property";

const config = { heldOpen: 0, grace: 1 };
const granted = (signedAt: number) => access("Access Granted", signedAt);

/** Sends each message in turn, arriving in that order (each 10 ms after the one before, from A). */
function arriveInOrder(fleet: DeviceFleet, messages: Message[]): void {
    messages.forEach((msg, index) => send(fleet, msg, A + index * 10));
}

/** The forced-open alarms the fleet raises once every decision is due. */
function forcedOpenings(fleet: DeviceFleet): unknown[] {
    return alarmsOf(fleet.due(SERIAL, A + 3_600_000)) ?? [];
}

function explainedAt(fleet: DeviceFleet): number[] {
    return fleet.devicesToStore()[SERIAL].watch.explainedAt;
}

/** A fleet restarted on what it stored, as the node reads it back from its context store. */
function restart(fleet: DeviceFleet): DeviceFleet {
    return setup(config, JSON.parse(JSON.stringify(fleet.devicesToStore())));
}

describe("door.forced-open and the grants and unlocks that explain an opening", function () {
    it("is not raised by an opening that arrives after a newer grant, when an older grant is within grace of it", function () {
        const fleet = setup(config);
        arriveInOrder(fleet, [lock("Locked", T0 - 10_000), granted(T0), granted(T0 + 8000), door("Open", T0 + 1000)]);
        assert.strictEqual(fleet.deadline(SERIAL), null);
        assert.deepStrictEqual([forcedOpenings(fleet), record(fleet).alarms], [[], []]);
    });

    it("is not raised by such an opening after a restart, nor on a record stored before 0.2.0 (the last grant and unlock)", function () {
        const fleet = setup(config);
        arriveInOrder(fleet, [lock("Locked", T0 - 10_000), granted(T0), granted(T0 + 8000)]);
        const restarted = restart(fleet);
        send(restarted, door("Open", T0 + 1000));
        assert.deepStrictEqual(forcedOpenings(restarted), []);

        const stored = fleet.devicesToStore()[SERIAL];
        const olderWatch: Record<string, unknown> = { ...stored.watch, grantedAt: T0 + 8000, unlockedAt: T0 };
        delete olderWatch.explainedAt;
        const older = setup(config, JSON.parse(JSON.stringify({ [SERIAL]: { ...stored, watch: olderWatch } })));
        assert.deepStrictEqual(explainedAt(older), [T0, T0 + 8000]);
        send(older, door("Open", T0 + 1000));
        assert.deepStrictEqual(forcedOpenings(older), []);
    });

    it("is still raised when no grant or unlock is within grace of the opening, whichever arrived", function () {
        const fleet = setup(config);
        arriveInOrder(fleet, [
            lock("Locked", T0 - 10_000),
            granted(T0 - 1000),
            lock("Unlocked", T0 - 3000),
            lock("Locked", T0 - 2000),
            granted(T0 + 3000),
            door("Open", T0 + 1000),
        ]);
        const arrived = A + 50;
        assert.strictEqual(fleet.deadline(SERIAL), arrived + 2000);
        assert.deepStrictEqual(forcedOpenings(fleet), [["door.forced-open", "raised", arrived]]);
    });

    it("keeps at most 8 grants and unlocks, the newest, and none more than grace before the latest door report", function () {
        const fleet = setup(config);
        const grants = Array.from({ length: 20 }, (_, second) => granted(T0 + second * 1000));
        arriveInOrder(fleet, [lock("Locked", T0 - 10_000), ...grants]);
        assert.deepStrictEqual(
            explainedAt(fleet),
            Array.from({ length: 8 }, (_, index) => T0 + (12 + index) * 1000),
        );
        send(fleet, door("Closed", T0 + 30_000), T0 + 30_000 + DELAY);
        send(fleet, lock("Unlocked", T0 + 31_000), T0 + 31_000 + DELAY);
        send(fleet, granted(T0 + 28_000), T0 + 31_000 + DELAY);
        assert.deepStrictEqual(explainedAt(fleet), [T0 + 31_000], "an opening signed before the door report would be stale");
    });

    it("is raised exactly when no grant is within grace of the opening, whatever the order of arrival and a restart", function () {
        const scenario = fc.record({
            grace: fc.integer({ min: 1, max: 10 }),
            grants: fc.array(fc.integer({ min: -15, max: 15 }), { maxLength: 7 }),
            order: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 8, maxLength: 8 }),
            restartAfter: fc.integer({ min: -1, max: 8 }),
        });
        fc.assert(
            fc.property(scenario, ({ grace, grants, order, restartAfter }) => {
                const settings = { heldOpen: 0, grace };
                const opening = door("Open", T0);
                const messages = [opening, ...grants.map((offset) => granted(T0 + offset * 1000))];
                const arrivals = messages.map((msg, index) => ({ msg, key: order[index] })).sort((a, b) => a.key - b.key);
                let fleet = setup(settings);
                send(fleet, lock("Locked", T0 - 60_000), A - 1000);
                arrivals.forEach(({ msg }, index) => {
                    send(fleet, msg, A + index * 10);
                    if (index === restartAfter) fleet = setup(settings, JSON.parse(JSON.stringify(fleet.devicesToStore())));
                });
                const explained = grants.some((offset) => Math.abs(offset) <= grace);
                const openedAt = A + arrivals.findIndex(({ msg }) => msg === opening) * 10;
                const expected = explained ? [] : [["door.forced-open", "raised", openedAt]];
                assert.deepStrictEqual(alarmsOf(fleet.due(SERIAL, A + 3_600_000)) ?? [], expected);
            }),
            runs(500),
        );
    });
});
