"use strict";
// alocity-webhook-in in a real Node-RED started with default settings: the editor's admin app is mounted at /
// and parses JSON bodies before RED.httpNode routes run (the raw-body trap).
const assert = require("assert");
const net = require("net");
const { startRealNodeRed, request } = require("../support/node-red");
const { recorderNode, readoutNodes, readRecorded } = require("../support/recorder");
const { sign } = require("../../dist/src/index.js");
const { SAMPLE_EVENTS } = require("../../dist/src/core/samples.js");

const SECRET = "integration-secret-7d1f";

function receiverFlow({ url = "/alocity", name = "" } = {}) {
    return [
        { id: "tab", type: "tab", label: "receiver" },
        { id: "sig", type: "alocity-signature", name: "", tolerance: 300, credentials: { secret: SECRET } },
        { id: "in", type: "alocity-webhook-in", z: "tab", name, url, signature: "sig", event: "", x: 120, y: 100, wires: [["rec"]] },
        recorderNode("rec", "events"),
        ...readoutNodes(),
    ];
}

function post(nodeRed, path, body, headers = {}) {
    return request("POST", nodeRed.url + path, body, headers);
}

/** Opens a raw connection, lets `write` send what it likes, and resolves with the answer's head (or "" if none). */
function rawExchange(nodeRed, write) {
    return new Promise((resolve) => {
        const socket = net.connect(Number(new URL(nodeRed.url).port), "127.0.0.1", () => write(socket));
        let text = "";
        socket.on("data", (data) => {
            text += data;
            if (/\r\n\r\n/.test(text)) {
                socket.destroy();
                resolve(text);
            }
        });
        socket.on("error", () => resolve(text));
        socket.on("close", () => resolve(text));
    });
}

function signed(body, secret = SECRET) {
    return { "Alocity-Signature": sign(secret, body), "Content-Type": "application/json" };
}

