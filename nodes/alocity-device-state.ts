import { parseDeviceStateConfig } from "../src/core/device-config";
import { DeviceStates, type DeviceStatus, type DeviceUpdate } from "../src/core/device-states";
import { LogThrottle } from "../src/core/log-throttle";
import { contextStoreOf, DeviceContext, newDeviceHandover } from "../src/runtime/device-context";
import { DeviceTimers } from "../src/runtime/device-timers";
import { doorsFeedFor } from "../src/runtime/doors-feed";
import type { NodeAPI, NodeDef, NodeRedNode, NodeStatus } from "../src/runtime/node-red";
import { ThrottledStatus } from "../src/runtime/throttled-status";

type Send = (msg: unknown) => void;

interface Arrival {
    msg: Record<string, unknown>;
    send: Send;
    done: () => void;
}

/** What a `get` asks for: a serial number or name; undefined (every record) for anything else, or blank text. */
function getQuery(payload: unknown): string | undefined {
    return typeof payload === "string" && payload.trim() !== "" ? payload : undefined;
}

/** What a value is, in a log line. */
function typeName(value: unknown): string {
    if (value === null) return "null";
    if (Array.isArray(value)) return "an array";
    return typeof value === "object" ? "an object" : typeof value;
}

export = function (RED: NodeAPI) {
    const t = (key: string, substitutions?: Record<string, unknown>) => RED._(`alocity-device-state.${key}`, substitutions);
    const handover = newDeviceHandover(RED.events);
    const doors = doorsFeedFor(RED);

    function statusOf({ devices, openDoors, alarms }: DeviceStatus): NodeStatus {
        return {
            fill: alarms > 0 ? "red" : "green",
            shape: "dot",
            text: t("status.summary", {
                devices: t(devices === 1 ? "status.devices-one" : "status.devices-other", { count: devices }),
                open: t("status.open", { count: openDoors }),
                alarms: t(alarms === 1 ? "status.alarms-one" : "status.alarms-other", { count: alarms }),
            }),
        };
    }

    function AlocityDeviceState(this: NodeRedNode, def: NodeDef) {
        RED.nodes.createNode(this, def);
        const node = this;
        const config = parseDeviceStateConfig(def);
        const { store, unknown } = contextStoreOf(RED.settings, def.store);
        const storeName = store ?? t("label.default-store");
        const status = new ThrottledStatus(node);
        const warnings = new LogThrottle(
            (line) => node.warn(line),
            (total, _counts, windowMs) => t("log.warnings-summary", { count: total, seconds: windowMs / 1000 }),
        );
        const storeErrors = new LogThrottle(
            (line) => node.error(line),
            (total, _counts, windowMs) => t("log.write-failed-summary", { count: total, store: storeName, seconds: windowMs / 1000 }),
        );
        if (unknown !== undefined) {
            node.warn(t("log.unknown-store", { store: unknown }));
        }
        const context = new DeviceContext(node, store, handover, (operation, error) => {
            if (operation === "read") {
                node.error(t("log.read-failed", { store: storeName, error: error.message }));
            } else {
                storeErrors.report("write", () => t("log.write-failed", { store: storeName, error: error.message }));
            }
        });

        let states: DeviceStates | undefined;
        let arrivals: Arrival[] = [];
        let shown: DeviceStatus | undefined;
        let closed = false;
        const sidebar = doors.add(node, () => states);

        const showStatus = (current: DeviceStatus) => {
            if (shown?.devices !== current.devices || shown.openDoors !== current.openDoors || shown.alarms !== current.alarms) {
                shown = current;
                status.show(() => statusOf(current));
            }
        };

        const timers = new DeviceTimers((serialNumber) => {
            const update = states?.due(serialNumber, Date.now());
            if (states !== undefined && update !== undefined) {
                apply(states, update, (msgs) => node.send(msgs));
            }
        });

        /**
         * Stores what an operation did to a device (an event refreshes its lastSeen even when it changes nothing; a
         * timer that finds nothing due changes nothing), arms its timer for the next deadline and sends its messages.
         */
        const apply = (loaded: DeviceStates, update: DeviceUpdate, send: Send, fromEvent = false) => {
            const { serialNumber, changes, alarms } = update;
            const changed = changes.length > 0 || alarms.length > 0;
            if (changed || fromEvent) {
                context.save(serialNumber, update.device);
                sidebar.changed(serialNumber);
            }
            timers.arm(serialNumber, update.deadline);
            if (changed) {
                send([changes, alarms]);
                showStatus(loaded.status());
            }
        };

        const forget = (loaded: DeviceStates, query: unknown, send: Send) => {
            if (typeof query !== "string" && typeof query !== "number") {
                warnings.report("forget-not-a-name", () => t("log.forget-not-a-name", { type: typeName(query) }));
                return;
            }
            const update = loaded.forget(query, Date.now());
            if (update === undefined) {
                warnings.report("forget-unknown", () => t("log.forget-unknown", { query }));
            } else {
                apply(loaded, update, send);
            }
        };

        const receive = (loaded: DeviceStates, { msg, send, done }: Arrival) => {
            if (msg.topic === "get") {
                msg.payload = loaded.get(getQuery(msg.payload));
                send([msg, null]);
            } else if (msg.topic === "forget") {
                forget(loaded, msg.payload, send);
            } else {
                const outcome = loaded.handle(msg, Date.now());
                if (outcome.kind === "device") {
                    apply(loaded, outcome, send, true);
                } else if (outcome.kind === "not-an-event") {
                    warnings.report("not-an-event", () => t("log.not-an-event"));
                }
            }
            done();
        };

        node.on("input", (msg, send, done) => {
            const arrival = { msg: msg as Record<string, unknown>, send, done };
            if (states === undefined) {
                arrivals.push(arrival);
            } else {
                receive(states, arrival);
            }
        });

        context.load((stored) => {
            if (closed) return;
            const loaded = new DeviceStates(config, stored);
            context.adopt(loaded.devicesToStore());
            for (const { serialNumber, deadline } of loaded.deadlines()) {
                timers.arm(serialNumber, deadline);
            }
            showStatus(loaded.status());
            states = loaded;
            sidebar.changedAll();
            const waiting = arrivals;
            arrivals = [];
            for (const arrival of waiting) {
                receive(loaded, arrival);
            }
        });
        if (states === undefined) {
            status.show(() => ({ fill: "grey", shape: "ring", text: t("status.loading") }));
        }

        node.on("close", (removed: boolean, done: () => void) => {
            closed = true;
            sidebar.remove();
            context.close(removed);
            timers.clearAll();
            for (const { done: dropped } of arrivals) {
                dropped();
            }
            arrivals = [];
            status.stop();
            warnings.flush();
            storeErrors.flush();
            done();
        });
    }

    RED.nodes.registerType("alocity-device-state", AlocityDeviceState);
};
