"use strict";
// The Doors sidebar in Debian's chromium at scale: a real Node-RED whose alocity-device-state knows DEVICES doors, the
// editor opened by playwright-core, and the time to render them all, then to apply a batch of BATCH changes (doors
// that open, and doors that go offline, whose cards move to the top). Measured in the page: the sidebar's own User
// Timing measure of applying each answer ("alocity-doors:apply"), the time to the first frame that shows every card,
// and the longest task of the page's main thread meanwhile (what a user would feel as a freeze).
// Also on its own: node bench/doors-sidebar.js
const crypto = require("crypto");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { request } = require("../scripts/http-request");
const { startNodeRed } = require("../scripts/node-red-process");
const { sign } = require(path.join(__dirname, "..", "dist", "src", "index.js"));
// The editor tests' driver of chromium (TypeScript).
require("tsx/cjs");
const { Editor, launchChromium } = require("../test/editor/support/editor");
const { buildingFlow, DOORS_TAB } = require("../test/editor/support/doors");

const ROOT = path.resolve(__dirname, "..");
const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const DEVICES = 1000;
const BATCH = 100;
const serialOf = (n) => `ALO-B-${String(n).padStart(4, "0")}`;

/** Sends signed events, `parallel` at a time; each must be accepted. */
async function sendAll(url, secret, events, parallel = 10) {
    for (let i = 0; i < events.length; i += parallel) {
        await Promise.all(
            events.slice(i, i + parallel).map(async (event) => {
                const body = JSON.stringify(event);
                const headers = { "Content-Type": "application/json", "Alocity-Signature": sign(secret, body) };
                const answer = await request("POST", url, { body, headers });
                if (answer.status !== 200) throw new Error(`${body}: ${answer.status} ${answer.text}`);
            }),
        );
    }
}

/** Starts observing the page: the sidebar's apply measures and the main thread's long tasks. */
function observe(editor) {
    return editor.evaluate(() => {
        const perf = { applies: [], longTasks: [] };
        window.doorsPerf = perf;
        new PerformanceObserver((list) => list.getEntries().forEach((e) => perf.applies.push({ at: e.startTime, ms: e.duration }))).observe(
            { entryTypes: ["measure"] },
        );
        new PerformanceObserver((list) =>
            list.getEntries().forEach((e) => perf.longTasks.push({ at: e.startTime, ms: e.duration })),
        ).observe({ entryTypes: ["longtask"] });
    });
}

/**
 * What was observed since `from` (page time, ms): the applies, and the longest task that ran while the sidebar worked
 * (from the first apply on; a task of the editor's own before the records arrived is not the sidebar's).
 */
function observed(editor, from) {
    return editor.evaluate((since) => {
        const { applies, longTasks } = window.doorsPerf;
        const mine = applies.filter((e) => e.at >= since);
        const start = mine.length ? mine[0].at : Infinity;
        const during = longTasks.filter((e) => e.at + e.ms >= start);
        return { applies: mine.map((e) => e.ms), firstApplyAt: start, longestTaskMs: Math.max(0, ...during.map((e) => e.ms)) };
    }, from);
}

/** Waits until `count` cards satisfy `check` (a function's source, run on each card), checked at each frame. */
function waitForCards(editor, check, count) {
    return editor.page.waitForFunction(
        ({ source, n }) => {
            const test = new Function("card", `return (${source})(card);`);
            return Array.from(document.querySelectorAll(".alocity-doors-device")).filter((card) => test(card)).length >= n;
        },
        { source: check, n: count },
        { polling: "raf", timeout: 120000 },
    );
}

/** Times a batch of changes: sent, then until every changed card shows it. */
async function timeBatch(editor, url, secret, events, check) {
    const from = await editor.evaluate(() => performance.now());
    const started = Date.now();
    await sendAll(url, secret, events);
    await waitForCards(editor, check, events.length);
    const { applies, longestTaskMs } = await observed(editor, from);
    return {
        changes: events.length,
        endToEndMs: Date.now() - started,
        answers: applies.length,
        applyMs: applies.reduce((a, b) => a + b, 0),
        longestTaskMs,
    };
}

