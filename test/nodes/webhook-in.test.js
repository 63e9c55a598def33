"use strict";
const assert = require("assert");
const http = require("http");
const net = require("net");
const { helper, modules, httpNodeApp, httpNodeRequest } = require("../support/nodes");
const { SECRET, webhookFlow, credentials, signedPost } = require("../support/flows");
const { sign } = require("../../dist/src/index.js");
const { SAMPLE_EVENTS } = require("../../dist/src/core/samples.js");

/** Collects what a node sends, and lets a test wait for a number of messages. */
function collect(nodeId) {
    const messages = [];
    const waiters = [];
    let taken = 0;
    helper.getNode(nodeId).on("input", (msg) => {
        messages.push(msg);
        for (const waiter of waiters.splice(0)) waiter();
    });
    return {
        messages,
        /** The count-th message (by default the one after those already taken), once it has come. */
        async next(count = taken + 1) {
            taken = Math.max(taken, count);
            while (messages.length < count) await new Promise((resolve) => waiters.push(resolve));
            return messages[count - 1];
        },
    };
}

/** Lets pending sends be delivered, so a test can assert that none was. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

function logLines(minLevel = 0) {
    return helper
        .log()
        .args.map((args) => args[0])
        .filter((entry) => entry && entry.type === "alocity-webhook-in" && entry.level >= minLevel);
}

function statuses(nodeId) {
    const node = helper.getNode(nodeId);
    return node.status.args.map((args) => args[0]);
}

async function load(flow = webhookFlow(), creds = credentials()) {
    await helper.load(modules, flow, creds);
    return collect("out");
}

describe("alocity-webhook-in (test helper)", function () {
    before(() => helper.startServer());
    after(() => helper.stopServer());
    afterEach(async () => {
        await helper.unload();
        helper.settings({});
    });

    describe("accepted events", function () {
        it("sends a verified event with topic, payload and msg.alocity, and answers 200", async function () {
            const out = await load();
            const before = Date.now();
            const res = await signedPost(httpNodeRequest(), "/alocity", SAMPLE_EVENTS["door.state"]);
            assert.strictEqual(res.status, 200);
            const msg = await out.next();
            assert.strictEqual(msg.topic, "door.state");
            assert.deepStrictEqual(msg.payload, SAMPLE_EVENTS["door.state"]);
            assert.strictEqual(msg.alocity.event, "door.state");
            assert.strictEqual(msg.alocity.inferred, true);
            assert.ok(Math.abs(msg.alocity.timestamp - Math.floor(before / 1000)) <= 2);
            assert.ok(msg.alocity.receivedAt >= before && msg.alocity.receivedAt <= Date.now());
            assert.strictEqual(msg.req, undefined);
            assert.strictEqual(msg.res, undefined);
        });

        it("sends each of the six sample events with its own topic", async function () {
            const out = await load();
            for (const [code, payload] of Object.entries(SAMPLE_EVENTS)) {
                const res = await signedPost(httpNodeRequest(), "/alocity", payload);
                assert.strictEqual(res.status, 200, code);
                const msg = await out.next();
                assert.strictEqual(msg.topic, code);
                assert.deepStrictEqual(msg.payload, payload);
            }
        });

        it("takes the code and the inner object from an envelope", async function () {
            const out = await load();
            const inner = { serialNumber: "ALO-9", lockState: "Unlocked" };
            await signedPost(httpNodeRequest(), "/alocity", { eventType: "door.tamper", data: inner }).expect(200);
            const msg = await out.next();
            assert.strictEqual(msg.topic, "door.tamper");
            assert.deepStrictEqual(msg.payload, inner);
            assert.strictEqual(msg.alocity.inferred, false);
        });

        it("uses the node's event for a single-event webhook", async function () {
            const out = await load(webhookFlow({ event: "user.face" }));
            await signedPost(httpNodeRequest(), "/alocity", { id: "u-1", action: "Enrolled", serialNumber: "x", doorState: 1 }).expect(200);
            const msg = await out.next();
            assert.strictEqual(msg.topic, "user.face");
            assert.strictEqual(msg.alocity.inferred, false);
        });

        it("accepts any content type, or none", async function () {
            const out = await load();
            for (const type of ["text/plain", "application/x-www-form-urlencoded", "application/octet-stream", undefined]) {
                const body = JSON.stringify({ ...SAMPLE_EVENTS["lock.state"], contentType: type ?? "none" });
                let req = httpNodeRequest().post("/alocity").set("Alocity-Signature", sign(SECRET, body));
                if (type) req = req.set("Content-Type", type);
                // superagent would re-encode a body it takes for a form: send the bytes as they are.
                await req.serialize((bytes) => bytes).send(Buffer.from(body)).expect(200);
            }
            await out.next(4);
        });

        it("verifies non-ASCII, CRLF and byte-order-mark bodies as sent", async function () {
            const out = await load();
            const bodies = [
                '{"id":"u","action":"Enrolled","name":"Zoë 山田"}',
                '{\r\n "serialNumber": "ALO-1",\r\n "doorState": "Open"\r\n}\r\n',
                '\uFEFF{"serialNumber":"ALO-1","lockState":"Locked"}',
            ];
            for (const body of bodies) {
                await signedPost(httpNodeRequest(), "/alocity", Buffer.from(body, "utf8")).expect(200);
            }
            const messages = await Promise.all([out.next(1), out.next(2), out.next(3)]);
            assert.deepStrictEqual(messages.map((m) => m.topic), ["user.face", "door.state", "lock.state"]);
            assert.strictEqual(messages[0].payload.name, "Zoë 山田");
        });

        it("shows a dot with the last event after a ring while listening", async function () {
            const out = await load();
            assert.deepStrictEqual(statuses("in")[0], { fill: "green", shape: "ring", text: "alocity-webhook-in.status.listening" });
            await signedPost(httpNodeRequest(), "/alocity", SAMPLE_EVENTS["door.state"]).expect(200);
            await out.next();
            await waitFor(() => statuses("in").some((s) => s.shape === "dot" && s.fill === "green"));
        });
    });

    describe("rejections", function () {
        const cases = [
            ["no header", (req) => req, "missing-header"],
            ["a malformed header", (req) => req.set("Alocity-Signature", "t:abc,sig:xyz"), "malformed-header"],
            ["a wrong key", (req, body) => req.set("Alocity-Signature", sign("not-the-secret", body)), "no-match"],
            ["an old timestamp", (req, body) => req.set("Alocity-Signature", sign(SECRET, body, Math.floor(Date.now() / 1000) - 3600)), "timestamp-too-old"],
            ["a future timestamp", (req, body) => req.set("Alocity-Signature", sign(SECRET, body, Math.floor(Date.now() / 1000) + 3600)), "timestamp-in-future"],
        ];
        for (const [name, signRequest, reason] of cases) {
            it(`answers 401 to ${name}, logs why and sends nothing`, async function () {
                const out = await load();
                const body = JSON.stringify(SAMPLE_EVENTS["door.state"]);
                const res = await signRequest(httpNodeRequest().post("/alocity").set("Content-Type", "application/json"), body).send(body);
                assert.strictEqual(res.status, 401);
                assert.strictEqual(res.text, "Unauthorized");
                await settle();
                assert.strictEqual(out.messages.length, 0);
                const lines = logLines();
                assert.strictEqual(lines.length, 1);
                assert.strictEqual(lines[0].msg, `alocity-webhook-in.log.${reason}`);
                await waitFor(() => {
                    const last = statuses("in").at(-1);
                    return last.fill === "yellow" && /alocity-webhook-in.status.rejected/.test(last.text);
                });
            });
        }

        const badBodies = [
            ["empty", ""],
            ["not JSON", "door open"],
            ["a JSON array", "[1,2]"],
            ["a JSON string", '"door.state"'],
        ];
        for (const [name, body] of badBodies) {
            it(`answers 400 to a signed body that is ${name}`, async function () {
                const out = await load();
                const res = await signedPost(httpNodeRequest(), "/alocity", body);
                assert.strictEqual(res.status, 400);
                await settle();
                assert.strictEqual(out.messages.length, 0);
            });
        }

        it("answers 405 with Allow: POST to other methods", async function () {
            await load();
            for (const method of ["get", "put", "delete", "patch"]) {
                const res = await httpNodeRequest()[method]("/alocity");
                assert.strictEqual(res.status, 405, method);
                assert.strictEqual(res.headers.allow, "POST");
            }
        });

        it("answers 413 to a body over apiMaxLength, and sends nothing", async function () {
            helper.settings({ apiMaxLength: "1kb" });
            const out = await load();
            const big = { serialNumber: "ALO-1", doorState: "Open", padding: "x".repeat(2000) };
            const res = await signedPost(httpNodeRequest(), "/alocity", big);
            assert.strictEqual(res.status, 413);
            await signedPost(httpNodeRequest(), "/alocity", SAMPLE_EVENTS["door.state"]).expect(200);
            await out.next(1);
            assert.strictEqual(out.messages.length, 1);
        });

        it("answers 413 from the Content-Length alone, before the body is sent", async function () {
            helper.settings({ apiMaxLength: "1kb" });
            await load();
            const server = http.createServer(httpNodeApp());
            await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
            try {
                const answer = await rawExchange(server.address().port, [
                    "POST /alocity HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n",
                    `Alocity-Signature: ${sign(SECRET, "{}")}\r\nContent-Length: 10000000\r\n\r\n{"a":`,
                ]);
                assert.match(answer, /^HTTP\/1.1 413 /);
            } finally {
                server.close();
            }
        });
    });

    describe("configuration errors", function () {
        it("answers 500 with a red status and a clear log line without a secret", async function () {
            const out = await load(webhookFlow(), {});
            assert.deepStrictEqual(statuses("in").at(-1), { fill: "red", shape: "ring", text: "alocity-webhook-in.status.no-secret" });
            assert.ok(logLines(0).some((l) => l.msg === "alocity-webhook-in.log.no-secret" && l.level === 20));
            await signedPost(httpNodeRequest(), "/alocity", SAMPLE_EVENTS["door.state"]).expect(500);
            await settle();
            assert.strictEqual(out.messages.length, 0);
        });

        it("answers 500 with a red status without a signature config node", async function () {
            const flow = webhookFlow().filter((n) => n.type !== "alocity-signature");
            flow[0].signature = "";
            await load(flow, {});
            assert.deepStrictEqual(statuses("in").at(-1), { fill: "red", shape: "ring", text: "alocity-webhook-in.status.no-signature" });
            await signedPost(httpNodeRequest(), "/alocity", SAMPLE_EVENTS["door.state"]).expect(500);
        });

        for (const url of ["", "/", "/a b", "/hooks/:site", "/x?y", "/a*"]) {
            it(`refuses the path ${JSON.stringify(url)} with a red status`, async function () {
                await load(webhookFlow({ url }));
                assert.deepStrictEqual(statuses("in").at(-1), { fill: "red", shape: "ring", text: "alocity-webhook-in.status.bad-path" });
                assert.ok(logLines().some((l) => l.msg === "alocity-webhook-in.log.bad-path"));
            });
        }

        it("serves a path given without its leading slash, or with a trailing one", async function () {
            await load(webhookFlow({ url: "hooks/alocity/" }));
            await signedPost(httpNodeRequest(), "/hooks/alocity", SAMPLE_EVENTS["door.state"]).expect(200);
        });

        it("trims whitespace around a pasted secret, with a warning that does not show it", async function () {
            const out = await load(webhookFlow(), credentials(`  ${SECRET}\n`));
            await signedPost(httpNodeRequest(), "/alocity", SAMPLE_EVENTS["door.state"]).expect(200);
            await out.next();
            const warnings = helper.log().args.map((a) => a[0]).filter((e) => e.type === "alocity-signature");
            assert.deepStrictEqual(warnings.map((w) => w.msg), ["alocity-signature.warn.trimmed"]);
        });

        it("honours httpNodeMiddleware", async function () {
            helper.settings({
                httpNodeMiddleware: (req, res, next) => (req.headers["x-gate"] === "open" ? next() : res.status(403).end()),
            });
            const out = await load();
            await signedPost(httpNodeRequest(), "/alocity", SAMPLE_EVENTS["door.state"]).expect(403);
            await signedPost(httpNodeRequest(), "/alocity", SAMPLE_EVENTS["door.state"]).set("X-Gate", "open").expect(200);
            await out.next(1);
            await settle();
            assert.strictEqual(out.messages.length, 1);
        });
    });

    describe("duplicates and key rotation", function () {
        it("answers a repeated delivery 200 without sending it again", async function () {
            const out = await load();
            const raw = Buffer.from(JSON.stringify(SAMPLE_EVENTS["door.state"]));
            const header = sign(SECRET, raw);
            for (let i = 0; i < 3; i++) {
                await signedPost(httpNodeRequest(), "/alocity", raw, { header }).expect(200);
            }
            await out.next(1);
            await settle();
            assert.strictEqual(out.messages.length, 1);
            assert.ok(logLines().some((l) => l.msg === "alocity-webhook-in.log.duplicate" && l.level === 50));
        });

        it("accepts the previous secret beside the current one, logging which at debug level only", async function () {
            const out = await load(webhookFlow(), credentials("new-key", "old-key"));
            await signedPost(httpNodeRequest(), "/alocity", SAMPLE_EVENTS["door.state"], { secret: "old-key" }).expect(200);
            await signedPost(httpNodeRequest(), "/alocity", SAMPLE_EVENTS["lock.state"], { secret: "new-key" }).expect(200);
            await signedPost(httpNodeRequest(), "/alocity", SAMPLE_EVENTS["user.face"], { secret: SECRET }).expect(401);
            await out.next(2);
            const previous = logLines().filter((l) => l.msg === "alocity-webhook-in.log.previous-secret");
            assert.strictEqual(previous.length, 1);
            assert.strictEqual(previous[0].level, 50);
        });

        it("never puts a secret or a signature in a log line, a status or a message", async function () {
            const out = await load(webhookFlow(), credentials("current-secret-value", "previous-secret-value"));
            const raw = Buffer.from(JSON.stringify(SAMPLE_EVENTS["user.card"]));
            const header = sign("current-secret-value", raw);
            await signedPost(httpNodeRequest(), "/alocity", raw, { header }).expect(200);
            await signedPost(httpNodeRequest(), "/alocity", raw, { header }).expect(200);
            await signedPost(httpNodeRequest(), "/alocity", raw, { secret: "wrong-secret-value" }).expect(401);
            await signedPost(httpNodeRequest(), "/alocity", raw, { secret: "previous-secret-value" }).expect(200);
            await out.next(2);
            const seen = JSON.stringify([helper.log().args, statuses("in"), out.messages]);
            for (const secret of ["current-secret-value", "previous-secret-value", "wrong-secret-value", header.split("sig:")[1]]) {
                assert.ok(!seen.includes(secret), `found ${secret}`);
            }
        });
    });

    describe("redeploys and paths", function () {
        it("answers 503 with Retry-After while flows are being deployed, and 200 again once they run", async function () {
            const out = await load();
            const RED = helper._RED;
            RED.events.emit("flows:stopping", { type: "full" });
            try {
                const res = await signedPost(httpNodeRequest(), "/alocity", SAMPLE_EVENTS["door.state"]);
                assert.strictEqual(res.status, 503);
                assert.ok(Number(res.headers["retry-after"]) > 0);
            } finally {
                RED.events.emit("flows:started", { type: "full" });
            }
            await settle();
            assert.strictEqual(out.messages.length, 0);
            await signedPost(httpNodeRequest(), "/alocity", SAMPLE_EVENTS["door.state"]).expect(200);
            await out.next(1);
        });

        it("stops serving a path once its node is deleted", async function () {
            await load();
            await signedPost(httpNodeRequest(), "/alocity", SAMPLE_EVENTS["door.state"]).expect(200);
            await helper.setFlows([{ id: "out", type: "helper" }], "full");
            await signedPost(httpNodeRequest(), "/alocity", SAMPLE_EVENTS["lock.state"]).expect(404);
        });

        it("moves to a new path when the node's URL changes", async function () {
            await load();
            const flow = webhookFlow({ url: "/alocity-2" });
            await helper.setFlows(flow, "nodes", credentials());
            await signedPost(httpNodeRequest(), "/alocity", SAMPLE_EVENTS["door.state"]).expect(404);
            await signedPost(httpNodeRequest(), "/alocity-2", SAMPLE_EVENTS["door.state"]).expect(200);
        });

        it("refuses a second node on a path already served, and hands the path over when the first goes", async function () {
            const flow = [
                ...webhookFlow(),
                { id: "in2", type: "alocity-webhook-in", name: "", url: "/ALOCITY/", signature: "sig", event: "", wires: [["out2"]] },
                { id: "out2", type: "helper" },
            ];
            await helper.load(modules, flow, credentials());
            const first = collect("out");
            const second = collect("out2");
            assert.deepStrictEqual(statuses("in2").at(-1), { fill: "red", shape: "ring", text: "alocity-webhook-in.status.path-taken" });
            const taken = logLines().filter((l) => l.msg === "alocity-webhook-in.log.path-taken");
            assert.strictEqual(taken.length, 1);
            assert.strictEqual(taken[0].id, "in2");

            await signedPost(httpNodeRequest(), "/alocity", SAMPLE_EVENTS["door.state"]).expect(200);
            await first.next(1);
            await settle();
            assert.strictEqual(second.messages.length, 0);

            await helper.setFlows(flow.filter((n) => n.id !== "in"), "nodes", credentials());
            await waitFor(() => statuses("in2").at(-1).fill === "green");
            await signedPost(httpNodeRequest(), "/alocity", SAMPLE_EVENTS["lock.state"]).expect(200);
            await second.next(1);
            assert.strictEqual(first.messages.length, 1);
        });
    });

    describe("client that hangs up", function () {
        it("emits nothing for half a body, leaks no connection, and the next request works", async function () {
            const out = await load();
            const server = http.createServer(httpNodeApp());
            await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
            try {
                const body = JSON.stringify(SAMPLE_EVENTS["door.state"]);
                for (let i = 0; i < 5; i++) {
                    const socket = net.connect(server.address().port, "127.0.0.1");
                    await new Promise((resolve) => socket.once("connect", resolve));
                    socket.write(
                        `POST /alocity HTTP/1.1\r\nHost: x\r\nAlocity-Signature: ${sign(SECRET, body)}\r\n` +
                            `Content-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`,
                    );
                    await settle();
                    socket.destroy();
                }
                await waitFor(() => new Promise((resolve) => server.getConnections((err, n) => resolve(!err && n === 0))));
                await settle();
                assert.strictEqual(out.messages.length, 0);
                const res = await rawExchange(server.address().port, [
                    `POST /alocity HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAlocity-Signature: ${sign(SECRET, body)}\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
                ]);
                assert.match(res, /^HTTP\/1.1 200 /);
                await out.next(1);
            } finally {
                server.close();
            }
        });
    });
});

async function waitFor(condition, timeoutMs = 5000) {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
        if (Date.now() > deadline) throw new Error("condition not met in time");
        await new Promise((resolve) => setTimeout(resolve, 10));
    }
}

/** Writes raw HTTP, chunk by chunk, and resolves with what the server answered before closing or in 2 s. */
function rawExchange(port, chunks) {
    return new Promise((resolve, reject) => {
        const socket = net.connect(port, "127.0.0.1");
        let answer = "";
        socket.on("data", (data) => {
            answer += data;
        });
        socket.on("error", (error) => (answer ? resolve(answer) : reject(error)));
        socket.on("close", () => resolve(answer));
        socket.on("connect", () => {
            for (const chunk of chunks) socket.write(chunk);
        });
        setTimeout(() => {
            socket.destroy();
            resolve(answer);
        }, 2000);
    });
}
