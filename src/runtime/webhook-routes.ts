import type { IncomingHttpHeaders } from "http";
import type { NextFunction, Request, Response } from "express";
import { byteSize } from "../core/byte-size";
import { ReplayGuard } from "../core/replay-guard";
import { InvalidPathError, isEditorApiPath, joinPath, normalisePath, pathBelow, pathKey, type PathMatching } from "../core/webhook-path";
import { FlowLifecycle } from "./flow-lifecycle";
import { respond, ROUTE_ANSWERS, type HttpAnswer } from "./http/answers";
import { hasRouteFor, mountPathOf, pathMatchingOf, rootAppOf } from "./http/express-apps";
import { RawBodyCapture } from "./http/raw-body-capture";
import type { NodeAPI } from "./node-red";
import { PathOwners, type PathOwner } from "./path-owners";

/** The parts of the runtime the routes use. */
export type RoutesHost = Pick<NodeAPI, "httpNode" | "httpAdmin" | "events" | "hooks" | "settings" | "log" | "_">;

export interface PathClaim {
    /** The path as served, relative to httpNodeRoot. */
    readonly path: string;
    release(): void;
}

const DEFAULT_LIMIT_BYTES = 5 * 1024 * 1024;

interface Endpoint {
    owners: PathOwners;
    /** The path from the root app, where the raw bodies are kept. */
    fullPath: string;
    /** Whether the path is served: from its first claim until a deploy ends with nobody claiming it. */
    live: boolean;
    replayGuard: ReplayGuard;
}

/**
 * The one place that owns this package's HTTP routes on `RED.httpNode`: one route per path, whose answer comes after
 * every middleware the host put before it. It lives at module level, per `RED.httpNode`, so that a path's route,
 * its memory of deliveries and its single owner survive redeploys.
 */
export class WebhookRoutes {
    /** By path key; an endpoint, like its express route, stays once made, and answers only while it is live. */
    private readonly endpoints = new Map<string, Endpoint>();
    private readonly capture: RawBodyCapture;
    /** How RED.httpNode's router compares paths, so that two paths it tells apart are two endpoints. */
    private readonly matching: PathMatching;

    constructor(
        private readonly host: RoutesHost,
        private readonly lifecycle: FlowLifecycle,
    ) {
        this.matching = pathMatchingOf(host.httpNode);
        this.capture = new RawBodyCapture(host.httpNode, this.matching, byteSize(host.settings.apiMaxLength) ?? DEFAULT_LIMIT_BYTES);
        lifecycle.onStarted(() => this.afterDeploy());
    }

    /** Claims a path for an owner: it serves the path now, or as soon as the nodes before it let go. */
    claim(url: string, owner: PathOwner): PathClaim {
        const path = normalisePath(url);
        if (this.belongsToEditor(path)) {
            throw new InvalidPathError(path, "editor");
        }
        const endpoint = this.endpoints.get(pathKey(path, this.matching)) ?? this.addEndpoint(path);
        endpoint.owners.claim(owner);
        if (!endpoint.live) {
            endpoint.live = true;
            this.capture.add(endpoint.fullPath);
        }
        if (this.lifecycle.running) {
            this.settle(endpoint);
        }
        return {
            path: endpoint.owners.path,
            release: () => {
                // Nodes close while flows stop: who serves the path next is settled once the deploy is done.
                if (endpoint.owners.release(owner) && this.lifecycle.running) {
                    this.settle(endpoint);
                }
            },
        };
    }

    /** Sends a request through a path's owner as if it had come over HTTP (the editor's test action). */
    deliver(url: string, rawBody: Buffer, headers: IncomingHttpHeaders): HttpAnswer {
        const endpoint = this.endpoints.get(pathKey(normalisePath(url), this.matching));
        if (endpoint === undefined || !endpoint.live) {
            return ROUTE_ANSWERS.notFound;
        }
        return this.dispatch(endpoint, rawBody, headers, Date.now());
    }

