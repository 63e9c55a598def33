// Plain express apps laid out as Node-RED lays them out (a root app; the editor's admin app and RED.httpNode mounted
// on it), or as an embedder does, with a fake runtime's events: what the webhook routes are tested on without a
// Node-RED.
import { EventEmitter } from "events";
import express, { type Express, type RequestHandler } from "express";
import http from "http";
import type { AddressInfo } from "net";
import supertest from "supertest";
import { DEFAULT_MAX_BYTES } from "../../src/core/webhook/body-limit";
import type { Clock } from "../../src/core/shared/clock";
import type { ReadingLimits } from "../../src/runtime/webhook/http/raw-body-capture";
import type { NodeRedSettings } from "../../src/runtime/shared/node-red";
import type { PathOwner } from "../../src/runtime/webhook/path-owners";
import { webhookRoutesFor, type RoutesHost } from "../../src/runtime/webhook/routes";

export interface Apps {
    root: Express;
    admin: Express;
    httpNode: Express;
    events: EventEmitter;
    errors: string[];
    warnings: string[];
    /** The URLs the admin app's own middleware saw. */
    adminSeen: string[];
    routes: ReturnType<typeof webhookRoutesFor>;
}

export interface LayoutOptions {
    /** Runs on the root app before Node-RED's apps are mounted (an embedder's middleware). */
    beforeMounts?: (root: Express) => void;
    settings?: NodeRedSettings;
    adminRoot?: string;
    nodeRoot?: string;
    /** How many bodies are read at once per path, and for how long (default: the runtime's). */
    readingLimits?: ReadingLimits;
    /** The clock of requests held during a deploy (default: the machine's). */
    clock?: Clock;
}

/** A root app with the admin app (which parses JSON, like the editor's) and httpNode mounted, as Node-RED does. */
export function nodeRedApps({
    beforeMounts,
    settings = {},
    adminRoot = "/",
    nodeRoot = "/",
    readingLimits,
    clock,
}: LayoutOptions = {}): Apps {
    const root = express();
    beforeMounts?.(root);
    const admin = express();
    const adminSeen: string[] = [];
    admin.use((req, _res, next) => {
        adminSeen.push(req.url);
        next();
    });
    admin.use(express.json());
    admin.post("/flows", (req, res) => res.json({ deployed: req.body as unknown }));
    const httpNode = express();
    root.use(adminRoot, admin);
    root.use(nodeRoot, httpNode);
    const events = new EventEmitter();
    const errors: string[] = [];
    const warnings: string[] = [];
    const host: RoutesHost = {
        httpNode,
        httpAdmin: admin,
        events,
        settings,
        log: {
            error: (line: unknown) => errors.push(String(line)),
            warn: (line: unknown) => warnings.push(String(line)),
            info() {},
            debug() {},
        },
        _: (key: string) => key,
    };
    return { root, admin, httpNode, events, errors, warnings, adminSeen, routes: webhookRoutesFor(host, { readingLimits, clock }) };
}

export type TestOwner = PathOwner & { told: string[] };

/** An owner that answers 200 with its id and the body it got, and records what it was told. */
export function owner(id: string, handle?: PathOwner["handle"], maxBytes = DEFAULT_MAX_BYTES): TestOwner {
    const told: string[] = [];
    return {
        id,
        told,
        maxBytes,
        handle: handle ?? ((request) => ({ status: 200, body: `${id}:${request.rawBody.toString()}` })),
        serving: (path) => told.push(`serving ${path}`),
        waiting: (path) => told.push(`waiting ${path}`),
        turnedAway: (reason) => told.push(`turned away: ${reason}`),
    };
}

/** Apps with `owner` serving /alocity and flows started. */
export function serving(options: LayoutOptions = {}, id = "a", maxBytes?: number): Apps {
    const apps = nodeRedApps(options);
    apps.routes.claim("/alocity", owner(id, undefined, maxBytes));
    apps.events.emit("flows:started");
    return apps;
}

export const postJson = (app: Express, path: string, body: string) =>
    supertest(app).post(path).set("Content-Type", "application/json").send(body);

/** A middleware that refuses what lacks the header `authorization: let me in`. */
export const gate: RequestHandler = (req, res, next) => (req.headers.authorization === "let me in" ? next() : res.status(403).end());

export interface Listening {
    server: http.Server;
    port: number;
    close(): Promise<void>;
}

/** Serves an app on an ephemeral port of 127.0.0.1, for raw socket exchanges. */
export async function listen(app: Express): Promise<Listening> {
    const server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return {
        server,
        port: (server.address() as AddressInfo).port,
        close: () =>
            new Promise<void>((resolve) => {
                server.closeAllConnections();
                server.close(() => resolve());
            }),
    };
}
