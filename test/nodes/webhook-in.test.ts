// alocity-webhook-in in the test helper's runtime: requests to RED.httpNode, messages at a helper node "out".
import assert from "assert";
import http from "http";
import type { AddressInfo, Socket } from "net";
import type { Test } from "supertest";
import type { AlocityEventMessage } from "../../src/core/webhook/receiver";
import { SAMPLE_EVENTS } from "../../src/core/events/samples";
import { sign } from "../../src/core/webhook/signature";
import { answerReceived, rawExchange } from "../support/requests";
import { credentials, SECRET, webhookFlow, type Credentials, type FlowNode } from "../support/test-flows";
import {
    deploy,
    helper,
    httpNodeApp,
    httpNodeRequest,
    logEntries,
    modules,
    nextInput,
    receivedWhile,
    statusesOf,
    useTestHelper,
    webhookPost,
    webhookRoutes,
} from "../support/test-helper";
import { eventually } from "../support/wait";

type Message = AlocityEventMessage;

async function load(flow: FlowNode[] = webhookFlow(), creds: Credentials = credentials()): Promise<void> {
    await helper.load(modules, flow, creds);
}

/** What the webhook node "in" sent to "out" while `action` ran. */
async function sentDuring(action: () => Promise<unknown>): Promise<Message[]> {
    return (await receivedWhile("in", "out", async () => void (await action()))) as Message[];
}

const lastStatus = (id = "in") => statusesOf(id).at(-1);
const logged = (minLevel = 0) => logEntries("alocity-webhook-in", minLevel);

/** Serves RED.httpNode from a server of the test's own, for raw HTTP. */
async function withServer(use: (port: number, server: http.Server) => Promise<void>): Promise<void> {
    const server = http.createServer(httpNodeApp());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
        await use((server.address() as AddressInfo).port, server);
    } finally {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
    }
}

function rawPost(body: string, { length = Buffer.byteLength(body), extraHeaders = "" } = {}): string {
    return `POST /alocity HTTP/1.1\r\nHost: x\r\n${extraHeaders}Alocity-Signature: ${sign(SECRET, body)}\r\nContent-Length: ${length}\r\n\r\n`;
}

