// alocity-home-assistant in a real Node-RED, fed by alocity-webhook-in -> alocity-device-state with signed events and
// publishing through the core mqtt out node to a real MQTT broker (aedes, in this process): what Home Assistant finds
// on the broker, live and retained, after its birth message, and after a device is forgotten.
import assert from "assert";
import path from "path";
import { samplePayload } from "../../src/core/samples";
import { request, signedPost } from "../support/http";
import { useBroker, type MqttPublish, type Subscriber } from "../support/mqtt-broker";
import { packageDir, problemLines, useNodeRed } from "../support/real-node-red";
import { readRecorded, readoutNodes, recorderNode } from "../support/recorders";
import { SECRET, type FlowNode } from "../support/test-flows";
import { eventually } from "../support/wait";

const PACKAGE = require(path.join(packageDir, "package.json")) as { name: string; version: string };
const WEBHOOK = "/alocity/home-assistant";
const STATUS_TOPIC = "homeassistant/status";
/** A door controller (named in the device-state node) and a reader (named by its events), from the samples. */
const DOOR = { serial: "ALO-DC-20220415", name: "Front door" };
const READER = { serial: "ALO-FR-20231187", name: "Main entrance" };

const ENTITIES = [
    { component: "binary_sensor", object: "door" },
    { component: "binary_sensor", object: "lock" },
    { component: "binary_sensor", object: "connectivity" },
    { component: "binary_sensor", object: "alarm" },
    { component: "event", object: "access" },
];
const RETAINED_STATES = ["door", "lock", "connectivity", "alarm", "alarm/attributes"];

function configTopic(serial: string, object: string): string {
    const { component } = ENTITIES.find((entity) => entity.object === object)!;
    return `homeassistant/${component}/alocity_${serial}/${object}/config`;
}

function stateTopic(serial: string, object: string): string {
    return `alocity/${serial}/${object}`;
}

/** What the broker should retain of a device whose entities are `objects`: the configs, then the states. */
function retainedTopics(serial: string, objects: readonly string[]): string[] {
    const states = RETAINED_STATES.filter((state) => objects.includes(state.split("/")[0]));
    return [...objects.map((object) => configTopic(serial, object)), ...states.map((state) => stateTopic(serial, state))];
}

const DOOR_TOPICS = retainedTopics(DOOR.serial, ["door", "lock", "connectivity", "alarm", "access"]);
const READER_TOPICS = retainedTopics(READER.serial, ["alarm", "access"]);
const ACCESS_TOPIC = stateTopic(READER.serial, "access");

/** The device classes of Home Assistant's binary sensor. */
const BINARY_SENSOR_CLASSES = new Set(
    "battery battery_charging carbon_monoxide cold connectivity door garage_door gas heat light lock moisture motion moving occupancy opening plug power presence problem running safety smoke sound tamper update vibration window".split(" "),
);

function flow(brokerPort: number): FlowNode[] {
    return [
        { id: "tab", type: "tab", label: "home assistant" },
        { id: "sig", type: "alocity-signature", name: "", tolerance: 300, credentials: { secret: SECRET } },
        { id: "in", type: "alocity-webhook-in", z: "tab", name: "", url: WEBHOOK, signature: "sig", event: "", x: 120, y: 100, wires: [["state"]] },
        {
            id: "state",
            type: "alocity-device-state",
            z: "tab",
            name: "",
            devices: [{ serial: DOOR.serial, name: DOOR.name }],
            openValues: "Open",
            lockedValues: "Locked",
            heldOpen: 0,
            forcedOpen: false,
            grace: 5,
            silentAfter: 0,
            store: "",
            x: 300,
            y: 100,
            wires: [["ha"], []],
        },
        { id: "ha", type: "alocity-home-assistant", z: "tab", name: "", prefix: "homeassistant", base: "alocity", x: 500, y: 100, wires: [["out"]] },
        { id: "out", type: "mqtt out", z: "tab", name: "", topic: "", qos: "1", retain: "", broker: "broker", x: 700, y: 100, wires: [] },
        { id: "status-in", type: "mqtt in", z: "tab", name: "", topic: STATUS_TOPIC, qos: "1", datatype: "utf8", broker: "broker", nl: false, rap: true, rh: 0, inputs: 0, x: 300, y: 160, wires: [["ha"]] },
        {
            id: "forget",
            type: "inject",
            z: "tab",
            name: "",
            props: [{ p: "topic", vt: "str" }, { p: "payload" }],
            topic: "forget",
            payload: READER.serial,
            payloadType: "str",
            repeat: "",
            crontab: "",
            once: false,
            onceDelay: 0.1,
            x: 120,
            y: 160,
            wires: [["state"]],
        },
        { id: "ha-status", type: "status", z: "tab", name: "", scope: ["ha"], x: 120, y: 220, wires: [["status-text"]] },
        {
            id: "status-text",
            type: "change",
            z: "tab",
            name: "",
            rules: [{ t: "move", p: "status.text", pt: "msg", to: "payload", tot: "msg" }],
            x: 300,
            y: 220,
            wires: [["record-status"]],
        },
        recorderNode("record-status", "status", { y: 220 }),
        ...readoutNodes(),
        { id: "broker", type: "mqtt-broker", name: "", broker: "127.0.0.1", port: String(brokerPort), clientid: "", autoConnect: true, usetls: false, protocolVersion: "4", keepalive: "60", cleansession: true },
    ];
}

