/**
 * POSTing a signed body to a webhook URL, for `send` and `simulate`: the answer, or why there was none, and what to
 * tell the user about an answer that is not a success.
 */
import * as http from "http";
import type { IncomingHttpHeaders } from "http";
import * as https from "https";
import { DELIVERY_HEADER } from "../core/webhook/receiver";
import { ConnectionError } from "./command-line";

const REQUEST_TIMEOUT_MS = 30000;

export const HINTS: Record<number, string> = {
    400: "the receiver verified the signature but refused the body (see its log)",
    401: "the receiver refused the signature: check that the secret is the one set in its alocity-signature node, and the clocks (its log says which)",
    404: "nothing receives webhooks at this URL: check the path (and httpNodeRoot), and that the flow is deployed",
    500: "the receiver failed: if it is alocity-webhook-in, check that its alocity-signature node has a secret (see its log)",
    503: "the receiver is busy (too many requests at once, or a deploy that took over 10 s) or its flows are stopped: its log says which",
};

export interface Answer {
    status: number;
    statusText: string;
    body: string;
    /** What alocity-webhook-in says became of the delivery (its Alocity-Delivery header), when it says. */
    delivery: string | undefined;
    headers: IncomingHttpHeaders;
}

export function post(url: URL, body: Buffer, headers: Record<string, string>): Promise<Answer> {
    return exchange(url, body, headers).catch((error: NodeJS.ErrnoException) => Promise.reject(connectionError(url, error)));
}

/** POSTs the body, following no redirect; rejects with the transport's own error (code TIMEOUT when no answer came). */
export function exchange(url: URL, body: Buffer, headers: Record<string, string>, timeoutMs = REQUEST_TIMEOUT_MS): Promise<Answer> {
    const transport = url.protocol === "https:" ? https : http;
    return new Promise((resolve, reject) => {
        const request = transport.request(url, { method: "POST", headers }, (response) => {
            const chunks: Buffer[] = [];
            response.on("data", (chunk: Buffer) => chunks.push(chunk));
            response.on("error", reject);
            response.on("end", () =>
                resolve({
                    status: response.statusCode ?? 0,
                    statusText: response.statusMessage ?? "",
                    body: Buffer.concat(chunks).toString("utf8"),
                    delivery: [response.headers[DELIVERY_HEADER.toLowerCase()]].flat()[0],
                    headers: response.headers,
                }),
            );
        });
        request.setTimeout(timeoutMs, () => {
            request.destroy(Object.assign(new Error("timeout"), { code: "TIMEOUT" }));
        });
        request.on("error", reject);
        request.end(body);
    });
}

function connectionError(url: URL, error: NodeJS.ErrnoException): ConnectionError {
    const where = url.host;
    switch (error.code) {
        case "ECONNREFUSED":
            return new ConnectionError(
                `cannot connect to ${where}: connection refused. Is the receiver (Node-RED) running, and are the host and port right?`,
            );
        case "ENOTFOUND":
        case "EAI_AGAIN":
            return new ConnectionError(`cannot find the host ${url.hostname}: check the URL`);
        case "ECONNRESET":
        case "EPIPE":
            return new ConnectionError(`${where} closed the connection before answering`);
        case "TIMEOUT":
            return new ConnectionError(`${where} did not answer within ${REQUEST_TIMEOUT_MS / 1000} s`);
        default:
            return new ConnectionError(`cannot send to ${url.href}: ${error.message}`);
    }
}
