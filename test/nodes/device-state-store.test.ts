// alocity-device-state with a context store that answers late, or never (see test/support/gated-store.ts).
import assert from "assert/strict";
import type { ChangeMessage } from "../../src/core/device-state/changes";
import type { DeviceRecord } from "../../src/core/device-state/record";
import { alarmsIn, door, errors, health, infos, received, records, send, sentFor, STATE, warnings } from "../support/device-state-node";
import { GatedStore, loadWith } from "../support/gated-store";
import { nodeOf, statusesOf, useTestHelper, type NodeModule } from "../support/test-helper";
import { eventually } from "../support/wait";
import { loadModule } from "../support/modules";
import { ManualClock } from "../support/manual-clock";

const catchNode = loadModule<NodeModule>("@node-red/nodes/core/common/25-catch.js");

describe("alocity-device-state with an asynchronous context store (test helper)", function () {
    useTestHelper();

    it("handles the messages that arrive while the records are read, in order, once they are", async function () {
        const gated = new GatedStore();
        const now = Date.now();
        gated.values.devices = {
            "DOOR-1": { record: { serialNumber: "DOOR-1", door: "open", doorState: "Open", changedAt: { door: now }, lastSeen: now } },
        };
        await loadWith(gated);
        assert.deepEqual(statusesOf(STATE).at(-1), { fill: "grey", shape: "ring", text: "reading the stored records" });
        const changes = received("changes");
        send(door("DOOR-1", "Closed"), door("DOOR-2", "Open"), { topic: "get" });
        const sentBy = Date.now();
        await eventually(() => Date.now() > sentBy, "the clock past the events' arrival");
        gated.release();
        await eventually(
            () => changes.length === 3,
            () => `three messages, now ${JSON.stringify(changes)}`,
        );
        const [closed, opened, answer] = changes;
        assert.ok(closed.payload.lastSeen <= sentBy && opened.payload.lastSeen <= sentBy, "seen when they arrived, not once read");
        assert.deepEqual(
            [closed.topic, closed.previous?.door, closed.previous?.restored, closed.payload.door],
            ["DOOR-1", "open", true, "closed"],
        );
        assert.deepEqual([opened.topic, opened.previous], ["DOOR-2", null]);
        assert.deepEqual(
            (answer.payload as unknown as DeviceRecord[]).map((record) => [record.serialNumber, record.door]),
            [
                ["DOOR-1", "closed"],
                ["DOOR-2", "open"],
            ],
        );
        const storedSerials = () =>
            Object.keys(gated.values.devices ?? {})
                .sort()
                .join();
        await eventually(
            () => storedSerials() === "DOOR-1,DOOR-2",
            () => `both devices stored (a moment after the change), now ${storedSerials()}`,
        );
    });

    it("logs a failed write, and carries on with the records in memory", async function () {
        const gated = new GatedStore();
        await loadWith(gated);
        gated.release();
        await eventually(() => statusesOf(STATE).at(-1)?.fill === "green", "the records read");
        gated.failWith = new Error("store unreachable");
        assert.deepEqual(alarmsIn(await sentFor(health("CTRL-1", false))), [["device.offline", "CTRL-1", "raised"]]);
        const logged = await eventually(() => errors()[0], "a write error logged");
        assert.match(logged, /^Could not store the device records in the context store "gated": store unreachable\./);
        assert.equal((await records()).length, 1);
    });

    /** DOOR-1, stored open: what a failed read must not write over. */
    function storedDoor(gated: GatedStore) {
        const at = Date.now();
        gated.values.devices = {
            "DOOR-1": { record: { serialNumber: "DOOR-1", door: "open", doorState: "Open", changedAt: { door: at }, lastSeen: at } },
        };
        return structuredClone(gated.values.devices);
    }

    /** Moves the clock on by `ms`; resolves once every read it started has been answered. */
    async function advance(clock: ManualClock, gated: GatedStore, ms: number) {
        clock.advance(ms);
        await eventually(
            () => gated.answered === gated.reads,
            () => `read ${gated.reads} answered`,
        );
    }

    /** The waiting events have been applied: DOOR-1, read back, closed, and DOOR-2 opened. */
    function assertAppliedOnStoredRecords(changes: ChangeMessage[]) {
        const [closed, opened] = changes;
        assert.deepEqual(
            [closed.topic, closed.previous?.door, closed.previous?.restored, closed.payload.door],
            ["DOOR-1", "open", true, "closed"],
            "the stored record survived, and the first waiting event was applied to it",
        );
        assert.deepEqual([opened.topic, opened.previous, opened.payload.door], ["DOOR-2", null, "open"]);
    }

    it("writes nothing over the stored records when the first reads fail: reads again after 1 s, then 2 s, and applies the waiting events once one answers", async function () {
        const clock = new ManualClock();
        const gated = new GatedStore();
        const stored = storedDoor(gated);
        gated.failRead = (read) => read <= 2;
        await loadWith(gated, { schedule: (delayMs, run) => clock.after(delayMs, run) });
        const changes = received("changes");
        gated.release();
        await eventually(() => errors().length === 1, "the failed read logged");
        assert.deepEqual([gated.sets, gated.values.devices], [0, stored], "nothing written over the stored records");
        assert.match(
            errors()[0],
            /^Could not read the stored device records from the context store "gated": read timed out\. Nothing is written over them: the node reads again in 1 s, /,
        );
        await eventually(
            () => statusesOf(STATE).at(-1)?.text === 'context store "gated" unreadable: retrying',
            () => `the status red, now ${JSON.stringify(statusesOf(STATE).at(-1))}`,
        );
        assert.deepEqual(statusesOf(STATE).at(-1)?.fill, "red");
        send(door("DOOR-1", "Closed"), door("DOOR-2", "Open"));
        await advance(clock, gated, 999);
        assert.equal(gated.reads, 1, "no read before 1 s");
        await advance(clock, gated, 1);
        assert.equal(gated.reads, 2, "the second read at 1 s");
        await advance(clock, gated, 1999);
        assert.equal(gated.reads, 2, "no read before 2 s more");
        assert.deepEqual([gated.sets, changes.length, errors().length], [0, 0, 1], "nothing written or applied, one error logged");
        assert.deepEqual(gated.values.devices, stored);
        await advance(clock, gated, 1);
        await eventually(
            () => changes.length === 2,
            () => `both waiting events applied, now ${JSON.stringify(changes.map((c) => [c.topic, c.payload]))}`,
        );
        assertAppliedOnStoredRecords(changes);
        assert.deepEqual(infos(), [
            'The context store "gated" answered (failed reads before it: 2): the stored device records are back, and the 2 events that waited are applied now, in order.',
        ]);
        await eventually(() => statusesOf(STATE).at(-1)?.fill === "green", "the status back to the records' summary");
        const storedDoors = () =>
            Object.entries(gated.values.devices as Record<string, { record: DeviceRecord }>).map(([serial, { record }]) => [
                serial,
                record.door,
            ]);
        await eventually(
            () =>
                JSON.stringify(storedDoors()) ===
                JSON.stringify([
                    ["DOOR-1", "closed"],
                    ["DOOR-2", "open"],
                ]),
            () => `both devices stored as they are now, now ${JSON.stringify(storedDoors())}`,
        );
    });

    it("takes a store whose get throws as a failed read: reads again after 1 s, never writing over the records", async function () {
        const clock = new ManualClock();
        const gated = new GatedStore();
        storedDoor(gated);
        gated.throwRead = (read) => read === 1;
        await loadWith(gated, { schedule: (delayMs, run) => clock.after(delayMs, run) });
        const changes = received("changes");
        gated.release();
        await eventually(() => errors().length === 1, "the failed read logged");
        assert.match(errors()[0], /from the context store "gated": the store's get threw\. Nothing is written over them/);
        send(door("DOOR-1", "Closed"), door("DOOR-2", "Open"));
        assert.deepEqual([gated.sets, changes.length], [0, 0], "nothing written or applied");
        clock.advance(1000);
        await eventually(() => changes.length === 2, "both waiting events applied once the store answers");
        assertAppliedOnStoredRecords(changes);
    });

    it("keeps reading a store that fails for a minute, less and less often (at most every 30 s), logging once until it answers", async function () {
        const clock = new ManualClock();
        const gated = new GatedStore();
        const stored = storedDoor(gated);
        const start = clock.now();
        const readAt: number[] = [];
        gated.failRead = () => {
            readAt.push(clock.now() - start);
            return clock.now() - start < 60_000;
        };
        await loadWith(gated, { schedule: (delayMs, run) => clock.after(delayMs, run) });
        const changes = received("changes");
        gated.release();
        await eventually(() => gated.answered === 1, "the first read answered");
        send(door("DOOR-1", "Closed"), door("DOOR-2", "Open"));
        for (let second = 1; second < 61; second++) {
            await advance(clock, gated, 1000);
        }
        assert.deepEqual([gated.sets, changes.length, errors().length], [0, 0, 1], "nothing written or applied, one error logged");
        assert.deepEqual(gated.values.devices, stored);
        await advance(clock, gated, 1000);
        assert.deepEqual(readAt, [0, 1_000, 3_000, 7_000, 15_000, 31_000, 61_000]);
        await eventually(
            () => changes.length === 2,
            () => `both waiting events applied, now ${JSON.stringify(changes.map((c) => [c.topic, c.payload]))}`,
        );
        assertAppliedOnStoredRecords(changes);
        assert.match(infos().join("\n"), /^The context store "gated" answered \(failed reads before it: 6\)/);
    });

    it("stops reading again, and writes nothing, when it closes while the store fails", async function () {
        const clock = new ManualClock();
        const gated = new GatedStore();
        const stored = storedDoor(gated);
        gated.failRead = () => true;
        await loadWith(gated, { schedule: (delayMs, run) => clock.after(delayMs, run) });
        gated.release();
        await eventually(() => clock.pending() === 1, "a read again scheduled");
        await nodeOf(STATE).close(false);
        assert.equal(clock.pending(), 0, "the retry cancelled");
        assert.deepEqual([gated.sets, gated.values.devices], [0, stored]);
    });

    /** Loads the flow with `gated` as its store and a catch node; what the catch node receives. */
    async function loadCatching(gated: GatedStore) {
        const catcher = [
            { id: "catcher", type: "catch", scope: null, uncaught: false, wires: [["caught"]] },
            { id: "caught", type: "helper" },
        ];
        await loadWith(gated, { nodes: catcher, modules: [catchNode] });
        return received<{ payload: { serialNumber?: string }; topic?: string; error: { message: string } }>("caught");
    }

    it("completes what waits for the store with an error a catch node sees, when the node closes before the store answers", async function () {
        const gated = new GatedStore();
        const caught = await loadCatching(gated);
        send(door("DOOR-1", "Open"), { topic: "get" });
        await nodeOf(STATE).close(false);
        await eventually(
            () => caught.length === 2,
            () => `both completed with an error, now ${caught.length}`,
        );
        assert.deepEqual(
            caught.map((msg) => msg.topic),
            ["door.state", "get"],
        );
        assert.match(
            caught[0].error.message,
            /Dropped: the node closed \(a deploy, or flows stopped\) before the context store "gated" answered/,
        );
        assert.match(warnings().join("\n"), /2 messages waiting for the context store "gated" were dropped when the node closed/);
    });

    it("keeps at most 10,000 waiting events, dropping the oldest with an error a catch node sees; never a command", async function () {
        const gated = new GatedStore();
        const caught = await loadCatching(gated);
        const changes = received("changes");
        const answers: unknown[] = [];
        send({ topic: "get", payload: "DOOR-0", marker: "first get" });
        for (let index = 0; index < 10_003; index++) {
            send(door(`DOOR-${index}`, "Open"));
        }
        send({ topic: "forget", payload: "DOOR-3" });
        await eventually(
            () => caught.length === 3,
            () => `three dropped events caught, now ${caught.length}`,
        );
        assert.deepEqual(
            caught.map((msg) => msg.payload.serialNumber),
            ["DOOR-0", "DOOR-1", "DOOR-2"],
            "the oldest first",
        );
        assert.match(caught[0].error.message, /Dropped: more than 10000 events were waiting for the context store "gated"/);
        assert.equal(warnings().filter((line) => /oldest waiting event is dropped/.test(line)).length, 1, "one warning");
        nodeOf("changes").on("input", (msg: { topic?: unknown; marker?: unknown }) => msg.marker && answers.push(msg));
        gated.release();
        await eventually(
            () => changes.length === 10_002,
            () => `the kept events, the get answer and the forget, now ${changes.length}`,
        );
        assert.equal(answers.length, 1, "the get was kept and answered");
        assert.equal((changes[0] as unknown as { payload: unknown }).payload, null, "answered in order: before any event was applied");
        const last = changes.at(-1) as ChangeMessage;
        assert.deepEqual([last.topic, last.payload.removed], ["DOOR-3", true], "the forget after the events");
        assert.equal((await records()).length, 9_999);
        assert.match(warnings().join("\n"), /3 events were dropped while the context store "gated" was being read/);
    });

    it("says so, in red, when the store has not answered in 30 s, and carries on once it does", async function () {
        this.timeout(60_000);
        const gated = new GatedStore();
        await loadWith(gated);
        send(door("DOOR-1", "Open"));
        const silent = await eventually(
            () => errors().find((line) => /has not answered for 30 s/.test(line)),
            "the store's silence logged",
            45_000,
        );
        assert.match(
            silent,
            /The context store "gated" has not answered for 30 s: the device records cannot be read yet\. Events waiting: 1 /,
        );
        assert.deepEqual(statusesOf(STATE).at(-1), { fill: "red", shape: "ring", text: 'context store "gated" not answering' });
        const changes = received("changes");
        gated.release();
        await eventually(() => changes.length === 1, "the waiting event applied");
        await eventually(() => statusesOf(STATE).at(-1)?.fill === "green", "the status back to the records' summary");
    });
});
