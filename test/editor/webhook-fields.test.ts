// alocity-webhook-in's Fields setting and last deliveries, in the real editor (chromium) of a real Node-RED: a delivery
// that does not look like the samples is listed, each Fields expression shows what it reads from it as it is typed, a
// bad expression is refused, and "Use as test event" sends that delivery again through the node.
import assert from "assert";
import { adminAuthSetting, type AdminUser } from "../support/admin-auth";
import { debugNode, webhookNode, webhookTab, type FlowNode } from "../support/test-flows";
import { eventually } from "../support/wait";
import { postSigned, useEditorSession, type Editor } from "./support/editor";

const SECRET = "whsec-fields-5b1e8d0a7c32";
const IDS = { tab: "fields-tab", signature: "fields-signature", webhook: "fields-webhook", debug: "fields-debug" };
const PATH = "/alocity/fields";
/** A delivery shaped as Alocity might send it, in a shape the package cannot read by itself. */
const DATA = { device: { serialNumber: "ALO-42" }, state: { name: "Open" } };
const DELIVERY = JSON.stringify({ webhook: { name: "DoorState" }, content: DATA });

const flow: FlowNode[] = [
    ...webhookTab({ label: "Fields", ids: IDS, secret: SECRET, url: PATH, to: [IDS.debug] }),
    debugNode(IDS.debug, { z: IDS.tab, name: "events", x: 420, y: 100 }),
];

const field = (key: string) => `#alocity-webhook-in-field-${key}`;
const reads = (editor: Editor, key: string) => editor.page.locator(`#alocity-webhook-in-reads-${key}`);

async function readsText(editor: Editor, key: string, expected: string): Promise<void> {
    await eventually(async () => (await reads(editor, key).textContent()) === expected, `Fields ${key} shows "${expected}"`);
}

