"use strict";
// What the Doors sidebar's feed costs the webhook: events per second through alocity-webhook-in ->
// alocity-device-state (a fleet of DEVICES door controllers) with an editor's comms connection attached (a real
// websocket client, authenticated with adminAuth, as the editor connects) against without, in rounds that take turns.
const fs = require("fs");
const os = require("os");
const path = require("path");
const { startNodeRed } = require("../scripts/node-red-process");
const { accessToken, adminAuthSetting } = require("../scripts/admin-auth");
const { connectComms } = require("../scripts/editor-comms");
const { webhookWithDeviceState } = require("./flows");
const { drive, median, processCpuSeconds } = require("./load");

const ROOT = path.resolve(__dirname, "..");
const USER = { username: "bench", permissions: "*" };
const PASSWORD = "bench-password";
const NODES_TOPIC = "alocity-doors/nodes";
const CHANGES_TOPIC = "alocity-doors/changes";
/** What the editor subscribes to (it receives every message anyway: comms send everything to every connection). */
const EDITOR_TOPICS = ["notification/#", "status/#", "debug", NODES_TOPIC, CHANGES_TOPIC];
const MIN_RATIO = 0.9;
const MAX_NOTICES_PER_SECOND = 5;

/** Deploys flows with a token (adminAuth is on) and waits until they have started. */
async function deploy(nodeRed, flows, token) {
    const started = () => (nodeRed.log.match(/Started flows/g) || []).length;
    const before = started();
    await nodeRed.admin("POST", "/flows", flows, { "Node-RED-Deployment-Type": "full", Authorization: `Bearer ${token}` });
    const deadline = Date.now() + 20_000;
    while (started() === before) {
        if (Date.now() > deadline) throw new Error(`the bench's flows did not start:\n${nodeRed.log}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
    }
}

/** The shortest time between two successive arrivals, ms (Infinity for fewer than two). */
function shortestGap(arrivals) {
    let gap = Infinity;
    for (let i = 1; i < arrivals.length; i++) gap = Math.min(gap, arrivals[i] - arrivals[i - 1]);
    return gap;
}

/**
 * @param {{ secret: string, devices: number, rounds: number, duration: number, warmup: number, connections: number }} options
 * @returns {Promise<{ lines: string[], checks: [string, boolean, string][], figures: object }>}
 */
async function doorsFeedReport({ secret, devices, rounds, duration, warmup, connections }) {
    const userDir = fs.mkdtempSync(path.join(os.tmpdir(), "alocity-bench-doors-"));
    const nodeRed = await startNodeRed({ userDir, port: 0, packageDir: ROOT, settings: [adminAuthSetting([USER], PASSWORD)] });
    const runs = { without: [], with: [] };
    /** Node-RED's CPU time per event, us. */
    const cpu = { without: [], with: [] };
    const notices = { received: 0, seconds: 0, shortestGapMs: Infinity, frames: 0, recordsInFrames: 0 };
    try {
        const token = await accessToken(nodeRed.url, USER, PASSWORD);
        await deploy(
            nodeRed,
            [
                { id: "doors-tab", type: "tab", label: "doors" },
                { id: "ours-signature", type: "alocity-signature", name: "bench", tolerance: 300, credentials: { secret } },
                ...webhookWithDeviceState("doors", "doors-tab", "/doors", ""),
            ],
            token,
        );
        const load = { port: nodeRed.port, path: "/doors", secret, connections, devices };
        await drive({ ...load, amount: devices });
        await drive({ ...load, duration: warmup });
        for (let round = 0; round < rounds; round++) {
            for (const attached of round % 2 === 0 ? [false, true] : [true, false]) {
                let comms;
                const arrivals = [];
                if (attached) {
                    comms = await connectComms(nodeRed.url, {
                        token,
                        topics: EDITOR_TOPICS,
                        onMessage: (topic) => topic === CHANGES_TOPIC && arrivals.push(Date.now()),
                    });
                }
                const cpuBefore = processCpuSeconds(nodeRed.process.pid);
                const result = await drive({ ...load, duration });
                const side = attached ? "with" : "without";
                runs[side].push(result.requestsPerSecond);
                cpu[side].push((1e6 * (processCpuSeconds(nodeRed.process.pid) - cpuBefore)) / result.requests);
                if (comms) {
                    await comms.close();
                    notices.received += arrivals.length;
                    notices.seconds += result.duration;
                    notices.shortestGapMs = Math.min(notices.shortestGapMs, shortestGap(arrivals));
                    notices.frames += comms.frames.length;
                    // A record always has "lastSeen": no frame a connected editor receives may hold one.
                    notices.recordsInFrames += comms.frames.filter((frame) => frame.includes('"lastSeen"')).length;
                }
            }
        }
    } finally {
        await nodeRed.stop();
        fs.rmSync(userDir, { recursive: true, force: true });
    }
    const ratios = runs.with.map((rate, i) => rate / runs.without[i]);
    const ratio = median(ratios);
    const perSecond = notices.received / notices.seconds;
    const cpuRatio = median(cpu.with.map((us, i) => cpu.without[i] / us));
    const figures = { devices, runs, ratios, ratio, cpuMicrosPerEvent: cpu, cpuRatio, notices: { ...notices, perSecond } };
    const rate = (values) => Math.round(median(values));
    return {
        figures: { feed: figures },
        lines: [
            `Doors feed, ${devices} devices: ${rate(runs.without)} events/s through alocity-device-state without an editor attached, ` +
                `${rate(runs.with)} with an authenticated editor's comms connection (${(100 * ratio).toFixed(0)} %, median of the rounds' ` +
                `${ratios.map((r) => (100 * r).toFixed(0) + " %").join(", ")}); Node-RED's CPU per event ${median(cpu.without).toFixed(0)} us ` +
                `without, ${median(cpu.with).toFixed(0)} us with (events per CPU second ${(100 * cpuRatio).toFixed(0)} %)`,
            `  the editor received ${notices.received} notices (${perSecond.toFixed(1)} a second, at least ${notices.shortestGapMs} ms apart ` +
                `as they arrived) in ${notices.frames} frames, ${notices.recordsInFrames} of them holding a record`,
        ],
        checks: [
            [
                `webhook with an editor's comms attached: at least ${100 * MIN_RATIO} % of the events per second without`,
                ratio >= MIN_RATIO,
                `${(100 * ratio).toFixed(0)} %`,
            ],
            [
                `Doors notices: at most ${MAX_NOTICES_PER_SECOND} a second per node, no record on the comms`,
                perSecond <= MAX_NOTICES_PER_SECOND && notices.recordsInFrames === 0,
                `${perSecond.toFixed(1)} a second, ${notices.recordsInFrames} frames with a record`,
            ],
        ],
    };
}

module.exports = { doorsFeedReport };
