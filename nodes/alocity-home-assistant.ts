import {
    HomeAssistantPublisher,
    deviceRecordOf,
    originOf,
    parseTopicRoots,
    type MqttMessage,
} from "../src/core/home-assistant";
import type { DeviceRecord } from "../src/core/device-record";
import { packageInfo } from "../src/package-info";
import { LogThrottle } from "../src/core/log-throttle";
import type { NodeAPI, NodeDef, NodeRedNode } from "../src/runtime/node-red";
import { clockTime, ThrottledStatus } from "../src/runtime/throttled-status";

interface HomeAssistantDef extends NodeDef {
    prefix?: unknown;
    base?: unknown;
}

/**
 * What a message asks the publisher for: undefined when it is none of the node's three inputs. A record with
 * `msg.changed` is a change; one without is a `get` answer for one device, which must not fire its last access again;
 * `get`'s answer for a device it does not know (null) publishes nothing.
 */
function publishedFor(publisher: HomeAssistantPublisher, msg: { topic?: unknown; payload?: unknown; changed?: unknown }): MqttMessage[] | undefined {
    const { topic, payload } = msg;
    const record = deviceRecordOf(payload);
    if (record !== undefined) {
        return Array.isArray(msg.changed) ? publisher.update(record) : publisher.updateAll([record]);
    }
    const records = Array.isArray(payload) ? payload.map(deviceRecordOf) : [];
    if (Array.isArray(payload) && records.every((each): each is DeviceRecord => each !== undefined)) {
        return publisher.updateAll(records);
    }
    if (topic === "get" && payload === null) {
        return [];
    }
    return publisher.isBirth(topic, payload) ? publisher.republish() : undefined;
}

export = function (RED: NodeAPI) {
    const t = (key: string, substitutions?: Record<string, unknown>) => RED._(`alocity-home-assistant.${key}`, substitutions);
    const origin = originOf(packageInfo());

    function AlocityHomeAssistant(this: NodeRedNode, def: HomeAssistantDef) {
        RED.nodes.createNode(this, def);
        const node = this;
        let publisher: HomeAssistantPublisher;
        try {
            publisher = new HomeAssistantPublisher(parseTopicRoots(def.prefix, def.base), origin);
        } catch (error) {
            node.status({ fill: "red", shape: "ring", text: t("status.bad-topic") });
            node.error(t("log.bad-topic", { problem: (error as Error).message }));
            node.on("input", (_msg, _send, done) => done());
            return;
        }
        const status = new ThrottledStatus(node);
        const unexpectedLog = new LogThrottle(
            (line) => node.warn(line),
            (total, _counts, windowMs) => t("log.unexpected-summary", { count: total, seconds: windowMs / 1000 }),
        );

        node.on("input", (msg, send, done) => {
            const published = publishedFor(publisher, msg);
            if (published === undefined) {
                unexpectedLog.report("unexpected", () => t("log.unexpected", { status: publisher.statusTopic }));
            } else if (published.length > 0) {
                send([published.map(({ topic, payload, retain }) => ({ topic, payload, retain }))]);
                const count = publisher.size;
                const time = clockTime(Date.now());
                status.show(() => ({ fill: "green", shape: "dot", text: t(count === 1 ? "status.device" : "status.devices", { count, time }) }));
            }
            done();
        });

        node.on("close", (_removed: boolean, done: () => void) => {
            unexpectedLog.flush();
            status.stop();
            done();
        });
    }

    RED.nodes.registerType("alocity-home-assistant", AlocityHomeAssistant);
};
