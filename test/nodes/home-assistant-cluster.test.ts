// alocity-home-assistant with a `cluster` (a fake alocity-cluster node: no Redis is needed here): the bridge online
// again when another instance's broker node says offline, the records other instances changed (their device-state
// nodes' bus events) taken in (sent only for a device it sent shortly before), a red status while the cluster cannot
// be followed.
import assert from "assert/strict";
import type { DeviceRecord } from "../../src/core/device-state/record";
import type { MqttMessage } from "../../src/core/home-assistant/publisher";
import homeAssistantNode = require("../../nodes/alocity-home-assistant");
import { DEVICE_RECORDS_EVENT } from "../../src/runtime/cluster/device-records-bus";
import { CONFIG, KNOWN, STATE_TOPICS, deviceRecord as record } from "../support/device-records";
import { FakeClusterConnection, fakeClusterNode } from "../support/fake-cluster";
import { payloadOf, topicsOf } from "../support/mqtt-broker";
import type { FlowNode } from "../support/test-flows";
import { helper, logEntries, nodeOf, receivedWhile, statusesOf, useTestHelper } from "../support/test-helper";
import { eventually } from "../support/wait";

const HA = "home-assistant";
const TYPE = "alocity-home-assistant";
const ERROR = 20;

let connection = new FakeClusterConnection();
const modules = [fakeClusterNode(() => connection), homeAssistantNode];

/** The node (its `cluster` the id of the fake cluster node unless told), an output helper and the cluster node. */
function flow(cluster = "cluster"): FlowNode[] {
    const home = { id: HA, type: TYPE, name: "", prefix: "homeassistant", base: "alocity", birthTopic: "homeassistant/status" };
    return [
        { ...home, cluster, wires: [["out"]] },
        { id: "out", type: "helper" },
        { id: "cluster", type: "alocity-cluster", name: "", url: "redis://fake", prefix: "alocity" },
    ];
}

/** What the node sent for `msg`, once it has all arrived, without the ids the runtime adds. */
async function publish(msg: object): Promise<MqttMessage[]> {
    const received = (await receivedWhile(HA, "out", () => nodeOf(HA).receive(msg))) as MqttMessage[];
    return received.map(({ topic, payload, retain }) => ({ topic, payload, retain }));
}

/** What the node sends while another instance's device-state node reports a change (or, no record, a forgotten device). */
async function otherInstanceChanged(serialNumber: string, changed: DeviceRecord | undefined): Promise<MqttMessage[]> {
    const event = { deviceState: "state:tab", serialNumber, record: changed };
    const received = (await receivedWhile(HA, "out", () => connection.bus.emit(DEVICE_RECORDS_EVENT, event))) as MqttMessage[];
    return received.map(({ topic, payload, retain }) => ({ topic, payload, retain }));
}

function errors(): unknown[] {
    return logEntries(TYPE)
        .filter((entry) => entry.level === ERROR)
        .map((entry) => entry.msg);
}

