"use strict";
// Summarises a V8 .cpuprofile (as written by `node --cpu-prof`): where the time goes, by function (self and
// inclusive) and by origin (package, Node.js internals, this package's dist/). Printed by `bench/run.js --profile`;
// also on its own: node bench/profile.js <file.cpuprofile> [top]
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");

function originOf(url) {
    if (!url) return "(native / V8)";
    if (url.startsWith("node:")) return "node:" + url.slice(5).split("/")[0];
    const packageMatch = /node_modules\/((?:@[^/]+\/)?[^/]+)(?!.*node_modules)/.exec(url);
    if (packageMatch) return packageMatch[1];
    if (/\/dist\/(src|nodes)\//.test(url)) return "node-red-contrib-alocity";
    return path.basename(url);
}

function frameName(frame) {
    const file = frame.url ? frame.url.replace(/^file:\/\//, "").replace(/.*node_modules\//, "") : "";
    return `${frame.functionName || "(anonymous)"} ${file ? `${file.replace(/.*\/dist\//, "dist/")}:${frame.lineNumber + 1}` : ""}`.trim();
}

/**
 * @returns {{ totalMs, idleMs, gcMs, bySelf: Array, byInclusive: Array, byOrigin: Array }}
 */
function summarise(profile, top = 25) {
    const nodes = new Map();
    const parent = new Map();
    for (const node of profile.nodes) {
        nodes.set(node.id, node);
        for (const child of node.children || []) parent.set(child, node.id);
    }
    const selfUs = new Map();
    for (let i = 0; i < profile.samples.length; i++) {
        const id = profile.samples[i];
        const delta = profile.timeDeltas[i] || 0;
        selfUs.set(id, (selfUs.get(id) || 0) + delta);
    }
    const self = new Map();
    const inclusive = new Map();
    const byOrigin = new Map();
    let totalUs = 0;
    let idleUs = 0;
    let gcUs = 0;
    for (const [id, us] of selfUs) {
        const node = nodes.get(id);
        const frame = node.callFrame;
        totalUs += us;
        if (frame.functionName === "(idle)") {
            idleUs += us;
            continue;
        }
        if (frame.functionName === "(garbage collector)") gcUs += us;
        const name = frameName(frame);
        self.set(name, (self.get(name) || 0) + us);
        const origin = frame.functionName === "(garbage collector)" ? "(garbage collector)" : originOf(frame.url);
        byOrigin.set(origin, (byOrigin.get(origin) || 0) + us);
        // Inclusive: every distinct function on the stack of this sample.
        const seen = new Set();
        for (let at = id; at !== undefined; at = parent.get(at)) {
            const f = nodes.get(at).callFrame;
            if (f.functionName === "(root)") continue;
            const n = frameName(f);
            if (seen.has(n)) continue;
            seen.add(n);
            inclusive.set(n, (inclusive.get(n) || 0) + us);
        }
    }
    const busyUs = totalUs - idleUs;
    const rank = (map) =>
        [...map]
            .sort((a, b) => b[1] - a[1])
            .slice(0, top)
            .map(([name, us]) => ({ name, ms: us / 1000, percentOfBusy: (100 * us) / busyUs }));
    return {
        totalMs: totalUs / 1000,
        busyMs: busyUs / 1000,
        idleMs: idleUs / 1000,
        gcMs: gcUs / 1000,
        bySelf: rank(self),
        byInclusive: rank(inclusive),
        byOrigin: rank(byOrigin),
    };
}

/**
 * The share of a process's busy time between `from` and `to` (microseconds of the monotonic clock, which is the clock
 * of a profile's timestamps and of process.hrtime() in every process of the machine) that went to code of files
 * matching `filePattern` and everything it called: of the busy (not idle) samples taken in that window, those whose
 * stack holds such a frame. A share of samples, unlike their wall-clock time, does not grow when the process waits for
 * a CPU on a busy machine: multiply it by the process's CPU time over the same window to get CPU time.
 */
function shareUnder(profile, filePattern, { from, to }) {
    const parent = new Map();
    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    for (const node of profile.nodes) for (const child of node.children || []) parent.set(child, node.id);
    const under = new Map();
    const isUnder = (id) => {
        if (id === undefined) return false;
        if (!under.has(id)) under.set(id, filePattern.test(byId.get(id).callFrame.url || "") || isUnder(parent.get(id)));
        return under.get(id);
    };
    let busy = 0;
    let inside = 0;
    let at = profile.startTime;
    for (let i = 0; i < profile.samples.length; i++) {
        at += profile.timeDeltas[i];
        const id = profile.samples[i];
        if (at < from || at > to || byId.get(id).callFrame.functionName === "(idle)") continue;
        busy++;
        if (isUnder(id)) inside++;
    }
    return { busy, inside, share: busy === 0 ? 0 : inside / busy };
}

function format(summary) {
    const lines = [];
    const pct = (v) => `${v.toFixed(1).padStart(5)} %`;
    lines.push(
        `CPU profile: ${(summary.totalMs / 1000).toFixed(1)} s sampled, busy ${(summary.busyMs / 1000).toFixed(1)} s ` +
            `(idle ${(summary.idleMs / 1000).toFixed(1)} s), GC ${(summary.gcMs / 1000).toFixed(2)} s; shares are of busy time`,
    );
    for (const [title, rows] of [
        ["by origin (self time)", summary.byOrigin],
        ["by function, self time", summary.bySelf],
        ["by function, inclusive time", summary.byInclusive],
    ]) {
        lines.push("", title);
        for (const row of rows) lines.push(`  ${pct(row.percentOfBusy)}  ${row.name}`);
    }
    return lines.join("\n");
}

/** With --profile: the summary of Node-RED's last profile, printed; returns it. */
function printProfile(session) {
    if (!session.profileDir) return undefined;
    const files = fs.readdirSync(session.profileDir).filter((f) => f.endsWith(".cpuprofile"));
    if (files.length === 0) {
        console.log(`no CPU profile was written to ${session.profileDir}`);
        return undefined;
    }
    const file = path.join(session.profileDir, files.sort().pop());
    const summary = summarise(JSON.parse(fs.readFileSync(file, "utf8")), 30);
    console.log("");
    console.log(`Node-RED ${path.relative(ROOT, file)}`);
    console.log(format(summary));
    return summary;
}

if (require.main === module) {
    const file = process.argv[2];
    if (!file) {
        console.error("usage: node bench/profile.js <file.cpuprofile> [top]");
        process.exit(2);
    }
    console.log(format(summarise(JSON.parse(fs.readFileSync(file, "utf8")), Number(process.argv[3]) || 25)));
}

module.exports = { printProfile, shareUnder };
