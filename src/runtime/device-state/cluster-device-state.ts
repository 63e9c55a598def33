import type { DeviceStateConfig } from "../../core/device-state/config";
import { reportOfMessage, type DeviceUpdate } from "../../core/device-state/device-operations";
import type { ClusterChoice } from "../cluster/cluster-node";
import type { ClusterConnection, ClusterState } from "../cluster/cluster-connection";
import { tellDeviceRecord } from "../cluster/device-records-bus";
import { INSTANCE_ID } from "../cluster/instance-id";
import type { DoorsFeedNode, RecordsSource } from "../editor/doors-feed";
import { messagesOf, type NodeAPI, type NodeRedNode } from "../shared/node-red";
import { LogThrottle } from "../../core/shared/log-throttle";
import { ArrivalQueue, MAX_WAITING_EVENTS, type Arrival, type Send } from "./arrival-queue";
import { deviceQuery, isCommand, type DeviceStateView } from "./device-state-view";
import { ClosedError } from "./in-flight";
import { SharedFleet } from "./shared-fleet";

/** How long a node that closes waits for the writes and alarms it handed to Redis, to send their messages. */
const CLOSE_WAIT_MS = 5000;

/** What alocity-device-state hands its cluster path. */
export interface ClusterDeviceStateParts {
    RED: Pick<NodeAPI, "_">;
    node: NodeRedNode;
    view: DeviceStateView;
    config: DeviceStateConfig;
    cluster: Exclude<ClusterChoice, { kind: "none" }>;
    /** The node's `store` property: not used with a cluster. */
    store: unknown;
    /** Adds the node to the Doors sidebar's feed. */
    addToDoors: (records: RecordsSource) => DoorsFeedNode;
}

/**
 * alocity-device-state with its records in a cluster's Redis (see SharedFleet): the node's input and close, its
 * statuses and logs. A missing cluster node completes every message with an error.
 */
