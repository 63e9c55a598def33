"use strict";
// alocity-device-state on its own, in a process of its own: the compiled node (dist/) made by a minimal stand-in for
// Node-RED, with a memory context store that keeps the object it is given (as Node-RED's does). Measures its heap per
// device and its CPU per event at 10,000 devices, without HTTP or Node-RED's message routing.
// Also on its own: node --expose-gc bench/device-state.js
const { EventEmitter } = require("events");
const path = require("path");
const { execFileSync } = require("child_process");
const { deviceEvent } = require("./load");

const DEVICES = 10_000;
const EVENTS = 100_000;

/** Just enough of Node-RED for the node: registerType, createNode, a node's send, status, log and context. */
function makeNode(definition) {
    let Constructor;
    const RED = {
        settings: {},
        _: (key) => key,
        nodes: {
            registerType: (_type, constructor) => (Constructor = constructor),
            createNode(node, def) {
                EventEmitter.call(node);
                Object.assign(node, def);
            },
        },
    };
    require(path.join(__dirname, "..", "dist", "nodes", "alocity-device-state.js"))(RED);
    const values = {};
    const context = {
        get: (key, _store, callback) => callback(undefined, values[key]),
        set: (key, value, _store, callback) => {
            values[key] = value;
            callback();
        },
    };
    let sends = 0;
    const send = () => sends++;
    Object.setPrototypeOf(Constructor.prototype, EventEmitter.prototype);
    Object.assign(Constructor.prototype, {
        send,
        status() {},
        log() {},
        warn() {},
        error(line) {
            throw new Error(String(line));
        },
        debug() {},
        context: () => context,
    });
    const node = new Constructor({ id: "bench-device-state", type: "alocity-device-state", ...definition });
    const [input] = node.listeners("input");
    const done = () => {};
    return {
        receive: (msg) => input(msg, send, done),
        close: () => node.listeners("close").forEach((close) => close(false, done)),
        sends: () => sends,
    };
}

/** The n-th event of the fleet as alocity-webhook-in sends it, received now. */
function message(n) {
    const { event, payload } = deviceEvent(n, DEVICES);
    const now = Date.now();
    return { topic: event, payload, alocity: { event, timestamp: Math.floor(now / 1000), receivedAt: now, inferred: true } };
}

function measure() {
    if (typeof global.gc !== "function") throw new Error("run with --expose-gc");
    global.gc();
    const before = process.memoryUsage().heapUsed;
    const node = makeNode({ heldOpen: 60, forcedOpen: true, grace: 5, silentAfter: 3600 });
    // Every device reports each kind once: a full record, a timer each (silent after an hour).
    for (let n = 0; n < 4 * DEVICES; n++) node.receive(message(n));
    global.gc();
    const heapPerDevice = (process.memoryUsage().heapUsed - before) / DEVICES;

    const sendsBefore = node.sends();
    const cpu = process.cpuUsage();
    for (let n = 4 * DEVICES; n < 4 * DEVICES + EVENTS; n++) node.receive(message(n));
    const { user, system } = process.cpuUsage(cpu);
    node.close();
    return { devices: DEVICES, events: EVENTS, heapBytesPerDevice: heapPerDevice, cpuMicrosPerEvent: (user + system) / EVENTS, sends: node.sends() - sendsBefore };
}

/** Runs the measurement in a process of its own (with --expose-gc, and a heap that holds nothing else). */
function measureDeviceState() {
    return JSON.parse(execFileSync(process.execPath, ["--expose-gc", __filename], { encoding: "utf8" }));
}

const MAX_CPU_MICROS = 20;
const MAX_HEAP_BYTES = 2048;
const MAX_P99_RATIO = 1.2;

/**
 * What the bench reports of alocity-device-state, from the summary of its targets (see run.js), each fed the same
 * events of a fleet of DEVICES devices. Method: in Node-RED, the node's CPU per event is the server's CPU time per
 * request (from /proc, over every measured request) with the node behind alocity-webhook-in, less that with a junction
 * there instead (the same delivery of each message to a node, which does nothing with it); being the difference of
 * two figures of some 200 us on a machine shared with the load generator, it carries their noise, and the knock-on
 * costs of a slower request (GC, fewer requests per event-loop turn). On its own, in a process of its own (measure
 * above), with nothing else running: process.cpuUsage() over 100,000 events at 10,000 devices, and the heap per device
 * from heapUsed after global.gc() before and after 10,000 devices with full records and a timer each. The webhook's
 * p99 with the node is compared with that with the junction. Returns lines to print, checks and figures.
 */
function deviceStateReport(summary) {
    const lines = [];
    const checks = [];
    const figures = {};
    const without = summary.webhook;
    for (const [name, store] of [
        ["devices", "memory"],
        ["devices-file", "localfilesystem"],
    ]) {
        const withNode = summary[name];
        if (!withNode || !without) continue;
        const cpu = withNode.cpuMicrosPerRequest - without.cpuMicrosPerRequest;
        const p99Ratio = withNode.p99 / without.p99;
        figures[name] = { serverCpuMicrosPerEvent: cpu, p99: withNode.p99, p99WithJunction: without.p99, p99Ratio };
        lines.push(
            `alocity-device-state, ${store} store, in Node-RED: ${cpu.toFixed(1)} us of server CPU per event ` +
                `(${withNode.cpuMicrosPerRequest.toFixed(0)} us per request with it, ${without.cpuMicrosPerRequest.toFixed(0)} us with a junction instead); ` +
                `webhook p99 ${withNode.p99.toFixed(2)} ms with it, ${without.p99.toFixed(2)} ms without`,
        );
        checks.push([`alocity-device-state (${store} store): at most ${MAX_CPU_MICROS} us of server CPU per event in Node-RED`, cpu <= MAX_CPU_MICROS, `${cpu.toFixed(1)} us`]);
        checks.push([
            `webhook p99 with alocity-device-state (${store} store) within ${Math.round((MAX_P99_RATIO - 1) * 100)} % of without it`,
            p99Ratio <= MAX_P99_RATIO,
            `${(100 * p99Ratio).toFixed(0)} % (${withNode.p99.toFixed(2)} ms vs ${without.p99.toFixed(2)} ms)`,
        ]);
    }
    if (summary.devices || summary["devices-file"]) {
        const own = measureDeviceState();
        figures.onItsOwn = own;
        lines.push(
            `alocity-device-state on its own, at ${own.devices} devices: ${own.cpuMicrosPerEvent.toFixed(1)} us of CPU per event ` +
                `(${own.events} events), ${Math.round(own.heapBytesPerDevice)} bytes of heap per device`,
        );
        checks.push([`alocity-device-state on its own: at most ${MAX_CPU_MICROS} us of CPU per event`, own.cpuMicrosPerEvent <= MAX_CPU_MICROS, `${own.cpuMicrosPerEvent.toFixed(1)} us`]);
        checks.push([`alocity-device-state: at most ${MAX_HEAP_BYTES / 1024} KB of heap per device`, own.heapBytesPerDevice <= MAX_HEAP_BYTES, `${Math.round(own.heapBytesPerDevice)} bytes`]);
    }
    return { lines, checks, figures };
}

if (require.main === module) {
    console.log(JSON.stringify(measure()));
}

module.exports = { deviceStateReport, DEVICES };
