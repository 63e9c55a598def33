import { POSITION_LISTS, parseDeviceStateConfig, valuesInBothLists, type PositionField } from "../src/core/device-state/config";
import { DeviceFleet, type DeviceUpdate } from "../src/core/device-state/fleet";
import { LogThrottle } from "../src/core/shared/log-throttle";
import { ArrivalQueue, MAX_WAITING_EVENTS, type Arrival, type Send } from "../src/runtime/device-state/arrival-queue";
import { contextStoreOf, DeviceContext, newDeviceHandover, type Schedule, type StoredDevices } from "../src/runtime/device-state/context";
import { runOnCluster } from "../src/runtime/device-state/cluster-device-state";
import { clusterOf } from "../src/runtime/cluster/cluster-node";
import { DeviceTimers } from "../src/runtime/device-state/device-timers";
import { doorsFeedFor } from "../src/runtime/editor/doors-feed";
import { deviceQuery, DeviceStateView, isCommand } from "../src/runtime/device-state/device-state-view";
import { messagesOf, type NodeAPI, type NodeDef, type NodeRedNode } from "../src/runtime/shared/node-red";

/** How long the context store may take to answer before the node says so. */
const STORE_ANSWER_MS = 30_000;

/** `schedule` times the store's read retries: Node-RED gives none (timers); a test gives a clock it moves by hand. */
export = function (RED: NodeAPI, schedule?: Schedule) {
    const t = messagesOf(RED, "alocity-device-state");
    const handover = newDeviceHandover(RED.events);
    const doors = doorsFeedFor(RED);

    function warnOfValuesInBothLists(node: NodeRedNode, def: NodeDef): void {
        for (const field of Object.keys(POSITION_LISTS) as PositionField[]) {
            const both = valuesInBothLists(field, def);
            if (both.length > 0) {
                const [first, second] = POSITION_LISTS[field];
                node.warn(t("log.in-both-lists", { values: both.join(", "), first, second }));
            }
        }
    }

    function AlocityDeviceState(this: NodeRedNode, def: NodeDef) {
        RED.nodes.createNode(this, def);
        const node = this;
        const config = parseDeviceStateConfig(def);
        const view = new DeviceStateView(node, RED);
        warnOfValuesInBothLists(node, def);
        const cluster = clusterOf(RED, def.cluster);
        if (cluster.kind !== "none") {
            runOnCluster({ RED, node, view, config, cluster, store: def.store, addToDoors: (records) => doors.add(node, records) });
            return;
        }
        const { store, unknown } = contextStoreOf(RED.settings, def.store);
        const storeName = store ?? t("label.default-store");
        const storeErrors = new LogThrottle(
            (line) => node.error(line),
            (total, _counts, windowMs) => t("log.write-failed-summary", { count: total, store: storeName, seconds: windowMs / 1000 }),
        );
        if (unknown !== undefined) {
            node.warn(t("log.unknown-store", { store: unknown }));
        }
        const context = new DeviceContext(
            node,
            store,
            handover,
            (error) => storeErrors.report("write", () => t("log.write-failed", { store: storeName, error: error.message })),
            schedule,
        );

        let fleet: DeviceFleet | undefined;
        const arrivals = new ArrivalQueue<Arrival>(MAX_WAITING_EVENTS, ({ done }) => {
            if (arrivals.dropped === 1) {
                node.warn(t("log.dropping", { store: storeName, count: MAX_WAITING_EVENTS }));
            }
            done(new Error(t("log.dropped", { store: storeName, count: MAX_WAITING_EVENTS })));
        });
        let closed = false;
        const sidebar = doors.add(node, () => fleet);

        const timers = new DeviceTimers((serialNumber) => {
            const update = fleet?.due(serialNumber, Date.now());
            if (fleet !== undefined && update !== undefined) {
                apply(fleet, update, (msgs) => node.send(msgs));
            }
        });

        /**
         * Stores what an operation did to a device (an event refreshes its lastSeen even when it changes nothing; a
         * timer that finds nothing due changes nothing), arms its timer for the next deadline and sends its messages.
         */
        const apply = (loaded: DeviceFleet, update: DeviceUpdate, send: Send, fromEvent = false) => {
            const { serialNumber, changes, alarms } = update;
            const changed = changes.length > 0 || alarms.length > 0;
            if (changed || fromEvent) {
                context.save(serialNumber, update.device);
                sidebar.changed(serialNumber);
            }
            timers.arm(serialNumber, update.deadline);
            if (changed) {
                send([changes, alarms]);
                view.showCounts(loaded.status());
            }
        };

        const forget = (loaded: DeviceFleet, payload: unknown, send: Send) => {
            const query = view.forgetQuery(payload);
            if (query === undefined) {
                return;
            }
            const update = loaded.forget(query, Date.now());
            if (update === undefined) {
                view.forgetUnknown(query);
            } else {
                apply(loaded, update, send);
            }
        };

        const receive = (loaded: DeviceFleet, { msg, receivedAt, send, done }: Arrival) => {
            if (msg.topic === "get") {
                msg.payload = loaded.get(deviceQuery(msg.payload));
                send([msg, null]);
            } else if (msg.topic === "forget") {
                forget(loaded, msg.payload, send);
            } else {
                const outcome = loaded.handle(msg, receivedAt);
                if (outcome.kind === "device") {
                    view.tell(outcome.serialNumber, outcome.notices, () => loaded.status());
                    apply(loaded, outcome, send, true);
                } else if (outcome.kind === "not-an-event") {
                    view.notAnEvent();
                }
            }
            done();
        };

        node.on("input", (msg, send, done) => {
            const arrival = { msg: msg as Record<string, unknown>, receivedAt: Date.now(), send, done };
            if (fleet === undefined) {
                arrivals.push(arrival, isCommand(arrival.msg) ? "command" : "event");
            } else {
                receive(fleet, arrival);
            }
        });

        const storeSilent = setTimeout(() => {
            node.error(
                t("log.store-silent", {
                    store: storeName,
                    seconds: STORE_ANSWER_MS / 1000,
                    waiting: arrivals.waitingEvents,
                    max: MAX_WAITING_EVENTS,
                }),
            );
            view.showProblem({ fill: "red", shape: "ring", text: t("status.store-silent", { store: storeName }) });
        }, STORE_ANSWER_MS);

        let readFailed = false;
        const storeUnreadable = (error: Error, failedReads: number, retryInMs: number) => {
            readFailed = true;
            clearTimeout(storeSilent);
            if (failedReads === 1) {
                node.error(
                    t("log.read-failed", { store: storeName, error: error.message, seconds: retryInMs / 1000, max: MAX_WAITING_EVENTS }),
                );
                view.showProblem({ fill: "red", shape: "ring", text: t("status.store-unreadable", { store: storeName }) });
            }
        };

        const recordsRead = (stored: StoredDevices, failedReads: number) => {
            clearTimeout(storeSilent);
            if (closed) return;
            if (failedReads > 0) {
                node.log(t("log.read-recovered", { store: storeName, count: failedReads, waiting: arrivals.waitingEvents }));
            }
            const loaded = new DeviceFleet(config, stored);
            context.adopt(loaded.devicesToStore());
            for (const { serialNumber, deadline } of loaded.deadlines()) {
                timers.arm(serialNumber, deadline);
            }
            view.showCounts(loaded.status());
            fleet = loaded;
            sidebar.changedAll();
            const dropped = arrivals.dropped;
            for (const arrival of arrivals.takeAll()) {
                receive(loaded, arrival);
            }
            if (dropped > 0) {
                node.warn(t("log.dropped-count", { count: dropped, store: storeName }));
            }
        };
        context.load({ unreadable: storeUnreadable, loaded: recordsRead });
        if (fleet === undefined && !readFailed) {
            view.showProblem({ fill: "grey", shape: "ring", text: t("status.loading") });
        }

        node.on("close", (removed: boolean, done: () => void) => {
            closed = true;
            clearTimeout(storeSilent);
            sidebar.remove();
            context.close(removed);
            timers.clearAll();
            const waiting = arrivals.takeAll();
            for (const { done: dropped } of waiting) {
                dropped(new Error(t("log.closed-waiting", { store: storeName })));
            }
            if (waiting.length > 0) {
                node.warn(t("log.closed-waiting-count", { count: waiting.length, store: storeName }));
            }
            view.close();
            storeErrors.flush();
            done();
        });
    }

    RED.nodes.registerType("alocity-device-state", AlocityDeviceState);
};
