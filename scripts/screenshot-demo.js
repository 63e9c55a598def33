// `npm run screenshots`, the demo: what a new user sees after `npm start` and the `alocity-webhook simulate` command
// its banner prints. The demo started as `npm start` starts it (scripts/start.js), the editor opened on the Doors tab,
// the real command run (seeded and shorter), then two pictures: docs/images/demo.png, the flow and the Doors tab
// while three doors are in alarm, and docs/images/demo-debug.png, the debug sidebar's alarm lines once the run is over.
"use strict";
const { spawn } = require("child_process");
const crypto = require("crypto");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { CLI, startDemo } = require("./start");
const { saveImage, withEditor } = require("./screenshot-editor");
const { doorRows, showDoorsTab } = require("../test/editor/support/doors");
const { eventually, within } = require("../test/support/wait");

/**
 * The run: seeded, so that it plays the same building every time, and long enough to hold a door open past the demo
 * flow's 30 s. With this seed the held-open door, the offline controller and the lockdown overlap from about 37 s to
 * 45 s after the start, when demo.png is taken; the forced-open door comes and goes at about 14 s. A change to the
 * simulation (src/core/simulation/building.ts) may call for another seed.
 */
const SIMULATION = { for: 50, holdOpen: 40, seed: "demo-348" };
const ALARMS_AT_ONCE = ["door.held-open", "device.offline", "device.lockdown"];
const ALARMS_IN_RUN = ["door.forced-open", ...ALARMS_AT_ONCE];
/** The run's length and then some: a deadline, not a wait. */
const RUN_DEADLINE_MS = (SIMULATION.for + 30) * 1000;
/** The sidebar a little wider for the Doors tab's cards, the workspace still wide enough for the flow's statuses. */
const EDITOR = { height: 900, sidebarWider: 80 };

/** Runs `alocity-webhook simulate` as the banner prints it (the secret in the environment), with the run's options. */
function simulate(webhookUrl, secret) {
    const args = ["simulate", "--url", webhookUrl, "--for", SIMULATION.for, "--hold-open", SIMULATION.holdOpen, "--seed", SIMULATION.seed];
    const child = spawn(process.execPath, [CLI, ...args.map(String)], {
        env: { ...process.env, ALOCITY_WEBHOOK_SECRET: secret },
        stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    let exitCode;
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    const exited = new Promise((resolve) => {
        child.once("error", (error) => {
            output += `\n${error.message}`;
            resolve((exitCode = -1));
        });
        child.once("exit", (code, signal) => resolve((exitCode = code ?? signal)));
    });
    return {
        get output() {
            return output;
        },
        get ended() {
            return exitCode !== undefined;
        },
        /** Resolves once the run is over with every request answered 2xx (exit status 0); rejects otherwise. */
        async finished() {
            const code = await within(exited, "alocity-webhook simulate to end", RUN_DEADLINE_MS);
            if (code !== 0) throw new Error(`alocity-webhook simulate ended with ${code}:\n${output}`);
        },
        stop() {
            if (exitCode === undefined) child.kill();
            return exited;
        },
    };
}

/** What the editor shows of the device-state node `node`: its cards in the Doors tab, its status in the flow. */
async function doorsShown(editor, node) {
    const status = await editor.evaluate(
        (id) => document.querySelector(`g.red-ui-flow-node-group[id="${id}"] .red-ui-flow-node-status-label`)?.textContent ?? "",
        node,
    );
    return { rows: await doorRows(editor, node), status };
}

/** Whether the cards show just the alarms `codes`, and the node's status ("6 devices · 1 open · 3 alarms") as many. */
function showsAlarms({ rows, status }, codes) {
    const alarms = rows.flatMap((row) => row.alarms.split(" ").filter(Boolean)).sort();
    const count = `· ${alarms.length} alarm${alarms.length === 1 ? "" : "s"}`;
    return alarms.join(" ") === [...codes].sort().join(" ") && status.endsWith(count);
}

/**
 * Waits until the editor shows just the alarms `codes` on the device-state node `node`; while the run plays, when
 * `run` is given.
 */
async function waitForAlarms(editor, node, codes, run) {
    let shown;
    await eventually(
        async () => {
            shown = await doorsShown(editor, node);
            if (showsAlarms(shown, codes)) return true;
            if (run?.ended) throw new Error(`the run ended before the editor showed the alarms ${codes.join(", ")}:\n${run.output}`);
            return false;
        },
        () =>
            `the Doors tab and the node's status to show the alarms ${codes.join(", ") || "(none)"}; shown: ${JSON.stringify(shown, null, 1)}`,
        RUN_DEADLINE_MS,
    );
}

/**
 * The debug sidebar's visible lines: each of ALARMS_IN_RUN raised and cleared, and nothing but the lines of the
 * debug node `alarms`.
 */
function waitForAlarmLines(editor, alarms) {
    return eventually(
        () =>
            editor.evaluate(
                ({ node, codes }) => {
                    const shown = Array.from(document.querySelectorAll("#red-ui-sidebar .red-ui-debug-msg:not(.hide)"));
                    const lines = shown.map((line) => line.querySelector(".red-ui-debug-msg-payload")?.textContent ?? "");
                    return (
                        shown.every((line) => line.classList.contains(`red-ui-debug-msg-node-${node}`)) &&
                        codes.every(
                            (code) =>
                                lines.some((line) => line.includes(`ALARM ${code} `)) &&
                                lines.some((line) => line.includes(`cleared ${code} `)),
                        )
                    );
                },
                { node: alarms, codes: ALARMS_IN_RUN },
            ),
        `the debug sidebar to show only the alarms node's lines, ${ALARMS_IN_RUN.join(", ")} each raised and cleared`,
    );
}

async function screenshotDemo() {
    const userDir = fs.mkdtempSync(path.join(os.tmpdir(), "alocity-screenshot-demo-"));
    const secret = crypto.randomBytes(24).toString("base64");
    const { nodeRed, flow, webhookUrl } = await startDemo({ userDir, port: 0, secret });
    let run;
    try {
        const doors = flow.find((node) => node.type === "alocity-device-state");
        const [alarms] = doors.wires[1];
        // The debug sidebar as a user sets it to read the alarms alone: "selected nodes", every other debug node
        // unticked (the editor keeps that choice in the user's settings, read when it opens).
        const others = flow.filter((node) => node.type === "debug" && node.id !== alarms).map((node) => node.id);
        await nodeRed.admin("POST", "/settings/user", { debug: { filter: "filterSelected", filteredNodes: others } });

        await withEditor(nodeRed, EDITOR, async (editor) => {
            await showDoorsTab(editor);
            run = simulate(webhookUrl, secret);
            await waitForAlarms(editor, doors.id, ALARMS_AT_ONCE, run);
            // The alarms last seconds longer than the picture takes: it shows them, and they are checked again.
            await saveImage(editor, "demo", { stillShown: async () => showsAlarms(await doorsShown(editor, doors.id), ALARMS_AT_ONCE) });
            await run.finished();
            await waitForAlarms(editor, doors.id, []);
            await editor.evaluate(() => RED.actions.invoke("core:show-debug-tab"));
            await waitForAlarmLines(editor, alarms);
            await saveImage(editor, "demo-debug");
        });
        console.log(run.output.trim().split("\n").pop());
    } finally {
        if (run) await run.stop();
        await nodeRed.stop();
        fs.rmSync(userDir, { recursive: true, force: true });
    }
}

module.exports = { screenshotDemo };
