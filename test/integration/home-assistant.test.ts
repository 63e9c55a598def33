// alocity-home-assistant in a real Node-RED, in example 07's flow (webhook -> device state -> home assistant -> core
// mqtt out; core mqtt in on Home Assistant's birth topic and on the bridge topic; the mqtt-broker node's birth, close
// and will), against real brokers (aedes, and Debian's Mosquitto 2): what a client standing in for Home Assistant
// sees, every discovery message checked against Home Assistant's rules, live, retained, after its birth, after a
// broker restart in either order, and once Node-RED is killed.
import assert from "assert";
import { samplePayload } from "../../src/core/events/samples";
import { deviceId } from "../../src/core/home-assistant/components";
import { BrokerGate } from "../support/broker-gate";
import { HomeAssistantView, type EntityView } from "../support/home-assistant-view";
import { request, signedPost } from "../support/requests";
import { forEachBroker } from "../support/mosquitto";
import { topicsOf, useBroker, type MqttPublish, type Subscriber } from "../support/mqtt-broker";
import { killNodeRed, logShows, problemLines, useNodeRed } from "../support/real-node-red";
import { readRecorded, readoutNodes, recorderNode } from "../support/recorders";
import { SECRET, asDeployed, nodeOfType, readExample, type FlowNode } from "../support/test-flows";
import { eventually } from "../support/wait";
import { parseDeviceMessage } from "../support/home-assistant-schema";
import { packageManifest } from "../support/modules";

const EXAMPLE = "07 - Doors in Home Assistant (MQTT discovery).json";
const BIRTH_TOPIC = "homeassistant/status";
const BRIDGE_TOPIC = "alocity/status";
/** How soon Home Assistant must have everything back once it and Node-RED are both connected to the broker again. */
const RECOVERY_MS = 10_000;
/** A door controller named in the device-state node, a reader named by its events, a gate whose serial number needs a hash. */
const DOOR = { serial: "ALO-DC-20220415", name: "Front door" };
const READER = { serial: "ALO-FR-20231187", name: "Main entrance" };
const GATE = { serial: "ALO.GATE/1", name: "Gate" };
/** A device gone silent while connected, its record made by hand (alocity-device-state would need its silentAfter to pass). */
const SIDE = { serial: "ALO-SIDE-1", name: "Side door" };
const BRIDGE_CONFIG = "homeassistant/device/alocity-bridge/config";
const BRIDGE_CONNECTIVITY = "alocity-bridge_connectivity";

function uniqueId(device: { serial: string }, object: string): string {
    return `alocity_${deviceId(device.serial)}_${object}`;
}

function configTopic(device: { serial: string }): string {
    return `homeassistant/device/alocity_${deviceId(device.serial)}/config`;
}

const silentRecord = {
    serialNumber: SIDE.serial,
    name: SIDE.name,
    alarms: ["device.silent"],
    connected: true,
    door: "closed",
    lock: "locked",
    lockdown: false,
};

/** Example 07, its broker node pointed at `port`, with a forget button and a recorder of the Home Assistant node's status. */
function flow(port: number): FlowNode[] {
    const nodes = asDeployed(readExample(EXAMPLE), "tab");
    Object.assign(nodeOfType(nodes, "mqtt-broker"), { broker: "127.0.0.1", port: String(port) });
    Object.assign(nodeOfType(nodes, "alocity-device-state"), {
        devices: [{ serial: DOOR.serial, name: DOOR.name }],
        heldOpen: 0,
        forcedOpen: false,
    });
    const state = nodeOfType(nodes, "alocity-device-state").id;
    const forget = {
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
        y: 400,
        wires: [[state]],
    };
    const silent = {
        id: "silent",
        type: "inject",
        z: "tab",
        name: "",
        props: [{ p: "payload" }, { p: "changed", v: '["alarms"]', vt: "json" }],
        payload: JSON.stringify(silentRecord),
        payloadType: "json",
        repeat: "",
        crontab: "",
        once: false,
        onceDelay: 0.1,
        x: 120,
        y: 520,
        wires: [[nodeOfType(nodes, "alocity-home-assistant").id]],
    };
    const status = {
        id: "ha-status",
        type: "status",
        z: "tab",
        name: "",
        scope: [nodeOfType(nodes, "alocity-home-assistant").id],
        x: 120,
        y: 460,
        wires: [["status-text"]],
    };
    const text = {
        id: "status-text",
        type: "change",
        z: "tab",
        name: "",
        rules: [{ t: "move", p: "status.text", pt: "msg", to: "payload", tot: "msg" }],
        x: 300,
        y: 460,
        wires: [["record-status"]],
    };
    return [...nodes, forget, silent, status, text, recorderNode("record-status", "status", { y: 460 }), ...readoutNodes()];
}

