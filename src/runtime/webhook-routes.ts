import type { EventEmitter } from "events";
import type { IncomingHttpHeaders } from "http";
import getRawBody from "raw-body";
import { ReplayGuard } from "../core/replay-guard";
import { FlowLifecycle, type Hooks } from "./flow-lifecycle";

/** What an owner of a path answers the sender. */
export interface HttpAnswer {
    status: number;
    body: string;
    headers?: Record<string, string>;
}

export interface IncomingWebhook {
    rawBody: Buffer;
    headers: IncomingHttpHeaders;
    /** Epoch milliseconds. */
    receivedAt: number;
    /** Remembers deliveries on this path across redeploys. */
    replayGuard: ReplayGuard;
}

/** The node side of a path: decides each request, and hears whether it serves the path. */
export interface PathOwner {
    /** Decides a request; any message it sends must be sent before it returns. */
    handle(request: IncomingWebhook): HttpAnswer;
    serving(path: string): void;
    waiting(path: string): void;
}

export interface PathClaim {
    /** The path as served, relative to httpNodeRoot. */
    readonly path: string;
    release(): void;
}

/** The parts of Node-RED's node API this module uses. */
export interface RoutesHost {
    httpNode: any;
    events: EventEmitter;
    hooks?: Hooks;
    settings: {
        httpNodeRoot?: string | false;
        httpAdminRoot?: string | false;
        httpNodeMiddleware?: unknown;
        httpNodeAuth?: unknown;
        httpAdminAuth?: unknown;
        httpAdminMiddleware?: unknown;
        requireHttps?: unknown;
        apiMaxLength?: string | number;
    };
    log: { error(message: unknown): void };
    _(key: string, substitutions?: Record<string, unknown>): string;
}

/** Literal paths only: no route parameters or patterns (express reads : * ? + ( ) as such), so one path is one endpoint. */
const VALID_PATH = /^(\/[A-Za-z0-9._~%@-]*)+$/;
const RETRY_AFTER_SECONDS = "2";

export class InvalidPathError extends Error {}

export function normalisePath(url: string): string {
    let path = (url ?? "").trim();
    if (!path.startsWith("/")) {
        path = "/" + path;
    }
    path = path.replace(/\/{2,}/g, "/");
    if (path.length > 1 && path.endsWith("/")) {
        path = path.slice(0, -1);
    }
    if (path === "/" || !VALID_PATH.test(path)) {
        throw new InvalidPathError(path);
    }
    return path;
}

/** Express matches paths case-insensitively and ignores a trailing slash: so do path keys. */
function pathKey(path: string): string {
    return path.replace(/\/{2,}/g, "/").replace(/(.)\/$/, "$1").toLowerCase();
}

function plain(status: number, body: string, headers?: Record<string, string>): HttpAnswer {
    return { status, body, headers };
}

interface Endpoint {
    path: string;
    key: string;
    rawBodyKey: string;
    claimants: PathOwner[];
    replayGuard: ReplayGuard;
    routeHandler: (req: any, res: any, next: () => void) => void;
}

/**
 * The one place that owns this package's HTTP routes on `RED.httpNode`. It lives at module level, per express app,
 * so that a path's route, its memory of deliveries and its single owner survive redeploys.
 */
export class WebhookRoutes {
    private readonly endpoints = new Map<string, Endpoint>();
    private readonly frontDoors: Map<string, FrontDoor>;
    /** Per path: whether its POSTs may be answered at the front, and for which state of the apps' middleware. */
    private readonly shortcuts = new Map<string, { checkedFor: string; allowed: boolean }>();
    private readonly limit: string | number;
    private readonly middleware: unknown[];
    private stopListening: (() => void) | undefined;

    constructor(
        private readonly host: RoutesHost,
        private readonly lifecycle: FlowLifecycle,
    ) {
        this.frontDoors = frontDoorsOf(host.httpNode);
        this.limit = host.settings.apiMaxLength || "5mb";
        const configured = host.settings.httpNodeMiddleware;
        this.middleware =
            typeof configured === "function" ? [configured] : Array.isArray(configured) ? configured.flat() : [];
    }

