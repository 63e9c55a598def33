import assert from "assert";
import http, { type IncomingMessage } from "http";
import { Readable } from "stream";
import type { AddressInfo, Socket } from "net";
import { lingeringFor, readRequestBody, type Lingering, type RequestBody } from "../../../../../src/runtime/webhook/http/request-body";
import { answerReceived, rawExchange } from "../../../../support/requests";
import { eventually } from "../../../../support/wait";

const LIMIT = 1024;

const read = (req: IncomingMessage, lingering = lingeringFor(LIMIT)) =>
    new Promise<RequestBody>((done) => readRequestBody(req, { maxBytes: LIMIT, timeoutMs: 60_000 }, done, lingering));

/** A server that reads each body with readRequestBody and answers what it read (or 413 / 400). */
async function bodyServer(
    lingering: Lingering,
): Promise<{ port: number; started: () => number; reads: RequestBody[]; close(): Promise<void> }> {
    const reads: RequestBody[] = [];
    let started = 0;
    const answer = async (req: http.IncomingMessage, res: http.ServerResponse) => {
        started++;
        const body = await read(req, lingering);
        reads.push(body);
        if (body.read) res.end(body.bytes);
        else if (body.problem !== "aborted") res.writeHead(body.problem === "too-large" ? 413 : 400, { "Content-Length": 0 }).end();
    };
    const server = http.createServer((req, res) => void answer(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return {
        port: (server.address() as AddressInfo).port,
        started: () => started,
        reads,
        close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
}

const head = (lines: string) => `POST / HTTP/1.1\r\nHost: x\r\n${lines}\r\n\r\n`;

describe("reading a request's body", function () {
    it("reads the bytes as sent, up to the limit", async function () {
        const server = await bodyServer({ ms: 10_000, bytes: 10_000 });
        try {
            const bytes = Buffer.from('\uFEFF{"a":"Öffen"}\r\n');
            const answer = await rawExchange(server.port, [head(`Content-Length: ${bytes.length}`), bytes], { until: answerReceived });
            assert.ok(answer.received.subarray(answer.received.length - bytes.length).equals(bytes));
            assert.deepStrictEqual(server.reads, [{ read: true, bytes }]);
        } finally {
            await server.close();
        }
    });

    it("after a body too large, drops what the client sends for a bounded time, then closes", async function () {
        const server = await bodyServer({ ms: 200, bytes: 1_000_000 });
        try {
            // The client declares more than the limit, sends a little, then neither sends more nor closes.
            const answer = await rawExchange(server.port, [head(`Content-Length: ${LIMIT * 10}`), "x".repeat(100)]);
            assert.strictEqual(answer.status, 413, answer.text);
            assert.deepStrictEqual(server.reads, [{ read: false, problem: "too-large" }]);
        } finally {
            await server.close();
        }
    });

    it("says 'aborted' when the client hangs up in the middle of the body", async function () {
        const server = await bodyServer({ ms: 10_000, bytes: 10_000 });
        try {
            let client: Socket | undefined;
            const halfSent = rawExchange(server.port, (socket) => {
                client = socket;
                socket.write(head("Content-Length: 10") + "abc");
            });
            await eventually(() => server.started() === 1, "the server to start reading the request");
            client?.destroy();
            const answer = await halfSent;
            await eventually(() => server.reads.length === 1, "the read to end");
            assert.deepStrictEqual(server.reads, [{ read: false, problem: "aborted" }]);
            assert.strictEqual(answer.text, "", "nothing is answered to a client that is gone");
        } finally {
            await server.close();
        }
    });

    it("says 'unreadable' for a stream that ends short of its Content-Length", async function () {
        const stream = Object.assign(Readable.from([Buffer.from("abc")]), {
            headers: { "content-length": "10" },
            socket: { destroyed: false },
        });
        assert.deepStrictEqual(await read(stream as unknown as IncomingMessage), { read: false, problem: "unreadable" });
    });
});
