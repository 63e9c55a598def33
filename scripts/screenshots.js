#!/usr/bin/env node
// `npm run screenshots`: the README's pictures, taken from the real editor in Debian's chromium (playwright-core, as
// the editor tests do). Needs a build (npm run screenshots builds first) and chromium (apt-get install chromium).
// - docs/images/doors-sidebar.png: a real Node-RED (default settings, a user directory of its own) with a building's
//   flow (alocity-webhook-in -> alocity-device-state) sent signed events (doors used, one forced open, a controller
//   offline, a lockdown), and the Doors tab.
// - docs/images/demo.png and demo-debug.png: `npm start`'s demo with `alocity-webhook simulate` playing
//   (scripts/screenshot-demo.js).
// Each is also saved in artifacts/editor/.
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { startNodeRed } = require("./node-red-process");
const { screenshotDemo } = require("./screenshot-demo");
const { ROOT, saveImage, withEditor } = require("./screenshot-editor");
const { buildingFlow, sendToBuilding, showDoorsTab, waitForRows } = require("../test/editor/support/doors");

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

async function screenshotDoorsSidebar() {
    const userDir = fs.mkdtempSync(path.join(os.tmpdir(), "alocity-screenshots-"));
    const nodeRed = await startNodeRed({ userDir, port: 0, packageDir: ROOT });
    try {
        await nodeRed.deploy(buildingFlow(BUILDING));
        await sendToBuilding(nodeRed.url, BUILDING, EVENTS);
        // Tall enough for every card.
        await withEditor(nodeRed, { height: 1100, sidebarWider: 140 }, async (editor) => {
            await editor.evaluate((tab) => RED.workspaces.show(tab), BUILDING.tab);
            await showDoorsTab(editor);
            await waitForRows(
                editor,
                BUILDING.node,
                (rows) => rows.some((row) => row.alarms.includes("door.forced-open")),
                "the server room forced open",
            );
            await saveImage(editor, "doors-sidebar", { locator: editor.page.locator("#red-ui-sidebar") });
        });
    } finally {
        await nodeRed.stop();
        fs.rmSync(userDir, { recursive: true, force: true });
    }
}

async function main() {
    if (!fs.existsSync(path.join(ROOT, "dist", "nodes", "alocity-device-state.js"))) {
        throw new Error("dist/ is missing: run `npm run screenshots` (which builds first) or `npm run build`");
    }
    await screenshotDoorsSidebar();
    await screenshotDemo();
}

main().then(
    () => process.exit(0),
    (error) => {
        console.error(`screenshots: ${error.stack || error.message}`);
        process.exit(1);
    },
);
