"use strict";
// alocity-device-state on its own, at DEVICES devices: the compiled node made by a minimal stand-in for Node-RED, with
// a memory context store that keeps the object it is given (as Node-RED's does), in a process of its own: its CPU per
// event and heap per device without HTTP or Node-RED's message routing.
// Also on its own: node --expose-gc bench/device-state-on-its-own.js
const { execFileSync } = require("child_process");
const { deviceEvent } = require("./load");
const { standInNode } = require("./node-stand-in");
const { DEVICES } = require("./options");

const EVENTS = 100_000;

/** The node in a stand-in for Node-RED, with a send that counts, a log that throws on errors, and a memory context. */
function makeNode(definition) {
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
    const node = standInNode("alocity-device-state", definition, {
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

/**
 * process.cpuUsage() over EVENTS events at DEVICES devices; heapUsed after global.gc() before and after DEVICES devices
 * with full records and a timer each.
 */
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
    return {
        devices: DEVICES,
        events: EVENTS,
        heapBytesPerDevice: heapPerDevice,
        cpuMicrosPerEvent: (user + system) / EVENTS,
        sends: node.sends() - sendsBefore,
    };
}

/** Runs the measure in a process of its own (with --expose-gc, and a heap that holds nothing else). */
function measureOnItsOwn() {
    return JSON.parse(execFileSync(process.execPath, ["--expose-gc", __filename], { encoding: "utf8" }));
}

if (require.main === module) {
    console.log(JSON.stringify(measure()));
}

module.exports = { measureOnItsOwn };
