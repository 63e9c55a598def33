import { DeviceFleet } from "../../core/device-state/fleet";
import type { DeviceStateConfig } from "../../core/device-state/config";
import {
    applyEventOnCopy,
    forgetDeviceOnCopy,
    readSharedDevice,
    settleDeviceOnCopy,
    type DeviceUpdate,
    type EventUpdate,
} from "../../core/device-state/device-operations";
import { copyDeviceRecord, type DeviceRecord } from "../../core/device-state/record";
import type { DeviceReport } from "../../core/device-state/report";
import type { StoredDevice } from "../../core/device-state/stored-device";
import { serialKey } from "../../core/events/event-values";
import type { ClusterConnection } from "../cluster/cluster-connection";
import { ClosedError, InFlight } from "./in-flight";
import { parseChange, parseRecord, SharedRecords, type SharedRecord } from "./shared-records";

/** What a SharedFleet tells its node. */
export interface SharedFleetListener {
    /** Another instance changed a device (`record`: a copy) or forgot it (undefined), and this instance has it now. */
    synced(serialNumber: string, record: DeviceRecord | undefined): void;
    /** Alarms that fell due, raised (or cleared) by this instance: its write won, so no other instance sends them. */
    settled(update: DeviceUpdate): void;
    /** A Redis command failed: what it was for is tried again once Redis is ready. */
    failed(error: Error): void;
}

/** How often the deadlines set is looked at, and how many due devices are taken from it each time. */
const DUE_POLL_MS = 1000;
const DUE_BATCH = 100;
/**
 * How often every record's version is compared with Redis (changes whose message was missed). At 10,000 devices one
 * comparison costs Redis about 60-80 ms (measured on a busy 2-core machine; HGETALL of the records: 70-100 ms) and
 * answers about 0.2 MB (the records themselves: 5.8 MB).
 */
const RESYNC_MS = 10_000;
/** The wait before an operation that failed while Redis was ready is tried again. */
const RETRY_MS = 1000;

/**
 * One alocity-device-state node's devices in a cluster: the records live in Redis (see SharedRecords), `fleet` is this
 * instance's copy, kept in sync (changed messages, a full comparison after each reconnection and every 10 s). Every
 * write is a compare-and-set of one record: one that loses reads the record again and applies the operation again,
 * so only the winning write's messages are sent, once across the cluster. The operations on one device run one after
 * another; different devices in parallel. An operation that fails on Redis is tried again once it is ready: the
 * compare-and-set makes that safe, and a write whose answer was lost is known by its writer id.
 */
export class SharedFleet {
    readonly fleet: DeviceFleet;
    private readonly records: SharedRecords;
    private readonly versions = new Map<string, number>();
    private readonly queues = new Map<string, Promise<unknown>>();
    private readonly settling = new Set<string>();
    private readonly sending = new InFlight();
    /** Keys of changes told while loading: read again once loaded. */
    private changedWhileLoading: Set<string> | undefined = new Set();
    private readonly waiters = new Set<() => void>();
    private readonly stops: Array<() => void> = [];
    private writes = 0;
    private closed = false;
    private polling = false;
    private resyncing = false;

    constructor(
        private readonly connection: ClusterConnection,
        scope: string,
        private readonly config: DeviceStateConfig,
        private readonly instanceId: string,
        private readonly listener: SharedFleetListener,
        private readonly now: () => number = Date.now,
    ) {
        this.fleet = new DeviceFleet(config);
        this.records = new SharedRecords(connection, scope);
        this.stops.push(connection.subscribe(this.records.channel, (message) => this.changed(message)));
    }

    /** Reads every record (once Redis is ready; again until it answers), then keeps them in sync and settles due alarms. */
    async load(): Promise<void> {
        const all = await this.retrying(() => this.records.readAll());
        if (this.closed) throw new ClosedError();
        for (const [key, value] of Object.entries(all)) {
            this.adopt(key, parseRecord(value), false);
        }
        const changed = this.changedWhileLoading ?? new Set();
        this.changedWhileLoading = undefined;
        changed.forEach((key) => this.queueRefresh(key));
        const poll = setInterval(() => void this.pollDue(), DUE_POLL_MS);
        const resync = setInterval(() => void this.resync(), RESYNC_MS);
        this.stops.push(() => [poll, resync].forEach((timer) => clearInterval(timer)));
        this.stops.push(this.connection.onState((state) => state === "ready" && void this.resync()));
    }