function topicsOf(messages: readonly MqttPublish[]): string[] {
    return messages.map((message) => message.topic);
}

/** Asserts what Home Assistant's MQTT discovery documentation requires of a config for a binary_sensor or an event. */
function assertDiscoveryConfig(message: MqttPublish): void {
    const levels = /^homeassistant\/(binary_sensor|event)\/([A-Za-z0-9_-]+)\/([A-Za-z0-9_-]+)\/config$/.exec(message.topic);
    assert.ok(levels, `a discovery topic: ${message.topic}`);
    const config = JSON.parse(message.payload);
    const where = `${message.topic}: ${message.payload}`;
    assert.strictEqual(typeof config.name, "string", where);
    assert.match(config.unique_id, /^[A-Za-z0-9_-]+$/, where);
    assert.match(config.state_topic, /^[^+#]+$/, where);
    assert.ok(Array.isArray(config.device.identifiers) && config.device.identifiers.length > 0, where);
    assert.strictEqual(config.device.manufacturer, "Alocity", where);
    assert.deepStrictEqual({ name: config.origin.name, sw_version: config.origin.sw_version }, { name: PACKAGE.name, sw_version: PACKAGE.version }, where);
    if (levels[1] === "binary_sensor") {
        assert.ok(BINARY_SENSOR_CLASSES.has(config.device_class), where);
        assert.deepStrictEqual([config.payload_on, config.payload_off], ["ON", "OFF"], where);
    } else {
        assert.ok(Array.isArray(config.event_types) && config.event_types.length > 0, where);
        assert.ok(config.event_types.every((type: unknown) => typeof type === "string"), where);
    }
}

describe("alocity-home-assistant with a real MQTT broker and a real Node-RED", function () {
    this.timeout(60000);
    const mqtt = useBroker();
    const session = useNodeRed();
    let live: Subscriber;
    /** The length of Node-RED's log before the flow was deployed. */
    let logFrom = 0;

    async function post(event: object): Promise<void> {
        const answer = await signedPost(session.nodeRed.url + WEBHOOK, event, { secret: SECRET });
        assert.strictEqual(answer.status, 200, `${answer.status} ${answer.text}`);
    }

    /** Resolves once the node's status shows `text` (a pattern), with every text it has shown. */
    async function statusShows(text: RegExp): Promise<void> {
        let shown: unknown[] = [];
        await eventually(async () => {
            shown = ((await readRecorded(session.nodeRed)).status ?? []).map((message) => message.payload);
            return text.test(String(shown.at(-1)));
        }, () => `the status to show ${text}; it showed ${JSON.stringify(shown)}`);
    }

    /** Asserts that a client connecting now is sent every retained message the node published, and nothing else. */
    async function assertLateSubscriberSees(topics: readonly string[]): Promise<MqttPublish[]> {
        const retained = mqtt.broker.retained();
        assert.deepStrictEqual([...retained.keys()].sort(), [...topics].sort(), "what the broker retains");
        const late = await mqtt.broker.subscriber();
        try {
            await eventually(() => late.received.length >= retained.size, () => `${retained.size} retained messages; received ${topicsOf(late.received).join(", ")}`);
            const expected = [...retained].map(([topic, payload]) => ({ topic, payload, retain: true }));
            const byTopic = (a: MqttPublish, b: MqttPublish) => a.topic.localeCompare(b.topic);
            assert.deepStrictEqual(late.received.slice().sort(byTopic), expected.sort(byTopic));
            return late.received;
        } finally {
            await late.end();
        }
    }

    before(async function () {
        logFrom = session.nodeRed.log.length;
        await session.nodeRed.deploy(flow(mqtt.broker.port));
        // The mqtt in node subscribes once the broker connection the mqtt out node shares is up.
        await mqtt.broker.subscribed(STATUS_TOPIC);
        live = await mqtt.broker.subscriber();
        await post(samplePayload("door.healthcheck"));
        await post({ serialNumber: DOOR.serial, lockState: "Unlocked" });
        await post({ serialNumber: DOOR.serial, doorState: "Open" });
        await post(samplePayload("accesslog.created"));
        await post({ ...samplePayload("accesslog.created"), id: "refused-1", result: 2, resultName: "Unknown User" });
        await live.on(ACCESS_TOPIC, 2);
    });

    after(async () => {
        await live?.end();
    });

    it("announces every entity of each device as Home Assistant's MQTT discovery requires", () => {
        const configs = live.received.filter((message) => message.topic.endsWith("/config"));
        assert.deepStrictEqual(topicsOf(configs).sort(), [...DOOR_TOPICS, ...READER_TOPICS].filter((topic) => topic.endsWith("/config")).sort());
        configs.forEach(assertDiscoveryConfig);
        const door = JSON.parse(configs.find((message) => message.topic === configTopic(DOOR.serial, "door"))!.payload);
        assert.deepStrictEqual(door.device, {
            identifiers: [`alocity_${DOOR.serial}`],
            name: DOOR.name,
            manufacturer: "Alocity",
            serial_number: DOOR.serial,
            sw_version: samplePayload("door.healthcheck").firmwareVersion,
        });
        const access = JSON.parse(configs.find((message) => message.topic === configTopic(READER.serial, "access"))!.payload);
        assert.strictEqual(access.device.name, READER.name);
        assert.strictEqual(access.state_topic, ACCESS_TOPIC);
    });

    it("shows the devices it knows and when it last published in its status", () => statusShows(/^2 devices · published \d\d:\d\d:\d\d$/));

    it("publishes each state on its entity's state topic, and each access as an event of a declared type", async () => {
        const last = (topic: string) => live.received.filter((message) => message.topic === topic).at(-1)?.payload;
        assert.deepStrictEqual(
            ["door", "lock", "connectivity", "alarm"].map((object) => last(stateTopic(DOOR.serial, object))),
            ["ON", "ON", "ON", "OFF"],
        );
        assert.deepStrictEqual(JSON.parse(last(stateTopic(DOOR.serial, "alarm/attributes"))!), { alarms: [] });
        assert.strictEqual(last(stateTopic(READER.serial, "alarm")), "OFF");
        const events = (await live.on(ACCESS_TOPIC, 2)).map((message) => JSON.parse(message.payload));
        const user = samplePayload("accesslog.created").userName;
        assert.deepStrictEqual(events, [
            { event_type: "granted", user, result: 0 },
            { event_type: "denied", user, result: 2 },
        ]);
        const declared = JSON.parse(live.received.find((message) => message.topic === configTopic(READER.serial, "access"))!.payload).event_types;
        assert.ok(events.every((event) => declared.includes(event.event_type)));
        const configFirst = topicsOf(live.received).indexOf(configTopic(DOOR.serial, "door"));
        assert.ok(configFirst < topicsOf(live.received).indexOf(stateTopic(DOOR.serial, "door")), "the config before its state");
    });

    it("retains configs and states, never access events: a subscriber connecting late gets every entity and no event", async () => {
        const sent = mqtt.broker.published.filter((message) => message.topic.startsWith("homeassistant/") || message.topic.startsWith("alocity/"));
        assert.deepStrictEqual(sent.filter((message) => !message.retain).map((message) => message.topic), [ACCESS_TOPIC, ACCESS_TOPIC]);
        await assertLateSubscriberSees([...DOOR_TOPICS, ...READER_TOPICS]);
    });

    it("publishes every config, then every state, again on Home Assistant's birth message, and no access event", async () => {
        const from = live.received.length;
        const retained = mqtt.broker.retained();
        const homeAssistant = await mqtt.broker.connect();
        await homeAssistant.publishAsync(STATUS_TOPIC, "online", { qos: 1 });
        await homeAssistant.endAsync();
        const since = () => live.received.slice(from).filter((message) => message.topic !== STATUS_TOPIC);
        await eventually(() => since().length >= retained.size, () => `the republished messages; received ${topicsOf(since()).join(", ")}`);
        // What came before a later change is all the birth message made the node send.
        await post({ serialNumber: DOOR.serial, doorState: "Closed" });
        const doorClosed = { topic: stateTopic(DOOR.serial, "door"), payload: "OFF", retain: false };
        await eventually(() => since().some((message) => message.topic === doorClosed.topic && message.payload === "OFF"), "the door closed");
        assert.deepStrictEqual(live.received.at(-1), doorClosed);
        const republished = since().slice(0, -1);
        assert.deepStrictEqual(topicsOf(republished).sort(), [...DOOR_TOPICS, ...READER_TOPICS].sort());
        const configs = republished.filter((message) => message.topic.endsWith("/config"));
        assert.deepStrictEqual(republished.slice(0, configs.length), configs, "every config before every state");
        for (const { topic, payload } of republished) {
            assert.strictEqual(payload, retained.get(topic), topic);
        }
    });

    it("removes a forgotten device: empty retained payloads, so a late subscriber gets nothing of it", async () => {
        const pressed = await request("POST", `${session.nodeRed.url}/inject/forget`);
        assert.strictEqual(pressed.status, 200, `the forget inject: ${pressed.status} ${pressed.text}`);
        await eventually(() => READER_TOPICS.every((topic) => live.received.some((message) => message.topic === topic && message.payload === "")), "every topic of the reader emptied");
        const emptied = mqtt.broker.published.filter((message) => message.payload === "");
        assert.ok(emptied.every((message) => message.retain && message.topic.includes(READER.serial)), JSON.stringify(emptied));
        const late = await assertLateSubscriberSees(DOOR_TOPICS);
        assert.ok(!late.some((message) => message.topic.includes(READER.serial)));
        await statusShows(/^1 device · published \d\d:\d\d:\d\d$/);
    });

    it("logged no error or warning", () => {
        const log = session.nodeRed.log.slice(logFrom);
        assert.deepStrictEqual(problemLines(log, { warnings: true }), [], log);
    });
});
