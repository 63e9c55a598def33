// A real MQTT broker (aedes, in memory) in the test process, on a free port of 127.0.0.1, and MQTT clients that record
// what they receive: for the flows that publish to MQTT (alocity-home-assistant -> core mqtt out).
import net, { type AddressInfo } from "net";
import type { Aedes } from "aedes" with { "resolution-mode": "import" };
import mqtt, { type MqttClient } from "mqtt";
import { eventually } from "./wait";

/** One MQTT PUBLISH: its payload as UTF-8 text. */
export interface MqttPublish {
    topic: string;
    payload: string;
    retain: boolean;
}

/** The topics of messages, in order. */
export function topicsOf(messages: readonly MqttPublish[]): string[] {
    return messages.map((message) => message.topic);
}

/** The payload of the first message on `topic`. */
export function payloadOf(messages: readonly MqttPublish[], topic: string): string | undefined {
    return messages.find((message) => message.topic === topic)?.payload;
}

export class TestBroker {
    /** Every PUBLISH a client sent the broker, in order, with its retain flag as sent. */
    readonly published: MqttPublish[] = [];
    /** The topic filters clients have subscribed to. */
    readonly subscriptions = new Set<string>();
    readonly url: string;

    private constructor(
        private readonly broker: Aedes,
        private readonly server: net.Server,
    ) {
        this.url = `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`;
        broker.on("publish", (packet, client) => {
            if (client) this.published.push({ topic: packet.topic, payload: packet.payload.toString(), retain: packet.retain });
        });
        broker.on("subscribe", (subscriptions) => {
            for (const { topic } of subscriptions) this.subscriptions.add(topic);
        });
    }

    static async start(): Promise<TestBroker> {
        // aedes is an ES module: imported, not required.
        const { Aedes } = await import("aedes");
        const broker = await Aedes.createBroker();
        const server = net.createServer(broker.handle);
        await new Promise<void>((resolve, reject) => {
            server.once("error", reject);
            server.listen(0, "127.0.0.1", resolve);
        });
        return new TestBroker(broker, server);
    }

    get port(): number {
        return (this.server.address() as AddressInfo).port;
    }

    /**
     * What the broker retains now, by topic, as the publishes it received say (a retained empty payload removes a
     * topic's): what a subscriber to # connecting now is sent.
     */
    retained(): Map<string, string> {
        const retained = new Map<string, string>();
        for (const { topic, payload, retain } of this.published) {
            if (!retain) continue;
            if (payload === "") retained.delete(topic);
            else retained.set(topic, payload);
        }
        return retained;
    }

    /** Resolves once a client has subscribed to `topic` (e.g. Node-RED's mqtt in node, once its broker connection is up). */
    async subscribed(topic: string): Promise<void> {
        await eventually(() => this.subscriptions.has(topic), () => `a subscription to ${topic}; subscribed: ${[...this.subscriptions].join(", ")}`);
    }

    /** An MQTT client (MQTT 3.1.1, as Node-RED's default) connected to the broker. */
    connect(): Promise<MqttClient> {
        return mqtt.connectAsync(this.url, { protocolVersion: 4, reconnectPeriod: 0 });
    }

    /** A client subscribed to `topic` (# by default) that records what it receives, from now on. */
    async subscriber(topic = "#"): Promise<Subscriber> {
        const client = await this.connect();
        const subscriber = new Subscriber(client);
        await client.subscribeAsync(topic, { qos: 1 });
        return subscriber;
    }

    close(): Promise<void> {
        return new Promise((resolve) => this.broker.close(() => this.server.close(() => resolve())));
    }
}

/** An MQTT client's subscription: every message it has received, in order, with its retain flag as received. */
export class Subscriber {
    readonly received: MqttPublish[] = [];

    constructor(private readonly client: MqttClient) {
        client.on("message", (topic, payload, packet) => this.received.push({ topic, payload: payload.toString(), retain: packet.retain }));
    }

    /** The messages received on `topic`, once there are at least `count`. */
    async on(topic: string, count = 1): Promise<MqttPublish[]> {
        const messages = () => this.received.filter((message) => message.topic === topic);
        await eventually(() => messages().length >= count, () => `${count} messages on ${topic}; received: ${this.received.map((message) => message.topic).join(", ")}`);
        return messages();
    }

    end(): Promise<void> {
        return this.client.endAsync();
    }
}

/** Registers a test file's (or suite's) hooks for a broker: started before its tests, closed after them. */
export function useBroker(): { readonly broker: TestBroker } {
    let started: TestBroker | undefined;
    before(async function () {
        started = await TestBroker.start();
    });
    after(async function () {
        await started?.close();
    });
    return {
        get broker() {
            if (started === undefined) throw new Error("the broker is not started: use broker in tests and hooks only");
            return started;
        },
    };
}