describe("alocity-webhook-in in a real Node-RED (default settings)", function () {
    this.timeout(60000);
    let nodeRed;

    before(async function () {
        nodeRed = await startRealNodeRed();
        await nodeRed.deploy(receiverFlow());
    });
    after(() => nodeRed && nodeRed.stop());

    it("verifies bodies byte-exact whatever the content type, with non-ASCII, CRLF and a byte-order mark", async function () {
        const bodies = [
            ['{"serialNumber":"RAW-1","doorState":"Öffen 開"}', "application/json"],
            ['{\r\n  "serialNumber": "RAW-2",\r\n  "lockState": "Locked"\r\n}\r\n', "application/json; charset=utf-8"],
            ['\uFEFF{"serialNumber":"RAW-3","doorState":"Closed"}', "application/json"],
            ['{"serialNumber":"RAW-4","doorState":"Open"}', "text/plain"],
            ['{"serialNumber":"RAW-5","doorState":"Open"}', "application/x-www-form-urlencoded"],
            ['{"serialNumber":"RAW-6","doorState":"Open"}', undefined],
        ];
        for (const [body, type] of bodies) {
            const headers = { "Alocity-Signature": sign(SECRET, body) };
            if (type) headers["Content-Type"] = type;
            const answer = await post(nodeRed, "/alocity", body, headers);
            assert.strictEqual(answer.status, 200, `${type}: ${answer.status} ${answer.text}`);
        }
        const recorded = (await readRecorded(nodeRed)).events.filter((e) => /^RAW-/.test(e.payload.serialNumber));
        assert.deepStrictEqual(
            recorded.map((e) => e.payload.serialNumber),
            ["RAW-1", "RAW-2", "RAW-3", "RAW-4", "RAW-5", "RAW-6"],
        );
        assert.strictEqual(recorded[0].payload.doorState, "Öffen 開");
        assert.strictEqual(recorded[1].topic, "lock.state");
        assert.strictEqual(recorded[0].alocity.event, "door.state");
    });

    it("sends each sample event with its topic and payload", async function () {
        for (const [code, payload] of Object.entries(SAMPLE_EVENTS)) {
            const body = JSON.stringify({ ...payload, sampleOf: code });
            assert.strictEqual((await post(nodeRed, "/alocity", body, signed(body))).status, 200, code);
        }
        const recorded = (await readRecorded(nodeRed)).events.filter((e) => e.payload.sampleOf);
        assert.deepStrictEqual(recorded.map((e) => e.topic), Object.keys(SAMPLE_EVENTS));
        for (const event of recorded) {
            assert.deepStrictEqual(event.payload, { ...SAMPLE_EVENTS[event.topic], sampleOf: event.topic });
        }
    });

    it("answers bad requests as documented, and sends none of them", async function () {
        const before = (await readRecorded(nodeRed)).events.length;
        const body = JSON.stringify(SAMPLE_EVENTS["door.state"]);
        const wrongKey = await post(nodeRed, "/alocity", body, signed(body, "not-the-secret"));
        assert.deepStrictEqual([wrongKey.status, wrongKey.text], [401, "Unauthorized"]);
        assert.strictEqual((await post(nodeRed, "/alocity", body, { "Content-Type": "application/json" })).status, 401);
        assert.strictEqual((await post(nodeRed, "/alocity", "[1]", signed("[1]"))).status, 400);
        assert.strictEqual((await post(nodeRed, "/alocity", "", signed(""))).status, 400);
        const get = await request("GET", nodeRed.url + "/alocity");
        assert.deepStrictEqual([get.status, get.headers.allow], [405, "POST"]);
        assert.strictEqual((await readRecorded(nodeRed)).events.length, before);
        assert.match(nodeRed.log, /Rejected a request to \/alocity \(401\): the signature does not match\. Check the secret/);
    });

    it("answers 413 to a body over apiMaxLength (5 MB) from its Content-Length, without reading it", async function () {
        const answer = await rawExchange(nodeRed, (socket) =>
            socket.write(
                "POST /alocity HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
                    `Alocity-Signature: ${sign(SECRET, "{}")}\r\nContent-Length: ${6 * 1024 * 1024}\r\n\r\n{"serialNumber":`,
            ),
        );
        assert.match(answer, /^HTTP\/1.1 413 /);
    });

    it("answers 413 to a chunked body once it passes apiMaxLength", async function () {
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        const answer = await rawExchange(nodeRed, (socket) => {
            socket.write(`POST /alocity HTTP/1.1\r\nHost: x\r\nAlocity-Signature: ${sign(SECRET, "{}")}\r\nTransfer-Encoding: chunked\r\n\r\n`);
            let sent = 0;
            const pump = () => {
                while (sent < 6 * 1024 * 1024 && !socket.destroyed) {
                    sent += chunk.length;
                    if (!socket.write(Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from("\r\n")]))) {
                        socket.once("drain", pump);
                        return;
                    }
                }
            };
            pump();
        });
        assert.match(answer, /^HTTP\/1.1 413 /);
    });

    it("leaves Node.js to refuse a header far over its limit (431)", async function () {
        const answer = await rawExchange(nodeRed, (socket) =>
            socket.write(`POST /alocity HTTP/1.1\r\nHost: x\r\nAlocity-Signature: t:1,sig:${"A".repeat(64 * 1024)}\r\n\r\n`),
        );
        assert.match(answer, /^HTTP\/1.1 431 /);
    });

    it("emits nothing for a client that sends half a body and hangs up, and the next request works", async function () {
        const before = (await readRecorded(nodeRed)).events.length;
        const body = JSON.stringify({ serialNumber: "HALF-1", doorState: "Open" });
        for (let i = 0; i < 5; i++) {
            const answer = await rawExchange(nodeRed, (socket) => {
                socket.write(`POST /alocity HTTP/1.1\r\nHost: x\r\nAlocity-Signature: ${sign(SECRET, body)}\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 12)}`);
                setTimeout(() => socket.destroy(), 50);
            });
            assert.strictEqual(answer, "", "no answer to a request that was never finished");
        }
        const whole = JSON.stringify({ serialNumber: "HALF-2", doorState: "Open" });
        assert.strictEqual((await post(nodeRed, "/alocity", whole, signed(whole))).status, 200);
        const recorded = (await readRecorded(nodeRed)).events.slice(before).map((e) => e.payload.serialNumber);
        assert.deepStrictEqual(recorded, ["HALF-2"]);
    });

    it("refuses a path of the editor's admin API, and the editor still deploys", async function () {
        const from = nodeRed.log.length;
        await nodeRed.deploy([...receiverFlow(), { id: "editor-path", type: "alocity-webhook-in", z: "tab", name: "", url: "/flows", signature: "sig", event: "", x: 120, y: 200, wires: [[]] }]);
        assert.match(nodeRed.log.slice(from), /The URL "\/flows" belongs to the Node-RED editor's admin API/);
        await nodeRed.deploy(receiverFlow());
        const flows = await nodeRed.admin("GET", "/flows");
        assert.ok(!JSON.stringify(flows).includes("editor-path"));
    });

    it("never hands a secret to the editor: flows and credentials say only whether one is set", async function () {
        const flows = await nodeRed.admin("GET", "/flows");
        assert.ok(!JSON.stringify(flows).includes(SECRET), "no secret in the flows");
        const credentials = await nodeRed.admin("GET", "/credentials/alocity-signature/sig");
        assert.deepStrictEqual(credentials, { has_secret: true, has_previousSecret: false });
    });

    it("summarises a flood of forged requests in a handful of log lines", async function () {
        const body = JSON.stringify(SAMPLE_EVENTS["lock.state"]);
        const logBefore = nodeRed.log.length;
        const answers = [];
        const signatures = [];
        for (let batch = 0; batch < 25; batch++) {
            const headers = Array.from({ length: 20 }, (_, i) => signed(body, `forged-${batch}-${i}`));
            signatures.push(...headers.map((h) => h["Alocity-Signature"].split("sig:")[1]));
            answers.push(...(await Promise.all(headers.map((h) => post(nodeRed, "/alocity", body, h)))));
        }
        assert.strictEqual(answers.length, 500);
        assert.ok(answers.every((a) => a.status === 401));
        // A redeploy closes the node, which writes the summary of what it held back.
        await nodeRed.deploy(receiverFlow({ name: "after flood" }), "nodes");
        const lines = nodeRed.log.slice(logBefore).split("\n").filter((line) => /Rejected/.test(line));
        assert.ok(lines.length >= 2 && lines.length <= 10, `${lines.length} lines:\n${lines.join("\n")}`);
        const summaries = lines.filter((line) => /Rejected \d+ more requests to \/alocity in the last 10 s: wrong signature \d+/.test(line));
        assert.ok(summaries.length >= 1, lines.join("\n"));
        const held = summaries.reduce((sum, line) => sum + Number(/Rejected (\d+) more/.exec(line)[1]), 0);
        assert.strictEqual(lines.length - summaries.length + held, 500, lines.join("\n"));
        const logged = nodeRed.log.slice(logBefore);
        assert.ok(!/forged-/.test(logged), "no key in the log");
        assert.ok(!signatures.some((sig) => logged.includes(sig) || logged.includes(sig.slice(0, 16))), "no signature in the log");
    });
});

