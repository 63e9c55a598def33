import type { IncomingMessage } from "http";
import { pathKey, type PathMatching } from "../../core/webhook-path";
import { markBodyRead, rootAppOf, useFirst, type ExpressApp } from "./express-apps";
import { readRequestBody, type RequestBody } from "./request-body";

/**
 * Keeps the raw bytes of POSTs to our paths, as core `http in` does for "Do not parse request body": with default
 * settings the editor's admin app is mounted at `/` and parses JSON before any route of `RED.httpNode` runs, and a
 * signature is checked over the bytes as sent. A middleware at the top of the root app reads the body of a POST to
 * one of the paths (at most the limit), marks the request as parsed so that no later body parser touches the
 * stream, and calls `next()`: the answer still comes from the route, after every middleware the host put before it.
 */
export class RawBodyCapture {
    /** The full paths (from the root app) whose bodies are kept, as path keys. */
    private readonly paths = new Set<string>();
    private readonly bodies = new WeakMap<IncomingMessage, RequestBody>();

    /** `matching`: how the router of `httpNode` compares paths. */
    constructor(
        httpNode: ExpressApp,
        private readonly matching: PathMatching,
        private readonly limitBytes: number,
    ) {
        useFirst(rootAppOf(httpNode), (req, _res, next) => {
            if (req.method === "POST" && this.paths.size > 0 && this.paths.has(this.keyOf(fullPathOf(req)))) {
                markBodyRead(req);
                readRequestBody(req, this.limitBytes, (body) => {
                    this.bodies.set(req, body);
                    next();
                });
                return;
            }
            next();
        });
    }

    add(fullPath: string): void {
        this.paths.add(this.keyOf(fullPath));
    }

    delete(fullPath: string): void {
        this.paths.delete(this.keyOf(fullPath));
    }

    /**
     * Hands over the body read at the top of the stack, or reads it now when nothing read it there; undefined when
     * something consumed it first.
     */
    withBody(req: IncomingMessage, done: (body: RequestBody | undefined) => void): void {
        const captured = this.bodies.get(req);
        if (captured !== undefined) {
            done(captured);
        } else if (req.readableEnded) {
            done(undefined);
        } else {
            readRequestBody(req, this.limitBytes, done);
        }
    }

    private keyOf(path: string): string {
        return pathKey(path, this.matching);
    }
}

/** The request's path, before express has dressed the request (no req.path at the top of the stack). */
function fullPathOf(req: IncomingMessage): string {
    const url = req.url ?? "/";
    const query = url.indexOf("?");
    return query < 0 ? url : url.slice(0, query);
}
