import assert from "assert/strict";
import { EventEmitter } from "events";
import type { DeviceRecord } from "../../src/core/device-state/record";
import { originOf, type MqttMessage } from "../../src/core/home-assistant/publisher";
import type { PackageInfo } from "../../src/package-info";
import homeAssistantNode = require("../../nodes/alocity-home-assistant");
import {
    BRIDGE_CONFIG,
    CONFIG,
    accessedRecord as accessed,
    deviceRecord as record,
    publisher,
    rungRecord as rung,
} from "../support/device-records";
import { seenByHomeAssistant } from "../support/home-assistant-view";
import { topicsOf } from "../support/mqtt-broker";
import type { FlowNode } from "../support/test-flows";
import { helper, logEntries, nodeOf, receivedWhile, statusesOf, useTestHelper, type LogEntry } from "../support/test-helper";
import { eventually } from "../support/wait";
import { loadModule, packageManifest } from "../support/modules";
import { parseDeviceMessage } from "../support/home-assistant-schema";

const HA = "home-assistant";
const TYPE = "alocity-home-assistant";
const WARN = 30;
const ERROR = 20;
const PACKAGE = packageManifest<PackageInfo>();

function flow(props: { prefix?: string; base?: string; birthTopic?: string } = {}): FlowNode[] {
    return [
        {
            id: HA,
            type: TYPE,
            name: "",
            prefix: "homeassistant",
            base: "alocity",
            birthTopic: "homeassistant/status",
            ...props,
            wires: [["out"]],
        },
        { id: "out", type: "helper" },
    ];
}

/** A message of alocity-device-state's changes output. */
function change(payload: DeviceRecord): object {
    return { topic: payload.name, payload, previous: null, changed: ["door"] };
}

/** What the node sent for `msg`, once it has all arrived, without the ids the runtime adds. */
async function publish(msg: object): Promise<MqttMessage[]> {
    const received = await receivedWhile(HA, "out", () => nodeOf(HA).receive(msg));
    return received.map((sent) => {
        const { _msgid, ...message } = sent as MqttMessage & { _msgid?: string };
        return message;
    });
}

function warnings(): unknown[] {
    return logEntries(TYPE)
        .filter((entry) => entry.level === WARN)
        .map((entry) => entry.msg);
}

