import { HomeAssistantPublisher, originOf, type MqttMessage } from "../src/core/home-assistant/publisher";
import { bridgeTopic } from "../src/core/home-assistant/components";
import { bridgeOfflineAnswer } from "../src/core/home-assistant/bridge";
import { parseSettings, readInput, type HomeAssistantSettings, type SavedSettings } from "../src/core/home-assistant/inputs";
import { FirstSightings } from "../src/core/shared/first-sightings";
import { packageInfo } from "../src/package-info";
import { LogThrottle } from "../src/core/shared/log-throttle";
import { messagesOf, type NodeAPI, type NodeDef, type NodeRedNode } from "../src/runtime/shared/node-red";
import { clockTime } from "../src/core/shared/clock";
import { ThrottledStatus } from "../src/runtime/shared/throttled-status";
import { SlicedSender } from "../src/runtime/home-assistant/sliced-sender";
import { followSharedRecords } from "../src/runtime/home-assistant/shared-records";
import { clusterOf } from "../src/runtime/cluster/cluster-node";

type HomeAssistantDef = NodeDef & SavedSettings & { cluster?: string };

/** How many messages of a republish go out in one turn of the event loop. */
const REPUBLISH_SLICE = 250;

export = function (RED: NodeAPI) {
    const t = messagesOf(RED, "alocity-home-assistant");
    const origin = originOf(packageInfo());

    function AlocityHomeAssistant(this: NodeRedNode, def: HomeAssistantDef) {
        RED.nodes.createNode(this, def);
        const node = this;
        let settings: HomeAssistantSettings;
        try {
            settings = parseSettings(def);
        } catch (error) {
            node.status({ fill: "red", shape: "ring", text: t("status.bad-topic") });
            node.error(t("log.bad-topic", { problem: (error as Error).message }));
            node.on("input", (_msg, _send, done) => done());
            return;
        }
        const publisher = new HomeAssistantPublisher(settings, origin);
        const topics = { birth: settings.birthTopic, bridge: bridgeTopic(settings) };
        const status = new ThrottledStatus(node);
        const cluster = clusterOf(RED, def.cluster);
        /** Why the node cannot follow the other instances now (its cluster node is missing, or Redis is down). */
        let clusterProblem: string | undefined;
        let publishedAt: number | undefined;
        const unexpectedLog = new LogThrottle(
            (line) => node.warn(line),
            (total, _counts, windowMs) => t("log.unexpected-summary", { count: total, seconds: windowMs / 1000 }),
        );
        const otherTopics = new FirstSightings();

        function showStatus(): void {
            const problem = clusterProblem;
            if (problem !== undefined) {
                status.show(() => ({ fill: "red", shape: "ring", text: problem }));
                return;
            }
            if (publishedAt === undefined) {
                // Nothing published yet: no status (it clears a red one).
                status.show(() => ({}));
                return;
            }
            const count = publisher.size;
            const time = clockTime(publishedAt);
            status.show(() => ({
                fill: "green",
                shape: "dot",
                text: t(count === 1 ? "status.device" : "status.devices", { count, time }),
            }));
        }

        function publish(messages: MqttMessage[]): void {
            node.send([messages.map(({ topic, payload, retain }) => ({ topic, payload, retain }))]);
            publishedAt = Date.now();
            showStatus();
        }
        const republishing = new SlicedSender(publish, REPUBLISH_SLICE);

        /** What the message makes the node publish at once; undefined when it is none of what the node expects. */
        function publishedFor(msg: object): MqttMessage[] | undefined {
            const input = readInput(msg, settings);
            switch (input.kind) {
                case "records":
                    return publisher.updateAll(input.records, input.live);
                case "republish":
                    if (input.from === "home-assistant") publisher.homeAssistantIs(true);
                    republishing.start(publisher.republish());
                    return [];
                case "home-assistant-offline":
                    publisher.homeAssistantIs(false);
                    return [];
                case "bridge-offline":
                    return bridgeOfflineAnswer(settings, cluster.kind !== "none");
                case "nothing":
                    return [];
                case "other-topic": {
                    // One warning per topic (an mqtt in node wired in by mistake would fill the log); past the
                    // topics remembered, the throttled warning.
                    const sighting = otherTopics.sight(input.topic);
                    if (sighting === "new") {
                        node.warn(t("log.other-topic", { topic: input.topic, ...topics }));
                    }
                    return sighting === "full" ? undefined : [];
                }
                case "unexpected":
                    return undefined;
            }
        }

        const stopFollowing = followCluster();

        /** With a cluster: the records other instances changed, and a red status while they cannot be followed. */
        function followCluster(): () => void {
            if (cluster.kind === "missing") {
                clusterProblem = t("status.no-cluster");
                node.error(t("log.no-cluster", { id: cluster.id }));
                showStatus();
            }
            if (cluster.kind !== "cluster") return () => undefined;
            const { connection } = cluster;
            const onState = () => {
                const down = connection.state === "down";
                if (down === (clusterProblem !== undefined)) return;
                clusterProblem = down ? t("status.cluster-down") : undefined;
                showStatus();
            };
            onState();
            const stopState = connection.onState(onState);
            const stopRecords = followSharedRecords(connection.bus, ({ serialNumber, record }) => {
                const resent = publisher.learn(serialNumber, record);
                if (resent.length > 0) {
                    publish(resent);
                } else {
                    showStatus();
                }
            });
            return () => {
                stopState();
                stopRecords();
            };
        }

        node.on("input", (msg, _send, done) => {
            const published = publishedFor(msg);
            if (published === undefined) {
                unexpectedLog.report("unexpected", () => t("log.unexpected", topics));
            } else if (published.length > 0) {
                publish(published);
            }
            done();
        });

        node.on("close", (_removed: boolean, done: () => void) => {
            stopFollowing();
            republishing.stop();
            unexpectedLog.flush();
            status.stop();
            done();
        });
    }

    RED.nodes.registerType("alocity-home-assistant", AlocityHomeAssistant);
};