    private addEndpoint(path: string): Endpoint {
        const endpoint: Endpoint = {
            owners: new PathOwners(path),
            fullPath: joinPath(mountPathOf(this.host.httpNode), path),
            live: false,
            replayGuard: new ReplayGuard(),
        };
        this.endpoints.set(pathKey(path, this.matching), endpoint);
        const handler = (req: Request, res: Response, next: NextFunction) => this.onRequest(endpoint, req, res, next);
        const middleware = this.host.settings.httpNodeMiddleware;
        // httpNodeMiddleware runs in the route, as for core `http in`.
        this.host.httpNode.all(path, ...(middleware === undefined ? [] : [middleware]), handler);
        return endpoint;
    }

    /** Settles who serves the path; a path nobody claims any more is not served from then on. */
    private settle(endpoint: Endpoint): void {
        endpoint.owners.settle();
        if (!endpoint.owners.claimed) {
            endpoint.live = false;
            this.capture.delete(endpoint.fullPath);
        }
    }

    /** After a deploy: who serves each path; the memory of a path no longer served keeps what has not expired. */
    private afterDeploy(): void {
        const now = Date.now();
        for (const endpoint of this.endpoints.values()) {
            if (endpoint.live) {
                this.settle(endpoint);
            }
            if (!endpoint.live) {
                endpoint.replayGuard.forgetExpired(now);
            }
        }
    }

    private onRequest(endpoint: Endpoint, req: Request, res: Response, next: NextFunction): void {
        if (!endpoint.live) {
            next();
            return;
        }
        if (req.method !== "POST") {
            respond(res, ROUTE_ANSWERS.methodNotAllowed);
            return;
        }
        const receivedAt = Date.now();
        this.capture.withBody(req, (body) => {
            if (body === undefined) {
                this.host.log.error(this.host._("alocity-webhook-in.log.body-consumed", { path: endpoint.owners.path }));
                respond(res, ROUTE_ANSWERS.internalError);
            } else if (body.read) {
                const answer = this.dispatch(endpoint, body.bytes, req.headers, receivedAt);
                // The runtime hands a sent message to the next node on the next turn of the event loop:
                // answer after that, so that a 200 is only ever given for a message already delivered.
                setImmediate(() => respond(res, answer));
            } else if (body.problem !== "aborted") {
                respond(res, body.problem === "too-large" ? ROUTE_ANSWERS.tooLarge : ROUTE_ANSWERS.unreadable);
            }
        });
    }

    private dispatch(endpoint: Endpoint, rawBody: Buffer, headers: IncomingHttpHeaders, receivedAt: number): HttpAnswer {
        const owner = endpoint.owners.owner;
        if (!this.lifecycle.running || owner === undefined) {
            return ROUTE_ANSWERS.deploying;
        }
        try {
            return owner.handle({ rawBody, headers, receivedAt, replayGuard: endpoint.replayGuard });
        } catch (error) {
            this.host.log.error(
                this.host._("alocity-webhook-in.log.internal-error", { path: endpoint.owners.path, error: String(error) }),
            );
            return ROUTE_ANSWERS.internalError;
        }
    }

    /**
     * A path the editor's admin API answers (its own, or a node package's admin endpoint): never ours to take, since
     * the body of a POST to it would be kept from the editor.
     */
    private belongsToEditor(path: string): boolean {
        const admin = this.host.httpAdmin;
        if (admin?.parent === undefined || rootAppOf(admin) !== rootAppOf(this.host.httpNode)) {
            return false;
        }
        const below = pathBelow(joinPath(mountPathOf(this.host.httpNode), path), mountPathOf(admin) || "/");
        return below !== undefined && (isEditorApiPath(below) || hasRouteFor(admin, below));
    }
}

const lifecycles = new WeakMap<object, FlowLifecycle>();
const routesByApp = new WeakMap<object, WebhookRoutes>();

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

