"use strict";
// Drives the real Node-RED editor in Debian's chromium with playwright-core, for test/editor.
// Every step waits for a condition in the page (a selector, a state of RED.*), never for a fixed time.
const fs = require("fs");
const os = require("os");
const path = require("path");
const { chromium } = require("playwright-core");
const { startRealNodeRed, request } = require("../../support/node-red");

const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
];
const VIEWPORT = { width: 1400, height: 860 };
/** Generous: the machine may be loaded by other test runs. */
const STEP_TIMEOUT = 30000;

const ROOT = path.resolve(__dirname, "..", "..", "..");
const ARTIFACTS = path.join(ROOT, "artifacts", "editor");
/** Where the README's screenshots live; written only when README_IMAGES is set. */
const README_IMAGES = path.join(ROOT, "docs", "images");

const chart = "#red-ui-workspace-chart";
const nodeSelector = (id) => `${chart} g.red-ui-flow-node-group[id="${id}"]`;
const trayOk = "#node-dialog-ok";
const configTrayOk = "#node-config-dialog-ok";
/** An item of an editableList (not jQuery UI sortable's placeholder). */
const LIST_ITEM = "li:has(> .red-ui-editableList-item-content)";

/**
 * A headless chromium with a fresh user data directory (a persistent context is playwright's way to give one).
 * @returns {Promise<{context: import("playwright-core").BrowserContext, close: () => Promise<void>}>}
 */
async function launchChromium() {
    if (!fs.existsSync(CHROMIUM)) {
        throw new Error(`${CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium)`);
    }
    const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "alocity-chromium-"));
    let context;
    try {
        context = await chromium.launchPersistentContext(userDataDir, {
            executablePath: CHROMIUM,
            headless: true,
            args: CHROMIUM_ARGS,
            viewport: VIEWPORT,
            deviceScaleFactor: 1,
            timeout: 120000,
        });
    } catch (error) {
        fs.rmSync(userDataDir, { recursive: true, force: true });
        throw error;
    }
    context.setDefaultTimeout(STEP_TIMEOUT);
    return {
        context,
        async close() {
            try {
                await context.close();
            } finally {
                fs.rmSync(userDataDir, { recursive: true, force: true });
            }
        },
    };
}

let artifactsCleared = false;
/** Empties artifacts/editor/ once per test run, so that what a run leaves there is all from that run. */
function clearArtifacts() {
    if (artifactsCleared) return;
    artifactsCleared = true;
    fs.rmSync(ARTIFACTS, { recursive: true, force: true });
    fs.mkdirSync(ARTIFACTS, { recursive: true });
}

/**
 * Registers a mocha suite's hooks for driving the editor. Before: a real Node-RED with default settings (and
 * `flows` deployed, if given), chromium, and the editor open. On a failed test: a screenshot failed-<title>.png and
 * the page's errors. After: chromium closed and Node-RED stopped, also when something failed.
 * @param {{flows?: object[]}} [options]
 * @returns {{nodeRed: object, editor: Editor}} filled in by the before hook
 */
function useEditorSession(options = {}) {
    const session = { nodeRed: undefined, editor: undefined };
    let browser;
    before(async function () {
        clearArtifacts();
        session.nodeRed = await startRealNodeRed();
        if (options.flows) await session.nodeRed.deploy(options.flows);
        browser = await launchChromium();
        session.editor = await Editor.open(browser.context, session.nodeRed);
    });
    afterEach(async function () {
        const { editor } = session;
        if (this.currentTest.state === "failed" && editor) {
            const name = "failed-" + this.currentTest.title.replace(/[^a-z0-9]+/gi, "-").slice(0, 60);
            await editor.screenshot(name).catch(() => {});
            if (editor.browserErrors.length) console.log("errors in the page:\n" + editor.browserErrors.join("\n"));
        }
    });
    after(async function () {
        try {
            if (browser) await browser.close();
        } finally {
            if (session.nodeRed) await session.nodeRed.stop();
        }
    });
    return session;
}

class Editor {
    /**
     * @param {import("playwright-core").Page} page
     * @param {{url: string, admin: Function}} nodeRed as returned by startRealNodeRed()
     */
    constructor(page, nodeRed) {
        this.page = page;
        this.nodeRed = nodeRed;
        this.browserErrors = [];
        page.on("pageerror", (error) => this.browserErrors.push(error.message));
    }

