import type { IncomingMessage } from "http";
import { pathKey, type PathMatching } from "../../../core/webhook/paths";
import { markBodyRead, requestPathOf, rootAppOf, useFirst, type ExpressApp } from "./express-apps";
import { lingeringFor, readRequestBody, refuseBody, type Lingering, type RequestBody } from "./request-body";

/** How many bodies are read at once on one path, and how long one may take to arrive. */
export interface ReadingLimits {
    readsPerPath: number;
    timeoutMs: number;
}

export const DEFAULT_READING_LIMITS: ReadingLimits = { readsPerPath: 64, timeoutMs: 30_000 };

/** A path whose bodies are kept: how large a body may be (the serving node's choice), and how many are being read. */
interface KeptPath {
    maxBytes: () => number;
    reading: number;
}

/**
 * Keeps the raw bytes of POSTs to our paths, as core `http in` does for "Do not parse request body": with default
 * settings the editor's admin app is mounted at `/` and parses JSON before any route of `RED.httpNode` runs, and a
 * signature is checked over the bytes as sent. A middleware at the top of the root app reads the body of a POST to
 * one of the paths (within the path's limits), marks the request as parsed so that no later body parser touches the
 * stream, and calls `next()`: the answer still comes from the route, after every middleware the host put before it,
 * also when the body could not be read (too large, too slow, too many at once).
 */
export class RawBodyCapture {
    /** The full paths (from the root app) whose bodies are kept, by path key. */
    private readonly paths = new Map<string, KeptPath>();
    private readonly bodies = new WeakMap<IncomingMessage, RequestBody>();
    /** What is read and dropped of a body not read: bounded by the host's limit, so that a client may read its answer. */
    private readonly lingering: Lingering;

    /** `matching`: how the router of `httpNode` compares paths; `ceiling`: Node-RED's apiMaxLength. */
    constructor(
        httpNode: ExpressApp,
        private readonly matching: PathMatching,
        private readonly limits: ReadingLimits,
        ceiling: number,
    ) {
        this.lingering = lingeringFor(ceiling);
        useFirst(rootAppOf(httpNode), (req, _res, next) => {
            const kept = req.method === "POST" && this.paths.size > 0 ? this.paths.get(this.keyOf(requestPathOf(req))) : undefined;
            if (kept === undefined) {
                next();
                return;
            }
            markBodyRead(req);
            this.read(req, kept, (body) => {
                this.bodies.set(req, body);
                next();
            });
        });
    }

    add(fullPath: string, maxBytes: () => number): void {
        this.paths.set(this.keyOf(fullPath), { maxBytes, reading: 0 });
    }

    delete(fullPath: string): void {
        this.paths.delete(this.keyOf(fullPath));
    }

    /**
     * Hands over the body read at the top of the stack, or reads it now (within the limits of `fullPath`) when nothing
     * read it there; undefined when something consumed it first.
     */
    withBody(req: IncomingMessage, fullPath: string, done: (body: RequestBody | undefined) => void): void {
        const captured = this.bodies.get(req);
        const kept = this.paths.get(this.keyOf(fullPath));
        if (captured !== undefined) {
            done(captured);
        } else if (req.readableEnded || kept === undefined) {
            done(undefined);
        } else {
            this.read(req, kept, done);
        }
    }

    private read(req: IncomingMessage, kept: KeptPath, done: (body: RequestBody) => void): void {
        if (kept.reading >= this.limits.readsPerPath) {
            done(refuseBody(req, "busy", this.lingering));
            return;
        }
        kept.reading++;
        readRequestBody(
            req,
            { maxBytes: kept.maxBytes(), timeoutMs: this.limits.timeoutMs },
            (body) => {
                kept.reading--;
                done(body);
            },
            this.lingering,
        );
    }

    private keyOf(path: string): string {
        return pathKey(path, this.matching);
    }
}