async function measureDoorsSidebar() {
    const secret = crypto.randomBytes(24).toString("base64");
    const userDir = fs.mkdtempSync(path.join(os.tmpdir(), "alocity-bench-sidebar-"));
    const building = {
        tab: "bench-building",
        node: "bench-doors",
        path: "/bench/building",
        secret,
        name: "Campus",
        devices: Array.from({ length: DEVICES }, (_, n) => ({ serial: serialOf(n), name: `Door ${n + 1}` })),
    };
    const nodeRed = await startNodeRed({ userDir, port: 0, packageDir: ROOT });
    let browser;
    try {
        await nodeRed.deploy(buildingFlow(building));
        const url = nodeRed.url + building.path;
        await sendAll(
            url,
            secret,
            building.devices.map(({ serial }, n) => ({
                serialNumber: serial,
                doorState: "Closed",
                lockState: n % 2 ? "Locked" : "Unlocked",
            })),
        );
        await sendAll(
            url,
            secret,
            building.devices.map(({ serial }) => ({
                serialNumber: serial,
                isConnected: true,
                firmwareVersion: "3.8.2",
                databaseActive: true,
                ipAddress: "10.0.0.1",
            })),
        );
        browser = await launchChromium();
        const editor = await Editor.open(browser.context, nodeRed);
        await observe(editor);
        // The editor's own start-up work done first.
        await editor.evaluate(() => new Promise((resolve) => requestIdleCallback(resolve, { timeout: 10000 })));

        // Shown as the tab's button does it (the tests click it; here playwright's own waiting would be counted).
        const from = await editor.evaluate((tab) => {
            const clicked = performance.now();
            RED.sidebar.show(tab);
            return clicked;
        }, DOORS_TAB);
        await waitForCards(editor, "() => true", DEVICES);
        const shownAt = await editor.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve(performance.now()))));
        const seen = await observed(editor, from);
        const render = {
            devices: DEVICES,
            endToEndMs: shownAt - from,
            renderMs: shownAt - seen.firstApplyAt,
            firstApplyMs: seen.applies[0],
            longestTaskMs: seen.longestTaskMs,
        };

        const opened = await timeBatch(
            editor,
            url,
            secret,
            building.devices.slice(0, BATCH).map(({ serial }) => ({ serialNumber: serial, doorState: "Open" })),
            "(card) => card.querySelector('.alocity-doors-value').textContent === 'open'",
        );
        const offline = await timeBatch(
            editor,
            url,
            secret,
            building.devices.slice(BATCH, 2 * BATCH).map(({ serial }) => ({ serialNumber: serial, isConnected: false })),
            "(card) => card.getAttribute('data-alarms') === 'device.offline'",
        );
        const errors = editor.browserErrors;
        return { render, opened, offline, errors, chromium: await browser.context.browser()?.version() };
    } finally {
        if (browser) await browser.close();
        await nodeRed.stop();
        fs.rmSync(userDir, { recursive: true, force: true });
    }
}

const ms = (value) => `${Math.round(value)} ms`;

/** The sidebar's figures, as lines for the bench's report (nothing when Debian's chromium is not installed). */
async function doorsSidebarReport() {
    if (!fs.existsSync(CHROMIUM)) {
        return { lines: [`Doors sidebar: not measured, ${CHROMIUM} is not installed (apt-get install chromium)`], checks: [], figures: {} };
    }
    const figures = await measureDoorsSidebar();
    const { render, opened, offline } = figures;
    const batch = (b, what) =>
        `  a batch of ${b.changes} ${what}: ${ms(b.applyMs)} to apply (${b.answers} answer${b.answers === 1 ? "" : "s"} fetched), ` +
        `${ms(b.endToEndMs)} from the first request sent to the last card shown, longest task ${ms(b.longestTaskMs)}`;
    return {
        figures: { sidebar: figures },
        lines: [
            `Doors sidebar in chromium ${figures.chromium}, ${render.devices} devices: all shown ${ms(render.renderMs)} after their records ` +
                `arrived (the first 100 cards in ${ms(render.firstApplyMs)}, the rest 100 a frame), ${ms(render.endToEndMs)} after the tab ` +
                `was shown (the fetch included); longest task of the page while it rendered ${ms(render.longestTaskMs)} (0: none over 50 ms)`,
            batch(opened, "doors opening (cards changed in place)"),
            batch(offline, "doors going offline (cards moved to the top)"),
        ],
        checks: [["Doors sidebar: no error in the page", figures.errors.length === 0, figures.errors.join("; ") || "none"]],
    };
}

if (require.main === module) {
    doorsSidebarReport().then(
        ({ lines }) => {
            console.log(lines.join("\n"));
            process.exit(0);
        },
        (error) => {
            console.error(error);
            process.exit(1);
        },
    );
}

module.exports = { doorsSidebarReport };