    /**
     * Opens the editor as a returning user would see it: the welcome tour and the telemetry question already
     * answered (user settings, through the admin API), so that no modal stands in the way.
     */
    static async open(context, nodeRed) {
        const { version } = await nodeRed.admin("GET", "/settings");
        await nodeRed.admin("POST", "/settings/user", { telemetryEnabled: false, editor: { tours: { welcome: version } } });
        const page = context.pages()[0] || (await context.newPage());
        const editor = new Editor(page, nodeRed);
        await page.goto(nodeRed.url + "/", { timeout: 120000 });
        await page.waitForFunction(
            () =>
                window.RED && RED.nodes && RED.workspaces && RED.workspaces.active() &&
                document.querySelector(".red-ui-palette-node") &&
                (!document.querySelector("#red-ui-loading-progress") ||
                    getComputedStyle(document.querySelector("#red-ui-loading-progress")).display === "none"),
            undefined,
            { timeout: 120000 },
        );
        return editor;
    }

    /** Runs fn in the page (RED is there). */
    evaluate(fn, arg) {
        return this.page.evaluate(fn, arg);
    }

    /**
     * Saves a screenshot to artifacts/editor/<name>.png: the page, `options.clip` of it, or `options.locator`.
     * `options.readme` names the copy in docs/images/ that is made when README_IMAGES is set.
     */
    async screenshot(name, options = {}) {
        fs.mkdirSync(ARTIFACTS, { recursive: true });
        await this.page.waitForFunction(() => !window.$ || $(":animated").length === 0); // jQuery slides and fades
        const file = path.join(ARTIFACTS, `${name}.png`);
        if (options.locator) {
            await options.locator.screenshot({ path: file, animations: "disabled" });
        } else {
            await this.page.screenshot({ path: file, animations: "disabled", ...(options.clip ? { clip: options.clip } : {}) });
        }
        if (options.readme && process.env.README_IMAGES) {
            fs.mkdirSync(README_IMAGES, { recursive: true });
            fs.copyFileSync(file, path.join(README_IMAGES, `${options.readme}.png`));
        }
        return file;
    }

    /**
     * Fills an input as typing would: the value, then a key press, since editor forms (and the palette's search box)
     * update on keyup; without it they change layout on blur, under the next click.
     */
    async type(selector, text) {
        const input = typeof selector === "string" ? this.page.locator(selector) : selector;
        await input.fill(text);
        await input.press("End");
    }

    /**
     * The top tray, cut below its form's last row (trays are as tall as the window): a page clip for screenshots
     * of a dialog.
     */
    async trayClip(margin = 20) {
        const tray = await this.settledTray();
        const box = await tray.boundingBox();
        const bottom = await this.evaluate(() => {
            const trays = document.querySelectorAll(".red-ui-tray");
            const form = trays[trays.length - 1].querySelector(".red-ui-tray-body form, .red-ui-tray-body");
            return Math.max(...Array.from(form.querySelectorAll(".form-row, .form-tips"))
                .filter((el) => el.offsetParent !== null)
                .map((el) => el.getBoundingClientRect().bottom));
        });
        const height = Number.isFinite(bottom) ? Math.min(box.height, bottom - box.y + margin) : box.height;
        return { x: box.x, y: box.y, width: box.width, height };
    }

    /** Closes the notifications at the top of the editor (a click closes one), e.g. before a screenshot. */
    async dismissNotifications() {
        await this.evaluate(() => $("#red-ui-notifications .red-ui-notification").trigger("click"));
        await this.page.waitForFunction(() => $("#red-ui-notifications .red-ui-notification:visible").length === 0);
    }

    /** Clicks an empty spot of the workspace (`position` from the chart's top left), which clears the selection. */
    async clickWorkspace(position) {
        await this.page.locator(chart).click({ position });
        await this.page.waitForFunction(() => RED.view.selection().nodes === undefined);
    }

    /** Clears the debug sidebar (its "all" button) and waits until it is empty. */
    async clearDebugSidebar() {
        await this.page.locator("#red-ui-sidebar-debug-clear").click();
        await this.page.waitForFunction(() => document.querySelectorAll(".red-ui-debug-msg").length === 0);
    }

    /** Types into the palette's filter box; "" clears it. */
    async filterPalette(text) {
        await this.type("#red-ui-palette-search input", text);
        await this.page.waitForFunction(
            (filter) =>
                Array.from(document.querySelectorAll("#red-ui-palette-container .red-ui-palette-node")).every((el) => {
                    const type = el.getAttribute("data-palette-type") || "";
                    const label = el.getAttribute("data-palette-label") || "";
                    const hidden = el.getAttribute("data-filter") === "true";
                    const matches = !filter || type.toLowerCase().includes(filter.toLowerCase()) ||
                        label.toLowerCase().includes(filter.toLowerCase());
                    return hidden !== matches;
                }),
            text,
        );
    }

