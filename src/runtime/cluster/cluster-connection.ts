import { EventEmitter } from "events";
import type { Redis, RedisOptions } from "ioredis";

/** `ready`: commands can be sent; `down`: they fail at once (not connected, or the configuration cannot connect). */
export type ClusterState = "connecting" | "ready" | "down";

/**
 * What the nodes of one Node-RED share through an `alocity-cluster` node: one Redis (or Valkey) connection for
 * commands, one for subscriptions, the key prefix, and an in-process bus for what one node of this runtime tells
 * another (see ClusterBus).
 */
export interface ClusterConnection {
    readonly prefix: string;
    readonly state: ClusterState;
    /** Why it is down, for a status or a log line ("" while ready). */
    readonly problem: string;
    /** The command client: a command sent while not ready fails at once, never waits in a queue. */
    readonly redis: Redis;
    /** `<prefix>:<parts joined by ":">`. */
    key(...parts: string[]): string;
    /** Calls `listener` on every change of state; what it returns stops that. */
    onState(listener: (state: ClusterState) => void): () => void;
    /** Calls `listener` with each message published on `channel` (subscribed again after a reconnection). */
    subscribe(channel: string, listener: (message: string) => void): () => void;
    /** Events between the nodes of this Node-RED that use the same cluster node. */
    readonly bus: EventEmitter;
}

/** How long a command may take before it fails (a Redis that hangs is a Redis that is down). */
const COMMAND_TIMEOUT_MS = 5000;
const CONNECT_TIMEOUT_MS = 5000;
/** The wait before connecting again: 250 ms more after each failure, at most 2 s. */
const reconnectDelay = (attempts: number) => Math.min(250 * attempts, 2000);

/** A Redis address without its password, for logs and statuses. */
export function redactedUrl(url: string): string {
    try {
        const parsed = new URL(url);
        if (parsed.password !== "") parsed.password = "***";
        return parsed.toString();
    } catch {
        return url;
    }
}

/** Why `url` cannot name a Redis server, or undefined when it can (`redis://` or `rediss://` with a host). */
export function urlProblem(url: string): string | undefined {
    let parsed: URL;
    try {
        parsed = new URL(url);
    } catch {
        return `"${url}" is not an address (expected redis://host:6379 or rediss://host:6380)`;
    }
    if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") {
        return `"${redactedUrl(url)}" is not a redis:// or rediss:// address`;
    }
    return parsed.hostname === "" ? `"${redactedUrl(url)}" names no host` : undefined;
}

export interface ConnectionLog {
    /** The connection was lost or could not be made (once per outage). */
    down(error: string): void;
    /** It is back after an outage. */
    back(): void;
}

/**
 * Opens the connections (ioredis is loaded here, when a cluster node is first used, and never where none is).
 * Reconnects by itself, forever; `close` ends both connections.
 */
export function openClusterConnection(
    url: string,
    password: string | undefined,
    prefix: string,
    log: ConnectionLog,
): ClusterConnection & { close(): Promise<void> } {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Redis: RedisClient } = require("ioredis") as typeof import("ioredis");
    const options: RedisOptions = {
        lazyConnect: true,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        connectTimeout: CONNECT_TIMEOUT_MS,
        commandTimeout: COMMAND_TIMEOUT_MS,
        retryStrategy: reconnectDelay,
        // The commands of one turn of the event loop (claims and writes of many deliveries at once) go out together.
        enableAutoPipelining: true,
        ...(password ? { password } : {}),
    };
    const redis = new RedisClient(url, options);
    // Subscriptions wait for the connection however long it takes (maxRetriesPerRequest 0 would drop a SUBSCRIBE at
    // the first failed attempt, for good), and are made again after a reconnection by ioredis itself.
    const subscriber = redis.duplicate({ enableOfflineQueue: true, commandTimeout: undefined, maxRetriesPerRequest: null });
    const states = new EventEmitter();
    const bus = new EventEmitter();
    bus.setMaxListeners(0);
    states.setMaxListeners(0);
    const channels = new EventEmitter();
    channels.setMaxListeners(0);
    let state: ClusterState = "connecting";
    let problem = "connecting";
    let wasReady = false;
    let closed = false;

    const become = (next: ClusterState, why: string) => {
        problem = why;
        if (next === state) return;
        state = next;
        states.emit("state", next);
    };
    // Ready once both connections are: a change published while the subscriber is away would be missed, and the
    // nodes read everything again when the state turns ready.
    let commandsReady = false;
    let subscriberReady = false;
    const bothReady = () => {
        if (!commandsReady || !subscriberReady || closed) return;
        if (wasReady) log.back();
        wasReady = true;
        become("ready", "");
    };
    redis.on("ready", () => {
        commandsReady = true;
        bothReady();
    });
    subscriber.on("ready", () => {
        subscriberReady = true;
        bothReady();
    });
    const lost = (why: string) => {
        if (closed) return;
        if (state !== "down") log.down(why);
        become("down", why);
    };
    redis.on("error", (error: Error) => lost(error.message));
    redis.on("close", () => {
        commandsReady = false;
        lost("connection closed");
    });
    redis.on("end", () => {
        commandsReady = false;
        lost("connection ended");
    });
    // The subscriber's errors are the command client's too, logged once there; its loss alone is logged here.
    subscriber.on("error", () => undefined);
    subscriber.on("close", () => {
        subscriberReady = false;
        lost("subscription connection closed");
    });
    subscriber.on("message", (channel: string, message: string) => channels.emit(channel, message));

    redis.connect().catch((error: Error) => lost(error.message));
    subscriber.connect().catch(() => undefined);

    return {
        prefix,
        get state() {
            return state;
        },
        get problem() {
            return problem;
        },
        redis,
        bus,
        key: (...parts) => [prefix, ...parts].join(":"),
        onState(listener) {
            states.on("state", listener);
            return () => states.off("state", listener);
        },
        subscribe(channel, listener) {
            if (channels.listenerCount(channel) === 0) {
                subscriber.subscribe(channel).catch(() => undefined);
            }
            channels.on(channel, listener);
            return () => {
                channels.off(channel, listener);
                if (channels.listenerCount(channel) === 0 && !closed) {
                    subscriber.unsubscribe(channel).catch(() => undefined);
                }
            };
        },
        async close() {
            closed = true;
            become("down", "closed");
            // A deploy closes every node at once, in no set order: what the nodes using this connection send as they
            // close (a webhook withdrawing its claims) goes out before QUIT. Auto-pipelined commands go out on the
            // turn after they were sent: two turns.
            for (const _turn of [1, 2]) await new Promise((resolve) => setImmediate(resolve));
            // QUIT only where connected: queued on a connection waiting for Redis, it would wait as long.
            const quit = (client: Redis) => (client.status === "ready" ? client.quit() : Promise.resolve());
            await Promise.allSettled([quit(redis), quit(subscriber)]);
            redis.disconnect();
            subscriber.disconnect();
        },
    };
}
