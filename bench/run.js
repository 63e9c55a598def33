#!/usr/bin/env node
"use strict";
// `npm run bench [-- options]`: our endpoint against the flow users build by hand today, plain express and bare
// Node.js, side by side in one run. Not a test: it measures and reports, and never fails on speed.
//
//   --quick            a short run (about a minute, build included): what CI runs
//   --profile          start Node-RED with --cpu-prof and print where its time went (numbers are then perturbed)
//   --targets a,b      only some of: ours, hand-rolled, express, bare, webhook, devices, devices-file (the last three:
//                      alocity-device-state at 10,000 devices; see device-state.js; with devices, the Doors sidebar's
//                      feed and its speed in chromium are measured too: doors-feed.js, doors-sidebar.js)
//   --rounds N  --duration S  --connections N   override the run's shape
//
// Everything listens on 127.0.0.1 only; every process started here is stopped before the end, also on Ctrl-C.
const crypto = require("crypto");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { spawn } = require("child_process");
const { startNodeRed, request } = require("../scripts/node-red-process");
const { benchFlows, deviceStateFlows } = require("./flows");
const { drive, median, nextSignedEvent, percentile, processCpuSeconds } = require("./load");
const { summarise, format: formatProfile } = require("./profile");
const { measureDeliveryMemory } = require("./delivery-memory");
const { deviceStateReport, DEVICES, CONTEXT_STORES } = require("./device-state");
const { doorsFeedReport } = require("./doors-feed");
const { doorsSidebarReport } = require("./doors-sidebar");

const ROOT = path.resolve(__dirname, "..");
const RESULTS_DIR = path.join(__dirname, "results");

const TARGETS = {
    ours: { label: "ours: alocity-webhook-in -> alocity-event-switch", path: "/bench/ours", warmupPath: "/bench/ours-warmup" },
    "hand-rolled": { label: "hand-rolled: http in -> function (crypto) -> switch -> http response", path: "/bench/hand-rolled" },
    express: { label: "express: express.raw + same verify", path: "/alocity" },
    bare: { label: "bare: node:http + same verify", path: "/alocity" },
    // Fed the events of a fleet of DEVICES door controllers, after one event from each (see load.js deviceEvent).
    webhook: {
        label: "webhook: alocity-webhook-in -> junction (each message delivered, nothing done)",
        path: "/bench/webhook",
        fleet: true,
    },
    devices: { label: "devices: alocity-webhook-in -> alocity-device-state (memory store)", path: "/bench/devices", fleet: true },
    "devices-file": {
        label: "devices-file: alocity-webhook-in -> alocity-device-state (localfilesystem store)",
        path: "/bench/devices-file",
        fleet: true,
    },
};
const DEVICE_STATE_TARGETS = ["webhook", "devices", "devices-file"];

const SHAPES = {
    full: { rounds: 5, duration: 10, warmup: 3, connections: 10, acceptedForRss: 100_000, budgetSeconds: 15 * 60 },
    quick: { rounds: 2, duration: 3, warmup: 1, connections: 10, acceptedForRss: 10_000, budgetSeconds: 90 },
};

function parseArgs(argv) {
    const options = { quick: false, profile: false, targets: Object.keys(TARGETS) };
    const overrides = {};
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const value = () => {
            const v = argv[++i];
            if (v === undefined) throw new Error(`${arg} needs a value`);
            return v;
        };
        if (arg === "--quick") options.quick = true;
        else if (arg === "--profile") options.profile = true;
        else if (arg === "--targets")
            options.targets = value()
                .split(",")
                .map((t) => t.trim())
                .filter(Boolean);
        else if (arg === "--rounds") overrides.rounds = positiveInteger(arg, value(), 50);
        else if (arg === "--duration") overrides.duration = positiveInteger(arg, value(), 120);
        else if (arg === "--connections") overrides.connections = positiveInteger(arg, value(), 1000);
        else throw new Error(`unknown option ${arg}`);
    }
    for (const target of options.targets) {
        if (!TARGETS[target]) throw new Error(`unknown target ${target}; known: ${Object.keys(TARGETS).join(", ")}`);
    }
    options.shape = { ...(options.quick ? SHAPES.quick : SHAPES.full), ...overrides };
    return options;
}

function positiveInteger(name, text, max) {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1 || n > max) throw new Error(`${name} must be a whole number from 1 to ${max}`);
    return n;
}

