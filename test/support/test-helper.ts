// node-red-node-test-helper, typed, with the package's node modules loaded from their TypeScript sources, and what
// the node tests need around it: requests to RED.httpNode, deploys that wait for the flows to start, and a way to
// know that a node's messages have all been delivered.
import { randomUUID } from "crypto";
import { once } from "events";
import type { EventEmitter } from "events";
import type { Express, Request, Response as ExpressResponse } from "express";
import supertest from "supertest";
import { sign } from "../../src/core/webhook/signature";
import type { NodeAPI, NodeRedNode, NodeStatus } from "../../src/runtime/shared/node-red";
import { webhookRoutesFor, type WebhookRoutes } from "../../src/runtime/webhook/routes";
import signatureNode = require("../../nodes/alocity-signature");
import webhookInNode = require("../../nodes/alocity-webhook-in");
import type { Credentials, FlowNode } from "./test-flows";
import { SECRET } from "./test-flows";
import { SENTINEL_EVENT } from "./recorders";
import { within } from "./wait";
import { loadModule } from "./modules";

/** A method the test helper spies on (sinon): each call with the object it was made on and its arguments. */
export interface SpyOf<This> {
    getCalls(): { thisValue: This; args: unknown[] }[];
}

/** A node module, as Node-RED loads it. */
export type NodeModule = (RED: NodeAPI) => void | Promise<void>;

/** A deployed node, with the parts of Node-RED's Node the tests use besides NodeRedNode. */
export interface HelperNode extends NodeRedNode {
    wires: string[][];
    receive(msg?: object): void;
    /** Closes the node as a deploy or a stop does (`removed`: it was deleted). */
    close(removed?: boolean): Promise<void>;
    _complete(msg: object, error?: unknown): void;
}

export type DeployType = "full" | "flows" | "nodes";

/** The parts of node-red-node-test-helper (0.3) the tests use; the package ships no types. */
interface NodeTestHelper {
    init(runtimePath: string): void;
    settings(userSettings?: Record<string, unknown>): Record<string, unknown>;
    load(modules: NodeModule | readonly NodeModule[], flow: readonly FlowNode[], credentials?: Credentials): Promise<void>;
    unload(): Promise<void>;
    getNode(id: string): HelperNode | null | undefined;
    startServer(): Promise<void>;
    stopServer(): Promise<void>;
    /** supertest on the admin app. */
    request(): supertest.Agent;
    /** A spy on the runtime's log since the flow was loaded: each call's first argument is a LogEntry. */
    log(): { args: unknown[][] };
    /** Internal: the runtime's flows, and its event bus. */
    _redNodes: { setFlows(flow: readonly FlowNode[], credentials: Credentials, type: DeployType): Promise<unknown> };
    _events: EventEmitter;
}

export const helper = loadModule<NodeTestHelper>("node-red-node-test-helper");
helper.init(require.resolve("node-red"));

let httpNode: Express | undefined;
let runtime: NodeAPI | undefined;
function keepHttpNode(RED: NodeAPI): void {
    httpNode = RED.httpNode as Express;
    runtime = RED;
}

/**
 * Registers a suite's hooks for the test helper: its server started before the tests and stopped after them, and
 * after each test the flows unloaded and the settings a test gave reset.
 */
export function useTestHelper(): void {
    before(() => helper.startServer());
    after(() => helper.stopServer());
    afterEach(async () => {
        await helper.unload();
        helper.settings({});
    });
}

/** The node modules to pass to helper.load: alocity-signature and alocity-webhook-in; add others after them. */
export const modules: readonly NodeModule[] = [keepHttpNode, signatureNode, webhookInNode];

/** The RED.httpNode express app of the flow loaded last, e.g. to serve it from a server of the test's own. */
export function httpNodeApp(): Express {
    if (!httpNode) throw new Error("no flow loaded yet");
    return httpNode;
}

/**
 * The node modules with alocity-webhook-in's RED.auth.needsPermission replaced by a check of a request header
 * (`X-Test-Permission: <the permission>`); each permission asked for is pushed to `asked`.
 */
export function guardedModules(asked: string[]): NodeModule[] {
    const guardedWebhookIn = (RED: NodeAPI) => {
        const auth: NodeAPI["auth"] = {
            needsPermission(permission) {
                asked.push(permission);
                return (req: Request, res: ExpressResponse, next) =>
                    req.get("X-Test-Permission") === permission ? next() : res.status(403).end();
            },
        };
        return webhookInNode(Object.create(RED, { auth: { value: auth } }) as NodeAPI);
    };
    return modules.map((module): NodeModule => (module === webhookInNode ? guardedWebhookIn : module));
}

