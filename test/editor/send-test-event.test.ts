// alocity-webhook-in's "send test event" action, clicked in the real editor (chromium, playwright-core) of a real
// Node-RED with default settings: the outcome shows as a notification, the event in the debug sidebar, and the
// secret never reaches the browser.
import assert from "assert";
import { EVENT_CODES } from "../../src/core/events/catalogue";
import { debugNode, webhookNode, webhookTab, type FlowNode } from "../support/test-flows";
import { eventually } from "../support/wait";
import { useEditorSession, type Editor } from "./support/editor";

const SECRET = "whsec-button-4f6a0d2c8e19";
const IDS = { tab: "button-tab", signature: "button-signature", webhook: "button-webhook", debug: "button-debug" };
const PATH = "/alocity/button";

const flow: FlowNode[] = [
    ...webhookTab({ label: "Test button", ids: IDS, secret: SECRET, signatureName: "button key", url: PATH, to: [IDS.debug] }),
    debugNode(IDS.debug, { z: IDS.tab, name: "events", x: 420, y: 100 }),
];

const notification = (editor: Editor, text: string) =>
    editor.page.locator("#red-ui-notifications .red-ui-notification").filter({ hasText: text }).first();

describe("send test event from alocity-webhook-in's dialog (chromium)", function () {
    this.timeout(180000);
    const session = useEditorSession({ flows: flow });
    let editor: Editor;
    /** The browser's requests to the test-event endpoint, with their answers. */
    const exchanges: { url: string; sent: string | null; status: number; answer: string }[] = [];

    before(async function () {
        editor = session.editor;
        editor.page.on("requestfinished", async (req) => {
            if (!/\/alocity-webhook-in\/[^/]+\/test$/.test(req.url())) return;
            const response = await req.response();
            if (response === null) return;
            exchanges.push({ url: req.url(), sent: req.postData(), status: response.status(), answer: await response.text() });
        });
        await editor.evaluate((tab) => RED.workspaces.show(tab), IDS.tab);
        await editor.node(IDS.webhook).waitFor({ state: "visible" });
    });

    afterEach(async function () {
        await editor?.cancelOpenDialog();
    });

    it("sends the chosen event through the deployed node: a notification with its answer, the event in the debug sidebar", async function () {
        await editor.openEditDialog(IDS.webhook);
        const options = await editor.evaluate(() =>
            Array.from(document.querySelectorAll<HTMLOptionElement>("#alocity-webhook-in-test-event option")).map((o) => o.value),
        );
        assert.deepStrictEqual(options, EVENT_CODES);
        await editor.page.locator("#alocity-webhook-in-test-event").selectOption("lock.state");
        await editor.page.locator("#alocity-webhook-in-test-send").click();

        await notification(editor, `Sent a signed lock.state sample to ${PATH}: the node answered 200 OK`).waitFor({ state: "visible" });
        await editor.screenshot("test-event-sent", { clip: await editor.trayClip(), readme: "send-test-event" }).catch(() => {});
        await editor.showDebugSidebar();
        const message = editor.debugMessages(IDS.debug).first();
        await message.waitFor({ state: "visible" });
        assert.match((await message.locator(".red-ui-debug-msg-topic").textContent()) ?? "", /lock\.state/);
        assert.match((await message.locator(".red-ui-debug-msg-payload").textContent()) ?? "", /lockState/);

        // Recorded by the page's requestfinished listener, which reads the answer from the browser on its own time.
        await eventually(() => exchanges.length > 0, "the browser's request to the test-event endpoint recorded");
        assert.strictEqual(exchanges.length, 1);
        assert.deepStrictEqual(JSON.parse(exchanges[0].sent ?? "null"), { event: "lock.state" }, "the browser sends the event only");
        assert.strictEqual(exchanges[0].status, 200);
        assert.ok(!exchanges[0].answer.includes(SECRET), "the secret never reaches the browser");
    });

    it("pressed twice at once, sends two deliveries: both events reach the debug sidebar", async function () {
        await editor.clearDebugSidebar();
        await editor.openEditDialog(IDS.webhook);
        await editor.page.locator("#alocity-webhook-in-test-event").selectOption("door.state");
        const answered = editor.page.waitForResponse((response) => response.url().endsWith("/test"));
        await editor.page.locator("#alocity-webhook-in-test-send").click();
        await editor.page.locator("#alocity-webhook-in-test-send").click();
        await answered;
        await eventually(async () => (await editor.debugMessages(IDS.debug).count()) === 2, "two events in the debug sidebar");
        await eventually(() => exchanges.filter((exchange) => exchange.sent?.includes("door.state")).length === 2, "both answers recorded");
        for (const exchange of exchanges.filter((each) => each.sent?.includes("door.state"))) {
            assert.strictEqual((JSON.parse(exchange.answer) as { delivery?: string }).delivery, "accepted");
        }
    });

    it("shows a repeat of a delivery already accepted as a warning that says it was not emitted, never as a success", async function () {
        const repeat = { event: "lock.state", path: PATH, status: 200, body: "OK (already received)", delivery: "duplicate", message: "" };
        await editor.page.route("**/alocity-webhook-in/*/test", (route) =>
            route.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify(repeat) }),
        );
        try {
            await editor.openEditDialog(IDS.webhook);
            await editor.page.locator("#alocity-webhook-in-test-send").click();
            const shown = notification(editor, "a repeat of a delivery already accepted: it was not emitted again");
            await shown.waitFor({ state: "visible" });
            assert.match((await shown.getAttribute("class")) ?? "", /red-ui-notification-warning/);
        } finally {
            await editor.page.unroute("**/alocity-webhook-in/*/test");
        }
    });

    it("for a node that is not deployed, the notification says to deploy it first", async function () {
        const id = "button-undeployed";
        await editor.paste(webhookNode(id, { z: IDS.tab, url: "/alocity/new", signature: IDS.signature, x: 170, y: 200 }));
        await editor.openEditDialog(id);
        await editor.page.locator("#alocity-webhook-in-test-send").click();
        await notification(editor, "This node is not deployed: deploy it, then send a test event.").waitFor({ state: "visible" });
    });
});