describe("alocity-webhook-in (test helper)", function () {
    useTestHelper();

    describe("accepted events", function () {
        it("sends a verified event with topic, payload and msg.alocity, and answers 200", async function () {
            await load();
            const before = Date.now();
            const arrived = nextInput<Message>("out");
            const res = await webhookPost("/alocity", SAMPLE_EVENTS["door.state"]);
            assert.deepStrictEqual([res.status, res.text], [200, "OK"]);
            const msg = await arrived;
            assert.strictEqual(msg.topic, "door.state");
            assert.deepStrictEqual(msg.payload, SAMPLE_EVENTS["door.state"]);
            assert.strictEqual(msg.alocity.event, "door.state");
            assert.strictEqual(msg.alocity.inferred, true);
            assert.ok(Math.abs(msg.alocity.timestamp - Math.floor(before / 1000)) <= 2);
            assert.ok(msg.alocity.receivedAt >= before && msg.alocity.receivedAt <= Date.now());
            assert.ok(!("req" in msg) && !("res" in msg), "the node answers itself: no req or res in the message");
        });

        it("sends each of the six sample events with its own topic", async function () {
            await load();
            const sent = await sentDuring(async () => {
                for (const payload of Object.values(SAMPLE_EVENTS)) {
                    assert.strictEqual((await webhookPost("/alocity", payload)).status, 200);
                }
            });
            assert.deepStrictEqual(
                sent.map((msg) => [msg.topic, msg.payload]),
                Object.entries(SAMPLE_EVENTS),
            );
        });

        it("takes the code and the inner object from an envelope", async function () {
            await load();
            const inner = { serialNumber: "ALO-9", lockState: "Unlocked" };
            const [msg] = await sentDuring(() => webhookPost("/alocity", { eventType: "door.tamper", data: inner }).expect(200));
            assert.deepStrictEqual([msg.topic, msg.payload, msg.alocity.inferred], ["door.tamper", inner, false]);
        });

        it("uses the node's event for a single-event webhook", async function () {
            await load(webhookFlow({ event: "user.face" }));
            const [msg] = await sentDuring(() =>
                webhookPost("/alocity", { id: "u-1", action: "Enrolled", serialNumber: "x", doorState: 1 }).expect(200),
            );
            assert.deepStrictEqual([msg.topic, msg.alocity.inferred], ["user.face", false]);
        });

        it("accepts any content type, or none, and verifies non-ASCII, CRLF and byte-order-mark bodies as sent", async function () {
            await load();
            const bodies: [string, string | undefined][] = [
                ['{"id":"u","action":"Enrolled","name":"Zoë 山田"}', "text/plain"],
                ['{\r\n "serialNumber": "ALO-1",\r\n "doorState": "Open"\r\n}\r\n', "application/x-www-form-urlencoded"],
                ['\uFEFF{"serialNumber":"ALO-1","lockState":"Locked"}', "application/octet-stream"],
                ['{"serialNumber":"ALO-2","lockState":"Locked"}', undefined],
            ];
            const sent = await sentDuring(async () => {
                for (const [body, type] of bodies) {
                    let req: Test = httpNodeRequest().post("/alocity").set("Alocity-Signature", sign(SECRET, body));
                    if (type) req = req.set("Content-Type", type);
                    // superagent would re-encode a body it takes for a form: send the bytes as they are.
                    await req
                        .serialize((bytes: Buffer) => bytes as unknown as string)
                        .send(Buffer.from(body))
                        .expect(200);
                }
            });
            assert.deepStrictEqual(
                sent.map((msg) => msg.topic),
                ["user.face", "door.state", "lock.state", "lock.state"],
            );
            assert.strictEqual(sent[0].payload.name, "Zoë 山田");
        });

        it("shows a dot with the last event after a ring while listening", async function () {
            await load();
            assert.deepStrictEqual(statusesOf("in")[0], {
                fill: "green",
                shape: "ring",
                text: "alocity-webhook-in.status.listening alocity-webhook-in.status.waiting",
            });
            await sentDuring(() => webhookPost("/alocity", SAMPLE_EVENTS["door.state"]).expect(200));
            await eventually(() => lastStatus()?.shape === "dot" && lastStatus()?.fill === "green", "a green dot");
        });
    });

    describe("rejections", function () {
        const now = () => Math.floor(Date.now() / 1000);
        const cases: [string, (req: Test, body: string) => Test, string][] = [
            ["no header", (req) => req, "missing-header"],
            ["a malformed header", (req) => req.set("Alocity-Signature", "t:abc,sig:xyz"), "malformed-header"],
            ["a wrong key", (req, body) => req.set("Alocity-Signature", sign("not-the-secret", body)), "no-match"],
            ["an old timestamp", (req, body) => req.set("Alocity-Signature", sign(SECRET, body, now() - 3600)), "timestamp-too-old"],
            ["a future timestamp", (req, body) => req.set("Alocity-Signature", sign(SECRET, body, now() + 3600)), "timestamp-in-future"],
        ];
        for (const [name, signRequest, reason] of cases) {
            it(`answers 401 to ${name}, logs why and sends nothing`, async function () {
                await load();
                const body = JSON.stringify(SAMPLE_EVENTS["door.state"]);
                const sent = await sentDuring(async () => {
                    const res = await signRequest(httpNodeRequest().post("/alocity").set("Content-Type", "application/json"), body).send(
                        body,
                    );
                    assert.deepStrictEqual([res.status, res.text], [401, "Unauthorized"]);
                });
                assert.deepStrictEqual(sent, []);
                assert.deepStrictEqual(
                    logged().map((entry) => entry.msg),
                    [`alocity-webhook-in.log.${reason}`],
                );
                await eventually(
                    () => lastStatus()?.fill === "yellow" && /status\.rejected/.test(lastStatus()?.text ?? ""),
                    "a yellow status counting the rejection",
                );
            });
        }

        for (const [name, body] of [
            ["empty", ""],
            ["not JSON", "door open"],
            ["a JSON array", "[1,2]"],
            ["a JSON string", '"door.state"'],
        ]) {
            it(`answers 400 to a signed body that is ${name}, and sends nothing`, async function () {
                await load();
                const sent = await sentDuring(() => webhookPost("/alocity", body).expect(400));
                assert.deepStrictEqual(sent, []);
            });
        }

        it("answers 405 with Allow: POST to other methods", async function () {
            await load();
            for (const method of ["get", "put", "delete", "patch"] as const) {
                const res = await httpNodeRequest()[method]("/alocity");
                assert.deepStrictEqual([res.status, res.headers.allow], [405, "POST"], method);
            }
        });

        it("answers 413 to a body over apiMaxLength, sends nothing, and the next request works", async function () {
            helper.settings({ apiMaxLength: "1kb" });
            await load();
            const big = { serialNumber: "ALO-1", doorState: "Open", padding: "x".repeat(2000) };
            const sent = await sentDuring(async () => {
                await webhookPost("/alocity", big).expect(413);
                await webhookPost("/alocity", SAMPLE_EVENTS["door.state"]).expect(200);
            });
            assert.deepStrictEqual(
                sent.map((msg) => msg.payload),
                [SAMPLE_EVENTS["door.state"]],
            );
        });

        it("answers 413 to a body over the node's maxBytes (64 KiB unless set), and the next request works", async function () {
            const frame = JSON.stringify({ serialNumber: "ALO-1", doorState: "Open", padding: "" });
            const body = (bytes: number) =>
                JSON.stringify({ serialNumber: "ALO-1", doorState: "Open", padding: "x".repeat(bytes - frame.length) });
            await load();
            await webhookPost("/alocity", body(65_536)).expect(200);
            await webhookPost("/alocity", body(65_537)).expect(413);
            await helper.unload();
            await load(webhookFlow({ maxBytes: "1024" }));
            const sent = await sentDuring(async () => {
                await webhookPost("/alocity", body(1025)).expect(413);
                await webhookPost("/alocity", body(1024)).expect(200);
            });
            assert.strictEqual(sent.length, 1);
        });

        it("warns of a body answered 413, naming the path and maxBytes, and counts it in a yellow status", async function () {
            await load(webhookFlow({ maxBytes: "1024" }));
            await webhookPost("/alocity", { padding: "x".repeat(1100) }).expect(413);
            const warnings = helper
                .log()
                .args.map((args) => args[0] as { level?: number; msg?: unknown })
                .filter((entry) => entry.level === 30 && String(entry.msg).startsWith("alocity-webhook-in.log.too-large"));
            assert.strictEqual(warnings.length, 1);
            await eventually(
                () => lastStatus()?.fill === "yellow" && /status\.rejected/.test(lastStatus()?.text ?? ""),
                "a yellow status counting the 413",
            );
        });

        it("reads at most apiMaxLength when maxBytes is larger, and the default when it is not a size, saying so", async function () {
            helper.settings({ apiMaxLength: "1kb" });
            await load(webhookFlow({ maxBytes: 4096 }));
            await webhookPost("/alocity", { padding: "x".repeat(1100) }).expect(413);
            assert.ok(logged().some((entry) => entry.msg === "alocity-webhook-in.log.max-bytes-over-limit"));
            await helper.unload();
            helper.settings({});
            await load(webhookFlow({ maxBytes: "lots" }));
            await webhookPost("/alocity", { padding: "x".repeat(2000) }).expect(200);
            assert.ok(logged().some((entry) => entry.msg === "alocity-webhook-in.log.max-bytes-not-a-size"));
        });

        it("answers 413 from the Content-Length alone, before the body is sent", async function () {
            helper.settings({ apiMaxLength: "1kb" });
            await load();
            await withServer(async (port) => {
                const answer = await rawExchange(port, rawPost("{}", { length: 10_000_000 }) + '{"a":', { until: answerReceived });
                assert.strictEqual(answer.status, 413, answer.text);
            });
        });
    });

    describe("configuration errors", function () {
        it("answers 500 with a red status and a clear log line without a secret", async function () {
            await load(webhookFlow(), {});
            assert.deepStrictEqual(lastStatus(), { fill: "red", shape: "ring", text: "alocity-webhook-in.status.no-secret" });
            assert.ok(logged().some((entry) => entry.msg === "alocity-webhook-in.log.no-secret" && entry.level === 20));
            const sent = await sentDuring(() => webhookPost("/alocity", SAMPLE_EVENTS["door.state"]).expect(500));
            assert.deepStrictEqual(sent, []);
        });

        it("answers 500 with a red status without a signature config node", async function () {
            const flow = webhookFlow().filter((node) => node.type !== "alocity-signature");
            flow[0].signature = "";
            await load(flow, {});
            assert.deepStrictEqual(lastStatus(), { fill: "red", shape: "ring", text: "alocity-webhook-in.status.no-signature" });
            await webhookPost("/alocity", SAMPLE_EVENTS["door.state"]).expect(500);
        });

        for (const url of ["", "/", "/a b", "/hooks/:site", "/x?y", "/a*"]) {
            it(`refuses the path ${JSON.stringify(url)} with a red status`, async function () {
                await load(webhookFlow({ url }));
                assert.deepStrictEqual(lastStatus(), { fill: "red", shape: "ring", text: "alocity-webhook-in.status.bad-path" });
                assert.ok(logged().some((entry) => entry.msg === "alocity-webhook-in.log.bad-path"));
            });
        }

        it("answers the edit dialog's question on a path with the verdict a node would get (path-verdict)", async function () {
            await load();
            const verdict = async (url: string) =>
                (await helper.request().get("/alocity-webhook-in/path-verdict").query({ url }).expect(200)).body as unknown;
            assert.deepStrictEqual(await verdict("/a b"), { url: "/a b", verdict: "invalid" });
            assert.deepStrictEqual(await verdict("/hooks/:site"), { url: "/hooks/:site", verdict: "invalid" });
            assert.deepStrictEqual(await verdict("hooks/alocity/"), { url: "hooks/alocity/", verdict: "ok" });
        });

        it("serves a path given without its leading slash, or with a trailing one", async function () {
            await load(webhookFlow({ url: "hooks/alocity/" }));
            await webhookPost("/hooks/alocity", SAMPLE_EVENTS["door.state"]).expect(200);
        });

        it("trims whitespace around a pasted secret, with a warning that does not show it", async function () {
            await load(webhookFlow(), credentials(`  ${SECRET}\n`));
            const sent = await sentDuring(() => webhookPost("/alocity", SAMPLE_EVENTS["door.state"]).expect(200));
            assert.strictEqual(sent.length, 1);
            assert.deepStrictEqual(
                logEntries("alocity-signature").map((entry) => entry.msg),
                ["alocity-signature.warn.trimmed"],
            );
        });

        it("honours httpNodeMiddleware", async function () {
            helper.settings({
                httpNodeMiddleware: (req: http.IncomingMessage, res: http.ServerResponse, next: () => void) =>
                    req.headers["x-gate"] === "open" ? next() : res.writeHead(403).end(),
            });
            await load();
            const sent = await sentDuring(async () => {
                await webhookPost("/alocity", SAMPLE_EVENTS["door.state"]).expect(403);
                await webhookPost("/alocity", SAMPLE_EVENTS["lock.state"]).set("X-Gate", "open").expect(200);
            });
            assert.deepStrictEqual(
                sent.map((msg) => msg.topic),
                ["lock.state"],
            );
        });
    });

    describe("duplicates and key rotation", function () {
        it("answers a repeated delivery 200 without sending it again", async function () {
            await load();
            const raw = Buffer.from(JSON.stringify(SAMPLE_EVENTS["door.state"]));
            const header = sign(SECRET, raw);
            const verdicts: unknown[] = [];
            const sent = await sentDuring(async () => {
                for (let i = 0; i < 3; i++)
                    verdicts.push((await webhookPost("/alocity", raw, { header }).expect(200)).headers["alocity-delivery"]);
            });
            assert.strictEqual(sent.length, 1);
            assert.deepStrictEqual(verdicts, ["accepted", "duplicate", "duplicate"], "the answer says which was not sent on");
            assert.ok(logged().some((entry) => entry.msg === "alocity-webhook-in.log.duplicate" && entry.level === 50));
        });

        it("accepts the previous key beside the current one; its first use is logged at info level once, and the status shows it", async function () {
            await load(webhookFlow(), credentials("new-key", "old-key"));
            const sent = await sentDuring(async () => {
                await webhookPost("/alocity", SAMPLE_EVENTS["door.state"], { secret: "old-key" }).expect(200);
                await webhookPost("/alocity", SAMPLE_EVENTS["lock.state"], { secret: "new-key" }).expect(200);
                await webhookPost("/alocity", SAMPLE_EVENTS["user.card"], { secret: "old-key" }).expect(200);
                await webhookPost("/alocity", SAMPLE_EVENTS["user.face"], { secret: SECRET }).expect(401);
            });
            assert.strictEqual(sent.length, 3);
            const previous = logged().filter((entry) => entry.msg === "alocity-webhook-in.log.previous-secret");
            assert.deepStrictEqual(
                previous.map((entry) => entry.level),
                [40],
                "once, at info level",
            );
            await eventually(() => /status\.previous-key/.test(lastStatus()?.text ?? ""), "the status to show the previous key in use");
        });

        it("does not mention the previous key while requests verify with the current one", async function () {
            await load(webhookFlow(), credentials("new-key", "old-key"));
            await sentDuring(() => webhookPost("/alocity", SAMPLE_EVENTS["door.state"], { secret: "new-key" }).expect(200));
            assert.ok(!logged().some((entry) => entry.msg === "alocity-webhook-in.log.previous-secret"));
            assert.ok(!statusesOf("in").some((status) => /previous-key/.test(status.text ?? "")));
        });

        it("never puts a secret or a signature in a log line, a status or a message", async function () {
            await load(webhookFlow(), credentials("current-secret-value", "previous-secret-value"));
            const raw = Buffer.from(JSON.stringify(SAMPLE_EVENTS["user.card"]));
            const header = sign("current-secret-value", raw);
            const sent = await sentDuring(async () => {
                await webhookPost("/alocity", raw, { header }).expect(200);
                await webhookPost("/alocity", raw, { header }).expect(200);
                await webhookPost("/alocity", raw, { secret: "wrong-secret-value" }).expect(401);
                await webhookPost("/alocity", raw, { secret: "previous-secret-value" }).expect(200);
            });
            const seen = JSON.stringify([helper.log().args, statusesOf("in"), sent]);
            for (const secret of ["current-secret-value", "previous-secret-value", "wrong-secret-value", header.split("sig:")[1]]) {
                assert.ok(!seen.includes(secret), `found ${secret}`);
            }
        });
    });

    describe("redeploys and paths", function () {
        it("holds a request that comes while flows are being deployed, and the node answers it 200 once they run", async function () {
            await load();
            const events = helper._events;
            const sent = await sentDuring(async () => {
                events.emit("flows:stopping", { type: "full" });
                const during = webhookPost("/alocity", SAMPLE_EVENTS["door.state"]).then((res) => res.status);
                await eventually(() => webhookRoutes().size.held === 1, "the request to wait for the deploy");
                events.emit("flows:started", { type: "full" });
                assert.strictEqual(await during, 200);
                await webhookPost("/alocity", SAMPLE_EVENTS["lock.state"]).expect(200);
            });
            assert.deepStrictEqual(
                sent.map((msg) => msg.topic),
                ["door.state", "lock.state"],
            );
        });

        it("stops serving a path once its node is deleted", async function () {
            await load();
            await webhookPost("/alocity", SAMPLE_EVENTS["door.state"]).expect(200);
            await deploy([{ id: "out", type: "helper" }], "full");
            await webhookPost("/alocity", SAMPLE_EVENTS["lock.state"]).expect(404);
        });

        it("moves to a new path when the node's URL changes", async function () {
            await load();
            await deploy(webhookFlow({ url: "/alocity-2" }), "nodes", credentials());
            await webhookPost("/alocity", SAMPLE_EVENTS["door.state"]).expect(404);
            await webhookPost("/alocity-2", SAMPLE_EVENTS["door.state"]).expect(200);
        });

        it("refuses a second node on a path already served, and hands the path over when the first goes", async function () {
            const flow: FlowNode[] = [
                ...webhookFlow(),
                { id: "in2", type: "alocity-webhook-in", name: "", url: "/ALOCITY/", signature: "sig", event: "", wires: [["out2"]] },
                { id: "out2", type: "helper" },
            ];
            await load(flow);
            assert.deepStrictEqual(lastStatus("in2"), { fill: "red", shape: "ring", text: "alocity-webhook-in.status.path-taken" });
            const taken = logged().filter((entry) => entry.msg === "alocity-webhook-in.log.path-taken");
            assert.deepStrictEqual(
                taken.map((entry) => entry.id),
                ["in2"],
            );

            const toSecond = await receivedWhile("in2", "out2", async () => {
                const sent = await sentDuring(() => webhookPost("/alocity", SAMPLE_EVENTS["door.state"]).expect(200));
                assert.strictEqual(sent.length, 1);
            });
            assert.deepStrictEqual(toSecond, []);

            await deploy(
                flow.filter((node) => node.id !== "in"),
                "nodes",
                credentials(),
            );
            await eventually(() => lastStatus("in2")?.fill === "green", "the second node to serve the path");
            const arrived = nextInput<Message>("out2");
            await webhookPost("/alocity", SAMPLE_EVENTS["lock.state"]).expect(200);
            assert.strictEqual((await arrived).topic, "lock.state");
        });
    });

    describe("clients that hang up", function () {
        it("emits nothing for half a body, leaks no connection, and the next request works", async function () {
            await load();
            const body = JSON.stringify(SAMPLE_EVENTS["door.state"]);
            await withServer(async (port, server) => {
                let requests = 0;
                server.on("request", () => requests++);
                const connections = () => new Promise<number>((resolve) => server.getConnections((_error, count) => resolve(count)));
                const sent = await sentDuring(async () => {
                    for (let i = 1; i <= 5; i++) {
                        let client: Socket | undefined;
                        const exchange = rawExchange(port, (socket) => {
                            client = socket;
                            socket.write(rawPost(body) + body.slice(0, 10));
                        });
                        await eventually(() => requests === i, "the server to have the request's head");
                        client?.destroy();
                        const answer = await exchange;
                        assert.strictEqual(answer.text, "", "no answer to a request that was never finished");
                    }
                    await eventually(async () => (await connections()) === 0, "no connection left open");
                    const whole = await rawExchange(port, rawPost(body, { extraHeaders: "Connection: close\r\n" }) + body);
                    assert.strictEqual(whole.status, 200, whole.text);
                });
                assert.deepStrictEqual(
                    sent.map((msg) => msg.payload),
                    [SAMPLE_EVENTS["door.state"]],
                );
            });
        });
    });
});
