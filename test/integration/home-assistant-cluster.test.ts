// The Home Assistant bridge with a cluster, in real Node-RED processes running example 07's flow (the broker node's
// birth, close and will on alocity/status, mqtt in nodes on homeassistant/status and alocity/status, the
// alocity-home-assistant and device-state nodes on one alocity-cluster node) against Mosquitto 2 and a real Redis:
// one of two killed, the other puts the bridge back online, as a client connecting afterwards reads; the only one
// killed leaves it offline.
import assert from "assert";
import { MOSQUITTO, describeWithBroker } from "../support/mosquitto";
import { useBroker, type Subscriber } from "../support/mqtt-broker";
import { killNodeRed, startRealNodeRed, type NodeRedProcess } from "../support/real-node-red";
import { RedisServer, describeWithRedis } from "../support/redis";
import { asDeployed, nodeOfType, readExample, type FlowNode } from "../support/test-flows";
import { eventually } from "../support/wait";

const EXAMPLE = "07 - Doors in Home Assistant (MQTT discovery).json";
const BRIDGE_TOPIC = "alocity/status";
const CLUSTER = "cluster-1";

/** Example 07 with its broker node on `brokerPort`, its device-state and Home Assistant nodes on a cluster node for `redisUrl`. */
function flow(brokerPort: number, redisUrl: string): FlowNode[] {
    const nodes = asDeployed(readExample(EXAMPLE), "tab");
    Object.assign(nodeOfType(nodes, "mqtt-broker"), { broker: "127.0.0.1", port: String(brokerPort) });
    for (const type of ["alocity-device-state", "alocity-home-assistant"]) nodeOfType(nodes, type).cluster = CLUSTER;
    return [...nodes, { id: CLUSTER, type: "alocity-cluster", name: "", url: redisUrl, prefix: "alocity" }];
}

/** The payloads a subscriber has received on the bridge topic, in order. */
function bridgeStates(subscriber: Subscriber): string[] {
    return subscriber.received.filter((message) => message.topic === BRIDGE_TOPIC).map((message) => message.payload);
}

/**
 * How many times a subscriber has seen a broker node's birth published live: `online` without the retain flag (what
 * the broker held when it subscribed comes with the flag, and may be a birth from before).
 */
function births(subscriber: Subscriber): number {
    return subscriber.received.filter((message) => message.topic === BRIDGE_TOPIC && message.payload === "online" && !message.retain)
        .length;
}

describeWithBroker(MOSQUITTO, "the Home Assistant bridge with a cluster, in real Node-RED processes", (kind) => {
    describeWithRedis("with redis-server", () => {
        const mqtt = useBroker(kind.start);
        let redis: RedisServer | undefined;
        const started: NodeRedProcess[] = [];
        let live: Subscriber | undefined;

        before(async () => {
            redis = await RedisServer.start();
        });
        after(() => redis?.close());
        afterEach(async () => {
            await live?.end();
            live = undefined;
            await Promise.all(started.splice(0).map((nodeRed) => nodeRed.stop()));
        });

        /**
         * Starts `count` Node-REDs with the flow, one after the other, each connected and subscribed once its broker
         * node's birth has been seen (it comes after the mqtt in nodes subscribed); `live` has watched the bridge topic
         * from before the first.
         */
        async function startInstances(count: number): Promise<NodeRedProcess[]> {
            live = await mqtt.broker.subscriber(BRIDGE_TOPIC);
            const instances: NodeRedProcess[] = [];
            for (let n = 1; n <= count; n++) {
                const nodeRed = await startRealNodeRed();
                started.push(nodeRed);
                instances.push(nodeRed);
                await nodeRed.deploy(flow(mqtt.broker.port, redis!.url));
                await eventually(
                    () => births(live!) >= n,
                    () => `instance ${n}'s broker node's birth on ${BRIDGE_TOPIC}: ${JSON.stringify(live!.received)}`,
                );
            }
            return instances;
        }

        /** The bridge topic's retained payload, as a client connecting now reads it. */
        async function retainedBridge(): Promise<string | undefined> {
            return (await mqtt.broker.retainedNow()).find((message) => message.topic === BRIDGE_TOPIC)?.payload;
        }

        it("one of two killed: the other publishes the bridge online again, which a client connecting afterwards reads", async function () {
            this.timeout(60_000);
            const [first] = await startInstances(2);
            const watched = live!;
            const before = bridgeStates(watched).length;
            const since = () => bridgeStates(watched).slice(before);
            const arrivals: number[] = [];
            watched.client.on("message", (topic) => {
                if (topic === BRIDGE_TOPIC) arrivals.push(Date.now());
            });
            const killedAt = Date.now();
            await killNodeRed(first);
            await eventually(
                () => since().join(",") === "offline,online",
                () => `the will, then online again, on ${BRIDGE_TOPIC}; seen since the kill: ${JSON.stringify(since())}`,
            );
            assert.strictEqual(await retainedBridge(), "online");
            const [willAt, onlineAt] = arrivals;
            console.log(`      bridge online again ${onlineAt - willAt} ms after the will, ${onlineAt - killedAt} ms after the kill`);
        });

        it("the only one killed: the bridge stays offline (its will), as a client connecting afterwards reads", async function () {
            this.timeout(60_000);
            const [only] = await startInstances(1);
            const watched = live!;
            const before = bridgeStates(watched).length;
            await killNodeRed(only);
            await eventually(
                () => bridgeStates(watched).slice(before).includes("offline"),
                () => `the will on ${BRIDGE_TOPIC}; seen since the kill: ${JSON.stringify(bridgeStates(watched).slice(before))}`,
            );
            assert.strictEqual(await retainedBridge(), "offline");
            // Its own answer to the offline retained before it started may come before its will, never after.
            assert.strictEqual(bridgeStates(watched).at(-1), "offline");
        });
    });
});
