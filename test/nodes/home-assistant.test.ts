import assert from "assert/strict";
import { EventEmitter } from "events";
import { blankDeviceRecord, type DeviceRecord } from "../../src/core/device-record";
import { HomeAssistantPublisher, originOf, parseTopicRoots, type MqttMessage } from "../../src/core/home-assistant";
import type { PackageInfo } from "../../src/package-info";
import homeAssistantNode = require("../../nodes/alocity-home-assistant");
import { packageDir } from "../support/real-node-red";
import type { FlowNode } from "../support/test-flows";
import { helper, logEntries, nodeOf, receivedWhile, statusesOf, useTestHelper, type LogEntry } from "../support/test-helper";
import { eventually } from "../support/wait";

const HA = "home-assistant";
const TYPE = "alocity-home-assistant";
const WARN = 30;
const ERROR = 20;
const PACKAGE = require(`${packageDir}/package.json`) as PackageInfo;

function flow(props: { prefix?: string; base?: string } = {}): FlowNode[] {
    return [
        { id: HA, type: TYPE, name: "", prefix: "homeassistant", base: "alocity", ...props, wires: [["out"]] },
        { id: "out", type: "helper" },
    ];
}

function record(fields: Partial<DeviceRecord> = {}): DeviceRecord {
    return { ...blankDeviceRecord("ALO-1"), name: "Front door", lastSeen: Date.now(), ...fields };
}

/** A message of alocity-device-state's changes output. */
function change(payload: DeviceRecord): object {
    return { topic: payload.name, payload, previous: null, changed: ["door"] };
}

/** A record whose last access came with its latest event, as after an access log. */
function accessed(fields: Partial<DeviceRecord> = {}): DeviceRecord {
    const at = Date.now();
    const lastAccess = { granted: true, result: 0, user: "Ann", at };
    return record({ lastAccess, changedAt: { lastAccess: at }, lastSeen: at, ...fields });
}

/** What the node sent for `msg`, once it has all arrived, without the ids the runtime adds. */
async function publish(msg: object): Promise<MqttMessage[]> {
    const received = await receivedWhile(HA, "out", async () => nodeOf(HA).receive(msg));
    return received.map((sent) => {
        const { _msgid, ...message } = sent as MqttMessage & { _msgid?: string };
        return message;
    });
}

function topicsOf(messages: readonly MqttMessage[]): string[] {
    return messages.map((message) => message.topic);
}

function warnings(): unknown[] {
    return logEntries(TYPE).filter((entry) => entry.level === WARN).map((entry) => entry.msg);
}

/** The runtime's log, which the test helper stops spying on before it stops the flows. */
const runtimeLog = (require("@node-red/util") as { log: { addHandler(handler: EventEmitter): void; removeHandler(handler: EventEmitter): void } }).log;

/** The warnings the node writes from now until `unload` has stopped the flows (the summary written on close too). */
async function warningsUntil(unload: () => Promise<void>): Promise<unknown[]> {
    const handler = new EventEmitter();
    const lines: unknown[] = [];
    handler.on("log", (entry: LogEntry) => {
        if (entry.type === TYPE && entry.level === WARN) lines.push(entry.msg);
    });
    runtimeLog.addHandler(handler);
    await unload().finally(() => runtimeLog.removeHandler(handler));
    return lines;
}

