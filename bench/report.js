"use strict";
// What the bench prints and writes. A phase's report is `{ lines, checks, figures }`: lines printed as a block, checks
// `[what, met, measured]` printed together at the end (measured, never asserted), figures written to the results.
const fs = require("fs");
const os = require("os");
const path = require("path");
const { ROOT, RESULTS_DIR } = require("./session");

function fixed(v, digits) {
    return Number.isFinite(v) ? v.toFixed(digits) : "-";
}

function pad(text, width, right = false) {
    text = String(text);
    return right ? text.padStart(width) : text.padEnd(width);
}

function printStart({ options, shape, machine: info, loadBefore }) {
    console.log(
        `bench: ${options.quick ? "quick" : "full"} run, ${shape.rounds} rounds x ${shape.duration} s per target, ` +
            `${shape.connections} connections; ${info.cpus} CPUs (${info.cpuModel}), Node ${info.node}; ` +
            `load average before: ${loadBefore.map((l) => l.toFixed(2)).join(" ")}`,
    );
}

/** One report of several: their lines and checks in turn, their figures together. */
function mergeReports(reports) {
    return {
        lines: reports.flatMap((report) => report.lines),
        checks: reports.flatMap((report) => report.checks),
        figures: Object.assign({}, ...reports.map((report) => report.figures)),
    };
}

/** Prints a report's lines (a blank line before them), keeps its checks; returns its figures. */
function printReport(session, { lines, checks, figures }) {
    if (lines.length > 0) {
        console.log("");
        for (const line of lines) console.log(line);
    }
    session.checks.push(...checks);
    return figures;
}

function formatCheck([what, met, measured]) {
    return `  ${met ? "met " : "MISS"}  ${what}: ${measured}`;
}

/** The checks, Node-RED's first errors and warnings under load, and the machine; returns the load average after. */
function printEnd(session) {
    if (session.checks.length > 0) {
        console.log("");
        console.log("targets (measured, not asserted):");
        for (const check of session.checks) console.log(formatCheck(check));
    }
    const problems = (session.nodeRedLog.match(/^.*\[(error|warn)\].*$/gm) || []).slice(0, 5);
    if (problems.length > 0) {
        console.log("");
        console.log("Node-RED logged during the load (first lines):");
        for (const line of problems) console.log(`  ${line}`);
    }
    const { machine: info, loadBefore } = session;
    const loadAfter = os.loadavg();
    console.log("");
    console.log(
        `machine: ${info.cpus} CPUs (${info.cpuModel}), ${info.totalMemoryGb} GB, Node ${info.node}, Node-RED ${info.nodeRed}, ${info.platform}; ` +
            `load average before ${loadBefore[0].toFixed(2)}, after ${loadAfter[0].toFixed(2)}; load generator on the same cores` +
            (session.options.profile ? "; PROFILED run (--cpu-prof): numbers perturbed" : ""),
    );
    return loadAfter;
}

function writeResults(session, { loadAfter, summary, ratios, cpuRatios, rss, deliveryMemory, deviceState, doors, homeAssistant, profile }) {
    const { options } = session;
    const out = path.join(RESULTS_DIR, `bench-${session.stamp}${options.quick ? "-quick" : ""}.json`);
    const results = {
        startedAt: session.startedAt.toISOString(),
        mode: options.quick ? "quick" : "full",
        profiled: options.profile,
        shape: session.shape,
        machine: { ...session.machine, loadAverageBefore: session.loadBefore, loadAverageAfter: loadAfter },
        oursFlow: "alocity-webhook-in -> alocity-event-switch",
        summary,
        ratios,
        cpuRatios,
        checks: session.checks.map(([what, met, measured]) => ({ what, met, measured })),
        rss,
        deliveryMemory,
        deviceState,
        doors,
        homeAssistant,
        runs: Object.fromEntries(
            Object.entries(session.runs).map(([name, runs]) => [name, runs.map((run) => ({ ...run, latencySample: undefined }))]),
        ),
        profile,
    };
    fs.writeFileSync(out, JSON.stringify(results, null, 2));
    console.log(`results: ${path.relative(ROOT, out)}`);
}

module.exports = { fixed, pad, formatCheck, printStart, mergeReports, printReport, printEnd, writeResults };