describe("alocity-webhook-in under httpNodeRoot", function () {
    this.timeout(60000);
    let nodeRed;

    before(async function () {
        nodeRed = await startRealNodeRed({ settings: ["httpNodeRoot=/hooks"] });
        await nodeRed.deploy(receiverFlow());
    });
    after(() => nodeRed && nodeRed.stop());

    it("serves its path below httpNodeRoot, byte-exact", async function () {
        const body = '\uFEFF{"serialNumber":"ROOT-1","doorState":"Open"}\r\n';
        assert.strictEqual((await post(nodeRed, "/hooks/alocity", body, signed(body))).status, 200);
        assert.strictEqual((await post(nodeRed, "/alocity", body, signed(body))).status, 404);
        const recorded = await readRecorded(nodeRed, "/hooks");
        assert.deepStrictEqual(recorded.events.map((e) => e.payload.serialNumber), ["ROOT-1"]);
    });
});

describe("alocity-webhook-in behind httpNodeAuth", function () {
    this.timeout(60000);
    let nodeRed;
    const basic = (user, pass) => ({ Authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString("base64")}` });

    before(async function () {
        const hash = require("bcryptjs").hashSync("gate-pass", 8);
        nodeRed = await startRealNodeRed({ settings: [`httpNodeAuth=${JSON.stringify({ user: "gate", pass: hash })}`] });
        await nodeRed.deploy(receiverFlow());
    });
    after(() => nodeRed && nodeRed.stop());

    it("lets httpNodeAuth refuse requests without its credentials, and verifies those with them byte-exact", async function () {
        const body = '{\r\n"serialNumber":"AUTH-1","doorState":"Öffen"}';
        const refused = await post(nodeRed, "/alocity", body, signed(body));
        assert.strictEqual(refused.status, 401);
        assert.match(refused.headers["www-authenticate"] || "", /Basic/);
        const accepted = await post(nodeRed, "/alocity", body, { ...signed(body), ...basic("gate", "gate-pass") });
        assert.strictEqual(accepted.status, 200, accepted.text);
        const recorded = await request("GET", `${nodeRed.url}/__recorded`, undefined, basic("gate", "gate-pass"));
        assert.deepStrictEqual(JSON.parse(recorded.text).events.map((e) => e.payload.serialNumber), ["AUTH-1"]);
    });
});
