"use strict";
// Ours over time: Node-RED's RSS as ours accepts events (after its warm-up, after each round, then as it is topped
// up to the shape's acceptedForRss), and whether its last round costs what its first did.
const fs = require("fs");
const { execFileSync } = require("child_process");
const { cpuMicrosPerRequest, driveTarget } = require("./rounds");
const { fixed } = require("./report");

/** Resident set size of a process, in MB (Linux /proc; elsewhere ps). */
function rssMb(pid) {
    try {
        const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
        return Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)[1]) / 1024;
    } catch {
        return (
            Number(
                execFileSync("ps", ["-o", "rss=", "-p", String(pid)])
                    .toString()
                    .trim(),
            ) / 1024
        );
    }
}

/** Node-RED's RSS against the events ours has accepted so far. */
class RssOverTime {
    constructor(pid, accepted) {
        this.pid = pid;
        this.accepted = accepted;
        this.samples = [];
    }

    accept(count) {
        this.accepted += count;
    }

    sample(after) {
        this.samples.push({ after, accepted: this.accepted, rssMb: rssMb(this.pid) });
    }
}

/** Tops ours up: drives it on until it has accepted the shape's acceptedForRss events, within the time budget. */
async function topUp(session, rss) {
    const { shape } = session;
    for (let extra = 0; extra < 50 && rss.accepted < shape.acceptedForRss && !session.interrupted; extra++) {
        if (Date.now() > session.deadline) break;
        const result = await driveTarget(session, "ours", { duration: Math.min(10, shape.duration) });
        rss.accept(result.accepted);
        rss.sample("top-up");
    }
}

function oursOverTimeReport(session, samples) {
    const { shape, options } = session;
    const runs = session.runs.ours;
    const [first, last] = [runs[0], runs[runs.length - 1]];
    const rates = runs.map((run) => run.requestsPerSecond);
    const firstLast = runs.length > 1 ? last.requestsPerSecond / first.requestsPerSecond : undefined;
    const firstLastCpu =
        runs.length > 1 && cpuMicrosPerRequest(first) !== undefined ? cpuMicrosPerRequest(last) / cpuMicrosPerRequest(first) : undefined;
    const checks = [];
    if (firstLastCpu !== undefined) {
        checks.push([
            "ours: last round no dearer than the first (server CPU per request <= 110 %)",
            firstLastCpu <= 1.1,
            `last/first ${(100 * firstLastCpu).toFixed(0)} % (req/s last/first ${(100 * firstLast).toFixed(0)} %)`,
        ]);
    } else if (firstLast !== undefined) {
        checks.push(["ours: last round as fast as the first (>= 90 %)", firstLast >= 0.9, `last/first ${(100 * firstLast).toFixed(0)} %`]);
    }
    const atTarget = samples.find((s) => s.accepted >= shape.acceptedForRss);
    const [firstRss, lastRss] = [samples[0], samples[samples.length - 1]];
    return {
        lines: [
            `Node-RED RSS: ${fixed(firstRss.rssMb, 0)} MB after ${firstRss.accepted} accepted events (${firstRss.after}), ` +
                (atTarget
                    ? `${fixed(atTarget.rssMb, 0)} MB after ${atTarget.accepted} (${atTarget.after})`
                    : `target of ${shape.acceptedForRss} accepted events not reached`) +
                `, ${fixed(lastRss.rssMb, 0)} MB at the end (${lastRss.accepted} accepted)` +
                (options.quick ? `; quick run: read past ${shape.acceptedForRss} accepted events instead of 100,000` : ""),
            `ours per round: ${rates.map((r) => Math.round(r)).join(", ")} req/s; ` +
                `${runs.map((r) => fixed(cpuMicrosPerRequest(r), 0)).join(", ")} us of server CPU per request`,
        ],
        checks,
        figures: {},
    };
}

module.exports = { RssOverTime, topUp, oursOverTimeReport };