/** What Home Assistant shows of each entity (events aside), by unique_id in order: its name and state. */
function shown(view: HomeAssistantView): Record<string, string> {
    const entities = [...view.view().values()].sort((a, b) => a.uniqueId.localeCompare(b.uniqueId));
    return Object.fromEntries(entities.map((entity: EntityView) => [entity.uniqueId, `${entity.name}: ${entity.state}`]));
}

function sorted(entities: Record<string, string>): Record<string, string> {
    return Object.fromEntries(Object.entries(entities).sort(([a], [b]) => a.localeCompare(b)));
}

/** What Home Assistant must show once every event below has arrived (the door's position aside). */
function expected(door: "on" | "off", withReader: boolean): Record<string, string> {
    const of = (device: typeof DOOR, states: [string, string, string][]) =>
        Object.fromEntries(states.map(([object, name, state]) => [uniqueId(device, object), `${device.name}${name}: ${state}`]));
    const events: [string, string, string][] = [
        ["access", " Access", ""],
        ["doorbell", " Doorbell", ""],
    ];
    const unavailable = (states: [string, string][]) =>
        states.map(([object, name]): [string, string, string] => [object, name, "unavailable"]);
    return {
        ...of(DOOR, [
            ["door", "", door],
            ["lock", " Lock", "on"],
            ["connectivity", " Connectivity", "on"],
            ["alarm", " Alarm", "off"],
            ["lockdown", " Lockdown", "unknown"],
            ...events,
        ]),
        ...(withReader
            ? of(READER, [
                  ["door", "", "unknown"],
                  ["lock", " Lock", "unknown"],
                  ["connectivity", " Connectivity", "unknown"],
                  ["alarm", " Alarm", "on"],
                  ["lockdown", " Lockdown", "on"],
                  ...events,
              ])
            : {}),
        // Offline or silent: everything unavailable but what Node-RED concludes, its connectivity (off) and alarm (on).
        ...[GATE, SIDE].reduce(
            (devices, device) => ({
                ...devices,
                ...of(device, [
                    ["connectivity", " Connectivity", "off"],
                    ["alarm", " Alarm", "on"],
                    ...unavailable([
                        ["door", ""],
                        ["lock", " Lock"],
                        ["lockdown", " Lockdown"],
                        ["access", " Access"],
                        ["doorbell", " Doorbell"],
                    ]),
                ]),
            }),
            {},
        ),
        [BRIDGE_CONNECTIVITY]: "Alocity Connectivity: on",
    };
}

