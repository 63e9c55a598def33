#!/usr/bin/env node
// `npm run test:compat`: installs, on demand and pinned, the Node-RED and Node.js versions the compatibility suite
// runs against (into .compat/, git-ignored), then runs test/compat with mocha. Arguments go on to mocha
// (e.g. `npm run test:compat -- --grep "5.0"`).
"use strict";
const { spawnSync } = require("child_process");
const path = require("path");
// The targets are TypeScript (test/compat/targets.ts), as are the tests that use them.
require("tsx/cjs");
const { TARGETS, ensureInstalled, packagesOf } = require("../test/compat/targets");

const root = path.resolve(__dirname, "..");

for (const target of TARGETS) {
    for (const pkg of packagesOf(target)) {
        ensureInstalled(pkg, (line) => console.log(`compat: ${line}`));
    }
}

const mocha = spawnSync(
    process.execPath,
    [require.resolve("mocha/bin/mocha.js"), "--config", path.join(root, "test", "compat", ".mocharc.json"), ...process.argv.slice(2)],
    { cwd: root, stdio: "inherit" },
);
process.exit(mocha.status === null ? 1 : mocha.status);
