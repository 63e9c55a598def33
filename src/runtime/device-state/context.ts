import type { EventEmitter } from "events";
import type { StoredDevice } from "../../core/device-state/stored-device";
import { isJsonObject } from "../../core/shared/value-readers";
import type { NodeContext, NodeRedNode, NodeRedSettings } from "../shared/node-red";

/** The context key that holds the devices: one object of them by serial number. */
const DEVICES_KEY = "devices";
/** How long after a change the object is set again, with the changes made meanwhile. */
const SET_DELAY_MS = 1000;
/** The wait before the first read again after a failed one; it doubles after each failure, up to the longest. */
const FIRST_RETRY_MS = 1000;
const LONGEST_RETRY_MS = 30_000;

/** The wait before reading the store again after `failedReads` reads in a row failed (1 or more). */
function readRetryDelay(failedReads: number): number {
    return Math.min(FIRST_RETRY_MS * 2 ** Math.min(failedReads - 1, 30), LONGEST_RETRY_MS);
}

/** Runs `run` after `delayMs` (a timer); what it returns cancels it. A test gives a clock it moves by hand. */
export type Schedule = (delayMs: number, run: () => void) => () => void;

const timerSchedule: Schedule = (delayMs, run) => {
    const timer = setTimeout(run, delayMs);
    return () => clearTimeout(timer);
};

/** What DeviceContext.load tells its caller: a read failed (and when the next one is), and the devices once read. */
export interface LoadListener {
    unreadable(error: Error, failedReads: number, retryInMs: number): void;
    /** `failedReads`: how many reads failed before this one answered. */
    loaded(stored: StoredDevices, failedReads: number): void;
}

export type StoredDevices = Record<string, StoredDevice>;

/**
 * The stored devices of closed nodes, by node, for the node that replaces each one in a redeploy. Node-RED deletes a
 * redeployed node's context when settings.js configures no contextStorage; what is handed over here survives that.
 * One per registration of the node module, so that one runtime's nodes never see another's; emptied when flows have
 * started, so that what no node took over (a node moved to another flow, whose context is another one) is not kept.
 */
export type DeviceHandover = Map<string, StoredDevices>;

/** The handovers of each runtime (known by its event bus), emptied by one listener when its flows have started. */
const handoversByRuntime = new WeakMap<EventEmitter, Set<DeviceHandover>>();

/** A handover for one registration of the node module in a runtime. */
export function newDeviceHandover(events: EventEmitter): DeviceHandover {
    let handovers = handoversByRuntime.get(events);
    if (handovers === undefined) {
        const all = new Set<DeviceHandover>();
        events.on("flows:started", () => all.forEach((handover) => handover.clear()));
        handoversByRuntime.set(events, all);
        handovers = all;
    }
    const handover: DeviceHandover = new Map();
    handovers.add(handover);
    return handover;
}

/** What a node's `store` property names, checked against settings.js: undefined is the default store. */
export interface ContextStoreChoice {
    store: string | undefined;
    /** The name asked for, when settings.js has no such store (the default store is used instead). */
    unknown?: string;
}

/**
 * The context store a node's `store` property names. Node-RED itself would fall back to the default store for a name
 * it does not know, with a warning that names no node: the caller says which node instead.
 */
export function contextStoreOf(settings: NodeRedSettings, saved: unknown): ContextStoreChoice {
    const name = typeof saved === "string" ? saved.trim() : "";
    if (name === "") {
        return { store: undefined };
    }
    const configured = isJsonObject(settings.contextStorage) ? Object.keys(settings.contextStorage) : [];
    // Without contextStorage, Node-RED runs one memory store, which the editor lists as "memory".
    const known = configured.length > 0 ? configured : ["memory"];
    return known.includes(name) ? { store: name } : { store: undefined, unknown: name };
}

