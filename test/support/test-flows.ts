// Flows the tests deploy: for the test helper (webhookFlow, credentials) and for a real Node-RED (eventSwitchFlow, the
// examples as a user deploys them).
import assert from "assert";
import fs from "fs";
import path from "path";
import type { EventRule } from "../../src/core/events/switch-rules";
import { packageDir } from "./real-node-red";
import { readoutNodes, recorderNode } from "./recorders";

export const SECRET = "whsec-test-3f9a1c2e7b5d";

/** The node types the package registers (spelled out: the tests check package.json against them). */
export const NODE_TYPES = [
    "alocity-signature",
    "alocity-webhook-in",
    "alocity-event-switch",
    "alocity-device-state",
    "alocity-home-assistant",
];

/** A node of a flow as deployed (and as the test helper loads it). */
export interface FlowNode {
    id: string;
    type: string;
    z?: string;
    name?: string;
    wires?: string[][];
    credentials?: Record<string, string>;
    [property: string]: unknown;
}

/** Credentials by node id, as the test helper takes them. */
export type Credentials = Record<string, Record<string, string>>;

export interface WebhookFlowOptions {
    url?: string;
    event?: string;
    tolerance?: number;
    id?: string;
    signatureId?: string;
    /** The node the webhook is wired to (a helper node of that id is added). */
    out?: string;
    /** The node's maxBytes, when the test sets one. */
    maxBytes?: number | string;
}

/** A flow for the test helper: alocity-signature + alocity-webhook-in at `url` wired to a helper node "out". */
export function webhookFlow({
    url = "/alocity",
    event = "",
    tolerance = 300,
    id = "in",
    signatureId = "sig",
    out = "out",
    maxBytes,
}: WebhookFlowOptions = {}): FlowNode[] {
    return [
        { id: signatureId, type: "alocity-signature", name: "", tolerance },
        {
            id,
            type: "alocity-webhook-in",
            name: "",
            url,
            signature: signatureId,
            event,
            ...(maxBytes === undefined ? {} : { maxBytes }),
            wires: [[out]],
        },
        { id: out, type: "helper" },
    ];
}

export function credentials(secret = SECRET, previousSecret?: string, signatureId = "sig"): Credentials {
    return { [signatureId]: previousSecret === undefined ? { secret } : { secret, previousSecret } };
}

export interface EventSwitchFlowOptions {
    rules: readonly EventRule[];
    /** The recorders' names are `<run>/out<output>` (read them with ofRun): global context outlives deploys. */
    run: string;
    /** The webhook's path. */
    url?: string;
    /** false: the flow without its alocity-webhook-in (as after deleting it). */
    withWebhook?: boolean;
}

/** The event switch's id in eventSwitchFlow, for nodes a test wires to it. */
export const SWITCH_ID = "switch";

/**
 * For a real Node-RED: alocity-webhook-in (signed with SECRET) -> alocity-event-switch with `rules`, checking all of
 * them, and otherwise (output rules.length) -> a recorder per output; and the recorders' read-out.
 */
export function eventSwitchFlow({ rules, run, url = "/alocity", withWebhook = true }: EventSwitchFlowOptions): FlowNode[] {
    const outputs = [...rules.keys(), rules.length];
    return [
        { id: "tab", type: "tab", label: "event switch" },
        { id: "sig", type: "alocity-signature", name: "", tolerance: 300, credentials: { secret: SECRET } },
        ...(withWebhook
            ? [
                  {
                      id: "in",
                      type: "alocity-webhook-in",
                      z: "tab",
                      name: "",
                      url,
                      signature: "sig",
                      event: "",
                      x: 120,
                      y: 100,
                      wires: [[SWITCH_ID]],
                  },
              ]
            : []),
        {
            id: SWITCH_ID,
            type: "alocity-event-switch",
            z: "tab",
            name: "",
            rules,
            otherwise: true,
            checkall: true,
            outputs: outputs.length,
            x: 320,
            y: 100,
            wires: outputs.map((output) => [`rec-${output}`]),
        },
        ...outputs.map((output) => recorderNode(`rec-${output}`, `${run}/out${output}`, { y: 60 + 40 * output })),
        ...readoutNodes(),
    ];
}

export const EXAMPLES_DIR = path.join(packageDir, "examples");

/** An example flow (Import > Examples), as its file holds it. */
/** `npm start`'s flow (scripts/demo-flow.json): not an example a user imports. */
export const DEMO_FLOW = path.join(packageDir, "scripts", "demo-flow.json");

/** An example (a file of examples/), or a flow file by its absolute path. */
export function readExample(file: string): FlowNode[] {
    return JSON.parse(fs.readFileSync(path.isAbsolute(file) ? file : path.join(EXAMPLES_DIR, file), "utf8")) as FlowNode[];
}

/**
 * An example as a user deploys it: imported into a tab of its own, the webhook's secret key pasted into the
 * config node, and (for the test) every debug node also writing to the log, where the test can see it.
 */
export function asDeployed(nodes: readonly FlowNode[], tabId: string): FlowNode[] {
    const tabs = new Set(nodes.filter((node) => node.type === "tab").map((node) => node.id));
    let intoTab = false;
    const deployed = nodes.map((node) => {
        const copy = structuredClone(node);
        if (copy.z !== undefined && !tabs.has(copy.z)) {
            copy.z = tabId;
            intoTab = true;
        }
        if (copy.type === "alocity-signature") copy.credentials = { secret: SECRET };
        if (copy.type === "debug") copy.console = true;
        return copy;
    });
    return intoTab ? [{ id: tabId, type: "tab", label: tabId }, ...deployed] : deployed;
}

/** The first node of a type in a flow; fails when there is none. */
export function nodeOfType(nodes: readonly FlowNode[], type: string): FlowNode {
    const found = nodes.find((node) => node.type === type);
    assert.ok(found, `a ${type} node`);
    return found;
}
