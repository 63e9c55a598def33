"use strict";
// Every target's rounds summed up, printed as one table, and ours against each reference: by req/s and by server CPU.
const { percentile } = require("./load");
const { TARGETS } = require("./options");
const { fixed, pad } = require("./report");

const REFERENCES = ["hand-rolled", "express", "bare"];

function mean(values) {
    return values.reduce((a, b) => a + b, 0) / values.length;
}

function stdev(values) {
    const m = mean(values);
    return Math.sqrt(mean(values.map((v) => (v - m) ** 2)));
}

const total = (runs, count) => runs.reduce((sum, run) => sum + count(run), 0);

function summariseTarget(name, runs) {
    const pooled = Float64Array.from(runs.flatMap((r) => Array.from(r.latencySample))).sort();
    const rates = runs.map((r) => r.requestsPerSecond);
    return {
        label: TARGETS[name].label,
        requestsPerSecond: mean(rates),
        requestsPerSecondStdev: stdev(rates),
        perRound: rates,
        // All rounds' CPU over all their requests.
        cpuMicrosPerRequest: runs.every((r) => r.serverCpuSeconds !== undefined)
            ? (1e6 * total(runs, (r) => r.serverCpuSeconds)) / total(runs, (r) => r.requests)
            : undefined,
        p50: percentile(pooled, 50),
        p99: percentile(pooled, 99),
        requests: total(runs, (r) => r.requests),
        non2xx: total(runs, (r) => r.non2xx),
        errors: total(runs, (r) => r.errors + r.timeouts),
        duplicates: total(runs, (r) => r.duplicates),
        statuses: runs.reduce((a, r) => {
            for (const [code, count] of Object.entries(r.statuses)) a[code] = (a[code] || 0) + count;
            return a;
        }, {}),
    };
}

/** `{ "ours/<reference>": value }` of what `of(ours, reference)` gives, where both targets ran. */
function againstReferences(summary, of) {
    return Object.fromEntries(
        REFERENCES.map((name) => [`ours/${name}`, summary.ours && summary[name] ? of(summary.ours, summary[name]) : undefined]),
    );
}

function listed(ratios) {
    return Object.entries(ratios)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${k} ${v.toFixed(2)}`)
        .join(", ");
}

/** Prints the table and the ratios; returns `{ summary, ratios, cpuRatios }`. */
function printSummary(session) {
    const summary = {};
    for (const name of session.options.targets) {
        if (session.runs[name].length > 0) summary[name] = summariseTarget(name, session.runs[name]);
    }
    console.log("");
    console.log(
        `${pad("target", 14)}${pad("req/s", 9, true)}${pad("+-", 7, true)}${pad("p50 ms", 9, true)}${pad("p99 ms", 9, true)}` +
            `${pad("non-2xx", 9, true)}${pad("errors", 8, true)}${pad("CPU us/req", 12, true)}`,
    );
    for (const [name, s] of Object.entries(summary)) {
        console.log(
            `${pad(name, 14)}${pad(Math.round(s.requestsPerSecond), 9, true)}${pad(Math.round(s.requestsPerSecondStdev), 7, true)}` +
                `${pad(fixed(s.p50, 2), 9, true)}${pad(fixed(s.p99, 2), 9, true)}${pad(s.non2xx, 9, true)}${pad(s.errors, 8, true)}` +
                `${pad(fixed(s.cpuMicrosPerRequest, 0), 12, true)}`,
        );
    }
    const ratios = againstReferences(summary, (ours, reference) => ours.requestsPerSecond / reference.requestsPerSecond);
    const cpuRatios = againstReferences(summary, (ours, reference) =>
        ours.cpuMicrosPerRequest && reference.cpuMicrosPerRequest ? reference.cpuMicrosPerRequest / ours.cpuMicrosPerRequest : undefined,
    );
    console.log("");
    console.log(`ratios (req/s): ${listed(ratios)}`);
    if (Object.values(cpuRatios).some((v) => v !== undefined)) {
        console.log(`ratios (requests per server CPU second, insensitive to other load on the machine): ${listed(cpuRatios)}`);
    }
    return { summary, ratios, cpuRatios };
}

module.exports = { printSummary };
