// One table of webhook paths, judged by the runtime (a real Node-RED with default settings, which deploys a node on
// each and says in its status whether it serves it) and by the edit dialog in the real editor (chromium): the verdicts
// are the same, since the editor's rules are the runtime's own, built into its files, and a path only the runtime can
// judge (one another admin route answers) is judged by the runtime for the dialog.
import assert from "assert";
import { webhookNode, type FlowNode } from "../support/test-flows";
import { eventually } from "../support/wait";
import { useEditorSession, type Editor } from "./support/editor";

const TAB = "paths-tab";
const SIGNATURE = "paths-signature";

/** Each path, and what both sides must make of it: served, not a literal path, or a path of the editor's own API. */
const TABLE: readonly [string, Verdict][] = [
    ["/alocity", "served"],
    ["alocity/doors", "served"],
    ["alocity//doors", "served"],
    ["//alocity", "served"],
    ["/a b", "bad-path"],
    ["/%41", "served"],
    ["/flows", "editor-path"],
    ["/:id", "bad-path"],
    // Admin routes of this package, which no list of the editor's own paths names: the Doors feed, the catalogue.
    ["/alocity-doors", "editor-path"],
    ["/ALOCITY-DOORS/", "editor-path"],
    ["/alocity-catalogue", "editor-path"],
    ["/alocity-doors/lobby", "served"],
];
type Verdict = "served" | "bad-path" | "editor-path";

const idOf = (index: number) => `paths-webhook-${index}`;

const flow: FlowNode[] = [
    { id: TAB, type: "tab", label: "Paths" },
    { id: SIGNATURE, type: "alocity-signature", name: "paths key", tolerance: 300, credentials: { secret: "whsec-paths-91c3" } },
    ...TABLE.map(([url], index) => webhookNode(idOf(index), { z: TAB, url, signature: SIGNATURE, x: 170, y: 60 + 50 * index })),
];

/**
 * What the runtime made of each node's path, from its status: listening, or waiting for a path another node serves
 * (two spellings of one path), is a path it serves.
 */
async function runtimeVerdicts(editor: Editor): Promise<Verdict[]> {
    const texts = await editor.page.waitForFunction(
        (ids) => {
            const statuses = ids.map((id) => (RED.nodes.node(id) as { status?: { text?: string } } | null)?.status?.text);
            return statuses.every((text) => typeof text === "string" && text !== "") && statuses;
        },
        TABLE.map((_, index) => idOf(index)),
    );
    return ((await texts.jsonValue()) as string[]).map((text) => {
        if (/^listening on |already in use$/.test(text)) return "served";
        if (text === "invalid path") return "bad-path";
        if (text === "path taken by the editor") return "editor-path";
        throw new Error(`an unexpected status: ${text}`);
    });
}

/** What the edit dialog's rule makes of each node's path (a path another node serves is a path it can serve). */
function editorVerdicts(editor: Editor): Promise<Verdict[]> {
    return editor.evaluate(
        (ids) => {
            const rule = RED.nodes.getType("alocity-webhook-in") as unknown as {
                defaults: { url: { validate(this: unknown, url: unknown, opt: object): true | string } };
            };
            return ids.map((id): Verdict => {
                const node = RED.nodes.node(id) as unknown as { url?: string; _(key: string): string };
                const verdict = rule.defaults.url.validate.call(node, node.url, {});
                if (verdict === true || /serves .*: only one of them/.test(verdict)) return "served";
                if (verdict === node._("alocity-webhook-in.errors.bad-path")) return "bad-path";
                if (verdict === node._("alocity-webhook-in.errors.editor-path")) return "editor-path";
                throw new Error(`an unexpected verdict: ${verdict}`);
            });
        },
        TABLE.map((_, index) => idOf(index)),
    );
}

describe("webhook paths: the runtime and the editor judge alike (chromium)", function () {
    this.timeout(180000);
    const session = useEditorSession({ flows: flow });

    it("gives every path of the table the same verdict in the runtime and in the edit dialog", async function () {
        const editor = session.editor;
        const expected = TABLE.map(([, verdict]) => verdict);
        assert.deepStrictEqual(await runtimeVerdicts(editor), expected, "the runtime");
        // The dialog has the runtime's verdicts once they arrive (asked for as the nodes were first judged).
        let verdicts: Verdict[] = [];
        await eventually(
            async () => {
                verdicts = await editorVerdicts(editor);
                return JSON.stringify(verdicts) === JSON.stringify(expected);
            },
            () => `the editor's verdicts ${JSON.stringify(verdicts)} to be ${JSON.stringify(expected)}`,
        );
    });
});