describe("alocity-home-assistant with a cluster (test helper)", function () {
    useTestHelper();
    beforeEach(() => (connection = new FakeClusterConnection()));

    describe("the bridge", () => {
        it("answers offline on the bridge topic (another instance's will or close) with online, retained, at once", async () => {
            await helper.load(modules, flow());
            assert.deepEqual(await publish({ topic: "alocity/status", payload: "offline" }), [
                { topic: "alocity/status", payload: "online", retain: true },
            ]);
            assert.deepEqual(await publish({ topic: "alocity/status", payload: Buffer.from("offline") }), [
                { topic: "alocity/status", payload: "online", retain: true },
            ]);
            assert.deepEqual(
                await publish({ topic: "homeassistant/status", payload: "offline" }),
                [],
                "Home Assistant's will is not the bridge's",
            );
        });

        it("without a cluster, answers it with nothing: a single Node-RED that stops leaves the bridge offline", async () => {
            await helper.load(modules, flow(""));
            assert.deepEqual(await publish({ topic: "alocity/status", payload: "offline" }), []);
            assert.equal(connection.bus.listenerCount(DEVICE_RECORDS_EVENT), 0);
        });
    });

    describe("records another instance changed", () => {
        it("sends what changed for a device it sent shortly before, nothing for another; a republish then sends the latest", async () => {
            await helper.load(modules, flow());
            await publish({ payload: record({ ...KNOWN, door: "open" }), changed: ["door"] });
            assert.deepEqual(await otherInstanceChanged("ALO-1", record({ ...KNOWN, door: "closed" })), [
                { topic: "alocity/ALO-1/door", payload: "OFF", retain: true },
            ]);
            const gate = record({ ...KNOWN, serialNumber: "ALO-2", name: "Gate", lock: "unlocked" });
            assert.deepEqual(await otherInstanceChanged("ALO-2", gate), []);
            const again = await publish({ topic: "homeassistant/status", payload: "online" });
            assert.equal(payloadOf(again, "alocity/ALO-1/door"), "OFF");
            assert.equal(payloadOf(again, "alocity/ALO-2/lock"), "ON");
        });

        it("empties a device another instance forgot (at once, as it sent it shortly before) and on the next republish; ignores what is not a record event", async () => {
            await helper.load(modules, flow());
            await publish({ payload: record(KNOWN), changed: ["door"] });
            assert.deepEqual(topicsOf(await otherInstanceChanged("ALO-1", undefined)), [CONFIG, ...STATE_TOPICS]);
            connection.bus.emit(DEVICE_RECORDS_EVENT, { serialNumber: "ALO-3", record: { serialNumber: "ALO-4" } });
            connection.bus.emit(DEVICE_RECORDS_EVENT, { record: record(KNOWN) });
            const again = await publish({ topic: "homeassistant/status", payload: "online" });
            const emptied = again.filter((message) => message.payload === "");
            assert.deepEqual(topicsOf(emptied), [CONFIG, ...STATE_TOPICS]);
            assert.ok(!topicsOf(again).some((topic) => topic.includes("ALO-3") || topic.includes("ALO-4")));
        });

        it("stops listening to the cluster's bus when the flows stop", async () => {
            await helper.load(modules, flow());
            assert.equal(connection.bus.listenerCount(DEVICE_RECORDS_EVENT), 1);
            await helper.unload();
            assert.equal(connection.bus.listenerCount(DEVICE_RECORDS_EVENT), 0);
        });
    });

    describe("status", () => {
        it("is red while Redis is unreachable (other instances' changes cannot arrive), green again once it is back", async () => {
            await helper.load(modules, flow());
            await publish({ payload: record(KNOWN), changed: ["door"] });
            const green = { fill: "green", shape: "dot", text: "alocity-home-assistant.status.device" };
            const red = { fill: "red", shape: "ring", text: "alocity-home-assistant.status.cluster-down" };
            const shown = async (expected: object[]) => {
                await eventually(
                    () => statusesOf(HA).length === expected.length,
                    () => `${expected.length} statuses: ${JSON.stringify(statusesOf(HA))}`,
                );
                assert.deepEqual(statusesOf(HA), expected);
            };
            connection.become("down");
            await shown([green, red]);
            connection.become("connecting");
            connection.become("ready");
            await shown([green, red, green]);
        });

        it("clears its red status once Redis is back when it has published nothing yet", async () => {
            await helper.load(modules, flow());
            connection.become("down");
            await eventually(
                () => statusesOf(HA).length === 1,
                () => `the red status: ${JSON.stringify(statusesOf(HA))}`,
            );
            connection.become("ready");
            await eventually(
                () => statusesOf(HA).length === 2,
                () => `a second status: ${JSON.stringify(statusesOf(HA))}`,
            );
            assert.deepEqual(statusesOf(HA), [{ fill: "red", shape: "ring", text: "alocity-home-assistant.status.cluster-down" }, {}]);
        });

        it("names a cluster node that is not deployed: red status, an error in the log; what it is sent still goes out", async () => {
            await helper.load(modules, flow("gone"));
            assert.deepEqual(statusesOf(HA), [{ fill: "red", shape: "ring", text: "alocity-home-assistant.status.no-cluster" }]);
            assert.deepEqual(errors(), ["alocity-home-assistant.log.no-cluster"]);
            assert.ok((await publish({ payload: record(KNOWN), changed: ["door"] })).length > 0);
            assert.deepEqual(await publish({ topic: "alocity/status", payload: "offline" }), [
                { topic: "alocity/status", payload: "online", retain: true },
            ]);
        });
    });
});
