import type { IncomingMessage } from "http";
import type { Socket } from "net";

/**
 * Why a body was not read: over the limit (413), short of its Content-Length (400), the client hung up, not fully
 * arrived in time (408), or too many bodies being read on the path already (503).
 */
export type BodyProblem = "too-large" | "unreadable" | "aborted" | "timeout" | "busy";

/** A request's body as read: its bytes, or why it could not be read. */
export type RequestBody = { read: true; bytes: Buffer } | { read: false; problem: BodyProblem };

/** What bounds the reading of one body. */
export interface BodyLimits {
    maxBytes: number;
    /** From the start of reading until the last byte. */
    timeoutMs: number;
}

/**
 * How long, and how much, is read and dropped of what a client still sends after its body could not be read (413,
 * 400, 408, 503). Closing on unread data makes the kernel reset the connection, and a client still sending never
 * reads the answer; reading on, and closing only once the body has ended (answers.ts, respondUnread), lets it. A
 * client that sends on past either bound is cut off: its connection is reset.
 */
export interface Lingering {
    ms: number;
    bytes: number;
}

/** `ceiling`: the most any body may be (Node-RED's apiMaxLength), whatever a path's own limit. */
export function lingeringFor(ceiling: number): Lingering {
    return { ms: 10_000, bytes: 2 * ceiling };
}

/**
 * Reads a request's body within its limits and hands it to `done`. When it cannot be read, what the client still
 * sends is read and dropped (see Lingering) whoever answers, so that the answer reaches the client.
 */
export function readRequestBody(req: IncomingMessage, limits: BodyLimits, done: (body: RequestBody) => void, lingering: Lingering): void {
    const declared = req.headers["content-length"] === undefined ? undefined : Number(req.headers["content-length"]);
    if (declared !== undefined && declared > limits.maxBytes) {
        done(refuseBody(req, "too-large", lingering));
        return;
    }
    const chunks: Buffer[] = [];
    let received = 0;
    const finish = (body: RequestBody) => {
        clearTimeout(timer);
        req.off("data", onData);
        req.off("end", onEnd);
        req.off("close", onClose);
        req.off("error", onClose);
        if (!body.read && body.problem !== "aborted") {
            dropTheRest(req, lingering);
        }
        done(body);
    };
    const onData = (chunk: Buffer) => {
        received += chunk.length;
        if (received > limits.maxBytes) {
            finish({ read: false, problem: "too-large" });
        } else {
            chunks.push(chunk);
        }
    };
    const onEnd = () => {
        finish(
            declared === undefined || declared === received
                ? { read: true, bytes: Buffer.concat(chunks, received) }
                : { read: false, problem: "unreadable" },
        );
    };
    const onClose = () => finish({ read: false, problem: "aborted" });
    const timer = setTimeout(() => finish({ read: false, problem: "timeout" }), limits.timeoutMs);
    req.on("data", onData);
    req.once("end", onEnd);
    req.once("close", onClose);
    req.once("error", onClose);
}

/** A body not read at all (too large from its Content-Length, or too many being read): the rest is dropped. */
export function refuseBody(req: IncomingMessage, problem: "too-large" | "busy", lingering: Lingering): RequestBody {
    dropTheRest(req, lingering);
    return { read: false, problem };
}

function dropTheRest(req: IncomingMessage, lingering: Lingering): void {
    let dropped = 0;
    const stop = () => {
        clearTimeout(timer);
        req.off("data", onData);
    };
    const cutOff = () => {
        stop();
        closeAfterWhatIsWritten(req.socket);
    };
    const timer = setTimeout(cutOff, lingering.ms);
    timer.unref();
    const onData = (chunk: Buffer) => {
        dropped += chunk.length;
        if (dropped > lingering.bytes) {
            cutOff();
        }
    };
    req.on("data", onData);
    req.once("end", stop);
    req.once("close", stop);
    req.resume();
}

/** Closes a connection once what was written to it (an answer not yet ended) has gone out: not lost to a reset. */
function closeAfterWhatIsWritten(socket: Socket): void {
    if (socket.writable) {
        socket.once("finish", () => socket.destroy());
        socket.end();
    } else {
        socket.destroy();
    }
}
