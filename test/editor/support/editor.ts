// Drives the real Node-RED editor in Debian's chromium with playwright-core, for test/editor.
// Every step waits for a condition in the page (a selector, a state of RED.*), never for a fixed time.
/// <reference lib="dom" />
import fs from "fs";
import os from "os";
import path from "path";
import { chromium, type BrowserContext, type Locator, type Page } from "playwright-core";
import { accessTokens, type AdminUser } from "../../support/admin-auth";
import { signedPost, type HttpAnswer } from "../../support/requests";
import { useNodeRed, type NodeRedProcess, type StartOptions } from "../../support/real-node-red";
import type { FlowNode } from "../../support/test-flows";
import { eventually } from "../../support/wait";

/** What the editor's page offers the functions run in it: RED (the editor's API, the parts used here) and jQuery. */
interface EditorNode {
    id: string;
    type: string;
    rules?: { event: string }[];
    outputs?: number | string;
    url?: string;
    devices?: { serial: string; name: string }[];
    signature?: string;
    event?: string;
    valid?: boolean;
    /** What makes the node invalid: property names, or the messages validators return (Node-RED 3.1 and later). */
    validationErrors?: string[];
    tolerance?: number | string;
    /** alocity-cluster's key prefix; the id of that node in the nodes that use one. */
    prefix?: string;
    cluster?: string;
    credentials?: { secret?: string; has_secret?: boolean; password?: string; has_password?: boolean };
}
interface EditorLink {
    source: EditorNode;
    sourcePort: number | string;
    target: EditorNode;
}
interface NodeDefinition {
    category: string;
    outputLabels?: (this: EditorNode, port: number) => string;
    credentials?: Record<string, unknown>;
    set?: { module: string };
}
interface RedEditor {
    /** Translates a message key of the editor's catalogues. */
    _(key: string, substitutions?: object): string;
    nodes: {
        eachNode(callback: (node: EditorNode) => void): void;
        eachConfig(callback: (node: EditorNode) => void): void;
        filterNodes(filter: { type: string }): EditorNode[];
        filterLinks(filter: { source?: { id: string }; sourcePort?: number; target?: { id: string } }): EditorLink[];
        node(id: string): EditorNode | null;
        remove(id: string): unknown;
        getType(type: string): NodeDefinition | undefined;
        dirty(): boolean;
        version(): string;
    };
    workspaces: { active(): string; show(id: string): void };
    sidebar: { containsTab(id: string): boolean; show(id: string): void };
    menu: { setSelected(id: string, state: boolean): void };
    editor: { validateNode(node: EditorNode): boolean; edit(node: EditorNode): void };
    history: { pop(): void };
    view: {
        selection(): { nodes?: EditorNode[] };
        importNodes(nodes: FlowNode[], options: Record<string, boolean>): void;
    };
}
interface JQueryLite {
    length: number;
    trigger(event: string): JQueryLite;
}
interface JQueryStaticLite {
    (selector: string): JQueryLite;
    ajax(options: { url?: string }): unknown;
}
declare global {
    interface Window {
        RED?: RedEditor;
        $?: JQueryStaticLite;
    }
    const RED: RedEditor;
    const $: JQueryStaticLite;
}

/** A rectangle of the page. */
export interface Clip {
    x: number;
    y: number;
    width: number;
    height: number;
}
interface Point {
    x: number;
    y: number;
}

/** A bounding box that must be there (the element is visible). */
function boxOf(box: Clip | null, what: string): Clip {
    if (box === null) throw new Error(`${what} is not visible`);
    return box;
}

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
const nodeSelector = (id: string) => `${chart} g.red-ui-flow-node-group[id="${id}"]`;
const trayOk = "#node-dialog-ok";
const configTrayOk = "#node-config-dialog-ok";
/** An item of an editableList (not jQuery UI sortable's placeholder). */
const LIST_ITEM = "li:has(> .red-ui-editableList-item-content)";

export interface Chromium {
    context: BrowserContext;
    close(): Promise<void>;
}

