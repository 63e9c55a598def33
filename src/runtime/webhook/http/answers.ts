import type { ServerResponse } from "http";
import { RECEIVER_HEADER, RECEIVER_NAME } from "../../../core/webhook/check-delivery";
import type { BodyProblem } from "./request-body";

/** What a webhook answers its sender. */
export interface HttpAnswer {
    status: number;
    body: string;
    headers?: Record<string, string>;
    /** Close the connection once the answer is sent (what the client still sends is read and dropped meanwhile). */
    close?: boolean;
}

/** A 503 saying why, and when to try again. */
function retryShortly(why: string): HttpAnswer {
    return { status: 503, body: `Service Unavailable: ${why}, retry shortly`, headers: { "Retry-After": "2" } };
}

/** The answers the webhook routes give themselves, before a node decides. */
export const ROUTE_ANSWERS = {
    methodNotAllowed: { status: 405, body: "Method Not Allowed", headers: { Allow: "POST" } },
    deploying: retryShortly("flows are being deployed"),
    tooLarge: { status: 413, body: "Payload Too Large" },
    unreadable: { status: 400, body: "Bad Request: the body could not be read" },
    timeout: { status: 408, body: "Request Timeout: the body did not arrive in time", close: true },
    busy: retryShortly("too many requests to this path at once"),
    stopped: { status: 503, body: "Service Unavailable: the flows are stopped in Node-RED", headers: { "Retry-After": "60" } },
    internalError: { status: 500, body: "Internal Server Error" },
    notFound: { status: 404, body: "Not Found" },
} satisfies Record<string, HttpAnswer>;

/** The answer to a body that could not be read (an aborted one gets none). */
export const BODY_ANSWERS: Record<Exclude<BodyProblem, "aborted">, HttpAnswer> = {
    "too-large": ROUTE_ANSWERS.tooLarge,
    unreadable: ROUTE_ANSWERS.unreadable,
    timeout: ROUTE_ANSWERS.timeout,
    busy: ROUTE_ANSWERS.busy,
};

/**
 * Sends an answer with plain Node.js calls (cheaper than express's `res.send`), unless one was sent already; every
 * answer names its sender (Alocity-Receiver), so a client tells it from that of a server in front.
 */
export function respond(res: ServerResponse, answer: HttpAnswer): void {
    if (!writeHead(res, answer)) {
        return;
    }
    if (answer.close) {
        // Not "Connection: close", on which Node.js destroys the socket at once and resets a client still sending:
        // the answer is followed by an end of the connection, and the rest of the body is still read and dropped.
        const socket = res.socket;
        res.once("finish", () => socket?.end());
    }
    res.end(answer.body);
}

/**
 * Answers a request whose body was not read while its rest is read and dropped (request-body.ts). When the client
 * asked to close the connection, Node.js destroys it as soon as the answer ends, and the kernel then resets it under
 * a client still sending, which loses the answer: so the answer is written at once, but ended only once the request
 * has (a client that sends on past the lingering bounds is cut off there).
 */
export function respondUnread(res: ServerResponse, answer: HttpAnswer): void {
    if (res.shouldKeepAlive || res.req.complete) {
        respond(res, answer);
    } else if (writeHead(res, answer)) {
        res.write(answer.body);
        res.req.once("end", () => res.end());
    }
}

/** Writes an answer's head, unless one was sent already: whether it did. */
function writeHead(res: ServerResponse, answer: HttpAnswer): boolean {
    if (res.headersSent || res.writableEnded || res.destroyed) {
        return false;
    }
    res.writeHead(answer.status, {
        ...answer.headers,
        [RECEIVER_HEADER]: RECEIVER_NAME,
        "Content-Type": "text/plain; charset=utf-8",
        "Content-Length": Buffer.byteLength(answer.body),
    });
    return true;
}