    /** Claims a path for an owner: it serves the path now, or as soon as the nodes before it let go. */
    claim(url: string, owner: PathOwner): PathClaim {
        const path = normalisePath(url);
        const key = pathKey(path);
        let endpoint = this.endpoints.get(key);
        if (endpoint === undefined) {
            endpoint = this.addEndpoint(path, key);
        }
        endpoint.claimants.push(owner);
        if (endpoint.claimants[0] === owner) {
            owner.serving(path);
        } else {
            owner.waiting(path);
        }
        const claimed = endpoint;
        return { path, release: () => this.release(claimed, owner) };
    }

    /** Sends a request through a path's owner as if it had come over HTTP (the editor's test action). */
    deliver(url: string, rawBody: Buffer, headers: IncomingHttpHeaders): HttpAnswer {
        const endpoint = this.endpoints.get(pathKey(normalisePath(url)));
        if (endpoint === undefined) {
            return plain(404, "Not Found");
        }
        return this.dispatch(endpoint, rawBody, headers, Date.now());
    }

    private addEndpoint(path: string, key: string): Endpoint {
        const endpoint: Endpoint = {
            path,
            key,
            rawBodyKey: pathKey(mountPathOf(this.host.httpNode) + path),
            claimants: [],
            replayGuard: new ReplayGuard(),
            routeHandler: (req, res) => this.onRequest(endpoint, req, res),
        };
        this.endpoints.set(key, endpoint);
        this.frontDoors.set(endpoint.rawBodyKey, (req, res) => {
            if (!this.shortcutAllowed(endpoint)) {
                return false;
            }
            this.onRequest(endpoint, req, res);
            return true;
        });
        this.host.httpNode.all(path, ...this.middleware, endpoint.routeHandler);
        if (this.stopListening === undefined) {
            this.stopListening = this.lifecycle.onStarted(() => {
                this.shortcuts.clear();
                this.removeUnclaimed();
            });
        }
        return endpoint;
    }

    private release(endpoint: Endpoint, owner: PathOwner): void {
        const index = endpoint.claimants.indexOf(owner);
        if (index < 0) {
            return;
        }
        endpoint.claimants.splice(index, 1);
        if (index === 0 && endpoint.claimants.length > 0) {
            endpoint.claimants[0].serving(endpoint.path);
        }
        if (endpoint.claimants.length === 0 && this.lifecycle.running) {
            this.removeEndpoint(endpoint);
        }
    }

    /** After a deploy: paths no node claims any more stop answering (404 from then on). */
    private removeUnclaimed(): void {
        for (const endpoint of [...this.endpoints.values()]) {
            if (endpoint.claimants.length === 0) {
                this.removeEndpoint(endpoint);
            }
        }
    }

    private removeEndpoint(endpoint: Endpoint): void {
        this.endpoints.delete(endpoint.key);
        this.frontDoors.delete(endpoint.rawBodyKey);
        this.shortcuts.delete(endpoint.key);
        const stack: any[] = routerOf(this.host.httpNode)?.stack ?? [];
        const index = stack.findIndex((layer) => layer.route?.stack?.some((l: any) => l.handle === endpoint.routeHandler));
        if (index >= 0) {
            stack.splice(index, 1);
        }
        if (this.endpoints.size === 0 && this.stopListening !== undefined) {
            this.stopListening();
            this.stopListening = undefined;
        }
    }

