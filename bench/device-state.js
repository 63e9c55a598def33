"use strict";
// alocity-device-state at DEVICES devices: its targets' rounds (webhook, devices, devices-file) in a Node-RED of their
// own with a persistent context store too, so that their 30,000 records and the alarm timers that keep firing neither
// weigh on the receivers' heap nor take their CPU; then its CPU per event inside a real Node-RED (a profiled process
// of its own, see measureInNodeRed) and on its own (device-state-on-its-own.js).
const fs = require("fs");
const os = require("os");
const path = require("path");
const { startNodeRed } = require("../scripts/node-red-process");
const { deviceStateFlows, webhookWithDeviceState } = require("./flows");
const { drive, median, processCpuSeconds } = require("./load");
const { DEVICES } = require("./options");
const { measureOnItsOwn } = require("./device-state-on-its-own");
const { shareUnder } = require("./profile");
const { checkTargets, driveTarget, playRounds } = require("./rounds");
const { ROOT } = require("./session");

/** Node-RED's context stores: the default one in memory, and a persistent one. */
const CONTEXT_STORES = ["contextStorage.default.module=memory", "contextStorage.file.module=localfilesystem"];
/** Where the node's work starts: its input handler, its alarm timers, and the timer that sets its context key. */
const NODE_FILES = /[\\/](nodes[\\/]alocity-device-state|src[\\/]runtime[\\/]device-state[\\/](device-timers|context))\.js$/;

/** The rounds of its targets, after one event from each device of the fleet, which warms them up too. */
async function deviceStateRounds(session) {
    const names = session.targets({ fleet: true });
    if (names.length === 0) return;
    const nodeRed = await session.startNodeRed("Node-RED for alocity-device-state", CONTEXT_STORES);
    await nodeRed.deploy(deviceStateFlows(session.secret, "file"));
    for (const name of names) session.endpoints[name] = { port: nodeRed.port, pid: nodeRed.process.pid };
    await checkTargets(session, names, nodeRed);
    for (const name of names) await driveTarget(session, name, { amount: DEVICES });
    await playRounds(session, names);
}

/** Now on the monotonic clock, in microseconds: the clock of a CPU profile's timestamps. */
function monotonicMicros() {
    return Number(process.hrtime.bigint() / 1000n);
}

/**
 * The node inside a real Node-RED of its own, started with --cpu-prof: alocity-webhook-in -> alocity-device-state
 * keeping its records in `store`, fed one event from each device (the fleet is then known), then `warmUp` events of
 * the fleet (so that what is measured is the steady state, not the JIT compiling), then the `events` measured. Its CPU
 * per event is, over the measured events only, the share of the profile's busy samples whose stack holds a frame of
 * the compiled node (its input handler and timers, and all they call: the core, the context store, Node-RED's send)
 * times the CPU time of Node-RED's JavaScript thread, divided by the events (localfilesystem's own writing of the
 * scope, every 30 s, runs in Node-RED's timer and is not counted): the node's own cost, whatever else the machine is
 * doing.
 */
async function measureInNodeRed({ store, warmUp, events, connections, secret }) {
    const userDir = fs.mkdtempSync(path.join(os.tmpdir(), "alocity-bench-devices-"));
    const profileDir = path.join(userDir, "profile");
    const window = {};
    let cpuSeconds = 0;
    const nodeRed = await startNodeRed({
        userDir,
        port: 0,
        packageDir: ROOT,
        execArgv: ["--cpu-prof", "--cpu-prof-dir", profileDir],
        settings: CONTEXT_STORES,
    });
    try {
        await nodeRed.deploy([
            { id: "devices-tab", type: "tab", label: "devices" },
            { id: "ours-signature", type: "alocity-signature", name: "bench", tolerance: 300, credentials: { secret } },
            ...webhookWithDeviceState("devices", "devices-tab", "/devices", store),
        ]);
        const load = { port: nodeRed.port, path: "/devices", secret, connections, devices: DEVICES };
        const mainThread = () => processCpuSeconds(nodeRed.process.pid, { mainThread: true });
        await drive({ ...load, amount: DEVICES });
        await drive({ ...load, amount: warmUp });
        const cpuBefore = mainThread();
        window.from = monotonicMicros();
        const measured = await drive({ ...load, amount: events });
        window.to = monotonicMicros();
        cpuSeconds = mainThread() - cpuBefore;
        if (measured.ok !== events) throw new Error(`alocity-device-state's measure: ${measured.ok} of ${events} events answered 2xx`);
    } finally {
        await nodeRed.stop();
    }
    try {
        const file = fs.readdirSync(profileDir).find((name) => name.endsWith(".cpuprofile"));
        const { share, inside } = shareUnder(JSON.parse(fs.readFileSync(path.join(profileDir, file), "utf8")), NODE_FILES, window);
        return { events, samples: inside, share, cpuMicrosPerEvent: (1e6 * share * cpuSeconds) / events };
    } finally {
        fs.rmSync(userDir, { recursive: true, force: true });
    }
}