/** Starts a reference server (bench/references/<name>.js) in a process of its own. */
function startReference(name, secret, urlPath) {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [path.join(__dirname, "references", `${name}.js`)], {
            env: { ...process.env, BENCH_SECRET: secret, BENCH_PATH: urlPath },
            stdio: ["pipe", "pipe", "pipe"],
        });
        let output = "";
        const timer = setTimeout(() => {
            child.kill("SIGKILL");
            reject(new Error(`${name} did not start within 20 s:\n${output}`));
        }, 20_000);
        const onData = (chunk) => {
            output += chunk;
            const line = output.split("\n").find((l) => l.startsWith("{"));
            if (line) {
                clearTimeout(timer);
                child.stdout.off("data", onData);
                resolve({ port: JSON.parse(line).port, process: child, stop: () => stopChild(child) });
            }
        };
        child.stdout.on("data", onData);
        child.stderr.on("data", (chunk) => (output += chunk));
        child.once("exit", (code) => {
            clearTimeout(timer);
            reject(new Error(`${name} exited with code ${code}:\n${output}`));
        });
    });
}

function stopChild(child) {
    return new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 5000).unref();
    });
}

/** Resident set size of a process, in MB (Linux /proc; elsewhere ps). */
function rssMb(pid) {
    try {
        const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
        const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)[1]);
        return kb / 1024;
    } catch {
        const { execFileSync } = require("child_process");
        return (
            Number(
                execFileSync("ps", ["-o", "rss=", "-p", String(pid)])
                    .toString()
                    .trim(),
            ) / 1024
        );
    }
}

/** One signed event must be accepted and one with a wrong signature refused, or the numbers mean nothing. */
async function smokeCheck(name, port, urlPath, secret) {
    const url = `http://127.0.0.1:${port}${urlPath}`;
    const good = nextSignedEvent(secret);
    const accepted = await request("POST", url, good.body, { "Alocity-Signature": good.header });
    const bad = nextSignedEvent(secret);
    const refused = await request("POST", url, bad.body, { "Alocity-Signature": nextSignedEvent("wrong-secret").header });
    if (accepted.status !== 200 || refused.status !== 401) {
        throw new Error(
            `${name} at ${url}: a signed event got ${accepted.status} (want 200), a wrongly signed one ${refused.status} (want 401)`,
        );
    }
}

function mean(values) {
    return values.reduce((a, b) => a + b, 0) / values.length;
}

function stdev(values) {
    const m = mean(values);
    return Math.sqrt(mean(values.map((v) => (v - m) ** 2)));
}

function machine() {
    const cpus = os.cpus();
    return {
        nodeRed: require("node-red/package.json").version,
        cpus: cpus.length,
        cpuModel: cpus[0]?.model?.trim(),
        totalMemoryGb: Math.round(os.totalmem() / 2 ** 30),
        node: process.version,
        platform: `${os.platform()} ${os.release()}`,
    };
}

function pad(text, width, right = false) {
    text = String(text);
    return right ? text.padStart(width) : text.padEnd(width);
}

function fixed(v, digits) {
    return Number.isFinite(v) ? v.toFixed(digits) : "-";
}

