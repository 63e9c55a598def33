// Real HTTP to a server of a test (a real Node-RED, a local receiver): the request helper the scripts share, typed,
// and one raw-socket exchange for what an HTTP client will not send.
import http, { type IncomingHttpHeaders, type OutgoingHttpHeaders } from "http";
import net from "net";
import { sign } from "../../src/core/webhook/signature";
import { loadModule } from "./modules";
import { DEADLINE_MS } from "./wait";

export interface HttpAnswer {
    status: number;
    headers: IncomingHttpHeaders;
    /** The body as UTF-8 text. */
    text: string;
}

interface RequestOptions {
    /** Sent as is (a string or bytes), or as JSON (anything else, with Content-Type: application/json). */
    body?: string | Buffer | object;
    headers?: OutgoingHttpHeaders;
    /** e.g. a keep-alive agent; default: Node.js's global agent. */
    agent?: http.Agent;
}

const script = loadModule<{ request: (method: string, url: string, options?: RequestOptions) => Promise<HttpAnswer> }>(
    "../../scripts/http-request",
);

/**
 * Sends one request and resolves with the whole answer; rejects when the connection fails or breaks before the
 * answer is complete (scripts/http-request.js, shared with the scripts and the benchmark).
 */
export const request = script.request;

export interface SignedPostOptions {
    /** The key to sign with. */
    secret: string;
    /** Epoch seconds to sign (default: now). */
    timestamp?: number;
    headers?: OutgoingHttpHeaders;
    agent?: http.Agent;
}

/** POSTs `body` (an object as JSON, or the exact text or bytes) signed as Alocity signs it. */
export function signedPost(
    url: string,
    body: string | Buffer | object,
    { secret, timestamp, headers, agent }: SignedPostOptions,
): Promise<HttpAnswer> {
    const raw = typeof body === "string" || Buffer.isBuffer(body) ? body : JSON.stringify(body);
    return request("POST", url, {
        body: raw,
        agent,
        headers: { "Content-Type": "application/json", "Alocity-Signature": sign(secret, raw, timestamp), ...headers },
    });
}

export interface RawExchange {
    /** Every byte the server sent, in order. */
    received: Buffer;
    /** `received` as text (latin1: one character a byte, whatever the bytes). */
    text: string;
    /** The status code of the first answer, when its status line arrived. */
    status: number | undefined;
    /** The connection was reset (ECONNRESET, EPIPE) rather than closed: bytes the server sent last may be lost. */
    reset: boolean;
    /** The socket's error, when it had one (a reset, a refused connection...). */
    error: NodeJS.ErrnoException | undefined;
}

export interface RawExchangeOptions {
    host?: string;
    /**
     * Ends the exchange (this side closes the socket) once what was received satisfies it, e.g. `answerReceived`
     * on a keep-alive connection; by default the exchange lasts until the server closes (or resets) the connection.
     */
    until?: (text: string) => boolean;
    /** A deadline, for a server that never closes: then the exchange rejects, with what was received. */
    timeoutMs?: number;
}

/** What to send: the bytes, chunks written one after the other, or a function that writes (and may close) itself. */
export type RawRequest = string | Buffer | readonly (string | Buffer)[] | ((socket: net.Socket) => void);

/** The head of an answer and as much of its body as its Content-Length says have arrived. */
export function answerReceived(text: string): boolean {
    const end = text.indexOf("\r\n\r\n");
    if (end < 0) return false;
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(text.slice(0, end));
    return text.length - (end + 4) >= (length ? Number(length[1]) : 0);
}

/**
 * Opens a TCP connection, sends `what` and resolves with everything the server answered, and whether the
 * connection ended with a reset. Resolves also when the connection could not be made (see `error`).
 */
export function rawExchange(
    port: number,
    what: RawRequest,
    { host = "127.0.0.1", until, timeoutMs = DEADLINE_MS }: RawExchangeOptions = {},
): Promise<RawExchange> {
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        let error: NodeJS.ErrnoException | undefined;
        const socket = net.connect(port, host);
        const outcome = (): RawExchange => {
            const received = Buffer.concat(chunks);
            const text = received.toString("latin1");
            const status = /^HTTP\/1\.[01] (\d{3})/.exec(text);
            const reset = error !== undefined && ["ECONNRESET", "EPIPE"].includes(error.code ?? "");
            return { received, text, status: status ? Number(status[1]) : undefined, reset, error };
        };
        const timer = setTimeout(() => {
            socket.destroy();
            reject(new Error(`no end of the exchange with ${host}:${port} after ${timeoutMs} ms; received:\n${outcome().text}`));
        }, timeoutMs);
        socket.on("data", (data: Buffer) => {
            chunks.push(data);
            if (until && until(Buffer.concat(chunks).toString("latin1"))) socket.destroy();
        });
        socket.on("error", (failure: NodeJS.ErrnoException) => {
            error = failure;
        });
        socket.on("close", () => {
            clearTimeout(timer);
            resolve(outcome());
        });
        socket.on("connect", () => {
            if (typeof what === "function") {
                what(socket);
            } else {
                for (const chunk of typeof what === "string" || Buffer.isBuffer(what) ? [what] : what) socket.write(chunk);
            }
        });
    });
}

export interface LargeBody {
    /** The body's size in bytes (spaces). */
    bytes: number;
    /** Framed chunk by chunk (Transfer-Encoding: chunked) rather than announced by Content-Length. */
    chunked: boolean;
    /**
     * Stop sending and close once a whole answer has been read, as RFC 9112 asks of a client that is answered while
     * it still sends; by default the whole body is sent, then the client waits for the server to close.
     */
    stopOnAnswer?: boolean;
}

/**
 * Sends a request of `head` (its request line and headers, without framing) with a large body, written as fast as
 * the connection takes it, and resolves with the exchange as `rawExchange` does.
 */
export function sendLargeBody(port: number, head: string, { bytes, chunked, stopOnAnswer = false }: LargeBody): Promise<RawExchange> {
    const piece = Buffer.alloc(64 * 1024, 0x20);
    const framed = chunked ? Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from("\r\n")]) : piece;
    const send = (socket: net.Socket) => {
        socket.write(`${head}${chunked ? "Transfer-Encoding: chunked" : `Content-Length: ${bytes}`}\r\n\r\n`);
        let sent = 0;
        const pump = () => {
            while (sent < bytes && !socket.destroyed) {
                const size = Math.min(piece.length, bytes - sent);
                sent += size;
                const written = size === piece.length ? socket.write(framed) : socket.write(lastPiece(size, chunked));
                if (!written) return void socket.once("drain", pump);
            }
            if (!socket.destroyed) socket.end(chunked ? "0\r\n\r\n" : "");
        };
        pump();
    };
    return rawExchange(port, send, { until: stopOnAnswer ? answerReceived : undefined, timeoutMs: 60_000 });
}

function lastPiece(size: number, chunked: boolean): Buffer {
    const piece = Buffer.alloc(size, 0x20);
    return chunked ? Buffer.concat([Buffer.from(`${size.toString(16)}\r\n`), piece, Buffer.from("\r\n")]) : piece;
}