/** A headless chromium with a fresh user data directory (a persistent context is playwright's way to give one). */
export async function launchChromium(): Promise<Chromium> {
    if (!fs.existsSync(CHROMIUM)) {
        throw new Error(`${CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium)`);
    }
    const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "alocity-chromium-"));
    let context: BrowserContext;
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
function clearArtifacts(): void {
    if (artifactsCleared) return;
    artifactsCleared = true;
    fs.rmSync(ARTIFACTS, { recursive: true, force: true });
    fs.mkdirSync(ARTIFACTS, { recursive: true });
}

export interface EditorSession {
    readonly nodeRed: NodeRedProcess;
    readonly editor: Editor;
}

/**
 * Registers a mocha suite's hooks for driving the editor. Before: a real Node-RED with default settings (and
 * `flows` deployed, if given), chromium, and the editor open (signed in as `user`, when Node-RED has adminAuth in its
 * `settings`). On a failed test: a screenshot failed-<title>.png and the page's errors. After: chromium closed and
 * Node-RED stopped, also when something failed.
 */
export function useEditorSession(options: StartOptions & { flows?: readonly FlowNode[]; user?: AdminUser } = {}): EditorSession {
    let browser: Chromium | undefined;
    let editor: Editor | undefined;
    // After hooks run in the order they are registered: chromium closes before Node-RED stops.
    after(async function () {
        if (browser) await browser.close();
    });
    before(clearArtifacts);
    const runtime = useNodeRed(options);
    before(async function () {
        browser = await launchChromium();
        const user = options.user;
        const token = user && (await accessTokens(runtime.nodeRed, [user]))[user.username];
        editor = await Editor.open(browser.context, runtime.nodeRed, token);
    });
    afterEach(async function () {
        const test = this.currentTest;
        if (test?.state === "failed" && editor) {
            const name = "failed-" + test.title.replace(/[^a-z0-9]+/gi, "-").slice(0, 60);
            await editor.screenshot(name).catch(() => {});
            if (editor.browserErrors.length) console.log("errors in the page:\n" + editor.browserErrors.join("\n"));
        }
    });
    return {
        get nodeRed() {
            return runtime.nodeRed;
        },
        get editor() {
            if (editor === undefined) throw new Error("the editor is not open: use it in tests and hooks only");
            return editor;
        },
    };
}

export class Editor {
    /** Errors thrown in the page. */
    readonly browserErrors: string[] = [];

    /** Runs a function in the page (RED is there). */
    readonly evaluate: Page["evaluate"];

    constructor(
        readonly page: Page,
        readonly nodeRed: NodeRedProcess,
    ) {
        this.evaluate = page.evaluate.bind(page);
        page.on("pageerror", (error) => this.browserErrors.push(error.message));
    }

    /**
     * Opens the editor as a returning user would see it (as `npm start` does): no modal stands in the way. With an
     * access token (adminAuth), signed in with it (see signIn); the first-run questions are then left to that user.
     */
    static async open(context: BrowserContext, nodeRed: NodeRedProcess, token?: string): Promise<Editor> {
        const page = context.pages()[0] || (await context.newPage());
        const editor = new Editor(page, nodeRed);
        if (token !== undefined) {
            await editor.signIn(token);
            return editor;
        }
        await nodeRed.answerFirstRunQuestions();
        await page.goto(nodeRed.url + "/", { timeout: 120000 });
        await editor.loaded();
        return editor;
    }

    /**
     * Loads the editor signed in with an access token, as the editor takes one (`?access_token=`, then kept); the
     * editor reads the token as written in the URL, undecoded.
     */
    async signIn(token: string): Promise<void> {
        await this.page.goto(`${this.nodeRed.url}/?access_token=${token}`, { timeout: 120000 });
        await this.page.waitForURL((url) => !url.search.includes("access_token"), { timeout: 120000 });
        await this.loaded();
    }

    /** Loads the editor again (e.g. after changing what the page may fetch) and waits until it is ready. */
    async reload(): Promise<void> {
        await this.page.reload({ timeout: 120000 });
        await this.loaded();
    }