forEachBroker("alocity-home-assistant with a real MQTT broker and a real Node-RED", (kind) => {
    const mqtt = useBroker(kind.start);
    let gate: BrokerGate;
    before(async () => {
        gate = await BrokerGate.open(() => mqtt.broker.port);
    });
    after(() => gate?.close());
    const session = useNodeRed({ settings: ["mqttReconnectTime=300"] });
    let live: Subscriber;
    let logFrom = 0;

    async function post(event: object): Promise<void> {
        const answer = await signedPost(`${session.nodeRed.url}/alocity/home-assistant`, event, { secret: SECRET });
        assert.strictEqual(answer.status, 200, `${answer.status} ${answer.text}`);
    }

    /** Resolves once the Home Assistant node's status shows `text`. */
    async function statusShows(text: RegExp): Promise<void> {
        let shownTexts: unknown[] = [];
        await eventually(
            async () => {
                shownTexts = ((await readRecorded(session.nodeRed)).status ?? []).map((message) => message.payload);
                return text.test(String(shownTexts.at(-1)));
            },
            () => `the status to show ${text}; it showed ${JSON.stringify(shownTexts)}`,
        );
    }

    /** Resolves once what Home Assistant shows from `messages()` is `wanted`, within `timeoutMs`. */
    async function homeAssistantShows(
        messages: () => readonly MqttPublish[],
        wanted: Record<string, string>,
        timeoutMs?: number,
    ): Promise<HomeAssistantView> {
        let view = new HomeAssistantView();
        await eventually(
            () => {
                view = new HomeAssistantView().receiveAll(messages());
                return JSON.stringify(shown(view)) === JSON.stringify(sorted(wanted));
            },
            () => `Home Assistant to show ${JSON.stringify(wanted, null, 1)}\nit shows ${JSON.stringify(shown(view), null, 1)}`,
            timeoutMs,
        );
        return view;
    }

    before(async function () {
        this.timeout(60000);
        logFrom = session.nodeRed.log.length;
        live = await mqtt.broker.subscriber();
        await session.nodeRed.deploy(flow(gate.port));
        // The broker node's birth comes once the mqtt in nodes have subscribed.
        await live.on(BRIDGE_TOPIC);
        await post(samplePayload("door.healthcheck"));
        await post({ serialNumber: DOOR.serial, lockState: "Unlocked" });
        await post({ serialNumber: DOOR.serial, doorState: "Open" });
        await post({
            ...samplePayload("door.healthcheck"),
            serialNumber: GATE.serial,
            deviceName: GATE.name,
            isConnected: false,
            ipAddress: "",
        });
        const access = samplePayload("accesslog.created");
        await post(access);
        await post({ ...access, id: "refused-1", result: 1, resultName: "Not Schedule" });
        await post({ ...access, id: "lockdown-1", result: 7, resultName: "Lockdown Start" });
        await post({ ...access, id: "doorbell-1", serialNumber: DOOR.serial, doorName: undefined, result: 9, resultName: "Doorbell" });
        const pressed = await request("POST", `${session.nodeRed.url}/inject/silent`);
        assert.strictEqual(pressed.status, 200, `the silent inject: ${pressed.status} ${pressed.text}`);
        await homeAssistantShows(() => live.received, expected("on", true));
    });

    after(async () => {
        await live?.end();
    });

    it("announces the bridge, then each device with one discovery message that Home Assistant takes, and nothing per entity", () => {
        const configs = live.received.filter((message) => message.topic.startsWith("homeassistant/"));
        assert.strictEqual(configs[0].topic, BRIDGE_CONFIG);
        assert.deepStrictEqual(
            [...new Set(topicsOf(configs))].sort(),
            [BRIDGE_CONFIG, ...[DOOR, READER, GATE, SIDE].map(configTopic)].sort(),
        );
        assert.deepStrictEqual(parseDeviceMessage(configs[0].payload).dev, {
            identifiers: ["alocity-bridge"],
            name: "Alocity",
            manufacturer: "Alocity",
            model: "Node-RED bridge",
            sw_version: packageManifest<{ version: string }>().version,
        });
        const door = parseDeviceMessage(configs.find((message) => message.topic === configTopic(DOOR))!.payload);
        assert.deepStrictEqual(door.dev, {
            identifiers: [`alocity_${DOOR.serial}`],
            name: DOOR.name,
            manufacturer: "Alocity",
            serial_number: DOOR.serial,
            sw_version: samplePayload("door.healthcheck").firmwareVersion,
            via_device: "alocity-bridge",
        });
        assert.strictEqual(
            parseDeviceMessage(configs.find((message) => message.topic === configTopic(GATE))!.payload).dev.serial_number,
            GATE.serial,
        );
    });

    it("shows the devices it knows and when it last published in its status", () => statusShows(/^4 devices · published \d\d:\d\d:\d\d$/));

    it("fires each access attempt as an Access event and the doorbell as a Doorbell event; a lockdown is neither", () => {
        const view = new HomeAssistantView().receiveAll(live.received);
        const user = samplePayload("accesslog.created").userName;
        assert.deepStrictEqual(view.entity(uniqueId(READER, "access")).events, [
            { event_type: "granted", user, result: "Access Granted" },
            { event_type: "denied", user, result: "Not Schedule" },
        ]);
        assert.deepStrictEqual(view.entity(uniqueId(DOOR, "doorbell")).events, [{ event_type: "ring" }]);
        assert.deepStrictEqual(view.entity(uniqueId(READER, "lockdown")).attributes, { user });
        assert.deepStrictEqual(view.entity(uniqueId(READER, "alarm")).attributes, { alarms: ["device.lockdown"] });
    });

    it("retains every device message, state and availability, never an event: Home Assistant starting later sees it all", async () => {
        const retained = await mqtt.broker.retainedNow();
        assert.ok(
            retained.every((message) => !message.topic.endsWith("/access") && !message.topic.endsWith("/doorbell")),
            topicsOf(retained).join(", "),
        );
        assert.ok(retained.some((message) => message.topic === BRIDGE_TOPIC && message.payload === "online"));
        await homeAssistantShows(() => retained, expected("on", true));
    });

    it("publishes every device message, then every state, again on Home Assistant's birth message, and no event", async () => {
        const from = live.received.length;
        const retainedTopics = topicsOf(await mqtt.broker.retainedNow()).filter((topic) => topic !== BRIDGE_TOPIC);
        const homeAssistant = await mqtt.broker.connect();
        await homeAssistant.publishAsync(BIRTH_TOPIC, "online", { qos: 1 });
        await homeAssistant.endAsync();
        // What came before a later change is all the birth message made the node send.
        await post({ serialNumber: DOOR.serial, doorState: "Closed" });
        const doorTopic = `alocity/${DOOR.serial}/door`;
        await eventually(
            () => live.received.slice(from).some((message) => message.topic === doorTopic && message.payload === "OFF"),
            "the door closed",
        );
        const republished = live.received
            .slice(from, -1)
            .filter((message) => message.topic.startsWith("homeassistant/device/") || message.topic.startsWith("alocity/"));
        assert.deepStrictEqual(topicsOf(republished).sort(), retainedTopics.sort());
        assert.deepStrictEqual(
            topicsOf(republished.slice(0, 5)).sort(),
            [BRIDGE_CONFIG, ...[DOOR, READER, GATE, SIDE].map(configTopic)].sort(),
            "the device messages first",
        );
    });

    /**
     * Cuts Node-RED off from the broker, runs `meanwhile` once its broker node has seen the disconnection, then lets it
     * through again: resolves with when it reached the broker again.
     */
    async function cutOff(meanwhile: () => Promise<void>): Promise<number> {
        const from = session.nodeRed.log.length;
        const passed = gate.passed;
        gate.shut();
        await logShows(session.nodeRed, "Disconnected from broker", from);
        await meanwhile();
        gate.open();
        await eventually(() => gate.passed > passed, "Node-RED's broker node to reconnect");
        return gate.lastPassedAt;
    }

    it("removes a device forgotten while Node-RED was cut off from the broker: empty retained payloads once it is back", async () => {
        const readerTopics = topicsOf(await mqtt.broker.retainedNow()).filter((topic) => topic.includes(READER.serial));
        assert.strictEqual(readerTopics.length, 9, "its device message, availability, 5 states and 2 attributes");
        await cutOff(async () => {
            const pressed = await request("POST", `${session.nodeRed.url}/inject/forget`);
            assert.strictEqual(pressed.status, 200, `the forget inject: ${pressed.status} ${pressed.text}`);
            await statusShows(/^3 devices · published \d\d:\d\d:\d\d$/);
            assert.deepStrictEqual(
                topicsOf(await mqtt.broker.retainedNow()).filter((topic) => topic.includes(READER.serial)),
                readerTopics,
                "mqtt out dropped the emptying while cut off",
            );
        });
        const emptied = () => live.received.filter((message) => message.payload === "");
        await eventually(
            () => readerTopics.every((topic) => topicsOf(emptied()).includes(topic)),
            "every retained topic of the reader emptied",
        );
        assert.deepStrictEqual(topicsOf(emptied()).sort(), readerTopics.sort(), "nothing of another device");
        await homeAssistantShows(() => live.received, expected("off", false));
        const retained = await mqtt.broker.retainedNow();
        assert.deepStrictEqual(
            retained.filter((message) => message.topic.includes(READER.serial)),
            [],
        );
        await homeAssistantShows(() => retained, expected("off", false));
        await statusShows(/^3 devices · published \d\d:\d\d:\d\d$/);
    });

    it("sends a forgotten device's emptying no more once it went out while Home Assistant was online (after its birth)", async () => {
        const from = live.received.length;
        await cutOff(() => Promise.resolve());
        // Node-RED's reconnection republishes the devices it knows: once they are all in, so would be any emptying.
        const republished = [
            BRIDGE_CONFIG,
            ...[DOOR, GATE, SIDE].map(configTopic),
            ...[DOOR, GATE, SIDE].map((device) => `alocity/${deviceId(device.serial)}/lockdown/attributes`),
        ];
        await eventually(
            () => republished.every((topic) => topicsOf(live.received.slice(from)).includes(topic)),
            "the republish after reconnecting",
        );
        assert.deepStrictEqual(
            live.received.slice(from).filter((message) => message.payload === ""),
            [],
        );
    });

    it("logged no error or warning", () => {
        const log = session.nodeRed.log.slice(logFrom);
        assert.deepStrictEqual(problemLines(log, { warnings: true }), [], log);
    });

    describe("a broker restart that loses everything retained", () => {
        /**
         * Stops the broker once Node-RED is cut off from it, changes the door meanwhile (mqtt out drops what it is
         * sent), starts the broker again: resolves with when Node-RED's broker node reached it again.
         */
        function restart(door: string, homeAssistantFirst: () => Promise<void>): Promise<number> {
            return cutOff(async () => {
                await mqtt.broker.stop();
                await post({ serialNumber: DOOR.serial, doorState: door });
                await mqtt.broker.start();
                await homeAssistantFirst();
            });
        }

        /** Home Assistant connecting: it subscribes to everything, then says `online` on its birth topic (never retained). */
        async function homeAssistantConnects(): Promise<{ ha: Subscriber; connectedAt: number }> {
            const ha = await mqtt.broker.subscriber();
            const connectedAt = Date.now();
            await ha.client.publishAsync(BIRTH_TOPIC, "online", { qos: 1 });
            return { ha, connectedAt };
        }

        it("Home Assistant first (its birth lost): within 10 s of Node-RED reconnecting it has every device, state and availability, the door closed meanwhile", async () => {
            let connected: { ha: Subscriber; connectedAt: number } | undefined;
            const nodeRedAt = await restart("Closed", async () => {
                connected = await homeAssistantConnects();
            });
            try {
                const bothAt = Math.max(nodeRedAt, connected!.connectedAt);
                await homeAssistantShows(() => connected!.ha.received, expected("off", false), bothAt + RECOVERY_MS - Date.now());
            } finally {
                await connected?.ha.end();
            }
        });

        it("Node-RED first: within 10 s of Home Assistant connecting it has every device, state and availability, the door opened meanwhile", async () => {
            await restart("Open", () => Promise.resolve());
            await eventually(
                async () => (await mqtt.broker.retainedNow()).some((message) => message.topic === BRIDGE_TOPIC),
                "the broker node's birth",
            );
            const { ha, connectedAt } = await homeAssistantConnects();
            try {
                await homeAssistantShows(() => ha.received, expected("on", false), connectedAt + RECOVERY_MS - Date.now());
            } finally {
                await ha.end();
            }
        });
    });

    describe("Node-RED killed", () => {
        it("killed, Node-RED leaves the bridge topic offline (the broker sends its will): every door entity unavailable, the bridge disconnected", async () => {
            await killNodeRed(session.nodeRed);
            const offline = await eventually(async () => {
                const retained = await mqtt.broker.retainedNow();
                return retained.some((message) => message.topic === BRIDGE_TOPIC && message.payload === "offline") && retained;
            }, "offline retained on the bridge topic");
            const everything = Object.fromEntries(
                Object.entries(expected("on", false)).map(([id, text]) => [
                    id,
                    id === BRIDGE_CONNECTIVITY ? "Alocity Connectivity: off" : text.replace(/: .*$/, ": unavailable"),
                ]),
            );
            await homeAssistantShows(() => offline, everything);
        });
    });
});
