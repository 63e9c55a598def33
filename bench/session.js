"use strict";
// One run of the bench, shared by its phases: the options and shape, the secret every target verifies, the time
// budget, the machine, each target's endpoint and runs, the checks gathered, and the processes the load phases start.
// Everything listens on 127.0.0.1 only; every process started here is stopped before the end, also on Ctrl-C.
const crypto = require("crypto");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { spawn } = require("child_process");
const { startNodeRed } = require("../scripts/node-red-process");
const { TARGETS } = require("./options");

const ROOT = path.resolve(__dirname, "..");
const RESULTS_DIR = path.join(__dirname, "results");

class Session {
    constructor(options) {
        if (!fs.existsSync(path.join(ROOT, "dist", "nodes", "alocity-webhook-in.js"))) {
            throw new Error("dist/ is missing: run `npm run bench` (which builds first) or `npm run build`");
        }
        fs.mkdirSync(RESULTS_DIR, { recursive: true });
        this.options = options;
        this.shape = options.shape;
        this.startedAt = new Date();
        this.stamp = this.startedAt.toISOString().replace(/[:.]/g, "-");
        this.deadline = Date.now() + this.shape.budgetSeconds * 1000;
        this.secret = crypto.randomBytes(24).toString("base64");
        this.machine = machine();
        this.loadBefore = os.loadavg();
        /** Each target's `{ port, pid }`, once started. */
        this.endpoints = {};
        this.runs = Object.fromEntries(Object.keys(TARGETS).map((name) => [name, []]));
        /** `[what, met, measured]` of every phase, printed together at the end. */
        this.checks = [];
        this.interrupted = false;
        this.started = [];
        /** Each Node-RED under load, and where its log starts to count. */
        this.watched = [];
        this.nodeRedLog = "";
        this.execArgv = [];
        if (options.profile) {
            this.profileDir = path.join(RESULTS_DIR, `profile-${this.stamp}`);
            fs.mkdirSync(this.profileDir, { recursive: true });
            this.execArgv.push("--cpu-prof", "--cpu-prof-dir", this.profileDir);
        }
    }

    /** The targets asked for, of the fleet's phase or of the receivers'. */
    targets({ fleet }) {
        return this.options.targets.filter((name) => Boolean(TARGETS[name].fleet) === fleet);
    }

    /** Runs the load phases; then, and on Ctrl-C, stops everything they started. */
    async underLoad(load) {
        const onSignal = (signal) => {
            if (this.interrupted) return;
            this.interrupted = true;
            console.error(`\nbench: ${signal}, stopping everything`);
            this.stopAll().finally(() => process.exit(130));
        };
        process.on("SIGINT", onSignal);
        process.on("SIGTERM", onSignal);
        try {
            return await load();
        } finally {
            process.off("SIGINT", onSignal);
            process.off("SIGTERM", onSignal);
            this.nodeRedLog = this.watched.map(({ nodeRed, from }) => nodeRed.log.slice(from)).join("\n");
            await this.stopAll();
        }
    }

    /** Node-RED's log from now on is read for errors and warnings. */
    watchLog(nodeRed) {
        this.watched.push({ nodeRed, from: nodeRed.log.length });
    }

    /** A Node-RED with default settings (and `settings`), a user directory of its own, this package linked in. */
    async startNodeRed(label, settings) {
        const userDir = fs.mkdtempSync(path.join(os.tmpdir(), "alocity-bench-"));
        this.started.push({ name: `${label} user directory`, stop: async () => fs.rmSync(userDir, { recursive: true, force: true }) });
        const nodeRed = await startNodeRed({ userDir, port: 0, packageDir: ROOT, execArgv: this.execArgv, settings });
        this.started.push({ name: label, stop: () => nodeRed.stop() });
        return nodeRed;
    }

    /** A reference server (bench/references/<name>.js) in a process of its own, serving its target's path. */
    startReference(name) {
        return new Promise((resolve, reject) => {
            const child = spawn(process.execPath, [path.join(__dirname, "references", `${name}.js`)], {
                env: { ...process.env, BENCH_SECRET: this.secret, BENCH_PATH: TARGETS[name].path },
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
                    this.started.push({ name, stop: () => stopChild(child) });
                    resolve({ port: JSON.parse(line).port, pid: child.pid });
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

    async stopAll() {
        while (this.started.length > 0) {
            const item = this.started.pop();
            try {
                await item.stop();
            } catch (error) {
                console.error(`bench: stopping ${item.name}: ${error.message}`);
            }
        }
    }
}

function stopChild(child) {
    return new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 5000).unref();
    });
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

module.exports = { Session, ROOT, RESULTS_DIR };
