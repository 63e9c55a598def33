// Real MQTT brokers for the flows that publish to MQTT (alocity-home-assistant -> core mqtt out), each on a free port
// of 127.0.0.1 and able to restart on it, losing what it retained (no persistence): aedes in the test process, and
// Debian's Mosquitto 2 (mosquitto.ts), what users run. MQTT clients that record what they receive.
import { randomUUID } from "crypto";
import net, { type AddressInfo } from "net";
import type { Aedes } from "aedes" with { "resolution-mode": "import" };
import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
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

/** An MQTT client's subscription: every message it has received, in order, with its retain flag as received. */
export class Subscriber {
    readonly received: MqttPublish[] = [];

    constructor(readonly client: MqttClient) {
        client.on("message", (topic, payload, packet) => this.received.push({ topic, payload: payload.toString(), retain: packet.retain }));
    }

    /** The messages received on `topic`, once there are at least `count`. */
    async on(topic: string, count = 1): Promise<MqttPublish[]> {
        const messages = () => this.received.filter((message) => message.topic === topic);
        await eventually(
            () => messages().length >= count,
            () => `${count} messages on ${topic}; received: ${topicsOf(this.received).join(", ")}`,
        );
        return messages();
    }

    end(): Promise<void> {
        return this.client.endAsync();
    }
}

/** A broker the tests can stop (every client cut off, everything retained lost) and start again on the same port. */
export abstract class MqttBroker {
    abstract readonly name: string;

    /** `port` 0: a free one, chosen when it first starts. */
    constructor(protected listenPort: number) {}

    get port(): number {
        return this.listenPort;
    }

    get url(): string {
        return `mqtt://127.0.0.1:${this.port}`;
    }

    /** An MQTT client (MQTT 3.1.1, as Node-RED's default) connected to the broker. */
    connect(options: IClientOptions = {}): Promise<MqttClient> {
        return mqtt.connectAsync(this.url, { protocolVersion: 4, reconnectPeriod: 0, ...options });
    }

    /** A client subscribed to `topic` (# by default) that records what it receives, from now on. */
    async subscriber(topic = "#", options: IClientOptions = {}): Promise<Subscriber> {
        const subscriber = new Subscriber(await this.connect(options));
        await subscriber.client.subscribeAsync(topic, { qos: 1 });
        return subscriber;
    }

    /**
     * What a client connecting now is sent of what the broker retains. A message published after the subscription
     * reaches the client after the retained ones (the broker handles one client's packets in order): all have arrived
     * once it has.
     */
    async retainedNow(): Promise<MqttPublish[]> {
        const late = await this.subscriber();
        try {
            const sentinel = `test/sentinel/${randomUUID()}`;
            await late.client.publishAsync(sentinel, "end", { qos: 1 });
            await late.on(sentinel);
            return late.received.filter((message) => message.topic !== sentinel);
        } finally {
            await late.end();
        }
    }

    /** Stops the broker: every client is disconnected, everything it retained is lost. */
    abstract stop(): Promise<void>;
    /** Starts it again, on the same port. */
    abstract start(): Promise<void>;
    /** Stops it for good. */
    close(): Promise<void> {
        return this.stop();
    }
}

/** aedes, in this process, in memory. It also records what clients publish, with the retain flag as sent. */
export class TestBroker extends MqttBroker {
    readonly name = "aedes";
    /** Every PUBLISH a client (or a will) sent the broker since it last started, in order, with its retain flag as sent. */
    readonly published: MqttPublish[] = [];
    /** The topic filters clients have subscribed to since it last started. */
    readonly subscriptions = new Set<string>();
    private running: { broker: Aedes; server: net.Server } | undefined;

    static async start(port = 0): Promise<TestBroker> {
        const broker = new TestBroker(port);
        await broker.start();
        return broker;
    }

    async start(): Promise<void> {
        // aedes is an ES module: imported, not required.
        const { Aedes } = await import("aedes");
        const broker = await Aedes.createBroker();
        const server = net.createServer(broker.handle);
        await new Promise<void>((resolve, reject) => {
            server.once("error", reject);
            server.listen(this.port, "127.0.0.1", resolve);
        });
        this.listenPort = (server.address() as AddressInfo).port;
        this.published.length = 0;
        this.subscriptions.clear();
        broker.on("publish", (packet, client) => {
            if (client || !packet.topic.startsWith("$SYS/"))
                this.published.push({ topic: packet.topic, payload: packet.payload.toString(), retain: packet.retain });
        });
        broker.on("subscribe", (subscriptions) => {
            for (const { topic } of subscriptions) this.subscriptions.add(topic);
        });
        this.running = { broker, server };
    }

    async stop(): Promise<void> {
        const running = this.running;
        this.running = undefined;
        if (running) await new Promise<void>((resolve) => running.broker.close(() => running.server.close(() => resolve())));
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

    /** aedes sends the retained messages of a new subscription as a stream that a later publish may overtake: counted. */
    override async retainedNow(): Promise<MqttPublish[]> {
        const late = await this.subscriber();
        try {
            const expected = () => this.retained().size;
            await eventually(
                () => late.received.length >= expected(),
                () => `${expected()} retained messages; received ${topicsOf(late.received).join(", ")}`,
            );
            return late.received.slice();
        } finally {
            await late.end();
        }
    }

    /** Resolves once a client has subscribed to `topic` (e.g. Node-RED's mqtt in node, once its broker connection is up). */
    async subscribed(topic: string): Promise<void> {
        await eventually(
            () => this.subscriptions.has(topic),
            () => `a subscription to ${topic}; subscribed: ${[...this.subscriptions].join(", ")}`,
        );
    }
}

/** Registers a test file's (or suite's) hooks for a broker (aedes by default): started before its tests, closed after them. */
export function useBroker(): { readonly broker: TestBroker };
export function useBroker<B extends MqttBroker>(start: () => Promise<B>): { readonly broker: B };
export function useBroker(start: () => Promise<MqttBroker> = () => TestBroker.start()): { readonly broker: MqttBroker } {
    let started: MqttBroker | undefined;
    before(async function () {
        started = await start();
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
