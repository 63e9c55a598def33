"use strict";
// Starts a real Node-RED in a child process, with its default settings (editor at /), a user directory of its
// own and this package installed in it by a link; used by `npm start`, the integration tests and the benchmark.
const { spawn } = require("child_process");
const fs = require("fs");
const { request } = require("./http-request");
const path = require("path");

/**
 * @param {object} options
 * @param {string} options.userDir
 * @param {number} [options.port] 0 (the default): Node-RED listens on a free port, read from its log
 * @param {string} [options.host]
 * @param {string} [options.packageDir] the package to load (linked into userDir/node_modules)
 * @param {string[]} [options.modules] more node module folders to link into userDir/node_modules
 * @param {boolean} [options.link] false: link nothing, the package is installed in userDir already (e.g. from its tarball)
 * @param {string} [options.redJs] Node-RED's red.js (default: the devDependency)
 * @param {string} [options.nodeBinary] the node executable (default: this one)
 * @param {string[]} [options.execArgv] options for the node executable, before red.js (e.g. `--cpu-prof`)
 * @param {string[]} [options.settings] extra `-D key=value` settings
 * @param {boolean} [options.inheritOutput] show Node-RED's log on this process's output
 * @param {object} [options.env]
 */
async function startNodeRed(options) {
    const host = options.host || "127.0.0.1";
    const port = options.port || 0;
    fs.mkdirSync(path.join(options.userDir, "node_modules"), { recursive: true });
    const links = [...(options.link !== false ? [options.packageDir] : []), ...(options.modules || [])];
    for (const moduleDir of links) {
        const name = JSON.parse(fs.readFileSync(path.join(moduleDir, "package.json"), "utf8")).name;
        const link = path.join(options.userDir, "node_modules", name);
        fs.rmSync(link, { recursive: true, force: true });
        fs.symlinkSync(moduleDir, link, "dir");
    }
    if (!fs.existsSync(path.join(options.userDir, "package.json"))) {
        fs.writeFileSync(path.join(options.userDir, "package.json"), JSON.stringify({ name: "node-red-project", private: true }, null, 2));
    }

    const redJs = options.redJs || require.resolve("node-red/red.js");
    const args = [...(options.execArgv || []), redJs, "--userDir", options.userDir, "--port", String(port), "-D", `uiHost=${host}`];
    for (const setting of options.settings || []) {
        args.push("-D", setting);
    }
    const child = spawn(options.nodeBinary || process.execPath, args, {
        env: { ...process.env, ...(options.env || {}) },
        stdio: ["ignore", "pipe", "pipe"],
    });
    let log = "";
    const onOutput = (chunk) => {
        log += chunk;
        if (options.inheritOutput) process.stdout.write(chunk);
    };
    child.stdout.on("data", onOutput);
    child.stderr.on("data", onOutput);

    // "Server now running at http://127.0.0.1:<port>/": the port it listens on, which may have been chosen for it.
    const listening = () => /Server now running at (https?:\/\/[^/\s]+)/.exec(log);
    await new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
            // Whoever called us has no handle on the child yet: do not leave it running.
            child.kill("SIGKILL");
            reject(new Error(`Node-RED did not start within 60 s:\n${log}`));
        }, 60000);
        const check = () => {
            if (/Started flows/.test(log) && listening()) {
                clearTimeout(timer);
                child.stdout.off("data", check);
                resolve();
            }
        };
        child.stdout.on("data", check);
        child.once("exit", (code) => {
            clearTimeout(timer);
            reject(new Error(`Node-RED exited with code ${code}:\n${log}`));
        });
    });

    const url = listening()[1];
    return {
        url,
        port: Number(new URL(url).port),
        process: child,
        get log() {
            return log;
        },
        /** Calls the admin API; resolves with the parsed JSON answer. */
        admin(method, route, body, headers) {
            return request(method, url + route, { body, headers }).then((answer) => {
                if (answer.status >= 300) {
                    throw new Error(`${method} ${route}: ${answer.status} ${answer.text}`);
                }
                return answer.text ? JSON.parse(answer.text) : undefined;
            });
        },
        /**
         * Answers the editor's first-run questions as a returning user has (the welcome tour seen, telemetry and its
         * update notifications off), so that the editor opens with no dialog in the way.
         */
        async answerFirstRunQuestions() {
            const { version } = await this.admin("GET", "/settings");
            await this.admin("POST", "/settings/user", { telemetryEnabled: false, editor: { tours: { welcome: version } } });
        },
        /** Deploys flows and waits until they are running. */
        async deploy(flows, type = "full") {
            const before = (log.match(/Started (modified )?flows|Started modified nodes/g) || []).length;
            await this.admin("POST", "/flows", flows, { "Node-RED-Deployment-Type": type });
            const deadline = Date.now() + 20000;
            while ((log.match(/Started (modified )?flows|Started modified nodes/g) || []).length <= before) {
                if (Date.now() > deadline) throw new Error(`deploy did not finish:\n${log}`);
                await new Promise((resolve) => setTimeout(resolve, 20));
            }
        },
        stop() {
            return new Promise((resolve) => {
                if (child.exitCode !== null) return resolve();
                child.once("exit", () => resolve());
                child.kill("SIGINT");
                setTimeout(() => child.kill("SIGKILL"), 5000).unref();
            });
        },
    };
}

module.exports = { startNodeRed };
