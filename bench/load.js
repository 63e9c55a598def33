"use strict";
const fs = require("fs");
// The load: unique signed Alocity events (every request its own body, timestamp and signature), driven by autocannon
// used as a library.
const crypto = require("crypto");
const path = require("path");
const autocannon = require("autocannon");
const { sign, SAMPLE_EVENTS } = require(path.join(__dirname, "..", "dist", "src", "index.js"));

/** Makes bodies unique across runs of the bench too, should a Node-RED user directory be reused. */
const RUN = crypto.randomBytes(4).toString("hex");
let counter = 0;

function guid(n) {
    const tail = n.toString(16).padStart(12, "0");
    return `${RUN}-5a1e-4b0c-9d2f-${tail}`;
}

/** One maker per event, in Alocity's shapes; each varies a natural field so that every body differs. */
const MAKERS = [
    (n) => ({ serialNumber: `ALO-DC-${RUN}-${n}`, doorState: n % 4 === 0 ? "Closed" : "Open" }),
    (n) => ({ serialNumber: `ALO-DC-${RUN}-${n}`, lockState: n % 4 === 1 ? "Locked" : "Unlocked" }),
    (n) => ({ ...SAMPLE_EVENTS["door.healthcheck"], serialNumber: `ALO-DC-${RUN}-${n}` }),
    (n) => ({ ...SAMPLE_EVENTS["user.card"], userId: guid(n), cardNumber: 4294967301 + n }),
    (n) => ({ id: guid(n), action: ["Enrolled", "Updated", "Removed"][n % 3] }),
    (n) => ({ ...SAMPLE_EVENTS["accesslog.created"], id: guid(n), createdAt: new Date().toISOString() }),
];

/** The next event: `{ body, header }`, signed now. */
function nextSignedEvent(secret) {
    const n = counter++;
    const body = JSON.stringify(MAKERS[n % MAKERS.length](n));
    return { body, header: sign(secret, body) };
}

/**
 * The n-th event of a fleet of `devices` door controllers: `{ event, payload }`. Event n comes from device n % devices
 * (so any `devices` consecutive events reach every device once), of a kind that turns with each pass over the fleet:
 * a door opening or closing, a lock locking or unlocking, a health check, a granted access. Every body differs.
 */
function deviceEvent(n, devices) {
    const pass = Math.floor(n / devices);
    const serialNumber = `ALO-BENCH-${n % devices}`;
    const flip = Math.floor(pass / 4) % 2 === 0;
    const sequence = `${RUN}-${n}`;
    switch ((n + pass) % 4) {
        case 0:
            return { event: "door.state", payload: { serialNumber, doorState: flip ? "Open" : "Closed", sequence } };
        case 1:
            return { event: "lock.state", payload: { serialNumber, lockState: flip ? "Unlocked" : "Locked", sequence } };
        case 2:
            return { event: "door.healthcheck", payload: { ...SAMPLE_EVENTS["door.healthcheck"], serialNumber, sequence } };
        default:
            return { event: "accesslog.created", payload: { ...SAMPLE_EVENTS["accesslog.created"], serialNumber, id: guid(n) } };
    }
}

let deviceCounter = 0;

/** The next event of a fleet of `devices` (see deviceEvent): `{ body, header }`, signed now. */
function nextDeviceEvent(secret, devices) {
    const body = JSON.stringify(deviceEvent(deviceCounter++, devices).payload);
    return { body, header: sign(secret, body) };
}

const CLOCK_TICKS = (() => {
    try {
        return Number(require("child_process").execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100;
    } catch {
        return 100;
    }
})();

/**
 * CPU seconds (user + system) a process has used so far, all its threads, or with `mainThread` its JavaScript thread
 * only; undefined where /proc is missing. The server's CPU per request does not depend on what else runs on the
 * machine, unlike req/s.
 */
function processCpuSeconds(pid, { mainThread = false } = {}) {
    try {
        const stat = fs.readFileSync(mainThread ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, "utf8");
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
    } catch {
        return undefined;
    }
}

/** The middle value (the mean of the two middle ones for an even count). */
function median(values) {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function percentile(sorted, p) {
    if (sorted.length === 0) return NaN;
    return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Bounds the memory kept for latencies of one run (a run of 10 s at 20k req/s holds 200,000). */
const MAX_LATENCY_SAMPLES = 2_000_000;

/**
 * Drives one target with unique signed events.
 * @param {object} options
 * @param {number} options.port target on 127.0.0.1
 * @param {string} options.path
 * @param {string} options.secret
 * @param {number} options.connections
 * @param {number} options.duration seconds
 * @param {number} [options.amount] stop after this many requests instead
 * @param {number} [options.devices] send the events of a fleet of this many devices (see deviceEvent) instead
 * @returns {Promise<object>} req/s, latency percentiles (ms, 2xx only, sub-millisecond resolution), counts
 */
async function drive({ port, path: urlPath, secret, connections, duration, amount, devices }) {
    let latencies = new Float64Array(1 << 16);
    let recorded = 0;
    let duplicates = 0;
    const statuses = {};
    const perSecond = [];
    const instance = autocannon({
        url: `http://127.0.0.1:${port}`,
        connections,
        pipelining: 1,
        ...(amount === undefined ? { duration } : { amount }),
        timeout: 10,
        requests: [
            {
                method: "POST",
                path: urlPath,
                setupRequest(request) {
                    const { body, header } = devices ? nextDeviceEvent(secret, devices) : nextSignedEvent(secret);
                    request.body = body;
                    request.headers["content-type"] = "application/json";
                    request.headers["alocity-signature"] = header;
                    return request;
                },
                onResponse(status, body) {
                    // alocity-webhook-in answers a repeat of an accepted delivery with 200 "OK (already received)".
                    if (status === 200 && body.startsWith("OK (already")) duplicates++;
                },
            },
        ],
    });
    // autocannon's own histogram has 1 ms resolution: keep the exact times of successful responses.
    instance.on("response", (_client, statusCode, _bytes, responseTime) => {
        statuses[statusCode] = (statuses[statusCode] || 0) + 1;
        if (statusCode >= 200 && statusCode < 300 && recorded < MAX_LATENCY_SAMPLES) {
            if (recorded === latencies.length) {
                const grown = new Float64Array(Math.min(latencies.length * 2, MAX_LATENCY_SAMPLES));
                grown.set(latencies);
                latencies = grown;
            }
            latencies[recorded++] = responseTime;
        }
    });
    // Responses per second, to see the rate change within a run (e.g. as the delivery memory fills).
    instance.on("tick", ({ counter }) => perSecond.push(counter));
    const result = await instance;
    const sorted = latencies.subarray(0, recorded).sort();
    return {
        requestsPerSecond: result.requests.total / result.duration,
        duration: result.duration,
        requests: result.requests.total,
        ok: result["2xx"],
        accepted: result["2xx"] - duplicates,
        duplicates,
        non2xx: result.non2xx,
        errors: result.errors,
        timeouts: result.timeouts,
        statuses,
        perSecond,
        latency: {
            p50: percentile(sorted, 50),
            p90: percentile(sorted, 90),
            p99: percentile(sorted, 99),
            max: percentile(sorted, 100),
            mean: recorded ? sorted.reduce((a, b) => a + b, 0) / recorded : NaN,
        },
        latencySample: sorted,
    };
}

module.exports = { drive, nextSignedEvent, deviceEvent, median, percentile, processCpuSeconds };
