// The edit dialogs of alocity-webhook-in and alocity-event-switch in the real editor (chromium, playwright-core) of a
// real Node-RED with default settings: what they say when a value is wrong or the runtime's catalogue is missing.
import assert from "assert";
import type { Route } from "playwright-core";
import {
    debugNode,
    deviceStateNode,
    eventSwitchNode,
    OLDER_DEVICE_STATE_SETTINGS,
    webhookNode,
    webhookTab,
    type FlowNode,
} from "../support/test-flows";
import { useEditorSession, type Editor } from "./support/editor";

const TAB = "dialogs-tab";
const SIGNATURE = "dialogs-signature";
const WEBHOOK = "dialogs-webhook";
const SWITCH = "dialogs-switch";
const DEVICES = "dialogs-devices";
const HOME_ASSISTANT = "dialogs-home-assistant";
const CATALOGUE = "**/alocity-catalogue";

const flow: FlowNode[] = [
    ...webhookTab({
        label: "Dialogs",
        ids: { tab: TAB, signature: SIGNATURE, webhook: WEBHOOK },
        secret: "whsec-dialogs-7c1e",
        signatureName: "dialogs key",
        to: [SWITCH],
    }),
    eventSwitchNode(SWITCH, {
        z: TAB,
        rules: [
            { event: "door.state", serial: "", value: "" },
            { event: "lock.state", serial: "", value: "" },
        ],
        x: 400,
        y: 100,
        wires: [["dialogs-door"], ["dialogs-lock"]],
    }),
    debugNode("dialogs-door", { z: TAB, name: "door", x: 620, y: 80 }),
    debugNode("dialogs-lock", { z: TAB, name: "lock", x: 620, y: 120 }),
    deviceStateNode(DEVICES, { z: TAB, ...OLDER_DEVICE_STATE_SETTINGS, x: 400, y: 220, wires: [[HOME_ASSISTANT], []] }),
    {
        id: HOME_ASSISTANT,
        type: "alocity-home-assistant",
        z: TAB,
        name: "",
        prefix: "homeassistant",
        base: "alocity",
        x: 620,
        y: 220,
        wires: [[]],
    },
];

/** A node's current state in the editor. */
function nodeState(editor: Editor, id: string) {
    return editor.evaluate((nodeId) => {
        const node = RED.nodes.node(nodeId);
        return {
            url: node?.url,
            devices: node?.devices,
            valid: node?.valid,
            errors: node?.validationErrors ?? [],
            outputs: Number(node?.outputs),
            outputLabels: [0, 1].map((port) => node && RED.nodes.getType(node.type)?.outputLabels?.call(node, port)),
        };
    }, id);
}

/** Reloads the editor and shows the test tab. */
async function reloadOnTab(editor: Editor): Promise<void> {
    await editor.reload();
    await editor.evaluate((tab) => RED.workspaces.show(tab), TAB);
}

/** Reloads the editor with the runtime's catalogue held back until the returned function is called. */
async function reloadWithCatalogueHeldBack(editor: Editor): Promise<() => void> {
    let release: () => void = () => {};
    const heldBack = new Promise<void>((resolve) => (release = resolve));
    await editor.page.route(CATALOGUE, async (route: Route) => {
        await heldBack;
        await route.continue();
    });
    await reloadOnTab(editor);
    return release;
}

