// alocity-device-state in the test helper's runtime (see test/support/device-state-node.ts).
import assert from "assert/strict";
import type { AlarmMessage, ChangeMessage } from "../../src/core/device-state/changes";
import type { DeviceRecord } from "../../src/core/device-state/record";
import { samplePayload } from "../../src/core/events/samples";
import {
    alarmsIn,
    deviceStateSends,
    door,
    isAlarm,
    get,
    granted,
    health,
    load,
    lock,
    lockdownStart,
    nowSeconds,
    received,
    records,
    send,
    sentFor,
    STATE,
    stateFlow,
    warnings,
} from "../support/device-state-node";
import { deploy, nodeOf, statusesOf, useTestHelper } from "../support/test-helper";
import { eventually } from "../support/wait";

describe("alocity-device-state (test helper)", function () {
    useTestHelper();

    describe("alarms", function () {
        it("raises door.held-open when a door stays open, and clears it when the door closes", async function () {
            await load({ heldOpen: 0.2, devices: [{ serial: "DOOR-1", name: "Front door" }] });
            const alarms = received<AlarmMessage>("alarms");
            const [opened] = await sentFor(door("DOOR-1", "Open"));
            const { topic, changed, previous, payload: record } = opened as ChangeMessage;
            assert.deepEqual([topic, changed, previous], ["Front door", ["door", "name"], null]);
            await eventually(() => alarms.length === 1, "door.held-open raised");
            const { payload } = alarms[0];
            assert.deepEqual(
                [alarms[0].topic, payload.alarm, payload.active, payload.serialNumber, payload.name, payload.since, payload.device.alarms],
                ["door.held-open", "door.held-open", true, "DOOR-1", "Front door", record.changedAt.door, ["door.held-open"]],
            );
            assert.deepEqual(alarmsIn(await sentFor(door("DOOR-1", "Closed"))), [["door.held-open", "DOOR-1", "cleared"]]);
        });

        it("raises door.forced-open for a locked door opened without an explanation, whichever arrives first", async function () {
            await load({ heldOpen: 0, grace: 0 });
            const alarms = received<AlarmMessage>("alarms");
            const t = nowSeconds();
            send(
                ...["GRANT-FIRST", "OPEN-FIRST", "UNLOCK-AFTER", "FORCED"].map((serial) => lock(serial, "Locked", t)),
                granted("GRANT-FIRST", t),
                door("GRANT-FIRST", "Open", t),
                door("OPEN-FIRST", "Open", t),
                granted("OPEN-FIRST", t),
                door("UNLOCK-AFTER", "Open", t),
                lock("UNLOCK-AFTER", "Unlocked", t),
                door("FORCED", "Open", t),
            );
            // FORCED is judged last (1 s after its opening arrived): had the others been judged forced, they would be here by then.
            await eventually(() => alarms.length > 0, "door.forced-open raised");
            assert.deepEqual(alarmsIn(alarms), [["door.forced-open", "FORCED", "raised"]]);
            assert.deepEqual(alarmsIn(await sentFor(door("FORCED", "Closed"))), [["door.forced-open", "FORCED", "cleared"]]);
        });

        it("raises device.offline when a controller reports it lost its connection, once, and clears it when it is back", async function () {
            await load();
            assert.deepEqual(alarmsIn(await sentFor(health("CTRL-1", true))), []);
            assert.deepEqual(alarmsIn(await sentFor(health("CTRL-1", false), health("CTRL-1", false))), [
                ["device.offline", "CTRL-1", "raised"],
            ]);
            assert.deepEqual(alarmsIn(await sentFor(health("CTRL-1", true))), [["device.offline", "CTRL-1", "cleared"]]);
        });

        it("raises device.silent when a device sends nothing for a while, and clears it at its next event", async function () {
            await load({ silentAfter: 0.2 });
            const alarms = received<AlarmMessage>("alarms");
            send(door("DOOR-1", "Closed"));
            await eventually(() => alarms.length === 1, "device.silent raised");
            assert.deepEqual(alarmsIn(alarms), [["device.silent", "DOOR-1", "raised"]]);
            assert.deepEqual(alarmsIn(await sentFor(lock("DOOR-1", "Locked"))), [["device.silent", "DOOR-1", "cleared"]]);
        });
    });

    describe("commands", function () {
        const names = [
            { serial: "B-1", name: "Back door" },
            { serial: "A-1", name: "Front door" },
        ];

        it("get: every record sorted by name, or the one of a serial number or name, or null; the message is reused", async function () {
            await load({ devices: names });
            await sentFor(door("A-1", "Open"), door("B-1", "Closed"), door("C-1", "Closed"));
            const changes = received<Record<string, unknown>>("changes");
            const req = { headers: {}, marker: "a request" };
            const msg = { req };
            const all = await get(undefined, msg);
            assert.equal(all.req, req, "msg.req passes through");
            assert.ok(changes.includes(msg), "the message itself leaves the changes output");
            assert.deepEqual(
                (all.payload as DeviceRecord[]).map((record) => record.name),
                ["Back door", "C-1", "Front door"],
            );
            assert.equal(((await get(" a-1 ")).payload as DeviceRecord).name, "Front door");
            assert.equal(((await get("back DOOR")).payload as DeviceRecord).serialNumber, "B-1");
            assert.equal((await get("no such door")).payload, null);
            assert.equal(((await get("")).payload as DeviceRecord[]).length, 3, "blank text: every record");
            await sentFor(door("12345", "Closed"));
            assert.equal(((await get(12345)).payload as DeviceRecord).serialNumber, "12345", "a number is a serial number written out");
            assert.equal((await get(999)).payload, null);
        });

        it("forget: drops a device with a last change message and its active alarms cleared", async function () {
            await load({ devices: names });
            await sentFor(door("A-1", "Open"), health("A-1", false), door("B-1", "Closed"));
            const sent = await sentFor({ topic: "forget", payload: "Front door" });
            assert.deepEqual(alarmsIn(sent), [["device.offline", "A-1", "cleared"]]);
            const [last] = sent.filter((msg): msg is ChangeMessage => !isAlarm(msg));
            assert.deepEqual([last.topic, last.payload.removed, last.changed], ["Front door", true, ["alarms"]]);
            assert.deepEqual(
                (await records()).map((record) => record.serialNumber),
                ["B-1"],
            );
            assert.deepEqual(await sentFor({ topic: "forget", payload: "A-1" }), []);
            assert.match(warnings().join("\n"), /forget: no device has the serial number or name "A-1"/);
            assert.deepEqual(await sentFor({ topic: "forget", payload: Object.create(null) as object }), []);
            assert.match(
                warnings().join("\n"),
                /forget: msg.payload must be the serial number or name of a device \(text, or a number .*\), not an object/,
            );
            assert.deepEqual(
                (await records()).map((record) => record.serialNumber),
                ["B-1"],
            );
            await sentFor(door("12345", "Closed"));
            const [forgotten] = (await sentFor({ topic: "forget", payload: 12345 })) as ChangeMessage[];
            assert.deepEqual([forgotten.topic, forgotten.payload.removed], ["12345", true]);
        });
    });

    describe("input", function () {
        it("drops messages that are not Alocity events with a throttled warning, and ignores events without a device", async function () {
            const flow = await load();
            const junk = Array.from({ length: 7 }, (_, index) => ({ payload: index }));
            const card = { topic: "user.card", payload: samplePayload("user.card") };
            assert.deepEqual(await sentFor(...junk, card), []);
            assert.equal(warnings().length, 5, warnings().join("\n"));
            await deploy(flow); // closing the node writes the summary of what was held back
            assert.deepEqual(warnings().slice(5), ["Held back 2 more warnings like these in the last 10 s."]);
            assert.match(warnings()[0], /^Dropped a message that is not an Alocity event/);
            assert.deepEqual(await records(), []);
        });

        it("shows the number of devices, open doors and alarms, red while an alarm is active", async function () {
            await load();
            const status = () => statusesOf(STATE).at(-1);
            await sentFor(door("DOOR-1", "Open"), door("DOOR-2", "Closed"));
            await eventually(
                () => status()?.text === "2 devices · 1 open · 0 alarms",
                () => `the status, now ${JSON.stringify(status())}`,
            );
            assert.deepEqual(status(), { fill: "green", shape: "dot", text: "2 devices · 1 open · 0 alarms" });
            await sentFor(health("DOOR-2", false));
            await eventually(
                () => status()?.fill === "red",
                () => `a red status, now ${JSON.stringify(status())}`,
            );
            assert.deepEqual(status(), { fill: "red", shape: "dot", text: "2 devices · 1 open · 1 alarm" });
        });

        it("warns of a context store that settings.js does not have, and keeps the records in the default one", async function () {
            await load({ store: "nope" });
            assert.deepEqual(alarmsIn(await sentFor(health("CTRL-1", false))), [["device.offline", "CTRL-1", "raised"]]);
            assert.match(warnings().join("\n"), /The context store "nope" is not in settings.js/);
            assert.equal((await records()).length, 1);
        });
    });

    describe("redeploys and closing", function () {
        it("keeps the records and active alarms over full and modified-nodes redeploys, sending nothing for them", async function () {
            const flow = await load({ heldOpen: 60 });
            // Serial numbers are keys inside the stored object, never context key paths.
            await sentFor(door("DOOR-1", "Open"), health("ALO.2[a]", false), lockdownStart("GATE-3"));
            const before = await records();
            const sends = deviceStateSends().length;
            await deploy(flow, "full");
            const afterFull = await records();
            await deploy(stateFlow({ heldOpen: 60, name: "renamed" }), "nodes");
            const afterNodes = await records();
            assert.equal(deviceStateSends().length, sends + 2, "nothing sent but the two get answers");
            for (const restored of [afterFull, afterNodes]) {
                assert.deepEqual(
                    restored,
                    before.map((record) => ({ ...record, restored: true })),
                );
            }
            const gate = afterNodes.find((record) => record.serialNumber === "GATE-3");
            assert.deepEqual([gate?.lockdown, gate?.alarms], [true, ["device.lockdown"]], "still in lockdown, its alarm active");
            assert.deepEqual(statusesOf(STATE).at(-1), { fill: "red", shape: "dot", text: "3 devices · 1 open · 2 alarms" });
            assert.deepEqual(alarmsIn(await sentFor(health("ALO.2[a]", true))), [["device.offline", "ALO.2[a]", "cleared"]]);
        });

        it("clears its timers when closed: a closed node raises nothing", async function () {
            await load({ heldOpen: 1 }, "old");
            const old = nodeOf("old");
            old.receive(door("DOOR-1", "Open"));
            await deploy(stateFlow({ heldOpen: 1 }), "full");
            const alarms = received<AlarmMessage>("alarms");
            send(door("DOOR-1", "Open"));
            // The closed node's timer was due first: had it survived, it would have fired by now.
            await eventually(() => alarms.length === 1, "door.held-open from the new node");
            assert.equal(deviceStateSends(old).length, 1, "the old node sent its change, then nothing");
        });
    });
});
