// Flows the tests deploy: for the test helper (webhookFlow, credentials) and for a real Node-RED (webhookTab,
// eventSwitchFlow, the examples as a user deploys them), and the nodes they are made of.
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
    /** The signature's tolerance as saved (a number, or text as a dialog saves it). */
    tolerance?: number | string;
    id?: string;
    signatureId?: string;
    /** The node the webhook is wired to (a helper node of that id is added). */
    out?: string;
    /** The node's maxBytes, when the test sets one. */
    maxBytes?: number | string;
    /** The node's Fields setting, when the test sets one. */
    fields?: unknown;
}

/** alocity-signature + alocity-webhook-in at `url`, checked by it and wired to `to`. */
function signatureAndWebhook({
    url = "/alocity",
    event = "",
    tolerance = 300,
    id = "in",
    signatureId = "sig",
    maxBytes,
    fields,
    name = "",
    signatureName = "",
    to,
}: Omit<WebhookFlowOptions, "out"> & { name?: string; signatureName?: string; to: string[] }): FlowNode[] {
    return [
        { id: signatureId, type: "alocity-signature", name: signatureName, tolerance },
        webhookNode(id, {
            name,
            url,
            signature: signatureId,
            event,
            ...(maxBytes === undefined ? {} : { maxBytes }),
            ...(fields === undefined ? {} : { fields }),
            wires: [to],
        }),
    ];
}

/** An alocity-webhook-in checked by the alocity-signature `signature`, unnamed and wired to nothing unless `props` say otherwise. */
export function webhookNode(id: string, props: Partial<FlowNode> & { url: string; signature: string }): FlowNode {
    return { id, type: "alocity-webhook-in", name: "", event: "", wires: [[]], ...props };
}

/** A flow for the test helper: alocity-signature + alocity-webhook-in at `url` wired to a helper node "out". */
export function webhookFlow({ out = "out", ...options }: WebhookFlowOptions = {}): FlowNode[] {
    return [...signatureAndWebhook({ ...options, to: [out] }), { id: out, type: "helper" }];
}

export interface WebhookTabOptions {
    /** The tab's label. */
    label: string;
    /** The nodes the webhook is wired to. */
    to: string[];
    /** The ids of the tab, the alocity-signature and the alocity-webhook-in (by default tab, sig and in). */
    ids?: { tab: string; signature: string; webhook: string };
    /** The signature's secret key (SECRET by default). */
    secret?: string;
    url?: string;
    /** The webhook's name. */
    name?: string;
    signatureName?: string;
    /** The signature's tolerance (300 by default). */
    tolerance?: number | string;
    /** Where the webhook stands on the tab. */
    x?: number;
    y?: number;
}

/**
 * For a real Node-RED: a tab holding alocity-webhook-in at `url` wired to `to`, and its alocity-signature, the secret
 * key set. The flow's other nodes follow it.
 */
export function webhookTab({
    label,
    ids = { tab: "tab", signature: "sig", webhook: "in" },
    secret = SECRET,
    x = 170,
    y = 100,
    ...options
}: WebhookTabOptions): FlowNode[] {
    const [signature, webhook] = signatureAndWebhook({ ...options, id: ids.webhook, signatureId: ids.signature });
    return [
        { id: ids.tab, type: "tab", label },
        { ...signature, credentials: { secret } },
        { ...webhook, z: ids.tab, x, y },
    ];
}

/** An alocity-cluster config node on the Redis at `url`, with its own key prefix (so tests sharing a server do not meet). */
export function clusterNode(id: string, url: string, prefix = "alocity"): FlowNode {
    return { id, type: "alocity-cluster", name: "", url, prefix };
}

export function credentials(secret = SECRET, previousSecret?: string, signatureId = "sig"): Credentials {
    return { [signatureId]: previousSecret === undefined ? { secret } : { secret, previousSecret } };
}

/** An alocity-event-switch with `rules`, checking all of them: an output a rule and, with `otherwise`, one more. */
export function eventSwitchNode(
    id: string,
    { rules, otherwise = false, ...props }: Partial<FlowNode> & { rules: readonly (EventRule | null)[]; otherwise?: boolean },
): FlowNode {
    return {
        id,
        type: "alocity-event-switch",
        name: "",
        rules,
        otherwise,
        checkall: true,
        outputs: rules.length + (otherwise ? 1 : 0),
        ...props,
    };
}

/** An alocity-device-state, unnamed, knowing no device by name and wired to nothing unless `props` say otherwise. */
export function deviceStateNode(id: string, props: Partial<FlowNode> = {}): FlowNode {
    return { id, type: "alocity-device-state", name: "", devices: [], wires: [[], []], ...props };
}

/** alocity-device-state's settings as its dialog saved them before closedValues and unlockedValues existed. */
export const OLDER_DEVICE_STATE_SETTINGS = {
    openValues: "Open",
    lockedValues: "Locked",
    heldOpen: 60,
    forcedOpen: true,
    grace: 5,
    silentAfter: 0,
    store: "",
};

/** A debug node showing msg.payload in the debug sidebar, unless `props` say otherwise. */
export function debugNode(id: string, props: Partial<FlowNode> = {}): FlowNode {
    return {
        id,
        type: "debug",
        name: "",
        active: true,
        tosidebar: true,
        console: false,
        tostatus: false,
        complete: "payload",
        targetType: "msg",
        wires: [],
        ...props,
    };
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
        ...webhookTab({ label: "event switch", url, to: [SWITCH_ID] }).filter((node) => withWebhook || node.type !== "alocity-webhook-in"),
        eventSwitchNode(SWITCH_ID, { z: "tab", rules, otherwise: true, x: 320, y: 100, wires: outputs.map((output) => [`rec-${output}`]) }),
        ...outputs.map((output) => recorderNode(`rec-${output}`, `${run}/out${output}`, { y: 60 + 40 * output })),
        ...readoutNodes(),
    ];
}

export const EXAMPLES_DIR = path.join(packageDir, "examples");

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