async function main() {
    const options = parseArgs(process.argv.slice(2));
    const { shape } = options;
    if (!fs.existsSync(path.join(ROOT, "dist", "nodes", "alocity-webhook-in.js"))) {
        throw new Error("dist/ is missing: run `npm run bench` (which builds first) or `npm run build`");
    }
    fs.mkdirSync(RESULTS_DIR, { recursive: true });
    const startedAt = new Date();
    const stamp = startedAt.toISOString().replace(/[:.]/g, "-");
    const deadline = Date.now() + shape.budgetSeconds * 1000;
    const secret = crypto.randomBytes(24).toString("base64");
    const info = machine();
    const loadBefore = os.loadavg();
    console.log(
        `bench: ${options.quick ? "quick" : "full"} run, ${shape.rounds} rounds x ${shape.duration} s per target, ` +
            `${shape.connections} connections; ${info.cpus} CPUs (${info.cpuModel}), Node ${info.node}; ` +
            `load average before: ${loadBefore.map((l) => l.toFixed(2)).join(" ")}`,
    );

    const started = [];
    const stopAll = async () => {
        while (started.length > 0) {
            const item = started.pop();
            try {
                await item.stop();
            } catch (error) {
                console.error(`bench: stopping ${item.name}: ${error.message}`);
            }
        }
    };
    let interrupted = false;
    const onSignal = (signal) => {
        if (interrupted) return;
        interrupted = true;
        console.error(`\nbench: ${signal}, stopping everything`);
        stopAll().finally(() => process.exit(130));
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);

    const ports = {};
    const pids = {};
    const results = Object.fromEntries(Object.keys(TARGETS).map((name) => [name, []]));
    const rssSamples = [];
    let oursAccepted = 0;
    let profileDir;
    let nodeRed;
    /** Each Node-RED, and where its log starts to count (after the smoke check's refused request). */
    const logged = [];
    let nodeRedLog = "";
    try {
        // Node-RED: default settings, a user directory of its own, this package linked in.
        const startBenchNodeRed = async (label, settings) => {
            const userDir = fs.mkdtempSync(path.join(os.tmpdir(), "alocity-bench-"));
            started.push({ name: `${label} user directory`, stop: async () => fs.rmSync(userDir, { recursive: true, force: true }) });
            const instance = await startNodeRed({ userDir, port: 0, packageDir: ROOT, execArgv, settings });
            started.push({ name: label, stop: () => instance.stop() });
            return instance;
        };
        const execArgv = [];
        if (options.profile) {
            profileDir = path.join(RESULTS_DIR, `profile-${stamp}`);
            fs.mkdirSync(profileDir, { recursive: true });
            execArgv.push("--cpu-prof", "--cpu-prof-dir", profileDir);
        }
        nodeRed = await startBenchNodeRed("Node-RED", []);
        await nodeRed.deploy(
            benchFlows({
                secret,
                oursPath: TARGETS.ours.path,
                oursWarmupPath: TARGETS.ours.warmupPath,
                handRolledPath: TARGETS["hand-rolled"].path,
            }),
        );
        for (const name of ["ours", "hand-rolled"]) {
            ports[name] = nodeRed.port;
            pids[name] = nodeRed.process.pid;
        }
        for (const name of ["express", "bare"]) {
            if (!options.targets.includes(name)) continue;
            const reference = await startReference(name, secret, TARGETS[name].path);
            started.push({ name, stop: reference.stop });
            ports[name] = reference.port;
            pids[name] = reference.process.pid;
        }

        const run = async (name, duration, urlPath = TARGETS[name].path, amount = undefined) => {
            const cpuBefore = processCpuSeconds(pids[name]);
            const devices = TARGETS[name].fleet ? DEVICES : undefined;
            const result = await drive({
                port: ports[name],
                path: urlPath,
                secret,
                connections: shape.connections,
                duration,
                amount,
                devices,
            });
            const cpuAfter = processCpuSeconds(pids[name]);
            result.serverCpuSeconds = cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore;
            return result;
        };

        // Two phases, each with rounds of its own: the receiver's targets, then the device state's, in a Node-RED of
        // their own started for them (with a persistent context store too), so that their 30,000 records and the
        // alarm timers that keep firing neither weigh on the first phase's heap nor take its CPU.
        let devicesNodeRed;
        const phases = [
            options.targets.filter((name) => !DEVICE_STATE_TARGETS.includes(name)),
            options.targets.filter((name) => DEVICE_STATE_TARGETS.includes(name)),
        ].filter((targets) => targets.length > 0);
        for (const targets of phases) {
            if (targets.some((name) => TARGETS[name].fleet)) {
                devicesNodeRed = await startBenchNodeRed("Node-RED for alocity-device-state", CONTEXT_STORES);
                await devicesNodeRed.deploy(
                    deviceStateFlows({
                        secret,
                        webhook: TARGETS.webhook.path,
                        devices: TARGETS.devices.path,
                        devicesFile: TARGETS["devices-file"].path,
                        fileStore: "file",
                    }),
                );
                for (const name of DEVICE_STATE_TARGETS) {
                    ports[name] = devicesNodeRed.port;
                    pids[name] = devicesNodeRed.process.pid;
                }
            }
            for (const name of targets) {
                await smokeCheck(name, ports[name], TARGETS[name].path, secret);
            }
            if (targets.includes("ours")) oursAccepted += 1;
            const instance = targets.some((name) => TARGETS[name].fleet) ? devicesNodeRed : nodeRed;
            logged.push({ instance, from: instance.log.length });

            // The fleet's targets start at DEVICES devices, one event from each, which warms them up too.
            for (const name of targets.filter((target) => TARGETS[target].fleet)) {
                await run(name, undefined, TARGETS[name].path, DEVICES);
            }
            // Warm-up: lets the JIT settle; not recorded. Ours warms up on a path of its own (same code, its own
            // delivery memory), so that the measured path's delivery memory starts empty: round 1 fills it, later rounds run at
            // its cap.
            for (const name of targets.filter((target) => !TARGETS[target].fleet)) {
                const warm = await run(name, shape.warmup, TARGETS[name].warmupPath);
                if (name === "ours") oursAccepted += warm.accepted;
            }
            if (targets.includes("ours")) {
                rssSamples.push({ after: "warm-up", accepted: oursAccepted, rssMb: rssMb(nodeRed.process.pid) });
            }

            // Rounds: every target once per round, in an order that rotates, so none always runs first or last.
            for (let round = 0; round < shape.rounds && !interrupted; round++) {
                if (Date.now() > deadline) {
                    console.log(`bench: time budget spent, stopping after ${round} rounds`);
                    break;
                }
                const order = targets.map((_, i) => targets[(i + round) % targets.length]);
                const line = [];
                for (const name of order) {
                    const result = await run(name, shape.duration);
                    results[name].push({ round: round + 1, ...result });
                    line.push(`${name} ${Math.round(result.requestsPerSecond)}/s`);
                    if (name === "ours") {
                        oursAccepted += result.accepted;
                        rssSamples.push({ after: `round ${round + 1}`, accepted: oursAccepted, rssMb: rssMb(nodeRed.process.pid) });
                    }
                }
                console.log(`round ${round + 1}/${shape.rounds}: ${line.join(", ")}`);
            }

            // Memory after the wanted number of accepted events: keep driving ours until there, within the budget.
            if (targets.includes("ours")) {
                for (let extra = 0; extra < 50 && oursAccepted < shape.acceptedForRss && !interrupted; extra++) {
                    if (Date.now() > deadline) break;
                    const result = await run("ours", Math.min(10, shape.duration));
                    oursAccepted += result.accepted;
                    rssSamples.push({ after: "top-up", accepted: oursAccepted, rssMb: rssMb(nodeRed.process.pid) });
                }
            }
        }
    } finally {
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
        nodeRedLog = logged.map(({ instance, from }) => instance.log.slice(from)).join("\n");
        await stopAll();
    }

    // Summary.
    const summary = {};
    for (const name of options.targets) {
        const runs = results[name];
        if (runs.length === 0) continue;
        const pooled = Float64Array.from(runs.flatMap((r) => Array.from(r.latencySample))).sort();
        const rates = runs.map((r) => r.requestsPerSecond);
        summary[name] = {
            label: TARGETS[name].label,
            requestsPerSecond: mean(rates),
            requestsPerSecondStdev: stdev(rates),
            perRound: rates,
            // Server CPU per request, in microseconds: all rounds' CPU over all their requests.
            cpuMicrosPerRequest: runs.every((r) => r.serverCpuSeconds !== undefined)
                ? (1e6 * runs.reduce((a, r) => a + r.serverCpuSeconds, 0)) / runs.reduce((a, r) => a + r.requests, 0)
                : undefined,
            p50: percentile(pooled, 50),
            p99: percentile(pooled, 99),
            requests: runs.reduce((a, r) => a + r.requests, 0),
            non2xx: runs.reduce((a, r) => a + r.non2xx, 0),
            errors: runs.reduce((a, r) => a + r.errors + r.timeouts, 0),
            duplicates: runs.reduce((a, r) => a + r.duplicates, 0),
            statuses: runs.reduce((a, r) => {
                for (const [code, count] of Object.entries(r.statuses)) a[code] = (a[code] || 0) + count;
                return a;
            }, {}),
        };
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
    const ratio = (a, b) => (summary[a] && summary[b] ? summary[a].requestsPerSecond / summary[b].requestsPerSecond : undefined);
    const ratios = {
        "ours/hand-rolled": ratio("ours", "hand-rolled"),
        "ours/express": ratio("ours", "express"),
        "ours/bare": ratio("ours", "bare"),
    };
    const cpuRatio = (a, b) =>
        summary[a]?.cpuMicrosPerRequest && summary[b]?.cpuMicrosPerRequest
            ? summary[b].cpuMicrosPerRequest / summary[a].cpuMicrosPerRequest
            : undefined;
    const cpuRatios = {
        "ours/hand-rolled": cpuRatio("ours", "hand-rolled"),
        "ours/express": cpuRatio("ours", "express"),
        "ours/bare": cpuRatio("ours", "bare"),
    };
    const listed = (all) =>
        Object.entries(all)
            .filter(([, v]) => v !== undefined)
            .map(([k, v]) => `${k} ${v.toFixed(2)}`)
            .join(", ");
    console.log("");
    console.log(`ratios (req/s): ${listed(ratios)}`);
    if (Object.values(cpuRatios).some((v) => v !== undefined)) {
        console.log(`ratios (requests per server CPU second, insensitive to other load on the machine): ${listed(cpuRatios)}`);
    }

    const checks = [];
    let deliveryMemory;
    const ours = summary.ours;
    if (ours) {
        const firstRun = results.ours[0];
        const lastRun = results.ours[results.ours.length - 1];
        const cpuPerRequest = (run) => (run.serverCpuSeconds === undefined ? undefined : (1e6 * run.serverCpuSeconds) / run.requests);
        const firstLast = ours.perRound.length > 1 ? ours.perRound[ours.perRound.length - 1] / ours.perRound[0] : undefined;
        const firstLastCpu =
            ours.perRound.length > 1 && cpuPerRequest(firstRun) !== undefined
                ? cpuPerRequest(lastRun) / cpuPerRequest(firstRun)
                : undefined;
        const rssAtTarget = rssSamples.find((s) => s.accepted >= shape.acceptedForRss);
        const lastRss = rssSamples[rssSamples.length - 1];
        const firstRss = rssSamples[0];
        // Ours and hand-rolled run back to back in each round: the ratio of each round's pair cancels most of the drift
        // of a shared machine; the targets are judged on the median of the rounds' ratios.
        const hand = results["hand-rolled"];
        if (hand.length === results.ours.length && hand.length > 0) {
            const rateRatios = results.ours.map((run, i) => run.requestsPerSecond / hand[i].requestsPerSecond);
            const cpuRatioList = results.ours.map((run, i) => cpuPerRequest(hand[i]) / cpuPerRequest(run));
            const perRound = (values) => `median of the rounds' ${values.map((v) => v.toFixed(2)).join(", ")}`;
            checks.push([
                "ours >= 1.5x hand-rolled (req/s)",
                median(rateRatios) >= 1.5,
                `${median(rateRatios).toFixed(2)}x (${perRound(rateRatios)})`,
            ]);
            if (cpuRatioList.every((ratio) => Number.isFinite(ratio))) {
                checks.push([
                    "ours >= 2x hand-rolled by server CPU per request",
                    median(cpuRatioList) >= 2,
                    `${median(cpuRatioList).toFixed(2)}x (${perRound(cpuRatioList)})`,
                ]);
            }
        }
        if (firstLastCpu !== undefined) {
            checks.push([
                "ours: last round no dearer than the first (server CPU per request <= 110 %)",
                firstLastCpu <= 1.1,
                `last/first ${(100 * firstLastCpu).toFixed(0)} % (req/s last/first ${(100 * firstLast).toFixed(0)} %)`,
            ]);
        } else if (firstLast !== undefined) {
            checks.push([
                "ours: last round as fast as the first (>= 90 %)",
                firstLast >= 0.9,
                `last/first ${(100 * firstLast).toFixed(0)} %`,
            ]);
        }
        console.log("");
        console.log(
            `Node-RED RSS: ${fixed(firstRss.rssMb, 0)} MB after ${firstRss.accepted} accepted events (${firstRss.after}), ` +
                (rssAtTarget
                    ? `${fixed(rssAtTarget.rssMb, 0)} MB after ${rssAtTarget.accepted} (${rssAtTarget.after})`
                    : `target of ${shape.acceptedForRss} accepted events not reached`) +
                `, ${fixed(lastRss.rssMb, 0)} MB at the end (${lastRss.accepted} accepted)` +
                (options.quick ? `; quick run: read past ${shape.acceptedForRss} accepted events instead of 100,000` : ""),
        );
        console.log(
            `ours per round: ${ours.perRound.map((r) => Math.round(r)).join(", ")} req/s; ` +
                `${results.ours.map((r) => fixed(cpuPerRequest(r), 0)).join(", ")} us of server CPU per request`,
        );
        // Measured here, with every server stopped: the delivery memory's own cost per request.
        deliveryMemory = measureDeliveryMemory();
        console.log(
            `delivery memory (DeliveryMemory.remember, in-process): ${deliveryMemory.fillingMicros.toFixed(2)} us per call while it fills, ` +
                `${deliveryMemory.atCapMicros.toFixed(2)} us at its cap of ${deliveryMemory.limit} (${deliveryMemory.size} held)`,
        );
        checks.push([
            "delivery memory O(1): no dearer at its cap than while it fills (<= 2x)",
            deliveryMemory.ratio <= 2,
            `${deliveryMemory.ratio.toFixed(1)}x`,
        ]);
    }
    const deviceState = await deviceStateReport(summary, { secret, quick: options.quick });
    // The Doors sidebar: what its feed costs the webhook (Node-RED with adminAuth, of its own) and its speed in chromium.
    const doors = { figures: {}, lines: [], checks: [] };
    if (summary.devices) {
        const { rounds, duration, warmup, connections } = shape;
        for (const report of [
            await doorsFeedReport({ secret, devices: DEVICES, rounds: Math.max(rounds, 4), duration, warmup, connections }),
            await doorsSidebarReport(),
        ]) {
            Object.assign(doors.figures, report.figures);
            doors.lines.push(...report.lines);
            doors.checks.push(...report.checks);
        }
    }
    for (const report of [deviceState, doors]) {
        if (report.lines.length === 0) continue;
        console.log("");
        for (const line of report.lines) console.log(line);
        checks.push(...report.checks);
    }
    if (checks.length > 0) {
        console.log("");
        console.log("targets (measured, not asserted):");
        for (const [what, met, measured] of checks) console.log(`  ${met ? "met " : "MISS"}  ${what}: ${measured}`);
    }
    const problems = (nodeRedLog.match(/^.*\[(error|warn)\].*$/gm) || []).slice(0, 5);
    if (problems.length > 0) {
        console.log("");
        console.log("Node-RED logged during the load (first lines):");
        for (const line of problems) console.log(`  ${line}`);
    }
    const loadAfter = os.loadavg();
    console.log("");
    console.log(
        `machine: ${info.cpus} CPUs (${info.cpuModel}), ${info.totalMemoryGb} GB, Node ${info.node}, Node-RED ${info.nodeRed}, ${info.platform}; ` +
            `load average before ${loadBefore[0].toFixed(2)}, after ${loadAfter[0].toFixed(2)}; load generator on the same cores` +
            (options.profile ? "; PROFILED run (--cpu-prof): numbers perturbed" : ""),
    );

    let profileSummary;
    if (profileDir) {
        const files = fs.readdirSync(profileDir).filter((f) => f.endsWith(".cpuprofile"));
        if (files.length === 0) {
            console.log(`no CPU profile was written to ${profileDir}`);
        } else {
            const file = path.join(profileDir, files.sort().pop());
            profileSummary = summarise(JSON.parse(fs.readFileSync(file, "utf8")), 30);
            console.log("");
            console.log(`Node-RED ${path.relative(ROOT, file)}`);
            console.log(formatProfile(profileSummary));
        }
    }

    const out = path.join(RESULTS_DIR, `bench-${stamp}${options.quick ? "-quick" : ""}.json`);
    fs.writeFileSync(
        out,
        JSON.stringify(
            {
                startedAt: startedAt.toISOString(),
                mode: options.quick ? "quick" : "full",
                profiled: options.profile,
                shape,
                machine: { ...info, loadAverageBefore: loadBefore, loadAverageAfter: loadAfter },
                oursFlow: "alocity-webhook-in -> alocity-event-switch",
                summary,
                ratios,
                cpuRatios,
                checks: checks.map(([what, met, measured]) => ({ what, met, measured })),
                rss: rssSamples,
                deliveryMemory,
                deviceState: deviceState.figures,
                doors: doors.figures,
                runs: Object.fromEntries(
                    Object.entries(results).map(([name, runs]) => [name, runs.map(({ latencySample, ...rest }) => rest)]),
                ),
                profile: profileSummary,
            },
            null,
            2,
        ),
    );
    console.log(`results: ${path.relative(ROOT, out)}`);
}

main().then(
    () => process.exit(0),
    (error) => {
        console.error(`bench: ${error.stack || error.message}`);
        process.exit(1);
    },
);