describe("alocity-home-assistant (test helper)", function () {
    useTestHelper();

    describe("inputs", () => {
        it("publishes a change of alocity-device-state as the core computes it: one message per publish, configs first", async () => {
            await helper.load(homeAssistantNode, flow());
            const core = new HomeAssistantPublisher(parseTopicRoots("homeassistant", "alocity"), originOf(PACKAGE));
            for (const payload of [record({ door: "open", lock: "locked" }), accessed({ door: "closed", lock: "unlocked" })]) {
                const sent = await publish(change(payload));
                assert.ok(sent.length > 0);
                assert.deepEqual(sent, core.update(payload));
            }
        });

        it("sends each message as topic, a string payload and retain, nothing else", async () => {
            await helper.load(homeAssistantNode, flow());
            const sent = await publish(change(accessed({ door: "open" })));
            for (const message of sent) {
                assert.deepEqual(Object.keys(message).sort(), ["payload", "retain", "topic"]);
                assert.equal(typeof message.topic, "string");
                assert.equal(typeof message.payload, "string");
                assert.equal(typeof message.retain, "boolean");
            }
            const configs = sent.filter((message) => message.topic.endsWith("/config"));
            assert.deepEqual(topicsOf(sent.slice(0, configs.length)), topicsOf(configs), "configs first");
            assert.deepEqual(JSON.parse(configs[0].payload).origin, originOf(PACKAGE));
            assert.deepEqual(sent.at(-1), {
                topic: "alocity/ALO-1/access",
                payload: JSON.stringify({ event_type: "granted", user: "Ann", result: 0 }),
                retain: false,
            });
        });

        it("publishes a get answer (every record, or one) retained, without firing an access", async () => {
            await helper.load(homeAssistantNode, flow());
            const sent = await publish({ topic: "get", payload: [accessed({ door: "open" }), record({ serialNumber: "ALO-2", lock: "locked" })] });
            assert.ok(sent.some((message) => message.topic === "homeassistant/binary_sensor/alocity_ALO-2/lock/config"));
            assert.ok(sent.every((message) => message.retain), "no access event");
            const one = await publish({ topic: "get", payload: accessed({ serialNumber: "ALO-3" }) });
            assert.ok(one.length > 0 && one.every((message) => message.retain), "no access event for one record");
            assert.deepEqual(await publish({ topic: "get", payload: [] }), []);
            assert.deepEqual(await publish({ topic: "get", payload: null }), [], "the answer for a device not known");
            assert.deepEqual(warnings(), []);
        });

        it("publishes every config, then every state, again on Home Assistant's birth message; no access event", async () => {
            await helper.load(homeAssistantNode, flow({ prefix: "ha" }));
            await publish(change(accessed({ door: "open" })));
            await publish(change(record({ serialNumber: "ALO-2", lock: "locked" })));
            const again = await publish({ topic: "ha/status", payload: "online" });
            const configs = again.filter((message) => message.topic.endsWith("/config"));
            assert.equal(configs.length, 6);
            assert.deepEqual(again.slice(0, 6), configs);
            assert.ok(again.length > 6 && again.every((message) => message.retain));
            assert.deepEqual(await publish({ topic: "ha/status", payload: "offline" }), []);
        });

        it("warns of anything else, saying what it expects, at most five lines per 10 s, then a summary", async () => {
            await helper.load(homeAssistantNode, flow());
            const others = [{ payload: "online" }, { topic: "homeassistant/status", payload: "offline" }, { payload: { serialNumber: "ALO-1" } }, { payload: [record(), 1] }];
            for (let round = 0; round < 2; round++) {
                for (const msg of others) {
                    assert.deepEqual(await publish({ ...msg }), [], JSON.stringify(msg));
                }
            }
            assert.deepEqual(warnings(), Array(5).fill("alocity-home-assistant.log.unexpected"));
            assert.deepEqual(await warningsUntil(() => helper.unload()), ["alocity-home-assistant.log.unexpected-summary"]);
        });
    });

    describe("configuration", () => {
        for (const [property, value] of [["prefix", "homeassistant/#"], ["base", "alocity/+/doors"]] as const) {
            it(`refuses a ${property} with an MQTT wildcard: red status, an error in the log, nothing published`, async () => {
                await helper.load(homeAssistantNode, flow({ [property]: value }));
                assert.deepEqual(statusesOf(HA), [{ fill: "red", shape: "ring", text: "alocity-home-assistant.status.bad-topic" }]);
                assert.deepEqual(logEntries(TYPE).filter((entry) => entry.level === ERROR).map((entry) => entry.msg), ["alocity-home-assistant.log.bad-topic"]);
                assert.deepEqual(await publish(change(record({ door: "open" }))), []);
                assert.deepEqual(await publish({ topic: "homeassistant/status", payload: "online" }), []);
                assert.deepEqual(warnings(), []);
            });
        }

        it("takes the defaults for an empty prefix and base", async () => {
            await helper.load(homeAssistantNode, flow({ prefix: " ", base: "" }));
            const sent = await publish(change(record({ door: "open" })));
            assert.ok(topicsOf(sent).includes("homeassistant/binary_sensor/alocity_ALO-1/door/config"));
            assert.ok(topicsOf(sent).includes("alocity/ALO-1/door"));
        });
    });

    describe("status", () => {
        it("shows the devices known and when it last published, green", async () => {
            await helper.load(homeAssistantNode, flow());
            assert.deepEqual(statusesOf(HA), []);
            await publish(change(record({ door: "open" })));
            assert.deepEqual(statusesOf(HA), [{ fill: "green", shape: "dot", text: "alocity-home-assistant.status.device" }]);
            await publish(change(record({ serialNumber: "ALO-2", door: "open" })));
            await eventually(() => statusesOf(HA).length === 2, () => `a second status: ${JSON.stringify(statusesOf(HA))}`);
            assert.equal(statusesOf(HA)[1].text, "alocity-home-assistant.status.devices");
        });
    });
});
