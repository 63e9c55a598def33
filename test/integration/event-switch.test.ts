"use strict";
// alocity-webhook-in -> alocity-event-switch in a real Node-RED (default settings), and inject -> alocity-event-switch:
// every event lands on exactly the outputs whose rules match it.
const assert = require("assert/strict");
const supertest = require("supertest");
const { startRealNodeRed, request } = require("../support/node-red");
const { SECRET, signedPost } = require("../support/flows");
const { eventually, problemLines } = require("../support/eventually");
const { EVENT_CODES } = require("../../dist/src/core/events.js");
const { SAMPLE_EVENTS } = require("../../dist/src/core/samples.js");

const WEBHOOK_PATH = "/alocity-switch-it";
const SEEN_PATH = "/alocity-switch-it-seen";
const DEVICE = SAMPLE_EVENTS["door.state"].serialNumber;

// One rule per event, then narrower ones (some matching the samples, some not), then otherwise.
const RULES = [
    { event: "accesslog.created", serial: "", value: "" },
    { event: "door.healthcheck", serial: "", value: "" },
    { event: "door.state", serial: "", value: "" },
    { event: "lock.state", serial: "", value: "" },
    { event: "user.card", serial: "", value: "" },
    { event: "user.face", serial: "", value: "" },
    { event: "door.state", serial: `DOOR-9, ${DEVICE}`, value: "held open, open" },
    { event: "lock.state", serial: "", value: "Locked" },
    { event: "accesslog.created", serial: "", value: "Access Granted" },
    { event: "door.tamper", serial: "DOOR-9", value: "" },
    { event: "door.healthcheck", serial: "", value: "false" },
];
const OTHERWISE = RULES.length;

const TAMPER = { event: "door.tamper", payload: { serialNumber: DEVICE, sensor: "case" } };
const SENTINEL = { event: "test.sentinel", payload: { step: "last" } };

/** The outputs each message must reach, by the key the observers record (msg.case, else msg.topic). */
const EXPECTED_FROM_WEBHOOK = {
    "accesslog.created": [0, 8],
    "door.healthcheck": [1],
    "door.state": [2, 6],
    "lock.state": [3],
    "user.card": [4],
    "user.face": [5],
    "door.tamper": [OTHERWISE],
};

const INJECTS = [
    ...EVENT_CODES.map((code) => ({ key: `inject ${code}`, payload: JSON.stringify(SAMPLE_EVENTS[code]), payloadType: "json" })),
    { key: "inject door.tamper", payload: JSON.stringify(TAMPER), payloadType: "json" },
    { key: "inject topic lock.state", topic: "lock.state", payload: "Locked", payloadType: "str" },
    { key: "inject untellable", payload: "ping", payloadType: "str" },
];
const EXPECTED_FROM_INJECT = {
    ...Object.fromEntries(Object.entries(EXPECTED_FROM_WEBHOOK).map(([code, outputs]) => [`inject ${code}`, outputs])),
    // msg.topic names the event; the payload is no object, so the value filter of rule 7 cannot match.
    "inject topic lock.state": [3],
    "inject untellable": [OTHERWISE],
};

