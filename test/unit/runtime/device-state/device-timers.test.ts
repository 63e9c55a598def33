import assert from "assert";
import { DeviceTimers } from "../../../../src/runtime/device-state/device-timers";
import { overflowWarningsOf } from "../../../support/timer-warnings";
import { eventually } from "../../../support/wait";

describe("alocity-device-state's timers", function () {
    let timers: DeviceTimers | undefined;
    afterEach(function () {
        timers?.clearAll();
    });

    /** Timers that record what fired, and arm again what `again` gives for a device that fires. */
    function recording(again: (serialNumber: string) => number | null = () => null) {
        const fired: string[] = [];
        timers = new DeviceTimers((serialNumber) => {
            fired.push(serialNumber);
            timers?.arm(serialNumber, again(serialNumber));
        });
        return { timers, fired };
    }

    /** Arms each device in turn, its deadline `ms` from now (null: none). */
    function armFromNow(timers: DeviceTimers, ...deadlines: [serialNumber: string, ms: number | null][]): void {
        const now = Date.now();
        for (const [serialNumber, ms] of deadlines) timers.arm(serialNumber, ms === null ? null : now + ms);
    }

    it("fires each device once its deadline has come, earliest first, with one timer for all", async function () {
        const { timers, fired } = recording();
        armFromNow(timers, ["ALO-3", 60], ["ALO-1", 20], ["ALO-2", 40], ["ALO-0", null]);
        await eventually(
            () => fired.length === 3,
            () => `three devices to fire, not ${JSON.stringify(fired)}`,
        );
        assert.deepStrictEqual(fired, ["ALO-1", "ALO-2", "ALO-3"]);
    });

    it("fires at once for a deadline already past", async function () {
        const { timers, fired } = recording();
        timers.arm("ALO-1", Date.now() - 60_000);
        await eventually(() => fired.length === 1, "a past deadline to fire");
    });

    it("fires a device once, at the sooner of two deadlines", async function () {
        const { timers, fired } = recording();
        armFromNow(timers, ["ALO-1", 100], ["ALO-1", 10], ["ALO-1", 50], ["ALO-2", 150]);
        await eventually(() => fired.includes("ALO-2"), "the later device to fire");
        assert.deepStrictEqual(fired, ["ALO-1", "ALO-2"]);
    });

    it("fires a device again when it is armed again as it fires", async function () {
        let left = 2;
        const { timers, fired } = recording(() => (left-- > 0 ? Date.now() + 10 : null));
        timers.arm("ALO-1", Date.now() + 10);
        await eventually(
            () => fired.length === 3,
            () => `three firings, not ${fired.length}`,
        );
        timers.arm("ALO-2", Date.now() + 30);
        await eventually(() => fired.includes("ALO-2"), "a device armed later to fire");
        assert.deepStrictEqual(fired, ["ALO-1", "ALO-1", "ALO-1", "ALO-2"]);
    });

    it("fires nothing armed before clearAll", async function () {
        const { timers, fired } = recording();
        timers.arm("ALO-1", Date.now() + 10);
        timers.clearAll();
        timers.arm("ALO-2", Date.now() + 50);
        await eventually(() => fired.length > 0, "the device armed after clearAll to fire");
        assert.deepStrictEqual(fired, ["ALO-2"]);
    });

    it("arms a deadline 30 days away (beyond setTimeout's longest delay) without a TimeoutOverflowWarning, and fires nothing yet", async function () {
        const { timers, fired } = recording();
        const warnings = await overflowWarningsOf(() => armFromNow(timers, ["ALO-1", 30 * 86_400_000]));
        assert.deepStrictEqual([warnings, fired], [[], []]);
    });
});