    paletteNode(type) {
        return this.page.locator(`.red-ui-palette-node[data-palette-type="${type}"]`);
    }

    /** Ids of the nodes (flow or config nodes) of a type in the editor's model. */
    nodeIds(type) {
        return this.evaluate((t) => {
            const ids = [];
            const collect = (n) => {
                if (n.type === t) ids.push(n.id);
            };
            RED.nodes.eachNode(collect);
            RED.nodes.eachConfig(collect);
            return ids;
        }, type);
    }

    node(id) {
        return this.page.locator(nodeSelector(id));
    }

    /** Drags a node from the palette onto the workspace at `position` (px from the chart's top left); returns its id. */
    async dropFromPalette(type, position) {
        const before = await this.nodeIds(type);
        const source = this.paletteNode(type);
        await source.scrollIntoViewIfNeeded();
        await source.dragTo(this.page.locator(chart), { targetPosition: position, steps: 8 });
        const handle = await this.page.waitForFunction(
            ({ t, known }) => {
                const added = RED.nodes.filterNodes({ type: t }).filter((n) => !known.includes(n.id));
                return added.length === 1 ? added[0].id : null;
            },
            { t: type, known: before },
        );
        const id = await handle.jsonValue();
        await this.node(id).waitFor({ state: "visible" });
        return id;
    }

    /** Double-clicks a node in the workspace; resolves once its edit tray is open. */
    async openEditDialog(id) {
        await this.node(id).locator("rect.red-ui-flow-node").dblclick();
        await this.page.locator(trayOk).waitFor({ state: "visible" });
        return this.settledTray();
    }

    /** The tray on top (the one being edited). */
    topTray() {
        return this.page.locator(".red-ui-tray").last();
    }

    /** Waits until the top tray has slid fully in (right edge at 0, no transition running); returns it. */
    async settledTray() {
        await this.page.waitForFunction(() => {
            const trays = document.querySelectorAll(".red-ui-tray");
            const tray = trays[trays.length - 1];
            return !!tray && getComputedStyle(tray).right === "0px" && tray.getAnimations().length === 0;
        });
        return this.topTray();
    }

    /** Clicks Done in the node's edit tray and waits until it is gone. */
    async closeEditDialog() {
        await this.page.locator(trayOk).click();
        await this.page.locator(trayOk).waitFor({ state: "detached" });
    }

    /** Clicks Add/Update in a config node's tray and waits until it is gone. */
    async closeConfigDialog() {
        await this.page.locator(configTrayOk).click();
        await this.page.locator(configTrayOk).waitFor({ state: "detached" });
    }

    /** Wires output `port` of `sourceId` to the input of `targetId` by dragging between the ports. */
    async wire(sourceId, port, targetId) {
        const from = this.node(sourceId).locator(".red-ui-flow-port-output").nth(port).locator(".red-ui-flow-port");
        const to = this.node(targetId).locator(".red-ui-flow-port-input .red-ui-flow-port");
        await from.dragTo(to, { steps: 10 });
        await this.page.waitForFunction(
            ({ s, p, t }) => RED.nodes.filterLinks({ source: { id: s }, sourcePort: p, target: { id: t } }).length === 1,
            { s: sourceId, p: port, t: targetId },
        );
    }

    /** The items of an editableList (e.g. "#node-input-rule-container") in the open dialog. */
    listItems(listSelector) {
        return this.page.locator(`${listSelector} > ${LIST_ITEM}`);
    }

    /** Waits until an editableList shows `count` items (some dialogs build their list asynchronously). */
    async waitForListLength(listSelector, count) {
        await this.page.waitForFunction(
            ({ sel, n }) => document.querySelectorAll(sel).length === n,
            { sel: `${listSelector} > ${LIST_ITEM}`, n: count },
        );
    }