/** The webhook routes of the flow loaded last (e.g. to see how many requests wait for a deploy). */
export function webhookRoutes(): WebhookRoutes {
    if (!runtime) throw new Error("no flow loaded yet");
    return webhookRoutesFor(runtime);
}

/** A supertest agent on the RED.httpNode express app of the flow loaded last (helper.request() is the admin app). */
export function httpNodeRequest(): supertest.Agent {
    return supertest(httpNodeApp());
}

export interface WebhookPostOptions {
    secret?: string;
    timestamp?: number;
    /** The Alocity-Signature header to send instead of a signature made with `secret`. */
    header?: string;
}

/** A signed POST of `body` (an object, or the exact text or bytes to send) to RED.httpNode. */
export function webhookPost(
    url: string,
    body: object | string | Buffer,
    { secret = SECRET, timestamp, header }: WebhookPostOptions = {},
): supertest.Test {
    const raw = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === "string" ? body : JSON.stringify(body), "utf8");
    return (
        httpNodeRequest()
            .post(url)
            .set("Content-Type", "application/json")
            .set("Alocity-Signature", header ?? sign(secret, raw, timestamp))
            // The bytes as they are (superagent's types say a serializer returns a string; it may return bytes).
            .serialize((bytes: Buffer) => bytes as unknown as string)
            .send(raw)
    );
}

/** A line of the runtime's log, as a node writes it. Levels: 20 error, 30 warn, 40 info, 50 debug. */
export interface LogEntry {
    level: number;
    type?: string;
    id?: string;
    msg?: unknown;
}

/** What nodes of a type have logged since the flow was loaded, at `minLevel` or more verbose. */
export function logEntries(type: string, minLevel = 0): LogEntry[] {
    return helper
        .log()
        .args.map((args) => args[0] as LogEntry)
        .filter((entry) => entry?.type === type && entry.level >= minLevel);
}

/** Every status a deployed node has shown since the flow was loaded, in order. */
export function statusesOf(id: string): NodeStatus[] {
    const node = nodeOf(id);
    const { status: spy } = node as unknown as { status: SpyOf<unknown> };
    return spy
        .getCalls()
        .filter((call) => call.thisValue === node)
        .map((call) => call.args[0] as NodeStatus);
}

/** A deployed node; throws when there is none of that id. */
export function nodeOf(id: string): HelperNode {
    const node = helper.getNode(id);
    if (!node) throw new Error(`no node ${id} is deployed`);
    return node;
}

/**
 * Deploys flows (as helper.setFlows does) and resolves once they have started. Unlike helper.setFlows, it listens for
 * the start before deploying (a start that comes first is not missed) and has no deadline of 300 ms (which a
 * loaded machine passes).
 */
export async function deploy(flow: readonly FlowNode[], type: DeployType = "full", creds: Credentials = {}): Promise<void> {
    const started = once(helper._events, "flows:started");
    await helper._redNodes.setFlows(flow, creds, type);
    await within(started, `the flows to start after a ${type} deploy`);
}

/** The next message node `id` receives. */
export function nextInput<T = Record<string, unknown>>(id: string): Promise<T> {
    return within(
        once(nodeOf(id), "input").then(([msg]) => msg as T),
        `a message at node ${id}`,
    );
}

/**
 * Runs `action` and resolves with the messages node `toId` received meanwhile, once all that node `fromId` sent
 * until then has been delivered: a sentinel sent from `fromId` after the action arrives after them (Node-RED
 * delivers in order), and is left out, as are the sentinels of earlier calls still on their way to other nodes.
 */
export async function receivedWhile(fromId: string, toId: string, action: () => unknown): Promise<object[]> {
    const to = nodeOf(toId);
    const received: object[] = [];
    const sentinel = { topic: SENTINEL_EVENT, sentinel: randomUUID() };
    const arrived = new Promise<void>((resolve) => {
        // Node-RED's Node wraps input listeners: removeListener undoes that, EventEmitter's off does not.
        const listener = (msg: { topic?: unknown; sentinel?: unknown }) => {
            if (msg.topic !== SENTINEL_EVENT) {
                received.push(msg);
            } else if (msg.sentinel === sentinel.sentinel) {
                to.removeListener("input", listener);
                resolve();
            }
        };
        to.on("input", listener);
    });
    await action();
    nodeOf(fromId).send(sentinel);
    await within(arrived, `the sentinel from ${fromId} at ${toId}`);
    return received;
}
