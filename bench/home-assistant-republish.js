"use strict";
// alocity-home-assistant republishing everything (Home Assistant's birth, or Node-RED reconnecting to the broker) at
// DEVICES devices: the compiled node made by a minimal stand-in for Node-RED whose send clones each message but the
// first (as its cloneMessage does) and delivers it on a later turn of the event loop, as Node-RED does, in a process
// of its own. Reports the longest stall of the event loop while it runs (the longest task, or the machine's load) and
// the peak heap above what the node held before; and the same for everything sent at once, as before 0.2.0.
// Also on its own: node --expose-gc bench/home-assistant-republish.js
const os = require("os");
const path = require("path");
const { execFileSync } = require("child_process");
const { monitorEventLoopDelay } = require("perf_hooks");
const { DEVICES } = require("./options");
const { standInNode } = require("./node-stand-in");
const { HomeAssistantPublisher } = require(path.join(__dirname, "..", "dist", "src", "core", "home-assistant", "publisher.js"));

/** The node in a stand-in for Node-RED whose send is Node-RED's: each message cloned, then delivered on a later turn. */
function makeNode(onDelivered) {
    let sends = 0;
    function send([messages]) {
        sends++;
        messages.forEach((message, index) => {
            const sent = index === 0 ? message : structuredClone(message);
            setImmediate(() => onDelivered(sent));
        });
    }
    const definition = { prefix: "", base: "", birthTopic: "" };
    const node = standInNode("alocity-home-assistant", definition, {
        send,
        status() {},
        log() {},
        warn() {},
        error: (line) => console.error(line),
        debug() {},
    });
    const [input] = node.listeners("input");
    return {
        receive: (msg) => input(msg, send, () => {}),
        send,
        close: () => node.listeners("close").forEach((close) => close(false, () => {})),
        sends: () => sends,
    };
}

/** The record of door controller n, as alocity-device-state's answer to get holds it. */
function record(n) {
    return {
        serialNumber: `ALO-DC-${String(n).padStart(6, "0")}`,
        name: `Door ${n}`,
        door: n % 7 === 0 ? "open" : "closed",
        lock: n % 3 === 0 ? "unlocked" : "locked",
        connected: n % 50 !== 0,
        lockdown: false,
        lockdownBy: null,
        alarms: n % 50 === 0 ? ["device.offline"] : [],
        firmwareVersion: "2.4.1",
        ipAddress: "10.0.0.1",
        lastSeen: Date.now(),
        lastAccess: null,
        lastDoorbell: null,
        changedAt: {},
    };
}

/**
 * The longest stall and peak heap of one republish of DEVICES devices, by the node (in slices), or `inOneBurst` as
 * the node did before 0.2.0: everything the core works out sent at once.
 */
async function measure(inOneBurst) {
    if (typeof global.gc !== "function") throw new Error("run with --expose-gc");
    let delivered = 0;
    let done = () => {};
    let expected = Infinity;
    const node = makeNode(() => {
        if (++delivered === expected) done();
    });
    const core = new HomeAssistantPublisher({ prefix: "homeassistant", base: "alocity" }, { name: "bench" });
    for (let from = 0; from < DEVICES; from += 1000) {
        const records = Array.from({ length: Math.min(1000, DEVICES - from) }, (_, i) => record(from + i));
        node.receive({ topic: "get", payload: records });
        if (inOneBurst) core.updateAll(records);
    }
    // The bridge device, then each device's message and its 8 retained states and attributes.
    const everything = 1 + DEVICES * 9;
    while (delivered < everything) await new Promise((resolve) => setImmediate(resolve));
    global.gc();
    const heapBefore = process.memoryUsage().heapUsed;
    let peakHeap = heapBefore;
    const sampler = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)), 5);
    const loop = monitorEventLoopDelay({ resolution: 1 });
    delivered = 0;
    expected = everything;
    const finished = new Promise((resolve) => (done = resolve));
    const sendsBefore = node.sends();
    // The monitor's timer must fire before and after for the stall around it to be recorded.
    const turn = () => new Promise((resolve) => setTimeout(resolve, 10));
    loop.enable();
    await turn();
    const started = process.hrtime.bigint();
    if (inOneBurst) node.send([Array.from(core.republish())]);
    else node.receive({ topic: "homeassistant/status", payload: "online" });
    await finished;
    const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
    await turn();
    loop.disable();
    clearInterval(sampler);
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    node.close();
    return {
        inOneBurst,
        devices: DEVICES,
        messages: delivered,
        slices: node.sends() - sendsBefore,
        durationMs,
        longestStallMs: loop.max / 1e6,
        p99StallMs: loop.percentile(99) / 1e6,
        peakHeapMb: (peakHeap - heapBefore) / 1024 / 1024,
    };
}

/** Runs the measure in a process of its own (with --expose-gc, and a heap that holds nothing else). */
function measureOnItsOwn(inOneBurst) {
    const args = ["--expose-gc", __filename, ...(inOneBurst ? ["--in-one-burst"] : [])];
    return JSON.parse(execFileSync(process.execPath, args, { encoding: "utf8" }));
}

const MAX_STALL_MS = 50;

/** The bench's report of it: the longest stall against its target, the peak heap. */
function homeAssistantReport() {
    const own = measureOnItsOwn(false);
    const burst = measureOnItsOwn(true);
    return {
        lines: [
            `alocity-home-assistant republishing ${own.devices} devices (${own.messages} messages in ${own.slices} slices, ` +
                `${own.durationMs.toFixed(0)} ms): longest stall of the event loop ${own.longestStallMs.toFixed(1)} ms ` +
                `(p99 ${own.p99StallMs.toFixed(1)} ms; ${(own.durationMs / own.slices).toFixed(2)} ms per slice on average), ` +
                `peak heap ${own.peakHeapMb.toFixed(1)} MB above before`,
            `  in one burst, as before 0.2.0: longest stall ${burst.longestStallMs.toFixed(1)} ms, ` +
                `peak heap ${burst.peakHeapMb.toFixed(1)} MB (${burst.durationMs.toFixed(0)} ms); load average ${os.loadavg()[0].toFixed(2)}`,
        ],
        checks: [
            [
                `alocity-home-assistant: a republish at ${own.devices} devices stalls the event loop at most ${MAX_STALL_MS} ms`,
                own.longestStallMs <= MAX_STALL_MS,
                `${own.longestStallMs.toFixed(1)} ms`,
            ],
        ],
        figures: { republish: own, republishInOneBurst: burst },
    };
}

if (require.main === module) {
    measure(process.argv.includes("--in-one-burst")).then(
        (result) => console.log(JSON.stringify(result)),
        (error) => {
            console.error(error);
            process.exit(1);
        },
    );
}

module.exports = { homeAssistantReport };
