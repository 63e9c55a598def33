// The Doors sidebar in the real editor (chromium, playwright-core) of a real Node-RED with default settings: the
// records of a deployed alocity-device-state node, kept up to date from signed events without a reload.
import assert from "assert";
import { DOORS_CHANGES_TOPIC } from "../../src/runtime/editor/doors-feed";
import { connectComms } from "../support/editor-comms";
import { request } from "../support/requests";
import { eventually } from "../support/wait";
import { useEditorSession, type Editor } from "./support/editor";
import {
    buildingFlow,
    doorRows,
    DOORS_TAB,
    groupHeader,
    sendToBuilding,
    showDoorsTab,
    waitForRows,
    type Building,
    type DoorRow,
} from "./support/doors";

const BUILDING: Building = {
    tab: "doors-building",
    node: "doors-state",
    path: "/alocity/building",
    secret: "whsec-doors-5b2e8c1f7a93",
    name: "Head office",
    devices: [
        { serial: "ALO-D-01", name: "Front door" },
        { serial: "ALO-D-02", name: "Back door" },
        { serial: "ALO-D-03", name: "Yard gate" },
    ],
};
const FORGET = { id: "doors-forget", serial: "ALO-D-02" };
/** A flow of nothing, to be on when the node is revealed. */
const ELSEWHERE = "doors-elsewhere";
/** A device with no configured name: its card shows the serial number alone. */
const UNNAMED = "ALO-D-99";

const door = (serialNumber: string, doorState: string) => ({ serialNumber, doorState });
const lock = (serialNumber: string, lockState: string) => ({ serialNumber, lockState });
const health = (serialNumber: string, isConnected: boolean) => ({
    serialNumber,
    isConnected,
    firmwareVersion: "3.8.2",
    databaseActive: true,
    ipAddress: "10.20.4.17",
});
const access = (serialNumber: string, result: string, userName: string) => ({
    serialNumber,
    result,
    userName,
    id: `${serialNumber}-${result}-${Date.now()}`,
});

/** Which value of a card each index of DoorRow.values is. */
const DOOR = 0;
const LOCK = 1;
const ONLINE = 2;
const LOCKDOWN = 3;
const LAST_ACCESS = 4;
const LAST_SEEN = 5;

