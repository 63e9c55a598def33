// The package in each Node-RED it supports (3.1 and 4.1 on Node.js 20, 5.0 on Node.js 22), each started with its
// default settings (editor at /, which is where the raw-body trap lives): signed events through
// alocity-webhook-in -> alocity-event-switch reach the right outputs, bad requests get their answers, and a
// redeploy moves and removes routes. Run with `npm run test:compat`, which installs what these need.
import assert from "assert";
import type { EventRule } from "../../src/core/events/switch-rules";
import { samplePayload } from "../../src/core/events/samples";
import { deviceStateNode, eventSwitchFlow, NODE_TYPES, SECRET, webhookTab, type FlowNode } from "../support/test-flows";
import { request, signedPost, type HttpAnswer } from "../support/requests";
import { nodeSets, problemLines, startRealNodeRed, type NodeRedProcess } from "../support/real-node-red";
import { drained, ofRun, type Recorded, type RecordedMessage } from "../support/recorders";
import { DOORS_CHANGES_TOPIC, DOORS_NODES_TOPIC, type DoorsAnswer } from "../../src/runtime/editor/doors-feed";
import { connectComms } from "../support/editor-comms";
import { eventually } from "../support/wait";
import { startOptions, TARGETS } from "./targets";

const SERIAL = samplePayload("door.state").serialNumber;

/** The switch's rules; output RULES.length is `otherwise`. */
const RULES: EventRule[] = [
    { event: "accesslog.created", serial: "", value: "Unknown User" },
    { event: "door.healthcheck", serial: "", value: "false" },
    { event: "door.state", serial: SERIAL, value: "" },
    { event: "lock.state", serial: "", value: "" },
    { event: "user.card", serial: "", value: "" },
    { event: "user.face", serial: "", value: "Enrolled, Updated" },
    { event: "door.state", serial: "", value: "" },
];
const OTHERWISE = RULES.length;

interface Case {
    event: string;
    /** What is sent, when not the payload itself. */
    body?: object;
    payload: object;
    outputs: number[];
}

/** What is sent, and the outputs each event must reach (every matching rule, else otherwise). */
const CASES: Case[] = [
    { event: "accesslog.created", payload: samplePayload("accesslog.created"), outputs: [OTHERWISE] },
    { event: "accesslog.created", payload: { ...samplePayload("accesslog.created"), id: "refused", result: 2 }, outputs: [0] },
    { event: "door.healthcheck", payload: samplePayload("door.healthcheck"), outputs: [OTHERWISE] },
    { event: "door.healthcheck", payload: { ...samplePayload("door.healthcheck"), isConnected: false, ipAddress: "" }, outputs: [1] },
    { event: "door.state", payload: samplePayload("door.state"), outputs: [2, 6] },
    { event: "door.state", payload: { serialNumber: "OTHER-DOOR", doorState: "Closed" }, outputs: [6] },
    { event: "lock.state", payload: samplePayload("lock.state"), outputs: [3] },
    { event: "user.card", payload: samplePayload("user.card"), outputs: [4] },
    { event: "user.face", payload: samplePayload("user.face"), outputs: [5] },
    { event: "user.face", payload: { ...samplePayload("user.face"), action: "Removed" }, outputs: [OTHERWISE] },
    // An event Alocity may add later, in an envelope: passed through with its code, matched by no rule.
    {
        event: "door.tamper",
        body: { event: "door.tamper", payload: { serialNumber: SERIAL, tamper: true } },
        payload: { serialNumber: SERIAL, tamper: true },
        outputs: [OTHERWISE],
    },
];

/**
 * The shared event switch flow. Recorders keep what they saw in global context, which outlives deploys: each test
 * gives its own `run` name, under which its recorders record.
 */
function flows(run: string, { url = "/alocity/compat", withWebhook = true } = {}): FlowNode[] {
    return eventSwitchFlow({ rules: RULES, run, url, withWebhook });
}

function post(nodeRed: NodeRedProcess, url: string, raw: string, { secret = SECRET, headers = {} } = {}): Promise<HttpAnswer> {
    return signedPost(nodeRed.url + url, raw, { secret, headers });
}

/**
 * What the recorders of a run hold once the flow has handed on all it was sent (a sentinel POSTed to `url` after
 * it has been recorded): { outN: [message] }.
 */
async function recordedBy(nodeRed: NodeRedProcess, run: string, url: string, httpNodeRoot = ""): Promise<Recorded> {
    return ofRun(await drained(nodeRed, nodeRed.url + httpNodeRoot + url, { secret: SECRET, httpNodeRoot }), run);
}

const byPayload = (a: { payload: unknown }, b: { payload: unknown }) => JSON.stringify(a.payload).localeCompare(JSON.stringify(b.payload));
const payloads = (list: RecordedMessage[] | undefined) => (list ?? []).map((message) => message.payload);

