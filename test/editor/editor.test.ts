// The editor in a real browser: Debian's chromium driven by playwright-core against a real Node-RED with default
// settings (editor at /) and this package. Run with `npm run test:editor` (not part of `npm test`).
// Screenshots of each step go to artifacts/editor/; with README_IMAGES=1 the README's are also written to docs/images/.
import assert from "assert";
import type { KnownEventCode } from "../../src/core/events/catalogue";
import type { EventRule } from "../../src/core/events/switch-rules";
import { samplePayload } from "../../src/core/events/samples";
import { debugNode, eventSwitchNode, PALETTE_NODE_TYPES, webhookTab, type FlowNode } from "../support/test-flows";
import type { NodeRedProcess } from "../support/real-node-red";
import { postSigned, useEditorSession, type Editor } from "./support/editor";

const SECRET = "whsec-editor-7d2e9b41c6a8";
const CONFIG_TYPE = "alocity-signature";

/** Sends a sample event, signed with SECRET, to a webhook path of the runtime; asserts it is accepted. */
async function sendEvent(nodeRed: NodeRedProcess, path: string, event: KnownEventCode): Promise<void> {
    const body = JSON.stringify(samplePayload(event));
    const answer = await postSigned(nodeRed.url + path, body, SECRET);
    assert.strictEqual(answer.status, 200, `POST ${path} (${event}) answered ${answer.status} ${answer.text}\n${nodeRed.log}`);
}

const RULES = "#node-input-rule-container";
const DOORS = { tab: "doors-tab", signature: "doors-signature", webhook: "doors-webhook", eventSwitch: "doors-switch" };
const DOORS_PATH = "/alocity/doors";
/** The event switch's rules, each with the debug node its output is wired to and an event that only it matches. */
const ROUTES: { rule: EventRule & { event: KnownEventCode }; debug: string; name: string }[] = [
    { rule: { event: "door.state", serial: "ALO-DC-20220415", value: "Open" }, debug: "debug-door-open", name: "door opened" },
    { rule: { event: "lock.state", serial: "", value: "Unlocked" }, debug: "debug-unlocked", name: "lock unlocked" },
    { rule: { event: "user.face", serial: "", value: "Enrolled" }, debug: "debug-face", name: "face enrolled" },
];

/** alocity-webhook-in -> alocity-event-switch (the three ROUTES) -> three debug nodes, on a tab of its own. */
function doorsFlow(): FlowNode[] {
    return [
        ...webhookTab({
            label: "Doors",
            ids: DOORS,
            secret: SECRET,
            signatureName: "doors webhook key",
            url: DOORS_PATH,
            to: [DOORS.eventSwitch],
            y: 140,
        }),
        eventSwitchNode(DOORS.eventSwitch, {
            z: DOORS.tab,
            rules: ROUTES.map((route) => route.rule),
            x: 420,
            y: 140,
            wires: ROUTES.map((route) => [route.debug]),
        }),
        ...ROUTES.map((route, i) => debugNode(route.debug, { z: DOORS.tab, name: route.name, x: 690, y: 80 + i * 60 })),
    ];
}

/** The event codes of the rules, in the order the open dialog lists them. */
function dialogRuleEvents(editor: Editor): Promise<string[]> {
    return editor.evaluate(
        (list) =>
            Array.from(document.querySelectorAll<HTMLSelectElement | HTMLInputElement>(`${list} > li .node-input-rule-event`)).map(
                (el) => el.value,
            ),
        RULES,
    );
}

/** The switch's saved rules (event codes) and its links, as {port, target} */
async function savedSwitch(editor: Editor) {
    const node = await editor.evaluate((id) => {
        const n = RED.nodes.node(id);
        return { events: (n?.rules ?? []).map((r) => r.event), outputs: Number(n?.outputs), ports: n?.outputs };
    }, DOORS.eventSwitch);
    return { ...node, links: await editor.links(DOORS.eventSwitch) };
}

/** What savedSwitch reads when the switch holds the rules of `routes` in this order, each output wired to its route's debug node. */
function holding(routes: readonly (typeof ROUTES)[number][]) {
    return {
        events: routes.map((route) => route.rule.event),
        outputs: routes.length,
        ports: routes.length,
        links: routes.map((route, port) => ({ port, target: route.debug })),
    };
}

