// What alocity-device-state tells of the reports it reads: values nobody listed, lockdowns, doorbells, access logs
// without a result (see test/support/device-state-node.ts).
import assert from "assert/strict";
import type { ChangeMessage } from "../../src/core/device-state/changes";
import {
    alarmsIn,
    door,
    event,
    isAlarm,
    load,
    lock,
    records,
    sentFor,
    STATE,
    stateFlow,
    TYPE,
    warnings,
} from "../support/device-state-node";
import { deploy, logEntries, statusesOf, useTestHelper } from "../support/test-helper";
import { eventually } from "../support/wait";

const DEBUG = 50;
const accessLog = (serial: string, fields: Record<string, unknown>) => event("accesslog.created", serial, fields);
const changedIn = (messages: Awaited<ReturnType<typeof sentFor>>) =>
    messages.filter((msg): msg is ChangeMessage => !isAlarm(msg)).map((msg) => msg.changed);

describe("alocity-device-state reading reports (test helper)", function () {
    useTestHelper();

    it("warns once per field and value nobody listed, naming the properties to add it to, and shows it in yellow until the next deploy", async function () {
        await load({ name: "Doors" });
        await sentFor(
            door("DOOR-1", "Ajar"),
            door("DOOR-2", " AJAR"),
            lock("DOOR-1", "Jammed"),
            door("DOOR-1", "Closed"),
            door("DOOR-1", "ajar"),
        );
        const unlisted = warnings().filter((line) => /which is in neither/.test(line));
        assert.deepEqual(unlisted, [
            'Device DOOR-1 sent doorState "Ajar", which is in neither openValues nor closedValues: it is shown as unknown, and raises or clears no alarm. Add "Ajar" to openValues or closedValues in the properties of this node (Doors).',
            'Device DOOR-1 sent lockState "Jammed", which is in neither lockedValues nor unlockedValues: it is shown as unknown, and raises or clears no alarm. Add "Jammed" to lockedValues or unlockedValues in the properties of this node (Doors).',
        ]);
        assert.deepEqual(
            (await records()).map(({ door, doorState, lock }) => [door, doorState, lock]),
            [
                ["unknown", "ajar", "unknown"],
                ["unknown", " AJAR", "unknown"],
            ],
        );
        const status = () => statusesOf(STATE).at(-1);
        await eventually(
            () => status()?.text === "2 devices · 0 open · 0 alarms · 2 unlisted values",
            () => `the status, now ${JSON.stringify(status())}`,
        );
        assert.equal(status()?.fill, "yellow");
        await deploy(stateFlow({ name: "Doors" }));
        await sentFor(door("DOOR-3", "Open"));
        await eventually(
            () => status()?.text === "3 devices · 1 open · 0 alarms",
            () => `a new deploy's status, now ${JSON.stringify(status())}`,
        );
        assert.equal(status()?.fill, "green");
    });

    it("remembers a thousand values nobody listed; one past them is told each time it comes, through the throttled warnings", async function () {
        await load();
        const values = Array.from({ length: 1000 }, (_, index) => `State ${index}`);
        await sentFor(...values.map((value) => door("DOOR-1", value)));
        const told = () => warnings().filter((line) => /which is in neither openValues nor closedValues/.test(line));
        assert.equal(told().length, 1000);
        await sentFor(door("DOOR-1", "State 0"), door("DOOR-1", "One more"), door("DOOR-1", "One more"));
        assert.deepEqual(
            told()
                .slice(1000)
                .map((line) => /sent doorState "([^"]+)"/.exec(line)?.[1]),
            ["One more", "One more"],
        );
        const status = () => statusesOf(STATE).at(-1);
        await eventually(
            () => status()?.text === "1 device · 0 open · 0 alarms · 1000 unlisted values",
            () => `the status, now ${JSON.stringify(status())}`,
        );
    });

    it("shows the one value nobody listed in its status, and red over yellow while an alarm is active", async function () {
        await load({ heldOpen: 0 });
        await sentFor(door("DOOR-1", "Ajar"));
        const status = () => statusesOf(STATE).at(-1);
        await eventually(
            () => status()?.text === '1 device · 0 open · 0 alarms · unlisted doorState "Ajar"',
            () => `the status, now ${JSON.stringify(status())}`,
        );
        await sentFor(accessLog("DOOR-1", { result: "Lockdown Start" }));
        await eventually(
            () => status()?.fill === "red",
            () => `a red status, now ${JSON.stringify(status())}`,
        );
    });

    it("warns at start of values in both lists of a field", async function () {
        await load({ openValues: "Open, 1", closedValues: "Closed, 1" });
        assert.match(warnings().join("\n"), /The values 1 are in both openValues and closedValues: they are read as in openValues/);
    });

    it("raises and clears device.lockdown, keeps the last doorbell, and counts neither as an access", async function () {
        await load();
        const started = await sentFor(accessLog("GATE-1", { result: 7, userName: "Dana" }));
        assert.deepEqual(alarmsIn(started), [["device.lockdown", "GATE-1", "raised"]]);
        assert.deepEqual(changedIn(started), [["lockdown", "name", "alarms"]]);
        const rung = await sentFor(accessLog("GATE-1", { result: "Doorbell" }));
        assert.deepEqual([changedIn(rung), alarmsIn(rung)], [[["lastDoorbell"]], []]);
        const ended = await sentFor(accessLog("GATE-1", { result: "Lockdown End" }));
        assert.deepEqual(alarmsIn(ended), [["device.lockdown", "GATE-1", "cleared"]]);
        const [record] = await records();
        assert.deepEqual(
            [record.lockdown, record.lockdownBy, record.lastAccess, typeof record.lastDoorbell],
            [false, null, null, "number"],
        );
    });

    it("changes nothing but lastSeen for an access log without a result, logged at debug level", async function () {
        await load();
        await sentFor(accessLog("GATE-1", { result: 0, userName: "Dana" }));
        assert.deepEqual(await sentFor({ payload: { serialNumber: "GATE-1", tamperDetected: true } }), []);
        const [record] = await records();
        assert.deepEqual([record.lastAccess?.user, record.lastAccess?.granted], ["Dana", true]);
        const debug = logEntries(TYPE)
            .filter((entry) => entry.level === DEBUG)
            .map((entry) => String(entry.msg));
        assert.deepEqual(debug, [
            "An access log from GATE-1 has no result: it is no access attempt, and only refreshes the device's lastSeen.",
        ]);
    });
});