/** The runtime's log, which the test helper stops spying on before it stops the flows. */
const runtimeLog = loadModule<{ log: { addHandler(handler: EventEmitter): void; removeHandler(handler: EventEmitter): void } }>(
    "@node-red/util",
).log;

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
        it("publishes a change of alocity-device-state as the core computes it: one message per publish, the device message first", async () => {
            await helper.load(homeAssistantNode, flow());
            const core = publisher(undefined, true);
            for (const payload of [
                record({ door: "open", lock: "locked" }),
                accessed({ result: 0 }, { door: "closed", lock: "unlocked" }),
                rung(Date.now()),
            ]) {
                const sent = await publish(change(payload));
                assert.ok(sent.length > 0);
                assert.deepEqual(sent, core.update(payload));
            }
        });

        it("sends each message as topic, a string payload and retain, nothing else, that Home Assistant takes", async () => {
            await helper.load(homeAssistantNode, flow());
            const sent = await publish(change(accessed({ granted: true, result: 0 }, { door: "open" })));
            for (const message of sent) {
                assert.deepEqual(Object.keys(message).sort(), ["payload", "retain", "topic"]);
                assert.equal(typeof message.payload, "string");
                assert.equal(typeof message.retain, "boolean");
            }
            assert.deepEqual(topicsOf(sent.slice(0, 2)), [BRIDGE_CONFIG, CONFIG]);
            assert.deepEqual(parseDeviceMessage(sent[1].payload).o, originOf(PACKAGE));
            assert.deepEqual(parseDeviceMessage(sent[0].payload).dev.sw_version, PACKAGE.version);
            const view = seenByHomeAssistant(sent);
            assert.equal(view.entity("alocity_ALO-1_door").state, "on");
            assert.deepEqual(view.entity("alocity_ALO-1_access").events, [
                { event_type: "granted", user: "Ann", result: "Access Granted" },
            ]);
        });

        it("publishes a get answer (every record, or one) retained, without firing an event", async () => {
            await helper.load(homeAssistantNode, flow());
            const sent = await publish({
                topic: "get",
                payload: [accessed({ granted: true, result: 0 }, { door: "open" }), record({ serialNumber: "ALO-2", lock: "locked" })],
            });
            assert.ok(topicsOf(sent).includes("homeassistant/device/alocity_ALO-2/config"));
            assert.ok(
                sent.every((message) => message.retain),
                "no event",
            );
            const one = await publish({ topic: "get", payload: rung(Date.now(), { serialNumber: "ALO-3" }) });
            assert.ok(one.length > 0 && one.every((message) => message.retain), "no event for one record");
            assert.deepEqual(await publish({ topic: "get", payload: [] }), []);
            assert.deepEqual(await publish({ topic: "get", payload: null }), [], "the answer for a device not known");
            assert.deepEqual(warnings(), []);
        });

        for (const [source, topic] of [
            ["Home Assistant's birth topic", "hass/status"],
            ["the bridge topic (Node-RED's broker node's birth)", "site/status"],
        ]) {
            it(`publishes every device message, then every state, again on online on ${source}; nothing for offline`, async () => {
                await helper.load(homeAssistantNode, flow({ prefix: "ha", base: "site", birthTopic: "hass/status" }));
                await publish(change(accessed({ granted: true, result: 0 }, { door: "open" })));
                await publish(change(record({ serialNumber: "ALO-2", lock: "locked" })));
                const again = await publish({ topic, payload: "online" });
                assert.deepEqual(topicsOf(again.slice(0, 3)), [
                    "ha/device/alocity_site-bridge/config",
                    "ha/device/alocity_site_ALO-1/config",
                    "ha/device/alocity_site_ALO-2/config",
                ]);
                assert.ok(again.length > 3 && again.every((message) => message.retain));
                assert.equal(seenByHomeAssistant(again, { prefix: "ha", base: "site" }).entity("alocity_site_ALO-1_door").state, "on");
                assert.deepEqual(await publish({ topic, payload: "offline" }), []);
                assert.deepEqual(warnings(), []);
            });
        }

        it("republishes in slices, a live change meanwhile going out between them, never followed by an older state", async () => {
            await helper.load(homeAssistantNode, flow());
            const fleet = Array.from({ length: 200 }, (_, n) => record({ serialNumber: `ALO-${n}`, door: "closed" }));
            await publish({ topic: "get", payload: fleet });
            const out = nodeOf("out");
            const received: MqttMessage[] = [];
            const listener = (msg: MqttMessage) => received.push(msg);
            out.on("input", listener);
            try {
                const last = record({ serialNumber: "ALO-199", door: "open" });
                nodeOf(HA).receive({ topic: "homeassistant/status", payload: "online" });
                nodeOf(HA).receive(change(last));
                const republished = 1 + fleet.length * 9;
                await eventually(
                    () => received.length === republished + 1,
                    () => `${republished + 1} messages, got ${received.length}`,
                );
            } finally {
                out.removeListener("input", listener);
            }
            const door = "alocity/ALO-199/door";
            const opened = received.findIndex((message) => message.topic === door);
            assert.equal(received[opened].payload, "ON");
            assert.ok(opened < received.length - 100, `the live change at ${opened} of ${received.length}, not behind the republish`);
            assert.deepEqual(
                received.filter((message) => message.topic === door).map((message) => message.payload),
                ["ON", "ON"],
                "the republish sends the door as it is now",
            );
            assert.equal(seenByHomeAssistant(received).entity("alocity_ALO-199_door").state, "on");
        });

        it("empties a forgotten device on republishing until Home Assistant's birth came before, then no more", async () => {
            await helper.load(homeAssistantNode, flow());
            await publish(change(record({ door: "open" })));
            await publish(change(record({ removed: true })));
            const empties = async (topic: string) =>
                (await publish({ topic, payload: "online" })).filter((message) => message.payload === "");
            assert.equal((await empties("alocity/status")).length, 9, "Home Assistant not heard from: sent again");
            assert.deepEqual(await publish({ topic: "homeassistant/status", payload: "offline" }), []);
            assert.equal((await empties("alocity/status")).length, 9, "Home Assistant down: sent again");
            assert.equal((await empties("homeassistant/status")).length, 9, "Home Assistant's birth: sent once more");
            assert.deepEqual(await empties("alocity/status"), [], "then no more");
            assert.deepEqual(await empties("homeassistant/status"), []);
            assert.deepEqual(warnings(), []);
        });

        it("ignores messages on any other topic (the prefix's status is not the birth topic) with one warning per topic", async () => {
            await helper.load(homeAssistantNode, flow({ prefix: "ha", birthTopic: "hass/status" }));
            await publish(change(record({ door: "open" })));
            for (const msg of [
                { topic: "ha/status", payload: "online" },
                { topic: "ha/status", payload: "online" },
                { topic: "zigbee2mqtt/bridge/state", payload: "online" },
                { topic: "ha/status", payload: "offline" },
            ]) {
                assert.deepEqual(await publish(msg), [], JSON.stringify(msg));
            }
            assert.deepEqual(warnings(), ["alocity-home-assistant.log.other-topic", "alocity-home-assistant.log.other-topic"]);
        });

        it("warns of anything else, saying what it expects, at most five lines per 10 s, then a summary", async () => {
            await helper.load(homeAssistantNode, flow());
            const others = [
                { payload: "online" },
                { topic: "", payload: "online" },
                { payload: { serialNumber: "ALO-1" } },
                { payload: [record(), 1] },
            ];
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
        for (const [what, props] of [
            ["a prefix with an MQTT wildcard", { prefix: "homeassistant/#" }],
            ["a base with an MQTT wildcard", { base: "alocity/+/doors" }],
            ["a birth topic with an MQTT wildcard", { birthTopic: "homeassistant/+" }],
            ["a base that is the discovery prefix", { base: "homeassistant" }],
            ["a base whose bridge topic is the birth topic", { base: "hass", birthTopic: "hass/status" }],
        ] as const) {
            it(`refuses ${what}: red status, an error in the log, nothing published`, async () => {
                await helper.load(homeAssistantNode, flow(props));
                assert.deepEqual(statusesOf(HA), [{ fill: "red", shape: "ring", text: "alocity-home-assistant.status.bad-topic" }]);
                assert.deepEqual(
                    logEntries(TYPE)
                        .filter((entry) => entry.level === ERROR)
                        .map((entry) => entry.msg),
                    ["alocity-home-assistant.log.bad-topic"],
                );
                assert.deepEqual(await publish(change(record({ door: "open" }))), []);
                assert.deepEqual(await publish({ topic: "homeassistant/status", payload: "online" }), []);
                assert.deepEqual(warnings(), []);
            });
        }

        it("takes the defaults for an empty prefix, base and birth topic (a flow saved before the birth topic existed)", async () => {
            await helper.load(homeAssistantNode, [
                { id: HA, type: TYPE, name: "", prefix: " ", base: "", wires: [["out"]] },
                { id: "out", type: "helper" },
            ]);
            const sent = await publish(change(record({ door: "open" })));
            assert.deepEqual(topicsOf(sent).slice(0, 3), [BRIDGE_CONFIG, CONFIG, "alocity/ALO-1/availability"]);
            assert.equal((await publish({ topic: "homeassistant/status", payload: "online" })).length, sent.length);
        });
    });

    describe("status", () => {
        it("shows the devices known and when it last published, green", async () => {
            await helper.load(homeAssistantNode, flow());
            assert.deepEqual(statusesOf(HA), []);
            await publish(change(record({ door: "open" })));
            assert.deepEqual(statusesOf(HA), [{ fill: "green", shape: "dot", text: "alocity-home-assistant.status.device" }]);
            await publish(change(record({ serialNumber: "ALO-2", door: "open" })));
            await eventually(
                () => statusesOf(HA).length === 2,
                () => `a second status: ${JSON.stringify(statusesOf(HA))}`,
            );
            assert.equal(statusesOf(HA)[1].text, "alocity-home-assistant.status.devices");
        });
    });
});