/**
 * A node's stored devices in its context, under one key: an object of them by serial number (each device as the core
 * keeps it, see DeviceFleet.live), updated in place, and set again a moment after a change (with the changes made
 * meanwhile) and when the node closes. A memory store or localfilesystem's cache keeps the object itself, so it holds
 * every change at once; the set tells localfilesystem that the node's scope is to be written (it writes it at most
 * every 30 s), and gives a store that copies what it is given the devices as they are then.
 * Context keys are property paths: serial numbers (which may hold "." or "[") are keys inside the object, never paths.
 */
export class DeviceContext {
    /** Undefined until loaded: nothing is written to the store before a read has answered. */
    private devices: StoredDevices | undefined;
    private pendingSet: NodeJS.Timeout | undefined;
    private cancelRetry: (() => void) | undefined;
    private closed = false;
    /** Where the node's context lives: a node in a subflow instance is known by its id in the subflow and its flow. */
    private readonly scope: string;
    private readonly context: NodeContext;
    private readonly written = (error?: Error | null) => {
        if (error) this.writeFailed(error);
    };

    constructor(
        node: NodeRedNode,
        private readonly store: string | undefined,
        private readonly handover: DeviceHandover,
        private readonly writeFailed: (error: Error) => void,
        private readonly schedule: Schedule = timerSchedule,
    ) {
        this.scope = `${node._alias ?? node.id}:${node.z ?? ""}`;
        this.context = node.context();
    }

    /**
     * Hands the stored devices over, at once when the node replaces one closed in a redeploy, else once the store has
     * answered (which may be later). A read that fails is tried again, after longer and longer waits, until one answers
     * (or the node closes): a failed read never passes for an empty store, which would then be written over. The node
     * then adopts its own (see adopt).
     */
    load(listener: LoadListener): void {
        const kept = this.handover.get(this.scope);
        if (kept !== undefined) {
            this.handover.delete(this.scope);
            this.devices = kept;
            listener.loaded(kept, 0);
            return;
        }
        this.read(listener, 0);
    }

    private read(listener: LoadListener, failedReads: number): void {
        this.cancelRetry = undefined;
        const failed = (error: unknown) => {
            const failures = failedReads + 1;
            const retryInMs = readRetryDelay(failures);
            this.cancelRetry = this.schedule(retryInMs, () => this.read(listener, failures));
            listener.unreadable(error instanceof Error ? error : new Error(String(error)), failures, retryInMs);
        };
        try {
            this.context.get(DEVICES_KEY, this.store, (error, value) => {
                if (this.closed) {
                    return;
                }
                if (error) {
                    failed(error);
                    return;
                }
                const devices = isJsonObject(value) ? (value as StoredDevices) : {};
                this.devices = devices;
                listener.loaded(devices, failedReads);
            });
        } catch (error) {
            // A store whose get throws (rather than answering an error) fails this read like any other.
            failed(error);
        }
    }

    /**
     * Puts the devices the node keeps in place of those read back (which it has made its own), so that the heap holds
     * one set of records: the store keeps the node's objects from then on.
     */
    adopt(devices: StoredDevices): void {
        this.devices = devices;
        this.context.set(DEVICES_KEY, devices, this.store, this.written);
    }

    /** Stores a device as it is now (undefined removes it); only once loaded. */
    save(serialNumber: string, device: StoredDevice | undefined): void {
        const devices = this.devices;
        if (devices === undefined) {
            return;
        }
        if (device === undefined) {
            delete devices[serialNumber];
        } else {
            devices[serialNumber] = device;
        }
        this.pendingSet ??= setTimeout(() => this.set(), SET_DELAY_MS);
    }

    /** The node closes: unless it was deleted (or had not loaded yet), what it stored goes to the node that replaces it. */
    close(removed: boolean): void {
        this.closed = true;
        this.cancelRetry?.();
        this.cancelRetry = undefined;
        if (removed) {
            clearTimeout(this.pendingSet);
            this.pendingSet = undefined;
        } else if (this.devices !== undefined) {
            if (this.pendingSet !== undefined) this.set();
            this.handover.set(this.scope, this.devices);
        }
    }

    private set(): void {
        clearTimeout(this.pendingSet);
        this.pendingSet = undefined;
        this.context.set(DEVICES_KEY, this.devices, this.store, this.written);
    }
}
