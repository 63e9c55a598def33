// The example flows (Import > Examples) in a real Node-RED with default settings: each deploys without errors,
// uses only core nodes besides this package's, and does what its comment says when signed events arrive.
import assert from "assert";
import { randomUUID } from "crypto";
import fs from "fs";
import os from "os";
import path from "path";
import { SIMULATION_DEFAULTS, simulatedDoors } from "../../src/core/simulation/building";
import { DEVICE_STATE_DEFAULTS } from "../../src/core/device-state/config";
import { SAMPLE_EVENTS, samplePayload } from "../../src/core/events/samples";
import {
    CONFIG_NODE_TYPES,
    DEMO_FLOW,
    EXAMPLES_DIR,
    SECRET,
    asDeployed,
    nodeOfType as nodeOf,
    readExample,
    type FlowNode,
} from "../support/test-flows";
import { request, signedPost } from "../support/requests";
import { HomeAssistantView } from "../support/home-assistant-view";
import { useBroker, type TestBroker } from "../support/mqtt-broker";
import { logShows, nodeSets, occurrences, problemLines, useNodeRed } from "../support/real-node-red";
import { eventually } from "../support/wait";
import { packageManifest } from "../support/modules";

const PACKAGE = packageManifest<{ name: string }>();
const AUDIT_FILE = "alocity-access.log";

const exampleFiles = fs
    .readdirSync(EXAMPLES_DIR)
    .filter((file) => file.endsWith(".json"))
    .sort();

/** Asserts what Home Assistant starting now (a client connecting late) shows of an entity: "<name>: <state>". */
async function homeAssistantSees(broker: TestBroker, uniqueId: string, shown: string): Promise<void> {
    const entity = new HomeAssistantView().receiveAll(await broker.retainedNow()).entity(uniqueId);
    assert.strictEqual(`${entity.name}: ${entity.state}`, shown, uniqueId);
}

function webhookPath(nodes: readonly FlowNode[]): string {
    return String(nodeOf(nodes, "alocity-webhook-in").url);
}

