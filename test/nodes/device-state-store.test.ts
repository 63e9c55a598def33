// alocity-device-state with a context store that answers late, or never (see test/support/gated-store.ts).
import assert from "assert/strict";
import type { ChangeMessage } from "../../src/core/device-state/changes";
import type { DeviceRecord } from "../../src/core/device-state/record";
import { alarmsIn, door, errors, health, received, records, send, sentFor, STATE, warnings } from "../support/device-state-node";
import { GatedStore, loadWith } from "../support/gated-store";
import { nodeOf, statusesOf, useTestHelper, type NodeModule } from "../support/test-helper";
import { eventually } from "../support/wait";
import { loadModule } from "../support/modules";

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
        gated.release();
        await eventually(
            () => changes.length === 3,
            () => `three messages, now ${JSON.stringify(changes)}`,
        );
        const [closed, opened, answer] = changes;
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

    it("logs what it could not read or write, and carries on with the records in memory", async function () {
        const gated = new GatedStore();
        gated.failWith = new Error("store unreachable");
        await loadWith(gated);
        gated.release();
        assert.deepEqual(alarmsIn(await sentFor(health("CTRL-1", false))), [["device.offline", "CTRL-1", "raised"]]);
        const logged = await eventually(() => errors().length >= 2 && errors(), "a read and a write error logged");
        assert.match(logged[0], /^Could not read the stored device records from the context store "gated": store unreachable\./);
        assert.match(logged[1], /^Could not store the device records in the context store "gated": store unreachable\./);
        assert.equal((await records()).length, 1);
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