    /**
     * Drags item `from` of an editableList by its handle to the place of item `to` (to < from), as a user would:
     * press on the handle, move in small steps until the list's placeholder sits at `to`, release.
     */
    async moveListItem(listSelector, from, to) {
        const items = this.listItems(listSelector);
        const handle = await items.nth(from).locator(".red-ui-editableList-item-handle").boundingBox();
        const target = await items.nth(to).boundingBox();
        const x = handle.x + handle.width / 2;
        const y = handle.y + handle.height / 2;
        await this.page.mouse.move(x, y);
        await this.page.mouse.down();
        await this.page.mouse.move(x, y - 8, { steps: 4 });
        await this.page.mouse.move(x, target.y + 4, { steps: 20 });
        // jQuery UI sortable's placeholder (class name as spelt by Node-RED) shows where the item will land.
        await this.page.waitForFunction(
            ({ list, index }) => {
                const children = Array.from(document.querySelectorAll(`${list} > li`)).filter((li) => !li.classList.contains("ui-sortable-helper"));
                const placeholder = children.findIndex((li) => li.classList.contains("red-ui-editabelList-item-placeholder"));
                return placeholder === index;
            },
            { list: listSelector, index: to },
        );
        await this.page.mouse.up();
        await this.page.waitForFunction(
            (list) => !document.querySelector(`${list} > li.red-ui-editabelList-item-placeholder, ${list} > li.ui-sortable-helper`),
            listSelector,
        );
    }

    /**
     * Links of a node's outputs: [{port, target}] sorted by port then target. (After the editor has remapped outputs,
     * as it does when a switch's rules move, sourcePort can be a numeric string, as with core switch.)
     */
    links(sourceId) {
        return this.evaluate(
            (s) =>
                RED.nodes
                    .filterLinks({ source: { id: s } })
                    .map((l) => ({ port: Number(l.sourcePort), target: l.target.id }))
                    .sort((a, b) => a.port - b.port || a.target.localeCompare(b.target)),
            sourceId,
        );
    }

    /**
     * Clicks Deploy and waits until the runtime has the flows: the button turns back to disabled (nothing left to
     * deploy) and the runtime's revision equals the editor's.
     */
    async deploy() {
        const button = this.page.locator("#red-ui-header-button-deploy");
        await this.page.waitForFunction(() => RED.nodes.dirty());
        await button.click();
        await this.page.waitForFunction(
            () => !RED.nodes.dirty() && document.querySelector("#red-ui-header-button-deploy").classList.contains("disabled"),
        );
        const revision = await this.evaluate(() => RED.nodes.version());
        const { rev } = await this.nodeRed.admin("GET", "/flows", undefined, { "Node-RED-API-Version": "v2" });
        if (rev !== revision) throw new Error(`deployed revision ${rev} differs from the editor's ${revision}`);
    }

    /** Waits until a node's status text in the workspace matches `pattern` (a RegExp source). */
    async waitForStatus(id, pattern) {
        const label = this.node(id).locator(".red-ui-flow-node-status-label");
        await this.page.waitForFunction(
            ({ sel, re }) => {
                const el = document.querySelector(sel);
                return !!el && new RegExp(re).test(el.textContent);
            },
            { sel: `${nodeSelector(id)} .red-ui-flow-node-status-label`, re: pattern.source },
        );
        return label.textContent();
    }

    /** Shows the debug sidebar tab. */
    async showDebugSidebar() {
        await this.page.locator('#red-ui-sidebar a.red-ui-tab-link-button[href="#debug"]').click();
        await this.page.locator("#red-ui-tab-debug.active").waitFor({ state: "attached" });
    }

    /** The debug sidebar's messages from one debug node. */
    debugMessages(debugNodeId) {
        return this.page.locator(`.red-ui-debug-msg.red-ui-debug-msg-node-${debugNodeId.replace(/\./g, "_")}`);
    }

    /** The workspace rectangle (page coordinates) around some nodes, with a margin: for screenshots of a flow. */
    async flowClip(ids, margin = 40) {
        const boxes = [];
        for (const id of ids) {
            boxes.push(await this.node(id).boundingBox());
        }
        const left = Math.min(...boxes.map((b) => b.x)) - margin;
        const top = Math.min(...boxes.map((b) => b.y)) - margin;
        const right = Math.max(...boxes.map((b) => b.x + b.width)) + margin;
        const bottom = Math.max(...boxes.map((b) => b.y + b.height)) + margin;
        return { x: Math.max(0, left), y: Math.max(0, top), width: right - Math.max(0, left), height: bottom - Math.max(0, top) };
    }
}

/**
 * POSTs a signed body to the runtime; while it answers 503 (flows are starting: the endpoint's own
 * "retry shortly"), tries again until `deadline` ms have passed. Resolves with the last answer.
 */
async function postSigned(url, body, signatureHeader, deadline = 30000) {
    const until = Date.now() + deadline;
    for (;;) {
        const answer = await request("POST", url, body, { "Content-Type": "application/json", "Alocity-Signature": signatureHeader });
        if (answer.status !== 503 || Date.now() > until) return answer;
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
}

module.exports = { useEditorSession, launchChromium, Editor, postSigned, ARTIFACTS, STEP_TIMEOUT };