describe("edit dialogs (chromium)", function () {
    this.timeout(180000);
    const session = useEditorSession({ flows: flow });
    let editor: Editor;

    before(async function () {
        editor = session.editor;
        await editor.evaluate((tab) => RED.workspaces.show(tab), TAB);
        await editor.node(WEBHOOK).waitFor({ state: "visible" });
    });

    afterEach(async function () {
        await editor.page.unroute(CATALOGUE);
        await editor.cancelOpenDialog();
    });

    it("gives a second webhook dropped from the palette a path of its own", async function () {
        const second = await editor.dropFromPalette("alocity-webhook-in", { x: 170, y: 220 });
        const third = await editor.dropFromPalette("alocity-webhook-in", { x: 170, y: 300 });
        assert.deepStrictEqual([(await nodeState(editor, second)).url, (await nodeState(editor, third)).url], ["/alocity-2", "/alocity-3"]);
        await editor.evaluate((ids) => ids.forEach((id) => RED.nodes.remove(id)), [second, third]);
    });

    it("lets an imported or pasted webhook keep its path, and shows a path taken by two nodes as a problem of both", async function () {
        const pasted = "dialogs-pasted";
        await editor.paste(webhookNode(pasted, { z: TAB, url: "/ALOCITY/", signature: SIGNATURE, x: 170, y: 380 }));
        const inUse = "Another alocity webhook node serves /ALOCITY: only one of them receives its requests. Give each its own URL.";
        await editor.page.waitForFunction((id) => RED.nodes.node(id)?.valid === false, WEBHOOK);
        assert.deepStrictEqual([(await nodeState(editor, pasted)).url, (await nodeState(editor, pasted)).errors], ["/ALOCITY/", [inUse]]);
        assert.deepStrictEqual((await nodeState(editor, WEBHOOK)).errors, [inUse.replace("/ALOCITY", "/alocity")]);
        await editor.openEditDialog(pasted);
        await editor.page
            .locator("#alocity-webhook-in-path-problem")
            .filter({ hasText: "Another alocity webhook node serves" })
            .waitFor({ state: "visible" });
        await editor.page.locator("#node-dialog-cancel").click();
        await editor.page.locator("#node-dialog-cancel").waitFor({ state: "detached" });
        await editor.evaluate((id) => RED.nodes.remove(id), pasted);
        await editor.page.waitForFunction((id) => RED.nodes.node(id)?.valid === true, WEBHOOK);
    });

    it("checks the largest body: a whole number of bytes, at most Node-RED's apiMaxLength", async function () {
        await editor.openEditDialog(WEBHOOK);
        // Saved before the property existed: empty, which is the default the placeholder shows.
        const maxBytes = editor.page.locator("#node-input-maxBytes");
        assert.deepStrictEqual([await maxBytes.inputValue(), await maxBytes.getAttribute("placeholder")], ["", "65536"]);
        for (const [value, error] of [
            ["0", "A whole number of bytes, 1 or more (65536 by default)."],
            ["6000000", "At most 5242880 bytes, Node-RED's apiMaxLength (settings.js)."],
        ]) {
            await editor.type("#node-input-maxBytes", value);
            await editor.closeEditDialog();
            assert.deepStrictEqual((await nodeState(editor, WEBHOOK)).errors, [error], value);
            await editor.evaluate(() => RED.history.pop());
            await editor.openEditDialog(WEBHOOK);
        }
        await editor.type("#node-input-maxBytes", "1024");
        await editor.closeEditDialog();
        assert.strictEqual((await nodeState(editor, WEBHOOK)).valid, true);
        await editor.evaluate(() => RED.history.pop());
    });

    it("shows the URL to register with a note on proxies, and refuses a path of the editor's own API, saying why", async function () {
        await editor.openEditDialog(WEBHOOK);
        assert.strictEqual(await editor.page.locator("#node-input-webhook-url").textContent(), `${session.nodeRed.url}/alocity`);
        assert.match((await editor.page.locator("#alocity-webhook-in-url-tip").textContent()) ?? "", /as this browser sees Node-RED/);
        await editor.type("#node-input-url", "/flows");
        await editor.page
            .locator("#alocity-webhook-in-path-problem")
            .filter({ hasText: "belongs to the Node-RED editor's own API" })
            .waitFor({ state: "visible" });
        assert.strictEqual(await editor.page.locator("#node-input-webhook-url").textContent(), "");
        await editor.closeEditDialog();
        const state = await nodeState(editor, WEBHOOK);
        assert.strictEqual(state.valid, false);
        assert.ok(
            state.errors.some((error) => /editor's own API/.test(error)),
            JSON.stringify(state.errors),
        );
        await editor.evaluate(() => RED.history.pop());
        assert.strictEqual((await nodeState(editor, WEBHOOK)).url, "/alocity");
    });

    it("says so and leaves Send off when the runtime's catalogue cannot be loaded", async function () {
        await editor.page.route(CATALOGUE, (route: Route) => route.abort());
        await reloadOnTab(editor);
        await editor.openEditDialog(WEBHOOK);
        await editor.page
            .locator("#alocity-webhook-in-catalogue-failed")
            .filter({ hasText: "could not be loaded" })
            .waitFor({ state: "visible" });
        assert.strictEqual(await editor.page.locator("#alocity-webhook-in-test-send").isDisabled(), true);
    });

    it("fills only the dialog still open when a held-back catalogue arrives, so Send posts once", async function () {
        const release = await reloadWithCatalogueHeldBack(editor);
        await editor.openEditDialog(WEBHOOK);
        await editor.page.locator("#node-dialog-cancel").click();
        await editor.page.locator("#node-dialog-cancel").waitFor({ state: "detached" });
        await editor.openEditDialog(WEBHOOK);
        release();
        const send = editor.page.locator("#alocity-webhook-in-test-send:not([disabled])");
        await send.waitFor({ state: "visible" });
        const events = await editor.page.locator("#alocity-webhook-in-test-event option").allTextContents();
        assert.deepStrictEqual(events, [...new Set(events)], "each event once");
        await editor.evaluate(() => {
            const ajax = $.ajax.bind($);
            const page = window as unknown as { testPosts: number };
            page.testPosts = 0;
            $.ajax = (options) => {
                if (String(options.url).endsWith("/test")) page.testPosts++;
                return ajax(options);
            };
        });
        const answered = editor.page.waitForResponse((response) => response.url().endsWith("/test"));
        await send.click();
        await answered;
        assert.strictEqual(await editor.evaluate(() => (window as unknown as { testPosts: number }).testPosts), 1);
    });

    it("explains an invalid switch rule, and keeps the wires right when 'otherwise' is ticked before the rules show", async function () {
        const setSecondRule = (event: string) =>
            editor.evaluate(
                ({ id, value }) => {
                    const node = RED.nodes.node(id);
                    if (node?.rules) {
                        node.rules[1].event = value;
                        RED.editor.validateNode(node);
                    }
                },
                { id: SWITCH, value: event },
            );
        await setSecondRule("not an event");
        const invalid = await nodeState(editor, SWITCH);
        assert.strictEqual(invalid.valid, false);
        assert.deepStrictEqual(invalid.errors, ['Rule 2: "not an event" is not an event code (word.word, e.g. door.state).']);
        await setSecondRule("lock.state");

        // The catalogue is held back: the dialog opens without its rules, "otherwise" is ticked, Done.
        const release = await reloadWithCatalogueHeldBack(editor);
        await editor.openEditDialog(SWITCH);
        await editor.page.locator("#node-input-otherwise").check();
        await editor.closeEditDialog();
        release();
        assert.strictEqual((await nodeState(editor, SWITCH)).outputs, 3);
        assert.deepStrictEqual(await editor.links(SWITCH), [
            { port: 0, target: "dialogs-door" },
            { port: 1, target: "dialogs-lock" },
        ]);
    });

    it("suggests Alocity's access results with their numbers for an access-log rule, and fills in the name", async function () {
        await editor.openEditDialog(SWITCH);
        const rule = editor.listItems("#node-input-rule-container").first();
        await rule.locator(".node-input-rule-event").selectOption("accesslog.created");
        const value = rule.locator(".node-input-rule-value");
        await value.click();
        await value.pressSequentially("7");
        const suggestions = editor.page.locator(".red-ui-autoComplete-container");
        await suggestions.getByText("Lockdown Start (7)").waitFor({ state: "visible" });
        assert.deepStrictEqual(await suggestions.locator("li").allInnerTexts(), ["Lockdown Start (7)"]);
        await value.press("Enter");
        assert.strictEqual(await value.inputValue(), "Lockdown Start");
    });

    it("labels the outputs of a hand-edited switch whose rules hold null, and says that rule is not valid", async function () {
        const id = "dialogs-null-rule";
        await editor.paste(
            eventSwitchNode(id, {
                z: TAB,
                rules: [null, { event: "lock.state", serial: "", value: "Locked" }],
                x: 400,
                y: 320,
                wires: [[], []],
            }),
        );
        const state = await nodeState(editor, id);
        assert.deepStrictEqual(state.outputLabels, ["", "lock.state: Locked"]);
        assert.strictEqual(state.valid, false);
        assert.deepStrictEqual(state.errors, ['Rule 1: "" is not an event code (word.word, e.g. door.state).']);
        assert.deepStrictEqual(editor.browserErrors, []);
        await editor.evaluate((nodeId) => RED.nodes.remove(nodeId), id);
    });

    it("edits alocity-device-state's names, fills the lists an older flow lacks, says what is wrong with a duration, and labels its outputs", async function () {
        await editor.openEditDialog(DEVICES);
        const names = editor.page.locator(".red-ui-editableList", { has: editor.page.locator("#node-input-devices-container") });
        await names.locator(".red-ui-editableList-addButton").click();
        await editor.type(editor.listItems("#node-input-devices-container").first().locator(".node-input-device-serial"), "ALO-DC-1");
        await editor.type(editor.listItems("#node-input-devices-container").first().locator(".node-input-device-name"), "Front door");
        await editor.type("#node-input-heldOpen", "-5");
        assert.deepStrictEqual(await editor.page.locator("#node-input-store option").first().getAttribute("value"), "");
        assert.deepStrictEqual(
            [
                await editor.page.locator("#node-input-closedValues").inputValue(),
                await editor.page.locator("#node-input-unlockedValues").inputValue(),
            ],
            ["Closed", "Unlocked"],
            "a flow saved before these lists existed shows their defaults",
        );
        await editor.closeEditDialog();
        const state = await nodeState(editor, DEVICES);
        assert.deepStrictEqual(state.devices, [{ serial: "ALO-DC-1", name: "Front door" }]);
        assert.strictEqual(state.valid, false);
        assert.deepStrictEqual(state.errors, ["a number of seconds, 0 or more"]);
        assert.deepStrictEqual(state.outputLabels, ["changes", "alarms"]);
    });

    it("refuses a door or lock value in both lists of its field, compared as the runtime compares them", async function () {
        await editor.openEditDialog(DEVICES);
        await editor.type("#node-input-heldOpen", "60");
        await editor.type("#node-input-openValues", "Open, 1");
        await editor.type("#node-input-closedValues", " closed, 1 ");
        await editor.type("#node-input-unlockedValues", "Unlocked, LOCKED");
        await editor.closeEditDialog();
        const state = await nodeState(editor, DEVICES);
        assert.strictEqual(state.valid, false);
        const doors = "1 in both openValues and closedValues: a value may stand in one of them only";
        const locks = "Locked in both lockedValues and unlockedValues: a value may stand in one of them only";
        assert.deepStrictEqual(state.errors, [doors, doors, locks, locks]);
        await editor.openEditDialog(DEVICES);
        await editor.type("#node-input-closedValues", "Closed, 0");
        await editor.type("#node-input-unlockedValues", "Unlocked");
        await editor.closeEditDialog();
        assert.strictEqual((await nodeState(editor, DEVICES)).valid, true);
    });

    it("says where Home Assistant sets its birth topic, and what is wrong with a topic that holds an MQTT wildcard", async function () {
        const tray = await editor.openEditDialog(HOME_ASSISTANT);
        // A flow saved before the birth topic existed: empty, the runtime's default shown as the placeholder.
        const birthTopic = tray.locator("#node-input-birthTopic");
        assert.deepStrictEqual([await birthTopic.inputValue(), await birthTopic.getAttribute("placeholder")], ["", "homeassistant/status"]);
        assert.match(await tray.locator(".form-tips").first().innerText(), /independent of the discovery prefix[^]*Advanced mode/);
        await editor.type("#node-input-prefix", "home/#");
        await editor.type(birthTopic, "homeassistant/+");
        await editor.closeEditDialog();
        const state = await nodeState(editor, HOME_ASSISTANT);
        assert.strictEqual(state.valid, false);
        assert.ok(
            state.errors.some((error) => /discovery prefix[^]*wildcard #/.test(error)),
            JSON.stringify(state.errors),
        );
        assert.ok(
            state.errors.some((error) => /birth topic[^]*wildcard \+/.test(error)),
            JSON.stringify(state.errors),
        );
    });

    it("adds an alocity-cluster from the Cluster row of Home Assistant's dialog, checks its Redis address, and offers it to the device state", async function () {
        await editor.openEditDialog(HOME_ASSISTANT);
        assert.strictEqual(await editor.page.locator("#node-input-cluster").inputValue(), "_ADD_", "no cluster yet: Add new");
        await editor.page.locator("#node-input-btn-cluster-add, #node-input-lookup-cluster").first().click();
        const url = editor.page.locator("#node-config-input-url");
        await url.waitFor({ state: "visible" });
        await editor.settledTray();
        assert.deepStrictEqual(
            [await url.inputValue(), await editor.page.locator("#node-config-input-prefix").inputValue()],
            ["redis://localhost:6379", "alocity"],
        );
        assert.strictEqual(await editor.page.locator("#node-config-input-password").getAttribute("type"), "password");
        await editor.type(url, "http://cache.example:6379");
        await editor.page.locator("#node-config-input-url.input-error").waitFor({ state: "visible" });
        await editor.type(url, "rediss://cache.example:6380");
        await editor.page.locator("#node-config-input-url:not(.input-error)").waitFor({ state: "visible" });
        await editor.type("#node-config-input-password", "s3cret");
        await editor.closeConfigDialog();
        const [cluster] = await editor.nodeIds("alocity-cluster");
        assert.strictEqual(await editor.page.locator("#node-input-cluster").inputValue(), cluster);
        await editor.closeEditDialog();
        const saved = await editor.evaluate(
            ({ home, id }) => {
                const node = RED.nodes.node(id);
                const credentials = node?.credentials;
                return {
                    cluster: RED.nodes.node(home)?.cluster,
                    url: node?.url,
                    prefix: node?.prefix,
                    valid: node?.valid,
                    password: !!(credentials?.password || credentials?.has_password),
                };
            },
            { home: HOME_ASSISTANT, id: cluster },
        );
        assert.deepStrictEqual(saved, { cluster, url: "rediss://cache.example:6380", prefix: "alocity", valid: true, password: true });

        await editor.openEditDialog(DEVICES);
        const options = await editor.page
            .locator("#node-input-cluster option")
            .evaluateAll((all) => all.map((option) => (option as HTMLOptionElement).value));
        assert.ok(options.includes(cluster), JSON.stringify(options));
        assert.strictEqual(await editor.page.locator("#node-input-cluster").inputValue(), "_ADD_", "the device state's own is empty");
        await editor.page.locator("#node-input-cluster").selectOption(cluster);
        await editor.closeEditDialog();
        assert.strictEqual(await editor.evaluate((id) => RED.nodes.node(id)?.cluster, DEVICES), cluster);
    });
});
