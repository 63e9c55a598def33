import type { EventEmitter } from "events";
import type { Express, RequestHandler } from "express";
import type { Hooks } from "../webhook/flow-lifecycle";
import type { ExpressApp } from "../webhook/http/express-apps";

/** The parts of Node-RED's runtime API the nodes use (kept small, so that 3.1 to 5.x all fit). */
export interface NodeRedNode extends EventEmitter {
    id: string;
    type: string;
    name?: string;
    /** The flow (tab or subflow instance) the node is in. */
    z?: string;
    /** In a subflow instance: the node's id in the subflow (its context is kept under it and z). */
    _alias?: string;
    credentials?: Record<string, string | undefined>;
    send(msg: unknown): void;
    status(status: NodeStatus | Record<string, never>): void;
    log(message: unknown): void;
    warn(message: unknown): void;
    error(message: unknown, msg?: unknown): void;
    debug(message: unknown): void;
    /** The node's own context: deleted with the node; without contextStorage in settings.js, also when it is redeployed. */
    context(): NodeContext;
    on(event: "input", listener: (msg: NodeMessage, send: (msg: unknown) => void, done: (err?: Error) => void) => void): this;
    on(event: "close", listener: (removed: boolean, done: () => void) => void): this;
    on(event: string, listener: (...args: never[]) => void): this;
}

/** A message as a node receives it: an object, whose fields are anyone's. */
type NodeMessage = Record<string, unknown>;

/** A context scope; `store` names a store of settings.js's contextStorage, undefined the default one. Keys are property paths. */
export interface NodeContext {
    get(key: string, store: string | undefined, callback: (error: Error | null | undefined, value?: unknown) => void): void;
    set(key: string, value: unknown, store: string | undefined, callback: (error?: Error | null) => void): void;
}

export interface NodeStatus {
    fill?: "red" | "green" | "yellow" | "blue" | "grey";
    shape?: "ring" | "dot";
    text?: string;
}

export interface NodeDef {
    id: string;
    type: string;
    name?: string;
    [property: string]: unknown;
}

/** The settings the package reads (settings.js, or the embedder's settings object). */
export interface NodeRedSettings {
    httpNodeRoot?: string | false;
    httpNodeMiddleware?: RequestHandler | RequestHandler[];
    apiMaxLength?: string | number;
    runtimeSyncDelivery?: boolean;
    /** The context stores by name (settings.js); none: one memory store. */
    contextStorage?: Record<string, unknown>;
    [setting: string]: unknown;
}

/** `RED`, as a node module receives it. */
export interface NodeAPI {
    nodes: {
        createNode(node: object, def: NodeDef): void;
        getNode(id: string): NodeRedNode | null;
        registerType(
            type: string,
            constructor: (this: never, def: never) => void,
            options?: { credentials?: Record<string, { type: string }> },
        ): void;
    };
    settings: NodeRedSettings;
    /** The app the HTTP nodes' routes are added to; mounted at httpNodeRoot on the root app. */
    httpNode: ExpressApp;
    /** The editor's admin app; mounted at httpAdminRoot unless the editor is off. */
    httpAdmin: ExpressApp & Pick<Express, "get" | "post">;
    events: EventEmitter;
    hooks?: Hooks;
    auth?: { needsPermission(permission: string): RequestHandler };
    /** Pushes to every connected editor, whatever its user's permissions; `retain`: also to each editor that connects later. */
    comms?: { publish(topic: string, data: unknown, retain?: boolean): void };
    /** Node-RED's JSONata (absent only in fakes of RED). */
    util?: {
        prepareJSONataExpression(expression: string, node: object): unknown;
        evaluateJSONataExpression(expression: unknown, input: object, callback: (error: Error | null, result?: unknown) => void): void;
    };
    log: { debug(message: unknown): void; warn(message: unknown): void; info(message: unknown): void; error(message: unknown): void };
    _(key: string, substitutions?: Record<string, unknown>): string;
}

/** Translates the messages of one catalogue, below a prefix: `messagesOf(RED, "alocity-x")("log.y")` is `RED._("alocity-x.log.y")`. */
export function messagesOf(RED: Pick<NodeAPI, "_">, prefix: string): (key: string, substitutions?: Record<string, unknown>) => string {
    return (key, substitutions) => RED._(`${prefix}.${key}`, substitutions);
}
