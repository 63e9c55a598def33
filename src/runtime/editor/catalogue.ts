import type { Request, Response } from "express";
import { bodyCeiling } from "../../core/webhook/body-limit";
import { EVENT_CODES, KNOWN_VALUE_LABELS, KNOWN_VALUES, MAIN_FIELDS } from "../../core/events/catalogue";
import type { NodeAPI } from "../shared/node-red";
import { serveAdminRoute } from "./admin-routes";

/**
 * What the package's edit dialogs take from the runtime, so that each list lives in one place in src/core: the event
 * codes, the known values and the main field of each event; and what only the running runtime knows, the largest body
 * a webhook may read (its apiMaxLength). The dialogs' rules themselves are built into the editor files (see
 * src/core/editor/rules.ts).
 */
const CATALOGUE_ROUTE = "/alocity-catalogue";
/** Read permission: a read-only editor user may see it. */
const CATALOGUE_PERMISSION = "alocity-catalogue.read";

export interface EditorCatalogue {
    events: readonly string[];
    values: typeof KNOWN_VALUES;
    /** How the suggestions show a value where it says more than the value ("Lockdown Start (7)"). */
    labels: typeof KNOWN_VALUE_LABELS;
    fields: typeof MAIN_FIELDS;
    /** Node-RED's apiMaxLength in bytes: the most alocity-webhook-in's maxBytes may be. */
    maxBodyBytes: number;
}

const CATALOGUE: Omit<EditorCatalogue, "maxBodyBytes"> = {
    events: EVENT_CODES,
    values: KNOWN_VALUES,
    labels: KNOWN_VALUE_LABELS,
    fields: MAIN_FIELDS,
};

/** Serves the catalogue on `RED.httpAdmin`, once per admin app, whichever node module loads first. */
export function serveEditorCatalogue(RED: Pick<NodeAPI, "httpAdmin" | "auth" | "settings">): void {
    serveAdminRoute(RED, "get", CATALOGUE_ROUTE, CATALOGUE_PERMISSION, (_req: Request, res: Response) => {
        const catalogue: EditorCatalogue = { ...CATALOGUE, maxBodyBytes: bodyCeiling(RED.settings.apiMaxLength) };
        res.json(catalogue);
    });
}