    /** Applies a report received at `receivedAt` to its device's shared record; resolves once written. */
    handle(report: DeviceReport, receivedAt: number): Promise<EventUpdate> {
        const key = serialKey(report.serialNumber);
        // An event always has something to write.
        const write = () => this.writeUntilWon(key, (stored) => applyEventOnCopy(stored, report, this.config, receivedAt));
        return this.sending.track(this.run(key, async () => (await write()) as EventUpdate));
    }

    /** Forgets a device (its serial number); undefined when no instance knows it any more. */
    forget(serialNumber: string): Promise<DeviceUpdate | undefined> {
        const key = serialKey(serialNumber);
        const write = () => this.writeUntilWon(key, (stored) => stored && forgetDeviceOnCopy(stored, this.now()));
        return this.sending.track(this.run(key, write));
    }

    /**
     * Takes no new work (syncing, due alarms), waits at most `boundMs` for the operations in flight to be done and sent,
     * then closes. Resolves with how many were not done: their writes may have been made, but nothing of them is sent.
     */
    async finish(boundMs: number): Promise<number> {
        this.stops.splice(0).forEach((stop) => stop());
        const unsent = await this.sending.settled(boundMs);
        this.close();
        return unsent;
    }

    /** Stops syncing and settling; what was waiting for Redis fails with ClosedError. Redis is left as it is. */
    close(): void {
        this.closed = true;
        this.stops.splice(0).forEach((stop) => stop());
        this.waiters.forEach((wake) => wake());
    }

    /** Settles the devices whose deadline has come (at most DUE_BATCH per look), each once at a time. */
    private async pollDue(): Promise<void> {
        if (this.closed || this.polling || this.connection.state !== "ready") return;
        this.polling = true;
        try {
            for (const key of await this.records.due(this.now(), DUE_BATCH)) {
                if (this.settling.has(key)) continue;
                this.settling.add(key);
                void this.sending
                    .track(this.run(key, () => this.settle(key)))
                    .catch((error: Error) => error instanceof ClosedError || this.listener.failed(error))
                    .finally(() => this.settling.delete(key));
            }
        } catch (error) {
            this.listener.failed(error as Error);
        } finally {
            this.polling = false;
        }
    }

    private async settle(key: string): Promise<void> {
        // The record as it is now: the copy may not have heard of the change that made it due yet.
        await this.refresh(key);
        const update = await this.writeUntilWon(key, (stored) => stored && settleDeviceOnCopy(stored, this.config, this.now()));
        if (update !== undefined && (update.changes.length > 0 || update.alarms.length > 0)) {
            this.listener.settled(update);
        }
    }

    /** Writes what `operation` makes of the device's record until a write wins; undefined: nothing to write. */
    private async writeUntilWon<Update extends DeviceUpdate>(
        key: string,
        operation: (stored: StoredDevice | undefined) => Update | undefined,
    ): Promise<Update | undefined> {
        const writer = `${this.instanceId}:${++this.writes}`;
        let sent: Update | undefined;
        for (;;) {
            try {
                if (sent !== undefined) {
                    // The last write failed on its way: it may have been made (and replaced since by another).
                    const made = await this.records.written(writer);
                    const current = await this.records.read(key);
                    if (made !== undefined) this.keep(key, made, sent.device);
                    this.adopt(key, current, true);
                    if (made !== undefined) return sent;
                    sent = undefined;
                }
                const update = operation(this.fleet.storedOf(key));
                if (update === undefined) return undefined;
                sent = update;
                const { won, version } = await this.records.write(key, this.versions.get(key) ?? 0, update.device, update.deadline, writer);
                sent = undefined;
                if (won) {
                    this.keep(key, version, update.device);
                    return update;
                }
                this.adopt(key, await this.records.read(key), true);
            } catch (error) {
                if (this.closed) throw new ClosedError();
                this.listener.failed(error as Error);
                await this.untilReady();
                if (this.closed) throw new ClosedError();
            }
        }
    }

