import assert from "assert";
import {
    DEVICE_STATE_DEFAULTS,
    deviceNameOf,
    doorPositionOf,
    lockPositionOf,
    parseDeviceStateConfig,
    valuesInBothLists,
} from "../../../../src/core/device-state/config";

describe("device-state configuration", function () {
    const defaults = {
        names: new Map(),
        openValues: ["Open"],
        closedValues: ["Closed"],
        lockedValues: ["Locked"],
        unlockedValues: ["Unlocked"],
        heldOpenMs: 60_000,
        forcedOpen: true,
        graceMs: 5000,
        silentAfterMs: 0,
    };

    it("takes the defaults when nothing is saved", function () {
        assert.deepStrictEqual(parseDeviceStateConfig({}), defaults);
        assert.deepStrictEqual(parseDeviceStateConfig(undefined), defaults);
        assert.strictEqual(DEVICE_STATE_DEFAULTS.heldOpen * 1000, defaults.heldOpenMs);
    });

    it("reads saved values: lists split at commas, seconds as numbers or text, flags as booleans or text", function () {
        const config = parseDeviceStateConfig({
            openValues: "Open, Ajar ,",
            lockedValues: 1,
            heldOpen: "0",
            forcedOpen: "false",
            grace: 2.5,
            silentAfter: " 900 ",
        });
        assert.deepStrictEqual(config, {
            ...defaults,
            openValues: ["Open", "Ajar"],
            lockedValues: ["1"],
            heldOpenMs: 0,
            forcedOpen: false,
            graceMs: 2500,
            silentAfterMs: 900_000,
        });
    });

    it("falls back to the default for a value it cannot use", function () {
        const config = parseDeviceStateConfig({
            openValues: " , ",
            lockedValues: ["Locked"],
            heldOpen: -5,
            forcedOpen: "maybe",
            grace: "soon",
            silentAfter: Infinity,
            devices: "Front door",
        });
        assert.deepStrictEqual(config, defaults);
    });

    it("reads device names by serial key, skipping rows without a serial or a name; the first row of a serial wins", function () {
        const { names } = parseDeviceStateConfig({
            devices: [
                { serial: " ALO-DC 1 ", name: " Front door " },
                { serial: "alo-dc1", name: "Twice" },
                { serial: 42, name: "Gate" },
                { serial: "", name: "No serial" },
                { serial: "ALO-3", name: "  " },
                null,
            ],
        });
        assert.deepStrictEqual(
            [...names],
            [
                ["alo-dc1", "Front door"],
                ["42", "Gate"],
            ],
        );
    });

    it("tells door and lock positions from their values, case ignored, numbers as text; a value in neither list is unknown", function () {
        const config = parseDeviceStateConfig({ openValues: "open,1", closedValues: "0, Closed", lockedValues: "LOCKED" });
        assert.deepStrictEqual(
            ["OPEN", 1, "1", 0, " closed ", "Ajar", 2].map((value) => doorPositionOf(config, value)),
            ["open", "open", "open", "closed", "closed", "unknown", "unknown"],
        );
        assert.deepStrictEqual(
            ["locked", "Unlocked", 0, "Secured"].map((value) => lockPositionOf(config, value)),
            ["locked", "unlocked", "unknown", "unknown"],
        );
    });

    it("finds the values a field's two lists both hold, as they are compared", function () {
        const saved = { openValues: "Open, 1, Ajar", closedValues: " AJAR ,Closed,1", lockedValues: "Locked", unlockedValues: "Unlocked" };
        assert.deepStrictEqual(valuesInBothLists("doorState", saved), ["1", "Ajar"]);
        assert.deepStrictEqual(valuesInBothLists("lockState", saved), []);
        assert.deepStrictEqual(
            valuesInBothLists("lockState", { lockedValues: "Locked, unlocked" }),
            ["unlocked"],
            "a list not saved is its default",
        );
        assert.strictEqual(doorPositionOf(parseDeviceStateConfig(saved), "ajar"), "open", "the open list is read first");
    });

    it("names a device as configured, else by its events' name, else by its serial number", function () {
        const config = parseDeviceStateConfig({ devices: [{ serial: "ALO-1", name: "Front door" }] });
        assert.strictEqual(deviceNameOf(config, "alo-1", "Main entrance"), "Front door");
        assert.strictEqual(deviceNameOf(config, "ALO-2", "Main entrance"), "Main entrance");
        assert.strictEqual(deviceNameOf(config, "ALO-2", null), "ALO-2");
    });
});