describe("alocity-webhook-in's Fields and last deliveries (chromium)", function () {
    this.timeout(180000);
    const session = useEditorSession({ flows: flow });
    let editor: Editor;

    before(async function () {
        editor = session.editor;
        const answer = await postSigned(session.nodeRed.url + PATH, DELIVERY, SECRET);
        assert.strictEqual(answer.status, 200, answer.text);
        await editor.evaluate((tab) => RED.workspaces.show(tab), IDS.tab);
        await editor.node(IDS.webhook).waitFor({ state: "visible" });
    });

    afterEach(async function () {
        await editor?.cancelOpenDialog();
    });

    it("lists the delivery received and shows, as each expression is typed, what it reads from it", async function () {
        await editor.openEditDialog(IDS.webhook);
        const row = editor.page.locator("#alocity-webhook-in-deliveries .alocity-webhook-in-delivery");
        await row.first().waitFor({ state: "visible" });
        assert.strictEqual(await row.count(), 1);
        assert.match((await row.textContent()) ?? "", /accesslog\.created.*told by: guess/);
        assert.strictEqual(await row.locator(".alocity-webhook-in-delivery-body").textContent(), DELIVERY, "the body as it came");
        await editor.page.locator("#alocity-webhook-in-readings-source").filter({ hasText: "from the last delivery" }).waitFor();

        await editor.type(field("event"), "webhook.name");
        await readsText(editor, "event", 'reads "DoorState"');
        // Without a payload expression, the others read the body as the runtime unwraps it today: here, all of it.
        await editor.type(field("serialNumber"), "device.serialNumber");
        await readsText(editor, "serialNumber", "reads nothing");
        await editor.type(field("payload"), "content");
        await readsText(editor, "payload", `reads ${JSON.stringify(DATA)}`);
        await readsText(editor, "serialNumber", 'reads "ALO-42"');
        await editor.type(field("doorState"), "state.name");
        await readsText(editor, "doorState", 'reads "Open"');
        await editor.screenshot("webhook-fields", { clip: await editor.trayClip() }).catch(() => {});

        await editor.closeEditDialog();
        const saved = await editor.evaluate((id) => {
            const node = RED.nodes.node(id) as unknown as { fields: unknown; valid: boolean };
            return { fields: node.fields, valid: node.valid };
        }, IDS.webhook);
        assert.deepStrictEqual(saved, {
            fields: { event: "webhook.name", payload: "content", serialNumber: "device.serialNumber", doorState: "state.name" },
            valid: true,
        });
    });

    it("refuses an expression that does not parse: said beside it, and the node is invalid", async function () {
        await editor.openEditDialog(IDS.webhook);
        await editor.type(field("result"), "result.(");
        await eventually(
            async () => /^Fields, result: not a JSONata expression: /.test((await reads(editor, "result").textContent()) ?? ""),
            "the parse error beside the expression",
        );
        await editor.closeEditDialog();
        const node = await editor.evaluate((id) => {
            const found = RED.nodes.node(id) as unknown as { fields: Record<string, string>; valid: boolean };
            return { result: found.fields.result, valid: found.valid };
        }, IDS.webhook);
        assert.deepStrictEqual(node, { result: "result.(", valid: false });
        await editor.openEditDialog(IDS.webhook);
        await editor.type(field("result"), "");
        await editor.closeEditDialog();
        assert.strictEqual(await editor.evaluate((id) => (RED.nodes.node(id) as unknown as { valid: boolean }).valid, IDS.webhook), true);
    });

    it("Use as test event sends the delivery again through the deployed node: the debug sidebar shows it", async function () {
        await editor.showDebugSidebar();
        await editor.clearDebugSidebar();
        await editor.openEditDialog(IDS.webhook);
        const use = editor.page.locator("#alocity-webhook-in-deliveries .alocity-webhook-in-use-as-test").first();
        await use.waitFor({ state: "visible" });
        const sent = editor.page.waitForRequest((request) => request.url().endsWith(`/alocity-webhook-in/${IDS.webhook}/test`));
        await use.click();
        assert.deepStrictEqual(JSON.parse((await sent).postData() ?? "null"), { body: DELIVERY });
        await editor.page
            .locator("#red-ui-notifications .red-ui-notification")
            .filter({ hasText: `Sent the delivery again, signed afresh, to ${PATH}: the node answered 200 OK` })
            .first()
            .waitFor({ state: "visible" });
        await editor.showDebugSidebar();
        const message = editor.debugMessages(IDS.debug).first();
        await message.waitFor({ state: "visible" });
        assert.match((await message.locator(".red-ui-debug-msg-payload").textContent()) ?? "", /webhook: object, content: object/);
    });
});

const EDITOR_READ = ["settings.read", "flows.read", "nodes.read", "plugins.read", "context.read", "library.read"];
/** May edit flows (open a dialog), not see the deliveries. */
const VIEWER: AdminUser = { username: "viewer", permissions: [...EDITOR_READ, "flows.write", "alocity-catalogue.read"] };

describe("alocity-webhook-in's last deliveries with adminAuth (chromium)", function () {
    this.timeout(180000);
    const session = useEditorSession({ settings: [adminAuthSetting([VIEWER])], user: VIEWER });

    it("are neither asked for nor shown for a user without alocity-webhook-in.read", async function () {
        const { editor } = session;
        const asked: string[] = [];
        editor.page.on("request", (request) => {
            if (request.url().includes("/deliveries")) asked.push(request.url());
        });
        await editor.paste(webhookNode("viewer-webhook", { url: "/alocity/viewer", signature: "", x: 170, y: 100 }));
        await editor.evaluate((id) => RED.editor.edit(RED.nodes.node(id)!), "viewer-webhook");
        await editor.page.locator(field("serialNumber")).waitFor({ state: "visible" });
        assert.strictEqual(await editor.page.locator("#alocity-webhook-in-deliveries-row").isVisible(), false);
        assert.deepStrictEqual(asked, []);
        await editor.page.locator("#alocity-webhook-in-readings-source").filter({ hasText: "No delivery" }).waitFor();
    });
});