const MAX_CPU_MICROS = 20;
const MAX_HEAP_BYTES = 2048;
const MAX_P99_RATIO = 1.2;

/**
 * What the bench reports of alocity-device-state: its CPU per event in Node-RED (measureInNodeRed) for each store its
 * targets use, its CPU per event and heap per device on its own, and, from the summary of the bench's rounds, the
 * webhook's p99 with the node against that with a junction in its place (the same delivery of each message to a node
 * that does nothing with it). The rounds' server CPU per request with and without the node is shown too; their
 * difference carries the noise of two figures of some 200 us on a machine shared with the load generator, which is
 * why the target is judged on the profiled figure.
 */
async function deviceStateReport(session, summary) {
    const { secret } = session;
    const { quick } = session.options;
    const lines = [];
    const checks = [];
    const figures = {};
    const without = summary.webhook;
    for (const [name, store, label] of [
        ["devices", "", "memory"],
        ["devices-file", "file", "localfilesystem"],
    ]) {
        const withNode = summary[name];
        if (!withNode) continue;
        // Runs of their own, the median taken: one Node-RED's run can be disturbed by what else the machine does.
        const shape = { warmUp: quick ? 5_000 : 20_000, events: quick ? 10_000 : 50_000 };
        const runs = [];
        for (let run = 0; run < (quick ? 1 : 3); run++) {
            runs.push(await measureInNodeRed({ store, ...shape, connections: 10, secret }));
        }
        const inNodeRed = {
            ...shape,
            runs: runs.map((run) => run.cpuMicrosPerEvent),
            samples: runs.map((run) => run.samples),
            cpuMicrosPerEvent: median(runs.map((run) => run.cpuMicrosPerEvent)),
        };
        figures[name] = { inNodeRed };
        lines.push(
            `alocity-device-state, ${label} store, in Node-RED (profiled): ${inNodeRed.cpuMicrosPerEvent.toFixed(1)} us of CPU per event ` +
                `(${runs.length > 1 ? `median of ${runs.length} runs: ${inNodeRed.runs.map((us) => us.toFixed(1)).join(", ")}; ` : ""}${inNodeRed.events} events${runs.length > 1 ? " each" : ""}, ` +
                `after ${DEVICES} that made the fleet known and ${inNodeRed.warmUp} more)`,
        );
        checks.push([
            `alocity-device-state (${label} store): at most ${MAX_CPU_MICROS} us of CPU per event in Node-RED`,
            inNodeRed.cpuMicrosPerEvent <= MAX_CPU_MICROS,
            `${inNodeRed.cpuMicrosPerEvent.toFixed(1)} us`,
        ]);
        if (!without) continue;
        const p99Ratio = withNode.p99 / without.p99;
        Object.assign(figures[name], {
            p99: withNode.p99,
            p99WithJunction: without.p99,
            p99Ratio,
            cpuMicrosPerRequest: withNode.cpuMicrosPerRequest,
            cpuMicrosPerRequestWithJunction: without.cpuMicrosPerRequest,
        });
        lines.push(
            `  webhook p99 ${withNode.p99.toFixed(2)} ms with it, ${without.p99.toFixed(2)} ms with a junction instead; ` +
                `server CPU per request ${withNode.cpuMicrosPerRequest.toFixed(0)} us with it, ${without.cpuMicrosPerRequest.toFixed(0)} us without`,
        );
        checks.push([
            `webhook p99 with alocity-device-state (${label} store) within ${Math.round((MAX_P99_RATIO - 1) * 100)} % of without it`,
            p99Ratio <= MAX_P99_RATIO,
            `${(100 * p99Ratio).toFixed(0)} % (${withNode.p99.toFixed(2)} ms vs ${without.p99.toFixed(2)} ms)`,
        ]);
    }
    if (summary.devices || summary["devices-file"]) {
        const own = measureOnItsOwn();
        figures.onItsOwn = own;
        lines.push(
            `alocity-device-state on its own, at ${own.devices} devices: ${own.cpuMicrosPerEvent.toFixed(1)} us of CPU per event ` +
                `(${own.events} events), ${Math.round(own.heapBytesPerDevice)} bytes of heap per device`,
        );
        checks.push([
            `alocity-device-state on its own: at most ${MAX_CPU_MICROS} us of CPU per event`,
            own.cpuMicrosPerEvent <= MAX_CPU_MICROS,
            `${own.cpuMicrosPerEvent.toFixed(1)} us`,
        ]);
        checks.push([
            `alocity-device-state: at most ${MAX_HEAP_BYTES / 1024} KB of heap per device`,
            own.heapBytesPerDevice <= MAX_HEAP_BYTES,
            `${Math.round(own.heapBytesPerDevice)} bytes`,
        ]);
    }
    return { lines, checks, figures };
}

module.exports = { deviceStateRounds, deviceStateReport };
