import type { IncomingHttpHeaders } from "http";
import type { NextFunction, Request, Response } from "express";
import { bodyCeiling, DEFAULT_MAX_BYTES } from "../../core/webhook/body-limit";
import { ReleasedPathMemories } from "../../core/webhook/released-path-memories";
import { DeliveryMemory } from "../../core/webhook/delivery-memory";
import {
    InvalidPathError,
    isEditorApiPathUnder,
    joinPath,
    normalisePath,
    pathBelow,
    pathKey,
    type PathMatching,
} from "../../core/webhook/paths";
import { DeployWaits } from "../../core/webhook/deploy-waits";
import type { Clock } from "../../core/shared/clock";
import { systemClock } from "../shared/system-clock";
import { FlowLifecycle } from "./flow-lifecycle";
import { BODY_ANSWERS, respond, respondUnread, ROUTE_ANSWERS, type HttpAnswer } from "./http/answers";
import { hasRouteFor, mountPathOf, pathMatchingOf, removeRoute, rootAppOf } from "./http/express-apps";
import { DEFAULT_READING_LIMITS, RawBodyCapture, type ReadingLimits } from "./http/raw-body-capture";
import type { NodeAPI } from "../shared/node-red";
import { PathOwners, type PathOwner, type TurnedAway } from "./path-owners";
import { TURNED_AWAY_ANSWERS, TurnedAwayWarnings, type RouteBounds } from "./turned-away";

/** What the runtime makes of a node's `url`: a path it may serve, or why not (InvalidPathError's reasons). */
export type PathVerdict = "ok" | InvalidPathError["reason"];

/** The parts of the runtime the routes use. */
export type RoutesHost = Pick<NodeAPI, "httpNode" | "httpAdmin" | "events" | "hooks" | "settings" | "log" | "_">;

export interface PathClaim {
    /** The path as served, relative to httpNodeRoot. */
    readonly path: string;
    readonly release: () => void;
}

interface Endpoint {
    key: string;
    owners: PathOwners;
    /** The path from the root app, where the raw bodies are kept. */
    fullPath: string;
    deliveryMemory: DeliveryMemory;
    /** The route's handler, by which the route is found when the path is released. */
    handler: (req: Request, res: Response, next: NextFunction) => void;
    warnings: TurnedAwayWarnings;
}

/** What tests may set: smaller reading limits, a clock they move by hand. */
export interface RoutesTuning {
    readingLimits?: ReadingLimits;
    clock?: Clock;
}

/**
 * The one place that owns this package's HTTP routes on `RED.httpNode`: one route per path, whose answer comes after
 * every middleware the host put before it. It lives at module level, per `RED.httpNode`, so that a path's route,
 * its delivery memory and its single owner survive redeploys; a path no node claims once a deploy is done is
 * released (its route removed, as core `http in` removes its own), its memory kept until its deliveries expire.
 */
export class WebhookRoutes {
    /** The paths claimed, or released during the deploy under way, by path key. */
    private readonly endpoints = new Map<string, Endpoint>();
    private readonly memories = new ReleasedPathMemories();
    private readonly capture: RawBodyCapture;
    /** Requests that arrived during a deploy, waiting for the node the new flows bring. */
    private readonly waits: DeployWaits;
    private readonly bounds: RouteBounds;
    /** How RED.httpNode's router compares paths, so that two paths it tells apart are two endpoints. */
    private readonly matching: PathMatching;
    /** The most a node may let a body be: Node-RED's apiMaxLength. */
    readonly maxBodyBytes: number;

    constructor(
        private readonly host: RoutesHost,
        private readonly lifecycle: FlowLifecycle,
        { readingLimits = DEFAULT_READING_LIMITS, clock = systemClock }: RoutesTuning = {},
    ) {
        this.matching = pathMatchingOf(host.httpNode);
        this.maxBodyBytes = bodyCeiling(host.settings.apiMaxLength);
        this.capture = new RawBodyCapture(host.httpNode, this.matching, readingLimits, this.maxBodyBytes);
        this.waits = new DeployWaits(clock);
        const { perPath, maxWaitMs } = this.waits.limits;
        this.bounds = { ceiling: this.maxBodyBytes, reads: readingLimits.readsPerPath, waiting: perPath, seconds: maxWaitMs / 1000 };
        lifecycle.onStarted(() => this.afterDeploy());
        lifecycle.flows.onChange((state) => {
            if (state === "stopped") this.waits.resumeAll();
        });
    }

