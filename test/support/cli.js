"use strict";
// Runs the package's `alocity-webhook` bin as a user would: a child process of this Node.js.
const path = require("path");
const { spawn } = require("child_process");

const packageDir = path.resolve(__dirname, "..", "..");
const manifest = require(path.join(packageDir, "package.json"));
const CLI = path.join(packageDir, manifest.bin["alocity-webhook"]);

/**
 * Resolves with the exit code and output of `alocity-webhook ...args`. ALOCITY_WEBHOOK_SECRET is not inherited
 * unless `env` sets it. Stdin is a pipe that gets `input` (or nothing).
 */
function runCli(args, { env = {}, input } = {}) {
    const childEnv = { ...process.env, ...env };
    if (!("ALOCITY_WEBHOOK_SECRET" in env)) delete childEnv.ALOCITY_WEBHOOK_SECRET;
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [CLI, ...args], { env: childEnv });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk) => (stdout += chunk));
        child.stderr.on("data", (chunk) => (stderr += chunk));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, stdout, stderr }));
        child.stdin.end(input);
    });
}

module.exports = { runCli, CLI };