function flow() {
    const observers = Array.from({ length: RULES.length + 1 }, (_, output) => ({
        id: `observe-${output}`,
        type: "function",
        z: "tab",
        name: `output ${output}`,
        func:
            'const seen = global.get("eventSwitchSeen") || [];\n' +
            `seen.push({ output: ${output}, key: msg.case || msg.topic });\n` +
            'global.set("eventSwitchSeen", seen);\n' +
            "return null;",
        outputs: 1,
        wires: [[]],
    }));
    const injects = [...INJECTS, { key: "inject sentinel", payload: JSON.stringify(SENTINEL), payloadType: "json" }].map((inject, index) => ({
        id: `inject-${index}`,
        type: "inject",
        z: "tab",
        name: inject.key,
        props: [{ p: "payload" }, { p: "topic", vt: "str" }, { p: "case", v: inject.key, vt: "str" }],
        repeat: "",
        crontab: "",
        once: false,
        onceDelay: 0.1,
        topic: inject.topic || "",
        payload: inject.payload,
        payloadType: inject.payloadType,
        wires: [["switch"]],
    }));
    return [
        { id: "tab", type: "tab", label: "event switch" },
        { id: "sig", type: "alocity-signature", name: "", tolerance: 300, credentials: { secret: SECRET } },
        { id: "webhook", type: "alocity-webhook-in", z: "tab", name: "", url: WEBHOOK_PATH, signature: "sig", event: "", wires: [["switch"]] },
        {
            id: "switch",
            type: "alocity-event-switch",
            z: "tab",
            name: "",
            rules: RULES,
            otherwise: true,
            checkall: true,
            outputs: RULES.length + 1,
            wires: observers.map((observer) => [observer.id]),
        },
        ...observers,
        ...injects,
        { id: "seen-in", type: "http in", z: "tab", name: "", url: SEEN_PATH, method: "get", upload: false, swaggerDoc: "", wires: [["seen-read"]] },
        {
            id: "seen-read",
            type: "function",
            z: "tab",
            name: "",
            func: 'msg.payload = global.get("eventSwitchSeen") || [];\nreturn msg;',
            outputs: 1,
            wires: [["seen-out"]],
        },
        { id: "seen-out", type: "http response", z: "tab", name: "", statusCode: "", headers: {}, wires: [] },
    ];
}

describe("alocity-event-switch in a real Node-RED (default settings)", function () {
    this.timeout(120000);
    let nodeRed;

    before(async () => {
        nodeRed = await startRealNodeRed();
        await nodeRed.deploy(flow());
    });

    after(async () => {
        if (nodeRed) await nodeRed.stop();
    });

    /** What the observers recorded: the outputs each key reached, in order of arrival. */
    async function seen() {
        const answer = await request("GET", nodeRed.url + SEEN_PATH);
        assert.equal(answer.status, 200, answer.text);
        const byKey = {};
        for (const { output, key } of JSON.parse(answer.text)) {
            (byKey[key] = byKey[key] || []).push(output);
        }
        return byKey;
    }

    /** Waits until the observers have recorded `count` deliveries of `key` (the outputs of one message). */
    async function arrived(key, count) {
        let outputs = [];
        await eventually(
            async () => {
                outputs = (await seen())[key] || [];
                return outputs.length >= count;
            },
            () => `"${key}" on ${count} outputs (it reached [${outputs}])\n${nodeRed.log}`,
        );
    }

    /**
     * Sends each message, waiting for its deliveries, then a sentinel that goes to otherwise: Node-RED delivers in
     * order, so once the sentinel is recorded, any stray delivery of an earlier message would be too.
     */
    async function checkRouting(send, expected, sentinelKey) {
        for (const [key, outputs] of Object.entries(expected)) {
            await send(key);
            await arrived(key, outputs.length);
        }
        await send(sentinelKey);
        await arrived(sentinelKey, 1);
        const recorded = await seen();
        for (const [key, outputs] of Object.entries(expected)) {
            assert.deepEqual([...recorded[key]].sort((a, b) => a - b), outputs, key);
        }
        assert.deepEqual(recorded[sentinelKey], [OTHERWISE]);
    }

    it("routes each signed sample event, and an unknown one, to exactly the outputs whose rules match", async () => {
        const bodies = { ...SAMPLE_EVENTS, "door.tamper": TAMPER, "test.sentinel": SENTINEL };
        await checkRouting(
            async (code) => {
                await signedPost(supertest(nodeRed.url), WEBHOOK_PATH, bodies[code]).expect(200);
            },
            EXPECTED_FROM_WEBHOOK,
            "test.sentinel",
        );
    });

    it("routes the same events from inject nodes, by shape, envelope and topic", async () => {
        const injectIds = Object.fromEntries(flow().filter((n) => n.type === "inject").map((n) => [n.name, n.id]));
        await checkRouting(
            async (key) => {
                const answer = await request("POST", `${nodeRed.url}/inject/${injectIds[key]}`);
                assert.equal(answer.status, 200, answer.text);
            },
            EXPECTED_FROM_INJECT,
            "inject sentinel",
        );
    });

    it("logs no errors, and no warnings of the switch", () => {
        assert.deepEqual(problemLines(nodeRed.log), []);
        assert.deepEqual(nodeRed.log.split("\n").filter((line) => /\[warn\].*alocity-event-switch/.test(line)), []);
    });
});
