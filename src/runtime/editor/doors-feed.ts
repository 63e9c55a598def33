import type { Request, Response } from "express";
import { ChangeNotices, type ChangedSerials } from "../../core/editor/change-notices";
import type { Clock } from "../../core/shared/clock";
import { systemClock } from "../shared/system-clock";
import { DOORS_CHANGES_TOPIC, DOORS_NODES_TOPIC, DOORS_PERMISSION, DOORS_ROUTE } from "../../core/editor/doors-names";
import type { DeviceFleet } from "../../core/device-state/fleet";
import type { DeviceRecord } from "../../core/device-state/record";
import { serialKey } from "../../core/events/event-values";
import { flowStateOf, type FlowState } from "../shared/flow-state";
import type { NodeAPI } from "../shared/node-red";
import { onePer } from "../shared/one-per";
import { serveAdminRoute } from "./admin-routes";

/**
 * What the editor's Doors sidebar reads: the records of every deployed alocity-device-state node, only through
 * `GET /alocity-doors` (permission alocity-device-state.read). Node-RED's comms reach every connected editor
 * whatever its permissions, so what goes there names nodes, serial numbers and versions, never a record:
 * - DOORS_NODES_TOPIC (retained, so sent again to an editor each time it connects): `{ nodes: [{ id, version }] }`;
 * - DOORS_CHANGES_TOPIC: `{ id, version, serials }`, the serial numbers that changed (null: any may have), batched.
 * A node's version is new each time it starts (each deploy), and larger than any before it in this process.
 * The names are src/core/editor/doors-names.ts's, which the sidebar is handed too.
 */
export { DOORS_CHANGES_TOPIC, DOORS_NODES_TOPIC, DOORS_PERMISSION, DOORS_ROUTE };
/** The most `node` and `serial` parameters a request may give. */
export const MAX_QUERY_VALUES = 1000;

interface DoorsNodeAnswer {
    id: string;
    /** The node's name; "" when it has none. */
    name: string;
    version: number;
    /** True while the node is still reading its stored records (then `records` is empty). */
    loading: boolean;
    /** Every record by name; only those asked for, when the request names serial numbers. */
    records: DeviceRecord[];
}

export interface DoorsAnswer {
    /** The runtime's clock (epoch ms): the editor shows how long ago things were by it, not by its own. */
    now: number;
    nodes: DoorsNodeAnswer[];
}

export interface DoorsNotice {
    id: string;
    version: number;
    serials: ChangedSerials;
}

/** What the feed reads of a node: its records (DeviceFleet's); undefined while they are being read. */
export type RecordsSource = () => Pick<DeviceFleet, "get" | "recordOf"> | undefined;

/** A deployed node's part of the feed. */
export interface DoorsFeedNode {
    /** A device's record changed (or was forgotten): the editors are told, batched. */
    changed(serialNumber: string): void;
    /** Any record may have changed (the stored records were read). */
    changedAll(): void;
    /** The node closes: its records leave the feed. */
    remove(): void;
}

interface FeedEntry {
    name: string;
    version: number;
    records: RecordsSource;
}

let lastVersion = 0;
function nextVersion(): number {
    lastVersion = Math.max(Date.now(), lastVersion + 1);
    return lastVersion;
}

/** The records a request asks for: every one, or those of the serial numbers given (each once, as the core compares them). */
function recordsOf(source: ReturnType<RecordsSource>, serials: readonly string[]): DeviceRecord[] {
    if (source === undefined) {
        return [];
    }
    if (serials.length === 0) {
        const all = source.get(undefined);
        return Array.isArray(all) ? all : [];
    }
    const found = new Map<string, DeviceRecord>();
    for (const serial of serials) {
        const record = source.recordOf(serial);
        if (record !== undefined) {
            found.set(serialKey(record.serialNumber), record);
        }
    }
    return Array.from(found.values());
}

export class DoorsFeed {
    private readonly nodes = new Map<string, FeedEntry>();
    private readonly flows: FlowState;

    /** Told of the nodes as flows start, and as they stop for good (a node closed meanwhile is no longer shown). */
    constructor(
        private readonly RED: Pick<NodeAPI, "comms" | "events">,
        private readonly clock: Clock = systemClock,
    ) {
        this.flows = flowStateOf(RED.events);
        this.flows.onChange((state) => {
            if (state !== "deploying") this.publishNodes();
        });
    }

    /** Adds a deployed node (with a new version); the editors learn of it, at once or when the deploy is done. */
    add(node: { id: string; name?: string }, records: RecordsSource): DoorsFeedNode {
        const entry: FeedEntry = { name: node.name ?? "", version: nextVersion(), records };
        this.nodes.set(node.id, entry);
        const publish = (serials: ChangedSerials) => this.publish(DOORS_CHANGES_TOPIC, { id: node.id, version: entry.version, serials });
        const notices = new ChangeNotices(publish, this.clock);
        this.publishNodes();
        return {
            changed: (serialNumber) => notices.changed(serialNumber),
            changedAll: () => notices.changedAll(),
            remove: () => {
                notices.stop();
                if (this.nodes.get(node.id) === entry) {
                    this.nodes.delete(node.id);
                    this.publishNodes();
                }
            },
        };
    }

    /** The answer to GET /alocity-doors: the nodes named in `ids` (all when none is), in the order they started. */
    answer(ids: readonly string[], serials: readonly string[]): DoorsAnswer {
        const wanted = ids.length === 0 ? undefined : new Set(ids);
        const nodes: DoorsNodeAnswer[] = [];
        for (const [id, { name, version, records }] of this.nodes) {
            if (wanted === undefined || wanted.has(id)) {
                const source = records();
                nodes.push({ id, name, version, loading: source === undefined, records: recordsOf(source, serials) });
            }
        }
        return { now: Date.now(), nodes };
    }

    /** While a deploy stops and starts nodes, the list is told once, when flows have started. */
    private publishNodes(): void {
        if (this.flows.current !== "deploying") {
            const nodes = Array.from(this.nodes, ([id, { version }]) => ({ id, version }));
            this.publish(DOORS_NODES_TOPIC, { nodes }, true);
        }
    }

    private publish(topic: string, data: object, retain = false): void {
        this.RED.comms?.publish(topic, data, retain);
    }
}

const feedOf = onePer((_events: object, RED: NodeAPI) => new DoorsFeed(RED));

/**
 * The feed of a runtime (one per event bus), its route served on `RED.httpAdmin` once per admin app, however often
 * the node module is loaded. Without the runtime's permission check (`RED.auth`) no route is served: the records
 * would be open to anyone.
 */
export function doorsFeedFor(RED: NodeAPI): DoorsFeed {
    // A stand-in for Node-RED without an admin API (the bench's) gets a feed and no route.
    const served = feedOf(RED.events, RED);
    serveAdminRoute(RED, "get", DOORS_ROUTE, DOORS_PERMISSION, (req: Request, res: Response) => {
        const query = new URL(req.url, "http://localhost").searchParams;
        const ids = query.getAll("node");
        const serials = query.getAll("serial");
        if (ids.length > MAX_QUERY_VALUES || serials.length > MAX_QUERY_VALUES) {
            res.status(400).json({ error: RED._("alocity-device-state.doors.too-many", { max: MAX_QUERY_VALUES }) });
            return;
        }
        res.json(served.answer(ids, serials));
    });
    return served;
}
