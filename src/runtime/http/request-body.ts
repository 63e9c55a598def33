import type { IncomingMessage } from "http";
import getRawBody from "raw-body";

/** A request's body as read: its bytes, or why it could not be read. */
export type RequestBody =
    | { read: true; bytes: Buffer }
    | { read: false; problem: "too-large" | "unreadable" | "aborted" };

/**
 * How long, and how much, is read and dropped of what a client still sends after its body could not be read (413,
 * 400). Closing on unread data makes the kernel reset the connection, and a client still sending never reads the
 * answer; reading on lets it. A client that sends on past either bound is cut off.
 */
export interface Lingering {
    ms: number;
    bytes: number;
}

export function lingeringFor(limitBytes: number): Lingering {
    return { ms: 10_000, bytes: 2 * limitBytes };
}

/**
 * Reads a request's body, at most `limitBytes`, and hands it to `done`. When it cannot be read, what the client still
 * sends is read and dropped (see Lingering) whoever answers, so that the answer reaches the client.
 */
export function readRequestBody(req: IncomingMessage, limitBytes: number, done: (body: RequestBody) => void, lingering = lingeringFor(limitBytes)): void {
    getRawBody(req, { length: req.headers["content-length"], limit: limitBytes }, (error, bytes) => {
        if (!error) {
            done({ read: true, bytes });
        } else if ((error as { type?: string }).type === "request.aborted" || req.socket.destroyed) {
            done({ read: false, problem: "aborted" });
        } else {
            dropTheRest(req, lingering);
            done({ read: false, problem: (error as { type?: string }).type === "entity.too.large" ? "too-large" : "unreadable" });
        }
    });
}

function dropTheRest(req: IncomingMessage, lingering: Lingering): void {
    let dropped = 0;
    const cutOff = () => req.socket.destroy();
    const timer = setTimeout(cutOff, lingering.ms);
    timer.unref();
    const onData = (chunk: Buffer) => {
        dropped += chunk.length;
        if (dropped > lingering.bytes) {
            cutOff();
        }
    };
    const stop = () => {
        clearTimeout(timer);
        req.off("data", onData);
    };
    req.on("data", onData);
    req.once("end", stop);
    req.once("close", stop);
    req.resume();
}