    /** Waits until the editor has loaded its nodes and flows. */
    private async loaded(): Promise<void> {
        await this.page.waitForFunction(
            () =>
                window.RED &&
                RED.nodes &&
                RED.workspaces &&
                RED.workspaces.active() &&
                document.querySelector(".red-ui-palette-node") &&
                (() => {
                    const progress = document.querySelector("#red-ui-loading-progress");
                    return !progress || getComputedStyle(progress).display === "none";
                })(),
            undefined,
            { timeout: 120000 },
        );
    }

    /**
     * Saves a screenshot to artifacts/editor/<name>.png: the page, `options.clip` of it, or `options.locator`.
     * `options.readme` names the copy in docs/images/ that is made when README_IMAGES is set.
     */
    async screenshot(name: string, options: { clip?: Clip; locator?: Locator; readme?: string } = {}): Promise<string> {
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
    async type(selector: string | Locator, text: string): Promise<void> {
        const input = typeof selector === "string" ? this.page.locator(selector) : selector;
        await input.fill(text);
        await input.press("End");
    }

    /**
     * The top tray, cut below its form's last row (trays are as tall as the window): a page clip for screenshots
     * of a dialog.
     */
    async trayClip(margin = 20): Promise<Clip> {
        const tray = await this.settledTray();
        const box = boxOf(await tray.boundingBox(), "the tray");
        const bottom = await this.evaluate(() => {
            const trays = document.querySelectorAll(".red-ui-tray");
            const form = trays[trays.length - 1].querySelector(".red-ui-tray-body form, .red-ui-tray-body");
            return Math.max(
                ...Array.from(form?.querySelectorAll<HTMLElement>(".form-row, .form-tips") ?? [])
                    .filter((el) => el.offsetParent !== null)
                    .map((el) => el.getBoundingClientRect().bottom),
            );
        });
        const height = Number.isFinite(bottom) ? Math.min(box.height, bottom - box.y + margin) : box.height;
        return { x: box.x, y: box.y, width: box.width, height };
    }

    /** Closes the notifications at the top of the editor (a click closes one), e.g. before a screenshot. */
    async dismissNotifications(): Promise<void> {
        await this.evaluate(() => $("#red-ui-notifications .red-ui-notification").trigger("click"));
        await this.page.waitForFunction(() => $("#red-ui-notifications .red-ui-notification:visible").length === 0);
    }

    /** Clicks an empty spot of the workspace (`position` from the chart's top left), which clears the selection. */
    async clickWorkspace(position: Point): Promise<void> {
        await this.page.locator(chart).click({ position });
        await this.page.waitForFunction(() => RED.view.selection().nodes === undefined);
    }

    /** Clears the debug sidebar (its "all" button) and waits until it is empty. */
    async clearDebugSidebar(): Promise<void> {
        await this.page.locator("#red-ui-sidebar-debug-clear").click();
        await this.page.waitForFunction(() => document.querySelectorAll(".red-ui-debug-msg").length === 0);
    }

    /** Types into the palette's filter box; "" clears it. */
    async filterPalette(text: string): Promise<void> {
        await this.type("#red-ui-palette-search input", text);
        await this.page.waitForFunction(
            (filter) =>
                Array.from(document.querySelectorAll("#red-ui-palette-container .red-ui-palette-node")).every((el) => {
                    const type = el.getAttribute("data-palette-type") || "";
                    const label = el.getAttribute("data-palette-label") || "";
                    const hidden = el.getAttribute("data-filter") === "true";
                    const matches =
                        !filter || type.toLowerCase().includes(filter.toLowerCase()) || label.toLowerCase().includes(filter.toLowerCase());
                    return hidden !== matches;
                }),
            text,
        );
    }

    paletteNode(type: string): Locator {
        return this.page.locator(`.red-ui-palette-node[data-palette-type="${type}"]`);
    }

    /** Ids of the nodes (flow or config nodes) of a type in the editor's model. */
    nodeIds(type: string): Promise<string[]> {
        // No named functions inside a function run in the page: tsx (esbuild) would wrap them in a helper, __name,
        // that only exists here.
        return this.evaluate((t) => {
            const ids: string[] = [];
            RED.nodes.eachNode((n) => {
                if (n.type === t) ids.push(n.id);
            });
            RED.nodes.eachConfig((n) => {
                if (n.type === t) ids.push(n.id);
            });
            return ids;
        }, type);
    }

    node(id: string): Locator {
        return this.page.locator(nodeSelector(id));
    }

    /** Drags a node from the palette onto the workspace at `position` (px from the chart's top left); returns its id. */
    async dropFromPalette(type: string, position: Point): Promise<string> {
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
        const id = (await handle.jsonValue()) as string;
        await this.node(id).waitFor({ state: "visible" });
        return id;
    }

    /** Pastes a node into the workspace as the clipboard import does, keeping its id; resolves once it shows. */
    async paste(node: FlowNode): Promise<void> {
        await this.evaluate(
            (pasted) => RED.view.importNodes([pasted], { addFlow: false, generateIds: false, notify: false, touchImport: true }),
            node,
        );
        await this.node(node.id).waitFor({ state: "visible" });
    }

    /** Double-clicks a node in the workspace; resolves once its edit tray is open. */
    async openEditDialog(id: string): Promise<Locator> {
        await this.node(id).locator("rect.red-ui-flow-node").dblclick();
        await this.page.locator(trayOk).waitFor({ state: "visible" });
        return this.settledTray();
    }

    /** Cancels the edit dialog if one is open, and waits until it is gone (a test's afterEach, whatever it left). */
    async cancelOpenDialog(): Promise<void> {
        const cancel = this.page.locator("#node-dialog-cancel");
        if (await cancel.isVisible()) {
            await cancel.click();
            await cancel.waitFor({ state: "detached" });
        }
    }

    /** The tray on top (the one being edited). */
    topTray(): Locator {
        return this.page.locator(".red-ui-tray").last();
    }

    /** Waits until the top tray has slid fully in (right edge at 0, no transition running); returns it. */
    async settledTray(): Promise<Locator> {
        await this.page.waitForFunction(() => {
            const trays = document.querySelectorAll(".red-ui-tray");
            const tray = trays[trays.length - 1];
            return !!tray && getComputedStyle(tray).right === "0px" && tray.getAnimations().length === 0;
        });
        return this.topTray();
    }

    /** Clicks Done in the node's edit tray and waits until it is gone. */
    async closeEditDialog(): Promise<void> {
        await this.page.locator(trayOk).click();
        await this.page.locator(trayOk).waitFor({ state: "detached" });
    }

    /** Clicks Add/Update in a config node's tray and waits until it is gone. */
    async closeConfigDialog(): Promise<void> {
        await this.page.locator(configTrayOk).click();
        await this.page.locator(configTrayOk).waitFor({ state: "detached" });
    }

    /** Wires output `port` of `sourceId` to the input of `targetId` by dragging between the ports. */
    async wire(sourceId: string, port: number, targetId: string): Promise<void> {
        const from = this.node(sourceId).locator(".red-ui-flow-port-output").nth(port).locator(".red-ui-flow-port");
        const to = this.node(targetId).locator(".red-ui-flow-port-input .red-ui-flow-port");
        await from.dragTo(to, { steps: 10 });
        await this.page.waitForFunction(
            ({ s, p, t }) => RED.nodes.filterLinks({ source: { id: s }, sourcePort: p, target: { id: t } }).length === 1,
            { s: sourceId, p: port, t: targetId },
        );
    }

    /** The items of an editableList (e.g. "#node-input-rule-container") in the open dialog. */
    listItems(listSelector: string): Locator {
        return this.page.locator(`${listSelector} > ${LIST_ITEM}`);
    }

    /** Waits until an editableList shows `count` items (some dialogs build their list asynchronously). */
    async waitForListLength(listSelector: string, count: number): Promise<void> {
        await this.page.waitForFunction(({ sel, n }) => document.querySelectorAll(sel).length === n, {
            sel: `${listSelector} > ${LIST_ITEM}`,
            n: count,
        });
    }

    /**
     * Drags item `from` of an editableList by its handle to the place of item `to` (to < from), as a user would:
     * press on the handle, move in small steps until the list's placeholder sits at `to`, release.
     */
    async moveListItem(listSelector: string, from: number, to: number): Promise<void> {
        const items = this.listItems(listSelector);
        const handle = boxOf(await items.nth(from).locator(".red-ui-editableList-item-handle").boundingBox(), `the handle of item ${from}`);
        const target = boxOf(await items.nth(to).boundingBox(), `item ${to}`);
        const x = handle.x + handle.width / 2;
        const y = handle.y + handle.height / 2;
        await this.page.mouse.move(x, y);
        await this.page.mouse.down();
        await this.page.mouse.move(x, y - 8, { steps: 4 });
        await this.page.mouse.move(x, target.y + 4, { steps: 20 });
        // jQuery UI sortable's placeholder (class name as spelt by Node-RED) shows where the item will land.
        await this.page.waitForFunction(
            ({ list, index }) => {
                const children = Array.from(document.querySelectorAll(`${list} > li`)).filter(
                    (li) => !li.classList.contains("ui-sortable-helper"),
                );
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
    links(sourceId: string): Promise<{ port: number; target: string }[]> {
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
    async deploy(): Promise<void> {
        const button = this.page.locator("#red-ui-header-button-deploy");
        await this.page.waitForFunction(() => RED.nodes.dirty());
        await button.click();
        await this.page.waitForFunction(
            () => !RED.nodes.dirty() && !!document.querySelector("#red-ui-header-button-deploy")?.classList.contains("disabled"),
        );
        const revision = await this.evaluate(() => RED.nodes.version());
        const { rev } = await this.nodeRed.admin<{ rev: string }>("GET", "/flows", undefined, { "Node-RED-API-Version": "v2" });
        if (rev !== revision) throw new Error(`deployed revision ${rev} differs from the editor's ${revision}`);
    }

    /** Waits until a node's status text in the workspace matches `pattern` (a RegExp source). */
    async waitForStatus(id: string, pattern: RegExp): Promise<string> {
        const label = this.node(id).locator(".red-ui-flow-node-status-label");
        await this.page.waitForFunction(
            ({ sel, re }) => {
                const el = document.querySelector(sel);
                return !!el && new RegExp(re).test(el.textContent ?? "");
            },
            { sel: `${nodeSelector(id)} .red-ui-flow-node-status-label`, re: pattern.source },
        );
        return (await label.textContent()) ?? "";
    }

    /** Shows the debug sidebar tab. */
    async showDebugSidebar(): Promise<void> {
        await this.page.locator('#red-ui-sidebar a.red-ui-tab-link-button[href="#debug"]').click();
        await this.page.locator("#red-ui-tab-debug.active").waitFor({ state: "attached" });
    }

    /** The debug sidebar's messages from one debug node. */
    debugMessages(debugNodeId: string): Locator {
        return this.page.locator(`.red-ui-debug-msg.red-ui-debug-msg-node-${debugNodeId.replace(/\./g, "_")}`);
    }

    /** The workspace rectangle (page coordinates) around some nodes, with a margin: for screenshots of a flow. */
    async flowClip(ids: readonly string[], margin = 40): Promise<Clip> {
        const boxes: Clip[] = [];
        for (const id of ids) {
            boxes.push(boxOf(await this.node(id).boundingBox(), `node ${id}`));
        }
        const left = Math.min(...boxes.map((b) => b.x)) - margin;
        const top = Math.min(...boxes.map((b) => b.y)) - margin;
        const right = Math.max(...boxes.map((b) => b.x + b.width)) + margin;
        const bottom = Math.max(...boxes.map((b) => b.y + b.height)) + margin;
        return { x: Math.max(0, left), y: Math.max(0, top), width: right - Math.max(0, left), height: bottom - Math.max(0, top) };
    }
}

/**
 * POSTs a body signed with `secret` to the runtime; while it answers 503 (flows are starting: the endpoint's own
 * "retry shortly"), sends it again until it answers something else.
 */
export function postSigned(url: string, body: string, secret: string): Promise<HttpAnswer> {
    let last: HttpAnswer | undefined;
    return eventually(
        async () => {
            last = await signedPost(url, body, { secret });
            return last.status !== 503 && last;
        },
        () => `an answer other than 503 from ${url} (last: ${last?.status} ${last?.text})`,
        STEP_TIMEOUT,
    );
}