describe("the Doors sidebar (chromium)", function () {
    this.timeout(180000);
    const session = useEditorSession({ flows: [...buildingFlow(BUILDING, FORGET), { id: ELSEWHERE, type: "tab", label: "Elsewhere" }] });
    let editor: Editor;
    const send = (...events: object[]) => sendToBuilding(session.nodeRed.url, BUILDING, events);
    /** The browser's requests for records, by URL. */
    const fetches: string[] = [];

    before(async function () {
        editor = session.editor;
        editor.page.on("request", (req) => {
            if (req.url().includes("/alocity-doors")) fetches.push(req.url());
        });
        await send(
            door("ALO-D-01", "Closed"),
            lock("ALO-D-01", "Locked"),
            health("ALO-D-02", true),
            access("ALO-D-03", "Access Granted", "Ada Lovelace"),
        );
    });

    it('adds the tab "Doors" with an icon, and lists every record of the deployed node in its group', async function () {
        await showDoorsTab(editor);
        const tab = await editor.evaluate((id) => {
            const active = document.querySelector(`#red-ui-sidebar li.red-ui-tab.active`);
            return {
                id: active?.id,
                label: active?.querySelector(".red-ui-tab-label span")?.textContent,
                icon: active?.querySelector(".red-ui-tab-label i")?.className,
                button: document.querySelector(`#red-ui-sidebar a.red-ui-tab-link-button[href="#${id}"] i`)?.className,
            };
        }, DOORS_TAB);
        assert.deepStrictEqual(tab, {
            id: `red-ui-tab-${DOORS_TAB}`,
            label: "Doors",
            icon: "red-ui-tab-icon fa fa-building-o",
            button: "fa fa-building-o",
        });

        const rows = await waitForRows(editor, BUILDING.node, (all) => all.length === 3, "the three devices heard from");
        assert.deepStrictEqual(await groupHeader(editor, BUILDING.node), { name: BUILDING.name, count: "3 devices" });
        // By name; the serial number beneath the name.
        assert.deepStrictEqual(
            rows.map((row) => [row.name, row.serial, row.serialShown, row.alarms, row.alarmed]),
            [
                ["Back door", "ALO-D-02", true, "", false],
                ["Front door", "ALO-D-01", true, "", false],
                ["Yard gate", "ALO-D-03", true, "", false],
            ],
        );
        const [back, front, yard] = rows;
        assert.deepStrictEqual(front.values.slice(0, LAST_ACCESS + 1), ["closed", "locked", "unknown", "unknown", "none yet"]);
        assert.deepStrictEqual(front.unknown.slice(0, LAST_ACCESS + 1), [false, false, true, true, true], "unknowns greyed");
        assert.deepStrictEqual(back.values.slice(0, ONLINE + 1), ["unknown", "unknown", "yes"]);
        assert.strictEqual(yard.values[LAST_ACCESS], "Ada Lovelace, granted, just now");
        assert.match(front.values[LAST_SEEN], /^(just now|\d+ s ago)$/);
        await editor.screenshot("doors-01-listed", { locator: editor.page.locator("#red-ui-sidebar") });
    });

    it("updates a card within a second of a signed event, without a reload, and keeps the last-seen time ticking", async function () {
        await editor.evaluate(() => Object.assign(window, { doorsMarker: "still this page" }));
        const before = fetches.length;
        await send(door("ALO-D-01", "Open"), lock("ALO-D-01", "Unlocked"));
        const rows = await waitForRows(
            editor,
            BUILDING.node,
            (all) => all[1]?.values[DOOR] === "open" && all[1].values[LOCK] === "unlocked",
            "the front door open and unlocked",
        );
        assert.strictEqual(rows[1].serial, "ALO-D-01", "the card did not move: its alarms did not change");
        assert.strictEqual(await editor.evaluate(() => (window as unknown as { doorsMarker?: string }).doorsMarker), "still this page");
        // Only what changed was fetched: the node and the device.
        const asked = fetches.slice(before).map((url) => new URL(url).searchParams);
        assert.ok(
            asked.length >= 1 &&
                asked.every((params) => params.get("node") === BUILDING.node && params.getAll("serial").join() === "ALO-D-01"),
            fetches.slice(before).join("\n"),
        );
        // Closed again, so that no held-open alarm comes in the middle of the next tests.
        await send(door("ALO-D-01", "Closed"));
        await waitForRows(editor, BUILDING.node, (all) => all[1]?.values[DOOR] === "closed", "the front door closed");

        // A device the node has no name for: its serial number is its name; then the times move on.
        await send(health(UNNAMED, true));
        const unnamed = (
            await waitForRows(editor, BUILDING.node, (all) => all.some((row) => row.serial === UNNAMED), "the unnamed device")
        ).find((row) => row.serial === UNNAMED);
        assert.deepStrictEqual([unnamed?.name, unnamed?.serialShown], [UNNAMED, false]);
        const yard = (rows: DoorRow[]) => rows.find((row) => row.serial === "ALO-D-03")?.values[LAST_SEEN];
        const seen = yard(await doorRows(editor, BUILDING.node));
        const fetched = fetches.length;
        await waitForRows(editor, BUILDING.node, (all) => yard(all) !== seen, `the yard gate's last-seen time to move on from "${seen}"`);
        assert.strictEqual(fetches.length, fetched, "by the sidebar's own clock, without asking the runtime");
    });

    it("puts a card with an active alarm first, with its data-alarms; a lockdown shows as its alarm", async function () {
        await send(health("ALO-D-03", false));
        let rows = await waitForRows(editor, BUILDING.node, (all) => all[0]?.serial === "ALO-D-03", "the yard gate (offline) first");
        assert.deepStrictEqual(
            [rows[0].alarms, rows[0].alarmed, rows[0].chips, rows[0].values[ONLINE]],
            ["device.offline", true, ["offline"], "no"],
        );
        assert.match((await groupHeader(editor, BUILDING.node))?.count ?? "", /1 with alarms/);

        await send(access("ALO-D-02", "Lockdown Start", "Grace Hopper"));
        rows = await waitForRows(editor, BUILDING.node, (all) => all[0]?.alarms === "device.lockdown", "the back door (lockdown) first");
        assert.deepStrictEqual(
            rows.map((row) => [row.serial, row.alarms]),
            [
                ["ALO-D-02", "device.lockdown"],
                ["ALO-D-03", "device.offline"],
                [UNNAMED, ""],
                ["ALO-D-01", ""],
            ],
        );
        assert.deepStrictEqual([rows[0].chips, rows[0].values[LOCKDOWN]], [["lockdown"], "on, by Grace Hopper"]);
        assert.ok(await editor.page.locator('.alocity-doors-device[data-alarms~="device.offline"]').isVisible());
        await editor.screenshot("doors-02-alarms", { locator: editor.page.locator("#red-ui-sidebar") });

        // The alarm ends: the card goes back among the others by name.
        await send(access("ALO-D-02", "Lockdown End", "Grace Hopper"));
        rows = await waitForRows(
            editor,
            BUILDING.node,
            (all) => all[0]?.alarms === "device.offline" && all[1]?.alarms === "",
            "the back door's lockdown to end",
        );
        assert.deepStrictEqual(
            rows.map((row) => row.serial),
            ["ALO-D-03", UNNAMED, "ALO-D-02", "ALO-D-01"],
        );
        assert.deepStrictEqual([rows[2].alarms, rows[2].alarmed, rows[2].values[LOCKDOWN]], ["", false, "off"]);
    });

    it("fetches everything again once the editor reconnects: a change told while it was away is not lost", async function () {
        // The page's websockets, kept; while `held`, a new one goes to a closed port (refused, as if the runtime were away).
        // (A script as text: a function of this file would be compiled with a helper the page does not have.)
        await editor.page.addInitScript(`(() => {
            const Native = window.WebSocket;
            const comms = { sockets: [], held: false };
            window.WebSocket = Object.assign(function (url, protocols) {
                const socket = new Native(comms.held ? "ws://127.0.0.1:9/comms" : url, protocols);
                comms.sockets.push(socket);
                return socket;
            }, { prototype: Native.prototype, CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
            window.heldComms = comms;
        })();`);
        await editor.reload();
        await showDoorsTab(editor);
        await waitForRows(editor, BUILDING.node, (all) => all.length === 4, "the cards after the reload");
        const watcher = await connectComms(session.nodeRed.url, { topics: [DOORS_CHANGES_TOPIC] });
        try {
            await editor.evaluate(() => {
                const { heldComms } = window as unknown as { heldComms: { sockets: WebSocket[]; held: boolean } };
                heldComms.held = true;
                heldComms.sockets.forEach((socket) => socket.close());
            });
            const before = fetches.length;
            await send(lock("ALO-D-01", "Locked"));
            await eventually(
                () => watcher.messages.some((m) => JSON.stringify(m.data).includes("ALO-D-01")),
                "the change told on the comms",
            );
            assert.notStrictEqual(
                (await doorRows(editor, BUILDING.node)).find((row) => row.serial === "ALO-D-01")?.values[LOCK],
                "locked",
                "not seen while away",
            );
            await editor.evaluate(() => Object.assign((window as unknown as { heldComms: { held: boolean } }).heldComms, { held: false }));
            await waitForRows(
                editor,
                BUILDING.node,
                (all) => all.find((row) => row.serial === "ALO-D-01")?.values[LOCK] === "locked",
                "the change shown after the reconnection",
            );
            assert.ok(
                fetches.slice(before).some((url) => !new URL(url).searchParams.has("node")),
                `everything fetched: ${fetches.slice(before).join("\n")}`,
            );
        } finally {
            await watcher.close();
        }
    });

    it("filters the cards by name or serial number", async function () {
        const filter = editor.page.locator(".alocity-doors-filter");
        const shown = async () => (await doorRows(editor, BUILDING.node)).filter((row) => row.shown).map((row) => row.serial);
        await editor.type(filter, "front");
        assert.deepStrictEqual(await shown(), ["ALO-D-01"]);
        assert.match((await groupHeader(editor, BUILDING.node))?.count ?? "", /^1 of 4 devices/);
        await editor.type(filter, "d-03");
        assert.deepStrictEqual(await shown(), ["ALO-D-03"]);
        await editor.type(filter, "");
        assert.strictEqual((await shown()).length, 4);
    });

    it("removes a forgotten device's card", async function () {
        const answer = await request("POST", `${session.nodeRed.url}/inject/${FORGET.id}`);
        assert.strictEqual(answer.status, 200, answer.text);
        await waitForRows(
            editor,
            BUILDING.node,
            (all) => all.length === 3 && !all.some((row) => row.serial === FORGET.serial),
            "the back door's card gone",
        );
    });

    it("fetches everything when the tab is shown again: chosen after another tab, or in the sidebar opened again", async function () {
        const fetchedAll = (from: number) => fetches.slice(from).some((url) => !new URL(url).searchParams.has("node"));
        const doors = editor.page.locator(".alocity-doors");
        await editor.evaluate(() => RED.sidebar.show("debug"));
        await doors.waitFor({ state: "hidden" });
        let before = fetches.length;
        await showDoorsTab(editor);
        await eventually(
            () => fetchedAll(before),
            () => `everything fetched on choosing the tab: ${fetches.slice(before).join("\n")}`,
        );

        await editor.evaluate(() => RED.menu.setSelected("menu-item-sidebar", false));
        await doors.waitFor({ state: "hidden" });
        before = fetches.length;
        await editor.evaluate(() => RED.menu.setSelected("menu-item-sidebar", true));
        await doors.waitFor({ state: "visible" });
        await eventually(
            () => fetchedAll(before),
            () => `everything fetched on opening the sidebar: ${fetches.slice(before).join("\n")}`,
        );
    });

    it("reveals the node in its flow when its group's header is clicked", async function () {
        await editor.evaluate((tab) => RED.workspaces.show(tab), ELSEWHERE);
        await editor.page.locator(`.alocity-doors-group[data-node="${BUILDING.node}"] .alocity-doors-group-header`).click();
        await editor.page.waitForFunction(
            ({ tab, id }) =>
                RED.workspaces.active() === tab &&
                !!document.querySelector(`g.red-ui-flow-node-group[id="${id}"] .red-ui-flow-node-highlighted`),
            { tab: BUILDING.tab, id: BUILDING.node },
        );
    });

    it("follows a deploy that deletes the node: its group goes", async function () {
        await editor.evaluate((tab) => RED.workspaces.show(tab), BUILDING.tab);
        await editor.node(BUILDING.node).locator("rect.red-ui-flow-node").click();
        await editor.page.keyboard.press("Delete");
        await editor.deploy();
        await eventually(async () => (await groupHeader(editor, BUILDING.node)) === null, "the node's group to go");
        assert.strictEqual(
            await editor.page.locator(".alocity-doors-groups > .alocity-doors-note").textContent(),
            "No alocity-device-state node is deployed.",
        );
    });

    it("raised no error in the page", function () {
        assert.deepStrictEqual(editor.browserErrors, []);
    });
});