describe("examples (Import > Examples) in a real Node-RED with default settings", function () {
    this.timeout(180000);
    // The file node's relative paths resolve here rather than in the test's working directory.
    const workDir = path.join(os.tmpdir(), `alocity-examples-${randomUUID()}`);
    before(() => fs.mkdirSync(workDir));
    const session = useNodeRed({ settings: [`fileWorkingDirectory=${workDir}`] });
    let coreTypes: Set<string>;
    let ourTypes: Set<string>;

    before(async () => {
        const sets = await nodeSets(session.nodeRed);
        const typesOf = (module: string) => sets.filter((set) => set.module === module).flatMap((set) => set.types);
        coreTypes = new Set(typesOf("node-red"));
        ourTypes = new Set(typesOf(PACKAGE.name));
    });

    after(() => fs.rmSync(workDir, { recursive: true, force: true }));

    /** Deploys an example alone (a full deploy: it replaces the one before) and checks it started cleanly. */
    async function deployExample(file: string, prepare = (nodes: FlowNode[]) => nodes): Promise<{ nodes: FlowNode[]; from: number }> {
        const { nodeRed } = session;
        const nodes = prepare(asDeployed(readExample(file), `example-tab-${exampleFiles.indexOf(file)}`));
        const from = nodeRed.log.length;
        await nodeRed.deploy(nodes, "full");
        assert.deepStrictEqual(
            problemLines(nodeRed.log.slice(from), { warnings: true }),
            [],
            `deploying ${file}:\n${nodeRed.log.slice(from)}`,
        );
        const running = await nodeRed.admin<FlowNode[] | { flows: FlowNode[] }>("GET", "/flows");
        const byId = new Map((Array.isArray(running) ? running : running.flows).map((node) => [node.id, node.type]));
        for (const node of nodes) {
            assert.strictEqual(byId.get(node.id), node.type, `${file}: node ${node.id} (${node.type}) deployed`);
        }
        for (const webhook of nodes.filter((node) => node.type === "alocity-webhook-in")) {
            // The node was made and serves its path: other methods than POST get 405 from it.
            const answer = await request("GET", nodeRed.url + String(webhook.url));
            assert.strictEqual(answer.status, 405, `${file}: GET ${String(webhook.url)}`);
        }
        return { nodes, from };
    }

    async function pressInject(inject: FlowNode): Promise<void> {
        const pressed = await request("POST", `${session.nodeRed.url}/inject/${inject.id}`);
        assert.strictEqual(pressed.status, 200, `the inject button: ${pressed.status} ${pressed.text}`);
    }

    async function postAccepted(url: string, event: object): Promise<void> {
        const answer = await signedPost(session.nodeRed.url + url, event, { secret: SECRET });
        assert.strictEqual(answer.status, 200, `POST ${url}: ${answer.status} ${answer.text}`);
    }

    it("ship at least four automations, each explained by a comment node, and not npm start's demo", () => {
        const automations = exampleFiles;
        assert.ok(automations.length >= 4, `examples: ${exampleFiles.join(", ")}`);
        assert.ok(!exampleFiles.some((file) => /demo/i.test(file)), "the demo is npm start's (scripts/demo-flow.json)");
        for (const file of exampleFiles) {
            const comment = readExample(file).find((node) => node.type === "comment");
            assert.ok(comment && comment.name && comment.info, `${file} has a comment node with a title and an explanation`);
        }
    });

    it("use only core nodes besides this package's, and cover every node type of the package that is not a config node", () => {
        assert.ok(ourTypes.size >= 3, `the package's types are registered: ${[...ourTypes].join(", ")}`);
        const used = new Set<string>();
        for (const file of exampleFiles) {
            for (const node of readExample(file)) {
                if (node.type === "tab") continue;
                assert.ok(coreTypes.has(node.type) || ourTypes.has(node.type), `${file}: ${node.type} is a core node or ours`);
                used.add(node.type);
            }
        }
        const notConfig = [...ourTypes].filter((type) => !CONFIG_NODE_TYPES.includes(type));
        assert.deepStrictEqual(
            notConfig.filter((type) => !used.has(type)),
            [],
            "node types no example uses",
        );
    });

    it("reference an alocity-signature config node that carries no credentials", () => {
        for (const file of exampleFiles) {
            const nodes = readExample(file);
            for (const webhook of nodes.filter((node) => node.type === "alocity-webhook-in")) {
                const config = nodes.find((node) => node.id === webhook.signature);
                assert.ok(config && config.type === "alocity-signature", `${file}: the webhook's alocity-signature is in the file`);
                assert.strictEqual(config.credentials, undefined, `${file}: no credentials exported`);
                assert.strictEqual(config.z, undefined, `${file}: the config node is global, shared by every example`);
            }
        }
    });

    it("have webhook paths of their own, so that a user can import them all side by side", async () => {
        const all = new Map<string, FlowNode>();
        for (const file of exampleFiles) {
            for (const node of asDeployed(readExample(file), `example-tab-${exampleFiles.indexOf(file)}`)) {
                all.set(node.id, node);
            }
        }
        const nodes = [...all.values()];
        const paths = nodes.filter((node) => node.type === "alocity-webhook-in").map((node) => String(node.url).toLowerCase());
        assert.strictEqual(new Set(paths).size, paths.length, `paths: ${paths.join(", ")}`);
        const { nodeRed } = session;
        const from = nodeRed.log.length;
        await nodeRed.deploy(nodes, "full");
        assert.deepStrictEqual(problemLines(nodeRed.log.slice(from), { warnings: true }), [], nodeRed.log.slice(from));
        for (const url of paths) {
            assert.strictEqual((await request("GET", nodeRed.url + url)).status, 405, `GET ${url}`);
        }
    });

    for (const file of exampleFiles) {
        it(`${file} deploys without errors`, () => deployExample(file));
    }

    it("the demo (npm start): every verified event shows in the debug sidebar", async () => {
        const { nodes, from } = await deployExample(DEMO_FLOW);
        await postAccepted(webhookPath(nodes), SAMPLE_EVENTS["door.state"]);
        await logShows(session.nodeRed, "doorState: 'Open'", from);
    });

    it("the demo (npm start): a doors node behind the webhook names the simulated doors, held open after 30 s, its alarms in the debug sidebar", async () => {
        const demo = readExample(DEMO_FLOW);
        const doors = nodeOf(demo, "alocity-device-state");
        assert.ok(nodeOf(demo, "alocity-webhook-in").wires?.[0].includes(doors.id), "the webhook feeds the doors node");
        const simulated = simulatedDoors(SIMULATION_DEFAULTS.doors).map(({ serialNumber, name }) => ({ serial: serialNumber, name }));
        assert.deepStrictEqual(doors.devices, simulated, "the doors `alocity-webhook simulate` plays, named");
        const { heldOpen, ...defaults } = DEVICE_STATE_DEFAULTS;
        assert.deepStrictEqual(
            [doors.heldOpen, ...Object.keys(defaults).map((key) => doors[key])],
            [30, ...Object.values(defaults)],
            "otherwise the node's defaults",
        );
        const alarmNodes = (doors.wires?.[1] ?? []).map((id) => demo.find((node) => node.id === id));
        assert.ok(
            alarmNodes.some((node) => node?.type === "debug" && node.active && node.tosidebar),
            "the alarms go to an active debug node",
        );

        const { nodes, from } = await deployExample(DEMO_FLOW);
        await postAccepted(webhookPath(nodes), {
            ...samplePayload("door.healthcheck"),
            serialNumber: "ALO-SIM-03",
            isConnected: false,
            ipAddress: "",
        });
        await logShows(session.nodeRed, "ALARM device.offline at Loading dock (ALO-SIM-03)", from);
    });

    it("01: a door left open raises the alert once its held-open time is up, and closing it says so", async () => {
        const { nodes, from } = await deployExample("01 - Alert when a door is left open.json", (flow) => {
            // The same flow with the held-open time cut from 2 minutes to a moment.
            Object.assign(nodeOf(flow, "alocity-device-state"), { heldOpen: 0.05 });
            return flow;
        });
        await postAccepted(webhookPath(nodes), { serialNumber: "DOOR-7", doorState: "Open" });
        await logShows(session.nodeRed, "Door DOOR-7 has been open for 2 minutes", from);
        await postAccepted(webhookPath(nodes), { serialNumber: "DOOR-7", doorState: "Closed" });
        await logShows(session.nodeRed, "Door DOOR-7 is closed again", from);
    });

    it("02: the lock state of each door is kept, each change shown, and all of them on the inject button", async () => {
        const { nodes, from } = await deployExample("02 - Keep the lock state of each door.json");
        const url = webhookPath(nodes);
        await postAccepted(url, { serialNumber: "FRONT-1", lockState: "Unlocked" });
        await postAccepted(url, { serialNumber: "BACK-2", lockState: "Locked" });
        await postAccepted(url, { serialNumber: "FRONT-1", lockState: "Locked" });
        await logShows(session.nodeRed, "FRONT-1: Locked", from);
        const before = session.nodeRed.log.length;
        await pressInject(nodeOf(nodes, "inject"));
        // One debug message (one line written at once), both doors in it.
        await logShows(session.nodeRed, "'FRONT-1': 'Locked'", before);
        assert.match(session.nodeRed.log.slice(before), /'BACK-2': 'Locked'/);
    });

    it("03: every access log goes to the audit file as a JSON line, and refused ones raise an alert", async () => {
        const { nodes, from } = await deployExample("03 - Write access logs to an audit file.json");
        const url = webhookPath(nodes);
        const granted = samplePayload("accesslog.created");
        const refused = { ...samplePayload("accesslog.created"), id: "refused-1", result: 2, resultName: "Unknown User" };
        const auditFile = path.join(workDir, AUDIT_FILE);
        const lines = () => (fs.existsSync(auditFile) ? fs.readFileSync(auditFile, "utf8").split("\n").filter(Boolean) : []);

        await postAccepted(url, granted);
        await eventually(
            () => lines().length === 1,
            () => `one line in ${auditFile}: ${JSON.stringify(lines())}`,
        );
        await postAccepted(url, refused);
        await logShows(session.nodeRed, "Access refused at Main entrance: Unknown User", from);
        await eventually(
            () => lines().length === 2,
            () => `two lines in ${auditFile}: ${JSON.stringify(lines())}`,
        );

        const written = lines().map((line) => JSON.parse(line) as Record<string, unknown> & { receivedAt: string });
        assert.deepStrictEqual(
            written.map(({ receivedAt, ...event }) => event),
            [granted, refused],
        );
        for (const { receivedAt } of written) {
            assert.ok(!Number.isNaN(Date.parse(receivedAt)), `receivedAt is a date: ${receivedAt}`);
        }
        assert.strictEqual(occurrences(session.nodeRed.log.slice(from), "Access refused"), 1, "only the refused attempt raised an alert");
    });

    it("04: a controller that disconnects raises one alert, and its return is reported", async () => {
        const { nodes, from } = await deployExample("04 - Alert when a controller disconnects.json");
        const url = webhookPath(nodes);
        const offline = { ...samplePayload("door.healthcheck"), serialNumber: "CTRL-3", isConnected: false, ipAddress: "" };
        await postAccepted(url, { ...offline, isConnected: true, ipAddress: "10.0.0.3", firmwareVersion: "3.8.1" }); // connected: no alert
        await postAccepted(url, offline);
        await logShows(session.nodeRed, "Controller CTRL-3 lost its connection", from);
        await postAccepted(url, offline); // the same state again: no second alert
        await postAccepted(url, { ...offline, isConnected: true, ipAddress: "10.0.0.3" });
        await logShows(session.nodeRed, "Controller CTRL-3 is connected", from);
        const log = session.nodeRed.log.slice(from);
        assert.deepStrictEqual([occurrences(log, "lost its connection"), occurrences(log, "is connected")], [1, 1]);
    });

    it("05: face and card enrolments are announced", async () => {
        const { nodes, from } = await deployExample("05 - Announce face and card enrolments.json");
        const url = webhookPath(nodes);
        const face = samplePayload("user.face");
        const card = samplePayload("user.card");
        await postAccepted(url, face);
        await logShows(session.nodeRed, `Face Enrolled for user ${face.id}`, from);
        await postAccepted(url, { ...face, action: "Removed" });
        await logShows(session.nodeRed, `Face removed for user ${face.id}.`, from);
        await postAccepted(url, card);
        await logShows(session.nodeRed, `Card ${card.cardNumber} (facility ${card.facilityCode}) Created for user ${card.userId}.`, from);
    });

    it("06: door records are shown as they change and on the inject button, alarms (a lockdown among them) and doorbells on their own, and a door can be forgotten", async () => {
        const { nodes, from } = await deployExample("06 - Door records and alarms.json");
        const url = webhookPath(nodes);
        const inject = (name: string) =>
            nodes.find((node) => node.type === "inject" && node.name === name) ?? assert.fail(`an inject node "${name}"`);
        await postAccepted(url, samplePayload("door.state"));
        await logShows(session.nodeRed, "name: 'Main entrance'", from);
        await postAccepted(url, { ...samplePayload("door.healthcheck"), isConnected: false, ipAddress: "" });
        await logShows(session.nodeRed, "ALARM device.offline at Main entrance", from);
        await postAccepted(url, { serialNumber: "ALO-DC-7", doorState: "Closed" });
        await logShows(session.nodeRed, "serialNumber: 'ALO-DC-7'", from);
        await postAccepted(url, {
            ...samplePayload("accesslog.created"),
            serialNumber: "ALO-DC-20220415",
            result: 7,
            resultName: "Lockdown Start",
        });
        await logShows(session.nodeRed, "ALARM device.lockdown at Main entrance", from);
        await postAccepted(url, {
            ...samplePayload("accesslog.created"),
            serialNumber: "ALO-DC-20220415",
            id: "doorbell-1",
            result: 9,
            resultName: "Doorbell",
        });
        await logShows(session.nodeRed, "Doorbell at Main entrance", from);

        let before = session.nodeRed.log.length;
        await pressInject(inject("show every door"));
        // One debug message, an array of both records, sorted by name.
        await logShows(session.nodeRed, "name: 'Main entrance'", before);
        assert.match(session.nodeRed.log.slice(before), /serialNumber: 'ALO-DC-7'[^]*name: 'Main entrance'/);

        before = session.nodeRed.log.length;
        await pressInject(inject("forget Main entrance"));
        await logShows(session.nodeRed, "cleared device.offline at Main entrance", before);
        await logShows(session.nodeRed, "cleared device.lockdown at Main entrance", before);
        await logShows(session.nodeRed, "removed: true", before);
    });

    describe("07, with its broker node pointed at a real MQTT broker", () => {
        const mqtt = useBroker();

        it("07: a signed door event reaches Home Assistant as a device, available while Node-RED is connected (birth), unavailable once it is not (close)", async () => {
            const { nodes } = await deployExample("07 - Doors in Home Assistant (MQTT discovery).json", (flow) => {
                Object.assign(nodeOf(flow, "mqtt-broker"), { broker: "127.0.0.1", port: String(mqtt.broker.port) });
                return flow;
            });
            // Both mqtt in nodes subscribed, the broker node's birth retained: the broker connection is up.
            await mqtt.broker.subscribed("homeassistant/status");
            await mqtt.broker.subscribed("alocity/status");
            await eventually(() => mqtt.broker.retained().get("alocity/status") === "online", "the broker node's birth, retained");
            await postAccepted(webhookPath(nodes), { serialNumber: "DOOR-9", doorState: "Open" });
            await eventually(() => mqtt.broker.retained().has("alocity/DOOR-9/door"), "the door's state published");
            await homeAssistantSees(mqtt.broker, "alocity_DOOR-9_door", "DOOR-9: on");
            // Deploying something else closes the broker node: its close message says Node-RED is gone.
            await session.nodeRed.deploy([], "full");
            await eventually(() => mqtt.broker.retained().get("alocity/status") === "offline", "the broker node's close message, retained");
            await homeAssistantSees(mqtt.broker, "alocity_DOOR-9_door", "DOOR-9: unavailable");
        });
    });
});