for (const target of TARGETS) {
    describe(target.name, function () {
        this.timeout(180000);
        let nodeRed: NodeRedProcess;

        before(async () => {
            nodeRed = await startRealNodeRed(startOptions(target));
        });

        after(async () => {
            if (nodeRed) await nodeRed.stop();
        });

        it(`runs Node-RED ${target.nodeRedVersion} on Node.js ${target.nodeMajor}, default settings, and loads every type`, async () => {
            assert.match(nodeRed.log, new RegExp(`Node-RED version: v${target.nodeRedVersion.replace(/\./g, "\\.")}\\b`));
            assert.match(nodeRed.log, new RegExp(`Node\\.js {1,2}version: v${target.nodeMajor}\\.`));
            assert.deepStrictEqual(problemLines(nodeRed.log), []);
            const ours = (await nodeSets(nodeRed)).filter((set) => set.module === "node-red-contrib-alocity");
            assert.deepStrictEqual(ours.flatMap((set) => set.types).sort(), [...NODE_TYPES].sort());
            for (const set of ours) {
                assert.strictEqual(set.enabled, true);
                assert.strictEqual(set.err, undefined, `${set.id}: ${set.err}`);
            }
        });

        it("serves the editor's catalogue (RED.auth on the admin app)", async () => {
            const catalogue = await nodeRed.admin<{ events: string[]; values: Record<string, string[]> }>("GET", "/alocity-catalogue");
            assert.ok(catalogue.events.includes("door.state"), JSON.stringify(catalogue));
            assert.ok(catalogue.values["user.face"].includes("Enrolled"), JSON.stringify(catalogue));
        });

        it("feeds the Doors sidebar: the records by GET /alocity-doors, which devices changed on the comms (RED.comms)", async () => {
            await nodeRed.deploy([
                ...webhookTab({
                    label: "doors",
                    ids: { tab: "doors-tab", signature: "doors-sig", webhook: "doors-in" },
                    url: "/alocity/doors",
                    to: ["doors-state"],
                }),
                deviceStateNode("doors-state", { z: "doors-tab", name: "Doors", heldOpen: 60, store: "" }),
            ]);
            const comms = await connectComms(nodeRed.url, { topics: [DOORS_NODES_TOPIC, DOORS_CHANGES_TOPIC] });
            try {
                await eventually(() => comms.messages.some((m) => m.topic === DOORS_NODES_TOPIC), "the deployed nodes on the comms");
                assert.strictEqual((await post(nodeRed, "/alocity/doors", JSON.stringify(samplePayload("door.state")))).status, 200);
                await eventually(
                    () => comms.messages.some((m) => m.topic === DOORS_CHANGES_TOPIC && JSON.stringify(m.data).includes(SERIAL)),
                    "a notice naming the door",
                );
                const { nodes } = await nodeRed.admin<DoorsAnswer>("GET", `/alocity-doors?serial=${SERIAL}`);
                assert.deepStrictEqual(
                    nodes.map((n) => [n.id, n.name, n.records.map((r) => [r.serialNumber, r.door])]),
                    [["doors-state", "Doors", [[SERIAL, "open"]]]],
                );
            } finally {
                await comms.close();
            }
        });

        it("delivers each signed event to exactly the switch outputs whose rules match", async () => {
            const from = nodeRed.log.length;
            await nodeRed.deploy(flows("events"), "full");
            assert.deepStrictEqual(problemLines(nodeRed.log.slice(from)), [], nodeRed.log.slice(from));
            const expected: Record<string, { topic: string; payload: object; event: string }[]> = {};
            for (const { event, body, payload, outputs } of CASES) {
                const answer = await post(nodeRed, "/alocity/compat", JSON.stringify(body || payload));
                assert.strictEqual(answer.status, 200, `${event}: ${answer.status} ${answer.text}`);
                for (const output of outputs) {
                    (expected[`out${output}`] = expected[`out${output}`] || []).push({ topic: event, payload, event });
                }
            }
            const recorded = await recordedBy(nodeRed, "events", "/alocity/compat");
            const seen = Object.fromEntries(
                Object.entries(recorded).map(([name, list]) => [
                    name,
                    list.map(({ topic, payload, alocity }) => ({ topic, payload, event: alocity?.event })).sort(byPayload),
                ]),
            );
            for (const list of Object.values(expected)) list.sort(byPayload);
            assert.deepStrictEqual(seen, expected);
        });

        it("sends the editor's test event through the deployed node (RED.httpAdmin, RED.auth)", async () => {
            // A path of its own: the sample, signed in the same second on a path that has just had it, would be a
            // repeat of an accepted delivery (answered 200, not sent on).
            await nodeRed.deploy(flows("test-event", { url: "/alocity/test-event" }), "full");
            const answer = await nodeRed.admin<{ status: number; body: string }>("POST", "/alocity-webhook-in/in/test", {
                event: "door.state",
            });
            assert.deepStrictEqual([answer.status, answer.body], [200, "OK"], JSON.stringify(answer));
            const recorded = await recordedBy(nodeRed, "test-event", "/alocity/test-event");
            assert.deepStrictEqual(Object.keys(recorded).sort(), ["out2", "out6"]);
            assert.deepStrictEqual(
                recorded.out2.map(({ topic, payload }) => ({ topic, payload })),
                [{ topic: "door.state", payload: samplePayload("door.state") }],
            );
        });

        it("verifies the bytes as sent: non-ASCII text, CRLF line ends and a byte-order mark, any content type", async () => {
            await nodeRed.deploy(flows("bytes"), "full");
            const contentTypes = ["application/json", "text/plain; charset=utf-8", "application/x-www-form-urlencoded"];
            for (const [door, contentType] of contentTypes.entries()) {
                const raw = `\uFEFF{"serialNumber": "Tür-${door} Ærø",\r\n "doorState": "Offen – 開"}\r\n`;
                const answer = await post(nodeRed, "/alocity/compat", raw, { headers: { "Content-Type": contentType } });
                assert.strictEqual(answer.status, 200, `${contentType}: ${answer.status} ${answer.text}`);
            }
            const recorded = await recordedBy(nodeRed, "bytes", "/alocity/compat");
            assert.deepStrictEqual(
                [...recorded.out6].sort(byPayload).map((message) => message.payload),
                contentTypes.map((_, door) => ({ serialNumber: `Tür-${door} Ærø`, doorState: "Offen – 開" })),
            );
        });

        it("answers 401 to a wrong signature and 405 (Allow: POST) to other methods, and sends nothing", async () => {
            await nodeRed.deploy(flows("refused"), "full");
            // Not a body sent before: a repeat within the tolerance would be recognised as a duplicate.
            const raw = JSON.stringify({ serialNumber: "REFUSED-1", lockState: "Locked" });
            assert.strictEqual((await post(nodeRed, "/alocity/compat", raw, { secret: "not the secret" })).status, 401);
            const unsigned = await request("POST", nodeRed.url + "/alocity/compat", {
                body: raw,
                headers: { "Content-Type": "application/json" },
            });
            assert.strictEqual(unsigned.status, 401);
            for (const method of ["GET", "PUT"]) {
                const answer = await request(method, nodeRed.url + "/alocity/compat");
                assert.strictEqual(answer.status, 405, method);
                assert.strictEqual(answer.headers.allow, "POST");
            }
            // A good event after them is the only one recorded.
            assert.strictEqual((await post(nodeRed, "/alocity/compat", raw)).status, 200);
            const recorded = await recordedBy(nodeRed, "refused", "/alocity/compat");
            assert.deepStrictEqual(Object.keys(recorded), ["out3"]);
            assert.strictEqual(recorded.out3.length, 1);
        });

        it("follows redeploys: a moved path serves at once, and a deleted node's path answers 404", async () => {
            const raw = JSON.stringify({ ...samplePayload("user.card"), cardNumber: 12345 });
            await nodeRed.deploy(flows("redeploy", { url: "/alocity/compat" }), "full");
            assert.strictEqual((await post(nodeRed, "/alocity/compat", raw)).status, 200);

            await nodeRed.deploy(flows("redeploy", { url: "/alocity/moved" }), "nodes");
            assert.strictEqual((await post(nodeRed, "/alocity/moved", raw)).status, 200);
            assert.strictEqual((await post(nodeRed, "/alocity/compat", raw)).status, 404);

            const from = nodeRed.log.length;
            await nodeRed.deploy(flows("redeploy", { withWebhook: false }), "full");
            assert.deepStrictEqual(problemLines(nodeRed.log.slice(from)), []);
            assert.strictEqual((await post(nodeRed, "/alocity/moved", raw)).status, 404);
            assert.strictEqual((await request("GET", nodeRed.url + "/alocity/moved")).status, 404);
        });

        it("serves its path under httpNodeRoot, raw bytes intact", async () => {
            const rooted = await startRealNodeRed({ ...startOptions(target), settings: ["httpNodeRoot=/hooks"] });
            try {
                await rooted.deploy(flows("rooted"), "full");
                const raw = '{"serialNumber": "Tür-9",\r\n "lockState": "Locked"}';
                const answer = await post(rooted, "/hooks/alocity/compat", raw, { headers: { "Content-Type": "application/json" } });
                assert.strictEqual(answer.status, 200, `${answer.status} ${answer.text}`);
                assert.strictEqual((await post(rooted, "/alocity/compat", raw)).status, 404);
                assert.strictEqual((await request("GET", rooted.url + "/hooks/alocity/compat")).status, 405);
                const recorded = await recordedBy(rooted, "rooted", "/alocity/compat", "/hooks");
                assert.deepStrictEqual(payloads(recorded.out3), [{ serialNumber: "Tür-9", lockState: "Locked" }]);
            } finally {
                await rooted.stop();
            }
        });
    });
}
