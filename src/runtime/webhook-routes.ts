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
    /** The node's id: a node redeployed with changes gets its path back before another node waiting for it. */
    readonly id: string;
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
    httpAdmin?: any;
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
        runtimeSyncDelivery?: unknown;
        apiMaxLength?: string | number;
    };
    log: { error(message: unknown): void };
    _(key: string, substitutions?: Record<string, unknown>): string;
}

/** Literal paths only: no route parameters or patterns (express reads : * ? + ( ) as such), so one path is one endpoint. */
const VALID_PATH = /^(\/[A-Za-z0-9._~%@-]*)+$/;
const RETRY_AFTER_SECONDS = "2";

/** Top-level paths of the editor's admin API (Node-RED 3.1 to 5.0) that take POSTs or more. */
const EDITOR_API_SEGMENTS = new Set([
    "auth", "comms", "context", "core", "credentials", "debug", "diagnostics", "flow", "flows", "icons", "inject",
    "library", "locales", "nodes", "plugins", "projects", "red", "settings", "theme", "types", "vendor",
]);

export class InvalidPathError extends Error {
    /** "invalid": not a literal path; "editor": it belongs to the editor's admin API. */
    constructor(
        readonly path: string,
        readonly reason: "invalid" | "editor" = "invalid",
    ) {
        super(path);
    }
}

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
    /** The path as the front door sees it: below httpNodeRoot, as a path key. */
    frontDoorKey: string;
    /** The first is served; the others wait, in order. */
    claimants: PathOwner[];
    /** Whom the endpoint has told it serves the path. */
    servedBy: PathOwner | undefined;
    /** The id of the node that served it before the deploy under way. */
    lastServedBy: string | undefined;
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
    /** What each owner was last told, so that it hears of a change once. */
    private readonly told = new WeakMap<PathOwner, "serving" | "waiting">();
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
        if (this.belongsToEditor(path)) {
            throw new InvalidPathError(path, "editor");
        }
        const key = pathKey(path);
        const endpoint = this.endpoints.get(key) ?? this.addEndpoint(path, key);
        if (owner.id === endpoint.lastServedBy) {
            endpoint.claimants.unshift(owner);
        } else {
            endpoint.claimants.push(owner);
        }
        if (this.lifecycle.running) {
            this.settle(endpoint);
        }
        return { path, release: () => this.release(endpoint, owner) };
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
            frontDoorKey: pathKey(mountPathOf(this.host.httpNode) + path),
            claimants: [],
            servedBy: undefined,
            lastServedBy: undefined,
            replayGuard: new ReplayGuard(),
            routeHandler: (req, res) => this.onRequest(endpoint, req, res),
        };
        this.endpoints.set(key, endpoint);
        this.frontDoors.set(endpoint.frontDoorKey, (req, res) => {
            if (!this.shortcutAllowed(endpoint)) {
                return false;
            }
            this.onRequest(endpoint, req, res);
            return true;
        });
        this.host.httpNode.all(path, ...this.middleware, endpoint.routeHandler);
        if (this.stopListening === undefined) {
            this.stopListening = this.lifecycle.onStarted(() => this.afterDeploy());
        }
        return endpoint;
    }

    private release(endpoint: Endpoint, owner: PathOwner): void {
        const index = endpoint.claimants.indexOf(owner);
        if (index < 0) {
            return;
        }
        endpoint.claimants.splice(index, 1);
        if (endpoint.servedBy === owner) {
            endpoint.servedBy = undefined;
            endpoint.lastServedBy = owner.id;
        }
        // Nodes close while flows stop: who serves the path next is settled once the deploy is done.
        if (this.lifecycle.running) {
            this.settle(endpoint);
        }
    }

    /** Tells the first claimant it serves the path and the others that they wait, each once; or removes the route. */
    private settle(endpoint: Endpoint): void {
        const [first, ...others] = endpoint.claimants;
        if (first === undefined) {
            this.removeEndpoint(endpoint);
            return;
        }
        endpoint.servedBy = first;
        endpoint.lastServedBy = first.id;
        this.tell(first, "serving", endpoint.path);
        for (const waiting of others) {
            this.tell(waiting, "waiting", endpoint.path);
        }
    }

    private tell(owner: PathOwner, state: "serving" | "waiting", path: string): void {
        if (this.told.get(owner) !== state) {
            this.told.set(owner, state);
            owner[state](path);
        }
    }

    /** After a deploy: each path's owner is settled, and paths no node claims any more answer 404 from then on. */
    private afterDeploy(): void {
        this.shortcuts.clear();
        for (const endpoint of [...this.endpoints.values()]) {
            this.settle(endpoint);
        }
    }

    private removeEndpoint(endpoint: Endpoint): void {
        this.endpoints.delete(endpoint.key);
        this.frontDoors.delete(endpoint.frontDoorKey);
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
                // What the client still sends is read and dropped, not kept: closing on unread data would make the
                // kernel reset the connection, and the client might never see the answer.
                req.resume();
                if (error?.type === "entity.too.large") {
                    this.respond(res, plain(413, "Payload Too Large", { Connection: "close" }));
                } else {
                    this.respond(res, plain(400, "Bad Request: the body could not be read", { Connection: "close" }));
                }
            },
        );
    }

    private dispatch(endpoint: Endpoint, rawBody: Buffer, headers: IncomingHttpHeaders, receivedAt: number): HttpAnswer {
        const owner = endpoint.servedBy;
        if (!this.lifecycle.running || owner === undefined) {
            return this.unavailable();
        }
        try {
            return owner.handle({ rawBody, headers, receivedAt, replayGuard: endpoint.replayGuard });
        } catch (error) {
            this.host.log.error(this.host._("alocity-webhook-in.log.internal-error", { path: endpoint.path, error: String(error) }));
            return plain(500, "Internal Server Error");
        }
    }

    private accepting(endpoint: Endpoint): boolean {
        return this.lifecycle.running && endpoint.servedBy !== undefined;
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

    /** Whether the editor's admin app sits in front of the path: it would see our requests first. */
    private adminInFrontOf(fullPath: string): boolean {
        const adminRoot = this.host.settings.httpAdminRoot;
        return typeof adminRoot === "string" && isBelow(fullPath, adminRoot);
    }

    /** A path the editor's admin API answers (its own, or a node package's admin endpoint): never ours to take. */
    private belongsToEditor(path: string): boolean {
        const fullPath = pathKey(mountPathOf(this.host.httpNode) + path);
        if (!this.adminInFrontOf(fullPath)) {
            return false;
        }
        const adminRoot = pathKey(String(this.host.settings.httpAdminRoot));
        const below = adminRoot === "/" ? fullPath : fullPath.slice(adminRoot.length);
        if (EDITOR_API_SEGMENTS.has(below.split("/")[1])) {
            return true;
        }
        const adminStack: any[] = (this.host.httpAdmin && routerOf(this.host.httpAdmin)?.stack) || [];
        return adminStack.some((layer) => layer.route && matches(layer, below));
    }

    private onlyNodeRedOnTheWay(endpoint: Endpoint, rootStack: any[], nodeStack: any[]): boolean {
        const settings = this.host.settings;
        if (this.middleware.length > 0 || settings.httpNodeAuth || settings.httpAdminAuth || settings.requireHttps) {
            return false;
        }
        const adminOnTheWay = this.adminInFrontOf(endpoint.frontDoorKey);
        if (adminOnTheWay && settings.httpAdminMiddleware) {
            return false;
        }
        // Express cannot say which mounted app a layer is; settings say how many of Node-RED's stand on the way.
        let mountedApps = 0;
        for (const layer of rootStack) {
            if (!matches(layer, endpoint.frontDoorKey)) {
                continue;
            }
            if (layer.route) {
                if (handlesPost(layer)) return false;
            } else if (layer.name === "mounted_app") {
                mountedApps++;
            } else if (!EXPRESS_AND_NODE_RED_MIDDLEWARE.has(layer.name)) {
                return false;
            }
        }
        if (mountedApps > (adminOnTheWay ? 2 : 1)) {
            return false;
        }
        for (const layer of nodeStack) {
            if (layer.route?.stack?.some((handler: any) => handler.handle === endpoint.routeHandler)) {
                return true;
            }
            if (!matches(layer, endpoint.path)) {
                continue;
            }
            if (layer.route ? handlesPost(layer) : !EXPRESS_AND_NODE_RED_MIDDLEWARE.has(layer.name)) {
                return false;
            }
        }
        return false;
    }
}

const lifecycles = new WeakMap<EventEmitter, FlowLifecycle>();
const routesByApp = new WeakMap<object, WebhookRoutes>();
/** Handles a POST to one of our paths at the front of the root app; false leaves it to the route. */
type FrontDoor = (req: any, res: any) => boolean;
const frontDoorsByRoot = new WeakMap<object, Map<string, FrontDoor>>();

/** Middleware that may stand on the way without changing the answer: express's own, Node-RED's raw body capture, ours. */
const EXPRESS_AND_NODE_RED_MIDDLEWARE = new Set(["query", "expressInit", "rawBodyCapture", "atTheFront", "serveStatic"]);

function isBelow(path: string, root: string): boolean {
    const below = pathKey(path);
    const above = pathKey(root);
    return above === "/" || below === above || below.startsWith(above + "/");
}

function handlesPost(layer: any): boolean {
    return typeof layer.route._handles_method === "function" ? layer.route._handles_method("post") : true;
}

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
            lifecycle = new FlowLifecycle(host.events, host.settings.runtimeSyncDelivery ? undefined : host.hooks, "alocity-webhook-in");
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