    /** Claims a path for an owner: it serves the path now, or as soon as the nodes before it let go. */
    claim(url: string, owner: PathOwner): PathClaim {
        const path = this.servablePath(url);
        const key = pathKey(path, this.matching);
        const endpoint = this.endpoints.get(key) ?? this.addEndpoint(path, key);
        endpoint.owners.claim(owner);
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

    /**
     * Whether a node's `url` may be served (whoever serves it now): "ok", or why not, "invalid" or "editor", as a node
     * claiming it would be told. The edit dialog asks the runtime for this verdict (src/runtime/editor/path-verdicts.ts).
     */
    verdictOn(url: string): PathVerdict {
        try {
            this.servablePath(url);
            return "ok";
        } catch (error) {
            if (error instanceof InvalidPathError) {
                return error.reason;
            }
            throw error;
        }
    }

    /** Sends a request through a path's owner as if it had come over HTTP (the editor's test action). */
    deliver(url: string, rawBody: Buffer, headers: IncomingHttpHeaders): HttpAnswer | Promise<HttpAnswer> {
        const endpoint = this.endpoints.get(pathKey(normalisePath(url), this.matching));
        if (endpoint === undefined) {
            return ROUTE_ANSWERS.notFound;
        }
        return this.dispatch(endpoint, rawBody, headers, Date.now(), true);
    }

    /** How many paths have a route, released paths' memories are kept, requests wait for a deploy (to measure all are freed). */
    get size(): { routes: number; memories: number; held: number } {
        return { routes: this.endpoints.size, memories: this.memories.size, held: this.waits.size };
    }

    private addEndpoint(path: string, key: string): Endpoint {
        const endpoint: Endpoint = {
            key,
            owners: new PathOwners(path),
            fullPath: joinPath(mountPathOf(this.host.httpNode), path),
            deliveryMemory: this.memories.take(key) ?? new DeliveryMemory(),
            handler: (req, res, next) => this.onRequest(endpoint, req, res, next),
            warnings: new TurnedAwayWarnings(this.host, path, this.bounds),
        };
        this.endpoints.set(key, endpoint);
        this.capture.add(endpoint.fullPath, () => endpoint.owners.claimant?.maxBytes ?? DEFAULT_MAX_BYTES);
        const middleware = this.host.settings.httpNodeMiddleware;
        // httpNodeMiddleware runs in the route, as for core `http in`.
        this.host.httpNode.all(path, ...(middleware === undefined ? [] : [middleware]), endpoint.handler);
        return endpoint;
    }

    /** Settles who serves the path; a path nobody claims any more is released. */
    private settle(endpoint: Endpoint): void {
        endpoint.owners.settle();
        if (!endpoint.owners.claimed) {
            this.endpoints.delete(endpoint.key);
            this.capture.delete(endpoint.fullPath);
            removeRoute(this.host.httpNode, endpoint.handler);
            this.memories.keep(endpoint.key, endpoint.deliveryMemory);
        }
    }

    /** After a deploy: who serves each path; then the requests that waited for it are answered. */
    private afterDeploy(): void {
        for (const endpoint of [...this.endpoints.values()]) {
            this.settle(endpoint);
        }
        this.waits.resumeAll();
    }

    private onRequest(endpoint: Endpoint, req: Request, res: Response, next: NextFunction): void {
        if (this.endpoints.get(endpoint.key) !== endpoint) {
            next();
            return;
        }
        if (req.method !== "POST") {
            respond(res, ROUTE_ANSWERS.methodNotAllowed);
            return;
        }
        const receivedAt = Date.now();
        this.capture.withBody(req, endpoint.fullPath, (body) => {
            if (body === undefined) {
                this.host.log.error(this.host._("alocity-webhook-in.log.body-consumed", { path: endpoint.owners.path }));
                respond(res, ROUTE_ANSWERS.internalError);
            } else if (body.read) {
                this.answer(endpoint, res, body.bytes, req.headers, receivedAt);
            } else if (body.problem !== "aborted") {
                respondUnread(res, BODY_ANSWERS[body.problem]);
                if (body.problem === "too-large" || body.problem === "busy")
                    endpoint.warnings.report(body.problem, endpoint.owners.claimant);
            }
        });
    }

    /** Answers a request read whole; during a deploy, once the node the new flows bring serves (or 404: none does). */
    private answer(endpoint: Endpoint, res: Response, rawBody: Buffer, headers: IncomingHttpHeaders, receivedAt: number): void {
        if (this.lifecycle.flows.current === "deploying") {
            const held = this.waits.hold(endpoint.key, (inTime) => {
                if (inTime) this.answer(endpoint, res, rawBody, headers, receivedAt);
                else this.turnAway(endpoint, res, "deploying");
            });
            if (!held) this.turnAway(endpoint, res, "deploying");
            return;
        }
        if (this.lifecycle.flows.current === "stopped") {
            this.turnAway(endpoint, res, "stopped");
            return;
        }
        if (this.endpoints.get(endpoint.key) !== endpoint) {
            respond(res, ROUTE_ANSWERS.notFound);
            return;
        }
        // The runtime hands a sent message to the next node on the next turn of the event loop: answer after that
        // (and after the node has read and sent it), so that a 200 is only ever given for a message already delivered.
        void Promise.resolve(this.dispatch(endpoint, rawBody, headers, receivedAt)).then((answer) =>
            setImmediate(() => respond(res, answer)),
        );
    }

    private turnAway(endpoint: Endpoint, res: Response, reason: TurnedAway): void {
        respond(res, TURNED_AWAY_ANSWERS[reason]);
        endpoint.warnings.report(reason, endpoint.owners.claimant);
    }

    private dispatch(
        endpoint: Endpoint,
        rawBody: Buffer,
        headers: IncomingHttpHeaders,
        receivedAt: number,
        fromEditor = false,
    ): HttpAnswer | Promise<HttpAnswer> {
        const owner = endpoint.owners.owner;
        if (this.lifecycle.flows.current === "stopped") {
            return ROUTE_ANSWERS.stopped;
        }
        if (!this.lifecycle.running || owner === undefined) {
            return ROUTE_ANSWERS.deploying;
        }
        const failed = (error: unknown) => {
            this.host.log.error(this.host._("alocity-webhook-in.log.internal-error", { path: endpoint.owners.path, error: String(error) }));
            return ROUTE_ANSWERS.internalError;
        };
        try {
            const answer = owner.handle({ rawBody, headers, receivedAt, deliveryMemory: endpoint.deliveryMemory, fromEditor });
            return answer instanceof Promise ? answer.catch(failed) : answer;
        } catch (error) {
            return failed(error);
        }
    }

    /** A node's `url` as the path it serves; throws InvalidPathError when it is not literal or belongs to the editor. */
    private servablePath(url: string): string {
        const path = normalisePath(url);
        if (this.belongsToEditor(path)) {
            throw new InvalidPathError(path, "editor");
        }
        return path;
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
        const fullPath = joinPath(mountPathOf(this.host.httpNode), path);
        const editorRoot = mountPathOf(admin) || "/";
        const below = pathBelow(fullPath, editorRoot);
        return isEditorApiPathUnder(fullPath, editorRoot) || (below !== undefined && hasRouteFor(admin, below));
    }
}

const lifecycles = new WeakMap<object, FlowLifecycle>();
const routesByApp = new WeakMap<object, WebhookRoutes>();

/**
 * The routes of a Node-RED runtime's `RED.httpNode`, made on first use (`tuning`, for tests, is used only then).
 */
export function webhookRoutesFor(host: RoutesHost, tuning?: RoutesTuning): WebhookRoutes {
    let routes = routesByApp.get(host.httpNode);
    if (routes === undefined) {
        let lifecycle = lifecycles.get(host.events);
        if (lifecycle === undefined) {
            lifecycle = new FlowLifecycle(host.events, host.settings.runtimeSyncDelivery ? undefined : host.hooks, "alocity-webhook-in");
            lifecycles.set(host.events, lifecycle);
        }
        routes = new WebhookRoutes(host, lifecycle, tuning);
        routesByApp.set(host.httpNode, routes);
    }
    return routes;
}
