// The raw bytes of a webhook's body, read at the top of the host's stack within the path's limits (maxBytes, reads at
// once, time to arrive), and answered from the route: over real sockets, on express apps laid out as Node-RED's.
import assert from "assert";
import type { Socket } from "net";
import { answerReceived, rawExchange, sendLargeBody } from "../../../../support/requests";
import { gate, listen, nodeRedApps, owner, postJson, serving, type Listening } from "../../../../support/express-apps";
import { eventually } from "../../../../support/wait";

/** The path's maxBytes, and Node-RED's apiMaxLength (what is read and dropped after a refusal is bounded by twice it). */
const LIMIT = 64 * 1024;
const CEILING = 256 * 1024;
const head = (lines: string, target = "/alocity") => `POST ${target} HTTP/1.1\r\nHost: x\r\n${lines}\r\n\r\n`;
const chunked = (bytes: Buffer) => Buffer.concat([Buffer.from(`${bytes.length.toString(16)}\r\n`), bytes, Buffer.from("\r\n")]);
/** The status line of every answer received. */
const statuses = (text: string) => [...text.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((match) => Number(match[1]));

describe("raw body capture", function () {
    describe("matches paths as express routes them", function () {
        let listening: Listening;
        let adminSeen: string[];

        before(async function () {
            const apps = serving();
            adminSeen = apps.adminSeen;
            listening = await listen(apps.root);
        });
        after(() => listening.close());

        for (const [what, target] of [
            ["a request line in absolute form", "http://127.0.0.1/alocity"],
            ["a fragment", "/alocity#front-door"],
            ["a query", "/alocity?source=alocity"],
        ]) {
            it(`keeps the raw body of a request with ${what}, past the editor's JSON parser`, async function () {
                const body = '{ "doorState" : "Open" }';
                const answer = await rawExchange(
                    listening.port,
                    head(`Content-Type: application/json\r\nContent-Length: ${body.length}`, target) + body,
                    {
                        until: answerReceived,
                    },
                );
                assert.strictEqual(answer.status, 200, answer.text);
                assert.ok(answer.text.endsWith(`a:${body}`), answer.text);
                assert.ok(adminSeen.length > 0, "the admin app's middleware saw it");
            });
        }
    });

    describe("answers that must reach a client still sending", function () {
        let listening: Listening;
        let port: number;

        before(async function () {
            listening = await listen(serving({ settings: { apiMaxLength: `${CEILING / 1024}kb` } }, "a", LIMIT).root);
            port = listening.port;
        });
        after(() => listening.close());

        it("answers 413 to a Content-Length over the path's maxBytes, whether or not the client sends the body", async function () {
            const headersOnly = await rawExchange(port, head(`Content-Length: ${LIMIT + 1}`), { until: answerReceived });
            assert.strictEqual(headersOnly.status, 413, headersOnly.text);
            const whole = await rawExchange(port, [head(`Content-Length: ${4 * LIMIT}`), Buffer.alloc(4 * LIMIT, 0x20)], {
                until: answerReceived,
            });
            assert.deepStrictEqual([whole.status, whole.reset], [413, false], whole.text);
        });

        it("answers 413 to a chunked body once it passes the path's maxBytes, and the client reads it after sending on", async function () {
            const chunk = chunked(Buffer.alloc(16 * 1024, 0x20));
            const body = [...Array.from({ length: 8 }, () => chunk), "0\r\n\r\n"];
            const answer = await rawExchange(port, [head("Transfer-Encoding: chunked"), ...body], { until: answerReceived });
            assert.deepStrictEqual([answer.status, answer.reset], [413, false], answer.text);
        });

        it("answers 413 to a client that asked to close, and reads it after sending 6 MB on (apiMaxLength 5 MB)", async function () {
            // Node.js destroys a connection the client asked to close as soon as the answer ends: it must not end before
            // the rest of the body has been read and dropped, or the kernel resets the connection under the client.
            const large = await listen(serving({}, "a", LIMIT).root);
            try {
                for (const chunkedBody of [false, true]) {
                    const answer = await sendLargeBody(large.port, "POST /alocity HTTP/1.1\r\nHost: x\r\nConnection: close\r\n", {
                        bytes: 6 * 1024 * 1024,
                        chunked: chunkedBody,
                    });
                    assert.deepStrictEqual([statuses(answer.text), answer.error?.code], [[413], undefined], answer.text);
                }
            } finally {
                await large.close();
            }
        });

        it("keeps the connection usable after a 413 whose body the client sent whole", async function () {
            const tooLarge = [head(`Content-Length: ${LIMIT + 10}`), Buffer.alloc(LIMIT + 10, 0x20)];
            const next = head("Content-Length: 2") + "{}";
            const twoAnswers = (text: string) =>
                (text.match(/HTTP\/1\.1 /g) ?? []).length === 2 && answerReceived(text.slice(text.lastIndexOf("HTTP/1.1 ")));
            const answer = await rawExchange(port, [...tooLarge, next], { until: twoAnswers });
            assert.match(answer.text, /^HTTP\/1\.1 413 [\s\S]*HTTP\/1\.1 200 [\s\S]*a:\{\}$/);
        });

        it("cuts off a client that never stops sending, once it has sent twice apiMaxLength more", async function () {
            const chunk = chunked(Buffer.alloc(16 * 1024, 0x20));
            let written = 0;
            await rawExchange(port, (socket) => {
                socket.write(head("Transfer-Encoding: chunked"));
                const pump = () => {
                    while (!socket.destroyed && socket.write(chunk)) written += chunk.length;
                    if (!socket.destroyed) socket.once("drain", pump);
                };
                pump();
            });
            // The exchange ended: the server closed the connection on a client that would have sent forever.
            assert.ok(written >= 2 * CEILING, `the client wrote ${written} bytes before it was cut off`);
        });
    });

    describe("bounds what it reads before anyone is verified", function () {
        it("reads at most the path's maxBytes: its node's choice", async function () {
            const apps = serving({}, "a", 1024);
            assert.strictEqual((await postJson(apps.root, "/alocity", "x".repeat(1024))).status, 200);
            assert.strictEqual((await postJson(apps.root, "/alocity", "x".repeat(1025))).status, 413);
        });

        it("answers a body it will not read from the route, after the host's gates", async function () {
            const apps = serving({ beforeMounts: (root) => root.use(gate) }, "a", 1024);
            assert.strictEqual((await postJson(apps.root, "/alocity", "x".repeat(2048))).status, 403);
            assert.strictEqual((await postJson(apps.root, "/alocity", "x".repeat(2048)).set("Authorization", "let me in")).status, 413);
        });

        it("reads a limited number of bodies at once on a path: beyond, 503 with Retry-After, read by a client still sending", async function () {
            const apps = nodeRedApps({ readingLimits: { readsPerPath: 2, timeoutMs: 60_000 } });
            apps.routes.claim("/alocity", owner("a"));
            apps.events.emit("flows:started");
            const listening = await listen(apps.root);
            let requests = 0;
            listening.server.on("request", () => requests++);
            try {
                const slow: Socket[] = [];
                const slowAnswers = [0, 1].map(() =>
                    rawExchange(
                        listening.port,
                        (socket) => {
                            slow.push(socket);
                            socket.write(head("Content-Length: 4") + "ab");
                        },
                        { until: answerReceived },
                    ),
                );
                // Both are being read (the capture starts reading as the request arrives).
                await eventually(() => requests === 2, "two bodies being read");
                // A client that asked to close, and sends 6 MB on: Node.js must not close before the rest is dropped.
                const refused = await sendLargeBody(listening.port, "POST /alocity HTTP/1.1\r\nHost: x\r\nConnection: close\r\n", {
                    bytes: 6 * 1024 * 1024,
                    chunked: false,
                });
                assert.deepStrictEqual([refused.status, refused.error?.code], [503, undefined], refused.text);
                assert.match(refused.text, /\r\nretry-after: \d+\r\n/i);
                for (const socket of slow) socket.write("cd");
                const answers = await Promise.all(slowAnswers);
                assert.deepStrictEqual(
                    answers.map((answer) => answer.text.slice(answer.text.lastIndexOf("\r\n") + 2)),
                    ["a:abcd", "a:abcd"],
                );
                assert.strictEqual((await postJson(apps.root, "/alocity", "e")).text, "a:e", "the slots are free again");
            } finally {
                await listening.close();
            }
        });

        it("answers 408 to a body that has not fully arrived in time, and closes the connection; the client reads it", async function () {
            const apps = nodeRedApps({ readingLimits: { readsPerPath: 1, timeoutMs: 200 } });
            apps.routes.claim("/alocity", owner("a"));
            apps.events.emit("flows:started");
            const listening = await listen(apps.root);
            try {
                let trickle: NodeJS.Timeout | undefined;
                const answer = await rawExchange(listening.port, (socket) => {
                    socket.write(head("Content-Length: 1000") + "{");
                    // A byte now and then, never the whole body: the server must end the exchange.
                    trickle = setInterval(() => socket.writable && socket.write(" "), 20);
                    socket.on("close", () => clearInterval(trickle));
                });
                clearInterval(trickle);
                assert.deepStrictEqual([statuses(answer.text), answer.reset], [[408], false], answer.text);
                assert.strictEqual((await postJson(apps.root, "/alocity", "f")).text, "a:f", "the path reads again");
            } finally {
                await listening.close();
            }
        });

        it("answers 408 to a client that asked to close, which reads it and then sends the rest of its body (5 MB)", async function () {
            const apps = nodeRedApps({ readingLimits: { readsPerPath: 1, timeoutMs: 200 } });
            apps.routes.claim("/alocity", owner("a", undefined, 5 * 1024 * 1024));
            apps.events.emit("flows:started");
            const listening = await listen(apps.root);
            const rest = Buffer.alloc(5 * 1024 * 1024 - 1, 0x20);
            try {
                const answer = await rawExchange(listening.port, (socket) => {
                    socket.write(head(`Content-Length: ${rest.length + 1}\r\nConnection: close`) + "{");
                    // Late: the rest arrives once the answer has, as from a client slowed down rather than stopped.
                    socket.once("data", () => socket.end(rest));
                });
                assert.deepStrictEqual([statuses(answer.text), answer.error?.code], [[408], undefined], answer.text);
            } finally {
                await listening.close();
            }
        });
    });
});