export function runOnCluster({ RED, node, view, config, cluster, store, addToDoors }: ClusterDeviceStateParts): void {
    const t = messagesOf(RED, "alocity-device-state");
    if (typeof store === "string" && store.trim() !== "") {
        node.warn(t("log.store-not-used", { store: store.trim() }));
    }
    if (cluster.kind === "missing") {
        node.error(t("log.cluster-missing", { id: cluster.id }));
        view.showProblem({ fill: "red", shape: "ring", text: t("status.cluster-missing") });
        node.on("input", (_msg, _send, done) => done(new Error(t("log.cluster-missing-dropped", { id: cluster.id }))));
        node.on("close", (_removed: boolean, done: () => void) => {
            view.close();
            done();
        });
        return;
    }
    const connection: ClusterConnection = cluster.connection;
    const scope = `${node._alias ?? node.id}:${node.z ?? ""}`;
    const failures = new LogThrottle(
        (line) => node.error(line),
        (total, _counts, windowMs) => t("log.cluster-failed-summary", { count: total, seconds: windowMs / 1000 }),
    );
    let loaded = false;
    /** Events handed to the shared records and not written yet: a `get` is answered after them. */
    const writing = new Set<Promise<unknown>>();
    const shared: SharedFleet = new SharedFleet(connection, scope, config, INSTANCE_ID, {
        synced(serialNumber, record) {
            sidebar.changed(serialNumber);
            tellDeviceRecord(connection.bus, { deviceState: scope, serialNumber, record });
            showState();
        },
        settled: (update) => sent(update, (msgs) => node.send(msgs)),
        failed(error) {
            // While Redis is down, the status says so (and the cluster node logs it once).
            if (connection.state === "ready") failures.report("failed", () => t("log.cluster-failed", { error: error.message }));
        },
    });
    const sidebar = addToDoors(() => (loaded ? shared.fleet : undefined));
    const arrivals = new ArrivalQueue<Arrival>(MAX_WAITING_EVENTS, ({ done }) => {
        if (arrivals.dropped === 1) node.warn(t("log.cluster-dropping", { count: MAX_WAITING_EVENTS }));
        done(new Error(t("log.cluster-dropped", { count: MAX_WAITING_EVENTS })));
    });

    function showState(): void {
        if (connection.state === "down") {
            const count = arrivals.waitingEvents + writing.size;
            view.showProblem({ fill: "red", shape: "ring", text: t("status.cluster-down", { count }) });
        } else if (loaded && connection.state === "ready") {
            view.showCounts(shared.fleet.status());
        } else {
            view.showProblem({ fill: "grey", shape: "ring", text: t("status.loading") });
        }
    }

    /** Sends what this instance's winning write changed. */
    function sent(update: DeviceUpdate, send: Send): void {
        sidebar.changed(update.serialNumber);
        if (update.changes.length > 0 || update.alarms.length > 0) send([update.changes, update.alarms]);
        showState();
    }

    function forget(payload: unknown, send: Send, done: (error?: Error) => void): void {
        const query = view.forgetQuery(payload);
        const serialNumber = query === undefined ? undefined : shared.fleet.serialOf(query);
        if (query === undefined || serialNumber === undefined) {
            if (query !== undefined) view.forgetUnknown(query);
            done();
            return;
        }
        shared.forget(serialNumber).then((update) => {
            if (update === undefined) view.forgetUnknown(query);
            else sent(update, send);
            done();
        }, done);
    }

    function receive({ msg, receivedAt, send, done }: Arrival): void {
        if (msg.topic === "get") {
            void Promise.allSettled(writing).then(() => {
                msg.payload = shared.fleet.get(deviceQuery(msg.payload));
                send([msg, null]);
                done();
            });
            return;
        }
        if (msg.topic === "forget") {
            forget(msg.payload, send, done);
            return;
        }
        const read = reportOfMessage(msg, receivedAt);
        if (read.kind !== "device") {
            if (read.kind === "not-an-event") view.notAnEvent();
            done();
            return;
        }
        const written: Promise<unknown> = shared.handle(read.report, receivedAt).then(
            (update) => {
                writing.delete(written);
                view.tell(update.serialNumber, update.notices, () => shared.fleet.status());
                sent(update, send);
                done();
            },
            (error: Error) => {
                writing.delete(written);
                done(error instanceof ClosedError ? new Error(t("log.cluster-closed-waiting")) : error);
            },
        );
        writing.add(written);
    }

    function takeWaiting(): void {
        const dropped = arrivals.dropped;
        arrivals.takeAll().forEach(receive);
        if (dropped > 0) node.warn(t("log.cluster-dropped-count", { count: dropped }));
    }

    const stopWatching = connection.onState((state: ClusterState) => {
        if (state === "ready" && loaded) takeWaiting();
        showState();
    });
    let closing = false;
    node.on("input", (msg, send, done) => {
        if (closing) {
            done(new Error(t("log.cluster-closed-waiting")));
            return;
        }
        const arrival = { msg: msg as Record<string, unknown>, receivedAt: Date.now(), send, done };
        if (loaded && connection.state === "ready") {
            receive(arrival);
        } else {
            arrivals.push(arrival, isCommand(arrival.msg) ? "command" : "event");
            showState();
        }
    });
    shared.load().then(
        () => {
            loaded = true;
            sidebar.changedAll();
            if (connection.state === "ready") takeWaiting();
            showState();
        },
        () => undefined, // closed before Redis answered
    );
    showState();

    node.on("close", (_removed: boolean, done: () => void) => {
        closing = true;
        stopWatching();
        const waiting = arrivals.takeAll();
        waiting.forEach(({ done: dropped }) => dropped(new Error(t("log.cluster-closed-waiting"))));
        if (waiting.length > 0) node.warn(t("log.cluster-closed-waiting-count", { count: waiting.length }));
        // What Redis already has may be written: its messages are sent before the node closes (at most CLOSE_WAIT_MS).
        void shared.finish(CLOSE_WAIT_MS).then((unsent) => {
            if (unsent > 0) node.warn(t("log.cluster-closed-unsent", { count: unsent, seconds: CLOSE_WAIT_MS / 1000 }));
            sidebar.remove();
            failures.flush();
            view.close();
            done();
        });
    });
}