    /** This instance's own write won: its copy is the record. */
    private keep(key: string, version: number, device: StoredDevice | undefined): void {
        if (device === undefined) {
            this.versions.delete(key);
        } else {
            this.versions.set(key, version);
        }
        this.fleet.replace(key, device);
    }

    /**
     * A record read from Redis (undefined: there is none) replaces the copy; `tell`: the node hears of it. A record
     * that cannot be read as a device counts as none, at its version (the next write replaces it).
     */
    private adopt(key: string, record: SharedRecord | undefined, tell: boolean): void {
        const device = record === undefined ? undefined : readSharedDevice(record.device);
        const known = this.fleet.storedOf(key);
        if (record !== undefined && record.version === this.versions.get(key)) return;
        if (record === undefined) {
            this.versions.delete(key);
        } else {
            this.versions.set(key, record.version);
        }
        if (device === undefined && known === undefined) return;
        this.fleet.replace(key, device);
        if (tell) {
            this.listener.synced((device ?? known)!.record.serialNumber, device && copyDeviceRecord(device.record));
        }
    }

    private async refresh(key: string): Promise<void> {
        this.adopt(key, await this.records.read(key), true);
    }

    private queueRefresh(key: string): void {
        void this.run(key, () => this.refresh(key)).catch((error: Error) => this.listener.failed(error));
    }

    private changed(message: string): void {
        const change = parseChange(message);
        if (change === undefined || this.closed) return;
        if (this.changedWhileLoading !== undefined) {
            this.changedWhileLoading.add(change.key);
        } else if ((this.versions.get(change.key) ?? 0) !== change.version) {
            // Checked again in turn: a write of this instance that is on its way may be the one told.
            void this.run(change.key, async () => {
                if ((this.versions.get(change.key) ?? 0) !== change.version) await this.refresh(change.key);
            }).catch((error: Error) => this.listener.failed(error));
        }
    }

    /** Compares every record's version with the copy's (a script answers the versions alone), and reads again those that differ. */
    private async resync(): Promise<void> {
        if (this.closed || this.resyncing || this.connection.state !== "ready") return;
        this.resyncing = true;
        try {
            const versions = await this.records.versions();
            for (const [key, version] of versions) {
                if (version !== (this.versions.get(key) ?? 0)) this.queueRefresh(key);
            }
            for (const key of this.versions.keys()) {
                if (!versions.has(key)) this.queueRefresh(key);
            }
        } catch (error) {
            this.listener.failed(error as Error);
        } finally {
            this.resyncing = false;
        }
    }

    private async retrying<T>(command: () => Promise<T>): Promise<T> {
        for (;;) {
            if (this.closed) throw new ClosedError();
            try {
                return await command();
            } catch (error) {
                if (this.closed) throw new ClosedError();
                this.listener.failed(error as Error);
                await this.untilReady();
            }
        }
    }

    /** Resolves once Redis is ready again (or after RETRY_MS when it says it is), or when the node closes. */
    private untilReady(): Promise<void> {
        return new Promise((resolve) => {
            const wake = () => {
                this.waiters.delete(wake);
                clearTimeout(timer);
                stop();
                resolve();
            };
            const ready = this.connection.state === "ready";
            const timer = ready ? setTimeout(wake, RETRY_MS) : undefined;
            const stop = ready ? () => undefined : this.connection.onState((state) => state === "ready" && wake());
            this.waiters.add(wake);
        });
    }

    /** Runs the operations on one device one after another. */
    private run<T>(key: string, operation: () => Promise<T>): Promise<T> {
        const result = (this.queues.get(key) ?? Promise.resolve()).then(operation);
        const tail = result.catch(() => undefined);
        this.queues.set(key, tail);
        void tail.then(() => this.queues.get(key) === tail && this.queues.delete(key));
        return result;
    }
}