describe("the editor in a real browser (chromium)", function () {
    this.timeout(180000);
    const session = useEditorSession();
    let nodeRed: NodeRedProcess;
    let editor: Editor;
    before(function () {
        ({ nodeRed, editor } = session);
    });

    it('shows the nodes in the palette under "alocity" and registers the signature config type', async function () {
        await editor.filterPalette("alocity");
        const palette = await editor.evaluate(() => {
            const category = document.querySelector<HTMLElement>("#red-ui-palette-container-alocity");
            return {
                header: category && (category.querySelector(".red-ui-palette-header")?.textContent ?? "").trim(),
                visible: !!category && category.offsetParent !== null,
                types: category
                    ? Array.from(category.querySelectorAll(".red-ui-palette-node")).map((el) => el.getAttribute("data-palette-type"))
                    : [],
                elsewhere: Array.from(document.querySelectorAll("#red-ui-palette-container .red-ui-palette-node"))
                    .filter((el) => /^alocity-/.test(el.getAttribute("data-palette-type") ?? "") && !(category && category.contains(el)))
                    .map((el) => el.getAttribute("data-palette-type")),
            };
        });
        assert.strictEqual(palette.header, "alocity");
        assert.ok(palette.visible, "the alocity category is shown");
        assert.deepStrictEqual([...palette.types].sort(), [...PALETTE_NODE_TYPES].sort());
        assert.deepStrictEqual(palette.elsewhere, []);
        for (const type of PALETTE_NODE_TYPES) {
            assert.ok(await editor.paletteNode(type).isVisible(), `${type} is visible in the palette`);
        }

        // Config nodes are not in the palette: the type is registered as a config node of the package.
        const config = await editor.evaluate((type) => {
            const def = RED.nodes.getType(type);
            return def && { category: def.category, credentials: Object.keys(def.credentials || {}), set: def.set && def.set.module };
        }, CONFIG_TYPE);
        assert.deepStrictEqual(config, { category: "config", credentials: ["secret", "previousSecret"], set: "node-red-contrib-alocity" });
        assert.strictEqual(await editor.paletteNode(CONFIG_TYPE).count(), 0);
        await editor.screenshot("01-palette");
    });

    it("builds a webhook flow by hand, deploys it and shows a signed event in the debug sidebar", async function () {
        const path = "/alocity/front-door";

        await editor.filterPalette("alocity");
        const webhookId = await editor.dropFromPalette("alocity-webhook-in", { x: 180, y: 120 });
        await editor.filterPalette("debug");
        const debugId = await editor.dropFromPalette("debug", { x: 480, y: 120 });
        await editor.filterPalette("");
        await editor.screenshot("02-nodes-placed");

        // The node's dialog: the URL, then a new alocity-signature through the config node's add button.
        await editor.openEditDialog(webhookId);
        await editor.type("#node-input-url", path);
        await editor.page.locator("#node-input-btn-signature-add, #node-input-lookup-signature").first().click();
        await editor.page.locator("#node-config-input-secret").waitFor({ state: "visible" });
        await editor.type("#node-config-input-secret", SECRET);
        await editor.type("#node-config-input-name", "front door webhook key");
        await editor.screenshot("03-signature-dialog", { clip: await editor.trayClip() });
        await editor.closeConfigDialog();

        const signatureIds = await editor.nodeIds(CONFIG_TYPE);
        assert.strictEqual(signatureIds.length, 1, "one alocity-signature was created");
        assert.strictEqual(await editor.page.locator("#node-input-signature").inputValue(), signatureIds[0]);
        await editor.screenshot("04-webhook-in-dialog", { clip: await editor.trayClip(), readme: "webhook-in-dialog" });
        await editor.closeEditDialog();

        const saved = await editor
            .evaluate(({ w, s }) => ({ node: RED.nodes.node(w), signature: RED.nodes.node(s) }), { w: webhookId, s: signatureIds[0] })
            .then(({ node, signature }) => ({
                url: node?.url,
                signature: node?.signature,
                event: node?.event,
                valid: node?.valid,
                tolerance: Number(signature?.tolerance),
                secretSet: !!(signature?.credentials && (signature.credentials.secret || signature.credentials.has_secret)),
            }));
        assert.deepStrictEqual(saved, { url: path, signature: signatureIds[0], event: "", valid: true, tolerance: 300, secretSet: true });

        await editor.wire(webhookId, 0, debugId);
        await editor.screenshot("05-wired");

        await editor.deploy();
        assert.match(await editor.waitForStatus(webhookId, new RegExp(`listening on ${path}`)), /listening/);
        await editor.showDebugSidebar();
        await editor.screenshot("06-deployed");

        await sendEvent(nodeRed, path, "door.state");
        const message = editor.debugMessages(debugId);
        await message.first().waitFor({ state: "visible" });
        assert.strictEqual(await message.count(), 1);
        assert.match((await message.locator(".red-ui-debug-msg-topic").textContent()) ?? "", /door\.state/);
        const payload = (await message.locator(".red-ui-debug-msg-payload").textContent()) ?? "";
        assert.match(payload, /serialNumber/);
        assert.match(payload, new RegExp(samplePayload("door.state").serialNumber));
        await editor.waitForStatus(webhookId, /door\.state at/);
        await editor.dismissNotifications();
        await editor.screenshot("07-event-in-debug-sidebar");
    });

    it("reorders and deletes event-switch rules in its dialog, and the wires follow their rules", async function () {
        // The flow is imported (RED.view.importNodes, as the clipboard import does) onto a tab of its own.
        await editor.evaluate((flow) => {
            RED.view.importNodes(flow, { addFlow: false, generateIds: false, notify: false });
            RED.workspaces.show(flow[0].id);
        }, doorsFlow());
        for (const id of [DOORS.webhook, DOORS.eventSwitch, ...ROUTES.map((route) => route.debug)]) {
            await editor.node(id).waitFor({ state: "visible" });
        }
        const [a, b, c] = ROUTES;
        assert.deepStrictEqual(await savedSwitch(editor), holding([a, b, c]));

        // Reorder: the last rule is dragged by its handle to the top.
        await editor.openEditDialog(DOORS.eventSwitch);
        await editor.waitForListLength(RULES, 3);
        assert.deepStrictEqual(await dialogRuleEvents(editor), [a.rule.event, b.rule.event, c.rule.event]);
        await editor.screenshot("08-event-switch-dialog", { clip: await editor.trayClip(), readme: "event-switch-dialog" });
        await editor.moveListItem(RULES, 2, 0);
        assert.deepStrictEqual(await dialogRuleEvents(editor), [c.rule.event, a.rule.event, b.rule.event]);
        assert.deepStrictEqual(
            await editor.evaluate(
                (list) => Array.from(document.querySelectorAll(`${list} .node-input-rule-index`)).map((el) => el.textContent),
                RULES,
            ),
            ["1", "2", "3"],
        );
        await editor.screenshot("09-event-switch-reordered", { clip: await editor.trayClip() });
        await editor.closeEditDialog();

        assert.deepStrictEqual(await savedSwitch(editor), holding([c, a, b]));

        // Deployed, each event reaches the debug node of the rule it matches.
        await editor.deploy();
        await editor.waitForStatus(DOORS.webhook, new RegExp(`listening on ${DOORS_PATH}`));
        await editor.showDebugSidebar();
        await editor.clearDebugSidebar();
        for (const route of ROUTES) {
            await sendEvent(nodeRed, DOORS_PATH, route.rule.event);
        }
        for (const route of ROUTES) {
            const messages = editor.debugMessages(route.debug);
            await messages.first().waitFor({ state: "visible" });
            assert.strictEqual(await messages.count(), 1, `${route.name} got one message`);
            assert.match(
                (await messages.locator(".red-ui-debug-msg-topic").textContent()) ?? "",
                new RegExp(route.rule.event.replace(".", "\\.")),
            );
        }
        await editor.filterPalette("alocity");
        await editor.waitForStatus(DOORS.webhook, /user\.face at/);
        await editor.clickWorkspace({ x: 500, y: 500 });
        await editor.dismissNotifications();
        // The whole editor, cut below the flow and the debug messages.
        const flowBox = await editor.flowClip([DOORS.webhook, DOORS.eventSwitch, ...ROUTES.map((route) => route.debug)]);
        const lastMessage = await editor.page.locator(".red-ui-debug-msg").last().boundingBox();
        const viewport = editor.page.viewportSize();
        assert.ok(lastMessage && viewport);
        const height = Math.min(viewport.height, Math.max(flowBox.y + flowBox.height, lastMessage.y + lastMessage.height) + 48);
        await editor.screenshot("10-event-switch-flow", { clip: { x: 0, y: 0, width: viewport.width, height }, readme: "flow" });
        await editor.filterPalette("");

        // Delete: the rule now second (door.state) goes, and so does its wire; the others keep theirs.
        await editor.openEditDialog(DOORS.eventSwitch);
        const rules = editor.listItems(RULES);
        await editor.waitForListLength(RULES, 3);
        await rules.nth(1).locator(".red-ui-editableList-item-remove").click();
        await editor.waitForListLength(RULES, 2);
        assert.deepStrictEqual(await dialogRuleEvents(editor), [c.rule.event, b.rule.event]);
        await editor.screenshot("11-event-switch-rule-deleted", { clip: await editor.trayClip() });
        await editor.closeEditDialog();

        assert.deepStrictEqual(await savedSwitch(editor), holding([c, b]));
        await editor.screenshot("12-event-switch-after-delete");
    });
});