    private onRequest(endpoint: Endpoint, req: any, res: any): void {
        if (req.method !== "POST") {
            this.respond(res, plain(405, "Method Not Allowed", { Allow: "POST" }));
            return;
        }
        if (!this.accepting(endpoint)) {
            this.respond(res, this.unavailable());
            return;
        }
        const receivedAt = Date.now();
        this.readBody(req).then(
            (rawBody) => {
                if (rawBody === undefined) {
                    this.host.log.error(this.host._("alocity-webhook-in.log.body-consumed", { path: endpoint.path }));
                    this.respond(res, plain(500, "Internal Server Error"));
                    return;
                }
                const answer = this.dispatch(endpoint, rawBody, req.headers, receivedAt);
                // The runtime hands a sent message to the next node on the next turn of the event loop:
                // answer after that, so that a 200 is only ever given for a message already delivered.
                setImmediate(() => this.respond(res, answer));
            },
            (error: any) => {
                if (error?.type === "request.aborted" || req.socket?.destroyed) {
                    return;
                }
                if (error?.type === "entity.too.large") {
                    this.respond(res, plain(413, "Payload Too Large", { Connection: "close" }));
                } else {
                    this.respond(res, plain(400, "Bad Request: the body could not be read", { Connection: "close" }));
                }
            },
        );
    }

    private dispatch(endpoint: Endpoint, rawBody: Buffer, headers: IncomingHttpHeaders, receivedAt: number): HttpAnswer {
        if (!this.accepting(endpoint)) {
            return this.unavailable();
        }
        return endpoint.claimants[0].handle({ rawBody, headers, receivedAt, replayGuard: endpoint.replayGuard });
    }

    private accepting(endpoint: Endpoint): boolean {
        return this.lifecycle.running && endpoint.claimants.length > 0;
    }

    private unavailable(): HttpAnswer {
        return plain(503, "Service Unavailable: flows are being deployed, retry shortly", { "Retry-After": RETRY_AFTER_SECONDS });
    }

    /** The raw bytes as sent; undefined when middleware before the route consumed the stream. */
    private async readBody(req: any): Promise<Buffer | undefined> {
        if (Buffer.isBuffer(req.body)) {
            return req.body;
        }
        if (req.readableEnded) {
            return undefined;
        }
        return getRawBody(req, { length: req.headers["content-length"], limit: this.limit });
    }

    /** Plain Node.js calls: the request may have come through the front door, where express has not dressed it. */
    private respond(res: any, answer: HttpAnswer): void {
        if (res.headersSent || res.writableEnded || res.destroyed) {
            return;
        }
        res.writeHead(answer.status, {
            ...answer.headers,
            "Content-Type": "text/plain; charset=utf-8",
            "Content-Length": Buffer.byteLength(answer.body),
        });
        res.end(answer.body);
    }

    /**
     * Whether a POST may be handled at the front of the root app, skipping the editor's admin app and express's
     * routing, which cost more than the verification itself: only when nothing but those stands between the front and
     * our route (no httpNodeAuth, httpNodeMiddleware, httpAdminAuth, httpAdminMiddleware on the way, requireHttps or
     * other middleware on the path), so that the answer is the one the route would give. Worked out again when the
     * apps' middleware changes, and after every deploy.
     */
    private shortcutAllowed(endpoint: Endpoint): boolean {
        const root = rootAppOf(this.host.httpNode);
        if (root === this.host.httpNode) {
            return false;
        }
        const rootStack: any[] = routerOf(root)?.stack ?? [];
        const nodeStack: any[] = routerOf(this.host.httpNode)?.stack ?? [];
        const checkedFor = `${rootStack.length}:${nodeStack.length}`;
        let shortcut = this.shortcuts.get(endpoint.key);
        if (shortcut?.checkedFor !== checkedFor) {
            shortcut = { checkedFor, allowed: this.onlyNodeRedOnTheWay(endpoint, rootStack, nodeStack) };
            this.shortcuts.set(endpoint.key, shortcut);
        }
        return shortcut.allowed;
    }

