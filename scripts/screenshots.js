#!/usr/bin/env node
// `npm run screenshots`: the README's picture of the Doors sidebar, taken from the real editor. Starts a real Node-RED
// (default settings, a user directory of its own) with a building's flow (alocity-webhook-in -> alocity-device-state),
// sends it signed events (doors used, one forced open, a controller offline, a lockdown), opens the editor in Debian's
// chromium (playwright-core, as the editor tests do), shows the Doors tab and saves it to docs/images/doors-sidebar.png
// (and artifacts/editor/). Needs a build (npm run screenshots builds first) and chromium (apt-get install chromium).
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { startNodeRed } = require("./node-red-process");
// The editor tests' driver of chromium and of the Doors tab (TypeScript).
require("tsx/cjs");
const { Editor, launchChromium } = require("../test/editor/support/editor");
const { buildingFlow, sendToBuilding, showDoorsTab, waitForRows } = require("../test/editor/support/doors");

const ROOT = path.resolve(__dirname, "..");

const BUILDING = {
    tab: "screenshot-building",
    node: "screenshot-doors",
    path: "/alocity",
    secret: crypto.randomBytes(24).toString("base64"),
    name: "Head office",
    devices: [
        { serial: "ALO-DC-20220415", name: "Main entrance" },
        { serial: "ALO-DC-20220416", name: "Back door" },
        { serial: "ALO-DC-20220417", name: "Server room" },
        { serial: "ALO-DC-20220418", name: "Loading dock" },
        { serial: "ALO-DC-20220419", name: "Roof hatch" },
    ],
};
const [MAIN, BACK, SERVER, DOCK, ROOF] = BUILDING.devices.map((device) => device.serial);
const health = (serialNumber, isConnected) => ({
    serialNumber,
    isConnected,
    firmwareVersion: "3.8.2",
    databaseActive: true,
    ipAddress: "10.20.4.17",
});
let access = 0;
const accessLog = (serialNumber, result, userName) => ({ id: `screenshot-${++access}`, serialNumber, result, userName });

const EVENTS = [
    ...BUILDING.devices.map(({ serial }) => health(serial, true)),
    ...[MAIN, BACK, SERVER, DOCK, ROOF].flatMap((serialNumber) => [
        { serialNumber, doorState: "Closed" },
        { serialNumber, lockState: "Locked" },
    ]),
    accessLog(MAIN, "Access Granted", "Dana Whitfield"),
    { serialNumber: MAIN, lockState: "Unlocked" },
    { serialNumber: MAIN, doorState: "Open" },
    accessLog(BACK, "Unknown User", "Badge 4471"),
    health(DOCK, false),
    accessLog(ROOF, "Lockdown Start", "Security desk"),
    // Opened while locked, with no unlock and no access: forced open once the grace (5 s) has passed.
    { serialNumber: SERVER, doorState: "Open" },
];

async function main() {
    if (!fs.existsSync(path.join(ROOT, "dist", "nodes", "alocity-device-state.js"))) {
        throw new Error("dist/ is missing: run `npm run screenshots` (which builds first) or `npm run build`");
    }
    process.env.README_IMAGES = "1";
    const userDir = fs.mkdtempSync(path.join(os.tmpdir(), "alocity-screenshots-"));
    const nodeRed = await startNodeRed({ userDir, port: 0, packageDir: ROOT });
    let browser;
    try {
        await nodeRed.deploy(buildingFlow(BUILDING));
        await sendToBuilding(nodeRed.url, BUILDING, EVENTS);
        browser = await launchChromium();
        const editor = await Editor.open(browser.context, nodeRed);
        // Tall enough for every card, and the sidebar made wider by its separator, as a user would.
        await editor.page.setViewportSize({ width: 1400, height: 1100 });
        const separator = await editor.page.locator("#red-ui-sidebar-separator").boundingBox();
        if (separator) {
            const y = separator.y + separator.height / 2;
            await editor.page.mouse.move(separator.x + separator.width / 2, y);
            await editor.page.mouse.down();
            await editor.page.mouse.move(separator.x - 140, y, { steps: 10 });
            await editor.page.mouse.up();
        }
        await editor.evaluate((tab) => RED.workspaces.show(tab), BUILDING.tab);
        await showDoorsTab(editor);
        await waitForRows(
            editor,
            BUILDING.node,
            (rows) => rows.some((row) => row.alarms.includes("door.forced-open")),
            "the server room forced open",
        );
        const file = await editor.screenshot("doors-sidebar", { locator: editor.page.locator("#red-ui-sidebar"), readme: "doors-sidebar" });
        if (editor.browserErrors.length > 0) throw new Error(`errors in the page:\n${editor.browserErrors.join("\n")}`);
        console.log(`saved ${path.relative(ROOT, file)} and docs/images/doors-sidebar.png`);
    } finally {
        if (browser) await browser.close();
        await nodeRed.stop();
        fs.rmSync(userDir, { recursive: true, force: true });
    }
}

main().then(
    () => process.exit(0),
    (error) => {
        console.error(`screenshots: ${error.stack || error.message}`);
        process.exit(1);
    },
);
