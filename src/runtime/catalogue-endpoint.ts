import { EVENT_CODES, KNOWN_VALUES } from "../core/events";
import type { NodeAPI } from "./node-red";

/** The editor's event codes and value suggestions come from here, so the catalogue lives in src/core/events.ts only. */
export const CATALOGUE_ROUTE = "/alocity-event-switch/catalogue";
const CATALOGUE = { events: EVENT_CODES, values: KNOWN_VALUES };
const registeredOn = new WeakSet<object>();

/** Registers the catalogue on `RED.httpAdmin`, once per admin app, whichever node module loads first. */
export function serveEventCatalogue(RED: NodeAPI): void {
    if (!RED.auth || registeredOn.has(RED.httpAdmin)) {
        return;
    }
    registeredOn.add(RED.httpAdmin);
    RED.httpAdmin.get(CATALOGUE_ROUTE, RED.auth.needsPermission("alocity-event-switch.read"), (_req: unknown, res: { json(body: unknown): void }) =>
        res.json(CATALOGUE),
    );
}