    private onlyNodeRedOnTheWay(endpoint: Endpoint, rootStack: any[], nodeStack: any[]): boolean {
        const settings = this.host.settings;
        if (this.middleware.length > 0 || settings.httpNodeAuth || settings.httpAdminAuth || settings.requireHttps) {
            return false;
        }
        const adminRoot = settings.httpAdminRoot;
        const adminOnTheWay = typeof adminRoot === "string" && pathKey(endpoint.rawBodyKey + "/").startsWith(pathKey(adminRoot + "/"));
        if (adminOnTheWay && settings.httpAdminMiddleware) {
            return false;
        }
        let mountedApps = 0;
        for (const layer of rootStack) {
            if (!layer.route && matches(layer, endpoint.rawBodyKey)) {
                if (layer.name === "mounted_app") {
                    mountedApps++;
                } else if (!EXPRESS_AND_NODE_RED_MIDDLEWARE.has(layer.name)) {
                    return false;
                }
            }
        }
        if (mountedApps > (adminOnTheWay ? 2 : 1)) {
            return false;
        }
        return nodeStack.every(
            (layer) => layer.route || !matches(layer, endpoint.path) || EXPRESS_AND_NODE_RED_MIDDLEWARE.has(layer.name),
        );
    }
}

const lifecycles = new WeakMap<EventEmitter, FlowLifecycle>();
const routesByApp = new WeakMap<object, WebhookRoutes>();
/** Handles a POST to one of our paths at the front of the root app; false leaves it to the route. */
type FrontDoor = (req: any, res: any) => boolean;
const frontDoorsByRoot = new WeakMap<object, Map<string, FrontDoor>>();

/** Middleware that may stand on the way without changing the answer: express's own, Node-RED's raw body capture, ours. */
const EXPRESS_AND_NODE_RED_MIDDLEWARE = new Set(["query", "expressInit", "rawBodyCapture", "atTheFront", "serveStatic"]);

function matches(layer: any, path: string): boolean {
    try {
        return layer.match(path);
    } catch {
        return true;
    }
}

/** The routes of a Node-RED runtime's `RED.httpNode`, made on first use. */
export function webhookRoutesFor(host: RoutesHost): WebhookRoutes {
    let routes = routesByApp.get(host.httpNode);
    if (routes === undefined) {
        let lifecycle = lifecycles.get(host.events);
        if (lifecycle === undefined) {
            lifecycle = new FlowLifecycle(host.events, host.hooks, "alocity-webhook-in");
            lifecycles.set(host.events, lifecycle);
        }
        routes = new WebhookRoutes(host, lifecycle);
        routesByApp.set(host.httpNode, routes);
    }
    return routes;
}

function routerOf(app: any): any {
    return app._router ?? app.router;
}

function mountPathOf(app: any): string {
    return typeof app.path === "function" ? app.path() : "";
}

function rootAppOf(app: any): any {
    return app.parent === undefined ? app : rootAppOf(app.parent);
}

/**
 * With default settings the editor's admin app is mounted at `/` and parses JSON bodies before any `RED.httpNode`
 * route runs; a signature must be checked over the bytes as sent. A middleware at the top of the root app marks
 * requests to our paths as parsed, so every body parser on the way leaves the stream alone, and handles them there
 * when it may (see shortcutAllowed).
 */
function frontDoorsOf(httpNode: any): Map<string, FrontDoor> {
    const root = rootAppOf(httpNode);
    const existing = frontDoorsByRoot.get(root);
    if (existing !== undefined) {
        return existing;
    }
    const doors = new Map<string, FrontDoor>();
    frontDoorsByRoot.set(root, doors);
    const atTheFront = (req: any, res: any, next: () => void) => {
        if (req.method === "POST" && doors.size > 0) {
            // Runs before express has dressed the request: no req.path yet.
            const url = String(req.url);
            const door = doors.get(url) ?? doors.get(pathKey(url.split("?")[0]));
            if (door !== undefined) {
                req._body = true;
                if (door(req, res)) {
                    return;
                }
            }
        }
        next();
    };
    root.use(atTheFront);
    const stack: any[] = routerOf(root)?.stack ?? [];
    const index = stack.findIndex((layer) => layer.handle === atTheFront);
    if (index > 0) {
        stack.unshift(stack.splice(index, 1)[0]);
    }
    return doors;
}
