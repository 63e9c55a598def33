// alocity-device-state's part in the Doors sidebar's feed, in the test helper's runtime: every change to a record
// (an event, a timer's alarm, forget) is told on the comms by serial number, the records read back are told as a
// whole, and GET /alocity-doors answers the node's records until it closes.
import assert from "assert/strict";
import { DOORS_CHANGES_TOPIC, DOORS_NODES_TOPIC, type DoorsAnswer, type DoorsNotice } from "../../src/runtime/editor/doors-feed";
import deviceStateNode = require("../../nodes/alocity-device-state");
import type { FlowNode } from "../support/test-flows";
import { deploy, helper, nodeOf, useTestHelper } from "../support/test-helper";
import { eventually } from "../support/wait";

const flow = (heldOpen = 60): FlowNode[] => [
    { id: "state", type: "alocity-device-state", name: "Warehouse", devices: [], heldOpen, store: "", wires: [["out"], ["out"]] },
    { id: "out", type: "helper" },
];

describe("alocity-device-state in the Doors feed", function () {
    useTestHelper();
    const published: { topic: string; data: unknown }[] = [];
    const onComms = (event: { topic: string; data: unknown }) => published.push({ topic: event.topic, data: event.data });
    before(() => helper._events.on("comms", onComms));
    after(() => helper._events.off("comms", onComms));
    beforeEach(() => published.splice(0));

    const notices = () => published.filter((p) => p.topic === DOORS_CHANGES_TOPIC).map((p) => p.data as DoorsNotice);
    /** Whether a notice covers a device (names it, or says null: any device); null: whether one said null. */
    const told = (serial: string | null) =>
        notices().some((notice) => notice.serials === null || (serial !== null && notice.serials.includes(serial)));
    const records = async () => ((await helper.request().get("/alocity-doors").expect(200)).body as DoorsAnswer).nodes;
    const event = (topic: string, payload: object) => nodeOf("state").receive({ topic, payload });

    it("tells the records read back, then each device that changes, and serves them", async function () {
        await helper.load(deviceStateNode, flow());
        await eventually(() => told(null), "the records read back told as a whole");
        published.splice(0);
        event("door.state", { serialNumber: "ALO-W-1", doorState: "Open" });
        event("lock.state", { serialNumber: "ALO-W-2", lockState: "Locked" });
        await eventually(
            () => notices().some((notice) => notice.serials?.join() === "ALO-W-1,ALO-W-2"),
            "both devices told, in one notice",
        );
        assert.ok(notices().every((notice) => notice.id === "state"));
        const [node] = await records();
        assert.deepEqual(
            [node.id, node.name, node.records.map((r) => [r.serialNumber, r.door, r.lock])],
            [
                "state",
                "Warehouse",
                [
                    ["ALO-W-1", "open", "unknown"],
                    ["ALO-W-2", "unknown", "locked"],
                ],
            ],
        );
    });

    it("tells an event that changes nothing but lastSeen (the sidebar shows it), an alarm a timer raises, and forget", async function () {
        // Held open after 2 s: the opening's notice is out long before the alarm's.
        await helper.load(deviceStateNode, flow(2));
        event("door.state", { serialNumber: "ALO-W-3", doorState: "Closed" });
        await eventually(() => told("ALO-W-3"), "the new device told");
        published.splice(0);
        event("door.state", { serialNumber: "ALO-W-3", doorState: "Closed" });
        await eventually(() => told("ALO-W-3"), "the same state again told (lastSeen)");

        published.splice(0);
        event("door.state", { serialNumber: "ALO-W-3", doorState: "Open" });
        await eventually(async () => (await records())[0].records[0].alarms.includes("door.held-open"), "held open");
        const naming = () => notices().filter((notice) => notice.serials?.includes("ALO-W-3")).length;
        await eventually(
            () => naming() === 2,
            () => `a notice for the opening and one for the alarm: ${JSON.stringify(notices())}`,
        );
        published.splice(0);
        nodeOf("state").receive({ topic: "forget", payload: "ALO-W-3" });
        await eventually(() => told("ALO-W-3"), "the forgotten device told");
        assert.deepEqual((await records())[0].records, []);
    });

    it("leaves the feed when it closes, and comes back with a newer version on a redeploy", async function () {
        await helper.load(deviceStateNode, flow());
        const [before] = await records();
        published.splice(0);
        await deploy(flow(30));
        const [after] = await records();
        assert.ok(after.version > before.version);
        const lists = published.filter((p) => p.topic === DOORS_NODES_TOPIC).map((p) => p.data);
        assert.deepEqual(lists.at(-1), { nodes: [{ id: "state", version: after.version }] });
        await helper.unload();
        assert.deepEqual(await records(), []);
    });
});
