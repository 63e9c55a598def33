// A local HTTP server that stands in for a webhook receiver: it records what arrives and answers as a test says.
import http, { type IncomingHttpHeaders } from "http";
import type { AddressInfo } from "net";

interface ReceivedRequest {
    method: string | undefined;
    url: string | undefined;
    headers: IncomingHttpHeaders;
    body: Buffer;
}

interface ReceiverAnswer {
    status: number;
    body: string;
    headers?: Record<string, string>;
}

export interface Receiver {
    server: http.Server;
    /** Its webhook URL: http://127.0.0.1:<port>/alocity. */
    url: string;
    requests: ReceivedRequest[];
    /** What it answers: the same to every request, or by the request's index (0 for the first). */
    answer: ReceiverAnswer | ((index: number) => ReceiverAnswer);
}

/** A receiver on a port of its own (port 0) that records requests and answers with `answer` (200 "accepted"). */
export async function startReceiver(): Promise<Receiver> {
    const requests: ReceivedRequest[] = [];
    const server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (chunk: Buffer) => chunks.push(chunk));
        req.on("end", () => {
            const index = requests.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks) }) - 1;
            const { status, body, headers } = typeof receiver.answer === "function" ? receiver.answer(index) : receiver.answer;
            res.writeHead(status, { "Content-Type": "text/plain", ...headers });
            res.end(body);
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const receiver: Receiver = {
        server,
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/alocity`,
        requests,
        answer: { status: 200, body: "accepted" },
    };
    return receiver;
}

export function stopReceiver(receiver: Receiver): Promise<void> {
    return new Promise((resolve) => receiver.server.close(() => resolve()));
}

/** A port nothing listens on (it was free a moment ago, and nothing of ours takes it). */
export async function closedPort(): Promise<number> {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    return port;
}
